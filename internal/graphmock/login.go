package graphmock

// The login endpoints azidentity/MSAL call: tenant discovery, the JWKS and the token
// endpoint (client credentials with a secret, a certificate assertion or a federated token).

import (
	"crypto/sha1" //nolint:gosec // x5t is a SHA-1 thumbprint by definition
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// knownTenant accepts the tenant id or its domain.
func (m *Mock) knownTenant(s string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return strings.EqualFold(s, m.t.id) || (m.t.domain != "" && strings.EqualFold(s, m.t.domain))
}

// multiTenantAlias: "organizations" and "common" stand for the signing-in user's own tenant
// (entra-docs docs/identity-platform/v2-protocols.md, "Endpoints"); organizations is what
// azidentity's DeviceCodeCredential uses without a tenant id.
func multiTenantAlias(s string) bool {
	return strings.EqualFold(s, "organizations") || strings.EqualFold(s, "common")
}

// aliasRefused refuses a client that is not multi-tenant on a multi-tenant alias, as Entra
// refuses single-tenant apps there (AADSTS50194, entra-docs
// docs/identity-platform/reference-error-codes.md). The Azure CLI is multi-tenant; the seeded
// apps are registered in this tenant only.
func aliasRefused(c *call, clientID string) *oauthError {
	if !multiTenantAlias(c.params["tenant"]) || strings.EqualFold(clientID, AzureCLIClientID) {
		return nil
	}
	return &oauthError{Status: 400, Code: "invalid_request", AADSTS: 50194,
		Description: fmt.Sprintf("Application '%s' is not configured as a multi-tenant application. Usage of the /%s endpoint is not supported for such applications. Use a tenant-specific endpoint or configure the application to be multi-tenant.", clientID, c.params["tenant"])}
}

func (m *Mock) tenantID() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.t.id
}

