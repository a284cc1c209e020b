package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

var _ datasource.DataSourceWithConfigure = &CallerDataSource{}

// CallerDataSource says who the provider runs as, from its access token's claims.
type CallerDataSource struct{ client *graph.Client }

func NewCallerDataSource() datasource.DataSource { return &CallerDataSource{} }

type callerModel struct {
	Kind              types.String `tfsdk:"kind"`
	ObjectID          types.String `tfsdk:"object_id"`
	UserPrincipalName types.String `tfsdk:"user_principal_name"`
	ClientID          types.String `tfsdk:"client_id"`
	TenantID          types.String `tfsdk:"tenant_id"`
	DirectoryRoles    types.List   `tfsdk:"directory_roles"`
	Permissions       types.List   `tfsdk:"permissions"`
}

func (d *CallerDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_caller"
}

func (d *CallerDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Who the provider runs as: an application (client credentials, managed identity, OIDC) or a user signed in " +
			"through the Azure CLI, read from the claims of its access token without a call to Microsoft Graph. " +
			"Use it to assert, in a module, that a run happens as the identity it was written for. Needs no permission.",
		Attributes: map[string]schema.Attribute{
			"kind":                dataString("`application` or `user` (a signed-in user: a delegated token, e.g. through the Azure CLI)."),
			"object_id":           dataString("Object id of the signed-in user, or of the application's service principal."),
			"user_principal_name": dataString("User principal name of the signed-in user; empty for an application."),
			"client_id":           dataString("Application (client) id the token was issued to (for the Azure CLI, Microsoft's Azure CLI app)."),
			"tenant_id":           dataString("Tenant the token was issued by."),
			"directory_roles": schema.ListAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "A signed-in user's Microsoft Entra directory roles by name (from the token's `wids` claim), e.g. " +
					"`Authentication Administrator`; a role this provider does not list appears as its template id. Empty for an application.",
			},
			"permissions": schema.ListAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The token's Microsoft Graph permissions: an application's application permissions (`roles`), " +
					"or a user's delegated permissions (`scp`).",
			},
		},
	}
}

func (d *CallerDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *CallerDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !clientReady(d.client, &resp.Diagnostics) {
		return
	}
	// No timeouts attribute here: the default bounds the read.
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()
	c, err := d.client.Caller(ctx)
	if err != nil {
		resp.Diagnostics.Append(graphDiag("Could not find out who the provider runs as", err))
		return
	}
	roles, diags := types.ListValueFrom(ctx, types.StringType, nonNil(c.Roles))
	resp.Diagnostics.Append(diags...)
	perms, diags := types.ListValueFrom(ctx, types.StringType, nonNil(c.Permissions))
	resp.Diagnostics.Append(diags...)
	m := callerModel{
		Kind:              types.StringValue(c.Kind),
		ObjectID:          types.StringValue(c.ObjectID),
		UserPrincipalName: types.StringValue(strings.TrimSpace(c.UserPrincipalName)),
		ClientID:          types.StringValue(c.ClientID),
		TenantID:          types.StringValue(c.TenantID),
		DirectoryRoles:    roles,
		Permissions:       perms,
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
