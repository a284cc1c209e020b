package graphmock

// Routing: every endpoint of the mock, in three tables matched by net/http's ServeMux.

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// handler serves a matched request and returns its answer, or an error that writes itself
// (*graphError, *oauthError, *msiError). Graph handlers run with Mock.mu held.
type handler func(*call) (reply, error)

// route is one endpoint. Literal segments match case-insensitively (Graph's paths and the
// policy id are case-insensitive); "{name}" captures one unescaped segment.
type route struct {
	method  string
	pattern string
	// perms: a Graph route needs any one of these application permissions; "A+B" needs both.
	// The least-privileged comes first: the 403 names it first.
	perms []string
	// user: dispatch resolves {user} (id or UPN, with replication lag) into call.user.
	user bool
	// write: a change, subject to dropAfterCommit.
	write bool
	// batch: $batch, run without Mock.mu and with no permission of its own (each request has its own).
	batch bool
	// standIn: a control that stands in for a service the provider calls with credentials of
	// its own (the managed-identity endpoint, a CI's OIDC token endpoint and issuer): it needs
	// no control secret (Options.ControlSecret), as the real service does not.
	standIn bool
	handle  handler
}

const (
	policyPath = "/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass"
	passesPath = "/v1.0/users/{user}/authentication/temporaryAccessPassMethods"
	// methodsPath holds a user's method collections (authenticationmethods-overview.md).
	methodsPath = "/v1.0/users/{user}/authentication"
)

var (
	// Microsoft's permission tables (microsoft-graph-docs-contrib api-reference/v1.0/api/
	// authenticationmethodspolicy-*, temporaryaccesspassauthenticationmethod-*, user-checkmembergroups).
	permsPolicyRead  = []string{PermPolicyRead, PermPolicyReadWrite, PermPolicyReadAll}
	permsPolicyWrite = []string{PermPolicyReadWrite}
	permsPassRead    = []string{PermTAPRead, PermTAPReadWrite, PermUserAuthMethodRead, PermUserAuthMethodReadWrite}
	permsPassWrite   = []string{PermTAPReadWrite, PermUserAuthMethodReadWrite}
	permsUserRead    = []string{PermUserRead, "User.ReadWrite.All", PermDirectoryRead, "Directory.ReadWrite.All"}
	permsGroupRead   = []string{PermGroupMemberRead, PermGroupRead, "Group.ReadWrite.All", PermDirectoryRead, "Directory.ReadWrite.All"}
	permsCheckGroups = []string{PermUserRead + "+" + PermGroupMemberRead, PermUserRead + "+" + PermGroupRead,
		PermDirectoryRead, "Directory.ReadWrite.All"}
	permsMe = append([]string{"User.Read"}, permsUserRead...)
	// Acting on self (delegated only), least privileged first: temporaryaccesspassauthenticationmethod-get.md,
	// authentication-list-temporaryaccesspassmethods.md (UserAuthMethod-TAP.Read, UserAuthenticationMethod.Read),
	// temporaryaccesspassauthenticationmethod-delete.md (UserAuthenticationMethod.ReadWrite), authentication-list-methods.md.
	// The .All permissions act on self too; the self-only scopes act on no one else (checkDelegated).
	permsMePasses      = []string{PermTAPReadSelf, PermUserAuthMethodReadSelf, PermTAPReadWriteSelf, PermUserAuthMethodReadWriteSelf, PermUserAuthMethodRead, PermUserAuthMethodReadWrite}
	permsMePassDelete  = []string{PermUserAuthMethodReadWriteSelf, PermTAPReadWriteSelf, PermUserAuthMethodReadWrite}
	permsMeMethods     = []string{PermUserAuthMethodReadSelf, PermUserAuthMethodReadWriteSelf, PermUserAuthMethodRead, PermUserAuthMethodReadWrite}
	permsPassReadAny   = append(append([]string{}, permsPassRead...), PermTAPReadSelf, PermUserAuthMethodReadSelf, PermTAPReadWriteSelf, PermUserAuthMethodReadWriteSelf)
	permsPassDeleteAny = append(append([]string{}, permsPassWrite...), PermUserAuthMethodReadWriteSelf, PermTAPReadWriteSelf)
	// Registered methods of any user (authentication-list-methods.md and the typed list pages):
	// application UserAuthenticationMethod.Read.All, least privileged; no TAP-only permission reads them.
	permsMethodsRead    = []string{PermUserAuthMethodRead, PermUserAuthMethodReadWrite}
	permsMethodsReadAny = append(append([]string{}, permsMethodsRead...), PermUserAuthMethodReadSelf, PermUserAuthMethodReadWriteSelf)
	permsRoleRead       = []string{PermRoleRead, "RoleManagement.Read.All", "RoleManagement.ReadWrite.Directory", PermDirectoryRead, "Directory.ReadWrite.All"}
)

