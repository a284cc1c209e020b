package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// env is a getenv over a map: tests never touch the process's environment.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

var defaults = options{maxUsers: 25}

func mockRecord(t *testing.T, getenv func(string) string) *Record {
	t.Helper()
	rec, err := recordTarget(context.Background(), getenv, defaults)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// Two runs against the mock record the same thing: what varies between runs (ids, times,
// codes) is not in the record.
func TestMockAgainstMockHasNoDifference(t *testing.T) {
	t.Parallel()
	a, b := mockRecord(t, env()), mockRecord(t, env())
	if diffs := Compare(a, b); len(diffs) != 0 {
		t.Fatalf("mock against mock: %s", strings.Join(diffs, "\n"))
	}
	want := []string{"token", "policy.read", "policy.write", "pass.create", "pass.read", "pass.list", "pass.delete", "pass.readDeleted",
		"error.lifetimeOutOfRange", "error.pastStart", "error.externalGuest", "error.missingPermission", "error.unknownUser"}
	for i, sc := range a.Scenarios {
		if i >= len(want) || sc.Name != want[i] || sc.Skipped != "" {
			t.Fatalf("scenario %d: %+v, want %s run", i, sc, want[min(i, len(want)-1)])
		}
	}
	for name, status := range map[string]int{"pass.create": 201, "error.lifetimeOutOfRange": 400, "error.pastStart": 400, "error.externalGuest": 400,
		"error.missingPermission": 403, "error.unknownUser": 404} {
		for _, sc := range a.Scenarios {
			if sc.Name == name && sc.Status != status {
				t.Errorf("%s: status %d, want %d", name, sc.Status, status)
			}
		}
	}
	raw, _ := json.Marshal(a)
	for _, secret := range []string{graphmock.AdminClientSecret, graphmock.ReadOnlyClientSecret, graphmock.TenantID, graphmock.AliceID, graphmock.AliceUPN} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the record holds %q", secret)
		}
	}
	if guidPattern.Match(raw) || timePattern.Match(raw) {
		t.Errorf("the record holds an id or a time: %s", raw)
	}
}

// A mock with one rule changed (creates refused for an hour after the policy is enabled:
// the replication-window setting) differs, and the comparison names where.
func TestAlteredMockDifferenceIsNamed(t *testing.T) {
	t.Parallel()
	a := mockRecord(t, env())
	b := mockRecord(t, env(envMockSettings, `{"policyReplicationSeconds":3600}`))
	diffs := Compare(a, b)
	if len(diffs) == 0 || diffs[0] != "pass.create: status: 201 (A) != 400 (B)" {
		t.Fatalf("want the create's status named first, got:\n%s", strings.Join(diffs, "\n"))
	}
	if !strings.Contains(strings.Join(diffs, "\n"), `pass.create: message: none (A) != "Converged UserCredentialPolicy`) {
		t.Fatalf("the refusal's text is not named:\n%s", strings.Join(diffs, "\n"))
	}
}

// The compare command prints every difference and exits 1 when there is any, 0 when none.
func TestCompareCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := &Record{Target: "mock", Scenarios: []*Scenario{{Name: "pass.create", Status: 201, Properties: map[string]string{"id": "string", "lifetimeInMinutes": "integer"}}}}
	b := &Record{Target: "tenant", Scenarios: []*Scenario{{Name: "pass.create", Status: 201, Properties: map[string]string{"id": "string", "lifetimeInMinutes": "string"}},
		{Name: "error.pastStart", Status: 400}}}
	write := func(name string, r *Record) string {
		p := filepath.Join(dir, name)
		raw, _ := json.Marshal(r)
		if err := os.WriteFile(p, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pa, pb := write("a.json", a), write("b.json", b)
	var out, errOut bytes.Buffer
	if rc := run([]string{"compare", pa, pa}, env(), &out, &errOut); rc != 0 || !strings.Contains(out.String(), "no differences") {
		t.Fatalf("same record: rc %d: %s %s", rc, out.String(), errOut.String())
	}
	out.Reset()
	rc := run([]string{"compare", pa, pb}, env(), &out, &errOut)
	for _, want := range []string{"pass.create: property lifetimeInMinutes: integer (A) != string (B)", "error.pastStart: only in B", "2 differences"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("compare output lacks %q:\n%s", want, out.String())
		}
	}
	if rc != 1 {
		t.Fatalf("rc %d, want 1", rc)
	}
}

// A tenant with more users than allowed is refused before anything is written, and a run
// deletes every pass it created.
func TestRunGuardsAndCleansUp(t *testing.T) {
	t.Parallel()
	tg, err := newMockTarget(env())
	if err != nil {
		t.Fatal(err)
	}
	defer tg.close()
	if _, err := record(context.Background(), tg, options{maxUsers: 3}); err == nil || !strings.Contains(err.Error(), "more than 3 users") {
		t.Fatalf("a tenant over the limit: %v", err)
	}
	if n := len(tg.mock.Snapshot().Passes); n != 0 {
		t.Fatalf("the refused run left %d passes", n)
	}
	if _, err := record(context.Background(), tg, defaults); err != nil {
		t.Fatal(err)
	}
	if passes := tg.mock.Snapshot().Passes; len(passes) != 0 {
		t.Fatalf("the run left passes: %+v", passes)
	}
	// A test user who holds a pass is not touched without -replace-existing-pass.
	if st, raw := tg.mock.GraphRequest("POST", "/users/"+graphmock.AliceID+"/authentication/temporaryAccessPassMethods", map[string]any{}); st != 201 {
		t.Fatalf("seed a pass: %d %s", st, raw)
	}
	if _, err := record(context.Background(), tg, defaults); err == nil || !strings.Contains(err.Error(), "-replace-existing-pass") {
		t.Fatalf("an existing pass: %v", err)
	}
}

// A live run needs the app and the test user; it says which variables are missing.
func TestLiveTargetNamesMissingSettings(t *testing.T) {
	t.Parallel()
	_, err := newTarget(env(envTenantID, "00000000-0000-0000-0000-000000000001", envClientID, "x"))
	if err == nil || !strings.Contains(err.Error(), envClientSecret+" and "+envUser+" are not set") {
		t.Fatalf("got %v", err)
	}
}
