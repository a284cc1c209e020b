package noop

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/entratap/terraform-provider-entratap/internal/provider"
)

var (
	_ resource.ResourceWithIdentity    = &passResource{}
	_ resource.ResourceWithImportState = &passResource{}
)

// passResource has exactly entratap_pass's schema and identity (attributes, plan modifiers,
// validators, timeouts) over CRUD that does nothing: its cost is the framework's share of a
// pass, so entratap_pass over noop_pass is our code's share alone.
type passResource struct{}

func (r *passResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_pass"
}

func (r *passResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = provider.PassResourceSchema(ctx)
}

func (r *passResource) IdentitySchema(ctx context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = provider.PassIdentitySchema(ctx)
}

type passIdentity struct {
	UserID types.String `tfsdk:"user_id"`
	ID     types.String `tfsdk:"id"`
}

// Create fills the computed attributes as entratap_pass does, through the plan as an object.
func (r *passResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m types.Object
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	now := time.Now().UTC().Truncate(time.Second)
	attrs := m.Attributes()
	set := func(name string, v any) {
		switch v := v.(type) {
		case string:
			attrs[name] = types.StringValue(v)
		case int64:
			attrs[name] = types.Int64Value(v)
		case bool:
			attrs[name] = types.BoolValue(v)
		}
	}
	id := randomHex(16)
	user, _ := attrs["user_id"].(basetypes.StringValue)
	userID := user.ValueString()
	set("id", id)
	set("temporary_access_pass", randomHex(5))
	set("user_object_id", userID)
	set("created_date_time", now.Format(time.RFC3339))
	if attrs["start_date_time"].IsUnknown() {
		set("start_date_time", now.Format(time.RFC3339))
	}
	if attrs["lifetime_in_minutes"].IsUnknown() {
		set("lifetime_in_minutes", int64(60))
	}
	if attrs["is_usable_once"].IsUnknown() {
		set("is_usable_once", false)
	}
	set("expiration_date_time", now.Add(time.Hour).Format(time.RFC3339))
	set("is_usable", true)
	set("method_usability_reason", "EnabledByPolicy")
	out, diags := types.ObjectValue(m.AttributeTypes(ctx), attrs)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, out)...)
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, passIdentity{UserID: types.StringValue(userID), ID: types.StringValue(id)})...)
	}
}

// Read keeps the state (the framework starts the response from it) and, as entratap_pass does, sets the identity.
func (r *passResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	setIdentity(ctx, req.State.GetAttribute, resp.Identity, &resp.Diagnostics)
}

// setIdentity records user_id and id from the state, as entratap_pass does on every read and write.
func setIdentity(ctx context.Context, get func(context.Context, path.Path, any) diag.Diagnostics, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	var id passIdentity
	diags.Append(get(ctx, path.Root("user_id"), &id.UserID)...)
	diags.Append(get(ctx, path.Root("id"), &id.ID)...)
	diags.Append(identity.Set(ctx, id)...)
}

func (r *passResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m types.Object
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	setIdentity(ctx, req.Plan.GetAttribute, resp.Identity, &resp.Diagnostics)
}

func (r *passResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

func (r *passResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}
