package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"golang.org/x/crypto/pkcs12"
)

// AuthConfig is everything the provider knows about how to authenticate,
// already merged from configuration and environment.
type AuthConfig struct {
	TenantID string
	ClientID string

	ClientSecret string

	ClientCertificate []byte // PKCS#12 (or PEM) bytes
	// ClientCertificateSource names the setting the bytes came from, for errors:
	// client_certificate (the default) or client_certificate_path.
	ClientCertificateSource   string
	ClientCertificatePassword string

	UseOIDC           bool
	OIDCToken         string
	OIDCTokenFilePath string
	OIDCRequestToken  string
	OIDCRequestURL    string

	UseAKSWorkloadIdentity bool
	FederatedTokenFile     string

	UseMSI      bool
	MSIEndpoint string
	// MSIHeader is the App Service IDENTITY_HEADER sent with MSIEndpoint's requests.
	MSIHeader string

	UseCLI bool

	// AuthorityHost is the login endpoint, e.g. https://login.microsoftonline.com.
	AuthorityHost string

	// HTTPClient, when set, carries the token requests (cmd/graphdiff: one that trusts the CA
	// of the mock it starts); nil: azidentity's own, which trusts the system's roots.
	HTTPClient *http.Client

	// Retry is azidentity's retry of token requests; zero fields are azcore's defaults
	// (three retries from 800 ms). Tests shorten its delays instead of waiting them out.
	Retry policy.RetryOptions
}

// Credential is a token source plus the name of the method that built it.
// Its GetToken returns typed errors (*Error).
type Credential struct {
	azcore.TokenCredential
	Method        string
	TenantID      string
	ClientID      string
	AuthorityHost string // for messages: who refused
	// assertion is the federated token source of the OIDC and workload identity methods, nil
	// for the others: its own failure is a local problem, which azidentity would report as Entra's.
	assertion *assertionSource
}

// tokenOp is the Op of a token failure until classifyCall names the call.
const tokenOp = "get a token from Microsoft Entra ID"

// GetToken gets a token from the wrapped credential. Its failures come back
// as an *Error: KindCanceled or KindTimeout when ctx ended, else
// KindUnauthorized saying who refused what (never the secret).
func (c *Credential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	tok, err := c.TokenCredential.GetToken(ctx, opts)
	if err == nil {
		return tok, nil
	}
	if k := ctxKind(err); k != KindUnknown || ctx.Err() != nil {
		if k == KindUnknown {
			k = ctxKind(ctx.Err())
		}
		return tok, &Error{Kind: k, Op: tokenOp, Err: err}
	}
	var authErr *azidentity.AuthenticationFailedError
	if errors.As(err, &authErr) && authErr.RawResponse == nil && c.assertion.failed() != nil {
		// The token to present was never obtained: Entra was not asked.
		local := c.assertion.failed()
		msg := fmt.Sprintf("could not obtain the federated token for the %s method, so Microsoft Entra ID was never asked: %v", c.Method, local)
		return tok, &Error{Kind: KindUnauthorized, Op: tokenOp, Message: msg, Err: local}
	}
	if errors.As(err, &authErr) {
		msg := c.describeAuthFailure(authErr)
		return tok, &Error{Kind: KindUnauthorized, Op: tokenOp, Message: msg, Err: errors.New(msg)}
	}
	// A credential that cannot run here (no az on PATH, no managed identity endpoint).
	return tok, &Error{Kind: KindUnauthorized, Op: tokenOp, Message: fmt.Sprintf("the %s credential could not get a token: %s", c.Method, firstLine(err.Error())), Err: err}
}

// AccessToken gets a token for scope ("https://graph.microsoft.com/.default"), for a tool
// that speaks plain HTTP (cmd/graphdiff records the wire, which the SDK's models hide).
func (c *Credential) AccessToken(ctx context.Context, scope string) (string, error) {
	tok, err := c.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{scope}})
	return tok.Token, err
}

