package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfile writes a CPU profile of this process to PREFIX.PID.cpu and, when stop is
// called, a heap profile to PREFIX.PID.heap, if ENTRATAP_PROFILE=PREFIX is set: Terraform
// starts the provider itself, so an environment variable is the one way in. The PID keeps
// the several processes of one Terraform run (validate, plan, apply) apart.
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
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
		if h, err := os.Create(base + ".heap"); err == nil {
			runtime.GC()
			_ = pprof.WriteHeapProfile(h)
			_ = h.Close()
		}
	}
}
