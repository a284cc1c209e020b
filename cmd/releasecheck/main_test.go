package main

import (
	"archive/zip"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeZip(t *testing.T, path string, files ...string) []byte {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	z := zip.NewWriter(f)
	for _, name := range files {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(name))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// A dist/ with a provider zip lacking README.md, a mock zip whose checksum is wrong, and a
// manifest missing from the checksums: each is named.
func TestCheckNamesEachProblem(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dist := filepath.Join(dir, "dist")
	if err := os.Mkdir(dist, 0o755); err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(dir, "terraform-registry-manifest.json")
	if err := os.WriteFile(manifest, []byte(`{"version":1,"metadata":{"protocol_versions":["6.0"]}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	// plan9_arm: a platform this machine is not, so nothing is started or installed.
	p := writeZip(t, filepath.Join(dist, "terraform-provider-entratap_1.2.3_plan9_arm.zip"), "terraform-provider-entratap_v1.2.3", "LICENSE")
	writeZip(t, filepath.Join(dist, "graphmock_1.2.3_plan9_arm.zip"), "graphmock", "LICENSE", "README.md")
	sums := fmt.Sprintf("%x  terraform-provider-entratap_1.2.3_plan9_arm.zip\n%x  graphmock_1.2.3_plan9_arm.zip\n", sha256.Sum256(p), sha256.Sum256([]byte("other")))
	if err := os.WriteFile(filepath.Join(dist, "terraform-provider-entratap_1.2.3_SHA256SUMS"), []byte(sums), 0o644); err != nil {
		t.Fatal(err)
	}
	_, problems := check(dist, manifest)
	got := strings.Join(problems, "\n")
	for _, want := range []string{
		"terraform-provider-entratap_1.2.3_plan9_arm.zip: holds [LICENSE terraform-provider-entratap_v1.2.3], want [LICENSE README.md terraform-provider-entratap_v1.2.3]",
		"graphmock_1.2.3_plan9_arm.zip: checksum",
		"terraform-provider-entratap_1.2.3_manifest.json: not in terraform-provider-entratap_1.2.3_SHA256SUMS",
		"no mock archive for this machine",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	if len(problems) != 4 {
		t.Errorf("want 4 problems, got %d:\n%s", len(problems), got)
	}
}
