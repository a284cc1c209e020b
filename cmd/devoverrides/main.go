// Command devoverrides writes the CLI config that loads a local build of the
// provider, for scripts: go run ./cmd/devoverrides -out FILE -dir BIN.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/entratap/terraform-provider-entratap/internal/tfcli"
)

func main() {
	out := flag.String("out", "", "the CLI config file to write (point TF_CLI_CONFIG_FILE at it)")
	dir := flag.String("dir", "bin", "the directory holding terraform-provider-entratap")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: devoverrides -out FILE [-dir BIN]")
		os.Exit(2)
	}
	if err := tfcli.WriteDevOverrides(*out, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "devoverrides:", err)
		os.Exit(1)
	}
}
