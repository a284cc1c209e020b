package doctest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/tfcli"
)

// documents in reader order; every guide must be listed.
var documents = []string{
	"README.md",
	"docs/guides/testing-offline.md",
	"docs/guides/onboarding.md",
	"docs/guides/authentication.md",
}

// selfSetup are the documents whose own snippets build and start the mock.
var selfSetup = map[string]bool{"README.md": true, "docs/guides/testing-offline.md": true}

// guideSetup is what the README's quick start leaves behind, done for each guide.
const guideSetup = `make -s dev >/dev/null
export TF_CLI_CONFIG_FILE="$PWD/dev.tfrc"
bin/graphmock --env-file .mock.env >.mock.log 2>&1 &
until [ -s .mock.env ]; do sleep 0.1; done
source .mock.env
`

type snippet struct {
	doc    string
	line   int    // of the opening fence
	lang   string // sh, hcl, ...
	action string // "run", "file", "skip"
	arg    string // the file, or the skip reason
	body   string
}

func (s snippet) name() string { return fmt.Sprintf("%s:%d (%s %s)", s.doc, s.line, s.lang, s.action) }

var (
	markerRe = regexp.MustCompile(`^<!--\s*doctest:\s*(run|file=(\S+)|skip\b\s*(.*?))\s*-->$`)
	fenceRe  = regexp.MustCompile("^```\\s*([A-Za-z]*)")
)

// checked are the languages whose blocks must carry a marker.
var checked = map[string]bool{"sh": true, "bash": true, "shell": true, "hcl": true, "terraform": true}

// parse extracts the fenced blocks of a markdown document with their markers.
func parse(doc, text string) ([]snippet, error) {
	var out []snippet
	var errs []string
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		m := fenceRe.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		s := snippet{doc: doc, line: i + 1, lang: m[1]}
		var body []string
		j := i + 1
		for ; j < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[j]), "```"); j++ {
			body = append(body, lines[j])
		}
		s.body = strings.Join(body, "\n") + "\n"
		prev := i - 1
		for prev >= 0 && strings.TrimSpace(lines[prev]) == "" {
			prev--
		}
		if prev >= 0 {
			if mk := markerRe.FindStringSubmatch(strings.TrimSpace(lines[prev])); mk != nil {
				switch {
				case mk[1] == "run":
					s.action = "run"
				case mk[2] != "":
					s.action, s.arg = "file", mk[2]
				default:
					s.action, s.arg = "skip", mk[3]
				}
			}
		}
		i = j
		if s.action == "" {
			if checked[s.lang] {
				errs = append(errs, fmt.Sprintf("%s:%d: %s block without a <!-- doctest: run|file=PATH|skip REASON --> marker", doc, s.line, s.lang))
			}
			continue
		}
		if s.action == "run" && !checked[s.lang] || s.action == "run" && (s.lang == "hcl" || s.lang == "terraform") {
			errs = append(errs, fmt.Sprintf("%s:%d: only sh blocks can be run; write %s blocks to a file", doc, s.line, s.lang))
		}
		out = append(out, s)
	}
	if len(errs) > 0 {
		return out, errors.New(strings.Join(errs, "\n"))
	}
	return out, nil
}

// script turns the runnable snippets into one bash script that records which
// snippet it is in before running it.
func script(prelude string, snips []snippet) string {
	var b strings.Builder
	b.WriteString("set -eo pipefail\n")
	b.WriteString("__doctest_at() { printf '%s\\n' \"$1\" >\"$DOCTEST_PROGRESS\"; echo \"=== snippet $1\"; }\n")
	if prelude != "" {
		b.WriteString("__doctest_at setup\n" + prelude)
	}
	for i, s := range snips {
		switch s.action {
		case "run":
			fmt.Fprintf(&b, "__doctest_at %d\n%s", i, s.body)
		case "file":
			fmt.Fprintf(&b, "__doctest_at %d\nmkdir -p \"$(dirname %q)\"\ncat >%q <<'__DOCTEST_EOF'\n%s__DOCTEST_EOF\n", i, s.arg, s.arg, s.body)
		}
	}
	b.WriteString("__doctest_at done\n")
	return b.String()
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// freshCopy copies the repository's files (tracked and untracked, not ignored),
// as a fresh clone of the working tree would have them.
func freshCopy(t *testing.T, root string) string {
	t.Helper()
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	dst := t.TempDir()
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		raw, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue // deleted in the working tree
			}
			t.Fatal(err)
		}
		info, _ := os.Stat(filepath.Join(root, f))
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, f), raw, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// cleanEnv is the test's environment without anything that would point the
// snippets at another provider, tenant or CLI config.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "ARM_") || strings.HasPrefix(k, "ENTRATAP_") || strings.HasPrefix(k, "TF_") ||
			strings.HasPrefix(k, "AZURE_") || k == "SSL_CERT_FILE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "CHECKPOINT_DISABLE=1")
}

// cliShimDir holds a link named terraform to the CLI when that is not the
// terraform on PATH; it goes first on the snippets' PATH.
var cliShimDir string

