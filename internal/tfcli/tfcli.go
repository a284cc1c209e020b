// Package tfcli writes the Terraform CLI configuration that loads a local
// build of the provider: the demo, the bench, the tests, the examples check
// and the guides all use this one file format.
package tfcli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The addresses a configuration may resolve the provider to. OpenTofu
// resolves entratap/entratap to its own registry, and a configuration without
// required_providers resolves "entratap" to hashicorp/entratap.
var providerAddresses = []string{
	"registry.terraform.io/entratap/entratap",
	"registry.opentofu.org/entratap/entratap",
	"registry.terraform.io/hashicorp/entratap",
	"registry.opentofu.org/hashicorp/entratap",
}

// Override loads one more provider, by its full address, from a directory.
type Override struct {
	Address string
	Dir     string
}

// WriteDevOverrides writes to path a CLI config whose dev_overrides load the
// entratap provider from binDir (which holds terraform-provider-entratap),
// plus any other providers given; every other provider installs as usual.
func WriteDevOverrides(path, binDir string, more ...Override) error {
	text, err := DevOverrides(binDir, more...)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(text), 0o644)
}

// DevOverrides is the text WriteDevOverrides writes. Directories are made
// absolute: Terraform reads the file from wherever it runs.
func DevOverrides(binDir string, more ...Override) (string, error) {
	all := make([]Override, 0, len(providerAddresses)+len(more))
	for _, a := range providerAddresses {
		all = append(all, Override{Address: a, Dir: binDir})
	}
	return render("", append(all, more...))
}

// devConfigHeader opens the CLI config `make dev` writes for a person, who may
// have a CLI config of their own.
const devConfigHeader = `# Written by make dev. While TF_CLI_CONFIG_FILE points here, %s reads this file INSTEAD of
# your own CLI config (~/.terraformrc or ~/.tofurc): copy this provider_installation block into yours to have both.
# It replaces installing the provider (make install, then %s init) with the build in %s.
`

// WriteDevOverride writes to path the CLI config a person uses: one dev
// override, for entratap/entratap under cli's registry host, so each command
// warns about one provider only, and a header saying what the file replaces.
func WriteDevOverride(path string, cli CLI, binDir string) error {
	abs, err := filepath.Abs(binDir)
	if err != nil {
		return err
	}
	name := strings.ToLower(cli.Name)
	if cli.OpenTofu() {
		name = "tofu"
	}
	text, err := render(fmt.Sprintf(devConfigHeader, cli.Name, name, abs),
		[]Override{{Address: cli.RegistryHost() + "/entratap/entratap", Dir: binDir}})
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(text), 0o644)
}

func render(header string, all []Override) (string, error) {
	width := 0
	for i, o := range all {
		dir, err := filepath.Abs(o.Dir)
		if err != nil {
			return "", fmt.Errorf("dev override for %s: %w", o.Address, err)
		}
		all[i].Dir = dir
		width = max(width, len(o.Address))
	}
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, o := range all {
		fmt.Fprintf(&b, "    %-*s = %s\n", width+2, quote(o.Address), quote(o.Dir))
	}
	b.WriteString("  }\n  direct {}\n}\n")
	return b.String(), nil
}

// quote makes an HCL string; a Windows path's backslashes need escaping.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
