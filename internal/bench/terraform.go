package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
	"github.com/entratap/terraform-provider-entratap/internal/tfcli"
)

// writeCLIConfig writes the CLI config: both providers come from the directories the bench
// built them in, so no `terraform init` and no registry are needed.
func writeCLIConfig(path string, binaries map[string]string) error {
	return tfcli.WriteDevOverrides(path, filepath.Dir(binaries[targetPass]),
		tfcli.Override{Address: "registry.terraform.io/entratap/noop", Dir: filepath.Dir(binaries[targetNoop])},
		tfcli.Override{Address: "registry.terraform.io/entratap/nooppass", Dir: filepath.Dir(binaries[targetNoopPass])})
}

// terraformEnv is the bench's environment less anything that could steer Terraform or the
// provider elsewhere, plus the mock's endpoints and admin app and the bench's CLI config.
func terraformEnv(srv *graphmock.Server, cliConfig string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "TF_"), strings.HasPrefix(name, "ARM_"), strings.HasPrefix(name, "AZURE_"),
			strings.HasPrefix(name, "ENTRATAP_"), strings.HasPrefix(name, "ACTIONS_ID_TOKEN_"),
			name == "SSL_CERT_FILE", name == "SSL_CERT_DIR", name == "CHECKPOINT_DISABLE":
			continue
		}
		env = append(env, kv)
	}
	set := srv.Env() // the admin app, the endpoints and the CA, as the env file has them
	set["ARM_USE_CLI"] = "false"
	set["CHECKPOINT_DISABLE"] = "1"
	set["TF_IN_AUTOMATION"] = "1"
	set["TF_CLI_CONFIG_FILE"] = cliConfig
	names := make([]string, 0, len(set))
	for k := range set {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		env = append(env, k+"="+set[k])
	}
	return env
}

// The configurations: one resource block over the users, for_each'd the same way for each target.
var configs = map[string]string{
	targetPass: `terraform {
  required_providers {
    entratap = { source = "entratap/entratap" }
  }
}

provider "entratap" {}

variable "users" { type = list(string) }

resource "entratap_pass" "p" {
  for_each = toset(var.users)
  user_id  = each.value
}
`,
	targetNoop: `terraform {
  required_providers {
    noop = { source = "entratap/noop" }
  }
}

variable "users" { type = list(string) }

resource "noop_thing" "p" {
  for_each = toset(var.users)
  user_id  = each.value
}
`,
	targetNoopPass: `terraform {
  required_providers {
    noop = { source = "entratap/nooppass" }
  }
}

variable "users" { type = list(string) }

resource "noop_pass" "p" {
  for_each = toset(var.users)
  user_id  = each.value
}
`,
	targetData: `variable "users" { type = list(string) }

resource "terraform_data" "p" {
  for_each = toset(var.users)
  input    = each.value
}
`,
}

func writeConfig(dir, target string, users []string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(configs[target]), 0o644); err != nil {
		return err
	}
	vars, err := json.Marshal(map[string]any{"users": users})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "terraform.tfvars.json"), vars, 0o644)
}

