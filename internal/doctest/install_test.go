package doctest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entratap/terraform-provider-entratap/internal/tfcli"
)

// quickstart is the README's "Try it offline" part: from its heading to the next one.
func quickstart(t *testing.T) []snippet {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	start := strings.Index(text, "## Try it offline")
	if start < 0 {
		t.Fatal(`README.md has no "## Try it offline" section`)
	}
	end := strings.Index(text[start+1:], "\n## ")
	if end < 0 {
		t.Fatal("README.md's quickstart has no next section")
	}
	// Keep the line numbers of the whole document.
	snips, err := parse("README.md", strings.Repeat("\n", strings.Count(text[:start], "\n"))+text[start:start+1+end])
	if err != nil {
		t.Fatal(err)
	}
	return snips
}

// TestReadmeQuickstartInstalls: a newcomer installs the provider (make install,
// then terraform init), as from a registry; the dev override is for
// contributors, and none of the quickstart's steps sets it.
func TestReadmeQuickstartInstalls(t *testing.T) {
	t.Parallel()
	var run strings.Builder
	for _, s := range quickstart(t) {
		if s.action == "run" {
			run.WriteString(s.body)
		}
	}
	for _, want := range []string{"make install", "terraform init", "terraform plan", "terraform apply"} {
		if !strings.Contains(run.String(), want) {
			t.Errorf("the README's quickstart does not run %q", want)
		}
	}
	for _, never := range []string{"TF_CLI_CONFIG_FILE", "dev.tfrc", "make dev"} {
		if strings.Contains(run.String(), never) {
			t.Errorf("the README's quickstart runs %q: the dev override is for contributors", never)
		}
	}
}

// tofuPath is the OpenTofu binary to try the quickstart with: ENTRATAP_TOFU,
// else tofu on PATH.
func tofuPath() (string, string) {
	if p := os.Getenv("ENTRATAP_TOFU"); p != "" {
		return p, "ENTRATAP_TOFU"
	}
	if p, err := exec.LookPath("tofu"); err == nil {
		return p, "PATH"
	}
	return "", ""
}

// TestReadmeQuickstartOpenTofu runs the README's quickstart with OpenTofu for
// terraform: make install into a temporary HOME, then tofu init offline (the
// provider under registry.opentofu.org, where make install put it), tofu
// test, plan and apply of the README's module against the mock. TestDocs runs
// the same steps with Terraform.
func TestReadmeQuickstartOpenTofu(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC not set: the quickstart runs OpenTofu (make test sets it)")
	}
	tofu, from := tofuPath()
	if tofu == "" {
		t.Skip("no OpenTofu: set ENTRATAP_TOFU to a tofu binary, or put tofu on PATH")
	}
	cli, err := tfcli.Detect(context.Background(), tofu)
	if err != nil {
		t.Fatal(err)
	}
	if !cli.OpenTofu() {
		t.Fatalf("%s (from %s) is %s, not OpenTofu", tofu, from, cli)
	}
	t.Parallel()
	t.Logf("the quickstart's terraform runs %s", cli)
	runDocument(t, repoRoot(t), "", quickstart(t), shim(t, tofu))
}
