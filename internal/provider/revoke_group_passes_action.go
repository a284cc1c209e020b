package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
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
	_ action.ActionWithConfigure  = &RevokeGroupPassesAction{}
	_ action.ActionWithModifyPlan = &RevokeGroupPassesAction{}
)

// RevokeGroupPassesAction deletes the passes of every (transitive) member of
// a group: the end of an onboarding wave, or a suspected leak of a batch of codes.
type RevokeGroupPassesAction struct {
	client *graph.Client
	run    *runState
}

func NewRevokeGroupPassesAction() action.Action { return &RevokeGroupPassesAction{} }

type revokeGroupPassesModel struct {
	GroupID        types.String `tfsdk:"group_id"`
	Usability      types.List   `tfsdk:"usability"`
	OnlyRegistered types.Bool   `tfsdk:"only_registered"`
}

func (a *RevokeGroupPassesAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_revoke_group_passes"
}

func (a *RevokeGroupPassesAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Revokes the Temporary Access Passes of every member of a group, members of nested groups included: " +
			"codes of a batch that may have leaked, or passes Terraform does not manage. A pass managed by an `entratap_pass` or an entry of an " +
			"`entratap_passes` is issued again, with a new code, on that resource's next apply: to end a managed wave, remove its entries or destroy it. " +
			"Optionally only passes in some states " +
			"(e.g. leave `not_yet_valid` passes of the next wave alone). Each revoked pass is reported as progress; " +
			"a group whose members hold no pass succeeds and says so. Passes are listed and deleted through JSON batches of 20. " +
			"Signed in as a user (delegated), members out of that user's reach (for an Authentication Administrator, members holding admin roles; " +
			"always the user themselves) are left alone, the others' passes are revoked, and then one error names each member skipped with the role it needs. " +
			"Terraform 1.14+. " +
			"Needs `UserAuthMethod-TAP.ReadWrite.All` (or `UserAuthenticationMethod.ReadWrite.All`), `User.Read.All` and `GroupMember.Read.All`.",
		Attributes: map[string]schema.Attribute{
			"group_id": schema.StringAttribute{Required: true,
				MarkdownDescription: "The group's object id (GUID).",
				Validators:          []validator.String{groupIDValidator}},
			"usability": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Revoke only passes in these states: `usable`, `not_yet_valid`, `expired_or_used`, `disabled_by_policy`. Unset: every pass.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(
					stringvalidator.OneOf(usabilityUsable, usabilityNotYetValid, usabilityExpiredOrUsed, usabilityDisabledByPolicy))}},
			"only_registered": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "`true`: revoke only the passes of members who have registered a strong method (the provider's `strong_methods`) since their pass started: " +
					"the end of onboarding for those who finished, leaving the others their codes. A pass managed by `entratap_pass` or `entratap_passes` whose user " +
					"finished is not issued again by the next apply. Needs `UserAuthenticationMethod.Read.All` as well."},
		},
	}
}

func (a *RevokeGroupPassesAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = clientFrom(req.ProviderData, &resp.Diagnostics)
	a.run = runFrom(req.ProviderData)
}

func (a *RevokeGroupPassesAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	var m revokeGroupPassesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.GroupID.IsUnknown() || a.client == nil {
		return
	}
	if _, err := a.client.GetGroup(ctx, m.GroupID.ValueString()); err != nil {
		resp.Diagnostics.Append(groupDiag(m.GroupID.ValueString(), err))
	}
}

