package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// results is what the bench writes to -out.
type results struct {
	Summary   summary `json:"summary"`
	N         int     `json:"n"`
	SmallN    int     `json:"small_n,omitempty"`
	Reps      int     `json:"reps"`
	Terraform string  `json:"terraform"`
	Go        string  `json:"go"`
	CPUs      int     `json:"cpus"`
	RSSMethod string  `json:"rss_method"`
	// LoadAverage is /proc/loadavg's 1-minute figure when the runs started and when they ended:
	// other work on the machine shows here, and skews wall times.
	LoadAverage [2]string     `json:"load_average"`
	Cases       []caseSummary `json:"cases"`
	Errors      []string      `json:"errors"`
	// RefreshOnlyExit2 counts, by case, refresh-only plans that exited 2 under -detailed-exitcode
	// although they showed no change (not counted as errors).
	RefreshOnlyExit2 map[string]int `json:"refresh_only_exit2_without_changes,omitempty"`
}

// summary holds the figures of the last line; a ratio is null when a target it needs did not run.
type summary struct {
	ApplyRatio        *float64 `json:"apply_ratio"`
	PlanRatio         *float64 `json:"plan_ratio"`
	DestroyRatio      *float64 `json:"destroy_ratio"`
	FaultedRatio      *float64 `json:"faulted_ratio"`
	ProviderPeakRSSMB float64  `json:"provider_peak_rss_mb"`
	BinaryMB          float64  `json:"binary_mb"`
	NoopPeakRSSMB     float64  `json:"noop_peak_rss_mb"`
	NoopBinaryMB      float64  `json:"noop_binary_mb"`
	Errors            int      `json:"errors"`
	// CPURatios are the same ratios on the CPU time of terraform and its plugins: less moved by
	// other work on the machine than wall time, but blind to waiting (on the mock, on retries).
	CPURatios map[string]*float64 `json:"cpu_ratios"`
	// SameSchema are entratap_pass over noop_pass (the same schema, CRUD doing nothing), at n:
	// wall and provider-process CPU by phase; the share of the cost that is our code's.
	SameSchemaWall        map[string]*float64 `json:"same_schema_wall_ratios"`
	SameSchemaProviderCPU map[string]*float64 `json:"same_schema_provider_cpu_ratios"`
	// ProviderCPUMsPerPass is entratap_pass's provider CPU per resource in the apply, at n and at n/5.
	ProviderCPUMsPerPass      *float64 `json:"provider_cpu_ms_per_pass"`
	ProviderCPUMsPerPassSmall *float64 `json:"provider_cpu_ms_per_pass_small"`
}

type caseSummary struct {
	Target  string `json:"target"`
	N       int    `json:"n"`
	Faulted bool   `json:"faulted"`
	// MedianSeconds and MedianCPUSeconds are by phase.
	MedianSeconds    map[string]float64 `json:"median_seconds"`
	MedianCPUSeconds map[string]float64 `json:"median_cpu_seconds"`
	// MedianProviderCPUSeconds is the provider processes' share of MedianCPUSeconds.
	MedianProviderCPUSeconds map[string]float64 `json:"median_provider_cpu_seconds"`
	// MedianBenchCPUSeconds is the bench process's own CPU time (the mock) during the command.
	MedianBenchCPUSeconds map[string]float64 `json:"median_bench_cpu_seconds"`
	// MsPerResource is MedianSeconds / N, in milliseconds.
	MsPerResource map[string]float64     `json:"ms_per_resource"`
	Runs          map[string][]runResult `json:"runs"`
}

const rssMethod = "VmHWM from /proc/PID/status of every process whose /proc/PID/exe is the built provider binary, " +
	"sampled every 10 ms while terraform runs; the largest over all runs"