// describeAuthFailure says who refused what, with the AADSTS code, and never
// the secret: only the token endpoint's JSON error is quoted.
func (c *Credential) describeAuthFailure(e *azidentity.AuthenticationFailedError) string {
	who := fmt.Sprintf("Microsoft Entra ID (authority %s, tenant %s) refused the %s of client_id %s",
		c.AuthorityHost, c.TenantID, c.Method, c.ClientID)
	if e.RawResponse == nil || e.RawResponse.Body == nil {
		if cause, ok := transportCause(e.Error()); ok {
			// No answer at all: the authority was never asked, so nothing was refused.
			return fmt.Sprintf("could not reach Microsoft Entra ID at authority host %s (tenant %s, client_id %s, %s not tried): %s; check authority_host (ENTRATAP_AUTHORITY_HOST) and that the host is up",
				authorityHostName(c.AuthorityHost), c.TenantID, c.ClientID, c.Method, cause)
		}
		return who + ": " + firstLine(e.Error())
	}
	body, _ := runtime.Payload(e.RawResponse) // buffered: azidentity may have read it already
	var tokErr struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(body, &tokErr) != nil || tokErr.Error == "" {
		return fmt.Sprintf("%s: HTTP %d", who, e.RawResponse.StatusCode)
	}
	return fmt.Sprintf("%s: %s: %s", who, tokErr.Error, firstLine(tokErr.Description))
}

// The order in which methods are tried; documented in the provider docs.
const (
	MethodCertificate      = "client certificate"
	MethodSecret           = "client secret"
	MethodOIDC             = "OIDC federated token"
	MethodWorkloadIdentity = "AKS workload identity"
	MethodMSI              = "managed identity"
	MethodCLI              = "Azure CLI"
)

