package provider

// Shared by the entratap_pass resource, data source and ephemeral resource: the attributes
// they have in common, their descriptions, and the inputs a new pass is created from.

import (
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

// How far in the past start_date_time may lie, for clocks that differ a little.
const passStartSlack = time.Minute

// Descriptions shared by the schemas of the three pass types.
var passDocs = map[string]string{
	"user_id": "The user who gets the pass: an object id (GUID) or a user principal name (`alice@contoso.com`).",
	"start_date_time": "When the pass becomes usable, as an RFC 3339 timestamp (`2025-09-01T07:30:00Z`). " +
		"Omitted: usable at once, and the attribute then holds the pass's actual start. Must not lie in the past.",
	"lifetime_in_minutes": fmt.Sprintf("How long the pass stays usable from its start, %d–%d minutes, within the range the tenant's policy allows "+
		"(checked at plan time). Omitted: the policy's default lifetime.", minLifetime, maxLifetime),
	"is_usable_once": "Whether the pass signs the user in only once. Omitted: the policy's setting. " +
		"`false` is refused when the policy requires one-time passes (checked at plan time).",
	"replace_existing": "A user holds at most one pass, and Microsoft Graph silently deletes the old one when a new one is created. " +
		"With `false` (the default), creating fails when the user already has a usable or not-yet-valid pass that Terraform does not manage here, " +
		"and the error names that pass; expired and used passes are replaced without asking. Set `true` to replace whatever pass the user has.",
	"id":                    "The id of the pass.",
	"temporary_access_pass": "The code the user signs in with. Microsoft Graph returns it only when the pass is created, never again.",
	"user_object_id":        "The user's object id (GUID), resolved from `user_id`.",
	"created_date_time":     "When the pass was created (RFC 3339).",
	"expiration_date_time":  "When the pass stops being usable: its start plus its lifetime (RFC 3339).",
	"is_usable":             "Whether the user can sign in with the pass now.",
	"method_usability_reason": "Why the pass is or is not usable now: `EnabledByPolicy`, `DisabledByPolicy` (the policy is disabled or does not target the user), " +
		"`NotYetValid` (before its start), `Expired` or `OneTimeUsed`; for a pass resource whose user was deleted, `UserNotFound`.",
}

// passFields are the attributes that describe an issued pass, common to all three types.
type passFields struct {
	ID                    types.String `tfsdk:"id"`
	UserObjectID          types.String `tfsdk:"user_object_id"`
	StartDateTime         types.String `tfsdk:"start_date_time"`
	LifetimeInMinutes     types.Int64  `tfsdk:"lifetime_in_minutes"`
	IsUsableOnce          types.Bool   `tfsdk:"is_usable_once"`
	CreatedDateTime       types.String `tfsdk:"created_date_time"`
	ExpirationDateTime    types.String `tfsdk:"expiration_date_time"`
	IsUsable              types.Bool   `tfsdk:"is_usable"`
	MethodUsabilityReason types.String `tfsdk:"method_usability_reason"`
}

// setFrom copies what Graph says about the pass. The inputs a pass is
// created with never change (Graph has no update), so a configured value is
// kept as written (its format included) and only unset ones are filled in.
func (f *passFields) setFrom(userObjectID string, p *graph.Pass) {
	f.ID = types.StringValue(p.ID)
	f.UserObjectID = types.StringValue(userObjectID)
	f.CreatedDateTime = types.StringValue(passTime(p.CreatedDateTime))
	f.ExpirationDateTime = types.StringValue(passTime(p.ExpirationDateTime()))
	f.IsUsable = types.BoolValue(p.IsUsable)
	f.MethodUsabilityReason = types.StringValue(p.MethodUsabilityReason)
	if f.StartDateTime.IsNull() || f.StartDateTime.IsUnknown() {
		f.StartDateTime = types.StringValue(passTime(p.StartDateTime))
	}
	if f.LifetimeInMinutes.IsNull() || f.LifetimeInMinutes.IsUnknown() {
		f.LifetimeInMinutes = types.Int64Value(int64(p.LifetimeInMinutes))
	}
	if f.IsUsableOnce.IsNull() || f.IsUsableOnce.IsUnknown() {
		f.IsUsableOnce = types.BoolValue(p.IsUsableOnce)
	}
}

func passTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// createdAt is a pass's created_date_time as a time (zero when unknown), for GetPass to judge
// its age by Graph's clock.
func createdAt(created types.String) time.Time {
	t, err := time.Parse(time.RFC3339, created.ValueString())
	if err != nil {
		return time.Time{}
	}
	return t
}

// passInputs are what a new pass is created from, as configured.
type passInputs struct {
	UserID            types.String
	StartDateTime     types.String
	LifetimeInMinutes types.Int64
	IsUsableOnce      types.Bool
	ReplaceExisting   types.Bool
	RevokeOnClose     types.Bool // the ephemeral pass only
}

// newPass turns fully known inputs into Graph's request; unset values are left to the policy.
func (in passInputs) newPass() (graph.NewPass, error) {
	var np graph.NewPass
	if s := in.StartDateTime; !s.IsNull() && !s.IsUnknown() {
		t, err := time.Parse(time.RFC3339, s.ValueString())
		if err != nil {
			return np, fmt.Errorf("start_date_time %q is not an RFC 3339 timestamp: %v", s.ValueString(), err)
		}
		np.StartDateTime = &t
	}
	if l := in.LifetimeInMinutes; !l.IsNull() && !l.IsUnknown() {
		v := int32(l.ValueInt64())
		np.LifetimeInMinutes = &v
	}
	if o := in.IsUsableOnce; !o.IsNull() && !o.IsUnknown() {
		v := o.ValueBool()
		np.IsUsableOnce = &v
	}
	return np, nil
}