func (b *bench) results() results {
	r := results{
		N: b.opts.n, Reps: b.opts.reps, Terraform: b.tfVer, Go: runtime.Version(), CPUs: runtime.NumCPU(),
		RSSMethod: rssMethod, Errors: append([]string{}, b.errs...), RefreshOnlyExit2: b.noDiffExit2,
		LoadAverage: b.load,
	}
	if b.opts.n/5 >= 1 {
		r.SmallN = b.opts.n / 5
	}
	find := map[string]*caseSummary{}
	for _, c := range b.cases {
		cs := caseSummary{Target: c.Target, N: c.N, Faulted: c.Faulted, Runs: c.Runs,
			MedianSeconds: map[string]float64{}, MedianCPUSeconds: map[string]float64{}, MedianProviderCPUSeconds: map[string]float64{},
			MedianBenchCPUSeconds: map[string]float64{}, MsPerResource: map[string]float64{}}
		for phase, runs := range c.Runs {
			var wall, cpu, prov, own []float64
			for _, run := range runs {
				wall = append(wall, run.Seconds)
				cpu = append(cpu, run.CPUSeconds)
				prov = append(prov, run.ProviderCPUSeconds)
				own = append(own, run.BenchCPUSeconds)
			}
			cs.MedianSeconds[phase] = median(wall)
			cs.MedianCPUSeconds[phase] = median(cpu)
			cs.MedianProviderCPUSeconds[phase] = median(prov)
			cs.MedianBenchCPUSeconds[phase] = median(own)
			cs.MsPerResource[phase] = 1000 * cs.MedianSeconds[phase] / float64(c.N)
		}
		r.Cases = append(r.Cases, cs)
	}
	for i := range r.Cases {
		c := &r.Cases[i]
		find[caseKey(c.Target, c.N, c.Faulted)] = c
	}
	ratioOf := func(num, den *caseSummary, phase string, of func(*caseSummary) map[string]float64) *float64 {
		if num == nil || den == nil || len(num.Runs[phase]) == 0 || len(den.Runs[phase]) == 0 || of(den)[phase] == 0 {
			return nil
		}
		v := of(num)[phase] / of(den)[phase]
		return &v
	}
	wall := func(c *caseSummary) map[string]float64 { return c.MedianSeconds }
	cpu := func(c *caseSummary) map[string]float64 { return c.MedianCPUSeconds }
	ratio := func(num, den *caseSummary, phase string) *float64 { return ratioOf(num, den, phase, wall) }
	pass, noop := find[caseKey(targetPass, b.opts.n, false)], find[caseKey(targetNoop, b.opts.n, false)]
	samePass := find[caseKey(targetNoopPass, b.opts.n, false)]
	provCPU := func(c *caseSummary) map[string]float64 { return c.MedianProviderCPUSeconds }
	perPass := func(c *caseSummary) *float64 {
		if c == nil || len(c.Runs[phaseApply]) == 0 {
			return nil
		}
		v := 1000 * c.MedianProviderCPUSeconds[phaseApply] / float64(c.N)
		return &v
	}
	r.Summary = summary{
		ApplyRatio:        ratio(pass, noop, phaseApply),
		PlanRatio:         ratio(pass, noop, phasePlan),
		DestroyRatio:      ratio(pass, noop, phaseDestroy),
		FaultedRatio:      ratio(find[caseKey(targetPass, b.opts.n, true)], pass, phaseApply),
		ProviderPeakRSSMB: float64(b.rssMax[targetPass]) / 1024,
		NoopPeakRSSMB:     float64(b.rssMax[targetNoop]) / 1024,
		BinaryMB:          mb(b.sizes[targetPass]),
		NoopBinaryMB:      mb(b.sizes[targetNoop]),
		Errors:            len(b.errs),
		CPURatios: map[string]*float64{
			"apply":   ratioOf(pass, noop, phaseApply, cpu),
			"plan":    ratioOf(pass, noop, phasePlan, cpu),
			"destroy": ratioOf(pass, noop, phaseDestroy, cpu),
			"faulted": ratioOf(find[caseKey(targetPass, b.opts.n, true)], pass, phaseApply, cpu),
		},
		SameSchemaWall: map[string]*float64{
			"apply": ratio(pass, samePass, phaseApply), "plan": ratio(pass, samePass, phasePlan), "destroy": ratio(pass, samePass, phaseDestroy),
		},
		SameSchemaProviderCPU: map[string]*float64{
			"apply":   ratioOf(pass, samePass, phaseApply, provCPU),
			"plan":    ratioOf(pass, samePass, phasePlan, provCPU),
			"destroy": ratioOf(pass, samePass, phaseDestroy, provCPU),
		},
		ProviderCPUMsPerPass:      perPass(pass),
		ProviderCPUMsPerPassSmall: perPass(find[caseKey(targetPass, b.opts.n/5, false)]),
	}
	return r
}

// loadAverage is the 1-minute load average, or "?".
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(raw)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

func caseKey(target string, n int, faulted bool) string {
	return fmt.Sprintf("%s/%d/%t", target, n, faulted)
}

func mb(bytes int64) float64 { return float64(bytes) / (1 << 20) }

// median of xs (the mean of the middle two for an even count); 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64{}, xs...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

func writeJSON(path string, r results) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(raw, '\n'), 0o644)
}

