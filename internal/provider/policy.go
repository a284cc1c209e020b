package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

// The TAP policy is a tenant-wide singleton with this id.
const policyID = "TemporaryAccessPass"

// Graph's ranges, from the API contract.
const (
	minLifetime = 10
	maxLifetime = 43200
	minLength   = 8
	maxLength   = 48
)

// Microsoft's defaults: the resource's schema defaults, their docs and the
// plan-time checks of unset lifetimes all take them from here.
var policyDefaults = graph.DefaultPolicy()

// policyModel is the schema shared by the resource and the data source.
type policyModel struct {
	ID                       types.String `tfsdk:"id"`
	Enabled                  types.Bool   `tfsdk:"enabled"`
	DefaultLifetimeInMinutes types.Int64  `tfsdk:"default_lifetime_in_minutes"`
	MinimumLifetimeInMinutes types.Int64  `tfsdk:"minimum_lifetime_in_minutes"`
	MaximumLifetimeInMinutes types.Int64  `tfsdk:"maximum_lifetime_in_minutes"`
	DefaultLength            types.Int64  `tfsdk:"default_length"`
	IsUsableOnce             types.Bool   `tfsdk:"is_usable_once"`
	IncludeTargets           types.List   `tfsdk:"include_targets"`
	ExcludeTargets           types.List   `tfsdk:"exclude_targets"`
}

type includeTargetModel struct {
	ID                     types.String `tfsdk:"id"`
	TargetType             types.String `tfsdk:"target_type"`
	IsRegistrationRequired types.Bool   `tfsdk:"is_registration_required"`
}

type excludeTargetModel struct {
	ID         types.String `tfsdk:"id"`
	TargetType types.String `tfsdk:"target_type"`
}

var (
	includeTargetType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"id": types.StringType, "target_type": types.StringType, "is_registration_required": types.BoolType,
	}}
	excludeTargetType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"id": types.StringType, "target_type": types.StringType,
	}}
)

// Descriptions shared by the resource's and the data source's schemas.
var policyDocs = map[string]string{
	"id":      "Always `TemporaryAccessPass`: the policy is a singleton of the tenant.",
	"enabled": "Whether Temporary Access Pass sign-in is enabled for the targeted users. Defaults to `true`.",
	"default_lifetime_in_minutes": fmt.Sprintf("The lifetime of a pass issued without one, %d–%d minutes, between the minimum and the maximum. Defaults to `%d`.",
		minLifetime, maxLifetime, policyDefaults.DefaultLifetimeInMinutes),
	"minimum_lifetime_in_minutes": fmt.Sprintf("The shortest lifetime a pass may have, %d–%d minutes. Defaults to `%d`.",
		minLifetime, maxLifetime, policyDefaults.MinimumLifetimeInMinutes),
	"maximum_lifetime_in_minutes": fmt.Sprintf("The longest lifetime a pass may have, %d–%d minutes. Defaults to `%d`.",
		minLifetime, maxLifetime, policyDefaults.MaximumLifetimeInMinutes),
	"default_length": fmt.Sprintf("The number of characters of a pass's code, %d–%d. Defaults to `%d`.",
		minLength, maxLength, policyDefaults.DefaultLength),
	"is_usable_once": fmt.Sprintf("When `true`, every pass in the tenant is one-time: it signs its user in once. Defaults to `%t`.",
		policyDefaults.IsUsableOnce),
	"include_targets":                 "Who may sign in with a pass: groups or users, or the group `all_users` for everyone. Defaults to everyone.",
	"exclude_targets":                 "Groups or users who may never sign in with a pass, even when included. Defaults to none.",
	"target.id":                       "The object id (GUID) of the group or user; `all_users` (with `target_type = \"group\"`) means everyone.",
	"target.target_type":              "`group` or `user`.",
	"target.is_registration_required": "Whether the targeted users are required to register the method. Defaults to `false`.",
}

// What the target lists' docs add, in the resource and in the data source.
const (
	targetsOrderDoc = " The order is kept as written and means nothing to Entra: reordering the list shows as an update in place that writes no targets. " +
		"A target may be listed once (ids compared case-insensitively)."
	targetsOrderDataDoc = " In the order Graph answers."
)

