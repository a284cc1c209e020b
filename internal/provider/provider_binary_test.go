package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/entratap/terraform-provider-entratap/internal/tfcli"
)

// TestAccProviderSchemaFromBinary builds the release binary and asks
// Terraform (or OpenTofu) for its schema, as a user's `terraform providers
// schema -json` would: every provider setting and every object is there, and
// `make docs`'s schema, read through the protocol, says the same.
func TestAccProviderSchemaFromBinary(t *testing.T) {
	t.Parallel()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	dir := t.TempDir()
	bin := providerBinary(t)
	rc := filepath.Join(dir, "dev.tfrc")
	if err := tfcli.WriteDevOverrides(rc, bin); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(`terraform {
  required_providers {
    entratap = { source = "entratap/entratap" }
  }
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(testCLI.Path, "providers", "schema", "-json")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s providers schema -json: %v", testCLI.Name, err)
	}
	addr := testCLI.RegistryHost() + "/entratap/entratap"
	compareSchemaJSON(t, out, addr)
	var doc struct {
		ProviderSchemas map[string]struct {
			Provider struct {
				Block struct {
					Attributes map[string]struct {
						Sensitive bool `json:"sensitive"`
					} `json:"attributes"`
				} `json:"block"`
			} `json:"provider"`
			ResourceSchemas          map[string]json.RawMessage `json:"resource_schemas"`
			DataSourceSchemas        map[string]json.RawMessage `json:"data_source_schemas"`
			EphemeralResourceSchemas map[string]json.RawMessage `json:"ephemeral_resource_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	s, ok := doc.ProviderSchemas[addr]
	if !ok {
		t.Fatalf("no entratap schema in %s", strings.Join(keys(doc.ProviderSchemas), ", "))
	}
	want := []string{
		"tenant_id", "client_id", "client_id_file_path", "client_secret", "client_secret_file_path",
		"client_certificate", "client_certificate_path", "client_certificate_password",
		"use_oidc", "oidc_token", "oidc_token_file_path", "oidc_request_token", "oidc_request_url",
		"use_aks_workload_identity", "use_msi", "msi_endpoint", "use_cli",
		"environment", "graph_endpoint", "authority_host", "strong_methods",
	}
	for _, a := range want {
		if _, ok := s.Provider.Block.Attributes[a]; !ok {
			t.Errorf("provider attribute %s missing", a)
		}
	}
	for _, a := range []string{"client_secret", "client_certificate", "client_certificate_password", "oidc_token", "oidc_request_token"} {
		if !s.Provider.Block.Attributes[a].Sensitive {
			t.Errorf("provider attribute %s is not sensitive", a)
		}
	}
	if len(s.Provider.Block.Attributes) != len(want) {
		t.Errorf("provider attributes %v, want exactly %v", keys(s.Provider.Block.Attributes), want)
	}
	for _, r := range []string{"entratap_policy", "entratap_pass"} {
		if _, ok := s.ResourceSchemas[r]; !ok {
			t.Errorf("resource %s missing", r)
		}
		if _, ok := s.DataSourceSchemas[r]; !ok {
			t.Errorf("data source %s missing", r)
		}
	}
	if _, ok := s.EphemeralResourceSchemas["entratap_pass"]; !ok {
		t.Error("ephemeral resource entratap_pass missing")
	}
	if fi, err := os.Stat(filepath.Join(bin, "terraform-provider-entratap")); err == nil {
		t.Logf("release binary: %.1f MB", float64(fi.Size())/1e6)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// compareSchemaJSON checks that what `make docs` reads from the provider
// through the protocol (tfcli.ProviderSchemas) is what the CLI prints, for
// every part this CLI knows (identities need 1.12, lists and actions 1.14).
func compareSchemaJSON(t *testing.T, cliOut []byte, addr string) {
	t.Helper()
	var fromCLI tfjson.ProviderSchemas
	if err := json.Unmarshal(cliOut, &fromCLI); err != nil {
		t.Fatal(err)
	}
	cli := fromCLI.Schemas[addr]
	if cli == nil {
		t.Fatalf("no %s in the CLI's schema", addr)
	}
	server, err := protoV6["entratap"]()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := tfcli.ProviderSchemas(context.Background(), server, "entratap")
	if err != nil {
		t.Fatal(err)
	}
	ours := docs.Schemas["entratap"]
	parts := []struct {
		name      string
		cli, ours any
		known     bool
	}{
		{"provider", cli.ConfigSchema, ours.ConfigSchema, true},
		{"resource_schemas", cli.ResourceSchemas, ours.ResourceSchemas, true},
		{"data_source_schemas", cli.DataSourceSchemas, ours.DataSourceSchemas, true},
		{"ephemeral_resource_schemas", cli.EphemeralResourceSchemas, ours.EphemeralResourceSchemas, true},
		{"resource_identity_schemas", cli.ResourceIdentitySchemas, ours.ResourceIdentitySchemas, len(cli.ResourceIdentitySchemas) > 0},
		{"list_resource_schemas", cli.ListResourceSchemas, ours.ListResourceSchemas, len(cli.ListResourceSchemas) > 0},
		{"action_schemas", cli.ActionSchemas, ours.ActionSchemas, len(cli.ActionSchemas) > 0},
	}
	compared := 0
	for _, p := range parts {
		if !p.known {
			t.Logf("%s: %s prints none (too old); not compared", p.name, testCLI)
			continue
		}
		a, _ := json.Marshal(p.cli)
		b, _ := json.Marshal(p.ours)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: make docs' schema differs from %s's:\n cli:  %s\n docs: %s", p.name, testCLI, a, b)
		}
		compared++
	}
	if compared < 4 {
		t.Fatalf("compared %d parts", compared)
	}
}
