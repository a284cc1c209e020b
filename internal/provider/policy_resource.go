package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

var (
	_ resource.ResourceWithConfigure       = &PolicyResource{}
	_ resource.ResourceWithImportState     = &PolicyResource{}
	_ resource.ResourceWithValidateConfig  = &PolicyResource{}
	_ resource.ResourceWithModifyPlan      = &PolicyResource{}
	_ resource.ResourceWithIdentity        = &PolicyResource{}
	_ resource.ResourceWithUpgradeIdentity = &PolicyResource{}
)

// PolicyResource manages the tenant's Temporary Access Pass policy.
type PolicyResource struct {
	client *graph.Client
	run    *runState
}

func NewPolicyResource() resource.Resource { return &PolicyResource{} }

type policyResourceModel struct {
	policyModel
	TenantID types.String   `tfsdk:"tenant_id"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

type policyIdentityModel struct {
	TenantID types.String `tfsdk:"tenant_id"`
	ID       types.String `tfsdk:"id"`
}

var policyIdentityForms = map[string]string{
	"tenant_id": "the tenant's id (a GUID)",
	"id":        "always `" + policyID + "`",
}

func (r *PolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_policy"
}

func (r *PolicyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	ms := flattenPolicy(&policyDefaults)
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages the tenant's Temporary Access Pass authentication method policy: who may use a pass, how long passes live, " +
			"how long codes are and whether passes are one-time.\n\n" +
			"The policy is a singleton of the tenant: creating this resource takes over the existing policy and overwrites its settings; " +
			fmt.Sprintf("destroying it resets the policy to Microsoft's defaults (disabled, lifetimes %d/%d/%d minutes, length %d, not one-time, all users). ",
				policyDefaults.DefaultLifetimeInMinutes, policyDefaults.MinimumLifetimeInMinutes, policyDefaults.MaximumLifetimeInMinutes, policyDefaults.DefaultLength) +
			"Needs the Microsoft Graph permission `Policy.ReadWrite.AuthenticationMethod` (least-privileged admin role: Authentication Policy Administrator).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: policyDocs["id"],
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			// Unlike Microsoft's default: managing the policy is mostly done to turn it on.
			"enabled": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				MarkdownDescription: policyDocs["enabled"],
			},
			"default_lifetime_in_minutes": policyLifetime(policyDocs["default_lifetime_in_minutes"], policyDefaults.DefaultLifetimeInMinutes),
			"minimum_lifetime_in_minutes": policyLifetime(policyDocs["minimum_lifetime_in_minutes"], policyDefaults.MinimumLifetimeInMinutes),
			"maximum_lifetime_in_minutes": policyLifetime(policyDocs["maximum_lifetime_in_minutes"], policyDefaults.MaximumLifetimeInMinutes),
			"default_length": schema.Int64Attribute{
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(int64(policyDefaults.DefaultLength)),
				MarkdownDescription: policyDocs["default_length"],
				Validators:          []validator.Int64{int64validator.Between(minLength, maxLength)},
			},
			"is_usable_once": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(policyDefaults.IsUsableOnce),
				MarkdownDescription: policyDocs["is_usable_once"],
			},
			"include_targets": schema.ListNestedAttribute{
				Optional:            true,
				Computed:            true,
				Default:             listdefault.StaticValue(ms.IncludeTargets),
				MarkdownDescription: policyDocs["include_targets"] + targetsOrderDoc,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: policyDocs["target.id"],
						},
						"target_type": policyTargetType(),
						"is_registration_required": schema.BoolAttribute{
							Optional:            true,
							Computed:            true,
							Default:             booldefault.StaticBool(false),
							MarkdownDescription: policyDocs["target.is_registration_required"],
						},
					},
				},
			},
			"exclude_targets": schema.ListNestedAttribute{
				Optional:            true,
				Computed:            true,
				Default:             listdefault.StaticValue(ms.ExcludeTargets),
				MarkdownDescription: policyDocs["exclude_targets"] + targetsOrderDoc,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: policyDocs["target.id"],
						},
						"target_type": policyTargetType(),
					},
				},
			},
			"tenant_id": tenantAttribute(),
			"timeouts":  resourceTimeouts(timeouts.Attributes(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true})),
		},
	}
}

func (r *PolicyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m policyResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(dedupePolicyDiags(m.policyModel, validatePolicy(ctx, m.policyModel))...)
	if !m.IncludeTargets.IsNull() && !m.IncludeTargets.IsUnknown() && len(m.IncludeTargets.Elements()) == 0 &&
		(m.Enabled.IsNull() || (!m.Enabled.IsUnknown() && m.Enabled.ValueBool())) {
		resp.Diagnostics.AddAttributeWarning(path.Root("include_targets"), "The policy targets nobody",
			"include_targets is empty and the policy is enabled: no user can sign in with a Temporary Access Pass. "+
				"Omit include_targets for everyone, list groups or users, or set enabled = false to say so.")
	}
}

func (r *PolicyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Version: 1,
		Attributes: map[string]identityschema.Attribute{
			"tenant_id": identityTenant(),
			"id":        identityschema.StringAttribute{RequiredForImport: true, Description: "Always `" + policyID + "`: the policy is a singleton of the tenant."},
		},
	}
}

func (r *PolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
	r.run = runFrom(req.ProviderData)
}

// ModifyPlan changes nothing: it records the policy as this run will leave
// it, for the checks of the passes planned after it (policy_plan.go).
func (r *PolicyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if resp.Diagnostics.Append(planTenant(ctx, r.client, req.State, "this entratap_policy")...); resp.Diagnostics.HasError() {
		return // another tenant's policy
	}
	if req.Plan.Raw.IsNull() {
		r.run.record(plannedDefaults()) // destroy: Microsoft's defaults
		return
	}
	var m policyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, diags := planPolicy(ctx, m.policyModel)
	resp.Diagnostics.Append(diags...)
	r.run.record(p)
}

func (r *PolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan policyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !clientReady(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()

	want, diags := expandPolicy(ctx, plan.policyModel)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The policy always exists: "create" writes every field of it.
	if err := r.client.UpdatePolicy(ctx, fullUpdate(want)); err != nil {
		resp.Diagnostics.Append(graphDiag("Writing the Temporary Access Pass policy failed", err))
		return
	}
	r.run.markWritten()
	plan.TenantID = createdTenant(ctx, r.client, &resp.Diagnostics)
	r.readInto(ctx, &plan, &resp.State, &resp.Diagnostics, nil)
	setPolicyIdentity(ctx, resp.Identity, plan.TenantID, &resp.Diagnostics)
}

func (r *PolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state policyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !clientReady(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	tenant, diags := checkTenant(ctx, r.client, recordedTenant(ctx, state.TenantID, req.Identity), "this entratap_policy")
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	state.TenantID = tenant
	r.readInto(ctx, &state, &resp.State, &resp.Diagnostics, nil)
	setPolicyIdentity(ctx, resp.Identity, tenant, &resp.Diagnostics)
	checkPriorIdentity(ctx, req.Identity, resp.Identity, resp.Private, "entratap_policy", policyIdentityForms, &resp.Diagnostics)
}

func (r *PolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state policyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !clientReady(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()

	want, diags := expandPolicy(ctx, plan.policyModel)
	resp.Diagnostics.Append(diags...)
	have, diags := expandPolicy(ctx, state.policyModel)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	u := changedFields(have, want)
	if u != (graph.PolicyUpdate{}) {
		if err := r.client.UpdatePolicy(ctx, u); err != nil {
			resp.Diagnostics.Append(graphDiag("Updating the Temporary Access Pass policy failed", err))
			return
		}
		r.run.markWritten()
	}
	// What this PATCH did not write is kept as planned: a change someone else made between
	// plan and apply shows as drift on the next plan, not as an inconsistent result now.
	plan.TenantID = state.TenantID
	r.readInto(ctx, &plan, &resp.State, &resp.Diagnostics, func(p *graph.Policy) { keepUnwritten(p, want, u) })
	setPolicyIdentity(ctx, resp.Identity, plan.TenantID, &resp.Diagnostics)
}

func (r *PolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state policyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !clientReady(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if err := r.client.ResetPolicy(ctx); err != nil {
		resp.Diagnostics.Append(graphDiag("Resetting the Temporary Access Pass policy to Microsoft's defaults failed", err))
		return
	}
	r.run.markWritten()
}

func (r *PolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" && req.Identity != nil {
		r.importPolicyByIdentity(ctx, req, resp)
		return
	}
	if !strings.EqualFold(req.ID, policyID) {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("The Temporary Access Pass policy is a singleton; import it with the id %q, e.g. terraform import entratap_policy.this %s. Got %q.", policyID, policyID, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), policyID)...)
	markImported(ctx, resp)
}

// UpgradeIdentity fills the tenant of a version 0 identity, which held the configured
// tenant or null (a credential that finds its tenant itself).
func (r *PolicyResource) UpgradeIdentity(context.Context) map[int64]resource.IdentityUpgrader {
	return map[int64]resource.IdentityUpgrader{0: tenantUpgrader(func() *graph.Client { return r.client }, "tenant_id", "id")}
}

// dedupePolicyDiags drops what the schema's own validators already report:
// a target_type other than user or group, and range checks between
// lifetimes one of which lies outside Graph's range: one error each.
func dedupePolicyDiags(m policyModel, diags diag.Diagnostics) diag.Diagnostics {
	outside := func(v types.Int64) bool {
		return !v.IsNull() && !v.IsUnknown() && (v.ValueInt64() < minLifetime || v.ValueInt64() > maxLifetime)
	}
	anyOutside := outside(m.MinimumLifetimeInMinutes) || outside(m.DefaultLifetimeInMinutes) || outside(m.MaximumLifetimeInMinutes)
	var out diag.Diagnostics
	for _, d := range diags {
		switch d.Summary() {
		case "Invalid target type":
			continue
		case "Invalid lifetime range", "Invalid default lifetime":
			if anyOutside {
				continue
			}
		}
		out.Append(d)
	}
	return out
}

// readInto reads the policy from Graph into the model and sets the state,
// with the targets in the model's order (the plan's, or the prior state's);
// targets the model does not hold follow in Graph's order.
// readInto reads the policy into m and state; overlay, when given, adjusts what was read first.
func (r *PolicyResource) readInto(ctx context.Context, m *policyResourceModel, state *tfsdk.State, diags *diag.Diagnostics, overlay func(*graph.Policy)) {
	var priorInc, priorExc []graph.Target
	if fullyKnown(ctx, m.IncludeTargets) && fullyKnown(ctx, m.ExcludeTargets) {
		var d diag.Diagnostics
		priorInc, d = expandIncludeTargets(ctx, m.IncludeTargets)
		diags.Append(d...)
		priorExc, d = expandExcludeTargets(ctx, m.ExcludeTargets)
		diags.Append(d...)
		if diags.HasError() {
			return
		}
	}
	p, err := r.client.GetPolicy(ctx)
	if err != nil {
		diags.Append(graphDiag("Reading the Temporary Access Pass policy failed", err))
		return
	}
	ordered := *p
	if overlay != nil {
		overlay(&ordered)
	}
	ordered.IncludeTargets = orderLike(priorInc, ordered.IncludeTargets)
	ordered.ExcludeTargets = orderLike(priorExc, ordered.ExcludeTargets)
	m.policyModel = flattenPolicy(&ordered)
	diags.Append(state.Set(ctx, m)...)
}

// fullUpdate sets every field of the policy.
func fullUpdate(p graph.Policy) graph.PolicyUpdate {
	return graph.PolicyUpdate{
		Enabled: &p.Enabled, DefaultLifetimeInMinutes: &p.DefaultLifetimeInMinutes, MinimumLifetimeInMinutes: &p.MinimumLifetimeInMinutes,
		MaximumLifetimeInMinutes: &p.MaximumLifetimeInMinutes, DefaultLength: &p.DefaultLength, IsUsableOnce: &p.IsUsableOnce,
		IncludeTargets: &p.IncludeTargets, ExcludeTargets: &p.ExcludeTargets,
	}
}

// changedFields is the PATCH that turns have into want, and nothing more.
func changedFields(have, want graph.Policy) graph.PolicyUpdate {
	var u graph.PolicyUpdate
	if have.Enabled != want.Enabled {
		u.Enabled = &want.Enabled
	}
	if have.DefaultLifetimeInMinutes != want.DefaultLifetimeInMinutes {
		u.DefaultLifetimeInMinutes = &want.DefaultLifetimeInMinutes
	}
	if have.MinimumLifetimeInMinutes != want.MinimumLifetimeInMinutes {
		u.MinimumLifetimeInMinutes = &want.MinimumLifetimeInMinutes
	}
	if have.MaximumLifetimeInMinutes != want.MaximumLifetimeInMinutes {
		u.MaximumLifetimeInMinutes = &want.MaximumLifetimeInMinutes
	}
	if have.DefaultLength != want.DefaultLength {
		u.DefaultLength = &want.DefaultLength
	}
	if have.IsUsableOnce != want.IsUsableOnce {
		u.IsUsableOnce = &want.IsUsableOnce
	}
	// Entra keeps no order: a reordered list writes nothing.
	if !sameTargets(have.IncludeTargets, want.IncludeTargets) {
		u.IncludeTargets = &want.IncludeTargets
	}
	if !sameTargets(have.ExcludeTargets, want.ExcludeTargets) {
		u.ExcludeTargets = &want.ExcludeTargets
	}
	return u
}

// keepUnwritten sets the fields of p that the PATCH u did not write to want's.
func keepUnwritten(p *graph.Policy, want graph.Policy, u graph.PolicyUpdate) {
	if u.Enabled == nil {
		p.Enabled = want.Enabled
	}
	if u.DefaultLifetimeInMinutes == nil {
		p.DefaultLifetimeInMinutes = want.DefaultLifetimeInMinutes
	}
	if u.MinimumLifetimeInMinutes == nil {
		p.MinimumLifetimeInMinutes = want.MinimumLifetimeInMinutes
	}
	if u.MaximumLifetimeInMinutes == nil {
		p.MaximumLifetimeInMinutes = want.MaximumLifetimeInMinutes
	}
	if u.DefaultLength == nil {
		p.DefaultLength = want.DefaultLength
	}
	if u.IsUsableOnce == nil {
		p.IsUsableOnce = want.IsUsableOnce
	}
	if u.IncludeTargets == nil {
		p.IncludeTargets = want.IncludeTargets
	}
	if u.ExcludeTargets == nil {
		p.ExcludeTargets = want.ExcludeTargets
	}
}

func setPolicyIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, tenant types.String, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, policyIdentityModel{TenantID: tenant, ID: types.StringValue(policyID)})...)
}

// importPolicyByIdentity checks an import block's identity against the signed-in tenant.
func (r *PolicyResource) importPolicyByIdentity(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var id policyIdentityModel
	resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !strings.EqualFold(id.ID.ValueString(), policyID) {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid import identity",
			fmt.Sprintf("The Temporary Access Pass policy is a singleton: its identity id is %q. Got %q.", policyID, graph.Truncate(id.ID.ValueString(), 120)))
		return
	}
	if !importTenant(ctx, r.client, id.TenantID, "Temporary Access Pass policy", &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), policyID)...)
	markImported(ctx, resp)
}
