// Package provider maps Terraform onto the graph package: schemas, plans,
// state and diagnostics. It never imports msgraph-sdk-go or azidentity.
package provider

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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

// empty refuses a setting written as "": it would otherwise fall back, without
// a word, to its environment variable or to another credential.
func empty(m *providerModel, diags *diag.Diagnostics) {
	for name, v := range map[string]types.String{
		"tenant_id": m.TenantID, "client_id": m.ClientID, "client_id_file_path": m.ClientIDFilePath,
		"client_secret": m.ClientSecret, "client_secret_file_path": m.ClientSecretFilePath,
		"client_certificate": m.ClientCertificate, "client_certificate_path": m.ClientCertificatePath,
		"oidc_token": m.OIDCToken, "oidc_token_file_path": m.OIDCTokenFilePath, "oidc_request_token": m.OIDCRequestToken,
		"oidc_request_url": m.OIDCRequestURL, "msi_endpoint": m.MSIEndpoint, "environment": m.Environment,
		"graph_endpoint": m.GraphEndpoint, "authority_host": m.AuthorityHost,
	} {
		if !v.IsNull() && !v.IsUnknown() && v.ValueString() == "" {
			// No attribute path: Terraform would print the line, and a one-line block holds other secrets.
			diags.AddError("Empty provider setting",
				fmt.Sprintf("%s is set to an empty string. Remove it (or set it to null) to use its environment variable, or give it a value; an empty value is never used as is.", name))
		}
	}
}

func set(v types.String) bool { return !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" }

// getenvOf is where the settings' environment variables are read: the process environment,
// unless an Option sets graph.Config.Getenv (tests, which then run in parallel).
func getenvOf(opts []Option) func(string) string {
	var c graph.Config
	for _, o := range opts {
		o(&c)
	}
	if c.Getenv != nil {
		return c.Getenv
	}
	return os.Getenv
}

// pick returns the configured value, or the first non-empty environment variable.
func pick(getenv func(string) string, v types.String, envs ...string) string {
	if set(v) {
		return v.ValueString()
	}
	for _, e := range envs {
		if s := getenv(e); s != "" {
			return s
		}
	}
	return ""
}

// pickBool returns the configured value, or the first environment variable
// that is set; a variable that is not a boolean is an error, not ignored.
func pickBool(getenv func(string) string, v types.Bool, def bool, envs ...string) (bool, error) {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueBool(), nil
	}
	for _, e := range envs {
		raw := getenv(e)
		switch strings.ToLower(strings.TrimSpace(raw)) {
		case "":
			continue
		case "1", "true", "yes":
			return true, nil
		case "0", "false", "no":
			return false, nil
		}
		return false, fmt.Errorf("environment variable %s = %q is not a boolean: use true or false", e, graph.Truncate(raw, 40))
	}
	return def, nil
}

// withFile is a setting with a file form: the value, the file's attribute and the file, and the
// environment variables of each.
type withFile struct {
	value    types.String
	fileAttr string
	file     types.String
	envs     []string
	fileEnvs []string
}

// pickWithFile resolves a setting with a file form: the block's file, else the block's value,
// else the environment's value, else its file. The block always wins over the environment.
// On error it returns the attribute at fault.
func pickWithFile(ctx context.Context, getenv func(string) string, s withFile) (string, string, error) {
	read := func(path string) (string, error) {
		b, err := graph.ReadSettingFile(ctx, s.fileAttr, path, graph.MaxSecretFileSize)
		return strings.TrimSpace(string(b)), err
	}
	if set(s.file) { // never with the value: validation refuses both
		v, err := read(s.file.ValueString())
		if err != nil {
			return "", s.fileAttr, err
		}
		return v, "", nil
	}
	if set(s.value) {
		return s.value.ValueString(), "", nil
	}
	if v := pick(getenv, types.StringNull(), s.envs...); v != "" {
		return v, "", nil
	}
	if f := pick(getenv, types.StringNull(), s.fileEnvs...); f != "" {
		v, err := read(f)
		if err != nil {
			return "", s.fileAttr, err
		}
		return v, "", nil
	}
	return "", "", nil
}

