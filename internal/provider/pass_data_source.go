package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

var _ datasource.DataSourceWithConfigure = &PassDataSource{}

// PassDataSource reads a user's current Temporary Access Pass, without its code.
type PassDataSource struct{ client *graph.Client }

func NewPassDataSource() datasource.DataSource { return &PassDataSource{} }

type passDataSourceModel struct {
	passFields
	UserID   types.String   `tfsdk:"user_id"`
	Exists   types.Bool     `tfsdk:"exists"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (d *PassDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_pass"
}

// passNone ends the description of an attribute that is null without a pass.
const passNone = " Null when the user has no pass."

func (d *PassDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a user's current Temporary Access Pass: its dates and whether it is usable, never its code " +
			"(Microsoft Graph returns the code only when a pass is created). `exists` is `false` when the user has no pass; " +
			"an expired or used pass still counts until it is deleted. " +
			"Needs the Microsoft Graph permissions `UserAuthMethod-TAP.Read.All` (or `UserAuthenticationMethod.Read.All`) and `User.Read.All`.",
		Attributes: map[string]schema.Attribute{
			"user_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The user whose pass to read: an object id (GUID) or a user principal name.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), userKeyValidator{}},
			},
			"exists":                  dataBool("Whether the user has a pass (usable or not)."),
			"id":                      dataString(passDocs["id"] + passNone),
			"user_object_id":          dataString(passDocs["user_object_id"]),
			"start_date_time":         dataString("When the pass becomes (or became) usable, as an RFC 3339 timestamp; a pass that is already usable started in the past." + passNone),
			"lifetime_in_minutes":     dataInt64("How long the pass stays usable from its start, in minutes." + passNone),
			"is_usable_once":          dataBool("Whether the pass signs the user in only once." + passNone),
			"created_date_time":       dataString(passDocs["created_date_time"] + passNone),
			"expiration_date_time":    dataString(passDocs["expiration_date_time"] + passNone),
			"is_usable":               dataBool(passDocs["is_usable"] + passNone),
			"method_usability_reason": dataString(passDocs["method_usability_reason"] + passNone),
			"timeouts":                dataTimeouts(timeouts.Attributes(ctx)),
		},
	}
}

func (d *PassDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *PassDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m passDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !clientReady(d.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, m.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()

	userID := m.UserID.ValueString()
	u, err := d.client.GetUser(ctx, userID)
	if err != nil {
		resp.Diagnostics.Append(userLookupDiag(userID, err))
		return
	}
	passes, err := d.client.ListPasses(ctx, u.ID)
	if err != nil {
		resp.Diagnostics.Append(graphDiag(fmt.Sprintf("Listing the Temporary Access Passes of user %s failed", u.Label()), err))
		return
	}
	m.UserObjectID = types.StringValue(u.ID)
	// Graph keeps one pass per user; should it list more, the newest is the current one.
	var current *graph.Pass
	for _, p := range passes {
		if current == nil || p.CreatedDateTime.After(current.CreatedDateTime) {
			current = p
		}
	}
	m.Exists = types.BoolValue(current != nil)
	if current != nil {
		m.setFrom(u.ID, current)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
