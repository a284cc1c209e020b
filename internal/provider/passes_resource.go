package provider

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"sort"
	"strings"

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
	_ resource.ResourceWithUpgradeState   = &PassesResource{}
)

// PassesResource holds a whole wave of passes in one resource: one pass per map entry, read
// and written through Graph's $batch, so that Terraform handles one object instead of thousands.
type PassesResource struct {
	client *graph.Client
	run    *runState
}

func NewPassesResource() resource.Resource { return &PassesResource{} }

type passesModel struct {
	ID              types.String   `tfsdk:"id"`
	Passes          types.Dynamic  `tfsdk:"passes"`
	ReplaceExisting types.Bool     `tfsdk:"replace_existing"`
	Codes           types.Map      `tfsdk:"codes"`
	Issued          types.Map      `tfsdk:"issued"`
	UserObjectIDs   types.Map      `tfsdk:"user_object_ids"`
	Changes         types.String   `tfsdk:"changes"`
	NotIssued       types.Map      `tfsdk:"not_issued"`
	TenantID        types.String   `tfsdk:"tenant_id"`
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
	UserObjectID          types.String `tfsdk:"user_object_id"`
	CreatedDateTime       types.String `tfsdk:"created_date_time"`
	StartDateTime         types.String `tfsdk:"start_date_time"`
	ExpirationDateTime    types.String `tfsdk:"expiration_date_time"`
	LifetimeInMinutes     types.Int64  `tfsdk:"lifetime_in_minutes"`
	IsUsableOnce          types.Bool   `tfsdk:"is_usable_once"`
	IsUsable              types.Bool   `tfsdk:"is_usable"`
	MethodUsabilityReason types.String `tfsdk:"method_usability_reason"`
	Registered            types.Object `tfsdk:"registered"` // the finish line (finish_line.go)
}

var issuedAttrTypes = map[string]attr.Type{
	"id": types.StringType, "user_id": types.StringType, "user_object_id": types.StringType, "created_date_time": types.StringType,
	"start_date_time": types.StringType, "expiration_date_time": types.StringType,
	"lifetime_in_minutes": types.Int64Type, "is_usable_once": types.BoolType, "is_usable": types.BoolType,
	"method_usability_reason": types.StringType, "registered": types.ObjectType{AttrTypes: registeredAttrTypes},
}

var issuedType = types.ObjectType{AttrTypes: issuedAttrTypes}

// importedKey marks, in private state, a wave imported and not read yet.
const importedKey = "imported"

func (r *PassesResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_passes"
}

