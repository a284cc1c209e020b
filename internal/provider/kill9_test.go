//go:build linux

package provider

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
	"github.com/entratap/terraform-provider-entratap/internal/tfcli"
)

const (
	kill9Users   = 50
	kill9Healthy = 25 // passes the first apply records
)

// kill9Env is a built provider, a mock with kill9Users users, and a working directory.
type kill9Env struct {
	t    *testing.T
	m    *graphmock.Server
	work string
	env  []string
}

func newKill9Env(t *testing.T, bin string) *kill9Env {
	m := newMock(t)
	for i := 0; i < kill9Users; i++ {
		if _, err := m.AddUser(graphmock.NewUser{UserPrincipalName: kill9UPN(i)}); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	rc := filepath.Join(dir, "dev.tfrc")
	if err := tfcli.WriteDevOverrides(rc, bin); err != nil {
		t.Fatal(err)
	}
	return &kill9Env{t: t, m: m, work: dir, env: append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")}
}

func kill9UPN(i int) string { return fmt.Sprintf("k9user%02d@%s", i, graphmock.Domain) }

// config writes main.tf with one entratap_pass per user of the first n.
func (e *kill9Env) config(n int) {
	var users []string
	for i := 0; i < n; i++ {
		users = append(users, strconv.Quote(kill9UPN(i)))
	}
	tf := `terraform {
  required_providers {
    entratap = { source = "entratap/entratap" }
  }
}
` + providerBlock(e.m) + `
resource "entratap_pass" "p" {
  for_each = toset([` + strings.Join(users, ", ") + `])
  user_id  = each.value
}
`
	if err := os.WriteFile(filepath.Join(e.work, "main.tf"), []byte(tf), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

func (e *kill9Env) cmd(args ...string) *exec.Cmd {
	c := exec.Command(testCLI.Path, args...)
	c.Dir = e.work
	c.Env = e.env
	return c
}

// run runs the CLI to its end and returns its output and whether it succeeded.
func (e *kill9Env) run(args ...string) (string, bool) {
	out, err := e.cmd(args...).CombinedOutput()
	return string(out), err == nil
}

// statePasses maps each entratap_pass address in the state to its pass id.
func (e *kill9Env) statePasses() map[string]string {
	out, ok := e.run("show", "-json")
	if !ok {
		e.t.Fatalf("show -json: %s", out)
	}
	var st tfjson.State
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		e.t.Fatalf("show -json: %v\n%s", err, out)
	}
	got := map[string]string{}
	if st.Values == nil || st.Values.RootModule == nil {
		return got
	}
	for _, r := range st.Values.RootModule.Resources {
		if r.Type != "entratap_pass" {
			continue
		}
		id, _ := r.AttributeValues["id"].(string)
		got[r.Address] = id
	}
	return got
}

// tenantPasses maps each pass id in the mock to its user's id.
func (e *kill9Env) tenantPasses() map[string]string {
	got := map[string]string{}
	for _, p := range e.m.Snapshot().Passes {
		got[p.ID] = p.UserID
	}
	return got
}

// childProviders returns the provider processes terraform started.
func childProviders(pid int) []int {
	var kids []int
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, s := range strings.Fields(string(b)) {
			k, err := strconv.Atoi(s)
			if err != nil {
				continue
			}
			if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", k)); err == nil && strings.HasPrefix(string(comm), "terraform-provi") {
				kids = append(kids, k)
			}
		}
	}
	return kids
}

// alive reports whether pid runs (a zombie has exited: only its parent's wait is missing).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z' && s[i+2] != 'X'
	}
	return true
}

// exited waits until pid has ended, at most d: a pidfd (Linux 5.3+) becomes readable when
// its process terminates, so nothing polls. A process already gone has ended.
func exited(pid int, d time.Duration) bool {
	const sysPidfdOpen = 434 // the same number on every Linux architecture
	fd, _, errno := syscall.Syscall(sysPidfdOpen, uintptr(pid), 0, 0)
	if errno != 0 {
		return !alive(pid)
	}
	defer func() { _ = syscall.Close(int(fd)) }()
	var set syscall.FdSet
	set.Bits[fd/64] |= 1 << (fd % 64)
	tv := syscall.NsecToTimeval(d.Nanoseconds())
	n, err := syscall.Select(int(fd)+1, &set, nil, nil, &tv)
	return (err == nil && n > 0) || !alive(pid)
}

var importLine = regexp.MustCompile(`terraform import 'ADDRESS' (\S+/\S+)`)

// TestAccKill9 kills Terraform (or the provider) with SIGKILL in the middle of an apply of
// 50 passes while the mock holds the answers of creates it has committed, then follows the
// recovery the provider's error gives: the next apply names each orphan with an import
// line, the imports adopt them, and an apply converges to a state equal to the tenant
// without replacing a pass that was healthy.
func TestAccKill9(t *testing.T) {
	t.Parallel()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	bin := providerBinary(t)
	for _, victim := range []string{"terraform", "provider"} {
		t.Run(victim, func(t *testing.T) {
			t.Parallel() // each has its own mock and working directory
			testKill9(t, bin, victim)
		})
	}
}

