package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// passes is dynamic: every rule the typed attributes had is checked by the provider, at plan
// time, naming the entry and the setting.
func TestAccPassesResource_entriesCheckedAtPlan(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	wave := func(body string) string {
		return providerBlock(m) + "resource \"entratap_passes\" \"wave\" {\n  passes = " + body + "\n}\n"
	}
	cases := []struct{ body, want string }{
		{`{ a = { user_id = "` + graphmock.AliceID + `", lifetime = 60 } }`, `passes["a"] has a setting "lifetime"; an entry may set user_id, start_date_time, lifetime_in_minutes, is_usable_once`},
		{`{ a = { user_id = "` + graphmock.AliceID + `", lifetime_in_minutes = 1.5 } }`, `passes["a"].lifetime_in_minutes = 1.5: a pass's lifetime must be a whole number of minutes`},
		{`{ a = { user_id = "` + graphmock.AliceID + `", lifetime_in_minutes = 5 } }`, `lifetime_in_minutes value must be between 10 and 43200, got: 5`},
		{`{ a = { user_id = "` + graphmock.AliceID + `", lifetime_in_minutes = "soon" } }`, `passes["a"].lifetime_in_minutes = "soon" is not a number of minutes`},
		{`{ a = { user_id = "` + graphmock.AliceID + `", start_date_time = "tomorrow" } }`, `must be an RFC 3339 timestamp`},
		{`{ a = { user_id = "` + graphmock.AliceID + `", is_usable_once = "yes" } }`, `passes["a"].is_usable_once must be a bool (true or false), got a string`},
		{`{ a = { lifetime_in_minutes = 60 } }`, `passes["a"] has no user_id`},
		{`{ a = { user_id = "" } }`, `passes["a"] has no user_id`},
		{`{ a = ["` + graphmock.AliceID + `"] }`, `passes["a"] is a list; each entry is an object`},
		{`["` + graphmock.AliceID + `"]`, `passes is a list; it must be a map`},
	}
	for _, tc := range cases {
		t.Run(strings.Fields(tc.want)[0], func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				Steps:                    []resource.TestStep{{Config: wave(tc.body), PlanOnly: true, ExpectError: passErr(tc.want)}},
			})
		})
	}
}

// Entries of different shapes, a map built with tomap(), settings given as strings (as
// Terraform converts them for typed attributes) and entries known only at apply all work.
func TestAccPassesResource_entryShapes(t *testing.T) {
	m := newMock(t)
	const addr = "entratap_passes.wave"
	cfg := providerBlock(m) + fmt.Sprintf(`
resource "terraform_data" "later" { input = "%s" }
resource "entratap_passes" "wave" {
  passes = merge(
    tomap({ alice = { user_id = "%s", lifetime_in_minutes = "90" } }),
    { bob = { user_id = "%s", is_usable_once = "true" }, carol = { user_id = terraform_data.later.output } },
  )
}
`, graphmock.CarolID, graphmock.AliceID, graphmock.BobID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, issuedAt("alice", "lifetime_in_minutes"), knownvalue.Int64Exact(90)),
					statecheck.ExpectKnownValue(addr, issuedAt("bob", "is_usable_once"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, issuedAt("carol", "user_id"), knownvalue.StringExact(graphmock.CarolID)),
					statecheck.ExpectKnownValue(addr, issuedAt("carol", "id"), knownvalue.NotNull()),
				},
			},
			{Config: cfg, PlanOnly: true}, // nothing to change
		},
	})
}

func TestDecodeWaveUnknowns(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	var diags diag.Diagnostics
	if got := decodeWave(ctx, types.DynamicUnknown(), &diags); got != nil || diags.HasError() {
		t.Fatalf("unknown passes: %v %v", got, diags)
	}
	entry := types.ObjectValueMust(map[string]attr.Type{"user_id": types.StringType, "lifetime_in_minutes": types.NumberType},
		map[string]attr.Value{"user_id": types.StringUnknown(), "lifetime_in_minutes": types.NumberUnknown()})
	v := types.DynamicValue(types.ObjectValueMust(map[string]attr.Type{"k": entry.Type(ctx), "u": types.ObjectType{AttrTypes: map[string]attr.Type{"user_id": types.StringType}}},
		map[string]attr.Value{"k": entry, "u": types.ObjectUnknown(map[string]attr.Type{"user_id": types.StringType})}))
	got := decodeWave(ctx, v, &diags)
	if diags.HasError() || len(got) != 2 {
		t.Fatalf("decode: %v %v", got, diags)
	}
	if !got["k"].UserID.IsUnknown() || !got["k"].LifetimeInMinutes.IsUnknown() || !got["u"].UserID.IsUnknown() {
		t.Fatalf("unknown settings must stay unknown: %+v", got)
	}
}
