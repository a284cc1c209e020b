package provider

// The wave keeps every guarantee entratap_pass keeps, entry by entry: each test here is one
// way the wave broke while it had checks of its own.

import (
	"fmt"
	"maps"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

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
	resource.ParallelTest(t, resource.TestCase{
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
	resource.ParallelTest(t, resource.TestCase{
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
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Patient,
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
	t.Parallel()
	for _, scope := range []string{graphmock.PolicyScopeRefuse, graphmock.PolicyScopeAllow} {
		t.Run(scope, func(t *testing.T) {
			m := newMock(t)
			scoped(t, m, scope, 0)
			rec := &diagRecorder{}
			const addr = "entratap_passes.wave"
			resource.ParallelTest(t, resource.TestCase{
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
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("user_object_ids").AtMapKey("alice"), knownvalue.StringExact(graphmock.AliceID)),
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
	resource.ParallelTest(t, resource.TestCase{
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
	resource.ParallelTest(t, resource.TestCase{
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
	resource.ParallelTest(t, resource.TestCase{
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

// One user across the objects of one provider block: an entratap_pass and a wave entry, or an
// ephemeral pass and a wave entry, for the same user are a plan-time error.
func TestAccPassesGuarantees_oneUserAcrossObjects(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   passSkipBelow110,
		ProtoV6ProviderFactories: protoV6WithEcho,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{
			{
				Config: providerBlock(m) + `
resource "entratap_pass" "bob" {
  user_id = "` + graphmock.BobUPN + `"
}
resource "entratap_passes" "wave" {
  passes = { b = { user_id = "` + graphmock.BobID + `" } }
}
`,
				ExpectError: passErr("Two passes planned for one user", "are the same user", graphmock.BobID),
			},
			{
				Config: passEchoConfig(m, `  user_id = "`+graphmock.AliceUPN+`"`) + `
resource "entratap_passes" "wave" {
  passes = { a = { user_id = "` + strings.ToUpper(graphmock.AliceUPN) + `" } }
}
`,
				ExpectError: passErr("Two passes planned for one user", "are the same user", graphmock.AliceID),
			},
		},
	})
	noPassesCreated(t, m)
}

// A live pass not managed here may be another object's (an entratap_pass of another provider
// block or workspace): the error says so, never only "import it". Live passes found by a
// wave with no state are named with the exact import that adopts them.
func TestAccPassesGuarantees_otherOwnerAndOrphans(t *testing.T) {
	m := newMock(t)
	rec := &diagRecorder{}
	var alicePass string
	wave := wavePasses(m, map[string][2]string{"alice": {graphmock.AliceID, ""}, "carol": {graphmock.CarolID, ""}})
	wave = strings.TrimSuffix(wave, "}\n") + `  lifecycle {
    postcondition {
      condition     = length(self.not_issued) == 0
      error_message = join("; ", values(self.not_issued))
    }
  }
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(fastGraph),
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { alicePass = passCreateOutOfBand(t, m, graphmock.AliceID, map[string]any{}) },
				Config:      wave,
				ExpectError: passErr("already has a Temporary Access Pass", "another object that issues passes for this user"),
			},
			{
				PreConfig: func() {
					want := fmt.Sprintf("terraform import 'ADDRESS' 'alice=%s/%s'", graphmock.AliceID, alicePass)
					if got := rec.takeDetails(); !strings.Contains(got, want) {
						t.Errorf("no %q in the diagnostics:\n%s", want, got)
					}
				},
				Config: wavePasses(m, map[string][2]string{"carol": {graphmock.CarolID, ""}}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("entratap_passes.wave", tfjsonpath.New("codes").AtMapKey("carol"), knownvalue.StringFunc(passSignsIn(m, graphmock.CarolUPN))),
				},
			},
		},
	})
}

// `..` and `/` in a wave's user_id never reach Graph: refused at validation, naming the entry.
func TestAccPassesGuarantees_userKeyValidated(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			PreConfig:   m.ResetRequests,
			Config:      wavePasses(m, map[string][2]string{"dots": {"..", ""}}),
			PlanOnly:    true,
			ExpectError: passErr("Invalid user_id", `passes["dots"].user_id`),
		}},
	})
	for _, e := range m.Requests() {
		if strings.Contains(e.Path, "..") || strings.Contains(e.Path, "$batch") {
			t.Fatalf("a request reached Graph: %s %s", e.Method, e.Path)
		}
	}
}

// Two workspaces applying the same wave at once (two provider processes, Graph answering in a
// second): whatever the interleaving, no state holds a pass the tenant no longer has.
func TestAccPassesGuarantees_concurrentWorkspaces(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	passEnablePolicy(t, m)
	users := map[string]string{}
	for i := range 12 {
		u, err := m.AddUser(graphmock.NewUser{UserPrincipalName: fmt.Sprintf("race%02d@%s", i, graphmock.Domain)})
		if err != nil {
			t.Fatal(err)
		}
		users[fmt.Sprintf("u%02d", i)] = u.ID
	}
	m.SetFaults(graphmock.Faults{LatencyMs: 1000})
	t.Cleanup(func() { m.SetFaults(graphmock.Faults{}) })
	ctx := t.Context()
	type outcome struct {
		state passesModel
		out   waveOutcome
	}
	results := make(chan outcome, 2)
	for range 2 {
		go func() {
			c, _, err := buildClient(ctx, providerModel{
				TenantID: types.StringValue(graphmock.TenantID), ClientID: types.StringValue(graphmock.AdminClientID),
				ClientSecret: types.StringValue(graphmock.AdminClientSecret), GraphEndpoint: types.StringValue(m.URL),
				AuthorityHost: types.StringValue(m.URL), UseCLI: types.BoolValue(false),
			}, "test", fastGraph)
			if err != nil {
				t.Error(err)
				results <- outcome{}
				return
			}
			r := &PassesResource{client: c, run: newRunState()}
			plan := wavePlanModel(t, r, users)
			state, out := r.converge(ctx, nil, plan)
			results <- outcome{state, out}
		}()
	}
	issuedTotal := 0
	for range 2 {
		res := <-results
		for k, is := range issuedOf(res.state.Issued) {
			if is.ID.IsNull() {
				if _, ok := res.out.failed[k]; !ok {
					t.Errorf("entry %s not issued and not in not_issued", k)
				}
				continue
			}
			issuedTotal++
			if p := passOf(m, users[k]); p == nil || !strings.EqualFold(p.ID, is.ID.ValueString()) {
				t.Errorf("entry %s holds pass %s in state, but the tenant's pass of its user is %+v", k, is.ID.ValueString(), p)
			}
		}
	}
	if issuedTotal != len(users) {
		t.Errorf("%d passes held across both states, want %d: every user's pass is in exactly one", issuedTotal, len(users))
	}
}

// wavePlanModel is the plan entratap_passes makes for a new wave of users (key -> object id).
func wavePlanModel(t *testing.T, r *PassesResource, users map[string]string) passesModel {
	t.Helper()
	ctx := t.Context()
	upns := map[string]string{}
	maps.Copy(upns, users)
	plan := passesModel{ID: types.StringValue("test"), Passes: waveValue(upns), ReplaceExisting: types.BoolValue(false)}
	want := entries(ctx, plan.Passes)
	wp := planWave(ctx, r.client, r.run, want, nil)
	if wp.diags.HasError() {
		t.Fatalf("plan: %v", wp.diags)
	}
	var diags diag.Diagnostics
	plan.Issued, plan.Codes, plan.UserObjectIDs = wp.planned(want, nil, &diags)
	if diags.HasError() {
		t.Fatalf("plan: %v", diags)
	}
	return plan
}
