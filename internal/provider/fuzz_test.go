package provider

// Fuzz tests of what users type: the import id of entratap_pass, the
// policy's settings and the pass's inputs. No input may panic, and every
// refusal names the attribute (or, for the import id, the format). The
// seeds run in plain `go test`; `make fuzz` runs each target for FUZZTIME.

import (
	"context"
	"errors"
	"fmt"
	"github.com/google/uuid"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// FuzzPassImportID: an id is split at its last "/" into user_id and id,
// both non-empty and the id as given; anything else is refused with the
// expected format and the id quoted.
func FuzzPassImportID(f *testing.F) {
	for _, seed := range []string{
		"alice@contoso.example/6f5d2c1e-0000-4000-8000-000000000000",
		"a11ce000-0000-4000-8000-000000000001/6f5d2c1e",
		"guest_fabrikam.example#EXT#@contoso.example/x",
		"", "/", "//", "a/", "/b", "a//b", "a/b/c", " a/b", "a/b ", "a/b\n", "\ta/b",
		"é/ü", "\x00/\xff", "a\u00a0/b", strings.Repeat("a/", 1000),
	} {
		f.Add(seed)
	}
	ctx := context.Background()
	r := &PassResource{}
	var sresp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &sresp)
	typ := sresp.Schema.Type().TerraformType(ctx)
	f.Fuzz(func(t *testing.T, id string) {
		resp := &fwresource.ImportStateResponse{State: tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, nil)}}
		r.ImportState(ctx, fwresource.ImportStateRequest{ID: id}, resp)
		if resp.Diagnostics.HasError() {
			d := resp.Diagnostics.Errors()[0]
			if !strings.Contains(d.Detail(), "<user_id>/<pass_id>") || !strings.Contains(d.Detail(), fmt.Sprintf("%q", id)) {
				t.Fatalf("import id %q: the error names neither the format nor the id: %s: %s", id, d.Summary(), d.Detail())
			}
			return
		}
		var m passResourceModel
		if diags := resp.State.Get(ctx, &m); diags.HasError() {
			t.Fatalf("import id %q: reading the imported state: %v", id, diags)
		}
		user, pass := m.UserID.ValueString(), m.ID.ValueString()
		if user == "" || pass == "" || user+"/"+pass != id || strings.Contains(pass, "/") || strings.TrimSpace(id) != id {
			t.Fatalf("import id %q accepted as user_id %q, id %q", id, user, pass)
		}
	})
}

// fuzzIsGUID is an oracle independent of the validator's regular expression.
func fuzzIsGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range []byte(s) {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", rune(c)) {
				return false
			}
		}
	}
	return true
}

// fuzzErrorPaths returns the attributes the error diagnostics point at, and
// fails on an error that points nowhere or whose text does not name its attribute.
func fuzzErrorPaths(t *testing.T, diags diag.Diagnostics) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, d := range diags.Errors() {
		wp, ok := d.(diag.DiagnosticWithPath)
		if !ok || len(wp.Path().Steps()) == 0 {
			t.Fatalf("an error names no attribute: %s: %s", d.Summary(), d.Detail())
		}
		name := wp.Path().Steps()[0].String()
		if !strings.Contains(d.Summary()+" "+d.Detail(), name) {
			t.Fatalf("the error on %s does not say so: %s: %s", name, d.Summary(), d.Detail())
		}
		out[name] = true
	}
	return out
}

