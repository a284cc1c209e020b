// Command schemajson writes the provider's schemas in the format of
// `terraform providers schema -json`, read from the provider itself through
// the plugin protocol, for `make docs`: tfplugindocs --providers-schema FILE.
// The Terraform in CI (1.11) knows no identity, list resource or action
// schemas, so asking it would leave those pages out.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/entratap/terraform-provider-entratap/internal/provider"
	"github.com/entratap/terraform-provider-entratap/internal/tfcli"
)

func main() {
	out := flag.String("out", "", "the JSON file to write")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: schemajson -out FILE")
		os.Exit(2)
	}
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "schemajson:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	server, err := providerserver.NewProtocol6WithError(provider.New("docs")())()
	if err != nil {
		return err
	}
	// The key tfplugindocs looks up for --provider-name entratap.
	doc, err := tfcli.ProviderSchemas(context.Background(), server, "entratap")
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(b, '\n'), 0o644)
}
