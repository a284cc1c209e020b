package main

import (
	"os"
	"runtime/debug"
)

// softMemoryLimit is the heap the garbage collector aims under, unless GOMEMLIMIT says
// otherwise. A plan of a large entratap_passes holds the framework's decoded copies of the
// proposed, prior and planned values at once (about 20 KB an entry at its peak, make bench
// -wave -profile); with the default GOGC alone the heap grows to twice that before a
// collection, and the process's RSS to nearly three times. Under the limit the collector runs
// sooner instead, for a few percent more CPU in the largest waves and nothing in the rest.
const softMemoryLimit = 64 << 20

// limitMemory sets softMemoryLimit when the user has not set GOMEMLIMIT (the runtime reads it).
func limitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
}
