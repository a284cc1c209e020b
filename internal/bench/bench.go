package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// The three targets, by the resource type each creates.
const (
	targetPass = "entratap_pass"
	targetNoop = "noop_thing"
	// targetNoopPass is entratap_pass's exact schema over CRUD that does nothing (./noop, pass.go).
	targetNoopPass = "noop_pass"
	targetData     = "terraform_data"
)

// The timed commands.
const (
	phaseApply   = "apply"
	phasePlan    = "plan"
	phaseDestroy = "destroy"
)

var (
	allTargets = []string{targetPass, targetNoop, targetNoopPass, targetData}
	phases     = []string{phaseApply, phasePlan, phaseDestroy}
)

// faultRate is the share of Graph requests answered 429 in the faulted apply.
const faultRate = 0.10

// A benchCase is one target at one size, with or without faults: it has its own working directory.
type benchCase struct {
	Target  string `json:"target"`
	N       int    `json:"n"`
	Faulted bool   `json:"faulted"`
	// Runs holds every timed command, by phase, in repetition order.
	Runs map[string][]runResult `json:"runs"`
	dir  string
}

func (c *benchCase) id() string {
	id := fmt.Sprintf("%s-%d", c.Target, c.N)
	if c.Faulted {
		id += "-429"
	}
	return id
}

func (c *benchCase) label() string {
	if c.Faulted {
		return c.Target + " +429"
	}
	return c.Target
}

// runResult is one timed Terraform command.
type runResult struct {
	Rep        int     `json:"rep"`
	Seconds    float64 `json:"seconds"`
	CPUSeconds float64 `json:"cpu_seconds"` // user+system of terraform and the plugins it waited for
	// ProviderCPUSeconds is the part of CPUSeconds spent in the provider processes (from /proc, sampled).
	ProviderCPUSeconds float64 `json:"provider_cpu_seconds"`
	// BenchCPUSeconds is this process's user+system time during the command: the mock serving
	// requests, and the /proc sampler.
	BenchCPUSeconds float64 `json:"bench_cpu_seconds"`
	ExitCode        int     `json:"exit_code"`
	// Requests counts the mock's requests during the command by "METHOD /path" (ids replaced by {id}).
	Requests map[string]int `json:"requests,omitempty"`
	// Injected counts the requests the mock answered with an injected fault.
	Injected int `json:"injected,omitempty"`
	// ProviderProcesses is how many provider plugin processes Terraform started; PeakRSSKB their largest VmHWM.
	ProviderProcesses int    `json:"provider_processes,omitempty"`
	PeakRSSKB         int64  `json:"peak_rss_kb,omitempty"`
	Log               string `json:"log"`
}

type bench struct {
	opts options
	root string // the module root
	dir  string // .bench

	srv      *graphmock.Server
	users    []string        // the seeded users' ids, in order
	userSet  map[string]bool // the same
	env      []string        // Terraform's environment
	binaries map[string]string
	sizes    map[string]int64 // binary sizes by target
	tfVer    string
	// terraformExe is the terraform found on PATH, resolved once.
	terraformExe string

	cases  []*benchCase
	errs   []string
	rssMax map[string]int64 // by target, over every run: the largest VmHWM in KiB
	// noDiffExit2 counts, by case, refresh-only plans that exited 2 (-detailed-exitcode) while
	// showing no difference.
	noDiffExit2 map[string]int
	load        [2]string // load average at the start and the end of the runs
}

// driftMarker opens Terraform's report of objects changed outside Terraform in a refresh-only plan.
const driftMarker = "Objects have changed outside of Terraform"

func logContains(path, s string) bool {
	raw, err := os.ReadFile(path)
	return err == nil && strings.Contains(string(raw), s)
}

func (b *bench) progress(format string, args ...any) {
	fmt.Printf("bench: "+format+"\n", args...)
}

func (b *bench) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	b.errs = append(b.errs, msg)
	b.progress("ERROR %s", msg)
}

func (b *bench) close() {
	if b.srv != nil {
		_ = b.srv.Close()
	}
}

