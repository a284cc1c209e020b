package graphmock

import (
	"strings"
	"testing"
	"time"
)

func TestControls_ResetAndSeed(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	enablePolicy(t, s.Mock, nil)
	if st, raw := s.GraphRequest("POST", "/users/"+AliceUPN+"/authentication/temporaryAccessPassMethods", map[string]any{}); st != 201 {
		t.Fatalf("create: %d %s", st, raw)
	}
	s.AdvanceClock(48 * time.Hour)
	if r := do(t, c, "POST", s.URL+"/_mock/faults", "", map[string]any{"latencyMs": 1}); r.status != 200 {
		t.Fatalf("faults: %d %s", r.status, r.raw)
	}

	if r := do(t, c, "POST", s.URL+"/_mock/reset", "", nil); r.status != 200 {
		t.Fatalf("reset: %d %s", r.status, r.raw)
	}
	snap := s.Snapshot()
	if len(snap.Passes) != 0 || snap.Policy.State != "disabled" {
		t.Fatalf("after reset: passes %+v, policy %s", snap.Passes, snap.Policy.State)
	}
	// The clock is back at wall time: far from the 48 hours it was moved.
	if d := time.Until(s.Now()); d > time.Hour || d < -time.Hour {
		t.Fatalf("clock after reset is %v off wall time", d)
	}
	if f := s.Faults(); f.LatencyMs != 0 {
		t.Fatalf("faults after reset: %+v", f)
	}
	// Only the reset itself is logged after the reset.
	if got := s.Requests(); len(got) != 1 || got[0].Path != "/_mock/reset" {
		t.Fatalf("request log after reset: %+v", got)
	}

	r := do(t, c, "GET", s.URL+"/_mock/seed", "", nil)
	if r.status != 200 || r.json["tenantId"] != TenantID {
		t.Fatalf("seed: %d %s", r.status, r.raw)
	}
	for _, want := range []string{OnboardingGroupID, AdminClientID, AdminClientSecret, ReadOnlyClientID, ReadOnlyClientSecret, AliceUPN, CertificatePassword, GitHubRequestToken, IdentityHeader} {
		if !strings.Contains(string(r.raw), want) {
			t.Errorf("GET /_mock/seed lacks %s", want)
		}
		if !strings.Contains(s.SeedInfo().String(), want) {
			t.Errorf("the start summary lacks %s", want)
		}
	}
	if r := do(t, c, "GET", s.URL+"/_mock", "", nil); !strings.Contains(string(r.raw), "POST /_mock/reset") || !strings.Contains(string(r.raw), "GET /_mock/seed") {
		t.Fatalf("index: %s", r.raw)
	}
}
