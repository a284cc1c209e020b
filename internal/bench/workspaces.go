package bench

// The multi-workspace case (-wave N -workspaces K): K Terraform working directories, each one
// entratap_passes of N/K users, applied and then destroyed all at once against one mock with
// Graph's quotas on, as the same app in the same tenant: the way an organisation splits
// onboarding by region or business unit, each workspace run by its orchestrator. Graph's write
// quota is per app and tenant, so the K provider processes share it, and each sees only its
// own 429s and the shared x-ms-throttle-limit-percentage. The figures: the wall time of each
// command over the quota floor of everything the K sent (the least time those requests need
// under the windows), the share of Graph requests answered 429, the entries whose pass was not
// issued (retries exhausted: not_issued in state), failed commands, and whether every
// workspace's state holds exactly its users' passes in the tenant.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// workspacesRun is one command run in every workspace at once.
type workspacesRun struct {
	Phase        string  `json:"phase"`
	Seconds      float64 `json:"seconds"` // from the first start to the last end
	FloorSeconds float64 `json:"quota_floor_seconds"`
	GraphCalls   int     `json:"graph_requests"`
	Throttled    int     `json:"throttled_429"`
	ThrottledW   int     `json:"throttled_429_writes"` // of Throttled, writes (the rest: reads, under the resource units)
	NotIssued    int     `json:"not_issued"`           // entries left in not_issued: retries exhausted
	Failed       int     `json:"failed_commands"`
	Mismatched   int     `json:"state_not_tenant"` // workspaces whose state is not their users' passes in the tenant
	FirstWriteS  float64 `json:"first_write_s"`
	LastWriteS   float64 `json:"last_write_s"`
	// Seconds of each workspace's command.
	Each []float64 `json:"each_seconds"`
}

