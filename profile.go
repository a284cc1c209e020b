package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"time"
)

// startProfile writes a CPU profile of this process to PREFIX.PID.cpu and, when stop is
// called, a heap profile to PREFIX.PID.heap, if ENTRATAP_PROFILE=PREFIX is set: Terraform
// starts the provider itself, so an environment variable is the one way in. The PID keeps
// the several processes of one Terraform run (validate, plan, apply) apart. While it runs,
// PREFIX.PID.peak.heap holds the heap profile taken when the live heap (as of the last GC)
// was largest: what holds the memory at the peak, not what was allocated on the way.
func startProfile() (stop func()) {
	prefix := os.Getenv("ENTRATAP_PROFILE")
	if prefix == "" {
		return func() {}
	}
	base := fmt.Sprintf("%s.%d", prefix, os.Getpid())
	f, err := os.Create(base + ".cpu")
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return func() {}
	}
	done := make(chan struct{})
	go watchPeak(base+".peak.heap", done)
	return func() {
		close(done)
		pprof.StopCPUProfile()
		_ = f.Close()
		if h, err := os.Create(base + ".heap"); err == nil {
			runtime.GC()
			_ = pprof.WriteHeapProfile(h)
			_ = h.Close()
		}
	}
}

// watchPeak writes a heap profile to path each time the live heap grows by a tenth over
// the largest seen, sampling every 50 ms until done.
func watchPeak(path string, done <-chan struct{}) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var peak uint64
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		if live := sample[0].Value.Uint64(); live > peak+peak/10 {
			peak = live
			if h, err := os.Create(path); err == nil {
				_ = pprof.WriteHeapProfile(h)
				_ = h.Close()
			}
		}
	}
}
