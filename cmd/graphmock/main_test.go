package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test; lineDone (when
// made by newSyncBuffer) is closed once it holds a whole line.
type syncBuffer struct {
	mu       sync.Mutex
	b        bytes.Buffer
	lineOnce sync.Once
	lineDone chan struct{}
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{lineDone: make(chan struct{})} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.b.Write(p)
	if s.lineDone != nil && bytes.IndexByte(s.b.Bytes(), '\n') >= 0 {
		s.lineOnce.Do(func() { close(s.lineDone) })
	}
	return n, err
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// started runs the command until the test ends and returns its ready line's fields.
func started(t *testing.T, args ...string) (fields map[string]string, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := newSyncBuffer(), newSyncBuffer()
	code := make(chan int, 1)
	go func() { code <- run(ctx, args, stdout, stderr) }()
	var once sync.Once
	exit := -1
	stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case exit = <-code:
			case <-time.After(10 * time.Second):
				t.Error("graphmock did not stop")
			}
		})
		return exit
	}
	select {
	case <-stdout.lineDone:
	case c := <-code:
		t.Fatalf("graphmock exited with %d: %s", c, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatalf("no ready line; stderr: %s", stderr.String())
	}
	line, _, _ := strings.Cut(stdout.String(), "\n")
	if !strings.HasPrefix(line, "graphmock ready ") {
		t.Fatalf("first line: %q", line)
	}
	fields = map[string]string{}
	for _, f := range strings.Fields(line)[2:] {
		k, v, _ := strings.Cut(f, "=")
		fields[k] = v
	}
	t.Cleanup(func() { stop() })
	return fields, stop
}

// mockClient is the graphmock.Client the env file describes.
func mockClient(t *testing.T, envFile string) *graphmock.Client {
	t.Helper()
	c, err := graphmock.NewClientFromEnvFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func client(t *testing.T, caFile string) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig.RootCAs = pool
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func TestCommand_ReadyEnvStateAndShutdown(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	envFile, state := filepath.Join(dir, "env"), filepath.Join(dir, "state.json")
	fields, stop := started(t, "--env-file", envFile, "--state", state, "--fault-latency-ms", "1", "--fault-retry-after", "0")
	if !strings.HasPrefix(fields["graph"], "https://127.0.0.1:") || fields["authority"] != fields["graph"] || fields["mock"] != fields["graph"]+"/_mock" {
		t.Fatalf("ready line fields: %v", fields)
	}
	mc := mockClient(t, envFile)
	env := mc.Env
	if env["ARM_TENANT_ID"] != graphmock.TenantID || env["ARM_CLIENT_ID"] != graphmock.AdminClientID || env["ARM_CLIENT_SECRET"] != graphmock.AdminClientSecret ||
		env["ENTRATAP_GRAPH_ENDPOINT"] != fields["graph"] || env["ENTRATAP_AUTHORITY_HOST"] != fields["graph"] || env["ENTRATAP_MOCK_URL"] != fields["mock"] || env["SSL_CERT_FILE"] == "" {
		t.Fatalf("env file: %v", env)
	}
	ctx := context.Background()
	faults, err := mc.Faults(ctx)
	if err != nil || faults.LatencyMs != 1 || faults.RetryAfterSeconds == nil || *faults.RetryAfterSeconds != 0 || faults.Rate != 0 {
		t.Fatalf("fault flags: %+v %v", faults, err)
	}
	if _, err := mc.AddUser(ctx, graphmock.NewUser{UserPrincipalName: "dave@contoso.example"}); err != nil {
		t.Fatalf("add user: %v", err)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit code %d", code)
	}

	// Restarted on the same state: dave is still there.
	started(t, "--state", state, "--env-file", envFile)
	st, err := mockClient(t, envFile).State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, u := range st.Users {
		found = found || u.UserPrincipalName == "dave@contoso.example"
	}
	if !found {
		t.Fatalf("state lost across restart: %+v", st.Users)
	}
}

func TestCommand_Errors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "state.json")
	if err := os.WriteFile(bad, []byte("{broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr syncBuffer
	if code := run(context.Background(), []string{"--state", bad}, &stdout, &stderr); code == 0 || !strings.Contains(stderr.String(), bad) {
		t.Fatalf("unreadable state: exit %d, stderr %q", code, stderr.String())
	}
	if got, _ := os.ReadFile(bad); string(got) != "{broken" {
		t.Fatal("the unreadable state file was changed")
	}
	if stdout.String() != "" {
		t.Fatalf("printed %q", stdout.String())
	}
	for _, args := range [][]string{
		{"--no-such-flag"},
		{"--fault-rate", "2"},
		{"--fault-rate", "0.5", "--fault-statuses", "404"},
		{"--fault-retry-after", "soon"},
		{"--policy-scope", "sometimes"},
		{"extra-arg"},
	} {
		if code := run(context.Background(), args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d", args, code)
		}
	}
	seed := filepath.Join(dir, "seed.json")
	_ = os.WriteFile(seed, []byte(`{"tenantId":"t","unknown":1}`), 0o600)
	if code := run(context.Background(), []string{"--seed", seed}, &stdout, &stderr); code != 1 {
		t.Errorf("bad seed: exit %d", code)
	}
}

func TestCommand_Seed(t *testing.T) {
	t.Parallel()
	var out, errOut syncBuffer
	if code := run(context.Background(), []string{"--print-default-seed"}, &out, &errOut); code != 0 {
		t.Fatalf("--print-default-seed: %d %s", code, errOut.String())
	}
	var seed graphmock.Seed
	if err := json.Unmarshal([]byte(out.String()), &seed); err != nil || seed.TenantID != graphmock.TenantID {
		t.Fatalf("printed seed: %v", err)
	}
	seed.Domain = "fabrikam.example"
	raw, _ := json.Marshal(seed)
	path := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	fields, _ := started(t, "--seed", path, "--ca-file", ca)
	c := client(t, ca)
	for domain, want := range map[string]int{"fabrikam.example": 200, "contoso.example": 400} {
		resp, err := c.Get(fields["authority"] + "/" + domain + "/v2.0/.well-known/openid-configuration")
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", domain, resp.StatusCode, want)
		}
	}
}