func (r *PassesResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		// 1: user_object_ids and changes (passes_upgrade.go).
		Version: 1,
		MarkdownDescription: "Issues a whole wave of Microsoft Entra ID **Temporary Access Passes** (a semester's students, a merger's staff) " +
			"in one resource: a map from keys of your choice to users and pass settings.\n\n" +
			"Adding an entry issues one pass, removing one deletes that pass, and changing one replaces that pass only; the plan says so in `changes` " +
			"(`\"1 new (carol), 1 replaced (bob: lifetime_in_minutes 60 → 120), 1 revoked (dave), 2,997 unchanged\"`), and shows each entry to issue " +
			"as one line of `issued` (known after apply) and its user in `user_object_ids`. Passes are read and written through Microsoft Graph's `$batch` (20 to a request), so a refresh " +
			"of 5,000 passes is about 250 requests, and calls pace themselves under Graph's throttling.\n\n" +
			"Use `entratap_pass` for a handful of passes, or when each needs its own lifecycle (`replace_when_unusable`, `triggers`, `create_before_destroy`); " +
			"use `entratap_passes` from a few hundred passes up, where one resource per pass makes Terraform itself the bottleneck.\n\n" +
			"Every entry keeps the guarantees of `entratap_pass`. At plan time each new entry is checked as `entratap_pass` checks a pass, with the messages " +
			"naming the entry (`passes[\"key\"].lifetime_in_minutes`): its user exists (resolved to `user_object_ids[key]`, shown in the plan), " +
			"a signed-in caller has a role that covers the user and is not the user, the lifetime and one-time setting fit the policy **as this run leaves it** " +
			"(an `entratap_policy` the wave depends on counts), and a disabled policy or a user it does not target is a warning. One user is one entry: " +
			"two entries (or an entry and an `entratap_pass` or ephemeral pass of the same provider) naming one user, however written, are an error. " +
			"An entry whose `user_id` is rewritten to name the same user another way (object id for UPN) keeps its pass. " +
			"At apply, right after the creates, the wave checks that each user still holds the pass just created (a pass another workspace replaced " +
			"at once is an error, never a dead code in state); a refresh waits out Graph's replication for a pass created moments ago; " +
			"a pass refused while a policy change replicates is retried within `timeouts.create`.\n\n" +
			"**A wave that could not issue every pass.** What can only fail at apply (Graph refusing or unreachable for some entries) leaves the passes " +
			"that were issued in state with their codes, never issued again, and lists the others in `not_issued` (key to reason); the next apply tries them again. " +
			"A later apply (an update) then fails the run. The first apply (a create) reports them as a warning: Terraform taints a resource whose create fails, " +
			"and a tainted wave would be replaced whole on the next apply, throwing away every good pass. To fail that run too, add a postcondition:\n\n" +
			"```hcl\nlifecycle {\n  postcondition {\n    condition     = length(self.not_issued) == 0\n    error_message = \"Passes not issued: ${join(\", \", keys(self.not_issued))}\"\n  }\n}\n```\n\n" +
			"(a failed postcondition fails the run without tainting; `examples/modules/onboarding-wave` has it).\n\n" +
			"The codes are in `codes` (sensitive) and therefore in the state, as with `entratap_pass`: a wave has no ephemeral form.\n\n" +
			"Import with `<key>=<user_id>/<pass_id>,<key>=<user_id>/<pass_id>,...` (each key and each user once).\n\n" +
			"Needs the Microsoft Graph permission `UserAuthMethod-TAP.ReadWrite.All` (or `UserAuthenticationMethod.ReadWrite.All`) and `User.Read.All`; " +
			"the plan-time checks also read the policy (`Policy.Read.AuthenticationMethod`) and group memberships (`GroupMember.Read.All`), and only warn when they cannot.",
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
					"ranges and plan-time checks of the attributes of the same names on `entratap_pass`; any other setting is an error. Changing an entry replaces that pass only, " +
					"except a `user_id` naming the same user another way. " +
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
					"`user_id` (as configured), `user_object_id` (resolved at plan time), `created_date_time`, `start_date_time`, `expiration_date_time` (RFC 3339), `lifetime_in_minutes`, `is_usable_once`, " +
					"`is_usable` / `method_usability_reason` (whether the pass signs its user in now and, when not, why, as on `entratap_pass`; updated on refresh), " +
					"and `registered` (" + registeredDoc + ")",
			},
			"user_object_ids": schema.MapAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Each entry's user, by key: the object id `user_id` resolves to, at plan time for an entry to issue (shown in the plan, " +
					"as `user_object_id` is for `entratap_pass`); null for a user that could not be resolved.",
			},
			"changes": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "What the last plan that changed the wave did, in a line: how many entries are new, replaced (each named with the settings that " +
					"replace it, as `# forces replacement` marks them on `entratap_pass`), re-issued (not issued before, or deleted outside Terraform), " +
					"revoked (removed from `passes`: their pass is deleted) and unchanged; up to ten entries of each kind are named. " +
					"A plan that changes no pass keeps the last one, so an unchanged wave plans no change.",
			},
			"not_issued": schema.MapAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The entries whose pass the last apply could not issue, by key, with why; empty when every entry holds its pass. " +
					"Check it with a postcondition (`length(self.not_issued) == 0`) to fail the run that could not issue them.",
			},
			"tenant_id": tenantAttribute(),
			"timeouts":  resourceTimeouts(timeouts.Attributes(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true})),
		},
	}
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

func (r *PassesResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
	r.run = runFrom(req.ProviderData)
}

