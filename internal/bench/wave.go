package bench

// The wave case (-wave N): one entratap_passes resource holding N passes, applied, refreshed
// and destroyed with Graph's published quotas on in the mock (graphmock.Quota), their windows
// divided by -wave-time-scale. Each command starts with empty quota windows. The quota floor
// of a command is the least wall time its requests need under the windows, whatever the client:
// for W writes under a limit of L per window T, floor((W-1)/L)·T; the same for resource units.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// targetWave is the wave resource; its provider is the entratap binary.
const targetWave = "entratap_passes"

const waveConfig = `terraform {
  required_providers {
    entratap = { source = "entratap/entratap" }
  }
}

provider "entratap" {}

variable "users" { type = list(string) }

resource "entratap_passes" "wave" {
  passes = { for u in var.users : u => { user_id = u } }
  timeouts = {
    create = "60m"
    update = "60m"
    read   = "60m"
    delete = "60m"
  }
}
`

// waveChunkedConfig is waveConfig split into var.chunks instances of entratap_passes, each key
// in the chunk a hash of it picks: the same chunk on every run, whatever the other keys.
const waveChunkedConfig = `terraform {
  required_providers {
    entratap = { source = "entratap/entratap" }
  }
}

provider "entratap" {}

variable "users" { type = list(string) }
variable "chunks" { type = number }

locals {
  chunk_of = { for u in var.users : u => tostring(parseint(substr(sha1(u), 0, 6), 16) % var.chunks) }
}

resource "entratap_passes" "wave" {
  for_each = toset([for i in range(var.chunks) : tostring(i)])
  passes   = { for u, c in local.chunk_of : u => { user_id = u } if c == each.key }
  timeouts = {
    create = "60m"
    update = "60m"
    read   = "60m"
    delete = "60m"
  }
}
`

// waveRun is one command of the wave.
type waveRun struct {
	Phase        string  `json:"phase"`
	Seconds      float64 `json:"seconds"`
	FloorSeconds float64 `json:"quota_floor_seconds"`
	HTTPRequests int     `json:"http_requests"`  // what the provider sent ($batch counts once)
	GraphCalls   int     `json:"graph_requests"` // what Graph counts (each request in a batch)
	Throttled    int     `json:"throttled_429"`  // of GraphCalls and HTTPRequests
	ProviderCPU  float64 `json:"provider_cpu_seconds"`
	TerraformCPU float64 `json:"terraform_cpu_seconds"`
	PeakRSSMB    float64 `json:"provider_peak_rss_mb"`
	ExitCode     int     `json:"exit_code"`
	// The timeline, in seconds from the command's start: where the wall time goes.
	FirstRequestS float64 `json:"first_graph_request_s"`
	FirstWriteS   float64 `json:"first_write_s"`
	LastWriteS    float64 `json:"last_write_s"`
	LastRequestS  float64 `json:"last_graph_request_s"`
}

// timeline fills the run's timeline from the request log of a command started at t0.
func (wr *waveRun) timeline(log []graphmock.RequestLogEntry, t0 time.Time) {
	since := func(t time.Time) float64 { return math.Round(t.Sub(t0).Seconds()*10) / 10 }
	for _, e := range log {
		if !strings.HasPrefix(e.Path, "/v1.0/") || e.Batched {
			continue
		}
		if wr.FirstRequestS == 0 {
			wr.FirstRequestS = since(e.Time)
		}
		wr.LastRequestS = since(e.Time)
	}
	for _, e := range log {
		if !e.Batched || e.Method == http.MethodGet || e.Status == http.StatusTooManyRequests {
			continue
		}
		if wr.FirstWriteS == 0 {
			wr.FirstWriteS = since(e.Time)
		}
		wr.LastWriteS = since(e.Time)
	}
}

// waveFloor is the quota floor of what the log shows was served, in seconds.
func waveFloor(log []graphmock.RequestLogEntry, q graphmock.Quota) float64 {
	return q.Floor(log).Seconds()
}

