package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

const policyPath = "/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass"

// mockPolicy reads the policy straight from the mock, as Graph JSON.
func mockPolicy(t *testing.T, m *graphmock.Server) map[string]any {
	t.Helper()
	status, body := m.GraphRequest("GET", policyPath, nil)
	if status != 200 {
		t.Fatalf("GET policy from the mock: %d %s", status, body)
	}
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("decoding the mock's policy: %v", err)
	}
	return out
}

// patchMockPolicy changes the policy out of band, as another admin would.
func patchMockPolicy(t *testing.T, m *graphmock.Server, fields map[string]any) {
	t.Helper()
	fields["@odata.type"] = "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration"
	if status, body := m.GraphRequest("PATCH", policyPath, fields); status != 204 {
		t.Fatalf("PATCH policy on the mock: %d %s", status, body)
	}
}

// checkMockPolicy compares fields of the mock's policy with want.
func checkMockPolicy(t *testing.T, m *graphmock.Server, want map[string]any) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := mockPolicy(t, m)
		for k, v := range want {
			if fmt.Sprint(got[k]) != fmt.Sprint(v) {
				return fmt.Errorf("mock policy %s = %v, want %v", k, got[k], v)
			}
		}
		return nil
	}
}

// checkMockPolicyDefault verifies the tenant is back at Microsoft's defaults.
func checkMockPolicyDefault(t *testing.T, m *graphmock.Server) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if err := checkMockPolicy(t, m, map[string]any{
			"state": "disabled", "defaultLifetimeInMinutes": 60, "minimumLifetimeInMinutes": 60,
			"maximumLifetimeInMinutes": 480, "defaultLength": 8, "isUsableOnce": false,
		})(s); err != nil {
			return err
		}
		got := mockPolicy(t, m)
		inc, _ := got["includeTargets"].([]any)
		if len(inc) != 1 || inc[0].(map[string]any)["id"] != "all_users" {
			return fmt.Errorf("mock policy includeTargets = %v, want all_users only", got["includeTargets"])
		}
		if exc, _ := got["excludeTargets"].([]any); len(exc) != 0 {
			return fmt.Errorf("mock policy excludeTargets = %v, want none", exc)
		}
		return nil
	}
}

// onlyChanged is a plan check: the resource is updated in place and exactly
// the named attributes differ between the prior state and the plan.
type onlyChanged struct {
	addr  string
	attrs []string
}

