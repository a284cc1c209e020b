package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

// sameUserReplace leaves a known change of user_id to ModifyPlan (userReplace), which has
// the client to tell whether the new value names the pass's user; an unknown one replaces.
type sameUserReplace struct{}

func (m sameUserReplace) Description(ctx context.Context) string { return m.MarkdownDescription(ctx) }

func (sameUserReplace) MarkdownDescription(context.Context) string {
	return "Replaces the pass when user_id names another user."
}

func (sameUserReplace) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.State.Raw.IsNull() && !req.Plan.Raw.IsNull() && req.PlanValue.IsUnknown() {
		resp.RequiresReplace = true
	}
}

// userReplace replaces the pass when user_id names another user. The same user written
// another way (its object id after `terraform import <objectid>/<passid>`, its UPN in
// another case) is updated in place: adopting an orphan must not replace it.
func (r *PassResource) userReplace(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var planned, prior, objectID types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("user_id"), &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("user_id"), &prior)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("user_object_id"), &objectID)...)
	if resp.Diagnostics.HasError() || planned.IsUnknown() || planned.IsNull() {
		return // unknown: sameUserReplace replaced
	}
	p := planned.ValueString()
	if strings.EqualFold(p, prior.ValueString()) || (objectID.ValueString() != "" && strings.EqualFold(p, objectID.ValueString())) {
		return
	}
	if objectID.ValueString() == "" || r.client == nil {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("user_id"))
		return
	}
	u, err := r.client.GetUser(ctx, p)
	switch {
	case graph.IsNotFound(err):
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("user_id"))
	case err != nil:
		// Unknown: a replacement would throw away a working code on a failed read.
		resp.Diagnostics.Append(graphDiag(fmt.Sprintf("Reading user %q (is it %s, the user of the pass in state?) failed", p, prior.ValueString()), err))
	case !strings.EqualFold(u.ID, objectID.ValueString()):
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("user_id"))
	}
}
