package bench

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestNormalizePath(t *testing.T) {
	for in, want := range map[string]string{
		"/v1.0/users/5c2ffd63-2ae6-4344-aa26-96a8064e27f3":                                                                                "/v1.0/users/{id}",
		"/v1.0/users/bench0001@contoso.example/authentication/temporaryAccessPassMethods":                                                 "/v1.0/users/{id}/authentication/temporaryAccessPassMethods",
		"/v1.0/users/5C2FFD63-2AE6-4344-AA26-96A8064E27F3/authentication/temporaryAccessPassMethods/42df3ea3-b6b0-45b1-94d4-de4338ce9211": "/v1.0/users/{id}/authentication/temporaryAccessPassMethods/{id}",
		"/7e4a4700-c0de-4000-8000-00000000e1d0/oauth2/v2.0/token":                                                                         "/{tenant}/oauth2/v2.0/token",
		"/_mock/users": "/_mock/users",
	} {
		if got := normalizePath(in); got != want {
			t.Errorf("normalizePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseVmHWM(t *testing.T) {
	status := "Name:\tterraform-provi\nVmPeak:\t 1300000 kB\nVmHWM:\t   45678 kB\nVmRSS:\t   40000 kB\n"
	if kb, ok := parseVmHWM([]byte(status)); !ok || kb != 45678 {
		t.Errorf("parseVmHWM = %d, %t; want 45678, true", kb, ok)
	}
	if _, ok := parseVmHWM([]byte("Name:\tkthreadd\n")); ok {
		t.Error("parseVmHWM found a VmHWM in a status without one")
	}
}

func TestParseStatCPU(t *testing.T) {
	stat := "4242 (terraform-pro vider) S 1 4242 4242 0 -1 4194560 900 0 0 0 150 25 0 0 20 0 12 0 3000 1300000000 12000\n"
	if d, ok := parseStatCPU([]byte(stat)); !ok || d != 1750*time.Millisecond {
		t.Errorf("parseStatCPU = %v, %t; want 1.75s, true", d, ok)
	}
}

// The sampler finds a process by its executable and reads its peak RSS.
func TestSampler(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	sys, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep")
	}
	// A copy of its own, so that nobody else's sleep counts.
	raw, err := os.ReadFile(sys)
	if err != nil {
		t.Fatal(err)
	}
	sleep, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sleep = filepath.Join(sleep, "bench-sleep")
	if err := os.WriteFile(sleep, raw, 0o755); err != nil {
		t.Fatal(err)
	}
	s := startSampler(map[string]string{"sleep": sleep})
	if err := exec.Command(sleep, "0.3").Run(); err != nil {
		t.Fatal(err)
	}
	procs := s.stop()
	if len(procs) != 1 || procs[0].exe != sleep || procs[0].hwmKB <= 0 {
		t.Fatalf("sampler saw %+v, want one %s with a VmHWM", procs, sleep)
	}
}

func TestStateIDs(t *testing.T) {
	dir := t.TempDir()
	if ids, err := stateIDs(dir, targetPass); err != nil || len(ids) != 0 {
		t.Fatalf("no state: got %v, %v", ids, err)
	}
	state := `{"version":4,"resources":[
	  {"mode":"managed","type":"entratap_pass","name":"p","instances":[{"attributes":{"id":"a"}},{"attributes":{"id":"b"}}]},
	  {"mode":"data","type":"entratap_pass","name":"d","instances":[{"attributes":{"id":"c"}}]},
	  {"mode":"managed","type":"terraform_data","name":"t","instances":[{"attributes":{"id":"d"}}]}]}`
	if err := os.WriteFile(filepath.Join(dir, "terraform.tfstate"), []byte(state), 0o644); err != nil {
		t.Fatal(err)
	}
	ids, err := stateIDs(dir, targetPass)
	if err != nil || strings.Join(ids, ",") != "a,b" {
		t.Fatalf("stateIDs = %v, %v; want [a b]", ids, err)
	}
}

func TestDevOverrides(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terraformrc")
	if err := writeCLIConfig(path, map[string]string{targetPass: "/x/entratap/terraform-provider-entratap", targetNoop: "/x/noop/terraform-provider-noop",
		targetNoopPass: "/x/nooppass/terraform-provider-nooppass"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	// tfcli aligns the = signs; the test checks the pairs.
	for _, want := range []string{`"registry.terraform.io/entratap/entratap" += "/x/entratap"`, `"registry.terraform.io/entratap/noop" += "/x/noop"`,
		`"registry.terraform.io/entratap/nooppass" += "/x/nooppass"`} {
		if !regexp.MustCompile(want).MatchString(got) {
			t.Errorf("dev overrides lack %s:\n%s", want, got)
		}
	}
}
