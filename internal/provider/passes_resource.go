package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

var (
	_ resource.ResourceWithConfigure      = &PassesResource{}
	_ resource.ResourceWithImportState    = &PassesResource{}
	_ resource.ResourceWithModifyPlan     = &PassesResource{}
	_ resource.ResourceWithValidateConfig = &PassesResource{}
)

// PassesResource holds a whole wave of passes in one resource: one pass per map entry, read
// and written through Graph's $batch, so that Terraform handles one object instead of thousands.
type PassesResource struct{ client *graph.Client }

func NewPassesResource() resource.Resource { return &PassesResource{} }

type passesModel struct {
	ID              types.String   `tfsdk:"id"`
	Passes          types.Dynamic  `tfsdk:"passes"`
	ReplaceExisting types.Bool     `tfsdk:"replace_existing"`
	Codes           types.Map      `tfsdk:"codes"`
	Issued          types.Map      `tfsdk:"issued"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// waveEntry is one configured pass.
type waveEntry struct {
	UserID            types.String `tfsdk:"user_id"`
	StartDateTime     types.String `tfsdk:"start_date_time"`
	LifetimeInMinutes types.Int64  `tfsdk:"lifetime_in_minutes"`
	IsUsableOnce      types.Bool   `tfsdk:"is_usable_once"`
}

// issuedEntry is one pass as issued; ID is null for an entry whose pass could not be issued
// (or was deleted outside Terraform): the next plan issues it.
type issuedEntry struct {
	ID                    types.String `tfsdk:"id"`
	UserID                types.String `tfsdk:"user_id"`
	CreatedDateTime       types.String `tfsdk:"created_date_time"`
	StartDateTime         types.String `tfsdk:"start_date_time"`
	ExpirationDateTime    types.String `tfsdk:"expiration_date_time"`
	LifetimeInMinutes     types.Int64  `tfsdk:"lifetime_in_minutes"`
	IsUsableOnce          types.Bool   `tfsdk:"is_usable_once"`
	IsUsable              types.Bool   `tfsdk:"is_usable"`
	MethodUsabilityReason types.String `tfsdk:"method_usability_reason"`
}

var issuedAttrTypes = map[string]attr.Type{
	"id": types.StringType, "user_id": types.StringType, "created_date_time": types.StringType,
	"start_date_time": types.StringType, "expiration_date_time": types.StringType,
	"lifetime_in_minutes": types.Int64Type, "is_usable_once": types.BoolType, "is_usable": types.BoolType,
	"method_usability_reason": types.StringType,
}

var issuedType = types.ObjectType{AttrTypes: issuedAttrTypes}

func (r *PassesResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_passes"
}

func (r *PassesResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Issues a whole wave of Microsoft Entra ID **Temporary Access Passes** (a semester's students, a merger's staff) " +
			"in one resource: a map from keys of your choice to users and pass settings.\n\n" +
			"Adding an entry issues one pass, removing one deletes that pass, and changing one replaces that pass only; the plan shows the entries " +
			"that change in `issued` (known after apply). Passes are read and written through Microsoft Graph's `$batch` (20 to a request), so a refresh " +
			"of 5,000 passes is about 250 requests, and calls pace themselves under Graph's throttling.\n\n" +
			"Use `entratap_pass` for a handful of passes, or when each needs its own lifecycle (`replace_when_unusable`, `triggers`, `create_before_destroy`); " +
			"use `entratap_passes` from a few hundred passes up, where one resource per pass makes Terraform itself the bottleneck.\n\n" +
			"The codes are in `codes` (sensitive) and therefore in the state, as with `entratap_pass`. " +
			"A pass that cannot be issued (an unknown user, a live pass not managed here) is named in the diagnostics; the passes that were issued stay in state, " +
			"the failed entry keeps a null `id` in `issued`, and the next apply tries it again. " +
			"At plan time each new entry is checked against the tenant's policy (lifetime range, one-time), as `entratap_pass` does; users are checked when the passes are issued.\n\n" +
			"Import with `<key>=<user_id>/<pass_id>,<key>=<user_id>/<pass_id>,...`.\n\n" +
			"Needs the Microsoft Graph permission `UserAuthenticationMethod.ReadWrite.All` (or the TAP-only `UserAuthMethod-TAP.ReadWrite.All`); " +
			"the plan-time checks read the policy (`Policy.Read.AuthenticationMethod`) and only warn when they cannot.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "A random identifier of the wave, set at creation.",
			},
			// Dynamic, decoded by the provider (passes_entries.go): the framework's nested map is
			// quadratic in the number of entries.
			"passes": schema.DynamicAttribute{
				Required: true,
				MarkdownDescription: "The wave: a map from keys of your choice (a student number, an email) to entries. Each entry is an object that sets `user_id` " +
					"(required: an object id or a user principal name) and may set `start_date_time`, `lifetime_in_minutes` and `is_usable_once`, with the meaning, " +
					"ranges and plan-time checks of the attributes of the same names on `entratap_pass`; any other setting is an error. Changing an entry replaces that pass only. " +
					"(The attribute is dynamic so that a wave of thousands plans in linear time; write it as a map or object literal, or a `for` expression.)",
			},
			"replace_existing": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				MarkdownDescription: passDocs["replace_existing"] + " Applies to every pass this resource issues; changing it replaces nothing.",
			},
			"codes": schema.MapAttribute{
				Computed:            true,
				Sensitive:           true,
				ElementType:         types.StringType,
				MarkdownDescription: "The code of each pass, by key: stored in state, null for an entry whose pass was not issued or was imported.",
			},
			// A map of objects, not a nested attribute: the framework (v1.19) copies a nested map's
			// elements once per element while planning, quadratic in the wave (make bench -wave -profile).
			"issued": schema.MapAttribute{
				Computed:    true,
				ElementType: issuedType,
				MarkdownDescription: "Each pass as issued, by key: `id` (null for an entry whose pass could not be issued or was deleted outside Terraform: the next apply issues it), " +
					"`user_id` (as configured), `created_date_time`, `start_date_time`, `expiration_date_time` (RFC 3339), `lifetime_in_minutes`, `is_usable_once`, " +
					"and `is_usable` / `method_usability_reason` (" + passDocs["method_usability_reason"] + " Updated on refresh.)",
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *PassesResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks the shape and settings of every entry (passes is dynamic: the
// framework checks nothing inside it).
func (r *PassesResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var v types.Dynamic
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("passes"), &v)...)
	if resp.Diagnostics.HasError() {
		return
	}
	decodeWave(ctx, v, &resp.Diagnostics)
}

// entries decodes the passes value, already validated; nil when its entries are not known yet.
func entries(ctx context.Context, v types.Dynamic) map[string]waveEntry {
	var ignored diag.Diagnostics // reported once, by ValidateConfig
	return decodeWave(ctx, v, &ignored)
}

func issuedOf(_ context.Context, m types.Map, _ *diag.Diagnostics) map[string]issuedEntry {
	out := map[string]issuedEntry{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	for k, v := range m.Elements() {
		o, ok := v.(basetypes.ObjectValue)
		if !ok || o.IsUnknown() || o.IsNull() {
			continue
		}
		a := o.Attributes()
		var e issuedEntry
		e.ID, _ = a["id"].(types.String)
		e.UserID, _ = a["user_id"].(types.String)
		e.CreatedDateTime, _ = a["created_date_time"].(types.String)
		e.StartDateTime, _ = a["start_date_time"].(types.String)
		e.ExpirationDateTime, _ = a["expiration_date_time"].(types.String)
		e.LifetimeInMinutes, _ = a["lifetime_in_minutes"].(types.Int64)
		e.IsUsableOnce, _ = a["is_usable_once"].(types.Bool)
		e.IsUsable, _ = a["is_usable"].(types.Bool)
		e.MethodUsabilityReason, _ = a["method_usability_reason"].(types.String)
		out[k] = e
	}
	return out
}

// keeps reports whether the pass issued for an entry still fits it: same user, and every
// setting the entry fixes equal to the pass's (an unset setting is the policy's, whatever it was).
func keeps(e waveEntry, is issuedEntry) bool {
	if is.ID.IsNull() || is.ID.IsUnknown() || e.UserID.IsUnknown() || e.UserID.ValueString() != is.UserID.ValueString() {
		return false
	}
	if s := e.StartDateTime; !s.IsNull() {
		want, err1 := time.Parse(time.RFC3339, s.ValueString())
		have, err2 := time.Parse(time.RFC3339, is.StartDateTime.ValueString())
		if s.IsUnknown() || err1 != nil || err2 != nil || !want.Equal(have) {
			return false
		}
	}
	if l := e.LifetimeInMinutes; !l.IsNull() && (l.IsUnknown() || l.ValueInt64() != is.LifetimeInMinutes.ValueInt64()) {
		return false
	}
	if o := e.IsUsableOnce; !o.IsNull() && (o.IsUnknown() || o.ValueBool() != is.IsUsableOnce.ValueBool()) {
		return false
	}
	return true
}

// ModifyPlan keeps the entries whose pass still fits, marks the others (new or changed) as
// known after apply, and checks those against the tenant's policy.
func (r *PassesResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan passesModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var prior passesModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
		plan.ID = prior.ID
	} else {
		prior.Codes, prior.Issued = types.MapNull(types.StringType), types.MapNull(issuedType)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	want := entries(ctx, plan.Passes)
	if want == nil {
		plan.Codes, plan.Issued = types.MapUnknown(types.StringType), types.MapUnknown(issuedType)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	had := issuedOf(ctx, prior.Issued, &resp.Diagnostics)
	priorCodes := prior.Codes.Elements()
	issued, codes := map[string]attr.Value{}, map[string]attr.Value{}
	var fresh []string
	for k, e := range want {
		if is, ok := had[k]; ok && keeps(e, is) {
			issued[k] = issuedValue(is)
			codes[k] = types.StringNull()
			if c, ok := priorCodes[k]; ok {
				codes[k] = c
			}
			continue
		}
		issued[k], codes[k] = pendingIssued(e.UserID), types.StringUnknown()
		fresh = append(fresh, k)
	}
	var d diag.Diagnostics
	plan.Issued, d = types.MapValue(issuedType, issued)
	resp.Diagnostics.Append(d...)
	plan.Codes, d = types.MapValue(types.StringType, codes)
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	sort.Strings(fresh)
	resp.Diagnostics.Append(checkWave(ctx, r.client, want, fresh)...)
}

// checkWave checks the entries about to be issued against the clock and the live policy, as
// checkNewPass does for one pass; the policy is read once (cached) for the whole wave.
func checkWave(ctx context.Context, c *graph.Client, want map[string]waveEntry, keys []string) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, k := range keys {
		if s := want[k].StartDateTime; !s.IsNull() && !s.IsUnknown() {
			if t, err := time.Parse(time.RFC3339, s.ValueString()); err == nil && t.Before(time.Now().Add(-passStartSlack)) {
				diags.AddAttributeError(waveAt(k, "start_date_time"), "start_date_time is in the past",
					fmt.Sprintf("passes[%q].start_date_time %s lies in the past (it is now %s). Omit it for a pass usable at once, or set a time in the future.",
						k, s.ValueString(), passTime(time.Now())))
			}
		}
	}
	if c == nil || len(keys) == 0 {
		return diags
	}
	pol, err := c.GetPolicyCached(ctx)
	if err != nil {
		diags.Append(asWarning(graphDiag("Could not read the Temporary Access Pass policy to check the passes against it", err)))
		return diags
	}
	policyRange := fmt.Sprintf("between %d and %d minutes", pol.MinimumLifetimeInMinutes, pol.MaximumLifetimeInMinutes)
	for _, k := range keys {
		e := want[k]
		if l := e.LifetimeInMinutes; !l.IsNull() && !l.IsUnknown() {
			if v := l.ValueInt64(); v < int64(pol.MinimumLifetimeInMinutes) || v > int64(pol.MaximumLifetimeInMinutes) {
				diags.AddAttributeError(waveAt(k, "lifetime_in_minutes"), "Lifetime outside the tenant's policy",
					fmt.Sprintf("passes[%q].lifetime_in_minutes = %d is outside what the tenant's Temporary Access Pass policy allows: %s. "+
						"Choose a lifetime in that range, omit it for the policy's default (%d minutes), or widen the policy's range first.", k, v, policyRange, pol.DefaultLifetimeInMinutes))
			}
		}
		if o := e.IsUsableOnce; !o.IsNull() && !o.IsUnknown() && !o.ValueBool() && pol.IsUsableOnce {
			diags.AddAttributeError(waveAt(k, "is_usable_once"), "Multi-use pass under a one-time policy",
				fmt.Sprintf("passes[%q].is_usable_once = false, but the tenant's Temporary Access Pass policy requires one-time passes. Set it to true or omit it, or change the policy first.", k))
		}
	}
	if !pol.Enabled {
		diags.AddWarning("The Temporary Access Pass policy is disabled",
			"The tenant's Temporary Access Pass policy is disabled right now: the passes will be created, but they read DisabledByPolicy and cannot sign anyone in until the policy is enabled.")
	}
	return diags
}

// pendingIssued is the plan of an entry to issue: the user, and the rest known after apply.
func pendingIssued(userID types.String) attr.Value {
	v := map[string]attr.Value{}
	for name, t := range issuedAttrTypes {
		switch t {
		case types.StringType:
			v[name] = types.StringUnknown()
		case types.Int64Type:
			v[name] = types.Int64Unknown()
		case types.BoolType:
			v[name] = types.BoolUnknown()
		}
	}
	v["user_id"] = userID
	o, _ := types.ObjectValue(issuedAttrTypes, v)
	return o
}

func issuedValue(e issuedEntry) attr.Value {
	return types.ObjectValueMust(issuedAttrTypes, map[string]attr.Value{
		"id": e.ID, "user_id": e.UserID, "created_date_time": e.CreatedDateTime, "start_date_time": e.StartDateTime,
		"expiration_date_time": e.ExpirationDateTime, "lifetime_in_minutes": e.LifetimeInMinutes, "is_usable_once": e.IsUsableOnce,
		"is_usable": e.IsUsable, "method_usability_reason": e.MethodUsabilityReason,
	})
}

func issuedFromPass(userID string, p *graph.Pass) issuedEntry {
	return issuedEntry{
		ID: types.StringValue(p.ID), UserID: types.StringValue(userID),
		CreatedDateTime: types.StringValue(passTime(p.CreatedDateTime)), StartDateTime: types.StringValue(passTime(p.StartDateTime)),
		ExpirationDateTime: types.StringValue(passTime(p.ExpirationDateTime())), LifetimeInMinutes: types.Int64Value(int64(p.LifetimeInMinutes)),
		IsUsableOnce: types.BoolValue(p.IsUsableOnce), IsUsable: types.BoolValue(p.IsUsable), MethodUsabilityReason: types.StringValue(p.MethodUsabilityReason),
	}
}

// notIssued is the entry of a pass that could not be issued: the user, nothing else.
func notIssued(userID string) issuedEntry {
	return issuedEntry{ID: types.StringNull(), UserID: types.StringValue(userID), CreatedDateTime: types.StringNull(),
		StartDateTime: types.StringNull(), ExpirationDateTime: types.StringNull(), LifetimeInMinutes: types.Int64Null(),
		IsUsableOnce: types.BoolNull(), IsUsable: types.BoolNull(), MethodUsabilityReason: types.StringNull()}
}

func (r *PassesResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan passesModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || r.client == nil {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	plan.ID = types.StringValue(uuid.NewString())
	state, failed, diags := r.converge(ctx, nil, plan)
	resp.Diagnostics.Append(diags...)
	if len(failed) > 0 && len(failed) == len(entries(ctx, plan.Passes)) {
		resp.Diagnostics.Append(failedDiag(failed, false))
		return // nothing made: no state
	}
	if len(failed) > 0 {
		// An error here would taint the whole wave (and replace every pass on the next
		// apply): the passes made stay, the failed entries are named and retried next time.
		resp.Diagnostics.Append(failedDiag(failed, true))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *PassesResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior passesModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() || r.client == nil {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	plan.ID = prior.ID
	state, failed, diags := r.converge(ctx, &prior, plan)
	resp.Diagnostics.Append(diags...)
	if len(failed) > 0 {
		resp.Diagnostics.Append(failedDiag(failed, false)) // an update's state is kept with its errors
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// failedDiag names the entries whose pass could not be issued, with why.
func failedDiag(failed []string, warning bool) diag.Diagnostic {
	summary := fmt.Sprintf("%d Temporary Access Pass(es) of the wave could not be issued", len(failed))
	detail := strings.Join(failed, "\n") + "\n\nThe other passes were issued and are in state; these entries keep a null id in `issued`, and the next apply tries them again."
	if warning {
		return diag.NewWarningDiagnostic(summary, detail)
	}
	return diag.NewErrorDiagnostic(summary, detail)
}

// waveChunk is how many entries are guarded, then issued, at a time: ten batches.
const waveChunk = 10 * graph.MaxBatch

// guardedChunk is a chunk of entries to issue, with why each blocked one may not be.
type guardedChunk struct {
	keys    []string
	blocked map[string]string
}

// guard is the existing-pass guard for the users of keys this wave does not already hold
// a pass for: a user with a live pass not managed here is blocked, with why.
func (r *PassesResource) guard(ctx context.Context, keys []string, want map[string]waveEntry, held map[string]bool, replaceExisting bool) map[string]string {
	blocked := map[string]string{}
	if replaceExisting {
		return blocked
	}
	var guardKeys, guardUsers []string
	for _, k := range keys {
		if u := want[k].UserID.ValueString(); !held[strings.ToLower(u)] {
			guardKeys, guardUsers = append(guardKeys, k), append(guardUsers, u)
		}
	}
	if len(guardUsers) == 0 {
		return blocked
	}
	lists, errs := r.client.ListPassesOf(ctx, guardUsers)
	for i, k := range guardKeys {
		if errs[i] != nil {
			blocked[k] = errs[i].Error()
			continue
		}
		for _, p := range lists[i] {
			if p.Live() {
				blocked[k] = fmt.Sprintf("the user already has a live Temporary Access Pass not managed here (id %s, valid until %s); "+
					"set replace_existing = true to replace it, or delete it first", p.ID, passTime(p.ExpirationDateTime()))
			}
		}
	}
	return blocked
}

// converge brings the tenant to plan from prior (nil on create): it deletes the passes of
// removed entries and of entries moved to another user, checks the users of new entries for
// live passes not managed here, and issues the passes of new and changed entries, all
// through $batch. failed lists one line per entry that could not be issued or deleted.
func (r *PassesResource) converge(ctx context.Context, prior *passesModel, plan passesModel) (passesModel, []string, diag.Diagnostics) {
	var diags diag.Diagnostics
	want := entries(ctx, plan.Passes)
	had := map[string]issuedEntry{}
	priorCodes := map[string]attr.Value{}
	if prior != nil {
		had = issuedOf(ctx, prior.Issued, &diags)
		priorCodes = prior.Codes.Elements()
	}
	issued, codes := map[string]issuedEntry{}, map[string]attr.Value{}
	var failed []string
	var issueKeys []string
	held := map[string]bool{} // users whose pass this wave holds: their pass is ours to replace
	var toDelete []graph.PassRef
	var deleteKeys []string
	for k, is := range had {
		if !is.ID.IsNull() {
			held[strings.ToLower(is.UserID.ValueString())] = true
		}
		e, ok := want[k]
		if !is.ID.IsNull() && (!ok || e.UserID.ValueString() != is.UserID.ValueString()) {
			toDelete = append(toDelete, graph.PassRef{UserID: is.UserID.ValueString(), PassID: is.ID.ValueString()})
			deleteKeys = append(deleteKeys, k)
		}
	}
	for k, e := range want {
		if is, ok := had[k]; ok && keeps(e, is) {
			issued[k] = is
			codes[k] = types.StringNull()
			if c, ok := priorCodes[k]; ok {
				codes[k] = c
			}
			continue
		}
		issueKeys = append(issueKeys, k)
	}
	sort.Strings(issueKeys)

	// The existing-pass guard and the creates, pipelined by chunks: the guard of one chunk
	// reads while the chunk before it is written, so the writes (Graph's scarcest quota)
	// start after the first chunk's reads, not after every user's.
	guarded := make(chan guardedChunk, 1)
	go func() {
		defer close(guarded)
		for start := 0; start < len(issueKeys); start += waveChunk {
			keys := issueKeys[start:min(start+waveChunk, len(issueKeys))]
			guarded <- guardedChunk{keys: keys, blocked: r.guard(ctx, keys, want, held, plan.ReplaceExisting.ValueBool())}
		}
	}()
	for chunk := range guarded {
		var users []string
		var news []graph.NewPass
		var sent []string
		for _, k := range chunk.keys {
			e := want[k]
			if why, ok := chunk.blocked[k]; ok {
				failed = append(failed, fmt.Sprintf("%s (user %s): %s", k, e.UserID.ValueString(), why))
				continue
			}
			np, err := passInputs{UserID: e.UserID, StartDateTime: e.StartDateTime, LifetimeInMinutes: e.LifetimeInMinutes, IsUsableOnce: e.IsUsableOnce}.newPass()
			if err != nil {
				failed = append(failed, fmt.Sprintf("%s (user %s): %v", k, e.UserID.ValueString(), err))
				continue
			}
			users, news, sent = append(users, e.UserID.ValueString()), append(news, np), append(sent, k)
		}
		for i, res := range r.client.CreatePasses(ctx, users, news) {
			k := sent[i]
			if res.Err != nil {
				failed = append(failed, fmt.Sprintf("%s (user %s): %v", k, users[i], res.Err))
				continue
			}
			issued[k] = issuedFromPass(users[i], res.Pass)
			codes[k] = types.StringValue(res.Pass.Code)
		}
	}
	for _, k := range issueKeys {
		if _, ok := issued[k]; ok {
			continue
		}
		// Not issued. A changed entry for the same user still holds its old pass: keep it.
		if is, ok := had[k]; ok && !is.ID.IsNull() && is.UserID.ValueString() == want[k].UserID.ValueString() {
			issued[k] = is
			codes[k] = types.StringNull()
			if c, ok := priorCodes[k]; ok {
				codes[k] = c
			}
			continue
		}
		issued[k], codes[k] = notIssued(want[k].UserID.ValueString()), types.StringNull()
	}
	for i, err := range r.client.DeletePasses(ctx, toDelete) {
		if err != nil {
			diags.AddError("A Temporary Access Pass of a removed entry could not be deleted",
				fmt.Sprintf("Entry %s (user %s, pass %s): %v\n\nThe entry is gone from state; delete the pass in Entra, or import it into an entratap_pass.",
					deleteKeys[i], toDelete[i].UserID, toDelete[i].PassID, err))
		}
	}
	state := plan
	iv := map[string]attr.Value{}
	for k, e := range issued {
		iv[k] = issuedValue(e)
	}
	var d diag.Diagnostics
	state.Issued, d = types.MapValue(issuedType, iv)
	diags.Append(d...)
	state.Codes, d = types.MapValue(types.StringType, codes)
	diags.Append(d...)
	sort.Strings(failed)
	return state, failed, diags
}

// Read refreshes every issued pass through $batch; a pass gone from the tenant leaves its
// entry with a null id, so that the next plan issues it again.
func (r *PassesResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state passesModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || r.client == nil {
		return
	}
	timeout, d := state.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	had := issuedOf(ctx, state.Issued, &resp.Diagnostics)
	var keys []string
	var refs []graph.PassRef
	for k, is := range had {
		if !is.ID.IsNull() {
			keys = append(keys, k)
			refs = append(refs, graph.PassRef{UserID: is.UserID.ValueString(), PassID: is.ID.ValueString()})
		}
	}
	codes := state.Codes.Elements()
	newCodes := map[string]attr.Value{}
	for k, v := range codes {
		newCodes[k] = v
	}
	for i, res := range r.client.GetPasses(ctx, refs) {
		k := keys[i]
		switch {
		case graph.IsNotFound(res.Err):
			had[k] = notIssued(had[k].UserID.ValueString())
			newCodes[k] = types.StringNull()
		case res.Err != nil:
			resp.Diagnostics.Append(graphDiag(fmt.Sprintf("Reading the pass of entry %s failed", k), res.Err))
		default:
			had[k] = issuedFromPass(had[k].UserID.ValueString(), res.Pass)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	iv := map[string]attr.Value{}
	for k, e := range had {
		iv[k] = issuedValue(e)
		if _, ok := newCodes[k]; !ok {
			newCodes[k] = types.StringNull()
		}
	}
	state.Issued, d = types.MapValue(issuedType, iv)
	resp.Diagnostics.Append(d...)
	state.Codes, d = types.MapValue(types.StringType, newCodes)
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *PassesResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state passesModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || r.client == nil {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var refs []graph.PassRef
	var keys []string
	for k, is := range issuedOf(ctx, state.Issued, &resp.Diagnostics) {
		if !is.ID.IsNull() {
			refs = append(refs, graph.PassRef{UserID: is.UserID.ValueString(), PassID: is.ID.ValueString()})
			keys = append(keys, k)
		}
	}
	var failed []string
	for i, err := range r.client.DeletePasses(ctx, refs) {
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s (user %s, pass %s): %v", keys[i], refs[i].UserID, refs[i].PassID, err))
		}
	}
	if len(failed) > 0 {
		sort.Strings(failed)
		resp.Diagnostics.AddError(fmt.Sprintf("%d Temporary Access Pass(es) of the wave could not be deleted", len(failed)),
			strings.Join(failed, "\n")+"\n\nThe wave stays in state; run terraform destroy again.")
	}
}

// importedWaveID marks a wave that came in through import.
const importedWaveID = "imported"

// ImportState takes <key>=<user_id>/<pass_id>,...; Read fills in the passes.
func (r *PassesResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	users := map[string]string{}
	issued := map[string]attr.Value{}
	codes := map[string]attr.Value{}
	for _, part := range strings.Split(req.ID, ",") {
		k, ref, ok := strings.Cut(strings.TrimSpace(part), "=")
		user, pass, ok2 := strings.Cut(ref, "/")
		if !ok || !ok2 || k == "" || user == "" || pass == "" {
			resp.Diagnostics.AddError("Invalid import id",
				fmt.Sprintf("Import a wave with <key>=<user_id>/<pass_id>, comma-separated, e.g. alice=USER_ID/PASS_ID,bob=USER_ID/PASS_ID. Got %q.", part))
			return
		}
		users[k] = user
		e := notIssued(user)
		e.ID = types.StringValue(pass)
		issued[k], codes[k] = issuedValue(e), types.StringNull()
	}
	im, d := types.MapValue(issuedType, issued)
	resp.Diagnostics.Append(d...)
	cm, d := types.MapValue(types.StringType, codes)
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), importedWaveID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("passes"), waveValue(users))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("issued"), im)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("codes"), cm)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("replace_existing"), false)...)
}
