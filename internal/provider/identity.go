package provider

// Resource identity (Terraform 1.12+) of entratap_pass and entratap_policy:
// what an import block's identity names and what `terraform query` returns.
// Older CLIs never ask for it, and the framework then leaves it out.

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithIdentity = &PassResource{}
	_ resource.ResourceWithIdentity = &PolicyResource{}
)

type passIdentityModel struct {
	UserID types.String `tfsdk:"user_id"`
	ID     types.String `tfsdk:"id"`
}

func (r *PassResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"user_id": identityschema.StringAttribute{RequiredForImport: true,
				Description: "The object id (GUID) of the user who holds the pass. An import block may give a user principal name; state holds the object id."},
			"id": identityschema.StringAttribute{RequiredForImport: true, Description: "The id of the pass."},
		},
	}
}

// setPassIdentity records the identity; identity is nil when the CLI has no identity support.
func setPassIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, userObjectID, passID string, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, passIdentityModel{UserID: types.StringValue(userObjectID), ID: types.StringValue(passID)})...)
}

// importPassByIdentity fills the state from an import block's identity.
func importPassByIdentity(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var id passIdentityModel
	resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
	if resp.Diagnostics.HasError() {
		return
	}
	user, pass := strings.TrimSpace(id.UserID.ValueString()), strings.TrimSpace(id.ID.ValueString())
	if user == "" || pass == "" || strings.Contains(user, "/") {
		resp.Diagnostics.AddError("Invalid import identity",
			fmt.Sprintf("Import a Temporary Access Pass with identity = { user_id = <the user's object id>, id = <the pass id> }. Got user_id %q and id %q.", id.UserID.ValueString(), id.ID.ValueString()))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_id"), user)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), pass)...)
}

type policyIdentityModel struct {
	TenantID types.String `tfsdk:"tenant_id"`
	ID       types.String `tfsdk:"id"`
}

func (r *PolicyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"tenant_id": identityschema.StringAttribute{OptionalForImport: true,
				Description: "The tenant whose policy this is, as configured in the provider (null when the credential finds the tenant itself). " +
					"In an import block it guards against importing with a provider configured for another tenant."},
			"id": identityschema.StringAttribute{RequiredForImport: true, Description: "Always `" + policyID + "`: the policy is a singleton of the tenant."},
		},
	}
}

func (r *PolicyResource) setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	tenant := types.StringNull()
	if t := r.tenantID(); t != "" {
		tenant = types.StringValue(t)
	}
	diags.Append(identity.Set(ctx, policyIdentityModel{TenantID: tenant, ID: types.StringValue(policyID)})...)
}

// importPolicyByIdentity checks an import block's identity against the provider's tenant.
func (r *PolicyResource) importPolicyByIdentity(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var id policyIdentityModel
	resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !strings.EqualFold(id.ID.ValueString(), policyID) {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid import identity",
			fmt.Sprintf("The Temporary Access Pass policy is a singleton: its identity id is %q. Got %q.", policyID, id.ID.ValueString()))
		return
	}
	want := id.TenantID.ValueString()
	if have := r.tenantID(); want != "" && have != "" && !strings.EqualFold(want, have) {
		resp.Diagnostics.AddError("Import identity names another tenant",
			fmt.Sprintf("The import block's identity names tenant %s, but this provider configuration signs in to tenant %s. "+
				"Import with a provider configured for tenant %s, or drop tenant_id from the identity.", want, have, want))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), policyID)...)
	r.setIdentity(ctx, resp.Identity, &resp.Diagnostics)
}

func (r *PolicyResource) tenantID() string {
	if r.client == nil {
		return ""
	}
	return r.client.TenantID()
}