func handleOpenIDConfiguration(c *call) (reply, error) {
	tenantBase := c.base + "/" + c.params["tenant"]
	return ok(map[string]any{
		"issuer":                                c.base + "/" + c.m.tenantID() + "/v2.0",
		"authorization_endpoint":                tenantBase + "/oauth2/v2.0/authorize",
		"token_endpoint":                        tenantBase + "/oauth2/v2.0/token",
		"jwks_uri":                              tenantBase + "/discovery/v2.0/keys",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt"},
		"response_types_supported":              []string{"code", "id_token", "token"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"tenant_region_scope":                   "NA",
	}), nil
}

func handleJWKS(c *call) (reply, error) { return ok(c.m.tokens.jwks()), nil }

// handleToken is the client-credentials token endpoint.
func handleToken(c *call) (reply, error) {
	form, err := url.ParseQuery(string(c.body))
	if err != nil {
		return reply{}, &oauthError{Status: 400, Code: "invalid_request", AADSTS: 900144, Description: "The request body must be form-encoded."}
	}
	if oerr := aliasRefused(c, form.Get("client_id")); oerr != nil {
		return reply{}, oerr
	}
	if gt := form.Get("grant_type"); gt == grantDeviceCode || gt == "device_code" { // MSAL sends the short name
		return handleDeviceCodeToken(c, form)
	}
	if form.Get("grant_type") == "refresh_token" {
		return handleRefreshToken(c, form)
	}
	if gt := form.Get("grant_type"); gt != "client_credentials" {
		return reply{}, &oauthError{Status: 400, Code: "unsupported_grant_type", AADSTS: 70003,
			Description: fmt.Sprintf("The app requested an unsupported grant type '%s'; graphmock serves client_credentials, device_code and refresh_token.", gt)}
	}
	resource, oerr := resourceFromScope(form.Get("scope"))
	if oerr != nil {
		return reply{}, oerr
	}
	if !c.m.audienceAllowed(resource, c.base) {
		return reply{}, &oauthError{Status: 400, Code: "invalid_resource", AADSTS: 500011,
			Description: fmt.Sprintf("The resource principal named %s was not found in the tenant.", resource)}
	}
	app, oerr := c.m.authenticateClient(c, form)
	if oerr != nil {
		return reply{}, oerr
	}
	extra := jwt.MapClaims{}
	if caps := clientCapabilities(form.Get("claims")); len(caps) > 0 {
		extra["xms_cc"] = caps
	}
	if strings.Contains(form.Get("claims"), `"nbf"`) {
		// Asked with a CAE challenge's claims (not only the cp1 capability every CAE client
		// declares): this token satisfies them, no new injected challenge.
		extra["xms_claims_satisfied"] = true
	}
	token, expires, err := c.m.mintToken(app, resource, extra)
	if err != nil {
		return reply{}, &oauthError{Status: 500, Code: "server_error", AADSTS: 50000, Description: "Could not sign the token."}
	}
	secs := int(time.Until(expires).Seconds())
	return ok(map[string]any{
		"token_type":     "Bearer",
		"expires_in":     secs,
		"ext_expires_in": secs,
		"access_token":   token,
	}), nil
}

// graphTokenIssuer is the issuer of access tokens for Microsoft Graph: v1.0 tokens, whatever
// the endpoint that issued them, since Graph accepts v1.0 tokens (entra-docs
// docs/identity-platform/access-tokens.md, "Token formats"; access-token-claims-reference.md: iss
// https://sts.windows.net/{tenant}/ and ver 1.0 for v1.0 tokens): Entra, not the host that issued it.
func graphTokenIssuer(tenantID string) string { return "https://sts.windows.net/" + tenantID + "/" }

// clientCapabilities are the capabilities a client declares in a token request's claims
// parameter, {"access_token":{"xms_cc":{"values":["CP1"]}}}, which the token carries as xms_cc:
// cp1 says the client handles CAE claims challenges (entra-docs
// docs/identity-platform/app-resilience-continuous-access-evaluation.md; azidentity sends it
// when TokenRequestOptions.EnableCAE is set, as kiota's Azure authentication provider does).
func clientCapabilities(claims string) []string {
	var c struct {
		AccessToken struct {
			XmsCC struct {
				Values []string `json:"values"`
			} `json:"xms_cc"`
		} `json:"access_token"`
	}
	if claims == "" || json.Unmarshal([]byte(claims), &c) != nil {
		return nil
	}
	return c.AccessToken.XmsCC.Values
}

// resourceFromScope takes "https://host/.default [openid profile offline_access]" to "https://host".
func resourceFromScope(scope string) (string, *oauthError) {
	var resources []string
	for _, s := range strings.Fields(scope) {
		switch s {
		case "openid", "profile", "offline_access":
			continue
		}
		resources = append(resources, s)
	}
	if len(resources) != 1 || !strings.HasSuffix(resources[0], "/.default") {
		return "", &oauthError{Status: 400, Code: "invalid_scope", AADSTS: 1002012,
			Description: fmt.Sprintf("The provided value for scope '%s' is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", scope)}
	}
	return strings.TrimSuffix(resources[0], "/.default"), nil
}

// authenticateClient checks client_id with client_secret or client_assertion.
func (m *Mock) authenticateClient(c *call, form url.Values) (App, *oauthError) {
	clientID := form.Get("client_id")
	m.mu.Lock()
	a := m.t.app(clientID)
	var app App
	if a != nil {
		app = *a
	}
	tid := m.t.id
	m.mu.Unlock()
	if a == nil || app.ManagedIdentity {
		return App{}, &oauthError{Status: 400, Code: "unauthorized_client", AADSTS: 700016,
			Description: fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", clientID, tid)}
	}
	if secret := form.Get("client_secret"); secret != "" {
		for _, s := range app.Secrets {
			if subtle.ConstantTimeCompare([]byte(s), []byte(secret)) == 1 {
				return app, nil
			}
		}
		return App{}, &oauthError{Status: 401, Code: "invalid_client", AADSTS: 7000215,
			Description: fmt.Sprintf("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", clientID)}
	}
	assertion := form.Get("client_assertion")
	if assertion == "" {
		return App{}, &oauthError{Status: 401, Code: "invalid_client", AADSTS: 7000218,
			Description: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."}
	}
	if t := form.Get("client_assertion_type"); t != clientAssertionType {
		return App{}, &oauthError{Status: 400, Code: "invalid_request", AADSTS: 50027,
			Description: fmt.Sprintf("Invalid client_assertion_type '%s'.", t)}
	}
	unverified, _, err := jwt.NewParser().ParseUnverified(assertion, jwt.MapClaims{})
	if err != nil {
		return App{}, &oauthError{Status: 401, Code: "invalid_client", AADSTS: 50027, Description: "Invalid JWT token: the client assertion is malformed."}
	}
	iss, _ := unverified.Claims.(jwt.MapClaims)["iss"].(string)
	if strings.EqualFold(iss, app.ClientID) {
		return m.checkCertificateAssertion(c, app, assertion, unverified.Header)
	}
	return m.checkFederatedAssertion(c, app, assertion, iss)
}

// checkCertificateAssertion verifies a client assertion signed with one of the app's
// certificates: signature (RS256 or PS256, as MSAL sends), aud = this token endpoint,
// iss = sub = client id, not expired.
func (m *Mock) checkCertificateAssertion(c *call, app App, assertion string, header map[string]any) (App, *oauthError) {
	certs := m.appCertificates(app)
	if x5t, ok := header["x5t#S256"].(string); ok {
		certs = filterCerts(certs, x5t, func(c *x509.Certificate) []byte { s := sha256.Sum256(c.Raw); return s[:] })
	} else if x5t, ok := header["x5t"].(string); ok {
		certs = filterCerts(certs, x5t, func(c *x509.Certificate) []byte { s := sha1.Sum(c.Raw); return s[:] }) //nolint:gosec // thumbprint
	}
	if len(certs) == 0 {
		return App{}, &oauthError{Status: 401, Code: "invalid_client", AADSTS: 700027,
			Description: fmt.Sprintf("Client assertion contains an invalid signature. The key was not found: no certificate with that thumbprint is registered for app '%s'.", app.ClientID)}
	}
	endpoint := c.base + c.r.URL.Path
	var lastErr error
	for _, cert := range certs {
		claims := jwt.MapClaims{}
		_, err := jwt.ParseWithClaims(assertion, claims, func(*jwt.Token) (any, error) { return cert.PublicKey, nil },
			jwt.WithValidMethods([]string{"RS256", "PS256"}), jwt.WithExpirationRequired(), jwt.WithLeeway(time.Minute))
		if err != nil {
			lastErr = err
			continue
		}
		sub, _ := claims["sub"].(string)
		if !strings.EqualFold(sub, app.ClientID) {
			return App{}, &oauthError{Status: 401, Code: "invalid_client", AADSTS: 50027, Description: "The client assertion's sub must be the client id."}
		}
		if !audienceContains(claims, endpoint) {
			return App{}, &oauthError{Status: 401, Code: "invalid_client", AADSTS: 700212,
				Description: fmt.Sprintf("The client assertion's audience must be the token endpoint %s.", endpoint)}
		}
		return app, nil
	}
	if errors.Is(lastErr, jwt.ErrTokenExpired) {
		return App{}, &oauthError{Status: 401, Code: "invalid_client", AADSTS: 700024, Description: "Client assertion is not within its valid time range."}
	}
	return App{}, &oauthError{Status: 401, Code: "invalid_client", AADSTS: 700027, Description: "Client assertion failed signature validation."}
}

// appCertificates are the app's registered certificates (unparseable ones are skipped).
func (m *Mock) appCertificates(app App) []*x509.Certificate {
	var out []*x509.Certificate
	if app.UseGeneratedCertificate {
		out = append(out, m.adminCert.cert)
	}
	for _, p := range app.Certificates {
		if cs, err := parseCertificatesPEM(p); err == nil {
			out = append(out, cs...)
		}
	}
	return out
}

func filterCerts(certs []*x509.Certificate, thumb string, sum func(*x509.Certificate) []byte) []*x509.Certificate {
	want, err := base64.StdEncoding.DecodeString(thumb)
	if err != nil {
		if want, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(thumb, "=")); err != nil {
			return nil
		}
	}
	var out []*x509.Certificate
	for _, c := range certs {
		if subtle.ConstantTimeCompare(sum(c), want) == 1 {
			out = append(out, c)
		}
	}
	return out
}

func audienceContains(claims jwt.MapClaims, want string) bool {
	auds, err := claims.GetAudience()
	if err != nil {
		return false
	}
	for _, a := range auds {
		if strings.EqualFold(strings.TrimSuffix(a, "/"), strings.TrimSuffix(want, "/")) {
			return true
		}
	}
	return false
}

// checkFederatedAssertion verifies a federated token against the app's federated credentials:
// issuer and subject must match one, its audience must be one of the credential's, and the token
// must be signed by that issuer (only the mock's own issuer can be verified: no network).
func (m *Mock) checkFederatedAssertion(c *call, app App, assertion, iss string) (App, *oauthError) {
	// AADSTS70021: the app has no federated credential; 700211: none with this issuer;
	// 700213: none with this issuer and subject; 700212: the audience is not the credential's.
	if len(app.FederatedCredentials) == 0 {
		return App{}, &oauthError{Status: 401, Code: "invalid_client", AADSTS: 70021,
			Description: fmt.Sprintf("No matching federated identity record found for presented assertion. Assertion Issuer: '%s'. Please check your federated identity credential configuration for app '%s'.", iss, app.ClientID)}
	}
	issuerKnown := false
	for _, fc := range app.FederatedCredentials {
		issuerKnown = issuerKnown || m.issuerMatches(fc.Issuer, iss, c.base)
	}
	if !issuerKnown {
		return App{}, &oauthError{Status: 401, Code: "invalid_client", AADSTS: 700211,
			Description: fmt.Sprintf("No matching federated identity record found for presented assertion issuer '%s'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.", iss)}
	}
	noMatch := &oauthError{Status: 401, Code: "invalid_client", AADSTS: 700213}
	if !m.isMockIssuer(iss, c.base) {
		noMatch.Description = fmt.Sprintf("No matching federated identity record found for presented assertion subject for issuer '%s'.", iss)
		return App{}, noMatch
	}
	claims, err := m.oidc.parse(assertion)
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return App{}, &oauthError{Status: 401, Code: "invalid_client", AADSTS: 700024, Description: "Client assertion is not within its valid time range."}
		}
		return App{}, &oauthError{Status: 401, Code: "invalid_client", AADSTS: 700027, Description: "Client assertion failed signature validation."}
	}
	sub, _ := claims["sub"].(string)
	for _, fc := range app.FederatedCredentials {
		if !m.issuerMatches(fc.Issuer, iss, c.base) || fc.Subject != sub {
			continue
		}
		auds := fc.Audiences
		if len(auds) == 0 {
			auds = []string{FederatedAudience}
		}
		for _, a := range auds {
			if audienceContains(claims, a) {
				return app, nil
			}
		}
		return App{}, &oauthError{Status: 401, Code: "invalid_client", AADSTS: 700212,
			Description: fmt.Sprintf("No matching federated identity record found for presented assertion audience. The audience must be one of %v.", auds)}
	}
	noMatch.Description = fmt.Sprintf("No matching federated identity record found for presented assertion subject '%s'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.", sub)
	return App{}, noMatch
}