func (c onlyChanged) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		var changed []string
		for k := range after {
			if !reflect.DeepEqual(before[k], after[k]) {
				changed = append(changed, k)
			}
		}
		sort.Strings(changed)
		want := append([]string(nil), c.attrs...)
		sort.Strings(want)
		if !reflect.DeepEqual(changed, want) {
			resp.Error = fmt.Errorf("%s: plan changes %v, want exactly %v", c.addr, changed, want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s not in the plan", c.addr)
}

func TestAccPolicy_defaults(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		CheckDestroy:             checkMockPolicyDefault(t, m),
		Steps: []resource.TestStep{{
			Config: providerBlock(m) + `resource "entratap_policy" "this" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("entratap_policy.this", tfjsonpath.New("id"), knownvalue.StringExact("TemporaryAccessPass")),
				statecheck.ExpectKnownValue("entratap_policy.this", tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("entratap_policy.this", tfjsonpath.New("default_lifetime_in_minutes"), knownvalue.Int64Exact(60)),
				statecheck.ExpectKnownValue("entratap_policy.this", tfjsonpath.New("minimum_lifetime_in_minutes"), knownvalue.Int64Exact(60)),
				statecheck.ExpectKnownValue("entratap_policy.this", tfjsonpath.New("maximum_lifetime_in_minutes"), knownvalue.Int64Exact(480)),
				statecheck.ExpectKnownValue("entratap_policy.this", tfjsonpath.New("default_length"), knownvalue.Int64Exact(8)),
				statecheck.ExpectKnownValue("entratap_policy.this", tfjsonpath.New("is_usable_once"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("entratap_policy.this", tfjsonpath.New("include_targets"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": knownvalue.StringExact("all_users"), "target_type": knownvalue.StringExact("group"), "is_registration_required": knownvalue.Bool(false),
					}),
				})),
				statecheck.ExpectKnownValue("entratap_policy.this", tfjsonpath.New("exclude_targets"), knownvalue.ListSizeExact(0)),
			},
			Check: checkMockPolicy(t, m, map[string]any{"state": "enabled"}),
		}},
	})
}

func allFieldsConfig(m *graphmock.Server, def, minimum, maximum, length int, once bool, reg bool) string {
	return providerBlock(m) + fmt.Sprintf(`
resource "entratap_policy" "this" {
  enabled                     = true
  default_lifetime_in_minutes = %d
  minimum_lifetime_in_minutes = %d
  maximum_lifetime_in_minutes = %d
  default_length              = %d
  is_usable_once              = %t
  include_targets = [
    { id = %q, target_type = "group", is_registration_required = %t },
  ]
  exclude_targets = [
    { id = %q, target_type = "user" },
  ]
}
`, def, minimum, maximum, length, once, graphmock.OnboardingGroupID, reg, mockUserID(m, graphmock.BobUPN))
}

// mockUserID looks a seeded user's object id up in the mock.
func mockUserID(m *graphmock.Server, upn string) string {
	for _, u := range m.Snapshot().Users {
		if u.UserPrincipalName == upn {
			return u.ID
		}
	}
	panic("no user " + upn + " in the mock tenant")
}

func TestAccPolicy_allFieldsUpdateImport(t *testing.T) {
	m := newMock(t)
	bob := mockUserID(m, graphmock.BobUPN)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		CheckDestroy:             checkMockPolicyDefault(t, m),
		Steps: []resource.TestStep{
			{
				Config: allFieldsConfig(m, 120, 30, 600, 12, true, true),
				Check: checkMockPolicy(t, m, map[string]any{
					"state": "enabled", "defaultLifetimeInMinutes": 120, "minimumLifetimeInMinutes": 30,
					"maximumLifetimeInMinutes": 600, "defaultLength": 12, "isUsableOnce": true,
				}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("entratap_policy.this", tfjsonpath.New("include_targets"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id": knownvalue.StringExact(graphmock.OnboardingGroupID), "target_type": knownvalue.StringExact("group"), "is_registration_required": knownvalue.Bool(true),
						}),
					})),
					statecheck.ExpectKnownValue("entratap_policy.this", tfjsonpath.New("exclude_targets"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"id": knownvalue.StringExact(bob), "target_type": knownvalue.StringExact("user")}),
					})),
				},
			},
			{ // each field, one step at a time: an in-place update of exactly that field
				Config:           allFieldsConfig(m, 90, 30, 600, 12, true, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{onlyChanged{"entratap_policy.this", []string{"default_lifetime_in_minutes"}}}},
				Check:            checkMockPolicy(t, m, map[string]any{"defaultLifetimeInMinutes": 90}),
			},
			{
				Config:           allFieldsConfig(m, 90, 20, 600, 12, true, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{onlyChanged{"entratap_policy.this", []string{"minimum_lifetime_in_minutes"}}}},
				Check:            checkMockPolicy(t, m, map[string]any{"minimumLifetimeInMinutes": 20}),
			},
			{
				Config:           allFieldsConfig(m, 90, 20, 900, 12, true, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{onlyChanged{"entratap_policy.this", []string{"maximum_lifetime_in_minutes"}}}},
				Check:            checkMockPolicy(t, m, map[string]any{"maximumLifetimeInMinutes": 900}),
			},
			{
				Config:           allFieldsConfig(m, 90, 20, 900, 16, true, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{onlyChanged{"entratap_policy.this", []string{"default_length"}}}},
				Check:            checkMockPolicy(t, m, map[string]any{"defaultLength": 16}),
			},
			{
				Config:           allFieldsConfig(m, 90, 20, 900, 16, false, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{onlyChanged{"entratap_policy.this", []string{"is_usable_once"}}}},
				Check:            checkMockPolicy(t, m, map[string]any{"isUsableOnce": false}),
			},
			{
				Config:           allFieldsConfig(m, 90, 20, 900, 16, false, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{onlyChanged{"entratap_policy.this", []string{"include_targets"}}}},
			},
			{
				Config: providerBlock(m) + `
resource "entratap_policy" "this" {
  enabled                     = false
  default_lifetime_in_minutes = 90
  minimum_lifetime_in_minutes = 20
  maximum_lifetime_in_minutes = 900
  default_length              = 16
  include_targets             = [{ id = "` + graphmock.OnboardingGroupID + `", target_type = "group" }]
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{onlyChanged{"entratap_policy.this", []string{"enabled", "exclude_targets"}}}},
				Check:            checkMockPolicy(t, m, map[string]any{"state": "disabled"}),
			},
			{
				ResourceName:            "entratap_policy.this",
				ImportState:             true,
				ImportStateId:           "TemporaryAccessPass",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				ResourceName:    "entratap_policy.this",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "temporaryAccessPass",
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("entratap_policy.this", plancheck.ResourceActionNoop),
				}},
			},
		},
	})
}

