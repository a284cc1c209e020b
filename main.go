package main

import (
	"flag"
	"log"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/entratap/terraform-provider-entratap/internal/provider"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

//go:generate make docs

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// Before serving: the SDK logs off unless someone will read them (logging.go), and a
	// profile when ENTRATAP_PROFILE asks for one (profile.go). No memory limit of our own: see
	// "Memory" in the entratap_passes page (a limit under a large wave's live heap costs 3-4x CPU).
	quietSDKLogs()
	stopProfile := startProfile()
	// The provider exits when Terraform dies (kill -9): nothing else would end it.
	if !debug {
		go watchParent(os.Getppid, time.NewTicker(time.Second).C, func() { os.Exit(1) })
	}

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	server := provider.NewServer(version) // the framework's server, the waves one at a time (server.go)
	err := tf6server.Serve("registry.terraform.io/entratap/entratap", func() tfprotov6.ProviderServer {
		s, err := server()
		if err != nil {
			log.Fatal(err.Error())
		}
		return s
	}, opts...)
	stopProfile()
	if err != nil {
		log.Fatal(err.Error())
	}
}
