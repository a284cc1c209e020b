package provider

// Resource identity (Terraform 1.12+) of entratap_pass and entratap_policy:
// what an import block's identity names and what `terraform query` returns.
// Older CLIs never ask for it, and the framework then leaves it out.
// Version 1 adds the tenant (tenant.go); an identity of version 0 is upgraded
// by adopting the tenant the provider is signed in to, as state is.

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
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

var (
	_ resource.ResourceWithIdentity        = &PassResource{}
	_ resource.ResourceWithIdentity        = &PolicyResource{}
	_ resource.ResourceWithUpgradeIdentity = &PassResource{}
	_ resource.ResourceWithUpgradeIdentity = &PolicyResource{}
)

const identityTenantDoc = "The tenant the object belongs to (its id), as recorded in state. " +
	"In an import block it is optional (the tenant the provider is signed in to) and guards against importing with a provider signed in to another tenant."

// identityTenant is the tenant_id attribute of both identities.
func identityTenant() identityschema.StringAttribute {
	return identityschema.StringAttribute{OptionalForImport: true, Description: identityTenantDoc}
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

// UpgradeIdentity adds the tenant to an identity written before it was recorded.
func (r *PassResource) UpgradeIdentity(context.Context) map[int64]resource.IdentityUpgrader {
	return map[int64]resource.IdentityUpgrader{0: tenantUpgrader(func() *graph.Client { return r.client }, "user_id", "id")}
}

// setPassIdentity records the identity; identity is nil when the CLI has no identity support.
func setPassIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, tenant types.String, userObjectID, passID string, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, passIdentityModel{TenantID: tenant, UserID: types.StringValue(userObjectID), ID: types.StringValue(passID)})...)
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

type policyIdentityModel struct {
	TenantID types.String `tfsdk:"tenant_id"`
	ID       types.String `tfsdk:"id"`
}

var policyIdentityForms = map[string]string{
	"tenant_id": "the tenant's id (a GUID)",
	"id":        "always `" + policyID + "`",
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

// UpgradeIdentity fills the tenant of a version 0 identity, which held the configured
// tenant or null (a credential that finds its tenant itself).
func (r *PolicyResource) UpgradeIdentity(context.Context) map[int64]resource.IdentityUpgrader {
	return map[int64]resource.IdentityUpgrader{0: tenantUpgrader(func() *graph.Client { return r.client }, "tenant_id", "id")}
}

// tenantUpgrader upgrades a version 0 identity of the given string attributes to version 1:
// the same attributes, and tenant_id as adoptedTenant says.
func tenantUpgrader(client func() *graph.Client, attrs ...string) resource.IdentityUpgrader {
	prior := identityschema.Schema{Attributes: map[string]identityschema.Attribute{}}
	for _, a := range attrs {
		prior.Attributes[a] = identityschema.StringAttribute{OptionalForImport: true}
	}
	return resource.IdentityUpgrader{PriorSchema: &prior,
		IdentityUpgrader: func(ctx context.Context, req resource.UpgradeIdentityRequest, resp *resource.UpgradeIdentityResponse) {
			vals := map[string]types.String{"tenant_id": types.StringNull()}
			for _, a := range attrs {
				var v types.String
				resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root(a), &v)...)
				vals[a] = v
			}
			tenant, diags := adoptedTenant(ctx, client(), vals["tenant_id"])
			resp.Diagnostics.Append(diags...)
			if resp.Diagnostics.HasError() {
				return
			}
			vals["tenant_id"] = tenant
			// Raw is unset here: start from a null object of the current schema.
			resp.Identity.Raw = tftypes.NewValue(resp.Identity.Schema.Type().TerraformType(ctx), nil)
			for a, v := range vals {
				resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root(a), v)...)
			}
		}}
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

// adoptedTenant is the tenant an upgraded identity records: the one it named, else the
// signed-in tenant (null when the provider is not configured, e.g. in terraform state commands).
func adoptedTenant(ctx context.Context, c *graph.Client, named types.String) (types.String, diag.Diagnostics) {
	if !named.IsNull() && named.ValueString() != "" {
		return types.StringValue(strings.ToLower(named.ValueString())), nil
	}
	if c == nil {
		return types.StringNull(), nil
	}
	t, diags := signedInTenant(ctx, c)
	if diags.HasError() || t == "" {
		return types.StringNull(), diags
	}
	return types.StringValue(t), diags
}

// importTenant checks an import identity's optional tenant_id against the signed-in tenant.
func importTenant(ctx context.Context, c *graph.Client, named types.String, what string, diags *diag.Diagnostics) bool {
	want := strings.ToLower(strings.TrimSpace(named.ValueString()))
	if want == "" || c == nil {
		return true
	}
	have, d := signedInTenant(ctx, c)
	diags.Append(d...)
	if d.HasError() {
		return false
	}
	if have != "" && want != have {
		diags.AddAttributeError(path.Root("tenant_id"), "Import identity names another tenant",
			fmt.Sprintf("The import block's identity names tenant %s, but the provider is signed in to tenant %s: the %s would be looked up in the wrong tenant. "+
				"Import with a provider signed in to tenant %s, or drop tenant_id from the identity to import from tenant %s.",
				graph.Truncate(want, 80), have, what, graph.Truncate(want, 80), have))
		return false
	}
	return true
}

// markImported marks, in private state (importedKey, as entratap_passes does), a resource just
// imported: its first read may change the identity the import block gave (a UPN becomes an object id).
func markImported(ctx context.Context, resp *resource.ImportStateResponse) {
	if resp.Private != nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte(`true`))...)
	}
}

// privateState is the private data of a read (the framework's type is internal).
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// checkPriorIdentity compares the identity state held before a read with the one the read
// sets. They differ only when someone edited the state by hand (or an import just ran):
// the error names the identity attribute and the form it must have, instead of Terraform's
// "Unexpected Identity Change ... always a problem with the provider".
func checkPriorIdentity(ctx context.Context, prior, next *tfsdk.ResourceIdentity, private privateState, kind string, forms map[string]string, diags *diag.Diagnostics) {
	if prior == nil || next == nil || prior.Raw.IsFullyNull() || diags.HasError() {
		return
	}
	if private != nil {
		if b, _ := private.GetKey(ctx, importedKey); len(b) > 0 {
			diags.Append(private.SetKey(ctx, importedKey, nil)...)
			return
		}
	}
	var was, is map[string]tftypes.Value
	if prior.Raw.As(&was) != nil || next.Raw.As(&is) != nil {
		return
	}
	for _, name := range []string{"tenant_id", "user_id", "id"} {
		w, i := was[name], is[name]
		if i.Type() == nil || w.Equal(i) {
			continue
		}
		var got, want string
		_ = w.As(&got)
		_ = i.As(&want)
		diags.AddError("Identity in state does not match the object",
			fmt.Sprintf("The identity Terraform stored for this %s has identity.%s = %q, but the object it belongs to has %q. identity.%s must be %s. "+
				"The state was edited by hand: restore the identity as it was, or forget this object with `terraform state rm` and the address above "+
				"and import it again.", kind, name, graph.Truncate(got, 120), want, name, forms[name]))
		return
	}
}