func TestAccPolicy_drift(t *testing.T) {
	m := newMock(t)
	cfg := providerBlock(m) + `resource "entratap_policy" "this" { default_length = 10 }`
	drift := func(field string, value any, attr string) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() { patchMockPolicy(t, m, map[string]any{field: value}) },
			Config:    cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				onlyChanged{"entratap_policy.this", []string{attr}},
			}},
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{Config: cfg},
			drift("defaultLength", 20, "default_length"),
			drift("state", "disabled", "enabled"),
			drift("isUsableOnce", true, "is_usable_once"),
			drift("defaultLifetimeInMinutes", 90, "default_lifetime_in_minutes"),
			drift("maximumLifetimeInMinutes", 600, "maximum_lifetime_in_minutes"),
			drift("minimumLifetimeInMinutes", 30, "minimum_lifetime_in_minutes"),
			drift("includeTargets", []map[string]any{{"id": graphmock.OnboardingGroupID, "targetType": "group", "isRegistrationRequired": false}}, "include_targets"),
			drift("excludeTargets", []map[string]any{{"id": graphmock.OnboardingGroupID, "targetType": "group"}}, "exclude_targets"),
			{ // a refresh-only plan shows the drift without proposing changes
				PreConfig:          func() { patchMockPolicy(t, m, map[string]any{"defaultLength": 30}) },
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check:              resource.TestCheckResourceAttr("entratap_policy.this", "default_length", "30"),
			},
		},
	})
}

func TestAccPolicy_validation(t *testing.T) {
	m := newMock(t)
	step := func(body, errRE string) resource.TestStep {
		return resource.TestStep{
			Config:      providerBlock(m) + "resource \"entratap_policy\" \"this\" {\n" + body + "\n}",
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(errRE),
		}
	}
	guid := "11111111-2222-4333-8444-555555555555"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			step(`minimum_lifetime_in_minutes = 5`, `(?s)minimum_lifetime_in_minutes.*between 10 and 43200`),
			step(`maximum_lifetime_in_minutes = 50000`, `(?s)maximum_lifetime_in_minutes.*between 10 and 43200`),
			step(`default_lifetime_in_minutes = 9`, `(?s)default_lifetime_in_minutes.*between 10 and 43200`),
			step(`default_length = 7`, `(?s)default_length.*between 8 and 48`),
			step(`default_length = 49`, `(?s)default_length.*between 8 and 48`),
			step("minimum_lifetime_in_minutes = 500\nmaximum_lifetime_in_minutes = 400\ndefault_lifetime_in_minutes = 450", `(?s)minimum_lifetime_in_minutes \(500\) must not exceed\s+maximum_lifetime_in_minutes\s+\(400\)`),
			step(`default_lifetime_in_minutes = 600`, `(?s)default_lifetime_in_minutes \(600\) must lie between\s+minimum_lifetime_in_minutes \(60\) and maximum_lifetime_in_minutes \(480\)`),
			step(`include_targets = [{ id = "not-a-guid", target_type = "group" }]`, `(?s)include_targets:\s+id\s+must\s+be\s+an\s+object\s+id\s+\(GUID\)`),
			step(`include_targets = [{ id = "all_users", target_type = "user" }]`, `(?s)"all_users" must have\s+target_type = "group"`),
			step(`include_targets = [{ id = "`+guid+`", target_type = "device" }]`, `(?s)target_type.*value must be one of`),
			step(`exclude_targets = [{ id = "all_users", target_type = "group" }]`, `(?s)"all_users"\s+cannot\s+be\s+excluded`),
			step(`include_targets = [{ id = "`+guid+`", target_type = "group" }, { id = "`+guid+`", target_type = "group", is_registration_required = true }]`, `(?s)listed\s+more\s+than\s+once`),
			step(`include_targets = [{ id = "`+guid+`", target_type = "group" }]
exclude_targets = [{ id = "`+guid+`", target_type = "group" }]`, `(?s)is\s+in\s+include_targets\s+and\s+in\s+exclude_targets`),
		},
	})
}

