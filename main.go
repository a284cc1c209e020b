package main

import (
	"context"
	"flag"
	"log"
	"os"
	rtdebug "runtime/debug"

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
	// double before collecting. Measured by make bench (N=500): peak RSS
	// 95 MB -> about 60 MB, for a little more GC CPU.
	if os.Getenv("GOMEMLIMIT") == "" {
		rtdebug.SetMemoryLimit(32 << 20)
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/entratap/entratap",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