var graphRoutes = []route{
	{method: http.MethodGet, pattern: policyPath, perms: permsPolicyRead, handle: handleGetPolicy},
	{method: http.MethodPatch, pattern: policyPath, perms: permsPolicyWrite, write: true, handle: handlePatchPolicy},
	{method: http.MethodDelete, pattern: policyPath, perms: permsPolicyWrite, write: true, handle: handleDeletePolicy},
	{method: http.MethodGet, pattern: "/v1.0/users/{user}", perms: permsUserRead, user: true, handle: handleGetUser},
	{method: http.MethodPost, pattern: "/v1.0/users/{user}/checkMemberGroups", perms: permsCheckGroups, user: true, handle: handleCheckMemberGroups},
	{method: http.MethodGet, pattern: "/v1.0/users", perms: permsUserRead, handle: handleListUsers},
	{method: http.MethodGet, pattern: "/v1.0/users/{user}/memberOf", perms: permsCheckGroups, user: true, handle: handleMemberOf},
	{method: http.MethodGet, pattern: "/v1.0/groups/{group}", perms: permsGroupRead, handle: handleGetGroup},
	{method: http.MethodGet, pattern: "/v1.0/groups/{group}/transitiveMembers", perms: permsGroupRead, handle: handleTransitiveMembers},
	{method: http.MethodGet, pattern: "/v1.0/groups/{group}/transitiveMembers/{cast}", perms: permsGroupRead, handle: handleTransitiveMembers},
	// {cast} is $count too: ServeMux cannot hold a literal and a wildcard at one depth here.
	{method: http.MethodGet, pattern: "/v1.0/groups/{group}/transitiveMembers/{cast}/$count", perms: permsGroupRead, handle: handleTransitiveMembers},
	{method: http.MethodPost, pattern: passesPath, perms: permsPassWrite, user: true, write: true, handle: handleCreatePass},
	{method: http.MethodGet, pattern: passesPath, perms: permsPassReadAny, user: true, handle: handleListPasses},
	{method: http.MethodGet, pattern: passesPath + "/{pass}", perms: permsPassReadAny, user: true, handle: handleGetPass},
	{method: http.MethodDelete, pattern: passesPath + "/{pass}", perms: permsPassDeleteAny, user: true, write: true, handle: handleDeletePass},
	{method: http.MethodGet, pattern: methodsPath + "/methods", perms: permsMethodsReadAny, user: true, handle: handleListMethods},
	{method: http.MethodGet, pattern: methodsPath + "/fido2Methods", perms: permsMethodsReadAny, user: true, handle: handleListTyped(MethodFido2)},
	{method: http.MethodGet, pattern: methodsPath + "/microsoftAuthenticatorMethods", perms: permsMethodsReadAny, user: true, handle: handleListTyped(MethodMicrosoftAuthenticator)},
	{method: http.MethodGet, pattern: methodsPath + "/windowsHelloForBusinessMethods", perms: permsMethodsReadAny, user: true, handle: handleListTyped(MethodWindowsHelloForBusiness)},
	{method: http.MethodGet, pattern: methodsPath + "/phoneMethods", perms: permsMethodsReadAny, user: true, handle: handleListTyped(MethodPhone)},
	{method: http.MethodGet, pattern: methodsPath + "/emailMethods", perms: permsMethodsReadAny, user: true, handle: handleListTyped(MethodEmail)},
	{method: http.MethodGet, pattern: methodsPath + "/softwareOathMethods", perms: permsMethodsReadAny, user: true, handle: handleListTyped(MethodSoftwareOath)},
	{method: http.MethodGet, pattern: methodsPath + "/passwordMethods", perms: permsMethodsReadAny, user: true, handle: handleListTyped(MethodPassword)},
	// Delegated tokens only (checkDelegated answers an application token 400); c.user is the signed-in user.
	{method: http.MethodGet, pattern: "/v1.0/me", perms: permsMe, handle: handleGetUser},
	{method: http.MethodGet, pattern: "/v1.0/me/authentication/temporaryAccessPassMethods", perms: permsMePasses, handle: handleListPasses},
	{method: http.MethodGet, pattern: "/v1.0/me/authentication/temporaryAccessPassMethods/{pass}", perms: permsMePasses, handle: handleGetPass},
	{method: http.MethodDelete, pattern: "/v1.0/me/authentication/temporaryAccessPassMethods/{pass}", perms: permsMePassDelete, write: true, handle: handleDeletePass},
	{method: http.MethodGet, pattern: "/v1.0/me/authentication/methods", perms: permsMeMethods, handle: handleListMethods},
	{method: http.MethodGet, pattern: "/v1.0/reports/authenticationMethods/userRegistrationDetails", perms: []string{PermAuditLogRead}, handle: handleRegistrationDetails},
	{method: http.MethodGet, pattern: "/v1.0/roleManagement/directory/roleAssignments", perms: permsRoleRead, handle: handleListRoleAssignments},
	{method: http.MethodPost, pattern: "/v1.0/$batch", batch: true, handle: handleBatch},
}

