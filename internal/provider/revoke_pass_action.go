package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

var (
	_ action.ActionWithConfigure  = &RevokePassAction{}
	_ action.ActionWithModifyPlan = &RevokePassAction{}
)

// RevokePassAction deletes a user's pass now (Terraform 1.14+: action_trigger or terraform apply -invoke).
type RevokePassAction struct{ client *graph.Client }

func NewRevokePassAction() action.Action { return &RevokePassAction{} }

type revokePassModel struct {
	UserID types.String `tfsdk:"user_id"`
	PassID types.String `tfsdk:"pass_id"`
}

func (a *RevokePassAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_revoke_pass"
}

func (a *RevokePassAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Revokes (deletes) a user's Temporary Access Pass now, without a change of configuration: a lost laptop, a leaked code, " +
			"a finished onboarding. Run it with `terraform apply -invoke=action.entratap_revoke_pass.<name>`, or from a resource's " +
			"`lifecycle { action_trigger { ... } }` (Terraform 1.14+). It succeeds when there is nothing to revoke and says so. " +
			"A pass managed by an `entratap_pass` resource is created again on that resource's next apply. " +
			"Needs `UserAuthMethod-TAP.ReadWrite.All` (or `UserAuthenticationMethod.ReadWrite.All`) and `User.Read.All`.",
		Attributes: map[string]schema.Attribute{
			"user_id": schema.StringAttribute{Required: true,
				MarkdownDescription: "The user whose pass to revoke: an object id (GUID) or a user principal name.",
				Validators:          []validator.String{userKeyValidator{}}},
			"pass_id": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Revoke only the pass with this id; when the user holds another pass (a newer one), it is left alone. Unset: whatever pass the user holds.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)}},
		},
	}
}

func (a *RevokePassAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan finds a user_id Graph does not know before anything runs.
func (a *RevokePassAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	var m revokePassModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.UserID.IsUnknown() || a.client == nil {
		return
	}
	if _, err := a.client.GetUser(ctx, m.UserID.ValueString()); err != nil {
		resp.Diagnostics.Append(userDiag(m.UserID.ValueString(), err))
	}
}

func (a *RevokePassAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m revokePassModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !clientReady(a.client, &resp.Diagnostics) {
		return
	}
	progress := func(format string, args ...any) {
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf(format, args...)})
		}
	}
	ref := m.UserID.ValueString()
	user, err := a.client.GetUser(ctx, ref)
	if err != nil {
		resp.Diagnostics.Append(userDiag(ref, err))
		return
	}
	passes, err := a.client.ListPasses(ctx, user.ID)
	if err != nil {
		resp.Diagnostics.Append(graphDiag(fmt.Sprintf("Listing the Temporary Access Passes of %s failed", user.Label()), err))
		return
	}
	only := m.PassID.ValueString()
	revoked := 0
	for _, p := range passes {
		if only != "" && !strings.EqualFold(p.ID, only) {
			progress("%s holds pass %s, not %s: left alone", user.Label(), p.ID, only)
			continue
		}
		if err := a.client.DeletePass(ctx, user.ID, p.ID); err != nil {
			resp.Diagnostics.Append(graphDiag(fmt.Sprintf("Revoking Temporary Access Pass %s of %s failed", p.ID, user.Label()), err))
			return
		}
		revoked++
		progress("Revoked Temporary Access Pass %s of %s (%s)", p.ID, user.Label(), p.MethodUsabilityReason)
	}
	if revoked == 0 {
		if only != "" {
			progress("Nothing to revoke: %s holds no pass %s (already deleted or replaced)", user.Label(), only)
		} else {
			progress("Nothing to revoke: %s holds no Temporary Access Pass", user.Label())
		}
	}
}

// userDiag explains a user_id that cannot be resolved, on the attribute.
func userDiag(ref string, err error) diag.Diagnostic {
	if graph.IsNotFound(err) {
		return diag.NewAttributeErrorDiagnostic(path.Root("user_id"), "User not found",
			fmt.Sprintf("user_id %q names no user in the tenant: give an existing user's object id or user principal name.", ref))
	}
	return graphDiag(fmt.Sprintf("Reading user %q failed", ref), err)
}
