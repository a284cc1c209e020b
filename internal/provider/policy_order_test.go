package provider

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// orderTarget is one include target of the order tests: id and target_type.
type orderTarget struct{ id, typ string }

var (
	orderGroup = orderTarget{graphmock.OnboardingGroupID, "group"}
	orderHires = orderTarget{graphmock.NewHiresGroupID, "group"}
	orderBob   = orderTarget{graphmock.BobID, "user"}
	orderCarol = orderTarget{graphmock.CarolID, "user"}
)

// orderConfig writes a policy with these include targets and Alice and Nora excluded, in the given order.
func orderConfig(m *graphmock.Server, aliceFirst bool, inc ...orderTarget) string {
	var b strings.Builder
	for _, t := range inc {
		fmt.Fprintf(&b, "    { id = %q, target_type = %q },\n", t.id, t.typ)
	}
	exc := []string{graphmock.AliceID, graphmock.NoraID}
	if !aliceFirst {
		exc[0], exc[1] = exc[1], exc[0]
	}
	return providerBlock(m) + fmt.Sprintf(`
resource "entratap_policy" "this" {
  include_targets = [
%s  ]
  exclude_targets = [{ id = %q, target_type = "user" }, { id = %q, target_type = "user" }]
}
`, b.String(), exc[0], exc[1])
}

// includeIDs is a state check: include_targets holds these ids, in this order.
func includeIDs(ts ...orderTarget) statecheck.StateCheck {
	checks := make([]knownvalue.Check, 0, len(ts))
	for _, t := range ts {
		checks = append(checks, knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(t.id)}))
	}
	return statecheck.ExpectKnownValue("entratap_policy.this", tfjsonpath.New("include_targets"), knownvalue.ListExact(checks))
}

// mockIncludeIDs is the mock's includeTargets ids, in its order.
func mockIncludeIDs(t *testing.T, m *graphmock.Server) []string {
	var ids []string
	inc, _ := mockPolicy(t, m)["includeTargets"].([]any)
	for _, e := range inc {
		ids = append(ids, fmt.Sprint(e.(map[string]any)["id"]))
	}
	return ids
}

// A reordered config is an update in place that writes nothing to Graph
// (Entra keeps no order), after which the plan is empty.
func TestAccPolicy_reorderedTargetsWriteNothing(t *testing.T) {
	m := newMock(t)
	policyWrites := func(*terraform.State) error {
		for _, e := range m.Requests() {
			if e.Method == "PATCH" && strings.EqualFold(e.Path, policyPath) {
				return fmt.Errorf("a reordered config wrote the policy: %+v", e)
			}
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config:            orderConfig(m, true, orderGroup, orderBob, orderCarol),
				ConfigStateChecks: []statecheck.StateCheck{includeIDs(orderGroup, orderBob, orderCarol)},
			},
			{
				PreConfig: m.ResetRequests,
				Config:    orderConfig(m, false, orderCarol, orderGroup, orderBob),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("entratap_policy.this", plancheck.ResourceActionUpdate),
						onlyChanged{"entratap_policy.this", []string{"include_targets", "exclude_targets"}},
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					includeIDs(orderCarol, orderGroup, orderBob),
					statecheck.ExpectKnownValue("entratap_policy.this", tfjsonpath.New("exclude_targets"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(graphmock.NoraID)}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(graphmock.AliceID)}),
					})),
				},
				Check: resource.ComposeAggregateTestCheckFunc(policyWrites, func(*terraform.State) error {
					// Graph still holds the first order: nothing was written.
					if got, want := mockIncludeIDs(t, m), []string{orderGroup.id, orderBob.id, orderCarol.id}; !reflect.DeepEqual(got, want) {
						return fmt.Errorf("mock includeTargets %v, want %v", got, want)
					}
					return nil
				}),
			},
			{ // a real change still writes, in the config's order
				Config:            orderConfig(m, false, orderCarol, orderHires, orderBob),
				ConfigStateChecks: []statecheck.StateCheck{includeIDs(orderCarol, orderHires, orderBob)},
				Check: func(*terraform.State) error {
					if got, want := mockIncludeIDs(t, m), []string{orderCarol.id, orderHires.id, orderBob.id}; !reflect.DeepEqual(got, want) {
						return fmt.Errorf("mock includeTargets %v, want %v", got, want)
					}
					return nil
				},
			},
		},
	})
}