func flattenPolicy(p *graph.Policy) policyModel {
	inc := make([]attr.Value, 0, len(p.IncludeTargets))
	for _, t := range p.IncludeTargets {
		inc = append(inc, types.ObjectValueMust(includeTargetType.AttrTypes, map[string]attr.Value{
			"id": types.StringValue(t.ID), "target_type": types.StringValue(t.TargetType), "is_registration_required": types.BoolValue(t.IsRegistrationRequired),
		}))
	}
	exc := make([]attr.Value, 0, len(p.ExcludeTargets))
	for _, t := range p.ExcludeTargets {
		exc = append(exc, types.ObjectValueMust(excludeTargetType.AttrTypes, map[string]attr.Value{
			"id": types.StringValue(t.ID), "target_type": types.StringValue(t.TargetType),
		}))
	}
	return policyModel{
		ID:                       types.StringValue(policyID),
		Enabled:                  types.BoolValue(p.Enabled),
		DefaultLifetimeInMinutes: types.Int64Value(int64(p.DefaultLifetimeInMinutes)),
		MinimumLifetimeInMinutes: types.Int64Value(int64(p.MinimumLifetimeInMinutes)),
		MaximumLifetimeInMinutes: types.Int64Value(int64(p.MaximumLifetimeInMinutes)),
		DefaultLength:            types.Int64Value(int64(p.DefaultLength)),
		IsUsableOnce:             types.BoolValue(p.IsUsableOnce),
		IncludeTargets:           types.ListValueMust(includeTargetType, inc),
		ExcludeTargets:           types.ListValueMust(excludeTargetType, exc),
	}
}

// expandPolicy reads a fully known plan into the graph type.
func expandPolicy(ctx context.Context, m policyModel) (graph.Policy, diag.Diagnostics) {
	var diags diag.Diagnostics
	p := graph.Policy{
		Enabled:                  m.Enabled.ValueBool(),
		DefaultLifetimeInMinutes: int32(m.DefaultLifetimeInMinutes.ValueInt64()),
		MinimumLifetimeInMinutes: int32(m.MinimumLifetimeInMinutes.ValueInt64()),
		MaximumLifetimeInMinutes: int32(m.MaximumLifetimeInMinutes.ValueInt64()),
		DefaultLength:            int32(m.DefaultLength.ValueInt64()),
		IsUsableOnce:             m.IsUsableOnce.ValueBool(),
	}
	p.IncludeTargets, diags = expandIncludeTargets(ctx, m.IncludeTargets)
	exc, d := expandExcludeTargets(ctx, m.ExcludeTargets)
	diags.Append(d...)
	p.ExcludeTargets = exc
	return p, diags
}

// expandIncludeTargets keeps the list's order: the order Graph is sent and the state keeps.
func expandIncludeTargets(ctx context.Context, s types.List) ([]graph.Target, diag.Diagnostics) {
	var ms []includeTargetModel
	diags := s.ElementsAs(ctx, &ms, false)
	out := make([]graph.Target, 0, len(ms))
	for _, t := range ms {
		out = append(out, graph.Target{ID: t.ID.ValueString(), TargetType: t.TargetType.ValueString(), IsRegistrationRequired: t.IsRegistrationRequired.ValueBool()})
	}
	return out, diags
}

func expandExcludeTargets(ctx context.Context, s types.List) ([]graph.Target, diag.Diagnostics) {
	var ms []excludeTargetModel
	diags := s.ElementsAs(ctx, &ms, false)
	out := make([]graph.Target, 0, len(ms))
	for _, t := range ms {
		out = append(out, graph.Target{ID: t.ID.ValueString(), TargetType: t.TargetType.ValueString()})
	}
	return out, diags
}

// targetKey is how a target is matched between the config, the state and Graph:
// object ids are GUIDs, which Graph compares case-insensitively; all_users is a literal.
func targetKey(id string) string {
	if guidRE.MatchString(id) {
		return strings.ToLower(id)
	}
	return id
}

// orderLike returns got (Graph's answer) in prior's order: the targets prior
// lists first, in its order, then the others in Graph's order. Terraform needs
// the state of a configured list to keep the config's order, and Entra keeps none.
// A new slice: got may be shared (the policy cache).
func orderLike(prior, got []graph.Target) []graph.Target {
	if len(prior) == 0 || len(got) == 0 {
		return got
	}
	rank := make(map[string]int, len(prior))
	for i, t := range prior {
		if _, dup := rank[targetKey(t.ID)]; !dup {
			rank[targetKey(t.ID)] = i
		}
	}
	byRank := make([]*graph.Target, len(prior))
	out := make([]graph.Target, 0, len(got))
	var rest []graph.Target
	for i := range got {
		if r, ok := rank[targetKey(got[i].ID)]; ok && byRank[r] == nil {
			byRank[r] = &got[i]
			continue
		}
		rest = append(rest, got[i])
	}
	for _, t := range byRank {
		if t != nil {
			out = append(out, *t)
		}
	}
	return append(out, rest...)
}

// sameTargets reports whether a and b hold the same targets, in any order.
func sameTargets(a, b []graph.Target) bool {
	if len(a) != len(b) {
		return false
	}
	count := make(map[graph.Target]int, len(a))
	for _, t := range a {
		count[t]++
	}
	for _, t := range b {
		if count[t] == 0 {
			return false
		}
		count[t]--
	}
	return true
}

