package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

var _ datasource.DataSourceWithConfigure = &PolicyDataSource{}

// PolicyDataSource reads the tenant's Temporary Access Pass policy.
type PolicyDataSource struct{ client *graph.Client }

func NewPolicyDataSource() datasource.DataSource { return &PolicyDataSource{} }

type policyDataSourceModel struct {
	policyModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (d *PolicyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_policy"
}

func (d *PolicyDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computedStr := func(k string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: policyDocs[k]}
	}
	computedInt := func(k string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: policyDocs[k]}
	}
	computedBool := func(k string) schema.BoolAttribute {
		return schema.BoolAttribute{Computed: true, MarkdownDescription: policyDocs[k]}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the tenant's Temporary Access Pass authentication method policy. " +
			"Needs the Microsoft Graph permission `Policy.Read.AuthenticationMethod`.",
		Attributes: map[string]schema.Attribute{
			"id":                          computedStr("id"),
			"enabled":                     computedBool("enabled"),
			"default_lifetime_in_minutes": computedInt("default_lifetime_in_minutes"),
			"minimum_lifetime_in_minutes": computedInt("minimum_lifetime_in_minutes"),
			"maximum_lifetime_in_minutes": computedInt("maximum_lifetime_in_minutes"),
			"default_length":              computedInt("default_length"),
			"is_usable_once":              computedBool("is_usable_once"),
			"include_targets": schema.SetNestedAttribute{
				Computed: true, MarkdownDescription: policyDocs["include_targets"],
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                       computedStr("target.id"),
					"target_type":              computedStr("target.target_type"),
					"is_registration_required": computedBool("target.is_registration_required"),
				}},
			},
			"exclude_targets": schema.SetNestedAttribute{
				Computed: true, MarkdownDescription: policyDocs["exclude_targets"],
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":          computedStr("target.id"),
					"target_type": computedStr("target.target_type"),
				}},
			},
			"timeouts": timeouts.Attributes(ctx),
		},
	}
}

func (d *PolicyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *PolicyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m policyDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := m.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	p, err := d.client.GetPolicy(ctx)
	if err != nil {
		resp.Diagnostics.Append(graphDiag("Reading the Temporary Access Pass policy failed", err))
		return
	}
	m.policyModel = flattenPolicy(p)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
