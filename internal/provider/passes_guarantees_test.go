package provider

// The wave keeps every guarantee entratap_pass keeps, entry by entry: each test here is one
// way the wave broke while it had checks of its own.

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// One user written three ways is one user: refused at plan, nothing issued; so is a second
// entry for a user the wave already holds.
func TestAccPassesGuarantees_oneUserOneEntry(t *testing.T) {
	m := newMock(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{
			{
				Config: wavePasses(m, map[string][2]string{
					"a": {graphmock.BobUPN, ""},
					"b": {strings.ToUpper(graphmock.BobUPN), ""},
					"c": {graphmock.BobID, ""},
				}),
				ExpectError: passErr("Two passes planned for one user", `passes["a"]`, "are the same user"),
			},
			{
				PreConfig: func() { noPassesCreated(t, m) },
				Config:    wavePasses(m, map[string][2]string{"a": {graphmock.BobUPN, ""}}),
			},
			{
				Config: wavePasses(m, map[string][2]string{
					"a": {graphmock.BobUPN, ""},
					"b": {strings.ToUpper(graphmock.BobUPN), ""},
				}),
				ExpectError: passErr("Two passes planned for one user", `passes["b"]`, `passes["a"]`, "are the same user"),
			},
		},
	})
}

// Rewriting an entry's user_id from UPN to the same user's object id keeps the pass and its
// code: an update in place, as entratap_pass does.
func TestAccPassesGuarantees_sameUserRewritten(t *testing.T) {
	m := newMock(t)
	const addr = "entratap_passes.wave"
	id := statecheck.CompareValue(compare.ValuesSame())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{
			{
				Config:            wavePasses(m, map[string][2]string{"alice": {graphmock.AliceUPN, ""}}),
				ConfigStateChecks: []statecheck.StateCheck{id.AddStateValue(addr, issuedAt("alice", "id"))},
			},
			{
				Config: wavePasses(m, map[string][2]string{"alice": {graphmock.AliceID, ""}}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, issuedAt("alice", "user_id"), knownvalue.StringExact(graphmock.AliceID)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					id.AddStateValue(addr, issuedAt("alice", "id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("codes").AtMapKey("alice"), knownvalue.StringFunc(passSignsIn(m, graphmock.AliceUPN))),
				},
			},
		},
	})
}

// A refresh while Graph has not replicated the wave's passes keeps every code: a 404 for a
// pass created moments ago is read again, never taken for a deleted pass.
func TestAccPassesGuarantees_refreshUnderReplicationLag(t *testing.T) {
	m := newMock(t)
	const addr = "entratap_passes.wave"
	config := wavePasses(m, map[string][2]string{"alice": {graphmock.AliceID, ""}, "bob": {graphmock.BobID, ""}})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck: func() {
			passEnablePolicy(t, m)
			m.SetFaults(graphmock.Faults{ReplicationLagReads: 1}) // each new pass: its first read is a 404
		},
		Steps: []resource.TestStep{
			{Config: config},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("codes").AtMapKey("alice"), knownvalue.StringFunc(passSignsIn(m, graphmock.AliceUPN))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("codes").AtMapKey("bob"), knownvalue.StringFunc(passSignsIn(m, graphmock.BobUPN))),
				},
			},
		},
	})
}

// A policy widened to 720 minutes and a 600-minute wave entry that depends on it, in one
// apply: no diagnostic at plan or apply, under both policy-scope settings.
func TestAccPassesGuarantees_policyAsTheRunLeavesIt(t *testing.T) {
	for _, scope := range []string{graphmock.PolicyScopeRefuse, graphmock.PolicyScopeAllow} {
		t.Run(scope, func(t *testing.T) {
			m := newMock(t)
			scoped(t, m, scope, 0)
			rec := &diagRecorder{}
			const addr = "entratap_passes.wave"
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: rec.factories(),
				CheckDestroy:             passCheckNoPass(m, graphmock.AliceID),
				Steps: []resource.TestStep{{
					Config: providerBlock(m) + onboardingPolicy(`  maximum_lifetime_in_minutes = 720`) + `
resource "entratap_passes" "wave" {
  passes     = { alice = { user_id = "` + graphmock.AliceUPN + `", lifetime_in_minutes = 600 } }
  depends_on = [entratap_policy.this]
}
`,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(addr, issuedAt("alice", "user_object_id"), knownvalue.StringExact(graphmock.AliceID)),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(addr, issuedAt("alice", "lifetime_in_minutes"), knownvalue.Int64Exact(600)),
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("codes").AtMapKey("alice"), knownvalue.StringFunc(passSignsIn(m, graphmock.AliceUPN))),
					},
					Check: rec.expectNoDiagnostics(),
				}},
			})
		})
	}
}

