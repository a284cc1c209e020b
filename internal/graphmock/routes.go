package graphmock

// Routing: every endpoint of the mock, in three tables.

import (
	"net/http"
	"net/url"
	"strings"
)

type area int

const (
	areaLogin area = iota
	areaGraph
	areaControls
)

func areaOf(path string) area {
	switch {
	case path == "/v1.0" || strings.HasPrefix(path, "/v1.0/"):
		return areaGraph
	case path == "/_mock" || strings.HasPrefix(path, "/_mock/"):
		return areaControls
	}
	return areaLogin
}

// route is one endpoint. Literal segments match case-insensitively (Graph's paths and the
// policy id are case-insensitive); "{name}" captures one unescaped segment.
type route struct {
	method  string
	pattern string
	// perms: a Graph route needs any one of these application permissions.
	perms []string
	// write: a change, subject to dropAfterCommit.
	write  bool
	handle func(*call)
}

const (
	policyPath = "/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass"
	passesPath = "/v1.0/users/{user}/authentication/temporaryAccessPassMethods"
)

var (
	permsPolicyRead  = []string{PermPolicyRead, PermPolicyReadWrite}
	permsPolicyWrite = []string{PermPolicyReadWrite}
	permsPassRead    = []string{PermUserAuthMethodRead, PermUserAuthMethodReadWrite}
	permsPassWrite   = []string{PermUserAuthMethodReadWrite}
	permsUserRead    = []string{PermUserRead, "User.ReadWrite.All", PermDirectoryRead, "Directory.ReadWrite.All"}
	permsGroupRead   = []string{PermGroupMemberRead, "Group.Read.All", "Group.ReadWrite.All", PermDirectoryRead, "Directory.ReadWrite.All"}
)

var graphRoutes = []route{
	{method: http.MethodGet, pattern: policyPath, perms: permsPolicyRead, handle: handleGetPolicy},
	{method: http.MethodPatch, pattern: policyPath, perms: permsPolicyWrite, write: true, handle: handlePatchPolicy},
	{method: http.MethodDelete, pattern: policyPath, perms: permsPolicyWrite, write: true, handle: handleDeletePolicy},
	{method: http.MethodGet, pattern: "/v1.0/users/{user}", perms: permsUserRead, handle: handleGetUser},
	{method: http.MethodPost, pattern: "/v1.0/users/{user}/checkMemberGroups", perms: permsGroupRead, handle: handleCheckMemberGroups},
	{method: http.MethodGet, pattern: "/v1.0/groups/{group}", perms: permsGroupRead, handle: handleGetGroup},
	{method: http.MethodPost, pattern: passesPath, perms: permsPassWrite, write: true, handle: handleCreatePass},
	{method: http.MethodGet, pattern: passesPath, perms: permsPassRead, handle: handleListPasses},
	{method: http.MethodGet, pattern: passesPath + "/{pass}", perms: permsPassRead, handle: handleGetPass},
	{method: http.MethodDelete, pattern: passesPath + "/{pass}", perms: permsPassWrite, write: true, handle: handleDeletePass},
}

var loginRoutes = []route{
	{method: http.MethodGet, pattern: "/{tenant}/v2.0/.well-known/openid-configuration", handle: handleOpenIDConfiguration},
	{method: http.MethodGet, pattern: "/{tenant}/discovery/v2.0/keys", handle: handleJWKS},
	{method: http.MethodPost, pattern: "/{tenant}/oauth2/v2.0/token", handle: handleToken},
}

// controlRoutes is set in init: its index handler lists the table itself.
var controlRoutes []route

func init() {
	controlRoutes = []route{
		{method: http.MethodGet, pattern: "/_mock", handle: handleControlIndex},
		{method: http.MethodPost, pattern: "/_mock/signin", handle: handleSignIn},
		{method: http.MethodGet, pattern: "/_mock/clock", handle: handleGetClock},
		{method: http.MethodPost, pattern: "/_mock/clock", handle: handleAdvanceClock},
		{method: http.MethodGet, pattern: "/_mock/faults", handle: handleGetFaults},
		{method: http.MethodPost, pattern: "/_mock/faults", handle: handleSetFaults},
		{method: http.MethodGet, pattern: "/_mock/requests", handle: handleGetRequests},
		{method: http.MethodDelete, pattern: "/_mock/requests", handle: handleResetRequests},
		{method: http.MethodGet, pattern: "/_mock/state", handle: handleGetState},
		{method: http.MethodPost, pattern: "/_mock/users", handle: handleAddUser},
		{method: http.MethodGet, pattern: "/_mock/token", handle: handleCLIToken},
		{method: http.MethodGet, pattern: "/_mock/seed", handle: handleGetSeed},
		{method: http.MethodPost, pattern: "/_mock/reset", handle: handleReset},
		{method: http.MethodGet, pattern: "/_mock/certificate.pem", handle: handleCertificatePEM},
		{method: http.MethodGet, pattern: "/_mock/certificate.pfx", handle: handleCertificatePFX},
		{method: http.MethodGet, pattern: "/_mock/msi/token", handle: handleManagedIdentityToken},
		{method: http.MethodGet, pattern: "/_mock/oidc/.well-known/openid-configuration", handle: handleOIDCConfiguration},
		{method: http.MethodGet, pattern: "/_mock/oidc/keys", handle: handleOIDCKeys},
		{method: http.MethodGet, pattern: "/_mock/oidc/github", handle: handleGitHubToken},
	}
}

// match finds the route for method and the request's escaped path. With no route for the
// method but one for the path, it returns nil and pathKnown true (405).
func match(routes []route, method string, u *url.URL) (rt *route, params map[string]string, pathKnown bool) {
	segs, ok := splitPath(u.EscapedPath())
	if !ok {
		return nil, nil, false
	}
	for i := range routes {
		p, ok := matchPattern(routes[i].pattern, segs)
		if !ok {
			continue
		}
		if routes[i].method == method {
			return &routes[i], p, true
		}
		pathKnown = true
	}
	return nil, nil, pathKnown
}

// splitPath splits an escaped path into unescaped segments, ignoring a trailing slash.
func splitPath(escaped string) ([]string, bool) {
	escaped = strings.TrimSuffix(strings.TrimPrefix(escaped, "/"), "/")
	raw := strings.Split(escaped, "/")
	out := make([]string, len(raw))
	for i, s := range raw {
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, false
		}
		out[i] = u
	}
	return out, true
}

func matchPattern(pattern string, segs []string) (map[string]string, bool) {
	ps := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	if len(ps) != len(segs) {
		return nil, false
	}
	params := map[string]string{}
	for i, p := range ps {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			if segs[i] == "" {
				return nil, false
			}
			params[p[1:len(p)-1]] = segs[i]
			continue
		}
		if !strings.EqualFold(p, segs[i]) {
			return nil, false
		}
	}
	return params, true
}
