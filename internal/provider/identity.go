package provider

// Resource identity (Terraform 1.12+) of entratap_pass and entratap_policy:
// what an import block's identity names and what `terraform query` returns.
// Older CLIs never ask for it, and the framework then leaves it out.
// Version 1 adds the tenant (tenant.go); an identity of version 0 is upgraded
// by adopting the tenant the provider is signed in to, as state is.
// This file holds what both share; each resource's identity schema, upgrade and
// import by identity are in its own file (pass_resource.go, policy_resource.go).

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

const identityTenantDoc = "The tenant the object belongs to (its id), as recorded in state. " +
	"In an import block it is optional (the tenant the provider is signed in to) and guards against importing with a provider signed in to another tenant."

// identityTenant is the tenant_id attribute of both identities.
func identityTenant() identityschema.StringAttribute {
	return identityschema.StringAttribute{OptionalForImport: true, Description: identityTenantDoc}
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
