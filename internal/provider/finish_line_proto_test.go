package provider

// The finish line through the protocol: the list resource's wave report and the group revoke
// of those who finished (Terraform 1.14+ objects, driven here without the CLI).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

const fiveHiresGroupID = "0b0a4d00-0000-4000-8000-0000000000f5"

// fiveHiresAtTheFinish seeds the report's five statuses in a group of five new hires, each
// with a one-time pass: the contractor's expired unused, alice registered a passkey, bob
// Authenticator, carol signed in only, nora did nothing.
func fiveHiresAtTheFinish(t *testing.T, m *graphmock.Server) {
	t.Helper()
	enablePolicy(t, m)
	hires := []string{graphmock.AliceID, graphmock.BobID, graphmock.CarolID, graphmock.NoraID, graphmock.InternalGuestID}
	if err := m.AddGroup(graphmock.Group{ID: fiveHiresGroupID, DisplayName: "Monday's wave", Members: hires}); err != nil {
		t.Fatal(err)
	}
	issue := func(user string) string {
		st, raw := m.GraphRequest(http.MethodPost, "/users/"+user+"/authentication/temporaryAccessPassMethods", map[string]any{"isUsableOnce": true, "lifetimeInMinutes": 60})
		var p struct {
			Code string `json:"temporaryAccessPass"`
		}
		if st != http.StatusCreated || json.Unmarshal(raw, &p) != nil {
			t.Fatalf("issuing a pass for %s: %d %s", user, st, raw)
		}
		return p.Code
	}
	issue(graphmock.InternalGuestID)
	m.AdvanceClock(2 * time.Hour)
	codes := map[string]string{}
	for _, u := range hires[:4] {
		codes[u] = issue(u)
	}
	signInAndRegister(t, m, graphmock.AliceID, codes[graphmock.AliceID], graphmock.MethodFido2)
	signInAndRegister(t, m, graphmock.BobID, codes[graphmock.BobID], graphmock.MethodMicrosoftAuthenticator)
	if err := m.SignIn(graphmock.CarolID, codes[graphmock.CarolID]); err != nil {
		t.Fatal(err)
	}
}

// statusOf reads the status a listed pass's display name ends with, by user.
func statusOf(t *testing.T, ls []listed) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, l := range ls {
		if hasError(l.diags) || l.identity == nil {
			t.Fatalf("listing: %q %s", l.name, diagText(l.diags))
		}
		for _, st := range finishStatuses {
			if strings.Contains(l.name, ", "+st) {
				out[l.identity["user_id"].(string)] = st
			}
		}
	}
	return out
}

func TestProtoWaveReportAndRevokeOfTheFinished(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	fiveHiresAtTheFinish(t, m)
	p := newProtoProvider(t, m)

	// The report: every new hire's status, the finish line in the result.
	report := p.list(map[string]tftypes.Value{"group_id": str(fiveHiresGroupID)}, true, 100)
	want := map[string]string{
		graphmock.AliceID: statusRegistered, graphmock.BobID: statusRegistered, graphmock.CarolID: statusSignedIn,
		graphmock.NoraID: statusIssuedNotUsed, graphmock.InternalGuestID: statusExpired,
	}
	if got := statusOf(t, report); len(got) != 5 || !mapsEqual(got, want) {
		t.Fatalf("report: %v, want %v", got, want)
	}
	for _, l := range report {
		reg, _ := l.resource["registered"].(string)
		finished := l.identity["user_id"] == graphmock.AliceID || l.identity["user_id"] == graphmock.BobID
		if finished != (reg != "" && strings.Contains(reg, "date_time")) {
			t.Errorf("%s: registered %v", l.name, l.resource["registered"])
		}
	}
	if !strings.Contains(strings.Join(namesOf(report), "\n"), "registered a passkey (FIDO2) at ") {
		t.Errorf("the report does not say which method: %q", namesOf(report))
	}
	done := p.list(map[string]tftypes.Value{"group_id": str(fiveHiresGroupID), "status": strList(statusRegistered)}, false, 100)
	if got := statusOf(t, done); len(got) != 2 || got[graphmock.AliceID] != statusRegistered || got[graphmock.BobID] != statusRegistered {
		t.Fatalf("status = registered: %v", got)
	}

	// Revoke the passes of those who finished: two go, three stay.
	before := passIDs(m)
	_, progress, diags := p.invoke("entratap_revoke_group_passes", map[string]tftypes.Value{"group_id": str(fiveHiresGroupID), "only_registered": tftypes.NewValue(tftypes.Bool, true)})
	if hasError(diags) || !strings.Contains(progress[len(progress)-1], "Revoked 2 ") {
		t.Fatalf("revoke of the finished: %q %s", progress, diagText(diags))
	}
	left := passIDs(m)
	for _, u := range []string{graphmock.AliceID, graphmock.BobID} {
		if _, ok := left[u]; ok {
			t.Errorf("the pass of %s, who finished, was not revoked", u)
		}
	}
	for _, u := range []string{graphmock.CarolID, graphmock.NoraID, graphmock.InternalGuestID} {
		if left[u] != before[u] {
			t.Errorf("the pass of %s, who has not finished, changed: %q, had %q", u, left[u], before[u])
		}
	}
}