// Graph answering the targets in another order than the state's leaves an
// empty plan after refresh; a target added out of band shows as drift,
// appended after the known ones.
func TestAccPolicy_graphOrderIgnoredOnRefresh(t *testing.T) {
	m := newMock(t)
	cfg := orderConfig(m, true, orderGroup, orderBob, orderCarol)
	reorder := func(ts ...orderTarget) func() {
		return func() {
			var inc []map[string]any
			for _, x := range ts {
				inc = append(inc, map[string]any{"id": x.id, "targetType": x.typ, "isRegistrationRequired": false})
			}
			patchMockPolicy(t, m, map[string]any{"includeTargets": inc})
			var want []string
			for _, x := range ts {
				want = append(want, x.id)
			}
			if got := mockIncludeIDs(t, m); !reflect.DeepEqual(got, want) {
				t.Fatalf("the mock did not take the new order: %v, want %v", got, want)
			}
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: reorder(orderCarol, orderBob, orderGroup),
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{includeIDs(orderGroup, orderBob, orderCarol)},
			},
			{
				PreConfig:          reorder(orderHires, orderCarol, orderBob, orderGroup),
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("entratap_policy.this", plancheck.ResourceActionUpdate),
				}},
				Check: resource.TestCheckResourceAttr("entratap_policy.this", "include_targets.3.id", orderHires.id),
			},
		},
	})
}

// orderTargets builds a graph.Policy's targets from ids, for the unit tests.
func orderTargets(ids ...string) []graph.Target {
	out := make([]graph.Target, 0, len(ids))
	for _, id := range ids {
		out = append(out, graph.Target{ID: id, TargetType: "user"})
	}
	return out
}

func TestOrderLikeKeepsPriorOrder(t *testing.T) {
	t.Parallel()
	a, b, c, d := "a11ce000-0000-4000-8000-000000000001", "b0b00000-0000-4000-8000-000000000002", "ca401000-0000-4000-8000-000000000003", "d0000000-0000-4000-8000-000000000004"
	upper := strings.ToUpper
	for _, tc := range []struct {
		name             string
		prior, got, want []graph.Target
	}{
		{"same order", orderTargets(a, b, c), orderTargets(a, b, c), orderTargets(a, b, c)},
		{"graph reordered", orderTargets(c, a, b), orderTargets(a, b, c), orderTargets(c, a, b)},
		{"new ones after, in graph's order", orderTargets(b, a), orderTargets(d, a, c, b), orderTargets(b, a, d, c)},
		{"gone ones dropped", orderTargets(c, b, a), orderTargets(a, c), orderTargets(c, a)},
		{"GUIDs in another case match", orderTargets(upper(b), a), orderTargets(a, b), orderTargets(b, a)},
		{"all_users is a literal", orderTargets("ALL_USERS", a), orderTargets(a, "all_users"), orderTargets(a, "all_users")},
		{"no prior: graph's order", nil, orderTargets(c, a), orderTargets(c, a)},
		{"nothing in graph", orderTargets(a), nil, nil},
	} {
		if got := orderLike(tc.prior, tc.got); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	// Graph's answer may be the policy cache's: it is never reordered in place.
	got := orderTargets(a, b, c)
	_ = orderLike(orderTargets(c, b, a), got)
	if !reflect.DeepEqual(got, orderTargets(a, b, c)) {
		t.Errorf("orderLike changed its input: %v", got)
	}
}

func TestChangedFieldsIgnoresTargetOrder(t *testing.T) {
	t.Parallel()
	have := graph.DefaultPolicy()
	have.IncludeTargets = orderTargets("a", "b", "c")
	have.ExcludeTargets = orderTargets("x", "y")
	want := have
	want.IncludeTargets = orderTargets("c", "a", "b")
	want.ExcludeTargets = orderTargets("y", "x")
	if u := changedFields(have, want); u != (graph.PolicyUpdate{}) {
		t.Fatalf("a reorder patched: %+v", u)
	}
	for name, w := range map[string][]graph.Target{
		"one replaced":   orderTargets("c", "a", "d"),
		"one more":       orderTargets("c", "a", "b", "d"),
		"one fewer":      orderTargets("c", "a"),
		"a repeated one": orderTargets("a", "a", "b"),
		"flag changed":   {{ID: "a", TargetType: "user"}, {ID: "b", TargetType: "user"}, {ID: "c", TargetType: "user", IsRegistrationRequired: true}},
	} {
		want.IncludeTargets = w
		u := changedFields(have, want)
		if u.IncludeTargets == nil || !reflect.DeepEqual(*u.IncludeTargets, w) || u.ExcludeTargets != nil {
			t.Errorf("%s: patch %+v", name, u)
		}
	}
}

// A target listed twice, in any case, is a plan-time error naming the attribute and the id.
func TestAccPolicy_duplicateTargetRefused(t *testing.T) {
	m := newMock(t)
	step := func(body, msg string) resource.TestStep {
		return resource.TestStep{
			Config:      providerBlock(m) + "resource \"entratap_policy\" \"this\" {\n" + body + "\n}",
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(msg),
		}
	}
	g := graphmock.OnboardingGroupID
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			step(`include_targets = [{ id = "`+g+`", target_type = "group" }, { id = "`+g+`", target_type = "group" }]`,
				`(?s)include_targets:\s+"`+g+`"\s+is\s+listed\s+more\s+than\s+once`),
			step(`include_targets = [{ id = "`+g+`", target_type = "group" }, { id = "`+strings.ToUpper(g)+`", target_type = "group" }]`,
				`(?s)include_targets:\s+"`+strings.ToUpper(g)+`"\s+is\s+listed\s+more\s+than\s+once`),
			step(`exclude_targets = [{ id = "`+graphmock.BobID+`", target_type = "user" }, { id = "`+graphmock.BobID+`", target_type = "user" }]`,
				`(?s)exclude_targets:\s+"`+graphmock.BobID+`"\s+is\s+listed\s+more\s+than\s+once`),
		},
	})
}

