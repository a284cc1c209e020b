// Command bench-noop is terraform-provider-noop, the benchmark's floor (internal/bench/noop):
// a provider whose resources do nothing. The bench builds it by path.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/entratap/terraform-provider-entratap/internal/bench/noop"
)

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	err := providerserver.Serve(context.Background(), noop.New, providerserver.ServeOpts{
		Address: "registry.terraform.io/entratap/noop",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