// A stale env file (a mock killed earlier) is replaced at start, and a clean
// stop removes the file, so `until [ -s FILE ]` never finds a dead port.
func TestCommand_EnvFileLifecycle(t *testing.T) {
	t.Parallel()
	envFile := filepath.Join(t.TempDir(), ".mock.env")
	if err := os.WriteFile(envFile, []byte("export ENTRATAP_MOCK_URL='https://127.0.0.1:1/_mock'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fields, stop := started(t, "--env-file", envFile)
	env, err := graphmock.ReadEnvFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	if env["ENTRATAP_MOCK_URL"] != fields["mock"] {
		t.Fatalf("env file names %s, the mock is at %s", env["ENTRATAP_MOCK_URL"], fields["mock"])
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	if _, err := os.Stat(envFile); !os.IsNotExist(err) {
		t.Fatalf("env file left after a clean stop: %v", err)
	}
}

func TestCommand_HelpListsEveryFlag(t *testing.T) {
	t.Parallel()
	var stdout, stderr syncBuffer
	if code := run(context.Background(), []string{"--help"}, &stdout, &stderr); code != 2 {
		t.Fatalf("exit %d", code)
	}
	for _, f := range []string{"addr", "env-file", "state", "seed", "ca-file", "token-lifetime", "verbose", "print-default-seed",
		"fault-rate", "fault-statuses", "fault-retry-after", "fault-latency-ms", "fault-replication-lag-reads", "fault-drop-after-commit-rate", "fault-seed"} {
		if !strings.Contains(stderr.String(), "-"+f+" ") && !strings.Contains(stderr.String(), "-"+f+"\n") {
			t.Errorf("--help lacks -%s", f)
		}
	}
}

func TestCommand_PolicyScopeFlags(t *testing.T) {
	t.Parallel()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	fields, _ := started(t, "--ca-file", ca, "--policy-scope", "allow", "--policy-replication-seconds", "30")
	resp, err := client(t, ca).Get(fields["mock"] + "/settings")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got graphmock.Settings
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.PolicyScope != graphmock.PolicyScopeAllow || got.PolicyReplicationSeconds != 30 {
		t.Fatalf("settings %+v", got)
	}
}

// Issue 26 item 11: --addr beyond loopback needs --allow-remote, and then a control secret:
// given, or generated into the env file, which the Client then sends.
func TestCommand_RemoteNeedsSecret(t *testing.T) {
	t.Parallel()
	for args, want := range map[string]string{
		"--addr 0.0.0.0:0":                           "not loopback",
		"--addr 0.0.0.0:0 --allow-remote":            "--control-secret, or --env-file",
		"--addr 127.0.0.1:0 --control-secret s3cret": "needs --allow-remote",
	} {
		var stdout, stderr syncBuffer
		if code := run(context.Background(), strings.Fields(args), &stdout, &stderr); code == 0 || !strings.Contains(stderr.String(), want) {
			t.Errorf("%s: exit %d, stderr %q, want it to say %q", args, code, stderr.String(), want)
		}
		if stdout.String() != "" {
			t.Errorf("%s: printed %q", args, stdout.String())
		}
	}

	// Allowed (on loopback here, so that the test listens nowhere else): a secret is generated.
	envFile := filepath.Join(t.TempDir(), "env")
	fields, _ := started(t, "--allow-remote", "--env-file", envFile)
	mc := mockClient(t, envFile)
	if len(mc.ControlSecret) < 20 {
		t.Fatalf("generated control secret %q", mc.ControlSecret)
	}
	ctx := context.Background()
	if _, err := mc.State(ctx); err != nil {
		t.Fatalf("a control with the secret: %v", err)
	}
	resp, err := client(t, mc.Env["SSL_CERT_FILE"]).Get(fields["mock"] + "/token?user=alice@contoso.example")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a token without the secret: HTTP %d", resp.StatusCode)
	}
}
