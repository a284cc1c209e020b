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
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the tenant's Temporary Access Pass authentication method policy. " +
			"Needs the Microsoft Graph permission `Policy.Read.AuthenticationMethod` (or `Policy.Read.All`).",
		Attributes: map[string]schema.Attribute{
			"id":                          dataString(policyDocs["id"]),
			"enabled":                     dataBool(policyDocs["enabled"]),
			"default_lifetime_in_minutes": dataInt64(policyDocs["default_lifetime_in_minutes"]),
			"minimum_lifetime_in_minutes": dataInt64(policyDocs["minimum_lifetime_in_minutes"]),
			"maximum_lifetime_in_minutes": dataInt64(policyDocs["maximum_lifetime_in_minutes"]),
			"default_length":              dataInt64(policyDocs["default_length"]),
			"is_usable_once":              dataBool(policyDocs["is_usable_once"]),
			"include_targets": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: policyDocs["include_targets"] + targetsOrderDataDoc,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":                       dataString(policyDocs["target.id"]),
						"target_type":              dataString(policyDocs["target.target_type"]),
						"is_registration_required": dataBool(policyDocs["target.is_registration_required"]),
					},
				},
			},
			"exclude_targets": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: policyDocs["exclude_targets"] + targetsOrderDataDoc,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":          dataString(policyDocs["target.id"]),
						"target_type": dataString(policyDocs["target.target_type"]),
					},
				},
			},
			"timeouts": dataTimeouts(timeouts.Attributes(ctx)),
		},
	}
}

func (d *PolicyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *PolicyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m policyDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !clientReady(d.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, m.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()

	p, err := d.client.GetPolicy(ctx)
	if err != nil {
		resp.Diagnostics.Append(graphDiag("Reading the Temporary Access Pass policy failed", err))
		return
	}
	m.policyModel = flattenPolicy(p)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
