// Package provider maps Terraform onto the graph package: schemas, plans,
// state and diagnostics. It never imports msgraph-sdk-go or azidentity.
package provider

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
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
			"tenant_id":                   providerString("The tenant (directory) ID. Environment: `ARM_TENANT_ID`."),
			"client_id":                   providerString("The application (client) ID. Environment: `ARM_CLIENT_ID`."),
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
			"oidc_request_url":            providerString("The URL to request a federated OIDC token from (GitHub Actions' protocol). Environment: `ARM_OIDC_REQUEST_URL`, then `ACTIONS_ID_TOKEN_REQUEST_URL`."),
			"use_aks_workload_identity":   providerBool("Authenticate with AKS workload identity, reading the token from `AZURE_FEDERATED_TOKEN_FILE`. Environment: `ARM_USE_AKS_WORKLOAD_IDENTITY`."),
			"use_msi":                     providerBool("Authenticate with a managed identity. Environment: `ARM_USE_MSI`."),
			"msi_endpoint":                providerString("The managed identity endpoint (App Service style), when not the one the host advertises in `IDENTITY_ENDPOINT`. Environment: `ARM_MSI_ENDPOINT`."),
			"use_cli":                     providerBool("Authenticate with the Azure CLI's signed-in account when nothing else is configured. Defaults to `true`. Environment: `ARM_USE_CLI`."),
			"environment": providerString("The national cloud: `public` (default), `usgovernment`, `usgovernmentl5` or `china`. Environment: `ARM_ENVIRONMENT`.",
				stringvalidator.OneOf(graph.CloudNames()...)),
			"graph_endpoint": providerString("The Microsoft Graph endpoint, overriding `environment` (for example a private endpoint or the offline mock). "+
				"Must be https, except on a loopback address. Environment: `ENTRATAP_GRAPH_ENDPOINT`.", endpointValidator{}),
			"authority_host": providerString("The Entra ID login endpoint, overriding `environment`. Must be https. "+
				"Environment: `ENTRATAP_AUTHORITY_HOST`, then `AZURE_AUTHORITY_HOST`.", endpointValidator{httpsOnly: true}),
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
		attr := "graph_endpoint"
		if set(m.AuthorityHost) {
			attr = "authority_host"
		}
		resp.Diagnostics.AddAttributeWarning(path.Root(attr), "Mixed endpoint settings",
			fmt.Sprintf("%s overrides one endpoint of environment %q; the other comes from the environment.", attr, m.Environment.ValueString()))
	}
}

func set(v types.String) bool { return !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" }

// pick returns the configured value, or the first non-empty environment variable.
func pick(v types.String, envs ...string) string {
	if set(v) {
		return v.ValueString()
	}
	for _, e := range envs {
		if s := os.Getenv(e); s != "" {
			return s
		}
	}
	return ""
}

func pickBool(v types.Bool, def bool, envs ...string) bool {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueBool()
	}
	for _, e := range envs {
		switch strings.ToLower(os.Getenv(e)) {
		case "1", "true", "yes":
			return true
		case "0", "false", "no":
			return false
		}
	}
	return def
}