func testKill9(t *testing.T, bin, victim string) {
	e := newKill9Env(t, bin)
	if out, ok := e.run("init", "-input=false"); !ok {
		t.Fatalf("init: %s", out)
	}
	e.config(kill9Healthy)
	if out, ok := e.run("apply", "-auto-approve", "-input=false"); !ok {
		t.Fatalf("first apply: %s", out)
	}
	healthy := e.statePasses()
	if len(healthy) != kill9Healthy {
		t.Fatalf("first apply recorded %d passes, want %d", len(healthy), kill9Healthy)
	}

	// Every create from now on commits and then waits, unanswered, until its client is gone.
	e.m.SetFaults(graphmock.Faults{HoldAfterCommitMs: 600000})
	e.config(kill9Users)
	apply := e.cmd("apply", "-auto-approve", "-input=false", "-parallelism=10")
	var applyOut bytes.Buffer
	apply.Stdout, apply.Stderr = &applyOut, &applyOut
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	applyDone := make(chan error, 1)
	go func() { applyDone <- apply.Wait() }()
	// Ten creates (the parallelism) committed and held: the mock holds 35 passes.
	deadline := time.After(time.Minute)
	for held := 0; held < 10; held++ {
		select {
		case <-e.m.HeldAfterCommit():
		case err := <-applyDone:
			t.Fatalf("apply ended (%v) before ten creates were held:\n%s", err, applyOut.String())
		case <-deadline:
			_ = apply.Process.Kill()
			t.Fatalf("creates never reached the mock (%d held, %d passes):\n%s", held, len(e.tenantPasses()), applyOut.String())
		}
	}
	providers := childProviders(apply.Process.Pid)
	if len(providers) == 0 {
		_ = apply.Process.Kill()
		t.Fatal("no provider process under terraform")
	}
	switch victim {
	case "terraform":
		if err := apply.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		if err := <-applyDone; err == nil {
			t.Fatal("terraform ended well after SIGKILL")
		}
		// Nothing else ends the provider (main.go watchParent): it must notice its parent is gone.
		for _, pid := range providers {
			if !exited(pid, 30*time.Second) {
				_ = syscall.Kill(pid, syscall.SIGKILL)
				t.Errorf("provider %d still runs after terraform was killed", pid)
			}
		}
	case "provider":
		for _, pid := range providers {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		if err := <-applyDone; err == nil {
			t.Fatalf("apply succeeded with its provider killed:\n%s", applyOut.String())
		}
	}
	t.Logf("killed %s (providers %v) with %d passes in the mock", victim, providers, len(e.tenantPasses()))
	e.m.SetFaults(graphmock.Faults{})

	// The local backend's lock is a flock: it went with the killed process.
	before := e.statePasses()
	for addr, id := range healthy {
		if before[addr] != id {
			t.Fatalf("kill lost the healthy pass %s: %q, want %q", addr, before[addr], id)
		}
	}
	tenant := e.tenantPasses()
	var orphans int
	inState := map[string]bool{}
	for _, id := range before {
		inState[id] = true
	}
	for id := range tenant {
		if !inState[id] {
			orphans++
		}
	}
	t.Logf("after the kill: %d passes in state, %d in the tenant, %d orphans", len(before), len(tenant), orphans)
	if orphans == 0 {
		t.Fatal("no orphan: the kill did not land while creates were held")
	}

	// The documented recovery: apply, read the import lines, import, apply.
	out, ok := e.run("apply", "-auto-approve", "-input=false", "-json")
	if ok {
		t.Fatalf("apply after the kill succeeded over %d orphans", orphans)
	}
	imports := map[string]string{} // address -> import id
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var msg struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Severity string `json:"severity"`
				Detail   string `json:"detail"`
				Address  string `json:"address"`
			} `json:"diagnostic"`
		}
		if json.Unmarshal(sc.Bytes(), &msg) != nil || msg.Type != "diagnostic" || msg.Diagnostic.Severity != "error" {
			continue
		}
		d := msg.Diagnostic
		mm := importLine.FindStringSubmatch(d.Detail)
		if mm == nil || d.Address == "" {
			t.Errorf("an error without an import line or address: %s: %s", d.Address, d.Detail)
			continue
		}
		imports[d.Address] = mm[1]
	}
	if len(imports) != orphans {
		t.Fatalf("the apply named %d orphans, want %d:\n%s", len(imports), orphans, out)
	}
	for addr, id := range imports {
		t.Logf("terraform import '%s' %s", addr, id)
		if out, ok := e.run("import", "-input=false", addr, id); !ok {
			t.Fatalf("import %s %s: %s", addr, id, out)
		}
	}
	if out, ok := e.run("apply", "-auto-approve", "-input=false"); !ok {
		t.Fatalf("apply after the imports: %s", out)
	}
	if out, ok := e.run("plan", "-detailed-exitcode", "-input=false"); !ok {
		t.Fatalf("plan after the recovery is not empty: %s", out)
	}

	after := e.statePasses()
	tenant = e.tenantPasses()
	if len(after) != kill9Users || len(tenant) != kill9Users {
		t.Errorf("after the recovery: %d passes in state, %d in the tenant, want %d each", len(after), len(tenant), kill9Users)
	}
	seen := map[string]bool{}
	for addr, id := range after {
		if _, ok := tenant[id]; !ok {
			t.Errorf("%s: pass %s is not in the tenant", addr, id)
		}
		seen[id] = true
	}
	for id, user := range tenant {
		if !seen[id] {
			t.Errorf("pass %s of user %s is in the tenant, not in state", id, user)
		}
	}
	for addr, id := range before {
		if after[addr] != id {
			t.Errorf("healthy pass %s replaced: %s -> %s", addr, id, after[addr])
		}
	}
	for addr, id := range imports {
		if _, pass, _ := strings.Cut(id, "/"); after[addr] != pass {
			t.Errorf("orphan %s replaced after import: %s -> %s", addr, pass, after[addr])
		}
	}
}
