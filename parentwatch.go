package main

import "time"

// watchParent calls exit once the process that started the provider is
// gone: when Terraform is killed (kill -9) nothing closes the plugin, and an
// orphaned provider would go on issuing passes nobody will record. An
// orphan is adopted by another process, so its parent id changes.
func watchParent(getppid func() int, tick <-chan time.Time, exit func()) {
	parent := getppid()
	for range tick {
		if getppid() != parent {
			exit()
			return
		}
	}
}