// manyTargets is n distinct user include targets as Terraform values, and their ids.
func manyTargets(elem tftypes.Type, n int) ([]tftypes.Value, []string) {
	vals := make([]tftypes.Value, 0, n)
	ids := make([]string, 0, n)
	for i := 0; i < n; i++ {
		// Descending ids: the config's order is not the sorted one.
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", n-i)
		ids = append(ids, id)
		vals = append(vals, tftypes.NewValue(elem, map[string]tftypes.Value{
			"id": tftypes.NewValue(tftypes.String, id), "target_type": tftypes.NewValue(tftypes.String, "user"),
			"is_registration_required": tftypes.NewValue(tftypes.Bool, nil),
		}))
	}
	return vals, ids
}

// Item 8: 2,000 include targets validate and plan through the protocol
// (a nested set took minutes here: every element addressed by value),
// the plan keeps the config's order, and a duplicate at the end is found.
func TestProtoPolicy_manyTargetsPlanInConfigOrder(t *testing.T) {
	t.Parallel()
	const n = 2000
	m := newMock(t)
	srv, schemas := passProtocolServer(t, m)
	sch := schemas.ResourceSchemas["entratap_policy"]
	typ := sch.ValueType().(tftypes.Object)
	listType := typ.AttributeTypes["include_targets"].(tftypes.List)
	vals, ids := manyTargets(listType.ElementType, n)
	cfg := passDynamicValue(t, sch, map[string]tftypes.Value{"include_targets": tftypes.NewValue(listType, vals)})

	v, err := srv.ValidateResourceConfig(t.Context(), &tfprotov6.ValidateResourceConfigRequest{TypeName: "entratap_policy", Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	passNoErrors(t, "ValidateResourceConfig", v.Diagnostics)
	// Terraform's proposed new state for a create is the config.
	prior, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil))
	if err != nil {
		t.Fatal(err)
	}
	p, err := srv.PlanResourceChange(t.Context(), &tfprotov6.PlanResourceChangeRequest{TypeName: "entratap_policy", Config: cfg, ProposedNewState: cfg, PriorState: &prior})
	if err != nil {
		t.Fatal(err)
	}
	passNoErrors(t, "PlanResourceChange", p.Diagnostics)
	planned, err := p.PlannedState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	var elems []tftypes.Value
	if err := planned.As(&attrs); err != nil {
		t.Fatal(err)
	}
	if err := attrs["include_targets"].As(&elems); err != nil {
		t.Fatal(err)
	}
	if len(elems) != n {
		t.Fatalf("planned %d targets, want %d", len(elems), n)
	}
	for i, e := range elems {
		var obj map[string]tftypes.Value
		var id string
		var reg bool
		if err := e.As(&obj); err != nil {
			t.Fatal(err)
		}
		if err := obj["id"].As(&id); err != nil || id != ids[i] {
			t.Fatalf("planned target %d is %q, want %q (the config's order)", i, id, ids[i])
		}
		if err := obj["is_registration_required"].As(&reg); err != nil || reg {
			t.Fatalf("planned target %d: is_registration_required %v (%v), want the default false", i, reg, err)
		}
	}

	// The last target repeats the first, in upper case.
	dup := append(vals[:n-1:n-1], tftypes.NewValue(listType.ElementType, map[string]tftypes.Value{
		"id": tftypes.NewValue(tftypes.String, strings.ToUpper(ids[0])), "target_type": tftypes.NewValue(tftypes.String, "user"),
		"is_registration_required": tftypes.NewValue(tftypes.Bool, nil),
	}))
	v, err = srv.ValidateResourceConfig(t.Context(), &tfprotov6.ValidateResourceConfigRequest{TypeName: "entratap_policy",
		Config: passDynamicValue(t, sch, map[string]tftypes.Value{"include_targets": tftypes.NewValue(listType, dup)})})
	if err != nil {
		t.Fatal(err)
	}
	var found int
	for _, d := range v.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			found++
			if !strings.Contains(d.Detail, "include_targets") || !strings.Contains(d.Detail, strings.ToUpper(ids[0])) || !strings.Contains(d.Detail, "more than once") {
				t.Errorf("duplicate reported as %q: %q", d.Summary, d.Detail)
			}
		}
	}
	if found != 1 {
		t.Errorf("%d errors for one duplicate: %v", found, v.Diagnostics)
	}
}

