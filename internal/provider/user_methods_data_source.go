package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

var _ datasource.DataSourceWithConfigure = &UserMethodsDataSource{}

// UserMethodsDataSource reads which authentication methods a user has registered, and when:
// whether a new hire given a pass has finished onboarding.
type UserMethodsDataSource struct {
	client *graph.Client
	run    *runState
}

func NewUserMethodsDataSource() datasource.DataSource { return &UserMethodsDataSource{} }

type userMethodsModel struct {
	UserID       types.String   `tfsdk:"user_id"`
	Since        types.String   `tfsdk:"since"`
	UserObjectID types.String   `tfsdk:"user_object_id"`
	Methods      types.List     `tfsdk:"methods"`
	Registered   types.Object   `tfsdk:"registered"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

var methodAttrTypes = map[string]attr.Type{
	"id": types.StringType, "method": types.StringType, "display_name": types.StringType,
	"created_date_time": types.StringType, "strong": types.BoolType,
}

func (d *UserMethodsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_methods"
}

func (d *UserMethodsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the authentication methods a user has registered and when (a passkey, Microsoft Authenticator, Windows Hello for Business, " +
			"a phone, ...), never a secret, and whether the user has reached the finish line of onboarding: a strong method registered since `since` " +
			"(by default the start of the user's current Temporary Access Pass). " +
			"Needs the Microsoft Graph permission `UserAuthenticationMethod.Read.All` (the Temporary-Access-Pass-only permissions do not read other methods) and `User.Read.All`. " +
			"Signed in as a user: an Authentication Administrator reads the methods of users without admin roles, a Privileged Authentication Administrator " +
			"or Global Reader those of everyone.",
		Attributes: map[string]schema.Attribute{
			"user_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The user: an object id (GUID) or a user principal name.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), userKeyValidator{}},
			},
			"since": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Count only methods registered at or after this time (RFC 3339) for `registered`. " +
					"Omitted: the start of the user's current Temporary Access Pass; with no pass, `registered` is null.",
				Validators: []validator.String{rfc3339Validator{}},
			},
			"user_object_id": dataString(passDocs["user_object_id"]),
			"methods": schema.ListAttribute{
				Computed:    true,
				ElementType: types.ObjectType{AttrTypes: methodAttrTypes},
				MarkdownDescription: "The registered methods, oldest first: `id`, `method` (Graph's kind: `" + strings.Join(graph.MethodKinds, "`, `") + "`), `display_name` (a key's or device's name, " +
					"empty for kinds without one), `created_date_time` (RFC 3339) and `strong` (one of the provider's `strong_methods`). " +
					"The Temporary Access Pass itself is not listed (the data source `entratap_pass` reads it).",
			},
			"registered": schema.ObjectAttribute{
				Computed:            true,
				AttributeTypes:      registeredAttrTypes,
				MarkdownDescription: "The first strong method registered since `since`, as `{ method, date_time }`, or null: the user has not finished.",
			},
			"timeouts": dataTimeouts(timeouts.Attributes(ctx)),
		},
	}
}

func (d *UserMethodsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
	d.run = runFrom(req.ProviderData)
}

func (d *UserMethodsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m userMethodsModel
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
	lists, errs := d.client.MethodsOf(ctx, []string{u.ID})
	if errs[0] != nil {
		resp.Diagnostics.Append(graphDiag(fmt.Sprintf("Reading the authentication methods of user %s failed", u.Label()), errs[0]))
		return
	}
	var since time.Time
	if s := m.Since; !s.IsNull() && !s.IsUnknown() {
		since, _ = time.Parse(time.RFC3339, s.ValueString()) // validated
	} else {
		passes, err := d.client.ListPasses(ctx, u.ID)
		if err != nil {
			resp.Diagnostics.Append(graphDiag(fmt.Sprintf("Listing the Temporary Access Passes of user %s failed", u.Label()), err))
			return
		}
		for _, p := range passes {
			if since.IsZero() || p.StartDateTime.After(since) {
				since = p.StartDateTime
			}
		}
	}
	strong := d.run.strongMethods()
	var items []attr.Value
	for _, x := range lists[0] {
		items = append(items, types.ObjectValueMust(methodAttrTypes, map[string]attr.Value{
			"id": types.StringValue(x.ID), "method": types.StringValue(x.Kind), "display_name": types.StringValue(x.DisplayName),
			"created_date_time": types.StringValue(passTime(x.CreatedDateTime)), "strong": types.BoolValue(slices.Contains(strong, x.Kind)),
		}))
	}
	m.UserObjectID = types.StringValue(u.ID)
	var d2 diag.Diagnostics
	m.Methods, d2 = types.ListValue(types.ObjectType{AttrTypes: methodAttrTypes}, items)
	resp.Diagnostics.Append(d2...)
	m.Registered = registeredValue(nil)
	if !since.IsZero() {
		m.Registered = registeredValue(graph.FirstRegistered(lists[0], strong, since))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