func (a *RevokeGroupPassesAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m revokeGroupPassesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !clientReady(a.client, &resp.Diagnostics) {
		return
	}
	want := map[string]bool{}
	if !m.Usability.IsNull() {
		var us []string
		resp.Diagnostics.Append(m.Usability.ElementsAs(ctx, &us, false)...)
		for _, u := range us {
			want[u] = true
		}
	}
	progress := func(format string, args ...any) {
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf(format, args...)})
		}
	}
	group := m.GroupID.ValueString()
	type target struct {
		user graph.User
		pass *graph.Pass
	}
	var targets []target
	var missing []string
	var skipped skippedUsers // out of the signed-in user's reach: named once, at the end
	onlyRegistered := m.OnlyRegistered.ValueBool()
	strong := a.run.strongMethods()
	if onlyRegistered && len(strong) == 0 {
		resp.Diagnostics.AddAttributeError(path.Root("only_registered"), "No strong methods",
			"only_registered = true needs the provider's strong_methods to name at least one method; it is [].")
		return
	}
	err := a.client.ScanPasses(ctx, graph.UserSelection{GroupID: group, ToDelete: true, WithMethods: onlyRegistered}, func(up graph.UserPasses) bool {
		if up.Err != nil {
			if graph.IsNotFound(up.Err) {
				missing = append(missing, up.User.ID)
				return true
			}
			if skipped.add(up.User, up.Err) {
				return true
			}
			resp.Diagnostics.Append(graphDiag(fmt.Sprintf("Listing the Temporary Access Passes of %s failed", up.User.Label()), up.Err))
			return false
		}
		if up.MethodsErr != nil {
			resp.Diagnostics.Append(graphDiag(fmt.Sprintf("Reading the authentication methods of %s failed: whether they registered cannot be told", up.User.Label()), up.MethodsErr))
			return false
		}
		for _, p := range up.Passes {
			if onlyRegistered && graph.FirstRegistered(up.Methods, strong, p.StartDateTime) == nil {
				continue
			}
			if len(want) == 0 || want[usabilityOf(p)] {
				targets = append(targets, target{up.User, p})
			}
		}
		return true
	})
	if err != nil {
		resp.Diagnostics.Append(groupDiag(group, err))
		return
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// Deleted through $batch, 20 to a request: one failure does not stop the others.
	refs := make([]graph.PassRef, len(targets))
	for i, t := range targets {
		refs[i] = graph.PassRef{UserID: t.user.ID, PassID: t.pass.ID}
	}
	revoked := 0
	for i, err := range a.client.DeletePasses(ctx, refs) {
		t := targets[i]
		switch {
		case err == nil:
			revoked++
			progress("Revoked Temporary Access Pass %s of %s (%s)", t.pass.ID, t.user.Label(), t.pass.MethodUsabilityReason)
		case skipped.add(t.user, err):
		default:
			resp.Diagnostics.Append(graphDiag(fmt.Sprintf("Revoking Temporary Access Pass %s of %s failed", t.pass.ID, t.user.Label()), err))
		}
	}
	if len(missing) > 0 {
		resp.Diagnostics.AddWarning("Members deleted while listing",
			fmt.Sprintf("%d member(s) of group %s could no longer be found when their passes were read, and were skipped: %s.", len(missing), group, strings.Join(missing, ", ")))
	}
	if len(skipped) > 0 {
		resp.Diagnostics.Append(skipped.diag(ctx, a.client, diag.SeverityError,
			fmt.Sprintf("%d member(s) of group %s skipped: their passes need another role", len(skipped), group),
			fmt.Sprintf("revoked %d Temporary Access Pass(es) of the other members of group %s.", revoked, group)))
	}
	if revoked == 0 && !resp.Diagnostics.HasError() {
		progress("Nothing to revoke: no member of group %s holds a matching Temporary Access Pass", group)
		return
	}
	progress("Revoked %d Temporary Access Pass(es) of members of group %s", revoked, group)
}

func groupDiag(group string, err error) diag.Diagnostic {
	if graph.IsNotFound(err) {
		return diag.NewAttributeErrorDiagnostic(path.Root("group_id"), "Group not found",
			fmt.Sprintf("group_id %q names no group in the tenant: give the object id of an existing group.", group))
	}
	return graphDiag(fmt.Sprintf("Reading the members of group %s failed", group), err)
}
