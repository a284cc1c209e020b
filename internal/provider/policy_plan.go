package provider

// The Temporary Access Pass policy as this Terraform run will leave it.
//
// Terraform plans a resource after the resources it depends on, and one
// provider process serves a whole plan (and another the whole apply). When
// an entratap_policy is planned, its ModifyPlan records the planned values
// here; the checks of a pass planned after it (resource and ephemeral) then
// use them where known and the live policy elsewhere. A pass that does not
// depend on the policy (no reference, no depends_on) may be planned and
// created before it: it gets the live policy, or the planned one if the
// policy happened to be planned first.

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

// planPolicy reads an entratap_policy's planned values; unknown ones stay nil.
func planPolicy(ctx context.Context, m policyModel) (*plannedPolicy, diag.Diagnostics) {
	var diags diag.Diagnostics
	p := &plannedPolicy{}
	if v := m.Enabled; !v.IsUnknown() && !v.IsNull() {
		b := v.ValueBool()
		p.Enabled = &b
	}
	if v := m.IsUsableOnce; !v.IsUnknown() && !v.IsNull() {
		b := v.ValueBool()
		p.IsUsableOnce = &b
	}
	i32 := func(v types.Int64) *int32 {
		if v.IsUnknown() || v.IsNull() {
			return nil
		}
		n := int32(v.ValueInt64())
		return &n
	}
	p.MinimumLifetimeInMinutes = i32(m.MinimumLifetimeInMinutes)
	p.MaximumLifetimeInMinutes = i32(m.MaximumLifetimeInMinutes)
	if fullyKnown(ctx, m.IncludeTargets) && fullyKnown(ctx, m.ExcludeTargets) {
		var d diag.Diagnostics
		p.IncludeTargets, d = expandIncludeTargets(ctx, m.IncludeTargets)
		diags.Append(d...)
		p.ExcludeTargets, d = expandExcludeTargets(ctx, m.ExcludeTargets)
		diags.Append(d...)
		p.targetsKnown = true
	}
	return p, diags
}

// plannedDefaults is the policy a destroyed entratap_policy leaves: Microsoft's defaults.
func plannedDefaults() *plannedPolicy {
	d := graph.DefaultPolicy()
	return &plannedPolicy{Enabled: &d.Enabled, MinimumLifetimeInMinutes: &d.MinimumLifetimeInMinutes, MaximumLifetimeInMinutes: &d.MaximumLifetimeInMinutes,
		IsUsableOnce: &d.IsUsableOnce, IncludeTargets: d.IncludeTargets, ExcludeTargets: d.ExcludeTargets, targetsKnown: true}
}

func fullyKnown(ctx context.Context, s types.List) bool {
	if s.IsNull() {
		return true
	}
	v, err := s.ToTerraformValue(ctx)
	return err == nil && v.IsFullyKnown()
}

// describePolicy names a policy's state and targets, for error messages.
func describePolicy(p graph.Policy) string {
	state := "disabled"
	if p.Enabled {
		state = "enabled"
	}
	list := func(ts []graph.Target) string {
		if len(ts) == 0 {
			return "none"
		}
		var out []string
		for _, t := range ts {
			if t.ID == graph.AllUsers {
				out = append(out, "all users")
				continue
			}
			out = append(out, fmt.Sprintf("%s %s", t.TargetType, t.ID))
		}
		return strings.Join(out, ", ")
	}
	return fmt.Sprintf("state %s, include targets: %s; exclude targets: %s", state, list(p.IncludeTargets), list(p.ExcludeTargets))
}