func (p *EntratapProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, attr, err := buildClient(m, p.userAgent(req.TerraformVersion), p.opts...)
	if err != nil {
		switch {
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
	resp.DataSourceData = client
	resp.ResourceData = client
	resp.EphemeralResourceData = client
	resp.ListResourceData = client
	resp.ActionData = client
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

// buildClient merges configuration and environment, then builds the
// credential and the client. On error it names the attribute at fault, if any.
func buildClient(m providerModel, userAgent string, opts ...Option) (*graph.Client, string, error) {
	envName := pick(m.Environment, "ARM_ENVIRONMENT")
	if envName == "" {
		envName = "public"
	}
	cloudCfg, ok := graph.Clouds[strings.ToLower(envName)]
	if !ok {
		return nil, "environment", fmt.Errorf("environment %q is not one of %s (from ARM_ENVIRONMENT or the configuration)", envName, strings.Join(graph.CloudNames(), ", "))
	}
	endpoint := pick(m.GraphEndpoint, "ENTRATAP_GRAPH_ENDPOINT")
	if endpoint == "" {
		endpoint = cloudCfg.GraphEndpoint
	}
	if err := graph.ValidateEndpoint("graph_endpoint", endpoint); err != nil {
		return nil, "graph_endpoint", err
	}
	authority := pick(m.AuthorityHost, "ENTRATAP_AUTHORITY_HOST", "AZURE_AUTHORITY_HOST")
	if authority == "" {
		authority = cloudCfg.AuthorityHost
	}
	if !strings.HasPrefix(strings.ToLower(authority), "https://") {
		return nil, "authority_host", fmt.Errorf("authority_host must be an https URL (the identity library refuses anything else), got %q", authority)
	}

	cfg := graph.AuthConfig{
		TenantID:               pick(m.TenantID, "ARM_TENANT_ID"),
		ClientID:               pick(m.ClientID, "ARM_CLIENT_ID"),
		ClientSecret:           pick(m.ClientSecret, "ARM_CLIENT_SECRET"),
		UseOIDC:                pickBool(m.UseOIDC, false, "ARM_USE_OIDC"),
		OIDCToken:              pick(m.OIDCToken, "ARM_OIDC_TOKEN"),
		OIDCTokenFilePath:      pick(m.OIDCTokenFilePath, "ARM_OIDC_TOKEN_FILE_PATH"),
		OIDCRequestToken:       pick(m.OIDCRequestToken, "ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
		OIDCRequestURL:         pick(m.OIDCRequestURL, "ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL"),
		UseAKSWorkloadIdentity: pickBool(m.UseAKSWorkloadIdentity, false, "ARM_USE_AKS_WORKLOAD_IDENTITY"),
		FederatedTokenFile:     os.Getenv("AZURE_FEDERATED_TOKEN_FILE"),
		UseMSI:                 pickBool(m.UseMSI, false, "ARM_USE_MSI"),
		MSIEndpoint:            pick(m.MSIEndpoint, "ARM_MSI_ENDPOINT"),
		UseCLI:                 pickBool(m.UseCLI, true, "ARM_USE_CLI"),
		AuthorityHost:          authority,
	}
	if cfg.ClientID == "" {
		if f := pick(m.ClientIDFilePath, "ARM_CLIENT_ID_FILE_PATH"); f != "" {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, "client_id_file_path", fmt.Errorf("reading client_id_file_path: %w", err)
			}
			cfg.ClientID = strings.TrimSpace(string(b))
		}
	}
	if cfg.UseAKSWorkloadIdentity {
		// AKS injects these for the pod's service account.
		if cfg.ClientID == "" {
			cfg.ClientID = os.Getenv("AZURE_CLIENT_ID")
		}
		if cfg.TenantID == "" {
			cfg.TenantID = os.Getenv("AZURE_TENANT_ID")
		}
	}
	if cfg.ClientSecret == "" {
		if f := pick(m.ClientSecretFilePath, "ARM_CLIENT_SECRET_FILE_PATH"); f != "" {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, "client_secret_file_path", fmt.Errorf("reading client_secret_file_path: %w", err)
			}
			cfg.ClientSecret = strings.TrimSpace(string(b))
		}
	}
	if b64 := pick(m.ClientCertificate, "ARM_CLIENT_CERTIFICATE"); b64 != "" {
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
		if err != nil {
			return nil, "client_certificate", fmt.Errorf("client_certificate must be a base64-encoded PKCS#12 bundle: %v", err)
		}
		cfg.ClientCertificate = b
	} else if f := pick(m.ClientCertificatePath, "ARM_CLIENT_CERTIFICATE_PATH"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, "client_certificate_path", fmt.Errorf("reading client_certificate_path: %w", err)
		}
		cfg.ClientCertificate = b
	}
	cfg.ClientCertificatePassword = pick(m.ClientCertificatePassword, "ARM_CLIENT_CERTIFICATE_PASSWORD")

	cred, err := graph.NewCredential(cfg)
	if err != nil {
		attr := ""
		if strings.HasPrefix(err.Error(), "client_certificate") {
			attr = "client_certificate_password"
		}
		return nil, attr, err
	}
	gcfg := graph.Config{GraphEndpoint: endpoint, AuthorityHost: authority, Credential: cred, UserAgent: userAgent}
	for _, o := range opts {
		o(&gcfg)
	}
	client, err := graph.New(gcfg)
	if err != nil {
		return nil, "", err
	}
	return client, "", nil
}

func (p *EntratapProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewPolicyResource, NewPassResource, NewPassesResource}
}

func (p *EntratapProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewPolicyDataSource, NewPassDataSource}
}

func (p *EntratapProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewPassEphemeralResource}
}

// endpointValidator checks graph_endpoint and authority_host at plan time.
type endpointValidator struct{ httpsOnly bool }

func (v endpointValidator) Description(context.Context) string {
	if v.httpsOnly {
		return "must be an https URL"
	}
	return "must be an https URL (http only on a loopback address)"
}

func (v endpointValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v endpointValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	name := req.Path.String()
	if err := graph.ValidateEndpoint(name, raw); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid endpoint", err.Error())
		return
	}
	if v.httpsOnly && !strings.HasPrefix(strings.ToLower(raw), "https://") {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid endpoint", name+" must use https: the identity library refuses any other scheme for the login authority.")
	}
}
