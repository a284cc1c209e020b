package provider

// The `passes` attribute of entratap_passes is dynamic and decoded here, not a nested map:
// terraform-plugin-framework v1.19 copies a nested map's elements once per element while
// validating and planning (fwserver.mapElemObject), quadratic in the wave: 5,000 entries
// cost seconds of CPU and hundreds of MB per plan. As a dynamic value the framework hands it
// over whole, and this file checks its shape with the same rules and messages as the typed
// attributes of entratap_pass.

import (
	"context"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// waveSettings are the settings an entry of passes may hold, in the order the docs list them.
var waveSettings = []string{"user_id", "start_date_time", "lifetime_in_minutes", "is_usable_once"}

// waveAt is the path of one setting of one entry.
func waveAt(key, setting string) path.Path { return path.Root("passes").AtMapKey(key).AtName(setting) }

// waveElements returns the entries of a passes value, a map or an object; known is false
// when the value or its set of keys is not known yet.
func waveElements(v types.Dynamic) (elems map[string]attr.Value, known bool, err error) {
	if v.IsNull() || v.IsUnderlyingValueNull() {
		return nil, true, nil
	}
	if v.IsUnknown() || v.IsUnderlyingValueUnknown() {
		return nil, false, nil
	}
	switch u := v.UnderlyingValue().(type) {
	case basetypes.ObjectValue:
		return u.Attributes(), true, nil
	case basetypes.MapValue:
		return u.Elements(), true, nil
	default:
		return nil, true, fmt.Errorf("is a %s", friendlyType(u))
	}
}

// settingsOf returns an entry's settings: an object or a map; nil when unknown.
func settingsOf(v attr.Value) (map[string]attr.Value, error) {
	if d, ok := v.(basetypes.DynamicValue); ok {
		if d.IsUnknown() || d.IsUnderlyingValueUnknown() {
			return nil, nil
		}
		v = d.UnderlyingValue()
	}
	switch u := v.(type) {
	case basetypes.ObjectValue:
		if u.IsUnknown() {
			return nil, nil
		}
		if u.IsNull() {
			return nil, fmt.Errorf("is null")
		}
		return u.Attributes(), nil
	case basetypes.MapValue:
		if u.IsUnknown() {
			return nil, nil
		}
		if u.IsNull() {
			return nil, fmt.Errorf("is null")
		}
		return u.Elements(), nil
	default:
		return nil, fmt.Errorf("is a %s", friendlyType(v))
	}
}

func friendlyType(v attr.Value) string {
	switch v.(type) {
	case basetypes.StringValue:
		return "string"
	case basetypes.NumberValue, basetypes.Int64Value, basetypes.Float64Value:
		return "number"
	case basetypes.BoolValue:
		return "bool"
	case basetypes.ListValue, basetypes.TupleValue:
		return "list"
	case basetypes.SetValue:
		return "set"
	case nil:
		return "null"
	}
	return "value of another kind"
}

// decodeWave reads the entries of passes, with an error for each malformed one (named by
// key and setting); nil with no diagnostics when the set of entries is not known yet.
// Unknown settings stay unknown; a setting that is absent or null is unset.
func decodeWave(ctx context.Context, v types.Dynamic, diags *diag.Diagnostics) map[string]waveEntry {
	elems, known, err := waveElements(v)
	if err != nil {
		diags.AddAttributeError(path.Root("passes"), "Invalid passes",
			fmt.Sprintf("passes %s; it must be a map from keys of your choice to entries such as { user_id = \"alice@contoso.com\" }.", err))
		return nil
	}
	if !known {
		return nil
	}
	out := make(map[string]waveEntry, len(elems))
	for k, ev := range elems {
		e := waveEntry{UserID: types.StringUnknown(), StartDateTime: types.StringNull(), LifetimeInMinutes: types.Int64Null(), IsUsableOnce: types.BoolNull()}
		settings, err := settingsOf(ev)
		if err != nil {
			diags.AddAttributeError(path.Root("passes").AtMapKey(k), "Invalid entry in passes",
				fmt.Sprintf("passes[%q] %s; each entry is an object such as { user_id = \"alice@contoso.com\", lifetime_in_minutes = 60 }.", k, err))
			continue
		}
		if settings == nil { // unknown entry
			out[k] = e
			continue
		}
		for _, name := range slices.Sorted(maps.Keys(settings)) {
			if !slices.Contains(waveSettings, name) {
				diags.AddAttributeError(path.Root("passes").AtMapKey(k), "Unsupported setting in passes",
					fmt.Sprintf("passes[%q] has a setting %q; an entry may set %s.", k, name, strings.Join(waveSettings, ", ")))
			}
		}
		e.UserID = waveString(k, "user_id", settings["user_id"], diags)
		e.StartDateTime = waveString(k, "start_date_time", settings["start_date_time"], diags)
		e.LifetimeInMinutes = waveMinutes(k, settings["lifetime_in_minutes"], diags)
		e.IsUsableOnce = waveBool(k, settings["is_usable_once"], diags)
		if e.UserID.IsNull() || (!e.UserID.IsUnknown() && e.UserID.ValueString() == "") {
			diags.AddAttributeError(waveAt(k, "user_id"), "Missing user_id in passes",
				fmt.Sprintf("passes[%q] has no user_id: each entry names its user, by object id or user principal name (alice@contoso.com).", k))
		} else {
			validateString(ctx, userKeyValidator{}, waveAt(k, "user_id"), e.UserID, diags)
		}
		validateString(ctx, rfc3339Validator{}, waveAt(k, "start_date_time"), e.StartDateTime, diags)
		validateInt64(ctx, int64validator.Between(minLifetime, maxLifetime), waveAt(k, "lifetime_in_minutes"), e.LifetimeInMinutes, diags)
		out[k] = e
	}
	return out
}

// scalar unwraps a dynamic value; ok is false when the value is absent or null.
func scalar(v attr.Value) (attr.Value, bool) {
	if d, isDyn := v.(basetypes.DynamicValue); isDyn {
		if d.IsNull() || d.IsUnderlyingValueNull() {
			return nil, false
		}
		if d.IsUnknown() || d.IsUnderlyingValueUnknown() {
			return basetypes.NewDynamicUnknown(), true
		}
		v = d.UnderlyingValue()
	}
	if v == nil || v.IsNull() {
		return nil, false
	}
	return v, true
}

func wrongType(k, name, want string, v attr.Value, diags *diag.Diagnostics) {
	diags.AddAttributeError(waveAt(k, name), "Invalid "+name+" in passes",
		fmt.Sprintf("passes[%q].%s must be a %s, got a %s.", k, name, want, friendlyType(v)))
}

func waveString(k, name string, v attr.Value, diags *diag.Diagnostics) types.String {
	v, ok := scalar(v)
	switch {
	case !ok:
		return types.StringNull()
	case v.IsUnknown():
		return types.StringUnknown()
	}
	if s, isString := v.(basetypes.StringValue); isString {
		return types.StringValue(s.ValueString())
	}
	wrongType(k, name, "string", v, diags)
	return types.StringNull()
}

// waveMinutes reads a whole number of minutes; a string of digits is taken as Terraform
// would convert it for a number attribute.
func waveMinutes(k string, v attr.Value, diags *diag.Diagnostics) types.Int64 {
	const name = "lifetime_in_minutes"
	v, ok := scalar(v)
	switch {
	case !ok:
		return types.Int64Null()
	case v.IsUnknown():
		return types.Int64Unknown()
	}
	var f *big.Float
	switch n := v.(type) {
	case basetypes.NumberValue:
		f = n.ValueBigFloat()
	case basetypes.Int64Value:
		return types.Int64Value(n.ValueInt64())
	case basetypes.StringValue:
		if g, _, err := big.ParseFloat(strings.TrimSpace(n.ValueString()), 10, 512, big.ToNearestEven); err == nil {
			f = g
		} else {
			diags.AddAttributeError(waveAt(k, name), "Invalid lifetime_in_minutes in passes",
				fmt.Sprintf("passes[%q].lifetime_in_minutes = %q is not a number of minutes.", k, n.ValueString()))
			return types.Int64Null()
		}
	default:
		wrongType(k, name, "number", v, diags)
		return types.Int64Null()
	}
	i, acc := f.Int64()
	if !f.IsInt() || acc != big.Exact {
		diags.Append(notWholeMinutesDiag(waveAt(k, name), f.Text('g', 10)))
		return types.Int64Null()
	}
	return types.Int64Value(i)
}

func waveBool(k string, v attr.Value, diags *diag.Diagnostics) types.Bool {
	const name = "is_usable_once"
	v, ok := scalar(v)
	switch {
	case !ok:
		return types.BoolNull()
	case v.IsUnknown():
		return types.BoolUnknown()
	}
	switch b := v.(type) {
	case basetypes.BoolValue:
		return types.BoolValue(b.ValueBool())
	case basetypes.StringValue:
		if x, err := strconv.ParseBool(b.ValueString()); err == nil && (b.ValueString() == "true" || b.ValueString() == "false") {
			return types.BoolValue(x)
		}
	}
	wrongType(k, name, "bool (true or false)", v, diags)
	return types.BoolNull()
}

// validateString runs a typed attribute's validator on a decoded setting, so that an entry
// of passes gets the same message as the attribute of entratap_pass.
func validateString(ctx context.Context, v validator.String, p path.Path, s types.String, diags *diag.Diagnostics) {
	if s.IsNull() || s.IsUnknown() {
		return
	}
	resp := &validator.StringResponse{}
	v.ValidateString(ctx, validator.StringRequest{Path: p, PathExpression: p.Expression(), ConfigValue: s}, resp)
	diags.Append(resp.Diagnostics...)
}

func validateInt64(ctx context.Context, v validator.Int64, p path.Path, n types.Int64, diags *diag.Diagnostics) {
	if n.IsNull() || n.IsUnknown() {
		return
	}
	resp := &validator.Int64Response{}
	v.ValidateInt64(ctx, validator.Int64Request{Path: p, PathExpression: p.Expression(), ConfigValue: n}, resp)
	diags.Append(resp.Diagnostics...)
}

// waveValue is the passes value of imported entries: each entry's user, nothing else (the
// usual configuration's shape, so that the plan after an import shows no change there).
func waveValue(users map[string]string) types.Dynamic {
	attrTypes := make(map[string]attr.Type, len(users))
	vals := make(map[string]attr.Value, len(users))
	entryType := map[string]attr.Type{"user_id": types.StringType}
	for k, u := range users {
		attrTypes[k] = types.ObjectType{AttrTypes: entryType}
		vals[k] = types.ObjectValueMust(entryType, map[string]attr.Value{"user_id": types.StringValue(u)})
	}
	return types.DynamicValue(types.ObjectValueMust(attrTypes, vals))
}

// importedWaveValue is the passes value of an imported wave once its passes are read: each entry's
// user_id as imported and the settings of its pass, as a configuration that issued it would set them
// (lifetime_in_minutes; is_usable_once when true; start_date_time when the pass was delayed), so
// that the first plan of a configuration written the same way changes nothing (Read has no
// configuration to copy).
func importedWaveValue(had map[string]issuedEntry) types.Dynamic {
	attrTypes := make(map[string]attr.Type, len(had))
	vals := make(map[string]attr.Value, len(had))
	for k, e := range had {
		et := map[string]attr.Type{"user_id": types.StringType}
		ev := map[string]attr.Value{"user_id": e.UserID}
		if !e.LifetimeInMinutes.IsNull() {
			et["lifetime_in_minutes"], ev["lifetime_in_minutes"] = types.NumberType, types.NumberValue(new(big.Float).SetInt64(e.LifetimeInMinutes.ValueInt64()))
		}
		if e.IsUsableOnce.ValueBool() {
			et["is_usable_once"], ev["is_usable_once"] = types.BoolType, e.IsUsableOnce
		}
		if !e.StartDateTime.IsNull() && e.StartDateTime.ValueString() != e.CreatedDateTime.ValueString() {
			et["start_date_time"], ev["start_date_time"] = types.StringType, e.StartDateTime
		}
		attrTypes[k] = types.ObjectType{AttrTypes: et}
		vals[k] = types.ObjectValueMust(et, ev)
	}
	return types.DynamicValue(types.ObjectValueMust(attrTypes, vals))
}
