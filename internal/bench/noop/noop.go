// Package noop is the benchmark's floor: a terraform-plugin-framework provider whose one
// resource, noop_thing, does nothing in its CRUD. What a command costs on it is what any plugin
// provider pays (process start, gRPC, schema, plan and state handling), so the pass resource's
// time over this one's is the provider's own overhead. cmd/bench-noop serves it.
package noop

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ provider.Provider                = &noopProvider{}
	_ resource.Resource                = &thingResource{}
	_ resource.ResourceWithImportState = &thingResource{}
)

// New returns the provider, for providerserver.Serve.
func New() provider.Provider { return &noopProvider{} }

type noopProvider struct{}

func (p *noopProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "noop"
}

func (p *noopProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = pschema.Schema{MarkdownDescription: "A provider whose resources do nothing: the benchmark's floor."}
}

func (p *noopProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *noopProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return &thingResource{} },
		func() resource.Resource { return &passResource{} },
	}
}

func (p *noopProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// thingResource has the shape of a pass (an input user_id; a computed id, a sensitive code
// and timestamps) so that plan and state handling weigh about the same.
type thingResource struct{}

type thingModel struct {
	ID                 types.String `tfsdk:"id"`
	UserID             types.String `tfsdk:"user_id"`
	Code               types.String `tfsdk:"code"`
	CreatedDateTime    types.String `tfsdk:"created_date_time"`
	StartDateTime      types.String `tfsdk:"start_date_time"`
	ExpirationDateTime types.String `tfsdk:"expiration_date_time"`
}

func (r *thingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_thing"
}

func (r *thingResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc, PlanModifiers: keep}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A thing that exists only in state.",
		Attributes: map[string]schema.Attribute{
			"id": computed("A random identifier, set at creation."),
			"user_id": schema.StringAttribute{Required: true, MarkdownDescription: "Any string; changing it replaces the thing.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"code": schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: "A random secret, set at creation.",
				PlanModifiers: keep},
			"created_date_time":    computed("When the thing was created (RFC 3339)."),
			"start_date_time":      computed("Same as created_date_time."),
			"expiration_date_time": computed("An hour after start_date_time."),
		},
	}
}

func (r *thingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m thingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	now := time.Now().UTC().Truncate(time.Second)
	m.ID = types.StringValue(randomHex(16))
	m.Code = types.StringValue(randomHex(8))
	m.CreatedDateTime = types.StringValue(now.Format(time.RFC3339))
	m.StartDateTime = m.CreatedDateTime
	m.ExpirationDateTime = types.StringValue(now.Add(time.Hour).Format(time.RFC3339))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Read leaves the state as it is (the framework starts the response from it): nothing remote to look at.
func (r *thingResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Update is never called with changes (user_id replaces), but the interface needs it.
func (r *thingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m thingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *thingResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

func (r *thingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