// shim makes a directory holding a link named terraform to cli, so that the
// snippets' terraform runs it, as an OpenTofu reader types tofu for terraform.
func shim(t *testing.T, cli string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Symlink(cli, filepath.Join(dir, "terraform")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// homeEnv points HOME at a new temporary directory (tfcli.HomeEnv), so that
// make install and terraform init write nothing outside the test's directories.
func homeEnv(t *testing.T, env []string) []string {
	t.Helper()
	out, err := tfcli.HomeEnv(context.Background(), env, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// pathFirst puts dir at the front of env's PATH (no change for "").
func pathFirst(env []string, dir string) []string {
	if dir == "" {
		return env
	}
	out := make([]string, 0, len(env)+1)
	path := dir
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = dir + string(os.PathListSeparator) + v
			continue
		}
		out = append(out, kv)
	}
	return append(out, "PATH="+path)
}

func TestDocs(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC not set: the doc snippets run Terraform (make test sets it)")
	}
	tf, err := tfcli.FindPath()
	if err != nil {
		t.Skip(err)
	}
	// The snippets say terraform; with OpenTofu (or TF_ACC_TERRAFORM_PATH)
	// that name runs it, as an OpenTofu reader types tofu for terraform.
	if onPath, _ := exec.LookPath("terraform"); onPath != tf {
		cliShimDir = shim(t, tf)
		t.Logf("the snippets' terraform runs %s", tf)
	}
	root := repoRoot(t)
	guides, _ := filepath.Glob(filepath.Join(root, "docs/guides/*.md"))
	listed := map[string]bool{}
	for _, d := range documents {
		listed[d] = true
	}
	for _, g := range guides {
		if rel, _ := filepath.Rel(root, g); !listed[rel] {
			t.Errorf("%s is not in doctest's reader order (documents)", rel)
		}
	}
	var run, skipped int
	var summary, summaryDocs []string
	failed := map[string]bool{}
	var mu sync.Mutex
	// Each document starts from a fresh copy with its own mock, so documents
	// run side by side; the snippets of one document run in reader order.
	t.Run("documents", func(t *testing.T) {
		for _, doc := range documents {
			raw, err := os.ReadFile(filepath.Join(root, doc))
			if err != nil {
				t.Fatal(err)
			}
			snips, err := parse(doc, string(raw))
			if err != nil {
				t.Error(err)
				continue
			}
			r, s := 0, 0
			for _, sn := range snips {
				if sn.action == "skip" {
					s++
					t.Logf("skip %s: %s", sn.name(), sn.arg)
				} else {
					r++
				}
			}
			run, skipped = run+r, skipped+s
			summary = append(summary, fmt.Sprintf("%s: run %d, skipped %d", doc, r, s))
			summaryDocs = append(summaryDocs, doc)
			if r == 0 {
				continue
			}
			prelude := guideSetup
			if selfSetup[doc] {
				prelude = ""
			}
			t.Run(doc, func(t *testing.T) {
				t.Parallel()
				runDocument(t, root, prelude, snips, cliShimDir)
				if t.Failed() {
					mu.Lock()
					failed[doc] = true
					mu.Unlock()
				}
			})
		}
	})
	for i, doc := range summaryDocs {
		if failed[doc] {
			summary[i] += " (FAILED)"
		}
	}
	t.Logf("doc snippets: run %d, skipped %d\n  %s", run, skipped, strings.Join(summary, "\n  "))
	fmt.Printf("doctest: snippets run %d, skipped %d\n", run, skipped)
}

// runDocument runs a document's snippets in a fresh copy of the repository,
// with HOME at a temporary directory and, first on PATH, shimDir ("" for none).
func runDocument(t *testing.T, root, prelude string, snips []snippet, shimDir string) {
	dir := freshCopy(t, root)
	progress := filepath.Join(t.TempDir(), "progress")
	logPath := filepath.Join(t.TempDir(), "output")
	scriptPath := filepath.Join(t.TempDir(), "script.sh")
	if err := os.WriteFile(scriptPath, []byte(script(prelude, snips)), 0o600); err != nil {
		t.Fatal(err)
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = logFile.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := exec.Command("bash", "--noprofile", "--norc", scriptPath)
	cmd.Dir = dir
	cmd.Env = append(homeEnv(t, pathFirst(cleanEnv(), shimDir)), "DOCTEST_PROGRESS="+progress)
	// A file, not a pipe: a background mock keeps no pipe open that Wait would wait on.
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its own group: the mocks it starts end with it
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := cmd.Process.Pid
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var runErr error
	select {
	case runErr = <-done:
	case <-ctx.Done():
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		runErr = fmt.Errorf("timed out: %w", <-done)
	}
	// Stop whatever the document left running (a mock started with &): SIGTERM lets it remove its env file.
	_ = syscall.Kill(-pgid, syscall.SIGTERM)

	at, _ := os.ReadFile(progress)
	where := strings.TrimSpace(string(at))
	if runErr == nil && where == "done" {
		return
	}
	name := "the setup (make dev, start the mock)"
	var n int
	if _, err := fmt.Sscanf(where, "%d", &n); err == nil && n < len(snips) {
		name = snips[n].name()
	}
	t.Errorf("snippet %s failed: %v\n%s", name, runErr, tail(logPath, 40))
}

func tail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer func() { _ = f.Close() }()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return "    " + strings.Join(lines, "\n    ")
}