// Without UserAuthenticationMethod.Read.All the report still lists the passes, with a
// warning naming the permission; a status filter cannot be answered and is an error.
func TestProtoWaveReportWithoutMethodPermission(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	fiveHiresAtTheFinish(t, m)
	p := newProtoProviderWith(t, m, map[string]tftypes.Value{
		"client_id": str(graphmock.LeastPrivilegedClientID), "client_secret": str(graphmock.LeastPrivilegedClientSecret)})
	hires := strList(graphmock.AliceID, graphmock.BobID, graphmock.CarolID, graphmock.NoraID, graphmock.InternalGuestID)
	ls := p.list(map[string]tftypes.Value{"user_ids": hires}, false, 100)
	var warned bool
	passes := 0
	for _, l := range ls {
		if l.identity != nil {
			passes++
		}
		for _, d := range l.diags {
			warned = warned || strings.Contains(d.Detail, "UserAuthenticationMethod.Read.All")
		}
	}
	if passes != 5 || !warned {
		t.Fatalf("%d passes, warned %v: %q", passes, warned, namesOf(ls))
	}
	ls = p.list(map[string]tftypes.Value{"user_ids": hires, "status": strList(statusRegistered)}, false, 100)
	if len(ls) == 0 || !hasError(ls[len(ls)-1].diags) {
		t.Fatalf("a status filter without the permission: %q", namesOf(ls))
	}
}

func namesOf(ls []listed) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.name)
	}
	return out
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return slices.Equal(sortedKeys(a), sortedKeys(b))
}

// BenchmarkProtoWaveReport5000 is the wave report of 5,000 new hires, each holding a pass, a
// fifth of whom registered a passkey: what `terraform query` over the list resource costs.
// Run it with `TF_ACC=1 go test ./internal/provider -run '^$' -bench WaveReport5000 -benchtime 3x`.
func BenchmarkProtoWaveReport5000(b *testing.B) {
	m := newMock(b)
	st, body := m.GraphRequest(http.MethodPatch, "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass",
		map[string]any{"@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration", "state": "enabled"})
	if st != http.StatusNoContent {
		b.Fatal(string(body))
	}
	for i := range 5000 {
		u, err := m.AddUser(graphmock.NewUser{UserPrincipalName: fmt.Sprintf("hire%04d@%s", i, graphmock.Domain)})
		if err != nil {
			b.Fatal(err)
		}
		st, raw := m.GraphRequest(http.MethodPost, "/users/"+u.ID+"/authentication/temporaryAccessPassMethods", map[string]any{})
		var p struct {
			Code string `json:"temporaryAccessPass"`
		}
		if st != http.StatusCreated || json.Unmarshal(raw, &p) != nil {
			b.Fatal(string(raw))
		}
		if i%5 == 0 {
			if err := m.SignIn(u.ID, p.Code); err != nil {
				b.Fatal(err)
			}
			if _, err := m.Register(u.ID, graphmock.MethodFido2, ""); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		p := newProtoProvider(b, m)
		m.ResetRequests()
		b.StartTimer()
		got := p.list(map[string]tftypes.Value{"all_users": tftypes.NewValue(tftypes.Bool, true)}, true, 10000)
		registered := 0
		for _, l := range got {
			if strings.Contains(l.name, ", "+statusRegistered) {
				registered++
			}
		}
		if len(got) != 5000 || registered != 1000 {
			b.Fatalf("%d results, %d registered; want 5000, 1000", len(got), registered)
		}
		wire, batched := 0, 0
		for _, r := range m.Requests() {
			if r.Batched {
				batched++
			} else {
				wire++
			}
		}
		b.ReportMetric(float64(wire), "requests/op")
		b.ReportMetric(float64(batched), "batched/op")
	}
}