// resetState removes a previous run's state, so every apply starts from nothing.
func resetState(dir string) error {
	for _, f := range []string{"terraform.tfstate", "terraform.tfstate.backup", ".terraform.tfstate.lock.info"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// stateIDs returns the id of every instance of resourceType in the local state (none without a state file).
func stateIDs(dir, resourceType string) ([]string, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st struct {
		Resources []struct {
			Mode      string `json:"mode"`
			Type      string `json:"type"`
			Instances []struct {
				Attributes struct {
					ID string `json:"id"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range st.Resources {
		if r.Mode != "managed" || r.Type != resourceType {
			continue
		}
		for _, in := range r.Instances {
			ids = append(ids, in.Attributes.ID)
		}
	}
	return ids, nil
}

// terraform runs one command in the case's directory and records it. The error is only for
// what stops the whole bench (cancellation, Terraform not starting); a command that fails is a
// runResult with a non-zero exit code.
func (b *bench) terraform(ctx context.Context, c *benchCase, rep int, phase string, args ...string) (runResult, error) {
	logPath := filepath.Join(c.dir, fmt.Sprintf("rep%d-%s.log", rep+1, phase))
	logFile, err := os.Create(logPath)
	if err != nil {
		return runResult{}, err
	}
	defer func() { _ = logFile.Close() }()

	ctx, cancel := context.WithTimeout(ctx, b.opts.timeout)
	defer cancel()
	cmd := b.command(ctx, c.dir, logFile, args...)
	if b.opts.profile != "" && (c.Target == targetPass || c.Target == targetWave) {
		// The provider writes its CPU and heap profiles here (main.go, profile.go).
		cmd.Env = append(slices.Clone(b.env), "ENTRATAP_PROFILE="+filepath.Join(b.opts.profile, fmt.Sprintf("%s-rep%d-%s", c.id(), rep+1, phase)))
	}

	b.srv.ResetRequests()
	sampler := startSampler(b.binaries)
	selfCPU := ownCPU()
	start := time.Now()
	runErr := cmd.Run()
	elapsed := time.Since(start)
	selfCPU = ownCPU() - selfCPU
	procs := sampler.stop()

	r := runResult{Rep: rep + 1, Seconds: elapsed.Seconds(), BenchCPUSeconds: selfCPU.Seconds(), Log: logPath, Requests: map[string]int{}}
	if cmd.ProcessState != nil {
		r.ExitCode = cmd.ProcessState.ExitCode()
		r.CPUSeconds = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	}
	var exitErr *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exitErr) {
		return r, fmt.Errorf("%s: terraform %s: %w", c.id(), phase, runErr)
	}
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			b.fail("%s: terraform %s took longer than %s and was killed", c.id(), phase, b.opts.timeout)
			r.ExitCode = -1
		} else {
			return r, ctx.Err()
		}
	}
	for _, e := range b.srv.Requests() {
		r.Requests[e.Method+" "+normalizePath(e.Path)]++
		if e.Fault == "injected" {
			r.Injected++
		}
	}
	if bin, ok := b.binaries[c.Target]; ok {
		for _, p := range procs {
			if p.exe != bin {
				continue
			}
			r.ProviderProcesses++
			r.PeakRSSKB = max(r.PeakRSSKB, p.hwmKB)
			r.ProviderCPUSeconds += p.cpu.Seconds()
		}
		b.rssMax[c.Target] = max(b.rssMax[c.Target], r.PeakRSSKB)
	}
	c.Runs[phase] = append(c.Runs[phase], r)
	return r, nil
}

// command is a terraform command in dir, with the bench's environment, writing to out, in its
// own process group so that a timeout (ctx) takes the provider plugins down too.
func (b *bench) command(ctx context.Context, dir string, out io.Writer, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, b.terraformExe, args...)
	cmd.Dir = dir
	cmd.Env = b.env
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// ownCPU is the user+system time of this process so far: the in-process mock, mostly.
func ownCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var (
	guidSegment   = regexp.MustCompile(`(?i)/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(/|$)`)
	upnSegment    = regexp.MustCompile(`/[^/]+@[^/]+(/|$)`)
	controlsOrAPI = regexp.MustCompile(`^/(v1\.0|_mock)(/|$)`)
)

// normalizePath replaces ids and user principal names in a request path with {id}, so that
// requests count by endpoint; a login path's tenant becomes {tenant}.
func normalizePath(p string) string {
	if !controlsOrAPI.MatchString(p) {
		if _, rest, ok := strings.Cut(strings.TrimPrefix(p, "/"), "/"); ok {
			return "/{tenant}/" + rest
		}
	}
	// Twice, as adjacent segments share the slash between them.
	for range 2 {
		p = guidSegment.ReplaceAllString(p, "/{id}$1")
		p = upnSegment.ReplaceAllString(p, "/{id}$1")
	}
	return p
}
