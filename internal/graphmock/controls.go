package graphmock

// The /_mock/ endpoints: test controls (no auth), the managed-identity endpoint, the mock
// OIDC issuer and the admin app's certificate.

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

func handleControlIndex(c *call) (reply, error) {
	var list []string
	for _, rt := range controlRoutes {
		list = append(list, rt.method+" "+rt.pattern)
	}
	return ok(map[string]any{"controls": list, "graph": c.base + "/v1.0", "tenantId": c.m.tenantID()}), nil
}

func handleSignIn(c *call) (reply, error) {
	req, gerr := decodeSignIn(c.body)
	if gerr != nil {
		return reply{}, gerr
	}
	u, serr := c.m.signIn(*req.User, *req.Code)
	if serr != nil {
		status := http.StatusUnauthorized
		if serr.Reason == reasonUserNotFound {
			status = http.StatusNotFound
		}
		return reply{}, &graphError{Status: status, Code: serr.Reason, Message: "Sign-in with the Temporary Access Pass failed: " + serr.Message + "."}
	}
	return ok(map[string]any{"result": "success", "userId": u.ID, "userPrincipalName": u.UserPrincipalName}), nil
}

func handleGetClock(c *call) (reply, error) {
	return ok(map[string]any{"now": formatTime(c.m.Now())}), nil
}

func handleAdvanceClock(c *call) (reply, error) {
	d, gerr := decodeClock(c.body)
	if gerr != nil {
		return reply{}, gerr
	}
	if gerr := c.m.advanceClock(d); gerr != nil {
		return reply{}, gerr
	}
	return handleGetClock(c)
}

func handleGetFaults(c *call) (reply, error) { return ok(c.m.Faults()), nil }

func handleSetFaults(c *call) (reply, error) {
	f, gerr := decodeFaults(c.body)
	if gerr != nil {
		return reply{}, gerr
	}
	c.m.faults.replace(f)
	return ok(c.m.Faults()), nil
}

func handleGetRequests(c *call) (reply, error) { return ok(c.m.Requests()), nil }

func handleResetRequests(c *call) (reply, error) {
	c.m.ResetRequests()
	return noContent(), nil
}

func handleGetState(c *call) (reply, error) { return ok(c.m.Snapshot()), nil }

func handleAddUser(c *call) (reply, error) {
	nu, gerr := decodeNewUser(c.body)
	if gerr != nil {
		return reply{}, gerr
	}
	u, err := c.m.AddUser(nu)
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusCreated, body: u}, nil
}

// handleRemoveUser offboards a user (DELETE /_mock/users/{id or UPN}): the user, its pass and
// its memberships are gone, as after a deletion in Entra; a user added later with the same
// UPN is another user (a new object id), as a re-hire is.
func handleRemoveUser(c *call) (reply, error) {
	if err := c.m.RemoveUser(c.params["user"]); err != nil {
		return reply{}, err
	}
	return noContent(), nil
}

// handleCLIToken answers like `az account get-access-token` for a registered app
// (GET /_mock/token?clientId=...; default: the admin app) or, with ?user=UPN, for that user
// signed in to the Azure CLI (a delegated token; ?scope=a,b narrows its scp), for a fake az CLI.
func handleCLIToken(c *call) (reply, error) {
	q := c.r.URL.Query()
	clientID := q.Get("clientId")
	if clientID == "" {
		clientID = AdminClientID
	}
	var scopes []string
	if s := q.Get("scope"); s != "" {
		scopes = strings.Split(s, ",")
	}
	var (
		tok string
		exp time.Time
		err error
	)
	if user := q.Get("user"); user != "" {
		tok, exp, err = c.m.MintUserToken(user, scopes...)
	} else {
		tok, exp, err = c.m.MintAccessToken(clientID)
	}
	if err != nil {
		return reply{}, badRequest("%v", err)
	}
	return ok(map[string]any{
		"accessToken": tok,
		"expiresOn":   exp.Local().Format("2006-01-02 15:04:05.000000"),
		"expires_on":  exp.Unix(),
		"tenant":      c.m.tenantID(),
		"tokenType":   "Bearer",
	}), nil
}