var loginRoutes = []route{
	{method: http.MethodGet, pattern: "/{tenant}/v2.0/.well-known/openid-configuration", handle: handleOpenIDConfiguration},
	{method: http.MethodGet, pattern: "/{tenant}/discovery/v2.0/keys", handle: handleJWKS},
	{method: http.MethodPost, pattern: "/{tenant}/oauth2/v2.0/token", handle: handleToken},
	{method: http.MethodPost, pattern: "/{tenant}/oauth2/v2.0/devicecode", handle: handleDeviceCode},
}

// controlRoutes is set in init: its index handler lists the table itself.
var controlRoutes []route

// The areas of the mock, by path prefix; login takes every other path.
var graphArea, betaArea, controlArea, loginArea *area

func init() {
	controlRoutes = []route{
		{method: http.MethodGet, pattern: "/_mock", handle: handleControlIndex},
		{method: http.MethodPost, pattern: "/_mock/signin", handle: handleSignIn},
		{method: http.MethodPost, pattern: "/_mock/register", handle: handleRegister},
		{method: http.MethodGet, pattern: "/_mock/clock", handle: handleGetClock},
		{method: http.MethodPost, pattern: "/_mock/clock", handle: handleAdvanceClock},
		{method: http.MethodGet, pattern: "/_mock/faults", handle: handleGetFaults},
		{method: http.MethodPost, pattern: "/_mock/faults", handle: handleSetFaults},
		{method: http.MethodGet, pattern: "/_mock/quota", handle: handleGetQuota},
		{method: http.MethodPost, pattern: "/_mock/quota", handle: handleSetQuota},
		{method: http.MethodGet, pattern: "/_mock/requests", handle: handleGetRequests},
		{method: http.MethodDelete, pattern: "/_mock/requests", handle: handleResetRequests},
		{method: http.MethodGet, pattern: "/_mock/state", handle: handleGetState},
		{method: http.MethodPost, pattern: "/_mock/users", handle: handleAddUser},
		{method: http.MethodDelete, pattern: "/_mock/users/{user}", handle: handleRemoveUser},
		{method: http.MethodPost, pattern: "/_mock/groups", handle: handleAddGroup},
		{method: http.MethodPost, pattern: "/_mock/groups/{group}/members", handle: handleAddGroupMember},
		{method: http.MethodGet, pattern: "/_mock/token", handle: handleCLIToken},
		{method: http.MethodPost, pattern: "/_mock/devicecode", handle: handleApproveDeviceCode},
		{method: http.MethodGet, pattern: "/_mock/seed", handle: handleGetSeed},
		{method: http.MethodPost, pattern: "/_mock/reset", handle: handleReset},
		{method: http.MethodGet, pattern: "/_mock/settings", handle: handleGetSettings},
		{method: http.MethodPost, pattern: "/_mock/settings", handle: handleSetSettings},
		{method: http.MethodGet, pattern: "/_mock/certificate.pem", handle: handleCertificatePEM},
		{method: http.MethodGet, pattern: "/_mock/certificate.pfx", handle: handleCertificatePFX},
		{method: http.MethodGet, pattern: "/_mock/msi/token", handle: handleManagedIdentityToken, standIn: true},
		{method: http.MethodGet, pattern: "/_mock/oidc/.well-known/openid-configuration", handle: handleOIDCConfiguration, standIn: true},
		{method: http.MethodGet, pattern: "/_mock/oidc/keys", handle: handleOIDCKeys, standIn: true},
		{method: http.MethodGet, pattern: "/_mock/oidc/github", handle: handleGitHubToken, standIn: true},
	}
	graphArea = newArea("/v1.0", graphRoutes, graphUnknown)
	graphArea.graph = true
	// /beta serves the same endpoints (PowerShell's Beta cmdlets and many scripts use it).
	betaArea = newArea("/beta", versioned(graphRoutes, "/beta"), graphUnknown)
	betaArea.graph = true
	controlArea = newArea("/_mock", controlRoutes, func(c *call, pathKnown bool) error {
		if pathKnown {
			return methodNotAllowed(c)
		}
		return &graphError{Status: http.StatusNotFound, Code: "notFound",
			Message: fmt.Sprintf("No graphmock control at '%s'; GET /_mock lists them.", c.r.URL.Path)}
	})
	loginArea = newArea("", loginRoutes, func(c *call, pathKnown bool) error {
		if !loginShaped(c) { // Graph answers every other path in its own shape
			seg, _, _ := strings.Cut(strings.TrimPrefix(c.r.URL.Path, "/"), "/")
			return &graphError{Status: http.StatusBadRequest, Code: "BadRequest", Message: fmt.Sprintf("Invalid version: %s", seg)}
		}
		status := http.StatusNotFound
		if pathKnown {
			status = http.StatusMethodNotAllowed
		}
		return &oauthError{Status: status, Code: "invalid_request", AADSTS: 900561,
			Description: fmt.Sprintf("The endpoint %s %s is not served by graphmock.", c.r.Method, c.r.URL.Path)}
	})
}

