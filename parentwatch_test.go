package main

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestWatchParent(t *testing.T) {
	var ppid atomic.Int64
	ppid.Store(100)
	tick := make(chan time.Time)
	exited := make(chan struct{})
	go watchParent(func() int { return int(ppid.Load()) }, tick, func() { close(exited) })
	tick <- time.Time{} // same parent: keeps running
	tick <- time.Time{} // received only once the first check is done
	select {
	case <-exited:
		t.Fatal("exited while the parent lives")
	default:
	}
	ppid.Store(1) // Terraform died: adopted by init
	select {
	case tick <- time.Time{}:
		<-exited
	case <-exited: // the check in flight already saw it
	}
}