// NewCredential builds the first credential, in the fixed order certificate,
// secret, OIDC, AKS workload identity, managed identity, Azure CLI, whose
// settings are present. It does no network I/O. When none can be built the
// error lists each method and why it was skipped.
func NewCredential(cfg AuthConfig) (*Credential, error) {
	authority := strings.TrimSuffix(cfg.AuthorityHost, "/") + "/"
	copts := azcore.ClientOptions{Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: authority}, Retry: cfg.Retry}
	if cfg.HTTPClient != nil {
		copts.Transport = cfg.HTTPClient
	}
	noDiscovery := !isMicrosoftAuthority(authority)

	var skipped []string
	skip := func(method, why string) { skipped = append(skipped, fmt.Sprintf("%s: %s", method, why)) }
	needIDs := func() string {
		var missing []string
		if cfg.TenantID == "" {
			missing = append(missing, "tenant_id (ARM_TENANT_ID)")
		}
		if cfg.ClientID == "" {
			missing = append(missing, "client_id (ARM_CLIENT_ID)")
		}
		if len(missing) > 0 {
			return strings.Join(missing, " and ") + " not set"
		}
		return ""
	}
	done := func(c azcore.TokenCredential, method string) (*Credential, error) {
		return &Credential{TokenCredential: c, Method: method, TenantID: cfg.TenantID, ClientID: cfg.ClientID, AuthorityHost: cfg.AuthorityHost}, nil
	}

	// 1. Certificate.
	if len(cfg.ClientCertificate) == 0 {
		skip(MethodCertificate, "client_certificate / client_certificate_path not set")
	} else if miss := needIDs(); miss != "" {
		skip(MethodCertificate, miss)
	} else {
		certs, key, err := azidentity.ParseCertificates(cfg.ClientCertificate, []byte(cfg.ClientCertificatePassword))
		if err != nil {
			return nil, certificateError(cfg, err)
		}
		c, err := azidentity.NewClientCertificateCredential(cfg.TenantID, cfg.ClientID, certs, key,
			&azidentity.ClientCertificateCredentialOptions{ClientOptions: copts, DisableInstanceDiscovery: noDiscovery, SendCertificateChain: true})
		if err != nil {
			return nil, fmt.Errorf("client certificate credential: %w", err)
		}
		return done(c, MethodCertificate)
	}

	// 2. Secret.
	if cfg.ClientSecret == "" {
		skip(MethodSecret, "client_secret / client_secret_file_path not set")
	} else if miss := needIDs(); miss != "" {
		skip(MethodSecret, miss)
	} else {
		c, err := azidentity.NewClientSecretCredential(cfg.TenantID, cfg.ClientID, cfg.ClientSecret,
			&azidentity.ClientSecretCredentialOptions{ClientOptions: copts, DisableInstanceDiscovery: noDiscovery})
		if err != nil {
			return nil, fmt.Errorf("client secret credential: %w", redactErr(err, cfg.ClientSecret))
		}
		return done(c, MethodSecret)
	}

	// 3. OIDC: a token, a token file, or a request URL (GitHub Actions).
	switch {
	case !cfg.UseOIDC:
		skip(MethodOIDC, "use_oidc is false")
	case needIDs() != "":
		skip(MethodOIDC, needIDs())
	case cfg.OIDCToken == "" && cfg.OIDCTokenFilePath == "" && (cfg.OIDCRequestToken == "" || cfg.OIDCRequestURL == ""):
		skip(MethodOIDC, "none of oidc_token, oidc_token_file_path, or oidc_request_token with oidc_request_url is set")
	default:
		src := oidcAssertion(cfg)
		c, err := azidentity.NewClientAssertionCredential(cfg.TenantID, cfg.ClientID, src.token,
			&azidentity.ClientAssertionCredentialOptions{ClientOptions: copts, DisableInstanceDiscovery: noDiscovery})
		if err != nil {
			return nil, fmt.Errorf("OIDC credential: %w", err)
		}
		cred, _ := done(c, MethodOIDC)
		cred.assertion = src
		return cred, nil
	}

	// 4. AKS workload identity.
	switch {
	case !cfg.UseAKSWorkloadIdentity:
		skip(MethodWorkloadIdentity, "use_aks_workload_identity is false")
	case cfg.FederatedTokenFile == "":
		skip(MethodWorkloadIdentity, "AZURE_FEDERATED_TOKEN_FILE not set")
	case needIDs() != "":
		skip(MethodWorkloadIdentity, needIDs())
	default:
		// A client assertion read by ReadSettingFile, as azidentity's workload
		// identity credential does, but bounded and cancellable.
		file := cfg.FederatedTokenFile
		src := &assertionSource{attr: "AZURE_FEDERATED_TOKEN_FILE", get: func(ctx context.Context) (string, error) {
			return readTokenFile(ctx, "AZURE_FEDERATED_TOKEN_FILE", file)
		}}
		c, err := azidentity.NewClientAssertionCredential(cfg.TenantID, cfg.ClientID, src.token,
			&azidentity.ClientAssertionCredentialOptions{ClientOptions: copts, DisableInstanceDiscovery: noDiscovery})
		if err != nil {
			return nil, fmt.Errorf("AKS workload identity credential: %w", err)
		}
		cred, _ := done(c, MethodWorkloadIdentity)
		cred.assertion = src
		return cred, nil
	}

	// 5. Managed identity.
	if !cfg.UseMSI {
		skip(MethodMSI, "use_msi is false")
	} else {
		opts := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: copts}
		if cfg.MSIEndpoint != "" {
			// azidentity reads an App Service endpoint from the process environment only: the
			// provider never writes that, and sends the metadata request to msi_endpoint instead.
			opts.Transport = appServiceEndpoint{endpoint: cfg.MSIEndpoint, header: cfg.MSIHeader, next: http.DefaultClient}
		}
		if cfg.ClientID != "" {
			opts.ID = azidentity.ClientID(cfg.ClientID)
		}
		c, err := azidentity.NewManagedIdentityCredential(opts)
		if err != nil {
			return nil, fmt.Errorf("managed identity credential: %w", err)
		}
		return done(c, MethodMSI)
	}

	// 6. Azure CLI.
	if !cfg.UseCLI {
		skip(MethodCLI, "use_cli is false")
	} else {
		c, err := azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: cfg.TenantID})
		if err != nil {
			return nil, fmt.Errorf("the Azure CLI credential: %w", err)
		}
		return done(c, MethodCLI)
	}

	return nil, fmt.Errorf("no way to authenticate to Microsoft Entra ID was configured. Tried, in order:\n  - %s", strings.Join(skipped, "\n  - "))
}

// certificateError says why a bundle could not be read, in the user's terms:
// not a bundle at all, a missing password, or a wrong one. Never the parser's
// raw text (asn1 dumps), never the password.
func certificateError(cfg AuthConfig, err error) error {
	src := cfg.ClientCertificateSource
	if src == "" {
		src = "client_certificate"
	}
	data := cfg.ClientCertificate
	var why string
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword) && cfg.ClientCertificatePassword == "":
		why = "the bundle is password-protected, set client_certificate_password (ARM_CLIENT_CERTIFICATE_PASSWORD)"
	case errors.Is(err, pkcs12.ErrIncorrectPassword):
		why = "client_certificate_password (ARM_CLIENT_CERTIFICATE_PASSWORD) is not the password of this bundle"
	case !bytes.Contains(data, []byte("-----BEGIN")) && (len(data) == 0 || data[0] != 0x30):
		// A DER PKCS#12 bundle starts with an ASN.1 SEQUENCE (0x30).
		why = "it is neither a PKCS#12 (.pfx) bundle nor PEM; check that it is the certificate bundle with its private key"
	default:
		why = "it is not a readable PKCS#12 (.pfx) bundle or PEM holding a certificate and its private key (" + certReason(err) + ")"
	}
	attr := src
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		attr = "client_certificate_password"
	}
	return &SettingError{Attr: attr, Err: fmt.Errorf("%s could not be read: %s", src, why)}
}

