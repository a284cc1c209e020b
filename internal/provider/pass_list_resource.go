package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

var (
	_ list.ListResourceWithConfigure      = &PassListResource{}
	_ list.ListResourceWithValidateConfig = &PassListResource{}
)

// Usability filters, in the user's words, and the reasons each matches.
const (
	usabilityUsable           = "usable"
	usabilityNotYetValid      = "not_yet_valid"
	usabilityExpiredOrUsed    = "expired_or_used"
	usabilityDisabledByPolicy = "disabled_by_policy"
)

// PassListResource lists existing passes for `terraform query` (Terraform 1.14+).
type PassListResource struct {
	client *graph.Client
	run    *runState
}

func NewPassListResource() list.ListResource { return &PassListResource{} }

type passListConfig struct {
	GroupID   types.String `tfsdk:"group_id"`
	UserIDs   types.List   `tfsdk:"user_ids"`
	AllUsers  types.Bool   `tfsdk:"all_users"`
	Usability types.List   `tfsdk:"usability"`
	Status    types.List   `tfsdk:"status"`
}

func (r *PassListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_pass"
}

func (r *PassListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists users' existing Temporary Access Passes (Terraform 1.14+, `terraform query`), for audit and to bring passes " +
			"made in the portal or by scripts under Terraform: `terraform query -generate-config-out=passes.tf` writes an `entratap_pass` " +
			"block and an `import` block by identity for each pass (without `start_date_time` for a pass that has already started: the import reads it, " +
			"and the configuration keeps planning once the pass is replaced). Set exactly one of `group_id`, `user_ids` or `all_users`. " +
			"Users are paged through 999 at a time and their passes read through JSON batches of 20; throttled calls are retried. " +
			"A user Graph lists but then no longer finds (deleted while listing) is skipped and named in a warning. " +
			"Signed in as a user (delegated), users whose passes that user's directory role may not read (for an Authentication Administrator, " +
			"users holding admin roles) are skipped, and one warning names each with the role it needs; the others are listed. " +
			"Needs `UserAuthMethod-TAP.Read.All` (or `UserAuthenticationMethod.Read.All`), `User.Read.All` and, with `group_id`, `GroupMember.Read.All`.",
		Attributes: map[string]schema.Attribute{
			"group_id": schema.StringAttribute{Optional: true,
				MarkdownDescription: "List the passes of the group's members, nested groups' members included (transitive). The group's object id (GUID).",
				Validators:          []validator.String{groupIDValidator}},
			"user_ids": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "List the passes of these users: object ids (GUIDs) or user principal names. Users that do not exist are named in a warning.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1),
					listvalidator.ValueStringsAre(userKeyValidator{})}},
			"all_users": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "`true`: list the passes of every user in the tenant (paged: for 5,000 users, 6 pages of users and 250 batched requests for their passes)."},
			"usability": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Only passes in these states: `usable` (can sign in now), `not_yet_valid` (start in the future), " +
					"`expired_or_used` (expired, or a one-time pass already used) and `disabled_by_policy` (the policy is off or does not target the user). Unset: every pass.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(
					stringvalidator.OneOf(usabilityUsable, usabilityNotYetValid, usabilityExpiredOrUsed, usabilityDisabledByPolicy))}},
			"status": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Only passes whose users are at these points of onboarding (the wave report): " + finishStatusDoc + ". " +
					"Each result's `registered` holds the finish line (`{ method, date_time }`). Reading it needs `UserAuthenticationMethod.Read.All`; " +
					"without it the passes are listed with `registered` null and a warning, and a `status` filter is an error. Unset: every pass.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.OneOf(finishStatuses...))}},
		},
	}
}

