package tfcli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"

	"github.com/hashicorp/go-version"
)

// CLI is the Terraform or OpenTofu binary the demo, the examples check, the
// doc snippets and the acceptance tests run.
type CLI struct {
	Path    string // the binary
	Name    string // "Terraform" or "OpenTofu"
	Version string // e.g. "1.11.4", "1.12.6", "1.17.0-dev"
}

// OpenTofu tells the two apart: they differ in registry and log lines.
func (c CLI) OpenTofu() bool { return c.Name == "OpenTofu" }

// RegistryHost is where the CLI resolves a provider source without a host
// (entratap/entratap, or a bare "entratap" as hashicorp/entratap).
func (c CLI) RegistryHost() string {
	if c.OpenTofu() {
		return "registry.opentofu.org"
	}
	return "registry.terraform.io"
}

// AtLeast compares the release part of the version (a -dev or -beta suffix
// counts as that release). A version that does not parse is at least nothing.
func (c CLI) AtLeast(major, minor int) bool {
	v, err := version.NewVersion(c.Version)
	if err != nil {
		return false
	}
	return v.Core().GreaterThanOrEqual(version.Must(version.NewVersion(fmt.Sprintf("%d.%d", major, minor))))
}

func (c CLI) String() string { return c.Name + " " + c.Version + " (" + c.Path + ")" }

// FindPath picks the CLI binary: TF_ACC_TERRAFORM_PATH when set (what
// terraform-plugin-testing runs), else terraform on PATH, else tofu on PATH.
func FindPath() (string, error) {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p, nil
	}
	for _, name := range []string{"terraform", "tofu"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("neither terraform nor tofu is on PATH (or set TF_ACC_TERRAFORM_PATH to the binary)")
}

// Find is FindPath followed by Detect.
func Find(ctx context.Context) (CLI, error) {
	p, err := FindPath()
	if err != nil {
		return CLI{}, err
	}
	return Detect(ctx, p)
}

var versionLine = regexp.MustCompile(`^(Terraform|OpenTofu) v(\S+)`)

// Detect runs `<path> version` and reads which CLI it is. It looks for the
// version line anywhere in the output: OpenTofu prints CLI config warnings
// (a TF_CLI_CONFIG_FILE that does not exist) on stdout before it.
func Detect(ctx context.Context, path string) (CLI, error) {
	cmd := exec.CommandContext(ctx, path, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return CLI{}, fmt.Errorf("%s version: %w", path, err)
	}
	return parseVersion(path, out)
}

func parseVersion(path string, out []byte) (CLI, error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if m := versionLine.FindStringSubmatch(strings.TrimSpace(sc.Text())); m != nil {
			return CLI{Path: path, Name: m[1], Version: m[2]}, nil
		}
	}
	return CLI{}, fmt.Errorf("%s version: no \"Terraform v…\" or \"OpenTofu v…\" line in %q", path, out)
}

// HomeEnv is env with HOME at home, as a new user's machine has it: make
// install and terraform/tofu init then use home's .terraform.d, and no CLI
// config (TF_CLI_CONFIG_FILE, ~/.terraformrc) or plugin cache of the
// person's. Go keeps its own cache, module cache and settings (a warm build).
func HomeEnv(ctx context.Context, env []string, home string) ([]string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOCACHE", "GOMODCACHE", "GOPATH", "GOENV").Output()
	if err != nil {
		return nil, fmt.Errorf("go env: %w", err)
	}
	v := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(v) != 4 {
		return nil, fmt.Errorf("go env: unexpected output %q", out)
	}
	var kept []string
	for _, kv := range env {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "HOME", "TF_CLI_CONFIG_FILE", "TERRAFORM_CONFIG", "TF_PLUGIN_CACHE_DIR", "GOCACHE", "GOMODCACHE", "GOPATH", "GOENV":
			continue
		}
		kept = append(kept, kv)
	}
	return append(kept, "HOME="+home, "GOCACHE="+v[0], "GOMODCACHE="+v[1], "GOPATH="+v[2], "GOENV="+v[3]), nil
}