// runWave runs the wave case and prints its figure line.
func (b *bench) runWave(ctx context.Context, w io.Writer) error {
	q := graphmock.Quota{Enabled: true, TenantSize: "large", TimeScale: b.opts.waveScale, TAPQuota: b.opts.waveTAPQuota} // > 500 users
	c := &benchCase{Target: targetWave, N: len(b.users), Runs: map[string][]runResult{}}
	c.dir = filepath.Join(b.dir, "work", "wave")
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	config, vars := waveConfig, map[string]any{"users": b.users}
	if b.opts.waveChunks > 1 {
		config, vars["chunks"] = waveChunkedConfig, b.opts.waveChunks
	}
	if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(config), 0o644); err != nil {
		return err
	}
	rawVars, _ := json.Marshal(vars)
	if err := os.WriteFile(filepath.Join(c.dir, "terraform.tfvars.json"), rawVars, 0o644); err != nil {
		return err
	}
	if err := resetState(c.dir); err != nil {
		return err
	}
	b.binaries[targetWave] = b.binaries[targetPass]
	// The create plan a reviewer reads: its lines in all, and per entry.
	b.srv.SetQuota(q)
	pr, err := b.terraform(ctx, c, 0, "plan-create", "plan", "-input=false", "-no-color", "-lock=false")
	if err != nil {
		return err
	}
	planLines := 0
	if raw, err := os.ReadFile(pr.Log); err == nil {
		planLines = bytes.Count(raw, []byte("\n"))
	}
	if pr.ExitCode != 0 {
		b.fail("wave: the create plan exited %d (log: %s)", pr.ExitCode, pr.Log)
	}
	perEntry := float64(planLines) / float64(len(b.users))
	b.progress("wave n=%d create plan: %d lines (%.2f an entry) in %.1fs, provider peak RSS %.1f MB", len(b.users), planLines, perEntry, pr.Seconds, float64(pr.PeakRSSKB)/1024)
	if b.opts.wavePlanOnly {
		fmt.Fprintf(w, "wave_n=%d plan_lines=%d plan_lines_per_entry=%.2f errors=%d\n", len(b.users), planLines, perEntry, len(b.errs))
		return nil
	}
	var runs []waveRun
	for _, ph := range []struct {
		phase string
		args  []string
	}{
		{phaseApply, []string{"apply", "-auto-approve", "-input=false", "-no-color"}},
		{phasePlan, []string{"plan", "-refresh-only", "-detailed-exitcode", "-input=false", "-no-color"}},
		{phaseDestroy, []string{"destroy", "-auto-approve", "-input=false", "-no-color"}},
	} {
		b.srv.SetQuota(q) // fresh windows for each command
		args := ph.args
		if b.opts.waveParallelism > 0 {
			args = append(slices.Clone(args), fmt.Sprintf("-parallelism=%d", b.opts.waveParallelism))
		}
		t0 := time.Now()
		r, err := b.terraform(ctx, c, 0, ph.phase, args...)
		if err != nil {
			return err
		}
		log := b.srv.Requests()
		wr := waveRun{Phase: ph.phase, Seconds: r.Seconds, FloorSeconds: waveFloor(log, q), ExitCode: r.ExitCode,
			ProviderCPU: r.ProviderCPUSeconds, TerraformCPU: r.CPUSeconds - r.ProviderCPUSeconds, PeakRSSMB: float64(r.PeakRSSKB) / 1024}
		wr.timeline(log, t0)
		for _, e := range log {
			if !strings.HasPrefix(e.Path, "/v1.0/") {
				continue
			}
			isBatch := strings.HasSuffix(strings.ToLower(e.Path), "/$batch")
			if !e.Batched {
				wr.HTTPRequests++
			}
			if !isBatch {
				wr.GraphCalls++
				if e.Status == http.StatusTooManyRequests {
					wr.Throttled++
				}
			}
		}
		switch {
		case ph.phase == phasePlan && (r.ExitCode == 1 || logContains(r.Log, driftMarker)):
			b.fail("wave: refresh-only plan exited %d or found drift (log: %s)", r.ExitCode, r.Log)
		case ph.phase != phasePlan && r.ExitCode != 0:
			b.fail("wave: %s exited %d (log: %s)", ph.phase, r.ExitCode, r.Log)
		}
		want := len(b.users)
		if ph.phase == phaseDestroy {
			want = 0
		}
		if err := b.waveMatchesTenant(c.dir, want); err != nil {
			b.fail("wave: after %s: %v", ph.phase, err)
		}
		b.progress("wave n=%d %s %.1fs (quota floor %.1fs), %d HTTP requests, %d Graph requests, %d x 429, provider cpu %.1fs, terraform cpu %.1fs, peak RSS %.1f MB; Graph requests from %.1fs to %.1fs, writes from %.1fs to %.1fs",
			len(b.users), ph.phase, wr.Seconds, wr.FloorSeconds, wr.HTTPRequests, wr.GraphCalls, wr.Throttled, wr.ProviderCPU, wr.TerraformCPU, wr.PeakRSSMB,
			wr.FirstRequestS, wr.LastRequestS, wr.FirstWriteS, wr.LastWriteS)
		runs = append(runs, wr)
	}
	b.srv.SetQuota(graphmock.Quota{})
	apply, refresh, destroy := runs[0], runs[1], runs[2]
	share := 0.0
	if apply.GraphCalls > 0 {
		share = float64(apply.Throttled) / float64(apply.GraphCalls)
	}
	over := math.NaN()
	if apply.FloorSeconds > 0 {
		over = apply.Seconds / apply.FloorSeconds
	}
	peak := math.Max(apply.PeakRSSMB, math.Max(refresh.PeakRSSMB, destroy.PeakRSSMB))
	raw, _ := json.MarshalIndent(map[string]any{"n": len(b.users), "time_scale": q.TimeScale, "tenant_size": q.TenantSize, "tap_quota": q.TAPQuota, "runs": runs, "errors": b.errs}, "", "  ")
	out := filepath.Join(b.dir, "wave.json")
	_ = os.WriteFile(out, append(raw, '\n'), 0o644)
	fmt.Fprintf(w, "\nwave of %d passes through entratap_passes, Graph quotas on (tenant large, pass endpoints under the %s limit), windows time-scaled 1/%g: results %s\n", len(b.users), q.TAPQuota, q.TimeScale, out)
	fmt.Fprintf(w, "wave_n=%d chunks=%d plan_lines=%d plan_lines_per_entry=%.2f peak_rss_mb_apply=%.1f peak_rss_mb_refresh=%.1f peak_rss_mb_destroy=%.1f\n",
		len(b.users), max(1, b.opts.waveChunks), planLines, perEntry, apply.PeakRSSMB, refresh.PeakRSSMB, destroy.PeakRSSMB)
	fmt.Fprintf(w, "wave_n=%d tap_quota=%s time_scale=%g apply_s=%.1f quota_floor_s=%.1f apply_over_floor=%.2f share_429=%.3f requests_apply=%d requests_refresh=%d requests_destroy=%d graph_requests_apply=%d provider_peak_rss_mb=%.1f errors=%d\n",
		len(b.users), q.TAPQuota, q.TimeScale, apply.Seconds, apply.FloorSeconds, over, share, apply.HTTPRequests, refresh.HTTPRequests, destroy.HTTPRequests,
		apply.GraphCalls, peak, len(b.errs))
	return nil
}