func (r *PassListResource) ValidateListResourceConfig(ctx context.Context, req list.ValidateConfigRequest, resp *list.ValidateConfigResponse) {
	var cfg passListConfig
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if cfg.GroupID.IsUnknown() || cfg.UserIDs.IsUnknown() || cfg.AllUsers.IsUnknown() {
		return
	}
	n := 0
	if !cfg.GroupID.IsNull() {
		n++
	}
	if !cfg.UserIDs.IsNull() {
		n++
	}
	if cfg.AllUsers.ValueBool() {
		n++
	}
	switch {
	case !cfg.AllUsers.IsNull() && !cfg.AllUsers.ValueBool():
		resp.Diagnostics.AddAttributeError(path.Root("all_users"), "Empty selection",
			"all_users = false selects no one: set group_id or user_ids instead, or all_users = true to list every user's passes.")
	case n == 0:
		resp.Diagnostics.AddAttributeError(path.Root("group_id"), "Empty selection",
			"Say whose passes to list: group_id (a group's transitive members), user_ids (object ids or user principal names) or all_users = true (every user of the tenant).")
	case n > 1:
		resp.Diagnostics.AddAttributeError(path.Root("group_id"), "Conflicting selection",
			"Set only one of group_id, user_ids and all_users.")
	}
}

func (r *PassListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
	r.run = runFrom(req.ProviderData)
}

func (r *PassListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg passListConfig
	diags := req.Config.Get(ctx, &cfg)
	if diags.HasError() || !clientReady(r.client, &diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	sel := graph.UserSelection{GroupID: cfg.GroupID.ValueString()}
	if !cfg.UserIDs.IsNull() {
		var ids []string
		if diags := cfg.UserIDs.ElementsAs(ctx, &ids, false); diags.HasError() {
			stream.Results = list.ListResultsStreamDiagnostics(diags)
			return
		}
		sel.UserIDs = ids
	}
	want := map[string]bool{}
	if !cfg.Usability.IsNull() {
		var us []string
		_ = cfg.Usability.ElementsAs(ctx, &us, false)
		for _, u := range us {
			want[u] = true
		}
	}
	statuses := map[string]bool{}
	if !cfg.Status.IsNull() {
		var ss []string
		_ = cfg.Status.ElementsAs(ctx, &ss, false)
		for _, st := range ss {
			statuses[st] = true
		}
	}
	strong := r.run.strongMethods()
	sel.WithMethods = len(strong) > 0
	timeoutsType, _ := req.ResourceSchema.TypeAtPath(ctx, path.Root("timeouts"))
	tenant := createdTenant(ctx, r.client, &diags) // what an import of each pass would record
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}

	stream.Results = func(push func(list.ListResult) bool) {
		var missing []string
		var skipped skippedUsers // out of the signed-in user's reach: named once, at the end
		var methodErrs []error   // finish lines that could not be read
		emitted := int64(0)
		stopped := false
		err := r.client.ScanPasses(ctx, sel, func(up graph.UserPasses) bool {
			if up.Err != nil {
				if graph.IsNotFound(up.Err) {
					missing = append(missing, up.User.ID)
					return true
				}
				if skipped.add(up.User, up.Err) {
					return true
				}
				res := list.ListResult{}
				res.Diagnostics.Append(graphDiag(fmt.Sprintf("Listing the Temporary Access Passes of user %s failed", up.User.ID), up.Err))
				stopped = !push(res)
				return false
			}
			if up.MethodsErr != nil {
				if len(statuses) > 0 {
					res := list.ListResult{}
					res.Diagnostics.Append(graphDiag(fmt.Sprintf("Reading the authentication methods of %s failed: status cannot be told", up.User.Label()), up.MethodsErr))
					stopped = !push(res)
					return false
				}
				methodErrs = append(methodErrs, up.MethodsErr)
			}
			for _, p := range up.Passes {
				if len(want) > 0 && !want[usabilityOf(p)] {
					continue
				}
				reg := graph.FirstRegistered(up.Methods, strong, p.StartDateTime)
				status := finishStatus(p.MethodUsabilityReason, reg != nil)
				if len(statuses) > 0 && !statuses[status] {
					continue
				}
				if req.Limit > 0 && emitted >= req.Limit {
					return false
				}
				res := req.NewListResult(ctx)
				res.DisplayName = fmt.Sprintf("%s: pass %s, %s, expires %s, %s", up.User.Label(), p.ID, p.MethodUsabilityReason, passTime(p.ExpirationDateTime()), status)
				if reg != nil {
					res.DisplayName += " " + registeredText(registeredValue(reg))
				}
				res.Diagnostics.Append(res.Identity.Set(ctx, passIdentityModel{TenantID: tenant, UserID: types.StringValue(up.User.ID), ID: types.StringValue(p.ID)})...)
				if req.IncludeResource {
					m := listedPassModel(up.User.ID, p, timeoutsType, time.Now())
					m.Registered = registeredValue(reg)
					m.TenantID = tenant
					res.Diagnostics.Append(res.Resource.Set(ctx, &m)...)
				}
				emitted++
				if !push(res) {
					stopped = true
					return false
				}
			}
			return true
		})
		if stopped {
			return
		}
		if w := finishWarning(methodErrs); len(w) > 0 {
			if !push(list.ListResult{Diagnostics: w}) {
				return
			}
		}
		if err != nil {
			res := list.ListResult{}
			summary := "Listing Temporary Access Passes failed"
			if sel.GroupID != "" && graph.IsNotFound(err) {
				res.Diagnostics.AddAttributeError(path.Root("group_id"), "Group not found",
					fmt.Sprintf("group_id %q names no group in the tenant: give the object id of an existing group.\n\n%s", sel.GroupID, err))
			} else {
				res.Diagnostics.Append(graphDiag(summary, err))
			}
			if !push(res) {
				return
			}
		}
		if len(missing) > 0 {
			res := list.ListResult{}
			if len(sel.UserIDs) > 0 {
				res.Diagnostics.AddAttributeWarning(path.Root("user_ids"), "Users not found",
					fmt.Sprintf("These user_ids name no user in the tenant, and were skipped: %s.", strings.Join(missing, ", ")))
			} else {
				res.Diagnostics.AddWarning("Users deleted while listing",
					fmt.Sprintf("%d user(s) listed by Microsoft Graph could no longer be found when their passes were read (deleted while listing, or not replicated yet), and were skipped: %s.",
						len(missing), strings.Join(missing, ", ")))
			}
			if !push(res) {
				return
			}
		}
		if len(skipped) > 0 {
			// A warning: what could be read is listed and usable, and the gap is named.
			res := list.ListResult{}
			res.Diagnostics.Append(skipped.diag(ctx, r.client, diag.SeverityWarning,
				fmt.Sprintf("%d user(s) skipped: their passes need another role", len(skipped)),
				fmt.Sprintf("listed the Temporary Access Passes of the other %s.", selectionWords(sel))))
			push(res)
		}
	}
}