func (m *Mock) mockIssuers(requestBase string) []string {
	return []string{requestBase + "/_mock/oidc", m.baseURL() + "/_mock/oidc"}
}

func (m *Mock) isMockIssuer(iss, requestBase string) bool {
	for _, s := range m.mockIssuers(requestBase) {
		if strings.EqualFold(iss, s) {
			return true
		}
	}
	return false
}

// issuerMatches compares a credential's issuer (MockOIDCIssuer: the mock's) with a token's.
func (m *Mock) issuerMatches(credentialIssuer, tokenIssuer, requestBase string) bool {
	if credentialIssuer == MockOIDCIssuer {
		return m.isMockIssuer(tokenIssuer, requestBase)
	}
	return strings.EqualFold(strings.TrimSuffix(credentialIssuer, "/"), strings.TrimSuffix(tokenIssuer, "/"))
}

// mintAccessToken signs an access token for app. Expiry is wall time (not the tenant clock).
func (m *Mock) mintAccessToken(app App, audience string) (string, time.Time, error) {
	return m.mintToken(app, audience, nil)
}

// mintToken signs an access token with extra claims.
func (m *Mock) mintToken(app App, audience string, extra jwt.MapClaims) (string, time.Time, error) {
	now := time.Now()
	expires := now.Add(m.accessTokenLifetime())
	tid := m.tenantID()
	roles := append([]string{}, app.Roles...)
	oid := uuid.NewSHA1(uuid.NameSpaceURL, []byte("graphmock:sp:"+app.ClientID)).String()
	claims := jwt.MapClaims{
		"iss":   graphTokenIssuer(tid),
		"aud":   audience,
		"tid":   tid,
		"appid": app.ClientID,
		"azp":   app.ClientID,
		"oid":   oid,
		"sub":   oid,
		"roles": roles,
		"ver":   "1.0",
		"uti":   uuid.NewString(), // a token id, so a CAE challenge can revoke this token only
		"iat":   now.Unix(),
		"nbf":   now.Unix(),
		"exp":   expires.Unix(),
	}
	for key, v := range extra {
		claims[key] = v
	}
	tok, err := m.tokens.sign(claims)
	return tok, expires, err
}