func TestAccPolicy_readOnlyAppNamesThePermission(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config:      providerBlockAs(m, graphmock.ReadOnlyClientID, graphmock.ReadOnlyClientSecret) + `resource "entratap_policy" "this" {}`,
			ExpectError: regexp.MustCompile(`(?s)Policy\.ReadWrite\.AuthenticationMethod`),
		}},
	})
	// Nothing was changed by the refused write.
	if err := checkMockPolicyDefault(t, m)(nil); err != nil {
		t.Fatal(err)
	}
}

func TestAccPolicy_importRejectsOtherIDs(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config:        providerBlock(m) + `resource "entratap_policy" "this" {}`,
			ResourceName:  "entratap_policy.this",
			ImportState:   true,
			ImportStateId: "Fido2",
			ExpectError:   regexp.MustCompile(`(?s)import it with the id\s+"TemporaryAccessPass"`),
		}},
	})
}

func TestAccPolicyResource_identity(t *testing.T) {
	m := newMock(t)
	const addr = "entratap_policy.p"
	config := providerBlock(m) + `
resource "entratap_policy" "p" {
  enabled = true
}
`
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{
						"tenant_id": knownvalue.StringExact(graphmock.TenantID),
						"id":        knownvalue.StringExact("TemporaryAccessPass"),
					}),
				},
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				Config:          config,
			},
		},
	})
}

func TestProtoPolicyIdentity(t *testing.T) {
	t.Parallel()
	p := newProtoProvider(t, newMock(t))
	ctx := context.Background()
	typ := p.identityType("entratap_policy")
	imp, err := p.srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "entratap_policy",
		Identity: p.identity("entratap_policy", map[string]tftypes.Value{"id": str("TemporaryAccessPass")})})
	if err != nil || len(imp.Diagnostics) > 0 {
		t.Fatalf("ImportResourceState: %v %s", err, diagText(imp.Diagnostics))
	}
	r := imp.ImportedResources[0]
	read, err := p.srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "entratap_policy", CurrentState: r.State, Private: r.Private, CurrentIdentity: r.Identity})
	if err != nil || len(read.Diagnostics) > 0 {
		t.Fatalf("ReadResource: %v %s", err, diagText(read.Diagnostics))
	}
	id := decode(t, read.NewIdentity.IdentityData, typ)
	if id["tenant_id"] != graphmock.TenantID || id["id"] != "TemporaryAccessPass" {
		t.Fatalf("policy identity %v", id)
	}
	other, _ := p.srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "entratap_policy",
		Identity: p.identity("entratap_policy", map[string]tftypes.Value{"id": str("TemporaryAccessPass"), "tenant_id": str("11111111-1111-4111-8111-111111111111")})})
	if d := findDiag(other.Diagnostics, tfprotov6.DiagnosticSeverityError, "Import identity names another tenant"); d == nil {
		t.Fatalf("import with another tenant: %s", diagText(other.Diagnostics))
	}
}

func TestChangedFieldsPatchesOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	have := graph.DefaultPolicy()
	want := have
	want.DefaultLength = 12
	want.ExcludeTargets = []graph.Target{{ID: "x", TargetType: "user"}}
	u := changedFields(have, want)
	if u.DefaultLength == nil || *u.DefaultLength != 12 || u.ExcludeTargets == nil {
		t.Fatalf("changed fields missing: %+v", u)
	}
	if u.Enabled != nil || u.DefaultLifetimeInMinutes != nil || u.MinimumLifetimeInMinutes != nil || u.MaximumLifetimeInMinutes != nil ||
		u.IsUsableOnce != nil || u.IncludeTargets != nil {
		t.Fatalf("unchanged fields patched: %+v", u)
	}
	if changedFields(have, have) != (graph.PolicyUpdate{}) {
		t.Fatal("no change must mean an empty patch")
	}
}