// selectionWords names the users a listing covers, for messages.
func selectionWords(sel graph.UserSelection) string {
	switch {
	case sel.GroupID != "":
		return "members of group " + sel.GroupID
	case len(sel.UserIDs) > 0:
		return "user_ids"
	}
	return "users of the tenant"
}

// usabilityOf maps Graph's usability reason onto the list's filter values.
func usabilityOf(p *graph.Pass) string {
	switch p.MethodUsabilityReason {
	case graph.ReasonNotYetValid:
		return usabilityNotYetValid
	case graph.ReasonExpired, graph.ReasonOneTimeUsed:
		return usabilityExpiredOrUsed
	case graph.ReasonDisabledByPolicy:
		return usabilityDisabledByPolicy
	}
	if p.IsUsable {
		return usabilityUsable
	}
	return usabilityDisabledByPolicy
}

// listedPassModel is the entratap_pass resource as an import of the pass
// would read it: generated configuration then plans no change. A start that
// is not in the future is left null: written into configuration, it would
// fail the plan ("start_date_time is in the past") once the pass is revoked,
// used or expired and the resource issues a new one; the import's read fills
// it in state, so the plan stays clean. A future start (a pass not yet valid)
// is kept: it is what was asked for.
func listedPassModel(userObjectID string, p *graph.Pass, timeoutsType attr.Type, now time.Time) passResourceModel {
	var m passResourceModel
	m.setFrom(userObjectID, p)
	if !p.StartDateTime.After(now) {
		m.StartDateTime = types.StringNull()
	}
	m.UserID = types.StringValue(userObjectID)
	m.ReplaceWhenUnusable = types.BoolValue(false)
	m.ReplaceExisting = types.BoolValue(false)
	m.Triggers = types.MapNull(types.StringType)
	m.TemporaryAccessPass = types.StringNull()
	m.Registered = registeredValue(nil)
	if tt, ok := timeoutsType.(timeouts.Type); ok {
		m.Timeouts = timeouts.Value{Object: types.ObjectNull(tt.AttrTypes)}
	}
	return m
}