// runWorkspaces runs the multi-workspace case and prints its figure line.
func (b *bench) runWorkspaces(ctx context.Context, w io.Writer) error {
	k := b.opts.workspaces
	n := len(b.users)
	q := graphmock.Quota{Enabled: true, TenantSize: "large", TimeScale: b.opts.waveScale, TAPQuota: b.opts.waveTAPQuota}
	dirs := make([]string, k)
	sets := make([]map[string]bool, k)
	for i := range k {
		part := b.users[i*n/k : (i+1)*n/k]
		dirs[i] = filepath.Join(b.dir, "work", fmt.Sprintf("workspace-%d", i+1))
		sets[i] = map[string]bool{}
		for _, u := range part {
			sets[i][u] = true
		}
		if err := os.MkdirAll(dirs[i], 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dirs[i], "main.tf"), []byte(waveConfig), 0o644); err != nil {
			return err
		}
		vars, _ := json.Marshal(map[string]any{"users": part})
		if err := os.WriteFile(filepath.Join(dirs[i], "terraform.tfvars.json"), vars, 0o644); err != nil {
			return err
		}
		if err := resetState(dirs[i]); err != nil {
			return err
		}
	}
	var runs []workspacesRun
	for _, ph := range []struct {
		phase string
		args  []string
		want  func(i int) int
	}{
		{phaseApply, []string{"apply", "-auto-approve", "-input=false", "-no-color"}, func(i int) int { return len(sets[i]) }},
		{phaseDestroy, []string{"destroy", "-auto-approve", "-input=false", "-no-color"}, func(int) int { return 0 }},
	} {
		b.srv.SetQuota(q) // fresh windows for each command
		b.srv.ResetRequests()
		r := workspacesRun{Phase: ph.phase, Each: make([]float64, k)}
		exits := make([]int, k)
		var wg sync.WaitGroup
		t0 := time.Now()
		var runErr error
		var mu sync.Mutex
		for i := range k {
			wg.Add(1)
			go func() {
				defer wg.Done()
				code, secs, err := b.runIn(ctx, dirs[i], filepath.Join(dirs[i], ph.phase+".log"), ph.args...)
				mu.Lock()
				defer mu.Unlock()
				exits[i], r.Each[i] = code, secs
				if err != nil && runErr == nil {
					runErr = err
				}
			}()
		}
		wg.Wait()
		r.Seconds = time.Since(t0).Seconds()
		if runErr != nil {
			return runErr
		}
		log := b.srv.Requests()
		if raw, err := json.Marshal(log); err == nil { // the requests, for a closer look at the 429s
			_ = os.WriteFile(filepath.Join(b.dir, "workspaces-"+ph.phase+"-requests.json"), raw, 0o644)
		}
		r.FloorSeconds = q.Floor(log).Seconds()
		var wr waveRun
		wr.timeline(log, t0)
		r.FirstWriteS, r.LastWriteS = wr.FirstWriteS, wr.LastWriteS
		for _, e := range log {
			if strings.HasPrefix(e.Path, "/v1.0/") && !strings.HasSuffix(strings.ToLower(e.Path), "/$batch") {
				r.GraphCalls++
				if e.Status == http.StatusTooManyRequests {
					r.Throttled++
					if e.Method != http.MethodGet {
						r.ThrottledW++
					}
				}
			}
		}
		for i := range k {
			if exits[i] != 0 {
				r.Failed++
				b.fail("workspaces: workspace %d: %s exited %d (log: %s)", i+1, ph.phase, exits[i], filepath.Join(dirs[i], ph.phase+".log"))
			}
			if ph.phase == phaseApply {
				ni, err := notIssuedIn(dirs[i])
				if err != nil {
					b.fail("workspaces: workspace %d: %v", i+1, err)
				}
				r.NotIssued += ni
			}
			if err := b.stateMatchesTenant(dirs[i], sets[i], ph.want(i)); err != nil {
				r.Mismatched++
				b.fail("workspaces: workspace %d: after %s: %v", i+1, ph.phase, err)
			}
		}
		b.progress("workspaces k=%d n=%d %s %.1fs (quota floor %.1fs; each %v), %d Graph requests, %d x 429 (%d of them writes), %d not issued, writes from %.1fs to %.1fs",
			k, n, ph.phase, r.Seconds, r.FloorSeconds, r.Each, r.GraphCalls, r.Throttled, r.ThrottledW, r.NotIssued, r.FirstWriteS, r.LastWriteS)
		runs = append(runs, r)
	}
	b.srv.SetQuota(graphmock.Quota{})
	ratio := func(r workspacesRun) float64 {
		if r.FloorSeconds <= 0 {
			return math.NaN()
		}
		return r.Seconds / r.FloorSeconds
	}
	share := func(r workspacesRun) float64 {
		if r.GraphCalls == 0 {
			return 0
		}
		return float64(r.Throttled) / float64(r.GraphCalls)
	}
	apply, destroy := runs[0], runs[1]
	raw, _ := json.MarshalIndent(map[string]any{"n": n, "workspaces": k, "time_scale": q.TimeScale, "tenant_size": q.TenantSize, "tap_quota": q.TAPQuota,
		"runs": runs, "errors": b.errs}, "", "  ")
	out := filepath.Join(b.dir, "workspaces.json")
	_ = os.WriteFile(out, append(raw, '\n'), 0o644)
	fmt.Fprintf(w, "\n%d workspaces of %d passes each (entratap_passes), run at once as one app in one tenant, Graph quotas on (tenant large), windows time-scaled 1/%g: results %s\n",
		k, n/k, q.TimeScale, out)
	fmt.Fprintf(w, "workspaces=%d wave_n=%d time_scale=%g apply_s=%.1f quota_floor_s=%.1f apply_over_floor=%.2f share_429=%.3f destroy_s=%.1f destroy_floor_s=%.1f destroy_over_floor=%.2f destroy_share_429=%.3f retries_exhausted=%d failed_commands=%d state_is_tenant=%d/%d errors=%d\n",
		k, n, q.TimeScale, apply.Seconds, apply.FloorSeconds, ratio(apply), share(apply), destroy.Seconds, destroy.FloorSeconds, ratio(destroy), share(destroy),
		apply.NotIssued, apply.Failed+destroy.Failed, k-max(apply.Mismatched, destroy.Mismatched), k, len(b.errs))
	return nil
}

// runIn runs one terraform command in dir, its output to logPath; the error is only for what
// stops the bench (Terraform not starting, cancellation).
func (b *bench) runIn(ctx context.Context, dir, logPath string, args ...string) (exit int, seconds float64, err error) {
	f, err := os.Create(logPath)
	if err != nil {
		return 0, 0, err
	}
	defer func() { _ = f.Close() }()
	ctx, cancel := context.WithTimeout(ctx, b.opts.timeout)
	defer cancel()
	cmd := b.command(ctx, dir, f, args...)
	start := time.Now()
	runErr := cmd.Run()
	seconds = time.Since(start).Seconds()
	var exitErr *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exitErr) {
		return 0, seconds, fmt.Errorf("terraform %s in %s: %w", args[0], dir, runErr)
	}
	if ctx.Err() != nil {
		return -1, seconds, nil // timed out: a failed command
	}
	return cmd.ProcessState.ExitCode(), seconds, nil
}

// notIssuedIn counts the entries of the wave in dir's state whose pass the apply could not issue.
func notIssuedIn(dir string) (int, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if err != nil {
		return 0, err
	}
	var st struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes struct {
					NotIssued map[string]string `json:"not_issued"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		return 0, err
	}
	n := 0
	for _, r := range st.Resources {
		if r.Type == targetWave {
			for _, in := range r.Instances {
				n += len(in.Attributes.NotIssued)
			}
		}
	}
	return n, nil
}
