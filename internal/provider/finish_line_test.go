package provider

import (
	"net/http"
	"testing"
	"time"

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