// waveMatchesTenant checks that the state's issued passes are exactly the bench users' passes in the mock.
func (b *bench) waveMatchesTenant(dir string, want int) error {
	return b.stateMatchesTenant(dir, b.userSet, want)
}

// stateMatchesTenant checks that the issued passes of the wave in dir's state are exactly the
// passes of users in the mock, want of them.
func (b *bench) stateMatchesTenant(dir string, users map[string]bool, want int) error {
	raw, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	inState := map[string]bool{}
	if len(raw) > 0 {
		var st struct {
			Resources []struct {
				Type      string `json:"type"`
				Instances []struct {
					Attributes struct {
						Issued map[string]struct {
							ID *string `json:"id"`
						} `json:"issued"`
					} `json:"attributes"`
				} `json:"instances"`
			} `json:"resources"`
		}
		if err := json.Unmarshal(raw, &st); err != nil {
			return err
		}
		for _, r := range st.Resources {
			if r.Type != targetWave {
				continue
			}
			for _, in := range r.Instances {
				for _, e := range in.Attributes.Issued {
					if e.ID != nil {
						inState[*e.ID] = true
					}
				}
			}
		}
	}
	inMock := 0
	for _, p := range b.srv.Snapshot().Passes {
		if !users[p.UserID] {
			continue
		}
		inMock++
		if !inState[p.ID] {
			return fmt.Errorf("pass %s of user %s is in the tenant, not in state", p.ID, p.UserID)
		}
	}
	if inMock != len(inState) || inMock != want {
		return fmt.Errorf("%d passes in state, %d in the tenant, want %d", len(inState), inMock, want)
	}
	return nil
}