// validatePolicy checks what the API would refuse, on whatever is known at
// plan time, and names the attribute and the allowed values.
func validatePolicy(ctx context.Context, m policyModel) diag.Diagnostics {
	var diags diag.Diagnostics
	known := func(v types.Int64) bool { return !v.IsNull() && !v.IsUnknown() }
	minL, defL, maxL := m.MinimumLifetimeInMinutes, m.DefaultLifetimeInMinutes, m.MaximumLifetimeInMinutes
	// Unset values take Graph's defaults, which the checks must see too.
	val := func(v types.Int64, d int64) (int64, bool) {
		if v.IsUnknown() {
			return 0, false
		}
		if v.IsNull() {
			return d, true
		}
		return v.ValueInt64(), true
	}
	minV, minOK := val(minL, int64(policyDefaults.MinimumLifetimeInMinutes))
	defV, defOK := val(defL, int64(policyDefaults.DefaultLifetimeInMinutes))
	maxV, maxOK := val(maxL, int64(policyDefaults.MaximumLifetimeInMinutes))
	if minOK && maxOK && minV > maxV && (known(minL) || known(maxL)) {
		diags.AddAttributeError(path.Root("minimum_lifetime_in_minutes"), "Invalid lifetime range",
			fmt.Sprintf("minimum_lifetime_in_minutes (%d) must not exceed maximum_lifetime_in_minutes (%d).", minV, maxV))
	}
	if defOK && minOK && maxOK && minV <= maxV && (defV < minV || defV > maxV) && (known(defL) || known(minL) || known(maxL)) {
		diags.AddAttributeError(path.Root("default_lifetime_in_minutes"), "Invalid default lifetime",
			fmt.Sprintf("default_lifetime_in_minutes (%d) must lie between minimum_lifetime_in_minutes (%d) and maximum_lifetime_in_minutes (%d).", defV, minV, maxV))
	}

	included := map[string]bool{}
	if !m.IncludeTargets.IsNull() && !m.IncludeTargets.IsUnknown() {
		var ts []includeTargetModel
		diags.Append(m.IncludeTargets.ElementsAs(ctx, &ts, true)...)
		for _, t := range ts {
			diags.Append(validateTarget("include_targets", t.ID, t.TargetType, true, included)...)
		}
	}
	if !m.ExcludeTargets.IsNull() && !m.ExcludeTargets.IsUnknown() {
		excluded := map[string]bool{}
		var ts []excludeTargetModel
		diags.Append(m.ExcludeTargets.ElementsAs(ctx, &ts, true)...)
		for _, t := range ts {
			diags.Append(validateTarget("exclude_targets", t.ID, t.TargetType, false, excluded)...)
			if !t.ID.IsUnknown() && included[strings.ToLower(t.ID.ValueString())] {
				diags.AddAttributeError(path.Root("exclude_targets"), "Target both included and excluded",
					fmt.Sprintf("%q is in include_targets and in exclude_targets; a target may be in one of them only.", t.ID.ValueString()))
			}
		}
	}
	return diags
}

func validateTarget(attrName string, id, targetType types.String, include bool, seen map[string]bool) diag.Diagnostics {
	var diags diag.Diagnostics
	p := path.Root(attrName)
	if id.IsUnknown() || targetType.IsUnknown() {
		return diags
	}
	idv, tt := id.ValueString(), targetType.ValueString()
	if tt != "user" && tt != "group" {
		diags.AddAttributeError(p, "Invalid target type", fmt.Sprintf("%s: target_type of %q must be \"user\" or \"group\", got %q.", attrName, idv, tt))
	}
	switch {
	case idv == graph.AllUsers && include && tt == "group":
	case idv == graph.AllUsers && include:
		diags.AddAttributeError(p, "Invalid target", fmt.Sprintf("%s: %q must have target_type = \"group\".", attrName, graph.AllUsers))
	case idv == graph.AllUsers:
		diags.AddAttributeError(p, "Invalid target", fmt.Sprintf("%s: %q cannot be excluded; to turn passes off for everyone set enabled = false.", attrName, graph.AllUsers))
	case !guidRE.MatchString(idv):
		allowed := "an object id (GUID) of a group or user"
		if include {
			allowed += ", or \"all_users\""
		}
		diags.AddAttributeError(p, "Invalid target id", fmt.Sprintf("%s: id must be %s, got %q.", attrName, allowed, idv))
	}
	key := strings.ToLower(idv)
	if seen[key] {
		diags.AddAttributeError(p, "Duplicate target", fmt.Sprintf("%s: %q is listed more than once.", attrName, idv))
	}
	seen[key] = true
	return diags
}