// setup builds both providers, starts the mock, seeds the users and lays out the working directories.
func (b *bench) setup(ctx context.Context) error {
	tf, err := exec.LookPath("terraform")
	if err != nil {
		return errors.New("terraform is not on PATH")
	}
	if b.terraformExe, err = filepath.EvalSymlinks(tf); err != nil {
		return err
	}
	if b.terraformExe, err = filepath.Abs(b.terraformExe); err != nil {
		return err
	}
	out, err := exec.CommandContext(ctx, b.terraformExe, "version").Output()
	if err != nil {
		return fmt.Errorf("terraform version: %w", err)
	}
	b.tfVer = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])

	binDir := filepath.Join(b.dir, "bin")
	b.binaries = map[string]string{
		targetPass: filepath.Join(binDir, "entratap", "terraform-provider-entratap"),
		targetNoop: filepath.Join(binDir, "noop", "terraform-provider-noop"),
		// The same program under another address, so its processes, CPU and RSS count apart.
		targetNoopPass: filepath.Join(binDir, "nooppass", "terraform-provider-nooppass"),
	}
	b.sizes = map[string]int64{}
	for _, t := range []struct{ target, pkg string }{{targetPass, "."}, {targetNoop, "./cmd/bench-noop"}, {targetNoopPass, "./cmd/bench-noop"}} {
		if !b.opts.targets[t.target] {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(b.binaries[t.target]), 0o755); err != nil {
			return err
		}
		start := time.Now()
		cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", b.binaries[t.target], t.pkg)
		cmd.Dir = b.root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %w\n%s", t.pkg, err, out)
		}
		// Resolved, as /proc/PID/exe shows it.
		if b.binaries[t.target], err = filepath.EvalSymlinks(b.binaries[t.target]); err != nil {
			return err
		}
		fi, err := os.Stat(b.binaries[t.target])
		if err != nil {
			return err
		}
		b.sizes[t.target] = fi.Size()
		b.progress("built %s (%.1f MB) in %.1fs", b.binaries[t.target], mb(fi.Size()), time.Since(start).Seconds())
	}

	// The policy enabled for everyone: the mock refuses passes for users it does not target.
	seed := graphmock.DefaultSeed()
	pol := graphmock.DefaultPolicy()
	pol.State = "enabled"
	seed.Policy = &pol
	b.srv, err = graphmock.Start("127.0.0.1:0", graphmock.Options{Seed: &seed, FaultSeed: 1, CAFile: filepath.Join(b.dir, "ca.pem")})
	if err != nil {
		return err
	}
	b.userSet = map[string]bool{}
	for i := range b.opts.n {
		u, err := b.srv.AddUser(graphmock.NewUser{
			UserPrincipalName: fmt.Sprintf("bench%04d@%s", i, graphmock.Domain),
			DisplayName:       fmt.Sprintf("Bench User %04d", i),
			UserType:          "Member",
		})
		if err != nil {
			return fmt.Errorf("seed user %d: %w", i, err)
		}
		b.users = append(b.users, u.ID)
		b.userSet[u.ID] = true
	}
	b.progress("mock at %s with %d users", b.srv.URL, len(b.users))

	cliConfig := filepath.Join(b.dir, "terraformrc")
	if err := writeCLIConfig(cliConfig, b.binaries); err != nil {
		return err
	}
	b.env = terraformEnv(b.srv, cliConfig)

	sizes := []int{b.opts.n}
	if small := b.opts.n / 5; small >= 1 {
		sizes = append(sizes, small)
	}
	work := filepath.Join(b.dir, "work")
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	for i, n := range sizes {
		for _, t := range allTargets {
			if b.opts.targets[t] {
				b.cases = append(b.cases, &benchCase{Target: t, N: n})
			}
		}
		if i == 0 && b.opts.targets[targetPass] {
			b.cases = append(b.cases, &benchCase{Target: targetPass, N: n, Faulted: true})
		}
	}
	for _, c := range b.cases {
		c.Runs = map[string][]runResult{}
		c.dir = filepath.Join(work, c.id())
		if err := writeConfig(c.dir, c.Target, b.users[:c.N]); err != nil {
			return err
		}
	}
	return nil
}

// runAll runs every case once per repetition, size by size, rotating the order of the
// targets from one repetition to the next.
func (b *bench) runAll(ctx context.Context) error {
	b.rssMax = map[string]int64{}
	b.noDiffExit2 = map[string]int{}
	b.load[0] = loadAverage()
	defer func() { b.load[1] = loadAverage() }()
	start := time.Now()
	for rep := range b.opts.reps {
		var bySize [][]*benchCase
		for _, c := range b.cases {
			if len(bySize) == 0 || bySize[len(bySize)-1][0].N != c.N {
				bySize = append(bySize, nil)
			}
			bySize[len(bySize)-1] = append(bySize[len(bySize)-1], c)
		}
		for _, group := range bySize {
			for i := range group {
				c := group[(i+rep)%len(group)]
				if err := b.runCase(ctx, c, rep); err != nil {
					return err
				}
			}
		}
		b.progress("repetition %d/%d done (%.0fs so far)", rep+1, b.opts.reps, time.Since(start).Seconds())
	}
	return nil
}