func handleCertificatePEM(c *call) (reply, error) {
	cert, key := c.m.AdminCertificatePEM()
	return reply{status: http.StatusOK, raw: append(cert, key...), contentType: "application/x-pem-file"}, nil
}

func handleCertificatePFX(c *call) (reply, error) {
	return reply{status: http.StatusOK, raw: c.m.AdminCertificatePFX(), contentType: "application/x-pkcs12"}, nil
}

// handleManagedIdentityToken is the App Service managed-identity endpoint (IDENTITY_ENDPOINT):
// GET ?api-version=2019-08-01&resource=...[&client_id=...] with X-IDENTITY-HEADER: IdentityHeader.
func handleManagedIdentityToken(c *call) (reply, error) {
	if subtle.ConstantTimeCompare([]byte(c.r.Header.Get("X-IDENTITY-HEADER")), []byte(IdentityHeader)) != 1 {
		return reply{}, &msiError{http.StatusUnauthorized, "The X-IDENTITY-HEADER header is missing or wrong."}
	}
	q := c.r.URL.Query()
	resource := strings.TrimSuffix(q.Get("resource"), "/.default")
	if resource == "" {
		return reply{}, &msiError{http.StatusBadRequest, "The 'resource' query parameter is required."}
	}
	if !c.m.audienceAllowed(resource, c.base) {
		return reply{}, &msiError{http.StatusBadRequest, fmt.Sprintf("The resource '%s' is not known.", resource)}
	}
	if id := q.Get("object_id") + q.Get("mi_res_id") + q.Get("principal_id") + q.Get("msi_res_id"); id != "" {
		return reply{}, &msiError{http.StatusBadRequest, "graphmock identifies managed identities by client_id only."}
	}
	app, found := c.m.managedIdentity(q.Get("client_id"))
	if !found {
		return reply{}, &msiError{http.StatusBadRequest, "No managed identity found for the request."}
	}
	tok, exp, err := c.m.mintAccessToken(app, resource)
	if err != nil {
		return reply{}, &msiError{http.StatusInternalServerError, "Could not sign the token."}
	}
	return ok(map[string]any{
		"access_token": tok,
		"expires_on":   strconv.FormatInt(exp.Unix(), 10),
		"resource":     resource,
		"token_type":   "Bearer",
		"client_id":    app.ClientID,
	}), nil
}

// managedIdentity finds the managed identity with clientID ("": the first).
func (m *Mock) managedIdentity(clientID string) (App, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, a := range m.t.apps {
		if a.ManagedIdentity && (clientID == "" || strings.EqualFold(a.ClientID, clientID)) {
			return a, true
		}
	}
	return App{}, false
}

// The mock OIDC issuer at /_mock/oidc: discovery, keys, and a GitHub-Actions-style
// token request endpoint.

func handleOIDCConfiguration(c *call) (reply, error) {
	iss := c.base + "/_mock/oidc"
	return ok(map[string]any{
		"issuer":                                iss,
		"jwks_uri":                              iss + "/keys",
		"subject_types_supported":               []string{"public"},
		"response_types_supported":              []string{"id_token"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"claims_supported":                      []string{"sub", "aud", "exp", "iat", "iss", "jti", "nbf"},
	}), nil
}

func handleOIDCKeys(c *call) (reply, error) { return ok(c.m.oidc.jwks()), nil }

// handleGitHubToken answers GET /_mock/oidc/github?audience=... with
// Authorization: Bearer GitHubRequestToken, as ACTIONS_ID_TOKEN_REQUEST_URL does.
func handleGitHubToken(c *call) (reply, error) {
	scheme, tok, _ := strings.Cut(c.r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(GitHubRequestToken)) != 1 {
		return reply{}, &graphError{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "A valid bearer request token (GitHubRequestToken) is required."}
	}
	jwt, err := c.m.mintFederatedToken(c.base, FederatedSubject, c.r.URL.Query().Get("audience"), 10*time.Minute)
	if err != nil {
		return reply{}, &graphError{Status: 500, Code: codeGeneralException, Message: "Could not sign the token."}
	}
	return ok(map[string]any{"count": len(jwt), "value": jwt}), nil
}
