// Package provider maps Terraform onto the graph package: schemas, plans,
// state and diagnostics. It never imports msgraph-sdk-go or azidentity.
package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

var (
	_ provider.Provider                       = &EntratapProvider{}
	_ provider.ProviderWithEphemeralResources = &EntratapProvider{}
	_ provider.ProviderWithValidateConfig     = &EntratapProvider{}
	_ provider.ProviderWithListResources      = &EntratapProvider{}
	_ provider.ProviderWithActions            = &EntratapProvider{}
)

// EntratapProvider is the entratap provider.
type EntratapProvider struct {
	version string
	opts    []Option
}

// Option changes the Graph client's configuration before it is built; tests
// use it to shorten back-offs and grace periods to milliseconds.
type Option func(*graph.Config)

// New returns the provider factory for providerserver.
func New(version string, opts ...Option) func() provider.Provider {
	return func() provider.Provider { return &EntratapProvider{version: version, opts: opts} }
}

type providerModel struct {
	TenantID                  types.String `tfsdk:"tenant_id"`
	ClientID                  types.String `tfsdk:"client_id"`
	ClientIDFilePath          types.String `tfsdk:"client_id_file_path"`
	ClientSecret              types.String `tfsdk:"client_secret"`
	ClientSecretFilePath      types.String `tfsdk:"client_secret_file_path"`
	ClientCertificate         types.String `tfsdk:"client_certificate"`
	ClientCertificatePath     types.String `tfsdk:"client_certificate_path"`
	ClientCertificatePassword types.String `tfsdk:"client_certificate_password"`
	UseOIDC                   types.Bool   `tfsdk:"use_oidc"`
	OIDCToken                 types.String `tfsdk:"oidc_token"`
	OIDCTokenFilePath         types.String `tfsdk:"oidc_token_file_path"`
	OIDCRequestToken          types.String `tfsdk:"oidc_request_token"`
	OIDCRequestURL            types.String `tfsdk:"oidc_request_url"`
	UseAKSWorkloadIdentity    types.Bool   `tfsdk:"use_aks_workload_identity"`
	UseMSI                    types.Bool   `tfsdk:"use_msi"`
	MSIEndpoint               types.String `tfsdk:"msi_endpoint"`
	UseCLI                    types.Bool   `tfsdk:"use_cli"`
	Environment               types.String `tfsdk:"environment"`
	GraphEndpoint             types.String `tfsdk:"graph_endpoint"`
	AuthorityHost             types.String `tfsdk:"authority_host"`
	StrongMethods             types.List   `tfsdk:"strong_methods"`
}

func (p *EntratapProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "entratap"
	resp.Version = p.version
}