// configured reports whether the configuration itself (not the environment) sets b to true.
func configured(b types.Bool) bool { return !b.IsNull() && !b.IsUnknown() && b.ValueBool() }

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
func buildClient(ctx context.Context, m providerModel, userAgent string, opts ...Option) (*graph.Client, string, error) {
	getenv := getenvOf(opts)
	envName := pick(getenv, m.Environment, "ARM_ENVIRONMENT")
	if envName == "" {
		envName = "public"
	}
	cloudCfg, ok := graph.Clouds[strings.ToLower(envName)]
	if !ok {
		return nil, "environment", fmt.Errorf("environment %q is not one of %s (from ARM_ENVIRONMENT or the configuration)", graph.Truncate(envName, 40), strings.Join(graph.CloudNames(), ", "))
	}
	// An environment written in the configuration beats endpoint variables
	// left in the shell: explicit configuration always wins.
	endpointEnv, authorityEnv := []string{"ENTRATAP_GRAPH_ENDPOINT"}, []string{"ENTRATAP_AUTHORITY_HOST", "AZURE_AUTHORITY_HOST"}
	if set(m.Environment) {
		endpointEnv, authorityEnv = nil, nil
	}
	endpoint := pick(getenv, m.GraphEndpoint, endpointEnv...)
	if endpoint == "" {
		endpoint = cloudCfg.GraphEndpoint
	}
	if err := graph.ValidateEndpoint("graph_endpoint", endpoint); err != nil {
		return nil, "graph_endpoint", err
	}
	authority := pick(getenv, m.AuthorityHost, authorityEnv...)
	if authority == "" {
		authority = cloudCfg.AuthorityHost
	}
	if err := graph.ValidateEndpoint("authority_host", authority); err != nil {
		return nil, "authority_host", err
	}
	if !strings.HasPrefix(strings.ToLower(authority), "https://") {
		return nil, "authority_host", fmt.Errorf("authority_host must be an https URL (the identity library refuses anything else), got %q", graph.SafeURL(authority))
	}
	bools := map[string]bool{}
	for _, b := range []struct {
		attr string
		v    types.Bool
		def  bool
		env  string
	}{
		{"use_oidc", m.UseOIDC, false, "ARM_USE_OIDC"},
		{"use_aks_workload_identity", m.UseAKSWorkloadIdentity, false, "ARM_USE_AKS_WORKLOAD_IDENTITY"},
		{"use_msi", m.UseMSI, false, "ARM_USE_MSI"},
		{"use_cli", m.UseCLI, true, "ARM_USE_CLI"},
	} {
		v, err := pickBool(getenv, b.v, b.def, b.env)
		if err != nil {
			return nil, b.attr, err
		}
		bools[b.attr] = v
	}
	// A method the configuration asks for by name, or an application secret or certificate
	// in the block, is not overtaken by an application secret or certificate that only the
	// environment holds.
	appEnv := func(envs ...string) []string { return envs }
	if configured(m.UseOIDC) || configured(m.UseAKSWorkloadIdentity) || configured(m.UseMSI) ||
		set(m.ClientSecret) || set(m.ClientSecretFilePath) || set(m.ClientCertificate) || set(m.ClientCertificatePath) {
		appEnv = func(...string) []string { return nil }
	}

	cfg := graph.AuthConfig{
		TenantID: pick(getenv, m.TenantID, "ARM_TENANT_ID"),

		UseOIDC: bools["use_oidc"],

		OIDCRequestToken:       pick(getenv, m.OIDCRequestToken, "ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
		OIDCRequestURL:         pick(getenv, m.OIDCRequestURL, "ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL"),
		UseAKSWorkloadIdentity: bools["use_aks_workload_identity"],
		FederatedTokenFile:     getenv("AZURE_FEDERATED_TOKEN_FILE"),
		UseMSI:                 bools["use_msi"],
		MSIEndpoint:            pick(getenv, m.MSIEndpoint, "ARM_MSI_ENDPOINT"),
		MSIHeader:              getenv("IDENTITY_HEADER"),
		UseCLI:                 bools["use_cli"],
		AuthorityHost:          authority,
	}
	// Settings with a file form: the provider block wins over the environment, whichever
	// form each uses.
	var attr string
	var err error
	if cfg.ClientID, attr, err = pickWithFile(ctx, getenv, withFile{m.ClientID, "client_id_file_path", m.ClientIDFilePath,
		[]string{"ARM_CLIENT_ID"}, []string{"ARM_CLIENT_ID_FILE_PATH"}}); err != nil {
		return nil, attr, err
	}
	if cfg.ClientSecret, attr, err = pickWithFile(ctx, getenv, withFile{m.ClientSecret, "client_secret_file_path", m.ClientSecretFilePath,
		appEnv("ARM_CLIENT_SECRET"), appEnv("ARM_CLIENT_SECRET_FILE_PATH")}); err != nil {
		return nil, attr, err
	}
	// The OIDC token file is read by the credential at each token request: here only which form applies.
	switch {
	case set(m.OIDCToken):
		cfg.OIDCToken = m.OIDCToken.ValueString()
	case set(m.OIDCTokenFilePath):
		cfg.OIDCTokenFilePath = m.OIDCTokenFilePath.ValueString()
	default:
		cfg.OIDCToken = pick(getenv, types.StringNull(), "ARM_OIDC_TOKEN")
		cfg.OIDCTokenFilePath = pick(getenv, types.StringNull(), "ARM_OIDC_TOKEN_FILE_PATH")
	}
	if cfg.UseAKSWorkloadIdentity {
		// AKS injects these for the pod's service account.
		if cfg.ClientID == "" {
			cfg.ClientID = getenv("AZURE_CLIENT_ID")
		}
		if cfg.TenantID == "" {
			cfg.TenantID = getenv("AZURE_TENANT_ID")
		}
	}
	if err := checkIDs(cfg.TenantID, cfg.ClientID); err != nil {
		return nil, "", err
	}
	if cfg.UseMSI && cfg.MSIEndpoint != "" {
		if err := graph.ValidateURLSetting("msi_endpoint", cfg.MSIEndpoint); err != nil {
			return nil, "msi_endpoint", err
		}
		if getenv("IDENTITY_HEADER") == "" {
			// Without it azidentity ignores the endpoint and tries the VM metadata service at 169.254.169.254.
			return nil, "msi_endpoint", fmt.Errorf("msi_endpoint is set but the IDENTITY_HEADER environment variable is not: an App Service style managed identity endpoint needs both (the host sets them together); without it the identity library would ignore msi_endpoint and try the VM metadata service at 169.254.169.254 instead")
		}
	}
	if cfg.OIDCRequestURL != "" {
		if err := graph.ValidateURLSetting("oidc_request_url", cfg.OIDCRequestURL); err != nil {
			return nil, "oidc_request_url", err
		}
	}
	certEnv, certPathEnv := appEnv("ARM_CLIENT_CERTIFICATE"), appEnv("ARM_CLIENT_CERTIFICATE_PATH")
	if set(m.ClientCertificatePath) {
		certEnv = nil // the block's path beats a bundle in the environment
	}
	if set(m.ClientCertificate) {
		certPathEnv = nil
	}
	if b64 := pick(getenv, m.ClientCertificate, certEnv...); b64 != "" {
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
		if err != nil {
			return nil, "client_certificate", fmt.Errorf("client_certificate must be a base64-encoded PKCS#12 bundle: %v", err)
		}
		cfg.ClientCertificate = b
	} else if f := pick(getenv, m.ClientCertificatePath, certPathEnv...); f != "" {
		cfg.ClientCertificateSource = "client_certificate_path"
		b, err := graph.ReadSettingFile(ctx, "client_certificate_path", f, graph.MaxCertificateFileSize)
		if err != nil {
			return nil, "client_certificate_path", err
		}
		cfg.ClientCertificate = b
	}
	cfg.ClientCertificatePassword = pick(getenv, m.ClientCertificatePassword, "ARM_CLIENT_CERTIFICATE_PASSWORD")

	cred, err := graph.NewCredential(cfg)
	if err != nil {
		attr := ""
		var se *graph.SettingError
		if errors.As(err, &se) {
			attr = se.Attr
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
	return []func() datasource.DataSource{NewPolicyDataSource, NewPassDataSource, NewCallerDataSource, NewUserMethodsDataSource}
}

func (p *EntratapProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewPassEphemeralResource}
}
