package graphmock

// Delegated access: users holding directory roles, signed in through the device-code flow
// (the token endpoint) or the az control (/_mock/token?user=...), and the rules Graph applies
// to a delegated token on top of its scopes (the role rules are in rules.go).

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// AzureCLIClientID is the Azure CLI's public client id (Microsoft's own app): the client of
// the tokens /_mock/token mints for a user, and a public client the device-code flow accepts.
const AzureCLIClientID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"

// DefaultDelegatedScopes are the delegated permissions (scp) of a user's token unless the
// request names others: what an admin's az session has consented for this provider's work.
var DefaultDelegatedScopes = []string{
	"User.Read", PermUserRead, PermGroupMemberRead, PermRoleRead,
	PermUserAuthMethodReadWrite, PermPolicyReadWrite,
}

// The template ids of the default roles every member and every guest holds (not directory roles).
const (
	defaultUserRoleTemplateID  = "b79fbf4d-3ef9-4689-8143-76b194e85509"
	defaultGuestRoleTemplateID = "10dae51f-b6af-4016-8d66-8c2a99b929b3"
)

// PermRoleRead reads directory role assignments (the provider's check of a target's roles).
const PermRoleRead = "RoleManagement.Read.Directory"

const (
	grantDeviceCode  = "urn:ietf:params:oauth:grant-type:device_code"
	deviceCodeTTL    = 15 * time.Minute
	msgMeApplication = "/me request is only valid with delegated authentication flow."
)

// deviceCodes are the device-code sign-ins under way (their own lock: the login area runs
// without Mock.mu).
type deviceCodes struct {
	mu      sync.Mutex
	byCode  map[string]*deviceCode  // by device_code
	refresh map[string]refreshGrant // by refresh_token
	now     func() time.Time        // nil: time.Now (tests move it past a code's expiry)
}

// refreshGrant is what a refresh token redeems: the user's sign-in to a client and resource.
type refreshGrant struct {
	userID, clientID, resource string
}

func (d *deviceCodes) clock() time.Time {
	if d.now != nil {
		return d.now()
	}
	return time.Now()
}

type deviceCode struct {
	userCode string
	clientID string
	resource string
	expires  time.Time
	userID   string // set when approved (POST /_mock/devicecode)
}