// runCase applies, plans (refresh-only) and destroys one case, checking the state and the
// mock after each step. A faulted case injects faults during the apply only, and is not planned.
func (b *bench) runCase(ctx context.Context, c *benchCase, rep int) error {
	if err := resetState(c.dir); err != nil {
		return err
	}
	line := fmt.Sprintf("rep %d/%d %-19s n=%-4d", rep+1, b.opts.reps, c.label(), c.N)
	var times []string

	if c.Faulted {
		retryAfter := 0.0
		b.srv.SetFaults(graphmock.Faults{Rate: faultRate, Statuses: []int{429}, RetryAfterSeconds: &retryAfter, LatencyMs: b.opts.latencyMs})
	}
	r, err := b.terraform(ctx, c, rep, phaseApply, "apply", "-auto-approve", "-input=false", "-no-color")
	b.srv.SetFaults(graphmock.Faults{LatencyMs: b.opts.latencyMs})
	if err != nil {
		return err
	}
	times = append(times, fmt.Sprintf("apply %.2fs", r.Seconds))
	if c.Faulted {
		times[len(times)-1] += fmt.Sprintf(" (%d x 429)", r.Injected)
	}
	if r.ExitCode != 0 {
		b.fail("%s: apply exited %d (log: %s)", c.id(), r.ExitCode, r.Log)
	}
	b.check(c, phaseApply, c.N)

	if !c.Faulted {
		r, err = b.terraform(ctx, c, rep, phasePlan, "plan", "-refresh-only", "-detailed-exitcode", "-input=false", "-no-color")
		if err != nil {
			return err
		}
		times = append(times, fmt.Sprintf("plan %.2fs", r.Seconds))
		switch {
		case r.ExitCode != 0 && r.ExitCode != 2:
			b.fail("%s: refresh-only plan exited %d (log: %s)", c.id(), r.ExitCode, r.Log)
		case logContains(r.Log, driftMarker):
			b.fail("%s: the refresh-only plan found objects changed outside Terraform: state and mock disagree (log: %s)", c.id(), r.Log)
		case r.ExitCode == 2:
			// Terraform found the refreshed state unequal to the prior one without any value
			// differing: not a mismatch with the mock, but a drift alarm for -detailed-exitcode users.
			b.noDiffExit2[c.id()]++
		}
	}

	r, err = b.terraform(ctx, c, rep, phaseDestroy, "destroy", "-auto-approve", "-input=false", "-no-color")
	if err != nil {
		return err
	}
	times = append(times, fmt.Sprintf("destroy %.2fs", r.Seconds))
	if r.ExitCode != 0 {
		b.fail("%s: destroy exited %d (log: %s)", c.id(), r.ExitCode, r.Log)
	}
	if !b.check(c, phaseDestroy, 0) {
		b.cleanMock()
		_ = resetState(c.dir)
	}
	b.progress("%s %s", line, strings.Join(times, "  "))
	return nil
}

// check compares the state with what the phase should leave (want resources) and, for
// passes, with the mock; it records a mismatch as an error.
func (b *bench) check(c *benchCase, phase string, want int) bool {
	ids, err := stateIDs(c.dir, c.Target)
	if err != nil {
		b.fail("%s: after %s: read state: %v", c.id(), phase, err)
		return false
	}
	ok := true
	if len(ids) != want {
		b.fail("%s: after %s: %d resources in state, want %d", c.id(), phase, len(ids), want)
		ok = false
	}
	if c.Target != targetPass {
		return ok
	}
	inMock := map[string]bool{}
	for _, p := range b.srv.Snapshot().Passes {
		if b.userSet[p.UserID] {
			inMock[p.ID] = true
		}
	}
	if len(inMock) != want {
		b.fail("%s: after %s: %d passes in the mock, want %d", c.id(), phase, len(inMock), want)
		ok = false
	}
	missing := 0
	for _, id := range ids {
		if !inMock[id] {
			missing++
		}
	}
	if missing > 0 {
		b.fail("%s: after %s: %d passes in state are not in the mock", c.id(), phase, missing)
		ok = false
	}
	return ok
}

// cleanMock deletes every pass of the bench users, so that a failed run does not spill into the next.
func (b *bench) cleanMock() {
	for _, p := range b.srv.Snapshot().Passes {
		if b.userSet[p.UserID] {
			b.srv.GraphRequest("DELETE", "/users/"+p.UserID+"/authentication/temporaryAccessPassMethods/"+p.ID, nil)
		}
	}
}