func (p *EntratapProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages Microsoft Entra ID **Temporary Access Passes**: the tenant's TAP policy and users' passes, through Microsoft Graph. " +
			"Authentication follows the azuread provider's settings and `ARM_*` environment variables. Credentials are tried in this order: " +
			"client certificate, client secret, OIDC federated token, AKS workload identity, managed identity, Azure CLI.",
		Attributes: map[string]schema.Attribute{
			"tenant_id":                   providerString("The tenant (directory) ID, a GUID, or one of its domain names. Environment: `ARM_TENANT_ID`.", idValidator{attr: "tenant_id", domainOK: true}),
			"client_id":                   providerString("The application (client) ID, a GUID. Environment: `ARM_CLIENT_ID`.", idValidator{attr: "client_id"}),
			"client_id_file_path":         providerString("A file holding the client ID. Environment: `ARM_CLIENT_ID_FILE_PATH`."),
			"client_secret":               providerSecret("The application's client secret. Environment: `ARM_CLIENT_SECRET`."),
			"client_secret_file_path":     providerString("A file holding the client secret. Environment: `ARM_CLIENT_SECRET_FILE_PATH`."),
			"client_certificate":          providerSecret("A base64-encoded PKCS#12 (.pfx) bundle with the certificate and private key. Environment: `ARM_CLIENT_CERTIFICATE`."),
			"client_certificate_path":     providerString("Path to a PKCS#12 (.pfx) bundle with the certificate and private key. Environment: `ARM_CLIENT_CERTIFICATE_PATH`."),
			"client_certificate_password": providerSecret("The password of the PKCS#12 bundle. Environment: `ARM_CLIENT_CERTIFICATE_PASSWORD`."),
			"use_oidc":                    providerBool("Authenticate with a federated OIDC token (GitHub Actions, other CI). Environment: `ARM_USE_OIDC`."),
			"oidc_token":                  providerSecret("The federated OIDC token. Environment: `ARM_OIDC_TOKEN`."),
			"oidc_token_file_path":        providerString("A file holding the federated OIDC token, read anew for each token request. Environment: `ARM_OIDC_TOKEN_FILE_PATH`."),
			"oidc_request_token":          providerSecret("The bearer token for `oidc_request_url`. Environment: `ARM_OIDC_REQUEST_TOKEN`, then `ACTIONS_ID_TOKEN_REQUEST_TOKEN`."),
			"oidc_request_url":            providerString("The URL to request a federated OIDC token from (GitHub Actions' protocol). Environment: `ARM_OIDC_REQUEST_URL`, then `ACTIONS_ID_TOKEN_REQUEST_URL`.", urlValidator{}),
			"use_aks_workload_identity":   providerBool("Authenticate with AKS workload identity, reading the token from `AZURE_FEDERATED_TOKEN_FILE`. Environment: `ARM_USE_AKS_WORKLOAD_IDENTITY`."),
			"use_msi":                     providerBool("Authenticate with a managed identity. Environment: `ARM_USE_MSI`."),
			"msi_endpoint": providerString("The managed identity endpoint (App Service style), when not the one the host advertises in `IDENTITY_ENDPOINT`. "+
				"It needs the host's `IDENTITY_HEADER` in the environment, as App Service sets it. Environment: `ARM_MSI_ENDPOINT`.", urlValidator{}),
			"use_cli": providerBool("Authenticate with the Azure CLI's signed-in account when nothing else is configured. Defaults to `true`. Environment: `ARM_USE_CLI`."),
			"environment": providerString("The national cloud: `public` (default), `usgovernment`, `usgovernmentl5` or `china`. Environment: `ARM_ENVIRONMENT`. "+
				"When set in the configuration, the endpoint variables (`ENTRATAP_GRAPH_ENDPOINT`, `ENTRATAP_AUTHORITY_HOST`, `AZURE_AUTHORITY_HOST`) are ignored.",
				stringvalidator.OneOf(graph.CloudNames()...)),
			"graph_endpoint": providerString("The Microsoft Graph endpoint, overriding `environment` (for example a private endpoint or the offline mock): scheme and host only, without `/v1.0`. "+
				"Must be https, except on a loopback address, with no user or password. Environment: `ENTRATAP_GRAPH_ENDPOINT`.", endpointValidator{}),
			"authority_host": providerString("The Entra ID login endpoint, overriding `environment`. Must be https, with no user or password. "+
				"Environment: `ENTRATAP_AUTHORITY_HOST`, then `AZURE_AUTHORITY_HOST`.", endpointValidator{httpsOnly: true}),
			"strong_methods": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The authentication methods that finish onboarding: a pass whose user registered one of them after the pass started " +
					"has reached its finish line (`registered` on `entratap_pass` and each entry of `entratap_passes`). Graph's kinds: `" +
					strings.Join(graph.MethodKinds, "`, `") + "`. Default: `fido2` (passkeys and security keys), `microsoftAuthenticator`, `windowsHelloForBusiness`. " +
					"`[]` turns the finish line off (no method is read: `UserAuthenticationMethod.Read.All` is then not needed).",
				Validators: []validator.List{listvalidator.ValueStringsAre(stringvalidator.OneOf(graph.MethodKinds...))},
			},
		},
	}
}

