package graphmock

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestPolicyScope(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	create := func(user string) response {
		t.Helper()
		return do(t, c, "POST", s.URL+"/v1.0/users/"+user+"/authentication/temporaryAccessPassMethods", admin, map[string]any{})
	}
	refused := func(r response) {
		t.Helper()
		checkGraphError(t, r, http.StatusBadRequest, codeBadRequest)
		if msg := r.json["error"].(map[string]any)["message"]; msg != msgPolicyScope {
			t.Fatalf("message %q", msg)
		}
	}

	// The default: refuse under a disabled policy, and for a user outside the targets.
	if got := s.Settings(); got.PolicyScope != PolicyScopeRefuse || got.PolicyReplicationSeconds != 0 {
		t.Fatalf("default settings %+v", got)
	}
	refused(create(AliceUPN))
	enablePolicy(t, s.Mock, map[string]any{"includeTargets": []any{map[string]any{"id": OnboardingGroupID, "targetType": "group"}}})
	if r := create(AliceUPN); r.status != http.StatusCreated {
		t.Fatalf("alice, targeted: %d %s", r.status, r.raw)
	}
	refused(create(BobUPN))
	enablePolicy(t, s.Mock, map[string]any{"excludeTargets": []any{map[string]any{"id": AliceID, "targetType": "user"}}})
	refused(create(AliceUPN))

	// allow through the control: created, unusable.
	r := do(t, c, "POST", s.URL+"/_mock/settings", "", `{"policyScope":"allow"}`)
	if r.status != 200 || r.json["policyScope"] != PolicyScopeAllow {
		t.Fatalf("settings: %d %s", r.status, r.raw)
	}
	if r := create(BobUPN); r.status != http.StatusCreated || r.json["methodUsabilityReason"] != reasonDisabled {
		t.Fatalf("bob under allow: %d %s", r.status, r.raw)
	}
	checkGraphError(t, do(t, c, "POST", s.URL+"/_mock/settings", "", `{"policyScope":"maybe"}`), 400, codeBadRequest)
	checkGraphError(t, do(t, c, "POST", s.URL+"/_mock/settings", "", `{"policyScopes":"allow"}`), 400, codeBadRequest)
	if r := do(t, c, "GET", s.URL+"/_mock/settings", "", nil); r.json["policyScope"] != PolicyScopeAllow {
		t.Fatalf("GET settings: %s", r.raw)
	}

	// Reset restores the seed's setting (refuse).
	s.Reset()
	if s.Settings().PolicyScope != PolicyScopeRefuse {
		t.Fatal("reset kept the setting")
	}
}

func TestPolicyScope_ReplicationWindow(t *testing.T) {
	t.Parallel()
	seed := DefaultSeed()
	seed.PolicyReplicationSeconds = 60
	s := startServer(t, Options{Seed: &seed})
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	create := func(user string) int {
		t.Helper()
		return do(t, c, "POST", s.URL+"/v1.0/users/"+user+"/authentication/temporaryAccessPassMethods", admin, map[string]any{}).status
	}

	enablePolicy(t, s.Mock, nil)
	if st := create(AliceUPN); st != http.StatusBadRequest {
		t.Fatalf("right after enabling: %d", st)
	}
	s.AdvanceClock(59 * time.Second)
	if st := create(AliceUPN); st != http.StatusBadRequest {
		t.Fatalf("59 s after enabling: %d", st)
	}
	s.AdvanceClock(2 * time.Second)
	if st := create(AliceUPN); st != http.StatusCreated {
		t.Fatalf("after the window: %d", st)
	}
	// A PATCH that changes neither state nor targets starts no window.
	if st, raw := s.GraphRequest("PATCH", policyPath, map[string]any{"@odata.type": policyODataType, "defaultLength": 12}); st != 204 {
		t.Fatalf("patch: %d %s", st, raw)
	}
	if st := create(BobUPN); st != http.StatusCreated {
		t.Fatalf("after an unrelated change: %d", st)
	}

	// A user who joins a group: refused for the window, on the tenant clock.
	u, err := s.AddUser(NewUser{UserPrincipalName: "new@" + Domain, Groups: []string{OnboardingGroupID}})
	if err != nil {
		t.Fatal(err)
	}
	if st := create(u.ID); st != http.StatusBadRequest {
		t.Fatalf("right after joining: %d", st)
	}
	s.AdvanceClock(61 * time.Second)
	if st := create(u.ID); st != http.StatusCreated {
		t.Fatalf("after the window: %d", st)
	}

	// An existing user who joins a group through the control: the same.
	if r := do(t, c, "POST", s.URL+"/_mock/groups/"+OnboardingGroupID+"/members", "", `{"id":"carol@contoso.example"}`); r.status != http.StatusNoContent {
		t.Fatalf("join: %d %s", r.status, r.raw)
	}
	if st := create(CarolUPN); st != http.StatusBadRequest {
		t.Fatalf("right after carol joined: %d", st)
	}
	s.AdvanceClock(61 * time.Second)
	if st := create(CarolUPN); st != http.StatusCreated {
		t.Fatalf("carol after the window: %d", st)
	}
	checkGraphError(t, do(t, c, "POST", s.URL+"/_mock/groups/"+OnboardingGroupID+"/members", "", `{"id":"nobody@contoso.example"}`), 404, codeNotFound)

	// Under allow there is no window.
	s.SetSettings(Settings{PolicyScope: PolicyScopeAllow, PolicyReplicationSeconds: 60})
	enablePolicy(t, s.Mock, map[string]any{"includeTargets": []any{map[string]any{"id": OnboardingGroupID, "targetType": "group"}}})
	if st := create(AliceUPN); st != http.StatusCreated {
		t.Fatalf("allow: %d", st)
	}
}

func TestSettingsValidate(t *testing.T) {
	t.Parallel()
	for _, bad := range []Settings{{PolicyScope: "Allow"}, {PolicyReplicationSeconds: -1}, {PolicyReplicationSeconds: 1e9}} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	seed := DefaultSeed()
	seed.PolicyScope = "sometimes"
	if _, err := New(Options{Seed: &seed}); err == nil || !strings.Contains(err.Error(), "policyScope") {
		t.Fatalf("bad seed: %v", err)
	}
}