// betweenPlanAndApply runs fn once, right before the provider applies a change to typ: another
// admin acting between `terraform plan -out` and `terraform apply plan.bin`.
type betweenPlanAndApply struct {
	tfprotov6.ProviderServer
	typ  string
	fn   *func()
	once *sync.Once
}

func (s betweenPlanAndApply) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	if req.TypeName == s.typ && *s.fn != nil {
		s.once.Do(*s.fn)
	}
	return s.ProviderServer.ApplyResourceChange(ctx, req)
}

// Round three, item 4: someone adds an exclude target between the plan and the apply of a
// change to the lifetime: the apply succeeds (no "inconsistent result"), the state keeps what
// the apply wrote and planned, and the next plan shows the other change as drift.
func TestAccPolicy_changedBetweenPlanAndApply(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	var other func()
	once := &sync.Once{}
	factories := map[string]func() (tfprotov6.ProviderServer, error){"entratap": func() (tfprotov6.ProviderServer, error) {
		s, err := providerserver.NewProtocol6WithError(New("test", fastGraph)())()
		return betweenPlanAndApply{ProviderServer: s, typ: "entratap_policy", fn: &other, once: once}, err
	}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{Config: providerBlock(m) + onboardingPolicy("")},
			{
				PreConfig: func() {
					other = func() {
						passPatchPolicy(t, m, map[string]any{"excludeTargets": []map[string]any{{"id": graphmock.NewHiresGroupID, "targetType": "group"}}})
					}
				},
				Config: providerBlock(m) + onboardingPolicy(`  maximum_lifetime_in_minutes = 600`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("entratap_policy.this", tfjsonpath.New("maximum_lifetime_in_minutes"), knownvalue.Int64Exact(600)),
				},
				ExpectNonEmptyPlan: true, // the other admin's exclude target, as drift
			},
			{
				Config: providerBlock(m) + onboardingPolicy(`  maximum_lifetime_in_minutes = 600`),
				ConfigStateChecks: []statecheck.StateCheck{passTenantCheck(func() error {
					if exc := m.Snapshot().Policy.ExcludeTargets; len(exc) != 0 {
						return fmt.Errorf("the tenant's exclude targets are %v, want none (the configuration's)", exc)
					}
					return nil
				})},
			},
		},
	})
}

// A target naming a group that no longer exists: Graph keeps it (Microsoft365DSC#5420, the
// mock's default), and the policy applies and reads back with no drift; under the mock's
// refusing setting the apply fails naming the group, and the tenant's policy is untouched.
func TestAccPolicy_deletedGroupTarget(t *testing.T) {
	t.Parallel()
	const deleted = "de1e7ed0-0000-4000-8000-0000000000aa"
	cfg := func(m *graphmock.Server) string {
		return providerBlock(m) + fmt.Sprintf(`
resource "entratap_policy" "this" {
  enabled         = true
  include_targets = [{ id = %q, target_type = "group" }]
}
`, deleted)
	}
	for _, setting := range []string{graphmock.MissingGroupKeep, graphmock.MissingGroupRefuse} {
		t.Run(setting, func(t *testing.T) {
			m := newMock(t)
			m.SetSettings(graphmock.Settings{PolicyScope: graphmock.PolicyScopeAllow, MissingGroupTargets: setting})
			step := resource.TestStep{Config: cfg(m)}
			if setting == graphmock.MissingGroupRefuse {
				step.ExpectError = wrapped(`group '` + deleted + `' does not exist`)
			} else {
				step.ConfigStateChecks = []statecheck.StateCheck{statecheck.ExpectKnownValue("entratap_policy.this",
					tfjsonpath.New("include_targets").AtSliceIndex(0).AtMapKey("id"), knownvalue.StringExact(deleted))}
			}
			steps := []resource.TestStep{step}
			if setting == graphmock.MissingGroupKeep {
				steps = append(steps, resource.TestStep{Config: cfg(m), PlanOnly: true}) // read back: no drift
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				CheckDestroy:             checkMockPolicyDefault(t, m),
				Steps:                    steps,
			})
		})
	}
}