// printReport prints the table, the growth with N, where the pass commands' requests go, and last the summary line.
func printReport(w io.Writer, r results, jsonPath string) {
	find := map[string]*caseSummary{}
	for i := range r.Cases {
		c := &r.Cases[i]
		find[caseKey(c.Target, c.N, c.Faulted)] = c
	}
	label := func(c *caseSummary) string {
		if c.Faulted {
			return c.Target + " +10% 429"
		}
		return c.Target
	}
	fmt.Fprintf(w, "\n%s, %s, %d CPUs, load average %s at start and %s at end; medians of %d repetitions\n",
		r.Terraform, r.Go, r.CPUs, r.LoadAverage[0], r.LoadAverage[1], r.Reps)
	fmt.Fprintf(w, "\nwall seconds\n%-5s %-24s %8s %8s %8s %8s %8s %8s %8s\n", "n", "target", "apply", "plan", "destroy",
		"apply/", "plan/", "destroy/", "ms/res")
	fmt.Fprintf(w, "%-5s %-24s %8s %8s %8s %8s %8s %8s %8s\n", "", "", "", "refresh", "", "noop", "noop", "noop", "apply")
	for i := range r.Cases {
		c := &r.Cases[i]
		noop := find[caseKey(targetNoop, c.N, false)]
		cell := func(phase string) string {
			if len(c.Runs[phase]) == 0 {
				return "-"
			}
			return fmt.Sprintf("%.2f", c.MedianSeconds[phase])
		}
		ratio := func(phase string) string {
			if noop == nil || len(c.Runs[phase]) == 0 || noop.MedianSeconds[phase] == 0 {
				return "-"
			}
			return fmt.Sprintf("%.2f", c.MedianSeconds[phase]/noop.MedianSeconds[phase])
		}
		fmt.Fprintf(w, "%-5d %-24s %8s %8s %8s %8s %8s %8s %8.1f\n", c.N, label(c),
			cell(phaseApply), cell(phasePlan), cell(phaseDestroy),
			ratio(phaseApply), ratio(phasePlan), ratio(phaseDestroy), c.MsPerResource[phaseApply])
	}

	fmt.Fprintf(w, "\ncpu seconds: terraform + provider processes + mock (in the bench process)\n%-5s %-24s %-20s %-20s %-20s\n",
		"n", "target", "apply", "plan refresh", "destroy")
	for i := range r.Cases {
		c := &r.Cases[i]
		cell := func(phase string) string {
			if len(c.Runs[phase]) == 0 {
				return "-"
			}
			return fmt.Sprintf("%.1f + %.1f + %.1f", c.MedianCPUSeconds[phase]-c.MedianProviderCPUSeconds[phase],
				c.MedianProviderCPUSeconds[phase], c.MedianBenchCPUSeconds[phase])
		}
		fmt.Fprintf(w, "%-5d %-24s %-20s %-20s %-20s\n", c.N, label(c), cell(phaseApply), cell(phasePlan), cell(phaseDestroy))
	}

	if r.SmallN > 0 {
		fmt.Fprintf(w, "\ngrowth from n=%d to n=%d (x%.0f resources), median time ratio:\n", r.SmallN, r.N, float64(r.N)/float64(r.SmallN))
		for _, t := range []string{targetPass, targetNoop, targetNoopPass, targetData} {
			big, small := find[caseKey(t, r.N, false)], find[caseKey(t, r.SmallN, false)]
			if big == nil || small == nil {
				continue
			}
			var parts []string
			for _, phase := range phases {
				if small.MedianSeconds[phase] > 0 {
					parts = append(parts, fmt.Sprintf("%s x%.2f", phase, big.MedianSeconds[phase]/small.MedianSeconds[phase]))
				}
			}
			fmt.Fprintf(w, "  %-20s %s\n", t, strings.Join(parts, "  "))
		}
	}

	if pass := find[caseKey(targetPass, r.N, false)]; pass != nil {
		fmt.Fprintf(w, "\nmock requests per command, %s n=%d (first repetition); provider processes started; peak RSS:\n", targetPass, r.N)
		for _, phase := range phases {
			printRequests(w, phase, pass.Runs[phase])
			if phase == phaseApply {
				printPerPass(w, pass.Runs[phase], r.N)
			}
		}
		if f := find[caseKey(targetPass, r.N, true)]; f != nil {
			printRequests(w, "apply +429", f.Runs[phaseApply])
		}
	}

	s := r.Summary
	fmt.Fprintf(w, "\nthe same ratios on cpu time (terraform and its plugins): apply %s plan %s destroy %s faulted %s\n",
		fmtRatio(s.CPURatios["apply"]), fmtRatio(s.CPURatios["plan"]), fmtRatio(s.CPURatios["destroy"]), fmtRatio(s.CPURatios["faulted"]))
	fmt.Fprintf(w, "provider peak RSS %.1f MB (noop %.1f MB); binary %.1f MB (noop %.1f MB)\n",
		s.ProviderPeakRSSMB, s.NoopPeakRSSMB, s.BinaryMB, s.NoopBinaryMB)
	if len(r.RefreshOnlyExit2) > 0 {
		var ids []string
		for id, k := range r.RefreshOnlyExit2 {
			ids = append(ids, fmt.Sprintf("%s %d/%d", id, k, r.Reps))
		}
		sort.Strings(ids)
		fmt.Fprintf(w, "note: refresh-only plans that showed no change but exited 2 under -detailed-exitcode (not errors): %s\n", strings.Join(ids, ", "))
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(w, "errors:\n")
		for _, e := range r.Errors {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
	fmt.Fprintf(w, "against noop_pass (same schema): wall apply %s plan %s destroy %s; provider cpu apply %s plan %s destroy %s; provider cpu per pass %s ms at n=%d, %s ms at n=%d\n",
		fmtRatio(s.SameSchemaWall["apply"]), fmtRatio(s.SameSchemaWall["plan"]), fmtRatio(s.SameSchemaWall["destroy"]),
		fmtRatio(s.SameSchemaProviderCPU["apply"]), fmtRatio(s.SameSchemaProviderCPU["plan"]), fmtRatio(s.SameSchemaProviderCPU["destroy"]),
		fmtRatio(s.ProviderCPUMsPerPass), r.N, fmtRatio(s.ProviderCPUMsPerPassSmall), r.SmallN)
	fmt.Fprintf(w, "results: %s\n", jsonPath)
	fmt.Fprintf(w, "apply_ratio=%s plan_ratio=%s destroy_ratio=%s faulted_ratio=%s same_schema_apply_ratio=%s same_schema_cpu_ratio=%s cpu_ms_per_pass=%s cpu_ms_per_pass_small=%s provider_peak_rss_mb=%.1f binary_mb=%.1f errors=%d\n",
		fmtRatio(s.ApplyRatio), fmtRatio(s.PlanRatio), fmtRatio(s.DestroyRatio), fmtRatio(s.FaultedRatio),
		fmtRatio(s.SameSchemaWall["apply"]), fmtRatio(s.SameSchemaProviderCPU["apply"]), fmtRatio(s.ProviderCPUMsPerPass), fmtRatio(s.ProviderCPUMsPerPassSmall),
		s.ProviderPeakRSSMB, s.BinaryMB, s.Errors)
}

func printRequests(w io.Writer, label string, runs []runResult) {
	if len(runs) == 0 {
		return
	}
	run := runs[0]
	keys := make([]string, 0, len(run.Requests))
	total := 0
	for k, v := range run.Requests {
		keys = append(keys, k)
		total += v
	}
	sort.Slice(keys, func(i, j int) bool {
		return run.Requests[keys[i]] > run.Requests[keys[j]] || run.Requests[keys[i]] == run.Requests[keys[j]] && keys[i] < keys[j]
	})
	fmt.Fprintf(w, "  %-11s %5d requests", label, total)
	if run.Injected > 0 {
		fmt.Fprintf(w, " (%d answered 429)", run.Injected)
	}
	fmt.Fprintf(w, "; %d provider processes, peak RSS %.1f MB\n", run.ProviderProcesses, float64(run.PeakRSSKB)/1024)
	for _, k := range keys {
		fmt.Fprintf(w, "      %6d  %s\n", run.Requests[k], k)
	}
}

func fmtRatio(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", *v)
}

// printPerPass divides the apply's requests (plan and apply: `terraform apply` does both) by
// the passes created: the target is one user lookup, one existing-pass list and one POST.
func printPerPass(w io.Writer, runs []runResult, n int) {
	if len(runs) == 0 || n == 0 {
		return
	}
	var total, lookups, lists, creates int
	for k, v := range runs[0].Requests {
		total += v
		switch k {
		case "GET /v1.0/users/{id}":
			lookups += v
		case "GET /v1.0/users/{id}/authentication/temporaryAccessPassMethods":
			lists += v
		case "POST /v1.0/users/{id}/authentication/temporaryAccessPassMethods":
			creates += v
		}
	}
	per := func(v int) float64 { return float64(v) / float64(n) }
	fmt.Fprintf(w, "      per created pass (plan + apply): %.2f requests: %.2f user lookups, %.2f existing-pass lists, %.2f creates\n",
		per(total), per(lookups), per(lists), per(creates))
}