// graphUnknown answers a Graph path no route serves: 405 Request_BadRequest for a known path, /me with an
// application token, else "Resource not found for the segment".
func graphUnknown(c *call, pathKnown bool) error {
	if pathKnown {
		// Graph's 405, as captured in this project's issue 25 (a probe of Graph).
		return &graphError{Status: http.StatusMethodNotAllowed, Code: codeRequestBadRequest,
			Message: "Specified HTTP method is not allowed for the request target."}
	}
	rest := strings.Split(strings.Trim(stripVersion(c.r.URL.Path), "/"), "/")
	// Only an application token is told /me needs a user; a user's token meets the answer for
	// any other unknown segment.
	if strings.EqualFold(rest[0], "me") && c.principal != nil && !c.principal.delegated {
		return badRequest("/me request is only valid with delegated authentication flow.")
	}
	segs := strings.Split(strings.TrimSuffix(c.r.URL.Path, "/"), "/")
	return badRequest("Resource not found for the segment '%s'.", segs[len(segs)-1])
}

// versioned copies routes with their "/v1.0" prefix replaced.
func versioned(routes []route, prefix string) []route {
	out := append([]route(nil), routes...)
	for i := range out {
		out[i].pattern = prefix + stripVersion(out[i].pattern)
	}
	return out
}

