package provider

// The tenant an object belongs to: recorded in state (tenant_id) and identity when the
// object is created or first read, and checked on every refresh and plan, so that a
// provider pointed at another tenant (a stale env file, a wrong ARM_TENANT_ID) fails
// instead of planning to create the object there and dropping the first tenant's.
// The signed-in tenant comes from one place, graph.Client.SignedInTenant.

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

const tenantDoc = "The tenant (id) the object belongs to, recorded when it is created or first read. A plan or refresh with the provider signed in to " +
	"another tenant is an error that names both, so that a stale environment never plans to recreate the object in the wrong tenant."

// tenantAttribute is the computed tenant_id of entratap_policy, entratap_pass and entratap_passes.
func tenantAttribute() rschema.StringAttribute { return resourceKeptString(tenantDoc) }

// signedInTenant is the tenant the provider is signed in to, or an error diagnostic.
func signedInTenant(ctx context.Context, c *graph.Client) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	t, err := c.SignedInTenant(ctx)
	if err != nil {
		diags.Append(graphDiag("Could not find out which tenant the provider is signed in to", err))
	}
	return t, diags
}

// checkTenant compares the tenant state recorded (null or "" for state written before
// tenant_id existed: it adopts the signed-in one) with the signed-in tenant, and returns
// the tenant to record. what names the object in the message ("this entratap_pass").
func checkTenant(ctx context.Context, c *graph.Client, recorded types.String, what string) (types.String, diag.Diagnostics) {
	have, diags := signedInTenant(ctx, c)
	if diags.HasError() {
		return recorded, diags
	}
	want := strings.ToLower(recorded.ValueString())
	if recorded.IsNull() || recorded.IsUnknown() || want == "" || have == "" || want == have {
		if have == "" {
			return recorded, diags
		}
		return types.StringValue(have), diags
	}
	diags.Append(tenantMismatch(what, want, have))
	return recorded, diags
}

// tenantMismatch is the error for an object of tenant want met by a provider signed in to have.
func tenantMismatch(what, want, have string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("tenant_id"), "Object belongs to another tenant",
		fmt.Sprintf("State records %s in tenant %s, but the provider is signed in to tenant %s. Nothing was read or changed in tenant %s.\n\n"+
			"If the provider points at the wrong tenant (a stale ARM_TENANT_ID, env file or provider block), point it at tenant %s again and run again.\n"+
			"If you mean to leave the object in tenant %s behind, forget it with `terraform state rm` and the address above "+
			"(it stays in tenant %s, untouched); the next plan then creates it in tenant %s.",
			what, want, have, have, want, want, want, have))
}

// planTenant checks the tenant of the prior state at plan time (also with -refresh=false,
// when no Read ran): a plan never proposes to change another tenant's object.
func planTenant(ctx context.Context, c *graph.Client, state tfsdk.State, what string) diag.Diagnostics {
	if state.Raw.IsNull() || c == nil {
		return nil
	}
	var recorded types.String
	diags := state.GetAttribute(ctx, path.Root("tenant_id"), &recorded)
	if diags.HasError() || recorded.IsNull() || recorded.IsUnknown() {
		return diags
	}
	_, d := checkTenant(ctx, c, recorded, what)
	return d
}

// recordedTenant is the tenant state recorded, or, for state written before tenant_id
// existed, the one its identity named (an entratap_policy's identity held the configured tenant).
func recordedTenant(ctx context.Context, inState types.String, prior *tfsdk.ResourceIdentity) types.String {
	if !inState.IsNull() && !inState.IsUnknown() && inState.ValueString() != "" {
		return inState
	}
	if prior == nil || prior.Raw.IsNull() {
		return inState
	}
	var named types.String
	if d := prior.GetAttribute(ctx, path.Root("tenant_id"), &named); d.HasError() || named.IsNull() {
		return inState
	}
	return named
}

// createdTenant is the tenant_id of an object just created: the signed-in tenant, known by
// then (the create's token), or null when the token names none.
func createdTenant(ctx context.Context, c *graph.Client, diags *diag.Diagnostics) types.String {
	t, d := signedInTenant(ctx, c)
	diags.Append(d...)
	if t == "" {
		return types.StringNull()
	}
	return types.StringValue(t)
}
