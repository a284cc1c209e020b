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

func (m *Mock) serveControls(c *call) {
	rt, params, pathKnown := match(controlRoutes, c.r.Method, c.r.URL)
	if rt == nil {
		if pathKnown {
			writeGraphError(c.w, &graphError{Status: http.StatusMethodNotAllowed, Code: codeMethodNotAllowed,
				Message: fmt.Sprintf("The HTTP method '%s' is not allowed on '%s'.", c.r.Method, c.r.URL.Path)})
			return
		}
		writeGraphError(c.w, &graphError{Status: http.StatusNotFound, Code: "notFound",
			Message: fmt.Sprintf("No graphmock control at '%s'; GET /_mock lists them.", c.r.URL.Path)})
		return
	}
	c.params = params
	rt.handle(c)
}

func handleControlIndex(c *call) {
	var list []string
	for _, rt := range controlRoutes {
		list = append(list, rt.method+" "+rt.pattern)
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"controls": list, "graph": c.base + "/v1.0", "tenantId": c.m.tenantID()})
}

func handleSignIn(c *call) {
	req, gerr := decodeSignIn(c.body)
	if gerr != nil {
		writeGraphError(c.w, gerr)
		return
	}
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	u, err := signIn(c.m.t, req.User, req.Code)
	if err != nil {
		status := http.StatusUnauthorized
		if u == nil {
			status = http.StatusNotFound
		}
		writeGraphError(c.w, &graphError{Status: status, Code: err.Reason, Message: "Sign-in with the Temporary Access Pass failed: " + err.Message + "."})
		return
	}
	c.m.commitLocked()
	writeJSON(c.w, http.StatusOK, map[string]any{"result": "success", "userId": u.ID, "userPrincipalName": u.UserPrincipalName})
}

func handleGetClock(c *call) {
	writeJSON(c.w, http.StatusOK, map[string]any{"now": formatTime(c.m.Now())})
}

func handleAdvanceClock(c *call) {
	d, gerr := decodeClock(c.body)
	if gerr != nil {
		writeGraphError(c.w, gerr)
		return
	}
	c.m.AdvanceClock(d)
	writeJSON(c.w, http.StatusOK, map[string]any{"now": formatTime(c.m.Now())})
}

func handleGetFaults(c *call) { writeJSON(c.w, http.StatusOK, c.m.Faults()) }

func handleSetFaults(c *call) {
	f, gerr := decodeFaults(c.body)
	if gerr != nil {
		writeGraphError(c.w, gerr)
		return
	}
	c.m.faults.replace(f)
	writeJSON(c.w, http.StatusOK, c.m.Faults())
}

func handleGetRequests(c *call) { writeJSON(c.w, http.StatusOK, c.m.Requests()) }

func handleResetRequests(c *call) {
	c.m.ResetRequests()
	c.w.WriteHeader(http.StatusNoContent)
}

func handleGetState(c *call) { writeJSON(c.w, http.StatusOK, c.m.Snapshot()) }

func handleAddUser(c *call) {
	nu, gerr := decodeNewUser(c.body)
	if gerr != nil {
		writeGraphError(c.w, gerr)
		return
	}
	c.m.mu.Lock()
	u, gerr := c.m.addUserLocked(nu)
	c.m.mu.Unlock()
	if gerr != nil {
		writeGraphError(c.w, gerr)
		return
	}
	writeJSON(c.w, http.StatusCreated, u)
}

// handleCLIToken answers like `az account get-access-token` for a registered app
// (GET /_mock/token?clientId=...; default: the admin app), for a fake az CLI.
func handleCLIToken(c *call) {
	clientID := c.r.URL.Query().Get("clientId")
	if clientID == "" {
		clientID = AdminClientID
	}
	tok, exp, err := c.m.MintAccessToken(clientID)
	if err != nil {
		writeGraphError(c.w, badRequest("%v", err))
		return
	}
	writeJSON(c.w, http.StatusOK, map[string]any{
		"accessToken": tok,
		"expiresOn":   exp.Local().Format("2006-01-02 15:04:05.000000"),
		"expires_on":  exp.Unix(),
		"tenant":      c.m.tenantID(),
		"tokenType":   "Bearer",
	})
}

