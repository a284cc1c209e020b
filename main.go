package main

import (
	"context"
	"flag"
	"log"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/entratap/terraform-provider-entratap/internal/provider"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

//go:generate make docs

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// No soft memory limit of our own (GOMEMLIMIT still applies). Measured with make bench
	// -profile: a fixed 48 MiB limit made the GC run almost continuously once the live heap
	// neared it, and the heap grows with what Terraform sends (a wave's state, N resources'
	// calls): provider CPU per pass grew from 8 to 11 ms between N=100 and N=500, and a wave
	// of 5,000 cost 52 s of provider CPU against 19 s without it (RSS 157 against 256 MB).
	// Without it, N=300 single passes cost 9.0 ms per pass against 9.8 ms at N=60 (RSS 77 MB).
	quietSDKLogs()
	stopProfile := startProfile()
	// The provider exits when Terraform dies (kill -9): nothing else would end it.
	if !debug {
		go watchParent(os.Getppid, time.NewTicker(time.Second).C, func() { os.Exit(1) })
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/entratap/entratap",
		Debug:   debug,
	})
	stopProfile()
	if err != nil {
		log.Fatal(err.Error())
	}
}