// ModifyPlan keeps the entries whose pass still fits, marks the others (new or changed) as
// known after apply, and checks those as entratap_pass checks a new pass (passes_plan.go).
func (r *PassesResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if resp.Diagnostics.Append(planTenant(ctx, r.client, req.State, "this entratap_passes")...); req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var plan passesModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var prior passesModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
		plan.ID = prior.ID
	} else {
		prior.Codes, prior.Issued, prior.Changes = types.MapNull(types.StringType), types.MapNull(issuedType), types.StringNull()
	}
	if resp.Diagnostics.HasError() {
		return
	}
	want := entries(ctx, plan.Passes)
	if want == nil {
		plan.Codes, plan.Issued, plan.NotIssued = types.MapUnknown(types.StringType), types.MapUnknown(issuedType), types.MapUnknown(types.StringType)
		plan.UserObjectIDs, plan.Changes = types.MapUnknown(types.StringType), types.StringUnknown()
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	// The plan's reads wait out Graph's throttling within the timeout of what it plans (a
	// 429 is sent again until then: graph's sendsAgain), and fail the plan after it.
	timeout, def := plan.Timeouts.Update, defaultUpdateTimeout
	if req.State.Raw.IsNull() {
		timeout, def = plan.Timeouts.Create, defaultCreateTimeout
	}
	ctx, cancel := withTimeout(ctx, timeout, def, &resp.Diagnostics)
	defer cancel()
	wp := planWave(ctx, r.client, r.run, want, issuedOf(prior.Issued))
	resp.Diagnostics.Append(wp.diags...)
	plan.Issued, plan.Codes, plan.UserObjectIDs = wp.planned(want, prior.Codes.Elements(), &resp.Diagnostics)
	plan.Changes = prior.Changes // a plan that changes no pass keeps the last summary: no diff
	if wp.changed() || prior.Changes.IsUnknown() {
		plan.Changes = types.StringValue(wp.summary())
	}
	resp.Diagnostics.Append(finishedWave(wp.kept)...)
	plan.NotIssued = types.MapValueMust(types.StringType, map[string]attr.Value{})
	if len(wp.fresh) > 0 {
		plan.NotIssued = types.MapUnknown(types.StringType)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *PassesResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan passesModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !clientReady(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	plan.ID = types.StringValue(uuid.NewString())
	plan.TenantID = createdTenant(ctx, r.client, &resp.Diagnostics)
	state, out := r.converge(ctx, nil, plan)
	resp.Diagnostics.Append(out.diags...)
	if len(out.failed) > 0 && len(out.failed) == len(entries(ctx, plan.Passes)) {
		resp.Diagnostics.Append(out.failedDiags(diag.SeverityError)...)
		return // nothing made: no state
	}
	// An error here would taint the whole wave (and replace every pass on the next apply):
	// the passes made stay, the failed ones are in not_issued, a warning here, and the
	// postcondition the docs give fails the run.
	resp.Diagnostics.Append(out.failedDiags(diag.SeverityWarning)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Read refreshes every issued pass through $batch; a pass gone from the tenant leaves its
// entry with a null id, so that the next plan issues it again. A 404 for a pass created
// moments ago is Graph replicating: it is read again, as entratap_pass does.
func (r *PassesResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state passesModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !clientReady(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	tenant, diags := checkTenant(ctx, r.client, state.TenantID, "this entratap_passes")
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	state.TenantID = tenant
	had := issuedOf(state.Issued)
	var keys []string
	var refs []graph.PassRef
	for k, is := range had {
		if !is.ID.IsNull() {
			keys = append(keys, k)
			refs = append(refs, graph.PassRef{UserID: is.userKey(), PassID: is.ID.ValueString()})
		}
	}
	newCodes := maps.Clone(state.Codes.Elements())
	if newCodes == nil {
		newCodes = map[string]attr.Value{}
	}
	var gone []string // entries whose pass is gone from the tenant
	pctx, progress := r.client.StartProgress(ctx, "entratap_passes: read", http.MethodGet, len(refs))
	got := r.client.GetPasses(pctx, refs)
	progress.Finish()
	for i, res := range got {
		k := keys[i]
		if graph.IsNotFound(res.Err) {
			// Gone, or not replicated yet: GetPass waits it out if the pass is young by Graph's clock.
			res.Pass, res.Err = r.client.GetPass(ctx, refs[i].UserID, refs[i].PassID, createdAt(had[k].CreatedDateTime))
		}
		switch {
		case graph.IsNotFound(res.Err):
			gone = append(gone, k)
		case res.Err != nil:
			resp.Diagnostics.Append(graphDiag(fmt.Sprintf("Reading the pass of entry %s failed", k), res.Err))
		default:
			registered := had[k].Registered
			had[k] = issuedFromPass(had[k].UserID.ValueString(), res.Pass)
			had[k] = withRegistered(had[k], registered)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(readWaveFinishLines(ctx, r.client, r.run, had, gone, newCodes)...)
	iv := map[string]attr.Value{}
	for k, e := range had {
		iv[k] = issuedValue(e)
		if _, ok := newCodes[k]; !ok {
			newCodes[k] = types.StringNull()
		}
	}
	if imported, _ := req.Private.GetKey(ctx, importedKey); imported != nil {
		// The first read after an import: the entries take their passes' settings.
		state.Passes = importedWaveValue(had)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
	}
	var d diag.Diagnostics
	state.Issued, d = types.MapValue(issuedType, iv)
	resp.Diagnostics.Append(d...)
	state.Codes, d = types.MapValue(types.StringType, newCodes)
	resp.Diagnostics.Append(d...)
	state.UserObjectIDs = objectIDsOf(had, &resp.Diagnostics)
	if state.NotIssued.IsNull() || state.NotIssued.IsUnknown() {
		state.NotIssued = types.MapValueMust(types.StringType, map[string]attr.Value{}) // state from before not_issued
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *PassesResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior passesModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() || !clientReady(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	plan.ID, plan.TenantID = prior.ID, prior.TenantID
	state, out := r.converge(ctx, &prior, plan)
	resp.Diagnostics.Append(out.diags...)
	resp.Diagnostics.Append(out.failedDiags(diag.SeverityError)...) // an update's state is kept with its errors: no taint
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *PassesResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state passesModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !clientReady(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	var refs []graph.PassRef
	var keys []string
	for k, is := range issuedOf(state.Issued) {
		if !is.ID.IsNull() {
			refs = append(refs, graph.PassRef{UserID: is.userKey(), PassID: is.ID.ValueString()})
			keys = append(keys, k)
		}
	}
	var failed []string
	pctx, progress := r.client.StartProgress(ctx, "entratap_passes: deleted", http.MethodDelete, len(refs))
	deleted := r.client.DeletePasses(pctx, refs)
	progress.Finish()
	for i, err := range deleted {
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

// ImportState takes <key>=<user_id>/<pass_id>,...; Read fills in the passes. Each key and
// each user once: one pass under two keys would be deleted by one and kept by the other.
func (r *PassesResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	users := map[string]string{}
	issued := map[string]attr.Value{}
	codes := map[string]attr.Value{}
	objectIDs := map[string]attr.Value{}
	byUser := map[string]string{} // lower-case object id (or user_id as written) -> key
	for _, part := range strings.Split(req.ID, ",") {
		k, ref, ok := strings.Cut(strings.TrimSpace(part), "=")
		i := strings.LastIndex(ref, "/")
		if !ok || i <= 0 || i == len(ref)-1 || k == "" {
			resp.Diagnostics.AddError("Invalid import id",
				fmt.Sprintf("Import a wave with <key>=<user_id>/<pass_id>, comma-separated, e.g. alice=USER_ID/PASS_ID,bob=USER_ID/PASS_ID. Got %q.", graph.Truncate(part, 200)))
			return
		}
		user, pass := ref[:i], ref[i+1:]
		if _, dup := users[k]; dup {
			resp.Diagnostics.AddError("Invalid import id: a key twice",
				fmt.Sprintf("Key %q appears twice in the import id; each entry of the wave is imported once.", k))
			return
		}
		objectID := types.StringNull()
		userKey := strings.ToLower(user)
		if r.client != nil {
			u, err := r.client.GetUser(ctx, user)
			if err != nil {
				resp.Diagnostics.Append(graphDiag(fmt.Sprintf("Invalid import id: reading user %q of entry %q failed", graph.Truncate(user, 120), k), err))
				return
			}
			objectID, userKey = types.StringValue(u.ID), strings.ToLower(u.ID)
		}
		if other, dup := byUser[userKey]; dup {
			resp.Diagnostics.AddError("Invalid import id: one user under two keys",
				fmt.Sprintf("Keys %q and %q name the same user (%s). A user holds one Temporary Access Pass, so one entry of the wave holds it: import it under one key.", other, k, user))
			return
		}
		byUser[userKey], users[k] = k, user
		e := notIssued(user, objectID)
		e.ID = types.StringValue(pass)
		issued[k], codes[k], objectIDs[k] = issuedValue(e), types.StringNull(), objectIDValue(objectID)
	}
	im, d := types.MapValue(issuedType, issued)
	resp.Diagnostics.Append(d...)
	cm, d := types.MapValue(types.StringType, codes)
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), uuid.NewString())...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("passes"), waveValue(users))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("issued"), im)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("codes"), cm)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_object_ids"), types.MapValueMust(types.StringType, objectIDs))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("not_issued"), types.MapValueMust(types.StringType, map[string]attr.Value{}))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("replace_existing"), false)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte("true"))...)
}

// UpgradeState upgrades a state from before version 1 (passes_upgrade.go).
func (r *PassesResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{0: {StateUpgrader: upgradePassesV0}}
}

// entries decodes the passes value, already validated; nil when its entries are not known yet.
func entries(ctx context.Context, v types.Dynamic) map[string]waveEntry {
	var ignored diag.Diagnostics // reported once, by ValidateConfig
	return decodeWave(ctx, v, &ignored)
}

// issuedOf reads the issued map of a state or plan; an unknown entry is left out.
func issuedOf(m types.Map) map[string]issuedEntry {
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
		e.UserObjectID, _ = a["user_object_id"].(types.String)
		e.CreatedDateTime, _ = a["created_date_time"].(types.String)
		e.StartDateTime, _ = a["start_date_time"].(types.String)
		e.ExpirationDateTime, _ = a["expiration_date_time"].(types.String)
		e.LifetimeInMinutes, _ = a["lifetime_in_minutes"].(types.Int64)
		e.IsUsableOnce, _ = a["is_usable_once"].(types.Bool)
		e.IsUsable, _ = a["is_usable"].(types.Bool)
		e.MethodUsabilityReason, _ = a["method_usability_reason"].(types.String)
		e.Registered, _ = a["registered"].(types.Object)
		out[k] = e
	}
	return out
}

// userKey names the entry's user in a request: the object id once known.
func (is issuedEntry) userKey() string {
	if id := is.UserObjectID.ValueString(); id != "" {
		return id
	}
	return is.UserID.ValueString()
}

// objectIDValue is an entry's user_object_ids element: its object id, or null (never unknown
// once the plan is applied).
func objectIDValue(id types.String) attr.Value {
	if id.IsUnknown() {
		return types.StringNull()
	}
	return id
}

// objectIDsOf is the user_object_ids of issued entries.
func objectIDsOf(issued map[string]issuedEntry, diags *diag.Diagnostics) types.Map {
	ids := make(map[string]attr.Value, len(issued))
	for k, is := range issued {
		ids[k] = objectIDValue(is.UserObjectID)
	}
	m, d := types.MapValue(types.StringType, ids)
	diags.Append(d...)
	return m
}

func issuedValue(e issuedEntry) attr.Value {
	objectID := e.UserObjectID
	if objectID.IsUnknown() {
		objectID = types.StringNull()
	}
	registered := e.Registered
	if registered.IsNull() || registered.IsUnknown() {
		registered = registeredValue(nil) // also state from before registered
	}
	return types.ObjectValueMust(issuedAttrTypes, map[string]attr.Value{
		"id": e.ID, "user_id": e.UserID, "user_object_id": objectID, "created_date_time": e.CreatedDateTime, "start_date_time": e.StartDateTime,
		"expiration_date_time": e.ExpirationDateTime, "lifetime_in_minutes": e.LifetimeInMinutes, "is_usable_once": e.IsUsableOnce,
		"is_usable": e.IsUsable, "method_usability_reason": e.MethodUsabilityReason, "registered": registered,
	})
}

// issuedFromPass is the entry of a pass read or created by the user's object id (or, in a
// state from before user_object_id, by user_id as written: then the object id stays unknown).
func issuedFromPass(userID string, p *graph.Pass) issuedEntry {
	e := issuedEntry{
		ID: types.StringValue(p.ID), UserID: types.StringValue(userID), UserObjectID: types.StringNull(),
		CreatedDateTime: types.StringValue(passTime(p.CreatedDateTime)), StartDateTime: types.StringValue(passTime(p.StartDateTime)),
		ExpirationDateTime: types.StringValue(passTime(p.ExpirationDateTime())), LifetimeInMinutes: types.Int64Value(int64(p.LifetimeInMinutes)),
		IsUsableOnce: types.BoolValue(p.IsUsableOnce), IsUsable: types.BoolValue(p.IsUsable), MethodUsabilityReason: types.StringValue(p.MethodUsabilityReason),
	}
	if guidRE.MatchString(p.UserID) {
		e.UserObjectID = types.StringValue(strings.ToLower(p.UserID))
	}
	return e
}

// notIssued is the entry of a pass that could not be issued: the user, nothing else.
func notIssued(userID string, objectID types.String) issuedEntry {
	if objectID.IsUnknown() {
		objectID = types.StringNull()
	}
	return issuedEntry{ID: types.StringNull(), UserID: types.StringValue(userID), UserObjectID: objectID, CreatedDateTime: types.StringNull(),
		StartDateTime: types.StringNull(), ExpirationDateTime: types.StringNull(), LifetimeInMinutes: types.Int64Null(),
		IsUsableOnce: types.BoolNull(), IsUsable: types.BoolNull(), MethodUsabilityReason: types.StringNull()}
}
