// Package bench times Terraform on the entratap provider against the mock Graph and
// against two floors, in one run (`make bench`, or `go run ./cmd/bench` at the repo root):
//
//   - entratap_pass: N passes for N users seeded through the mock's controls;
//   - noop_thing: N resources of a terraform-plugin-framework provider whose CRUD does nothing
//     (./noop, served by cmd/bench-noop), the floor any plugin provider pays;
//   - noop_pass: N resources with exactly entratap_pass's schema and identity over the same
//     do-nothing CRUD (./noop/pass.go): entratap_pass over noop_pass is our code's share alone;
//   - terraform_data: N of Terraform's built-in resource, the floor without a plugin.
//
// For each it times `terraform apply`, `terraform plan -refresh-only` and `terraform destroy`
// at N and at N/5, repeats the pass apply with 10% of Graph requests answered 429
// (Retry-After: 0), and takes medians over -reps repetitions whose order rotates so that
// machine noise hits every target alike. Both providers are built with the release flags and
// reached through dev_overrides in a CLI config file of the bench's own; Terraform's default
// -parallelism (10) is kept for all.
//
// Peak resident memory of the provider is VmHWM (the kernel's high-water mark of RSS) of every
// process whose executable is the built binary, sampled from /proc every 10 ms while Terraform
// runs; since VmHWM only grows, the last sample before a process exits misses at most the
// growth of its final 10 ms.
//
// The last line printed is
//
//	apply_ratio=X plan_ratio=Y destroy_ratio=Z faulted_ratio=W provider_peak_rss_mb=R binary_mb=B errors=E
//
// where each ratio is a pass command's median time over the noop provider's, faulted_ratio is
// the faulted apply's over the fault-free apply's, and errors counts failed Terraform commands,
// refresh-only plans that found drift, and mismatches between the state and the mock. The same
// figures, with every run, go to -out as JSON.
package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

type options struct {
	n       int
	reps    int
	out     string
	keep    bool
	timeout time.Duration
	profile string // a directory for the provider's CPU and heap profiles
	dir     string // the bench's working directory (binaries, configs, states), relative to the module root
	// wave > 0 runs only the wave case (wave.go) over that many users; waveScale divides the quota windows.
	wave         int
	waveScale    float64
	waveTAPQuota string // the limit that governs the pass endpoints in the wave case (graphmock.Quota.TAPQuota)
	latencyMs    int    // added by the mock to every Graph request, in every case
	// wavePlanOnly stops the wave case after its plan (the plan's line count, wave.go).
	wavePlanOnly bool
	// workspaces > 1 splits the wave over that many working directories run at once (workspaces.go).
	workspaces int
	// waveChunks > 1 splits the wave case's one entratap_passes into that many instances (for_each
	// over a stable hash of each key), in one working directory.
	waveChunks int
	// waveParallelism, when > 0, is passed to the wave case's commands as -parallelism.
	waveParallelism int
	targets         map[string]bool
}

// Run parses the command line args (without the program name) and runs the bench.
func Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var o options
	fs.IntVar(&o.n, "n", 500, "resources per run (the small runs use n/5)")
	fs.IntVar(&o.reps, "reps", 3, "repetitions; each figure is the median")
	fs.StringVar(&o.out, "out", ".bench/results.json", "where to write the results as JSON")
	fs.BoolVar(&o.keep, "keep", false, "keep the working directories (configs, states, Terraform logs) under .bench/work")
	fs.DurationVar(&o.timeout, "timeout", 20*time.Minute, "limit for one Terraform command")
	fs.StringVar(&o.profile, "profile", "", "write the entratap provider's CPU and heap profiles into this directory (PREFIX.PID.cpu/.heap)")
	fs.StringVar(&o.dir, "dir", ".bench", "working directory for binaries, configurations and states (two benches at once need two)")
	fs.IntVar(&o.wave, "wave", 0, "run only the wave case: one entratap_passes of this many passes under Graph's quotas")
	fs.Float64Var(&o.waveScale, "wave-time-scale", 10, "divide the quota windows by this in the wave case (1: real windows)")
	fs.StringVar(&o.waveTAPQuota, "wave-tap-quota", graphmock.TAPQuotaDirectory, "the limit that governs the pass endpoints in the wave case: directory (the identity and access quota) or reports (5 requests per 10 s)")
	fs.IntVar(&o.workspaces, "workspaces", 0, "with -wave N: run N/K passes in each of K working directories at once, one app and one tenant sharing Graph's quotas")
	fs.IntVar(&o.waveChunks, "wave-chunks", 1, "in the wave case, split the wave into this many entratap_passes instances (for_each, keys assigned by hash)")
	fs.IntVar(&o.waveParallelism, "wave-parallelism", 0, "in the wave case, Terraform's -parallelism for each command (0: Terraform's default, 10)")
	fs.BoolVar(&o.wavePlanOnly, "wave-plan-only", false, "in the wave case, only plan the create and count the plan's lines")
	fs.IntVar(&o.latencyMs, "latency-ms", 0, "latency the mock adds to every Graph request (e.g. 100 for a realistic Graph)")
	targets := fs.String("targets", strings.Join(allTargets, ","), "the targets to run (the ratios need the first two)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.profile != "" {
		abs, err := filepath.Abs(o.profile)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(abs, 0o755); err != nil {
			return err
		}
		o.profile = abs
	}
	o.targets = map[string]bool{}
	for _, t := range strings.Split(*targets, ",") {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		if !slices.Contains(allTargets, t) {
			return fmt.Errorf("-targets: unknown target %q (known: %s)", t, strings.Join(allTargets, ", "))
		}
		o.targets[t] = true
	}
	if err := (graphmock.Quota{TAPQuota: o.waveTAPQuota}).Validate(); err != nil {
		return fmt.Errorf("-wave-tap-quota: %w", err)
	}
	if o.n < 1 || o.reps < 1 {
		return errors.New("-n and -reps must be at least 1")
	}

	root, err := moduleRoot()
	if err != nil {
		return err
	}
	if o.wave > 0 {
		o.n, o.targets = o.wave, map[string]bool{targetPass: true}
	}
	dir := o.dir
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(root, dir)
	}
	b := &bench{opts: o, root: root, dir: dir}
	defer b.close()
	if err := b.setup(ctx); err != nil {
		return err
	}
	if o.latencyMs > 0 {
		b.srv.SetFaults(graphmock.Faults{LatencyMs: o.latencyMs})
	}
	if o.wave > 0 {
		b.rssMax = map[string]int64{}
		if o.workspaces > 1 {
			b.binaries[targetWave] = b.binaries[targetPass]
			return b.runWorkspaces(ctx, os.Stdout)
		}
		return b.runWave(ctx, os.Stdout)
	}
	if err := b.runAll(ctx); err != nil {
		return err
	}
	res := b.results()
	if !o.keep && res.Summary.Errors == 0 {
		// With errors, the logs the errors name stay.
		_ = os.RemoveAll(filepath.Join(b.dir, "work"))
	}
	out := o.out
	if !filepath.IsAbs(out) {
		out = filepath.Join(root, out)
	}
	if err := writeJSON(out, res); err != nil {
		return err
	}
	printReport(os.Stdout, res, out)
	return nil
}

// moduleRoot is the directory of this module's go.mod, at or above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "cmd", "bench-noop")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run from inside the terraform-provider-entratap repository")
		}
		dir = parent
	}
}