func handleCertificatePEM(c *call) {
	cert, key := c.m.AdminCertificatePEM()
	c.w.Header().Set("Content-Type", "application/x-pem-file")
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(append(cert, key...))
}

func handleCertificatePFX(c *call) {
	c.w.Header().Set("Content-Type", "application/x-pkcs12")
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(c.m.AdminCertificatePFX())
}

// handleManagedIdentityToken is the App Service managed-identity endpoint (IDENTITY_ENDPOINT):
// GET ?api-version=2019-08-01&resource=...[&client_id=...] with X-IDENTITY-HEADER: IdentityHeader.
func handleManagedIdentityToken(c *call) {
	msiError := func(status int, msg string) {
		writeJSON(c.w, status, map[string]any{"statusCode": status, "message": msg, "correlationId": c.w.Header().Get("request-id")})
	}
	if subtle.ConstantTimeCompare([]byte(c.r.Header.Get("X-IDENTITY-HEADER")), []byte(IdentityHeader)) != 1 {
		msiError(http.StatusUnauthorized, "The X-IDENTITY-HEADER header is missing or wrong.")
		return
	}
	q := c.r.URL.Query()
	resource := strings.TrimSuffix(q.Get("resource"), "/.default")
	if resource == "" {
		msiError(http.StatusBadRequest, "The 'resource' query parameter is required.")
		return
	}
	if !c.m.audienceAllowed(resource, c.base) {
		msiError(http.StatusBadRequest, fmt.Sprintf("The resource '%s' is not known.", resource))
		return
	}
	if id := q.Get("object_id") + q.Get("mi_res_id") + q.Get("principal_id") + q.Get("msi_res_id"); id != "" {
		msiError(http.StatusBadRequest, "graphmock identifies managed identities by client_id only.")
		return
	}
	c.m.mu.Lock()
	var app *App
	for i := range c.m.t.apps {
		a := &c.m.t.apps[i]
		if a.ManagedIdentity && (q.Get("client_id") == "" || strings.EqualFold(a.ClientID, q.Get("client_id"))) {
			app = a
			break
		}
	}
	var found App
	if app != nil {
		found = *app
	}
	c.m.mu.Unlock()
	if app == nil {
		msiError(http.StatusBadRequest, "No managed identity found for the request.")
		return
	}
	tok, exp, err := c.m.mintAccessToken(found, resource, c.base)
	if err != nil {
		msiError(http.StatusInternalServerError, "Could not sign the token.")
		return
	}
	writeJSON(c.w, http.StatusOK, map[string]any{
		"access_token": tok,
		"expires_on":   strconv.FormatInt(exp.Unix(), 10),
		"resource":     resource,
		"token_type":   "Bearer",
		"client_id":    found.ClientID,
	})
}

// The mock OIDC issuer at /_mock/oidc: discovery, keys, and a GitHub-Actions-style
// token request endpoint.

func handleOIDCConfiguration(c *call) {
	iss := c.base + "/_mock/oidc"
	writeJSON(c.w, http.StatusOK, map[string]any{
		"issuer":                                iss,
		"jwks_uri":                              iss + "/keys",
		"subject_types_supported":               []string{"public"},
		"response_types_supported":              []string{"id_token"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"claims_supported":                      []string{"sub", "aud", "exp", "iat", "iss", "jti", "nbf"},
	})
}

func handleOIDCKeys(c *call) { writeJSON(c.w, http.StatusOK, c.m.oidc.jwks()) }

// handleGitHubToken answers GET /_mock/oidc/github?audience=... with
// Authorization: Bearer GitHubRequestToken, as ACTIONS_ID_TOKEN_REQUEST_URL does.
func handleGitHubToken(c *call) {
	scheme, tok, _ := strings.Cut(c.r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(GitHubRequestToken)) != 1 {
		writeGraphError(c.w, &graphError{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "A valid bearer request token (GitHubRequestToken) is required."})
		return
	}
	jwt, err := c.m.mintFederatedToken(c.base, FederatedSubject, c.r.URL.Query().Get("audience"), 10*time.Minute)
	if err != nil {
		writeGraphError(c.w, &graphError{Status: 500, Code: codeGeneralException, Message: "Could not sign the token."})
		return
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"count": len(jwt), "value": jwt})
}
