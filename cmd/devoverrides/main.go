// Command devoverrides writes dev.tfrc for `make dev`: the CLI config that loads
// the local build of the provider through one dev override, for the CLI found
// (terraform, or tofu: tfcli.Find): go run ./cmd/devoverrides -out FILE -dir BIN.
// With -all (scripts: the examples check) it overrides every address the
// provider may be resolved to, hashicorp/entratap of a configuration without
// required_providers included.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/entratap/terraform-provider-entratap/internal/tfcli"
)

func main() {
	out := flag.String("out", "", "the CLI config file to write (point TF_CLI_CONFIG_FILE at it)")
	dir := flag.String("dir", "bin", "the directory holding terraform-provider-entratap")
	all := flag.Bool("all", false, "override every address (Terraform's and OpenTofu's, entratap/ and hashicorp/), for scripts")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: devoverrides -out FILE [-dir BIN]")
		os.Exit(2)
	}
	if *all {
		if err := tfcli.WriteDevOverrides(*out, *dir); err != nil {
			fmt.Fprintln(os.Stderr, "devoverrides:", err)
			os.Exit(1)
		}
		return
	}
	cli, err := tfcli.Find(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "devoverrides:", err)
		os.Exit(1)
	}
	if err := tfcli.WriteDevOverride(*out, cli, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "devoverrides:", err)
		os.Exit(1)
	}
}