// What only apply can find (Graph refusing one entry) fails the run through the postcondition
// the docs and the onboarding-wave module give, on the first apply; the good pass stays in
// state with its code, signs in, and is never issued again.
func TestAccPassesGuarantees_applyFailureFailsTheRun(t *testing.T) {
	m := newMock(t)
	scoped(t, m, graphmock.PolicyScopeRefuse, 0)
	const addr = "entratap_passes.wave"
	id := statecheck.CompareValue(compare.ValuesSame())
	policy := providerBlock(m) + onboardingPolicy("")
	wave := func(entries string) string {
		return policy + `
resource "entratap_passes" "wave" {
  passes     = {` + entries + `}
  depends_on = [entratap_policy.this]
  lifecycle {
    postcondition {
      condition     = length(self.not_issued) == 0
      error_message = "Passes not issued: ${join(", ", keys(self.not_issued))}"
    }
  }
}
`
	}
	alice := `alice = { user_id = "` + graphmock.AliceUPN + `" }`
	carol := `carol = { user_id = "` + graphmock.CarolUPN + `" }` // not in the policy's group: Graph refuses her pass
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config:      wave(alice + "\n" + carol),
				ExpectError: regexp.MustCompile(`Passes not issued: carol`),
			},
			{
				// The state of the failed run: alice's pass and code, carol's reason.
				Config:             wave(alice + "\n" + carol),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigStateChecks: []statecheck.StateCheck{
					id.AddStateValue(addr, issuedAt("alice", "id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("codes").AtMapKey("alice"), knownvalue.StringFunc(passSignsIn(m, graphmock.AliceUPN))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("not_issued").AtMapKey("carol"), knownvalue.StringRegexp(regexp.MustCompile(`is not among them`))),
				},
			},
			{
				Config: wave(alice),
				ConfigStateChecks: []statecheck.StateCheck{
					id.AddStateValue(addr, issuedAt("alice", "id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("not_issued"), knownvalue.MapExact(map[string]knownvalue.Check{})),
					passTenantCheck(func() error {
						if created, _ := createPosts(m); created != 1 {
							return fmt.Errorf("%d passes created, want alice's one", created)
						}
						return nil
					}),
				},
			},
		},
	})
}

// Signed in as an Authentication Administrator, a wave entry for a Global Administrator or for
// oneself fails at plan naming the role, never as a missing admin consent at apply.
func TestAccPassesGuarantees_delegatedRolesAtPlan(t *testing.T) {
	m := newMock(t)
	fakeAzureCLI(t, m, graphmock.AuthAdminUPN)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{
			{
				Config: cliProviderBlock(m) + `
resource "entratap_passes" "wave" {
  passes = {
    bob   = { user_id = "` + graphmock.BobUPN + `" }
    admin = { user_id = "` + graphmock.GlobalAdminUPN + `" }
  }
}
`,
				PlanOnly:    true,
				ExpectError: wrapped(`The target holds an admin role \(passes\["admin"\]\).*Privileged Authentication Administrator`),
			},
			{
				Config: cliProviderBlock(m) + `
resource "entratap_passes" "wave" {
  passes = { me = { user_id = "` + graphmock.AuthAdminUPN + `" } }
}
`,
				PlanOnly:    true,
				ExpectError: wrapped(`signed-in user themselves \(passes\["me"\]\)`),
			},
		},
	})
	noPassesCreated(t, m)
}

// Import takes each key and each user once.
func TestAccPassesGuarantees_importRefusesDuplicates(t *testing.T) {
	m := newMock(t)
	const addr = "entratap_passes.wave"
	var passID string
	config := wavePasses(m, map[string][2]string{"carol": {graphmock.CarolUPN, ""}})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, issuedAt("carol", "id"), knownvalue.StringFunc(passCapture(&passID)))},
			},
			{
				Config: config, ResourceName: addr, ImportState: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) {
					return fmt.Sprintf("a=%s/%s,b=%s/%s", graphmock.CarolUPN, passID, strings.ToUpper(graphmock.CarolUPN), passID), nil
				},
				ExpectError: passErr("one user under two keys", `"a"`, `"b"`),
			},
			{
				Config: config, ResourceName: addr, ImportState: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) {
					return fmt.Sprintf("a=%s/%s,a=%s/%s", graphmock.CarolUPN, passID, graphmock.BobUPN, passID), nil
				},
				ExpectError: passErr("a key twice", `"a"`),
			},
		},
	})
}