func randomCode(n int, alphabet string) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("graphmock: crypto/rand: " + err.Error())
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// publicClient reports whether clientID may run a user's sign-in: the Azure CLI or a registered app.
func (m *Mock) publicClient(clientID string) bool {
	if strings.EqualFold(clientID, AzureCLIClientID) {
		return true
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.t.app(clientID) != nil
}

// handleDeviceCode starts a device-code sign-in (POST {tenant}/oauth2/v2.0/devicecode), as
// azidentity's DeviceCodeCredential does; POST /_mock/devicecode approves it as a user.
func handleDeviceCode(c *call) (reply, error) {
	form, err := url.ParseQuery(string(c.body))
	if err != nil {
		return reply{}, &oauthError{Status: 400, Code: "invalid_request", AADSTS: 900144, Description: "The request body must be form-encoded."}
	}
	clientID := form.Get("client_id")
	if oerr := aliasRefused(c, clientID); oerr != nil {
		return reply{}, oerr
	}
	if !c.m.publicClient(clientID) {
		return reply{}, &oauthError{Status: 400, Code: "unauthorized_client", AADSTS: 700016,
			Description: fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'.", clientID, c.m.tenantID())}
	}
	resource, oerr := resourceFromScope(form.Get("scope"))
	if oerr != nil {
		return reply{}, oerr
	}
	if !c.m.audienceAllowed(resource, c.base) {
		return reply{}, &oauthError{Status: 400, Code: "invalid_resource", AADSTS: 500011,
			Description: fmt.Sprintf("The resource principal named %s was not found in the tenant.", resource)}
	}
	dc := &deviceCode{
		userCode: randomCode(9, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"),
		clientID: clientID,
		resource: resource,
		expires:  c.m.devices.clock().Add(deviceCodeTTL),
	}
	device := randomCode(48, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
	d := &c.m.devices
	d.mu.Lock()
	if d.byCode == nil {
		d.byCode = map[string]*deviceCode{}
	}
	d.byCode[device] = dc
	d.mu.Unlock()
	verify := c.base + "/_mock/devicecode"
	return ok(map[string]any{
		"user_code":        dc.userCode,
		"device_code":      device,
		"verification_uri": verify,
		"expires_in":       int(deviceCodeTTL.Seconds()),
		"interval":         1,
		"message": fmt.Sprintf("To sign in, POST {\"userCode\":\"%s\",\"user\":\"<upn>\"} to %s (graphmock's stand-in for the browser).",
			dc.userCode, verify),
	}), nil
}

// ApproveDeviceCode signs user (id or UPN) in for the pending device-code sign-in userCode.
func (m *Mock) ApproveDeviceCode(userCode, user string) error {
	m.mu.Lock()
	u := m.t.user(user)
	m.mu.Unlock()
	if u == nil {
		return notFound(user)
	}
	d := &m.devices
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, dc := range d.byCode {
		if dc.userCode == userCode && time.Now().Before(dc.expires) {
			dc.userID = u.ID
			return nil
		}
	}
	return &graphError{Status: http.StatusNotFound, Code: "notFound", Message: fmt.Sprintf("No pending device-code sign-in with user code '%s'.", userCode)}
}

// deviceCodeApproval is the body of POST /_mock/devicecode.
type deviceCodeApproval struct {
	UserCode string `json:"userCode"`
	User     string `json:"user"`
}

func handleApproveDeviceCode(c *call) (reply, error) {
	var req deviceCodeApproval
	if gerr := decodeJSON(c.body, &req); gerr != nil {
		return reply{}, gerr
	}
	if req.UserCode == "" || req.User == "" {
		return reply{}, badRequest("userCode and user are required.")
	}
	if err := c.m.ApproveDeviceCode(req.UserCode, req.User); err != nil {
		return reply{}, err
	}
	return ok(map[string]any{"result": "approved", "user": req.User}), nil
}

// handleDeviceCodeToken redeems a device code: authorization_pending until approved, then a
// delegated token for the user (with an id_token and client_info, as MSAL keeps an account).
func handleDeviceCodeToken(c *call, form url.Values) (reply, error) {
	d := &c.m.devices
	d.mu.Lock()
	dc := d.byCode[form.Get("device_code")]
	now := d.clock()
	var pending deviceCode
	if dc != nil {
		pending = *dc
		if dc.userID != "" || now.After(dc.expires) {
			delete(d.byCode, form.Get("device_code")) // a device code is redeemed once
		}
	}
	d.mu.Unlock()
	switch {
	case dc == nil || !strings.EqualFold(pending.clientID, form.Get("client_id")):
		return reply{}, &oauthError{Status: 400, Code: "invalid_grant", AADSTS: 70000, Description: "The provided device code is not valid for this client."}
	case now.After(pending.expires):
		// expired_token (entra-docs docs/identity-platform/v2-oauth2-device-code.md) with
		// AADSTS70019 CodeExpired (entra-docs docs/identity-platform/reference-error-codes.md).
		return reply{}, &oauthError{Status: 400, Code: "expired_token", AADSTS: 70019, Description: "Verification code expired. Have the user retry the sign-in."}
	case pending.userID == "":
		return reply{}, &oauthError{Status: 400, Code: "authorization_pending", AADSTS: 70016, Description: "OAuth 2.0 device flow error. Authorization is pending. Continue polling."}
	}
	return userTokens(c, form, refreshGrant{userID: pending.userID, clientID: pending.clientID, resource: pending.resource})
}

// handleRefreshToken redeems a refresh token (grant_type=refresh_token, entra-docs
// docs/identity-platform/v2-oauth2-auth-code-flow.md "Refresh the access token") for the
// client it was issued to: a new access token, and a new refresh token.
func handleRefreshToken(c *call, form url.Values) (reply, error) {
	d := &c.m.devices
	d.mu.Lock()
	g, found := d.refresh[form.Get("refresh_token")]
	d.mu.Unlock()
	if !found || !strings.EqualFold(g.clientID, form.Get("client_id")) {
		// Unverified text: Entra's answer to an unknown refresh token is not documented.
		return reply{}, &oauthError{Status: 400, Code: "invalid_grant", AADSTS: 9002313, Description: "Invalid request. Request is malformed or invalid: the refresh token is not valid for this client."}
	}
	return userTokens(c, form, g)
}

// userTokens answers a user's sign-in (device code or refresh token) with a delegated access
// token, an id_token and client_info (MSAL keeps an account from them) and, when the scope asks
// for offline_access, a refresh token (entra-docs docs/identity-platform/v2-oauth2-device-code.md,
// "Successful authentication response").
func userTokens(c *call, form url.Values, g refreshGrant) (reply, error) {
	c.m.mu.Lock()
	u := c.m.t.user(g.userID)
	var usr User
	if u != nil {
		usr = *u
	}
	c.m.mu.Unlock()
	if u == nil {
		return reply{}, &oauthError{Status: 400, Code: "invalid_grant", AADSTS: 50034, Description: "The user account does not exist in the directory."}
	}
	pending := g
	tok, exp, err := c.m.mintUserToken(usr, pending.clientID, DefaultDelegatedScopes, pending.resource, clientCapabilities(form.Get("claims")))
	if err != nil {
		return reply{}, &oauthError{Status: 500, Code: "server_error", AADSTS: 50000, Description: "Could not sign the token."}
	}
	idTok, err := c.m.tokens.sign(jwt.MapClaims{
		"iss": c.base + "/" + c.m.tenantID() + "/v2.0", "aud": pending.clientID, "tid": c.m.tenantID(),
		"oid": usr.ID, "sub": usr.ID, "preferred_username": usr.UserPrincipalName, "name": usr.DisplayName,
		"ver": "2.0", "iat": time.Now().Unix(), "nbf": time.Now().Unix(), "exp": exp.Unix(),
	})
	if err != nil {
		return reply{}, &oauthError{Status: 500, Code: "server_error", AADSTS: 50000, Description: "Could not sign the token."}
	}
	info, _ := json.Marshal(map[string]string{"uid": usr.ID, "utid": c.m.tenantID()})
	secs := int(time.Until(exp).Seconds())
	body := map[string]any{
		"token_type": "Bearer",
		// The scopes asked for (MSAL calls any it misses "declined"), then those granted.
		"scope":          strings.Join(append(strings.Fields(form.Get("scope")), scopeURIs(pending.resource, DefaultDelegatedScopes)...), " "),
		"expires_in":     secs,
		"ext_expires_in": secs,
		"access_token":   tok,
		"id_token":       idTok,
		"client_info":    base64.RawURLEncoding.EncodeToString(info),
	}
	if slices.Contains(strings.Fields(form.Get("scope")), "offline_access") {
		rt := randomCode(64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
		d := &c.m.devices
		d.mu.Lock()
		if d.refresh == nil {
			d.refresh = map[string]refreshGrant{}
		}
		d.refresh[rt] = g
		d.mu.Unlock()
		body["refresh_token"] = rt
	}
	return ok(body), nil
}

// scopeURIs are the scopes as the token endpoint answers them (resource-qualified).
func scopeURIs(resource string, scopes []string) []string {
	out := make([]string, len(scopes))
	for i, s := range scopes {
		out[i] = resource + "/" + s
	}
	return out
}

// mintUserToken signs a delegated access token: scp (the delegated permissions), oid/upn of
// the user and wids (the template ids of the user's directory roles).
// caps are the client's declared capabilities (clientCapabilities), carried as xms_cc.
func (m *Mock) mintUserToken(u User, clientID string, scopes []string, audience string, caps []string) (string, time.Time, error) {
	now := time.Now()
	expires := now.Add(m.opts.TokenLifetime)
	tid := m.tenantID()
	// Every user's wids hold the default role of their kind, member (User) or guest (Guest
	// User), besides their directory roles (entra-docs
	// docs/identity-platform/access-token-claims-reference.md, "wids").
	wids := []string{defaultUserRoleTemplateID}
	if u.UserType == userTypeGuest {
		wids[0] = defaultGuestRoleTemplateID
	}
	for _, r := range u.Roles {
		wids = append(wids, roleTemplateIDs[r])
	}
	sort.Strings(wids)
	claims := jwt.MapClaims{
		"iss":         graphTokenIssuer(tid),
		"aud":         audience,
		"tid":         tid,
		"appid":       clientID,
		"azp":         clientID,
		"oid":         u.ID,
		"sub":         uuid.NewSHA1(uuid.NameSpaceURL, []byte("graphmock:sub:"+clientID+":"+u.ID)).String(),
		"upn":         u.UserPrincipalName,
		"unique_name": u.UserPrincipalName,
		"name":        u.DisplayName,
		"idtyp":       "user",
		"scp":         strings.Join(scopes, " "),
		"wids":        wids,
		"ver":         "1.0",
		"uti":         uuid.NewString(), // a token id, so a CAE challenge can revoke this token only
		"iat":         now.Unix(),
		"nbf":         now.Unix(),
		"exp":         expires.Unix(),
	}
	if len(caps) > 0 {
		claims["xms_cc"] = caps
	}
	tok, err := m.tokens.sign(claims)
	return tok, expires, err
}

// MintUserToken signs a delegated token for a user (id or UPN) through the Azure CLI's client,
// as `az account get-access-token` returns one for a signed-in admin; no scopes: DefaultDelegatedScopes.
func (m *Mock) MintUserToken(user string, scopes ...string) (token string, expires time.Time, err error) {
	m.mu.Lock()
	u := m.t.user(user)
	var usr User
	if u != nil {
		usr = *u
	}
	m.mu.Unlock()
	if u == nil {
		return "", time.Time{}, fmt.Errorf("graphmock: no user %q", user)
	}
	if len(scopes) == 0 {
		scopes = DefaultDelegatedScopes
	}
	return m.mintUserToken(usr, AzureCLIClientID, scopes, "https://graph.microsoft.com", nil)
}

// checkDelegated applies the directory-role rules (rules.go) to a delegated token, after the
// scope check and the {user} lookup (m.mu held); it also serves /me. Application tokens keep
// the permission check alone.
func (c *call) checkDelegated(rt *route) error {
	p := c.principal
	op, isMe := delegatedOpOf(rt)
	if isMe {
		if !p.delegated {
			return badRequest(msgMeApplication)
		}
		if c.user = c.m.t.user(p.userID); c.user == nil {
			return notFound(p.userID)
		}
	}
	if !p.delegated || c.outOfBand {
		return nil
	}
	caller := c.m.t.user(p.userID)
	if caller == nil {
		return unauthorized("Access token validation failure. The signed-in user does not exist in the tenant.")
	}
	if c.user != nil && !strings.EqualFold(c.user.ID, caller.ID) && !p.hasAny(othersPerms(rt.perms)) {
		// A scope acting on self only (UserAuthenticationMethod.Read, ...) reaches no one else.
		return forbidden(rt.pattern, othersPerms(rt.perms))
	}
	if gerr := delegatedRule(c.m.t, op, caller, c.user); gerr != nil {
		return gerr
	}
	return nil // never a typed nil
}

// selfScopes are the delegated scopes that act on the signed-in user only (the "Permissions
// acting on self" tables of the authentication-method pages).
var selfScopes = map[string]bool{PermTAPReadSelf: true, PermTAPReadWriteSelf: true,
	PermUserAuthMethodReadSelf: true, PermUserAuthMethodReadWriteSelf: true}

// othersPerms are the permissions of a route that act on other users.
func othersPerms(perms []string) []string {
	var out []string
	for _, p := range perms {
		if !selfScopes[p] {
			out = append(out, p)
		}
	}
	return out
}

// delegatedOpOf names what a route does, for the role rules; isMe marks the /me routes.
func delegatedOpOf(rt *route) (op delegatedOp, isMe bool) {
	p := strings.ToLower(rt.pattern)
	isMe = p == "/v1.0/me" || strings.HasPrefix(p, "/v1.0/me/")
	switch {
	case p == strings.ToLower(policyPath) && rt.method == http.MethodGet:
		return opPolicyRead, isMe
	case p == strings.ToLower(policyPath):
		return opPolicyWrite, isMe
	case strings.Contains(p, "/temporaryaccesspassmethods/{pass}") && rt.method == http.MethodGet:
		return opPassReadOne, isMe
	case strings.Contains(p, "/temporaryaccesspassmethods/{pass}") && rt.method == http.MethodDelete:
		return opPassDelete, isMe
	case strings.Contains(p, "/temporaryaccesspassmethods") && rt.method == http.MethodGet:
		return opPassList, isMe
	case strings.Contains(p, "/temporaryaccesspassmethods"):
		return opPassWrite, isMe
	}
	if strings.HasPrefix(p, strings.ToLower(methodsPath)+"/") || strings.HasPrefix(p, "/v1.0/me/authentication/") {
		return opMethodsRead, isMe // the other collections under authentication: registered methods
	}
	return opDirectoryRead, isMe
}

// --- the directory-role controls and views ---

// handleListRoleAssignments answers role assignments as Graph's unifiedRoleAssignment list does
// (docs-contrib api-reference/v1.0/api/rbacapplication-list-roleassignments.md): $filter on
// principalId or roleDefinitionId (eq, joined by and), $expand=principal, $select; each item
// carries directoryScopeId and resourceScope ("/": the tenant).
func handleListRoleAssignments(c *call) (reply, error) {
	q := c.r.URL.Query()
	want := map[string]string{}
	if f := strings.TrimSpace(q.Get("$filter")); f != "" {
		for _, clause := range strings.Split(f, " and ") {
			prop, val, ok := strings.Cut(strings.TrimSpace(clause), " eq '")
			if !ok || !strings.HasSuffix(val, "'") || (prop != "principalId" && prop != "roleDefinitionId") {
				return reply{}, badRequest("Invalid filter clause: graphmock supports principalId eq '<id>' and roleDefinitionId eq '<id>', joined by and.")
			}
			want[prop] = strings.TrimSuffix(val, "'")
		}
	}
	expand := q.Get("$expand")
	if expand != "" && !strings.EqualFold(expand, "principal") {
		return reply{}, badRequest("Could not find a property named '%s' to expand: graphmock expands principal only.", expand)
	}
	list := []map[string]any{}
	for _, id := range c.m.t.userOrder {
		u := c.m.t.users[strings.ToLower(id)]
		if p, ok := want["principalId"]; ok && !strings.EqualFold(u.ID, p) {
			continue
		}
		for _, r := range u.Roles {
			if d, ok := want["roleDefinitionId"]; ok && !strings.EqualFold(roleTemplateIDs[r], d) {
				continue
			}
			item := map[string]any{
				"id":               uuid.NewSHA1(uuid.NameSpaceURL, []byte("graphmock:ra:"+u.ID+":"+r)).String(),
				"principalId":      u.ID,
				"roleDefinitionId": roleTemplateIDs[r],
				"directoryScopeId": "/",
				"resourceScope":    "/",
			}
			item = project(item, q.Get("$select"))
			if expand != "" {
				item["principal"] = map[string]any{"@odata.type": "#microsoft.graph.user", "id": u.ID,
					"displayName": u.DisplayName, "userPrincipalName": u.UserPrincipalName}
			}
			list = append(list, item)
		}
	}
	ctx := c.root() + "/$metadata#roleManagement/directory/roleAssignments"
	if expand != "" {
		ctx += "(principal())"
	}
	return ok(map[string]any{"@odata.context": ctx, "value": list}), nil
}

// normalizeRoles turns role names or template ids into the catalog's names.
func normalizeRoles(in []string) ([]string, error) {
	var out []string
	for _, r := range in {
		name, ok := roleByNameOrID(r)
		if !ok {
			return nil, fmt.Errorf("unknown directory role %q (known: %s)", r, strings.Join(knownRoleNames(), ", "))
		}
		out = append(out, name)
	}
	return out, nil
}

func roleByNameOrID(s string) (string, bool) {
	for name, id := range roleTemplateIDs {
		if strings.EqualFold(s, name) || strings.EqualFold(s, id) {
			return name, true
		}
	}
	return "", false
}

func knownRoleNames() []string {
	var names []string
	for n := range roleTemplateIDs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
