package provider

// The provider's settings: each merged from the provider block and its environment variables
// (the block wins), checked, and turned into the Graph client's credential and configuration.

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

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

// checkID says what is wrong with a tenant or client ID, quoting at most a
// short prefix of it (a pasted file must not fill the terminal).
func checkID(attr, v string, domainOK bool) error {
	if v == "" || guidRE.MatchString(v) || (domainOK && len(v) <= 253 && domainPattern.MatchString(v)) {
		return nil
	}
	want := "a GUID such as 00000000-0000-0000-0000-000000000000"
	if domainOK {
		want += ", or a domain name of the tenant such as contoso.onmicrosoft.com"
	}
	return fmt.Errorf("%s must be %s; got %q", attr, want, graph.Truncate(v, 60))
}

// checkIDs checks the merged tenant and client IDs, environment values included.
func checkIDs(tenantID, clientID string) error {
	if err := checkID("tenant_id", tenantID, true); err != nil {
		return err
	}
	return checkID("client_id", clientID, false)
}

// addURLError reports a bad URL setting. One holding a user or password gets
// no attribute path: Terraform would print its configuration line, and with
// it the password; the message names the attribute instead.
func addURLError(diags *diag.Diagnostics, p path.Path, raw, summary string, err error) {
	if hasUserinfo(err) || graph.SafeURL(raw) != graph.Truncate(raw, 200) {
		diags.AddError(summary, err.Error())
		return
	}
	diags.AddAttributeError(p, summary, err.Error())
}

func hasUserinfo(err error) bool {
	return errors.Is(err, graph.ErrUserinfo)
}
