package tfcli

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

func TestWriteDevOverrides(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	path := filepath.Join(dir, "dev.tfrc")
	if err := WriteDevOverrides(path, "bin", Override{Address: "registry.terraform.io/entratap/noop", Dir: `C:\noop "x"`}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "bin")
	for _, want := range []string{
		// Terraform's address, OpenTofu's, and the hashicorp/ fallback of a configuration without required_providers.
		`"registry.terraform.io/entratap/entratap" += "` + regexp.QuoteMeta(bin) + `"`,
		`"registry.opentofu.org/entratap/entratap" += "` + regexp.QuoteMeta(bin) + `"`,
		`"registry.terraform.io/hashicorp/entratap" += "` + regexp.QuoteMeta(bin) + `"`,
		`"registry.terraform.io/entratap/noop" += "` + regexp.QuoteMeta(filepath.Join(dir, `C:\\noop \"x\"`)) + `"`,
		`(?s)^provider_installation \{\n  dev_overrides \{\n.*\n  \}\n  direct \{\}\n\}\n$`,
	} {
		if !regexp.MustCompile(want).Match(b) {
			t.Errorf("CLI config lacks %s:\n%s", want, b)
		}
	}
}

func TestWriteDevOverride(t *testing.T) {
	t.Parallel()
	for _, cli := range []CLI{{Name: "Terraform"}, {Name: "OpenTofu"}} {
		path := filepath.Join(t.TempDir(), "dev.tfrc")
		bin := filepath.Join(t.TempDir(), "bin")
		if err := WriteDevOverride(path, cli, bin); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// One override only (each one is a line of every command's warning), and the
		// header says the file replaces the person's own CLI config.
		if n := regexp.MustCompile(`(?m)^    "`).FindAll(b, -1); len(n) != 1 {
			t.Errorf("%s: want one override, got %d:\n%s", cli.Name, len(n), b)
		}
		for _, want := range []string{
			`"` + cli.RegistryHost() + `/entratap/entratap" += "` + regexp.QuoteMeta(bin) + `"`,
			`INSTEAD of\n# your own CLI config`,
		} {
			if !regexp.MustCompile(want).Match(b) {
				t.Errorf("%s: CLI config lacks %s:\n%s", cli.Name, want, b)
			}
		}
	}
}