// certReason is a parser error without its ASN.1 internals.
func certReason(err error) string {
	msg := firstLine(err.Error())
	if strings.Contains(msg, "asn1") || strings.Contains(msg, "{") || len(msg) > 120 {
		return "the data is damaged or not a certificate bundle"
	}
	return msg
}

// SettingError is a configuration error about one setting, which Attr names.
type SettingError struct {
	Attr string
	Err  error
}

func (e *SettingError) Error() string { return e.Err.Error() }
func (e *SettingError) Unwrap() error { return e.Err }

// oidcAssertion returns the federated token source: a literal token, a file
// read anew on every request (it rotates), or a GitHub-Actions-style request.
func oidcAssertion(cfg AuthConfig) *assertionSource {
	switch {
	case cfg.OIDCToken != "":
		return &assertionSource{attr: "oidc_token (ARM_OIDC_TOKEN)", get: func(context.Context) (string, error) { return cfg.OIDCToken, nil }}
	case cfg.OIDCTokenFilePath != "":
		return &assertionSource{attr: "oidc_token_file_path (ARM_OIDC_TOKEN_FILE_PATH)", get: func(ctx context.Context) (string, error) {
			return readTokenFile(ctx, "oidc_token_file_path", cfg.OIDCTokenFilePath)
		}}
	}
	return &assertionSource{attr: "oidc_request_url (ARM_OIDC_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_URL)", get: func(ctx context.Context) (string, error) {
		return requestOIDCToken(ctx, cfg.OIDCRequestURL, cfg.OIDCRequestToken)
	}}
}

// assertionSource is a federated token source that remembers its last failure: azidentity
// turns the callback's error into an AuthenticationFailedError without a response, which
// would read as Microsoft Entra ID refusing a token it never saw (Credential.GetToken).
type assertionSource struct {
	attr string // the setting the token comes from, for messages
	get  func(context.Context) (string, error)
	mu   sync.Mutex
	err  error
}

func (a *assertionSource) token(ctx context.Context) (string, error) {
	tok, err := a.get(ctx)
	if err == nil && tok == "" {
		err = errors.New("the token is empty")
	}
	if err != nil {
		err = &SettingError{Attr: a.attr, Err: fmt.Errorf("%s: %w", a.attr, err)}
	}
	a.mu.Lock()
	a.err = err
	a.mu.Unlock()
	return tok, err
}

// failed is the last attempt's failure (nil after a success, or for a nil source).
func (a *assertionSource) failed() error {
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

func readTokenFile(ctx context.Context, attr, path string) (string, error) {
	b, err := ReadSettingFile(ctx, attr, path, MaxSecretFileSize)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// requestOIDCToken asks a CI system (GitHub Actions' protocol) for an ID
// token with the audience Entra expects for federated credentials. Its errors say
// the CI's token endpoint answered (or did not), never that Entra refused.
func requestOIDCToken(ctx context.Context, rawURL, bearer string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("not a URL: %w", err)
	}
	q := u.Query()
	q.Set("audience", "api://AzureADTokenExchange")
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("the CI's token endpoint %s did not answer: %w", u.Host, redactErr(err, bearer))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("the CI's token endpoint %s answered HTTP %d without a token (check oidc_request_token / ARM_OIDC_REQUEST_TOKEN / ACTIONS_ID_TOKEN_REQUEST_TOKEN)", u.Host, resp.StatusCode)
	}
	var out struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.Value == "" {
		return "", fmt.Errorf("the CI's token endpoint %s answered HTTP %d without a token (no \"value\" in its JSON answer)", u.Host, resp.StatusCode)
	}
	return out.Value, nil
}

// redactErr removes a secret from an error's text, in case a library echoes it.
func redactErr(err error, secrets ...string) error {
	msg := err.Error()
	changed := false
	for _, s := range secrets {
		if s != "" && strings.Contains(msg, s) {
			msg = strings.ReplaceAll(msg, s, "[REDACTED]")
			changed = true
		}
	}
	if !changed {
		return err
	}
	return errors.New(msg)
}
