package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

var (
	_ resource.ResourceWithConfigure       = &PassResource{}
	_ resource.ResourceWithImportState     = &PassResource{}
	_ resource.ResourceWithModifyPlan      = &PassResource{}
	_ resource.ResourceWithIdentity        = &PassResource{}
	_ resource.ResourceWithUpgradeIdentity = &PassResource{}
)

// reasonUserGone is the method_usability_reason of a pass whose user was
// deleted: not one of Graph's values, since Graph has nothing left to say.
const reasonUserGone = "UserNotFound"

// PassResource issues a Temporary Access Pass to a user and keeps it in state.
type PassResource struct {
	client *graph.Client
	run    *runState
}

func NewPassResource() resource.Resource { return &PassResource{} }

type passResourceModel struct {
	passFields
	UserID              types.String   `tfsdk:"user_id"`
	ReplaceWhenUnusable types.Bool     `tfsdk:"replace_when_unusable"`
	Triggers            types.Map      `tfsdk:"triggers"`
	ReplaceExisting     types.Bool     `tfsdk:"replace_existing"`
	TemporaryAccessPass types.String   `tfsdk:"temporary_access_pass"`
	Registered          types.Object   `tfsdk:"registered"`
	TenantID            types.String   `tfsdk:"tenant_id"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

func (m passResourceModel) inputs() passInputs {
	return passInputs{UserID: m.UserID, StartDateTime: m.StartDateTime, LifetimeInMinutes: m.LifetimeInMinutes,
		IsUsableOnce: m.IsUsableOnce, ReplaceExisting: m.ReplaceExisting}
}

type passIdentityModel struct {
	TenantID types.String `tfsdk:"tenant_id"`
	UserID   types.String `tfsdk:"user_id"`
	ID       types.String `tfsdk:"id"`
}

// passIdentityForms says, per attribute, what a pass's identity holds: for messages about a bad one.
var passIdentityForms = map[string]string{
	"tenant_id": "the tenant's id (a GUID)",
	"user_id":   "the object id (a GUID) of the user who holds the pass",
	"id":        "the id of the pass",
}

func (r *PassResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_pass"
}

func (r *PassResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Issues a Microsoft Entra ID **Temporary Access Pass** (TAP) to a user: a time-limited code to sign in with " +
			"and register passwordless methods (onboarding, recovery).\n\n" +
			"The code is in `temporary_access_pass` (sensitive), and therefore **in the Terraform state**: Microsoft Graph returns it only when the pass is created. " +
			"Protect the state accordingly, or use the ephemeral `entratap_pass` to hand a code to something during a run without storing it.\n\n" +
			"Graph cannot change a pass: every input except `replace_when_unusable` and `replace_existing` replaces it (a new pass, a new code). " +
			"A user holds at most one pass, and creating one silently deletes the previous one; see `replace_existing`. " +
			"With `lifecycle { create_before_destroy = true }` the pass being replaced still exists when its successor is created, " +
			"and counts as a pass not managed here: set `replace_existing = true` in that case.\n\n" +
			"An expired or used pass stays in state and only its `is_usable` / `method_usability_reason` change, without a diff, " +
			"unless `replace_when_unusable = true`. A pass deleted outside Terraform (or replaced by a newer one) is created again on the next apply.\n\n" +
			"At plan time, a new pass is checked against the tenant's policy **as this run leaves it**: the live policy, with the planned values of an `entratap_policy` " +
			"the pass depends on (a reference or `depends_on`) laid over it. So a configuration that enables or widens the policy and issues passes plans and applies in one run. " +
			"A lifetime outside that range, or a multi-use pass under a one-time policy, is an error before anything is created, and so is a `user_id` Graph does not know " +
			"(after a few seconds' grace for replication); a disabled policy or a user the policy does not target is a warning, since Graph then refuses the pass or issues it unusable. " +
			"`user_object_id` is resolved at plan time and shown in the plan.\n\n" +
			"A pass that does not depend on the `entratap_policy` of its configuration may be planned and created before the policy changes: it is checked against the live policy, " +
			"and, in a tenant where Graph refuses passes for users the policy does not target, its create can fail. Make passes depend on the policy.\n\n" +
			"Right after the policy is enabled or a user is added to a targeted group, Graph may refuse a new pass for a while (replication): when the policy as this run leaves it " +
			"targets the user, the create retries within `timeouts.create`; when it does not, the create fails at once and the error names the policy's state and targets.\n\n" +
			"Import with `<user_id>/<pass_id>`. The code of an imported pass is unknown: `temporary_access_pass` stays null.\n\n" +
			"Needs the Microsoft Graph permissions `UserAuthMethod-TAP.ReadWrite.All` (or `UserAuthenticationMethod.ReadWrite.All`) and `User.Read.All`; the plan-time checks also read the policy " +
			"(`Policy.Read.AuthenticationMethod`) and group memberships (`GroupMember.Read.All` with `User.Read.All`), and only warn when they cannot.",
		Attributes: map[string]schema.Attribute{
			"user_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: passDocs["user_id"] + " Naming another user replaces the pass; the same user written another way (object id or UPN) is updated in place.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), userKeyValidator{}},
				PlanModifiers:       []planmodifier.String{sameUserReplace{}},
			},
			"start_date_time": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: passDocs["start_date_time"] + " Changing it replaces the pass.",
				Validators:          []validator.String{rfc3339Validator{}},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"lifetime_in_minutes": schema.Int64Attribute{
				CustomType:          wholeMinutesType{},
				Optional:            true,
				Computed:            true,
				MarkdownDescription: passDocs["lifetime_in_minutes"] + " Changing it replaces the pass.",
				Validators:          []validator.Int64{int64validator.Between(minLifetime, maxLifetime)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown(), int64planmodifier.RequiresReplace()},
			},
			"is_usable_once": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: passDocs["is_usable_once"] + " Changing it replaces the pass.",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown(), boolplanmodifier.RequiresReplace()},
			},
			"replace_when_unusable": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "When `true`, a pass that reads `Expired` or `OneTimeUsed` is replaced on the next apply (the plan shows the replacement and why), " +
					"so that the state always holds a working code. When `false` (the default), such a pass only updates `is_usable` and `method_usability_reason`, without a diff. " +
					"Leave `start_date_time` unset with `true`: a fixed start in the past cannot be used for the new pass. Changing this attribute does not replace the pass.",
			},
			"triggers": schema.MapAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Arbitrary strings; any change replaces the pass, e.g. `{ rotation = time_rotating.weekly.id }` or a ticket number.",
				PlanModifiers:       []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			// Only the next create reads it: a change is stored in place.
			"replace_existing": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				MarkdownDescription: passDocs["replace_existing"] + " Changing it does not replace the pass: it applies to the next pass created.",
			},
			"id": resourceKeptString(passDocs["id"]),
			"temporary_access_pass": schema.StringAttribute{
				Computed:            true,
				Sensitive:           true,
				MarkdownDescription: passDocs["temporary_access_pass"] + " It is stored in state; null after an import, since it cannot be read back.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"user_object_id":          resourceKeptString(passDocs["user_object_id"]),
			"created_date_time":       resourceKeptString(passDocs["created_date_time"]),
			"expiration_date_time":    resourceKeptString(passDocs["expiration_date_time"]),
			"is_usable":               resourceKeptBool(passDocs["is_usable"] + " Updated on refresh."),
			"method_usability_reason": resourceKeptString(passDocs["method_usability_reason"] + " Updated on refresh."),
			"registered": schema.ObjectAttribute{
				Computed:            true,
				AttributeTypes:      registeredAttrTypes,
				MarkdownDescription: registeredDoc,
				PlanModifiers:       []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
			},
			"tenant_id": tenantAttribute(),
			"timeouts":  resourceTimeouts(timeouts.Attributes(ctx, timeouts.Opts{Create: true, Read: true, Delete: true})),
		},
	}
}

func (r *PassResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Version: 1,
		Attributes: map[string]identityschema.Attribute{
			"tenant_id": identityTenant(),
			"user_id": identityschema.StringAttribute{RequiredForImport: true,
				Description: "The object id (GUID) of the user who holds the pass. An import block may give a user principal name; state holds the object id."},
			"id": identityschema.StringAttribute{RequiredForImport: true, Description: "The id of the pass."},
		},
	}
}

func (r *PassResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
	r.run = runFrom(req.ProviderData)
}

// ModifyPlan checks a pass about to be created against the live policy, and
// replaces an unusable pass when asked to. For a replacement Terraform plans
// the new pass again with no prior state, where the computed attributes
// become unknown and the checks run: here it only marks the replacement.
func (r *PassResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	resp.Diagnostics.Append(planTenant(ctx, r.client, req.State, "this entratap_pass")...)
	if req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return // destroy, or another tenant's pass
	}
	if req.State.Raw.IsNull() {
		var plan passResourceModel
		resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
		if resp.Diagnostics.HasError() {
			return
		}
		// Graph's throttling is waited out within the create timeout, as entratap_passes's plan does.
		ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
		defer cancel()
		user, diags := checkNewPass(ctx, r.client, r.run, plan.inputs(), true)
		resp.Diagnostics.Append(diags...)
		// A new pass has not started: no one has finished with it yet.
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("registered"), types.ObjectNull(registeredAttrTypes))...)
		if user != nil && !resp.Diagnostics.HasError() {
			owner := fmt.Sprintf("an entratap_pass with user_id %q", plan.UserID.ValueString())
			resp.Diagnostics.Append(claimDiag(r.run, user, owner, path.Root("user_id"))...)
		}
		switch {
		case user != nil:
			// Known at plan, shown in it, and used by Create: no second lookup.
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("user_object_id"), user.ID)...)
		case !plan.UserID.IsNull() && !plan.UserID.IsUnknown() && guidRE.MatchString(plan.UserID.ValueString()):
			// An object id is its own user_object_id, lookup or not: the plan
			// Terraform makes again during apply must show the same value.
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("user_object_id"), strings.ToLower(plan.UserID.ValueString()))...)
		}
		return
	}

	var replace types.Bool
	var id, userID, reason types.String
	var registered types.Object
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("registered"), &registered)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("replace_when_unusable"), &replace)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("user_id"), &userID)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("method_usability_reason"), &reason)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.userReplace(ctx, req, resp)
	if reason.ValueString() == reasonUserGone {
		resp.Diagnostics.AddAttributeWarning(path.Root("user_id"), "The user no longer exists",
			fmt.Sprintf("User %s no longer exists in the tenant, and neither does its Temporary Access Pass %s. "+
				"Remove this pass from the configuration (or from its for_each); terraform destroy also works. Nothing is sent to Microsoft Graph for it.",
				userID.ValueString(), id.ValueString()))
		return
	}
	if !registered.IsNull() && !registered.IsUnknown() {
		// The finish line: whatever became of the pass, its user is done; it is never issued again.
		summary, detail := finishedNote("entratap_pass", userID.ValueString(), registered, reason.ValueString())
		resp.Diagnostics.AddAttributeWarning(path.Root("registered"), summary, detail)
		return
	}
	if !replace.ValueBool() || (reason.ValueString() != graph.ReasonExpired && reason.ValueString() != graph.ReasonOneTimeUsed) {
		return
	}
	// Terraform replaces only for a path whose planned value differs from state.
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("method_usability_reason"), types.StringUnknown())...)
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("method_usability_reason"))
	resp.Diagnostics.AddAttributeWarning(path.Root("method_usability_reason"), "Temporary Access Pass will be replaced",
		fmt.Sprintf("Pass %s of user %s reads %s and replace_when_unusable is true: this apply replaces it with a new pass and a new code.",
			id.ValueString(), userID.ValueString(), reason.ValueString()))
}

func (r *PassResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan passResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !clientReady(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()

	var planned *graph.User
	if id := plan.UserObjectID; !id.IsNull() && !id.IsUnknown() && id.ValueString() != "" {
		planned = &graph.User{ID: id.ValueString(), UserPrincipalName: plan.UserID.ValueString()}
	}
	user, p, diags := issuePass(ctx, r.client, r.run, plan.inputs(), planned, passOwnerResource)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.TemporaryAccessPass = types.StringValue(p.Code)
	// The 201 answer is the whole pass: no read-back. A read that follows
	// soon after (refresh) waits out replication, see GetPass's young.
	plan.setFrom(user.ID, p)
	plan.TenantID = createdTenant(ctx, r.client, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setPassIdentity(ctx, resp.Identity, plan.TenantID, user.ID, p.ID, &resp.Diagnostics)
}

func (r *PassResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state passResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !clientReady(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	tenant, diags := checkTenant(ctx, r.client, recordedTenant(ctx, state.TenantID, req.Identity), "this entratap_pass")
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.TenantID = tenant

	userID := state.UserObjectID.ValueString()
	// The framework wants an identity even for a pass that turns out to be gone.
	known := userID
	if known == "" {
		known = state.UserID.ValueString()
	}
	setPassIdentity(ctx, resp.Identity, tenant, known, state.ID.ValueString(), &resp.Diagnostics)
	if userID == "" {
		// After an import: resolve the user_id given.
		u, err := r.client.GetUser(ctx, state.UserID.ValueString())
		if graph.IsNotFound(err) {
			resp.State.RemoveResource(ctx)
			return
		}
		if err != nil {
			resp.Diagnostics.Append(graphDiag(fmt.Sprintf("Reading user %q failed", state.UserID.ValueString()), err))
			return
		}
		userID = u.ID
	}
	p, err := r.client.GetPass(ctx, userID, state.ID.ValueString(), createdAt(state.CreatedDateTime))
	if graph.IsNotFound(err) {
		r.readFinishLine(ctx, userID, &state, &resp.Diagnostics)
	}
	if graph.IsNotFound(err) && !state.Registered.IsNull() {
		// Gone (the user deleted it, or it was revoked) after its user finished: kept, so that
		// the next apply does not hand a finished user a new code; the plan says so.
		state.IsUsable, state.MethodUsabilityReason = types.BoolValue(false), types.StringValue(reasonPassGone)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	if graph.IsNotFound(err) {
		if _, uerr := r.client.GetUser(ctx, userID); graph.IsNotFound(uerr) {
			if u, nerr := r.client.GetUser(ctx, state.UserID.ValueString()); nerr == nil && !strings.EqualFold(u.ID, userID) {
				// user_id names a user again, another object (a re-hire under the same UPN):
				// the next plan issues that user a pass.
				resp.State.RemoveResource(ctx)
				return
			}
			// The user is gone (offboarded), and the pass with them. Kept in
			// state, marked: removed, a pass would be planned anew for a user
			// who does not exist, and that error would block even terraform
			// destroy (its refresh plan calls ModifyPlan).
			state.IsUsable = types.BoolValue(false)
			state.MethodUsabilityReason = types.StringValue(reasonUserGone)
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
			return
		}
		// Deleted, or replaced by a newer pass: the next plan creates one.
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(graphDiag(fmt.Sprintf("Reading Temporary Access Pass %s failed", state.ID.ValueString()), err))
		return
	}
	state.setFrom(userID, p)
	r.readFinishLine(ctx, userID, &state, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	// Also gives state written before identity existed its identity, in place.
	setPassIdentity(ctx, resp.Identity, tenant, userID, p.ID, &resp.Diagnostics)
	checkPriorIdentity(ctx, req.Identity, resp.Identity, resp.Private, "entratap_pass", passIdentityForms, &resp.Diagnostics)
}

// Update only ever changes replace_when_unusable, replace_existing, timeouts
// or how user_id names the same user: everything else replaces the pass.
func (r *PassResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state passResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.UserID = plan.UserID // the same user written another way, see sameUserReplace
	state.ReplaceWhenUnusable = plan.ReplaceWhenUnusable
	state.ReplaceExisting = plan.ReplaceExisting
	state.Timeouts = plan.Timeouts
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setPassIdentity(ctx, resp.Identity, state.TenantID, state.UserObjectID.ValueString(), state.ID.ValueString(), &resp.Diagnostics)
}

func (r *PassResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state passResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !clientReady(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()

	userID := state.UserObjectID.ValueString()
	if userID == "" {
		userID = state.UserID.ValueString()
	}
	if err := r.client.DeletePass(ctx, userID, state.ID.ValueString()); err != nil {
		resp.Diagnostics.Append(graphDiag(fmt.Sprintf("Deleting Temporary Access Pass %s failed", state.ID.ValueString()), err))
	}
}

func (r *PassResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" && req.Identity != nil {
		r.importPassByIdentity(ctx, req, resp)
	} else {
		r.importPassByID(ctx, req, resp)
	}
	// Defaults are not applied on import; these match an unset configuration.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("replace_existing"), false)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("replace_when_unusable"), false)...)
}

// UpgradeIdentity adds the tenant to an identity written before it was recorded.
func (r *PassResource) UpgradeIdentity(context.Context) map[int64]resource.IdentityUpgrader {
	return map[int64]resource.IdentityUpgrader{0: tenantUpgrader(func() *graph.Client { return r.client }, "user_id", "id")}
}

// readFinishLine sets registered when the pass's user has registered a strong method since
// the pass started (finish_line.go); once set, it stays.
func (r *PassResource) readFinishLine(ctx context.Context, userID string, state *passResourceModel, diags *diag.Diagnostics) {
	if !state.Registered.IsNull() && !state.Registered.IsUnknown() {
		return
	}
	state.Registered = registeredValue(nil)
	start, err := time.Parse(time.RFC3339, state.StartDateTime.ValueString())
	if err != nil {
		return // imported: read on the next refresh, once the start is known
	}
	found, errs := finishLines(ctx, r.client, r.run, []finishCheck{{user: userID, start: start}})
	diags.Append(finishWarning(errs)...)
	state.Registered = registeredValue(found[0])
}

// setPassIdentity records the identity; identity is nil when the CLI has no identity support.
func setPassIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, tenant types.String, userObjectID, passID string, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, passIdentityModel{TenantID: tenant, UserID: types.StringValue(userObjectID), ID: types.StringValue(passID)})...)
}

func (r *PassResource) importPassByID(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	// A user principal name never holds a "/", so the last one separates the ids.
	i := strings.LastIndex(req.ID, "/")
	if i <= 0 || i == len(req.ID)-1 || strings.TrimSpace(req.ID) != req.ID {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("Import a Temporary Access Pass with the id <user_id>/<pass_id>, where user_id is the user's object id or user principal name "+
				"and pass_id the pass's id, e.g. terraform import entratap_pass.onboarding alice@contoso.com/6f5d2c1e-0000-4000-8000-000000000000. Got %q.", req.ID))
		return
	}
	userPart, passID := req.ID[:i], req.ID[i+1:]
	if !r.importable(ctx, userPart, passID, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_id"), userPart)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), passID)...)
}

// importPassByIdentity fills the state from an import block's identity, after checking its
// tenant and, as the string import does, that the user holds the pass.
func (r *PassResource) importPassByIdentity(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var id passIdentityModel
	resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
	if resp.Diagnostics.HasError() {
		return
	}
	user, pass := strings.TrimSpace(id.UserID.ValueString()), strings.TrimSpace(id.ID.ValueString())
	if user == "" || pass == "" || strings.Contains(user, "/") {
		resp.Diagnostics.AddError("Invalid import identity",
			fmt.Sprintf("Import a Temporary Access Pass with identity = { user_id = <the user's object id>, id = <the pass id> }. Got user_id %q and id %q.",
				graph.Truncate(id.UserID.ValueString(), 120), graph.Truncate(id.ID.ValueString(), 120)))
		return
	}
	if !importTenant(ctx, r.client, id.TenantID, "Temporary Access Pass", &resp.Diagnostics) {
		return
	}
	if !r.importable(ctx, user, pass, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_id"), user)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), pass)...)
	markImported(ctx, resp)
}

// importable checks, for either form of import, that the user exists and holds the pass.
// Said here, naming the part at fault: Read would only drop the object, and Terraform
// say "Cannot import non-existent remote object".
func (r *PassResource) importable(ctx context.Context, userPart, passID string, diags *diag.Diagnostics) bool {
	if r.client == nil {
		return true
	}
	u, err := r.client.GetUser(ctx, userPart)
	if graph.IsNotFound(err) {
		diags.AddError("Invalid import id: no such user",
			fmt.Sprintf("The user part of the import, %q, names no user in the tenant (neither an object id nor a user principal name). "+
				"Check it; the pass part was %q.", graph.Truncate(userPart, 120), graph.Truncate(passID, 120)))
		return false
	}
	if err == nil {
		if _, perr := r.client.GetPass(ctx, u.ID, passID, time.Time{}); graph.IsNotFound(perr) {
			diags.AddError("Invalid import id: no such pass",
				fmt.Sprintf("User %s (%s) holds no Temporary Access Pass with id %q. A user holds at most one pass; "+
					"the data source entratap_pass shows the user's current one.", u.Label(), u.ID, graph.Truncate(passID, 120)))
			return false
		}
	}
	return true
}