// ValidateConfig catches settings that contradict each other before anything runs.
func (p *EntratapProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	conflict := func(a, b types.String, nameA, nameB string) {
		if set(a) && set(b) {
			resp.Diagnostics.AddAttributeError(path.Root(nameB), "Conflicting provider settings",
				fmt.Sprintf("Set either %s or %s, not both.", nameA, nameB))
		}
	}
	empty(&m, &resp.Diagnostics)
	conflict(m.ClientID, m.ClientIDFilePath, "client_id", "client_id_file_path")
	conflict(m.ClientSecret, m.ClientSecretFilePath, "client_secret", "client_secret_file_path")
	conflict(m.ClientCertificate, m.ClientCertificatePath, "client_certificate", "client_certificate_path")
	conflict(m.OIDCToken, m.OIDCTokenFilePath, "oidc_token", "oidc_token_file_path")
	if (set(m.ClientCertificate) || set(m.ClientCertificatePath)) && (set(m.ClientSecret) || set(m.ClientSecretFilePath)) {
		// No attribute path: Terraform would print the line of client_secret, a literal secret included.
		resp.Diagnostics.AddError("Conflicting provider settings",
			"Both a client certificate and a client secret are configured. Configure one credential for the application: the certificate would win and the secret would be ignored.")
	}
	if set(m.Environment) && (set(m.GraphEndpoint) != set(m.AuthorityHost)) {
		attr, other, otherURL := "graph_endpoint", "login endpoint", ""
		if set(m.AuthorityHost) {
			attr, other = "authority_host", "Graph endpoint"
		}
		if c, ok := graph.Clouds[strings.ToLower(m.Environment.ValueString())]; ok {
			otherURL = " (" + c.AuthorityHost + ")"
			if attr == "authority_host" {
				otherURL = " (" + c.GraphEndpoint + ")"
			}
		}
		resp.Diagnostics.AddAttributeWarning(path.Root(attr), "Mixed endpoint settings",
			fmt.Sprintf("%s overrides one endpoint of environment %q; the %s still comes from environment %q%s, not from ENTRATAP_* or AZURE_AUTHORITY_HOST variables, which an explicit environment overrides.",
				attr, m.Environment.ValueString(), other, m.Environment.ValueString(), otherURL))
	}
}

func (p *EntratapProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, attr, err := buildClient(ctx, m, p.userAgent(req.TerraformVersion), p.opts...)
	if err != nil {
		switch {
		case hasUserinfo(err):
			// No attribute path: Terraform would print the line, password included.
			resp.Diagnostics.AddError("Invalid provider configuration", err.Error())
		case attr != "" && !p.sensitive(ctx, attr):
			resp.Diagnostics.AddAttributeError(path.Root(attr), "Invalid provider configuration", err.Error())
		case attr != "":
			// No attribute path: Terraform prints the configuration line an
			// attribute error points at, and with it a secret written there
			// literally. The message names the attribute.
			resp.Diagnostics.AddError("Invalid provider configuration", err.Error())
		default:
			resp.Diagnostics.AddError("Cannot authenticate to Microsoft Entra ID", err.Error())
		}
		return
	}
	run := newRunState()
	run.strong = strongOf(m.StrongMethods)
	data := &providerData{client: client, run: run}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.EphemeralResourceData = data
	resp.ListResourceData = data
	resp.ActionData = data
}

func (p *EntratapProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewPolicyResource, NewPassResource, NewPassesResource}
}

func (p *EntratapProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewPolicyDataSource, NewPassDataSource, NewCallerDataSource, NewUserMethodsDataSource}
}

func (p *EntratapProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewPassEphemeralResource}
}

// ListResources and Actions are Terraform 1.14's. Older CLIs (Terraform up to 1.13, OpenTofu)
// never ask for them; the rest of the provider works the same.
func (p *EntratapProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewPassListResource}
}

func (p *EntratapProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{NewRevokePassAction, NewRevokeGroupPassesAction}
}

// sensitive reports whether a provider attribute holds a secret.
func (p *EntratapProvider) sensitive(ctx context.Context, attr string) bool {
	var resp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &resp)
	a, ok := resp.Schema.Attributes[attr]
	return ok && a.IsSensitive()
}

func (p *EntratapProvider) userAgent(tfVersion string) string {
	ua := "terraform-provider-entratap/" + p.version
	if tfVersion != "" {
		ua += " Terraform/" + tfVersion
	}
	return ua
}
