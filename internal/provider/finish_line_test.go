package provider

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// registersWith is a StringFunc over a pass's code: the new hire signs in with it and
// registers method, as at the security-info page.
func registersWith(t *testing.T, m *graphmock.Server, user, method string) func(string) error {
	return func(code string) error {
		signInAndRegister(t, m, user, code, method)
		return nil
	}
}

// The finish line of one pass: the user signs in, registers a passkey and deletes the pass
// (self-service); the refresh sees the finish line, and the next apply issues no new pass
// and says why. A user who held Authenticator from before the pass has not finished.
func TestAccPassResource_finishLine(t *testing.T) {
	m := newMock(t)
	old, err := m.AddUser(graphmock.NewUser{UserPrincipalName: "recovering@" + graphmock.Domain,
		Methods: []graphmock.Method{{Kind: graphmock.MethodMicrosoftAuthenticator, CreatedDateTime: m.Now().Add(-72 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	const addr, rec = "entratap_pass.p", "entratap_pass.recovering"
	config := passConfig(m, `
resource "entratap_pass" "p" {
  user_id        = "`+graphmock.BobUPN+`"
  is_usable_once = true
}
resource "entratap_pass" "recovering" {
  user_id               = "`+old.UserPrincipalName+`"
  replace_when_unusable = true
}
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr(addr, "registered", knownvalue.Null()),
					passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(registersWith(t, m, graphmock.BobID, graphmock.MethodFido2))),
				},
			},
			{
				// Bob has registered: the refresh of this plan sees it.
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr(addr, "registered", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"method": knownvalue.StringExact("fido2"), "date_time": knownvalue.NotNull(),
					})),
					passAttr(rec, "registered", knownvalue.Null()),
				},
			},
			{
				// Bob deletes his own pass; the one-time pass was used anyway.
				PreConfig: func() {
					for _, p := range m.Snapshot().Passes {
						if p.UserID == graphmock.BobID {
							if st, raw := m.GraphRequest(http.MethodDelete, "/v1.0/users/"+graphmock.BobID+"/authentication/temporaryAccessPassMethods/"+p.ID, nil); st != http.StatusNoContent {
								t.Fatalf("deleting bob's pass: %d %s", st, raw)
							}
						}
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr(addr, "method_usability_reason", knownvalue.StringExact(reasonPassGone)),
					passAttr(addr, "is_usable", knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("registered").AtMapKey("method"), knownvalue.StringExact("fido2")),
				},
			},
		},
	})
	for _, p := range m.Snapshot().Passes {
		if p.UserID == graphmock.BobID {
			t.Fatalf("a finished user was handed a new pass: %+v", p)
		}
	}
}

// fiveHires is the wave of the finish-line tests: five new hires, one entry each.
var fiveHires = map[string][2]string{
	"alice": {graphmock.AliceID, ""}, "bob": {graphmock.BobID, ""}, "carol": {graphmock.CarolID, ""},
	"nora": {graphmock.NoraID, ""}, "contractor": {graphmock.InternalGuestID, ""},
}

// A wave of five: alice registers a passkey and bob Authenticator; the refresh shows exactly
// those two as finished; their passes then end (revoked, deleted) and the next routine apply
// issues nothing for them, where a pass gone for an unfinished user is issued again.
func TestAccPassesResource_finishLine(t *testing.T) {
	m := newMock(t)
	const addr = "entratap_passes.wave"
	config := wavePasses(m, fiveHires)
	codeOf := map[string]knownvalue.Check{
		"alice": knownvalue.StringFunc(registersWith(t, m, graphmock.AliceID, graphmock.MethodFido2)),
		"bob":   knownvalue.StringFunc(registersWith(t, m, graphmock.BobID, graphmock.MethodMicrosoftAuthenticator)),
	}
	finished := func(key, method string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, issuedAt(key, "registered").AtMapKey("method"), knownvalue.StringExact(method))
	}
	unfinished := func(key string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, issuedAt(key, "registered"), knownvalue.Null())
	}
	passOf := func(user string) string {
		for _, p := range m.Snapshot().Passes {
			if p.UserID == user {
				return p.ID
			}
		}
		return ""
	}
	end := func(users ...string) {
		for _, u := range users {
			if st, raw := m.GraphRequest(http.MethodDelete, "/v1.0/users/"+u+"/authentication/temporaryAccessPassMethods/"+passOf(u), nil); st != http.StatusNoContent {
				t.Fatalf("ending the pass of %s: %d %s", u, st, raw)
			}
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("codes"), knownvalue.MapPartial(codeOf)),
					unfinished("alice"), unfinished("bob"),
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					finished("alice", "fido2"), finished("bob", "microsoftAuthenticator"),
					unfinished("carol"), unfinished("nora"), unfinished("contractor"),
				},
			},
			{
				// The two finished passes end; so does carol's, who has not finished.
				PreConfig: func() { end(graphmock.AliceID, graphmock.BobID, graphmock.CarolID) },
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, issuedAt("alice", "method_usability_reason"), knownvalue.StringExact(reasonPassGone)),
					statecheck.ExpectKnownValue(addr, issuedAt("bob", "method_usability_reason"), knownvalue.StringExact(reasonPassGone)),
					finished("alice", "fido2"), finished("bob", "microsoftAuthenticator"),
					statecheck.ExpectKnownValue(addr, issuedAt("carol", "is_usable"), knownvalue.Bool(true)),
				},
			},
		},
	})
	if passOf(graphmock.AliceID) != "" || passOf(graphmock.BobID) != "" {
		t.Fatal("a finished user was handed a new pass")
	}
}

// The finish line through the protocol: the list resource's wave report and the group revoke
// of those who finished (Terraform 1.14+ objects, driven here without the CLI).

const fiveHiresGroupID = "0b0a4d00-0000-4000-8000-0000000000f5"

// fiveHiresAtTheFinish seeds the report's five statuses in a group of five new hires, each
// with a one-time pass: the contractor's expired unused, alice registered a passkey, bob
// Authenticator, carol signed in only, nora did nothing.
func fiveHiresAtTheFinish(t *testing.T, m *graphmock.Server) {
	t.Helper()
	passEnablePolicy(t, m)
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
