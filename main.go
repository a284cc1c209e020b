package main

import (
	"context"
	"flag"
	"log"
	"os"
	rtdebug "runtime/debug"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/entratap/terraform-provider-entratap/internal/provider"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

//go:generate go tool tfplugindocs generate --provider-name entratap

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// A soft memory limit, unless the user set one: the plugin SDKs keep
	// per-request loggers alive, and the default GC lets a long apply's heap
	// double before collecting. make bench, N=500: no limit 96 MB peak RSS;
	// 48 MiB 66 MB at no measurable CPU cost; 32 MiB 63 MB but +70% provider
	// CPU (the live heap is ~34 MB, so the GC runs almost continuously).
	if os.Getenv("GOMEMLIMIT") == "" {
		rtdebug.SetMemoryLimit(48 << 20)
	}

	if !debug {
		go watchParent(os.Getppid, time.NewTicker(time.Second).C, func() { os.Exit(1) })
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/entratap/entratap",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