// FuzzPolicyValidate builds a policy from fuzzed lifetimes (each set,
// unset or unknown) and targets, and checks validatePolicy against an
// oracle of its rules.
func FuzzPolicyValidate(f *testing.F) {
	const guid = "0f6a9c4e-1b2d-4e3f-8a9b-0c1d2e3f4a5b"
	f.Add(int64(60), int64(60), int64(480), uint8(0), "all_users", "group", guid, "user", "")
	f.Add(int64(500), int64(60), int64(480), uint8(0), guid, "user", guid, "user", "")
	f.Add(int64(60), int64(30), int64(480), uint8(0), "all_users", "user", "all_users", "group", "")
	f.Add(int64(-1), int64(1<<62), int64(0), uint8(2), "not-a-guid", "", strings.ToUpper(guid), "Group", guid)
	f.Add(int64(10), int64(43200), int64(43200), uint8(0x5a), "", "group", "", "", "ALL_USERS")
	f.Add(int64(0), int64(0), int64(0), uint8(0xff), "\x00", "\xff", "é", "user", guid)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, minL, defL, maxL int64, mask uint8, incID, incType, excID, excType, incID2 string) {
		// Bits 0-2: min/default/max unset; 3-5: unknown; 6: no second include target; 7: targets unknown.
		lifetime := func(v int64, bit uint) types.Int64 {
			switch {
			case mask&(1<<bit) != 0:
				return types.Int64Null()
			case mask&(1<<(bit+3)) != 0:
				return types.Int64Unknown()
			}
			return types.Int64Value(v)
		}
		inc := []attr.Value{types.ObjectValueMust(includeTargetType.AttrTypes, map[string]attr.Value{
			"id": types.StringValue(incID), "target_type": types.StringValue(incType), "is_registration_required": types.BoolValue(false)})}
		incIDs := []string{incID}
		if mask&(1<<6) == 0 && incID2 != incID {
			inc = append(inc, types.ObjectValueMust(includeTargetType.AttrTypes, map[string]attr.Value{
				"id": types.StringValue(incID2), "target_type": types.StringValue("group"), "is_registration_required": types.BoolValue(true)}))
			incIDs = append(incIDs, incID2)
		}
		exc := []attr.Value{types.ObjectValueMust(excludeTargetType.AttrTypes, map[string]attr.Value{
			"id": types.StringValue(excID), "target_type": types.StringValue(excType)})}
		m := policyModel{
			MinimumLifetimeInMinutes: lifetime(minL, 0),
			DefaultLifetimeInMinutes: lifetime(defL, 1),
			MaximumLifetimeInMinutes: lifetime(maxL, 2),
			IncludeTargets:           types.ListValueMust(includeTargetType, inc),
			ExcludeTargets:           types.ListValueMust(excludeTargetType, exc),
		}
		targetsKnown := mask&(1<<7) == 0
		if !targetsKnown {
			m.IncludeTargets, m.ExcludeTargets = types.ListUnknown(includeTargetType), types.ListUnknown(excludeTargetType)
		}
		got := fuzzErrorPaths(t, validatePolicy(ctx, m))

		// The oracle, for what is fully known.
		want := map[string]bool{}
		// Unset lifetimes count with Graph's defaults; a check needs one of its values set.
		set := func(bit uint) bool { return mask&(1<<bit) == 0 && mask&(1<<(bit+3)) == 0 }
		unknown := func(bit uint) bool { return mask&(1<<bit) == 0 && mask&(1<<(bit+3)) != 0 }
		eff := func(v int64, bit uint, def int64) int64 {
			if set(bit) {
				return v
			}
			return def
		}
		if !unknown(0) && !unknown(1) && !unknown(2) {
			minE, defE, maxE := eff(minL, 0, 60), eff(defL, 1, 60), eff(maxL, 2, 480)
			want["minimum_lifetime_in_minutes"] = minE > maxE && (set(0) || set(2))
			want["default_lifetime_in_minutes"] = minE <= maxE && (defE < minE || defE > maxE) && (set(0) || set(1) || set(2))
		}
		if targetsKnown {
			typeOK := func(tt string) bool { return tt == "user" || tt == "group" }
			seen := map[string]bool{}
			incBad := false
			for i, id := range incIDs {
				tt := incType
				if i == 1 {
					tt = "group"
				}
				idOK := (id == "all_users" && tt == "group") || (id != "all_users" && fuzzIsGUID(id))
				incBad = incBad || !typeOK(tt) || !idOK || seen[strings.ToLower(id)]
				seen[strings.ToLower(id)] = true
			}
			want["include_targets"] = incBad
			want["exclude_targets"] = !typeOK(excType) || excID == "all_users" || !fuzzIsGUID(excID) || seen[strings.ToLower(excID)]
		}
		for name, bad := range want {
			if got[name] != bad {
				t.Fatalf("%s: error %v, want %v (min %d default %d max %d mask %08b include %q/%q, %q; exclude %q/%q)",
					name, got[name], bad, minL, defL, maxL, mask, incID, incType, incID2, excID, excType)
			}
		}
	})
}