// A state written with the targets as a JSON array (as 0.1.0 development
// builds wrote the set) still decodes, and a read keeps its order although
// the mock answers in another.
func TestProtoPolicy_arrayStateDecodesAndKeepsOrder(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	patchMockPolicy(t, m, map[string]any{"includeTargets": []map[string]any{
		{"id": graphmock.BobID, "targetType": "user", "isRegistrationRequired": false},
		{"id": graphmock.OnboardingGroupID, "targetType": "group", "isRegistrationRequired": false},
	}})
	srv, schemas := passProtocolServer(t, m)
	raw := `{"default_length":8,"default_lifetime_in_minutes":60,"enabled":false,"exclude_targets":[],"id":"TemporaryAccessPass","include_targets":[` +
		`{"id":"` + graphmock.OnboardingGroupID + `","is_registration_required":false,"target_type":"group"},` +
		`{"id":"` + graphmock.BobID + `","is_registration_required":false,"target_type":"user"}],` +
		`"is_usable_once":false,"maximum_lifetime_in_minutes":480,"minimum_lifetime_in_minutes":60,"timeouts":null}`
	up, err := srv.UpgradeResourceState(t.Context(), &tfprotov6.UpgradeResourceStateRequest{TypeName: "entratap_policy", Version: 0, RawState: &tfprotov6.RawState{JSON: []byte(raw)}})
	if err != nil {
		t.Fatal(err)
	}
	passNoErrors(t, "UpgradeResourceState", up.Diagnostics)
	rd, err := srv.ReadResource(t.Context(), &tfprotov6.ReadResourceRequest{TypeName: "entratap_policy", CurrentState: up.UpgradedState})
	if err != nil {
		t.Fatal(err)
	}
	passNoErrors(t, "ReadResource", rd.Diagnostics)
	typ := schemas.ResourceSchemas["entratap_policy"].ValueType()
	for name, dv := range map[string]*tfprotov6.DynamicValue{"upgraded": up.UpgradedState, "read": rd.NewState} {
		v, err := dv.Unmarshal(typ)
		if err != nil {
			t.Fatal(err)
		}
		var attrs map[string]tftypes.Value
		var elems []tftypes.Value
		if err := v.As(&attrs); err != nil {
			t.Fatal(err)
		}
		if err := attrs["include_targets"].As(&elems); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range elems {
			var obj map[string]tftypes.Value
			var id string
			_ = e.As(&obj)
			_ = obj["id"].As(&id)
			got = append(got, id)
		}
		if want := []string{graphmock.OnboardingGroupID, graphmock.BobID}; !reflect.DeepEqual(got, want) {
			t.Errorf("%s include_targets %v, want the state's order %v", name, got, want)
		}
	}
}