// loginShaped reports whether a path is the login service's (under the tenant, or
// /{tenant}/oauth2/..., /{tenant}/v2.0/..., /{tenant}/discovery/...): OAuth-shaped errors.
func loginShaped(c *call) bool {
	segs := strings.Split(strings.Trim(c.r.URL.Path, "/"), "/")
	switch strings.ToLower(segs[0]) {
	case "common", "organizations", "consumers":
		return true
	}
	if c.m.knownTenant(segs[0]) {
		return true
	}
	if len(segs) < 2 {
		return false
	}
	switch strings.ToLower(segs[1]) {
	case "oauth2", "v2.0", "discovery", "federationmetadata", "saml2", "wsfed":
		return true
	}
	return false
}

func methodNotAllowed(c *call) error {
	return &graphError{Status: http.StatusMethodNotAllowed, Code: codeMethodNotAllowed,
		Message: fmt.Sprintf("The HTTP method '%s' is not allowed on '%s'.", c.r.Method, c.r.URL.Path)}
}

// area is one table of routes in a ServeMux whose patterns are lower-cased: a request's path
// is lower-cased too before matching, and the captures are read from the path as sent.
type area struct {
	graph   bool // Graph's area (v1.0 or beta): token, faults, permissions
	prefix  string
	mux     *http.ServeMux
	routes  map[string]*route // by registered pattern; nil: the path without its method (405)
	unknown func(c *call, pathKnown bool) error
}

func newArea(prefix string, routes []route, unknown func(*call, bool) error) *area {
	a := &area{prefix: prefix, mux: http.NewServeMux(), routes: map[string]*route{}, unknown: unknown}
	for i := range routes {
		p := strings.ToLower(routes[i].pattern)
		a.add(routes[i].method+" "+p, &routes[i])
		if _, ok := a.routes[p]; !ok {
			a.add(p, nil) // any other method on a known path: 405
		}
	}
	return a
}

func (a *area) add(pattern string, rt *route) {
	a.mux.Handle(pattern, http.NotFoundHandler()) // only the matching is used
	a.routes[pattern] = rt
}

// areaOf picks the area by path prefix, case-insensitively.
func areaOf(p string) *area {
	p = strings.ToLower(p)
	for _, a := range []*area{graphArea, betaArea, controlArea} {
		if p == a.prefix || strings.HasPrefix(p, a.prefix+"/") {
			return a
		}
	}
	return loginArea
}

// match finds the request's route and sets c.params, or returns the area's error for no route.
func (a *area) match(c *call) (*route, error) {
	escaped := c.r.URL.EscapedPath()
	if escaped != "/" {
		escaped = strings.TrimSuffix(escaped, "/")
	}
	lower := strings.ToLower(escaped)
	unescaped, err := url.PathUnescape(lower)
	if err != nil || path.Clean(lower) != lower { // ServeMux would redirect an unclean path
		return nil, a.unknown(c, false)
	}
	_, pattern := a.mux.Handler(&http.Request{Method: c.r.Method, URL: &url.URL{Path: unescaped, RawPath: lower}})
	rt, known := a.routes[pattern]
	if !known {
		return nil, a.unknown(c, false)
	}
	if rt == nil || rt.method != c.r.Method { // ServeMux lets GET patterns match HEAD
		return nil, a.unknown(c, true)
	}
	segs := strings.Split(escaped, "/")
	c.params = map[string]string{}
	for i, ps := range strings.Split(rt.pattern, "/") {
		if strings.HasPrefix(ps, "{") {
			c.params[strings.Trim(ps, "{}")], _ = url.PathUnescape(segs[i])
		}
	}
	return rt, nil
}