// FuzzPassConfig validates fuzzed pass inputs through the provider's
// protocol server, for the resource and the ephemeral resource (schema
// validators included: user_id length, the lifetime's range, the RFC 3339
// start), and checks the answer against an oracle. What validates must then
// turn into Graph's request unchanged, and the plan-time check on the start
// names start_date_time.
func FuzzPassConfig(f *testing.F) {
	f.Add("alice@contoso.example", "2030-01-02T03:04:05Z", int64(60), uint8(0))
	f.Add("", "tomorrow", int64(5), uint8(0))
	f.Add("a", "2030-01-02T03:04:05+01:00", int64(43201), uint8(0))
	f.Add("a", "2030-01-02T03:04:05.999999999Z", int64(10), uint8(0))
	f.Add("a", "2020-01-02T03:04:05Z", int64(4294967356), uint8(0)) // past start; int32 wrap-around
	f.Add("a", "2030-02-30T25:61:61Z", int64(-9223372036854775808), uint8(1))
	f.Add("\x00", "", int64(43200), uint8(3))
	ctx := context.Background()
	srv, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		f.Fatal(err)
	}
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		f.Fatal(err)
	}
	encode := func(t *testing.T, schema *tfprotov6.Schema, vals map[string]tftypes.Value) *tfprotov6.DynamicValue {
		typ := schema.ValueType().(tftypes.Object)
		all := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			all[name] = tftypes.NewValue(at, nil)
			if v, ok := vals[name]; ok {
				all[name] = v
			}
		}
		dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, all))
		if err != nil {
			t.Fatal(err)
		}
		return &dv
	}
	f.Fuzz(func(t *testing.T, userID, start string, lifetime int64, mask uint8) {
		// Bit 0: no start_date_time; bit 1: no lifetime_in_minutes.
		vals := map[string]tftypes.Value{"user_id": tftypes.NewValue(tftypes.String, userID)}
		startSet, lifetimeSet := mask&1 == 0, mask&2 == 0
		if startSet {
			vals["start_date_time"] = tftypes.NewValue(tftypes.String, start)
		}
		if lifetimeSet {
			vals["lifetime_in_minutes"] = tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(lifetime))
		}
		st, parseErr := time.Parse(time.RFC3339, start)
		if _, off := st.Zone(); parseErr == nil && (off > 14*3600 || off < -14*3600 || st.Add(30*24*time.Hour).After(time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC))) {
			parseErr = errors.New("no real offset, or too late to expire before the year 10000")
		}
		want := map[string]bool{
			"user_id":             !isUserKey(userID),
			"start_date_time":     startSet && parseErr != nil,
			"lifetime_in_minutes": lifetimeSet && (lifetime < minLifetime || lifetime > maxLifetime),
		}
		check := func(kind string, diags []*tfprotov6.Diagnostic) {
			got := map[string]bool{}
			for _, d := range diags {
				if d.Severity != tfprotov6.DiagnosticSeverityError {
					continue
				}
				if d.Attribute == nil || len(d.Attribute.Steps()) == 0 {
					t.Fatalf("%s: an error names no attribute: %s: %s", kind, d.Summary, d.Detail)
				}
				name, _ := d.Attribute.Steps()[0].(tftypes.AttributeName)
				if !strings.Contains(d.Summary+" "+d.Detail, string(name)) {
					t.Fatalf("%s: the error on %s does not say so: %s: %s", kind, name, d.Summary, d.Detail)
				}
				got[string(name)] = true
			}
			for name, bad := range want {
				if got[name] != bad {
					t.Fatalf("%s: %s: error %v, want %v (user_id %q, start %q set %v, lifetime %d set %v)", kind, name, got[name], bad, userID, start, startSet, lifetime, lifetimeSet)
				}
			}
		}
		rresp, err := srv.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{
			TypeName: "entratap_pass", Config: encode(t, schemas.ResourceSchemas["entratap_pass"], vals)})
		if err != nil {
			t.Fatal(err)
		}
		check("entratap_pass", rresp.Diagnostics)
		eresp, err := srv.ValidateEphemeralResourceConfig(ctx, &tfprotov6.ValidateEphemeralResourceConfigRequest{
			TypeName: "entratap_pass", Config: encode(t, schemas.EphemeralResourceSchemas["entratap_pass"], vals)})
		if err != nil {
			t.Fatal(err)
		}
		check("ephemeral entratap_pass", eresp.Diagnostics)

		// The validator on its own.
		vresp := &validator.StringResponse{}
		rfc3339Validator{}.ValidateString(ctx, validator.StringRequest{Path: path.Root("start_date_time"), ConfigValue: types.StringValue(start)}, vresp)
		if vresp.Diagnostics.HasError() != (parseErr != nil) {
			t.Fatalf("rfc3339Validator(%q): error %v, time.Parse: %v", start, vresp.Diagnostics.HasError(), parseErr)
		}
		if want["start_date_time"] || want["lifetime_in_minutes"] {
			return
		}

		// Valid inputs reach Graph's request as given, and the plan-time check names start_date_time.
		in := passInputs{UserID: types.StringValue(userID), StartDateTime: types.StringNull(), LifetimeInMinutes: types.Int64Null(), IsUsableOnce: types.BoolNull()}
		if startSet {
			in.StartDateTime = types.StringValue(start)
		}
		if lifetimeSet {
			in.LifetimeInMinutes = types.Int64Value(lifetime)
		}
		np, err := in.newPass()
		if err != nil {
			t.Fatalf("newPass of validated inputs: %v", err)
		}
		if lifetimeSet && (np.LifetimeInMinutes == nil || int64(*np.LifetimeInMinutes) != lifetime) {
			t.Fatalf("lifetime_in_minutes %d reached Graph as %v", lifetime, np.LifetimeInMinutes)
		}
		_, diags := checkNewPass(ctx, nil, nil, in, true)
		for name := range fuzzErrorPaths(t, diags) {
			if name != "start_date_time" {
				t.Fatalf("checkNewPass without a client: error on %s", name)
			}
		}
		if startSet && np.StartDateTime != nil {
			past := np.StartDateTime.Before(time.Now().Add(-passStartSlack))
			if margin := time.Until(np.StartDateTime.Add(passStartSlack)).Abs(); margin > time.Second && past != diags.HasError() {
				t.Fatalf("start %s: in the past %v, error %v", start, past, diags.HasError())
			}
		}
	})
}

// isUserKey is the fuzz oracle of what a user_id is, written apart from the validator: an
// object id (a 36-character GUID) or local@domain with a dot in the domain, and no spaces,
// slashes or second @.
func isUserKey(v string) bool {
	if _, err := uuid.Parse(v); err == nil && len(v) == 36 {
		return true
	}
	local, domain, ok := strings.Cut(v, "@")
	if !ok || local == "" || strings.ContainsAny(v, "/\\ \t\n\f\r") || strings.Contains(domain, "@") {
		return false
	}
	for j := 1; j < len(domain)-1; j++ {
		if domain[j] == '.' {
			return true
		}
	}
	return false
}
