package graphmock

// OData query options: each route accepts the ones the mock implements; any other is Graph's
// 400, not silence (a client relying on an option the mock ignored would pass here and fail on
// Graph). The messages are OData's (Microsoft.AspNet.OData); unverified against Graph itself.

import (
	"strings"
)

// systemQueryOptions are OData's; a "$" option not in it is unrecognized.
var systemQueryOptions = map[string]string{"$select": "Select", "$filter": "Filter", "$top": "Top", "$skip": "Skip",
	"$skiptoken": "SkipToken", "$count": "Count", "$orderby": "OrderBy", "$expand": "Expand", "$search": "Search", "$format": "Format"}

// queryOptions lists, by route (method and pattern without the version), the options it honours.
var queryOptions = map[string][]string{
	"GET /users/{user}":                            {"$select"},
	"GET /users":                                   {"$select", "$filter", "$top", "$skiptoken"},
	"GET /groups/{group}":                          {"$select"},
	"GET /users/{user}/memberof":                   {"$select", "$top", "$skiptoken"},
	"GET /groups/{group}/transitivemembers":        {"$select", "$top", "$skiptoken", "$count"},
	"GET /groups/{group}/transitivemembers/{cast}": {"$select", "$top", "$skiptoken", "$count"},
	"GET /me": {"$select"},
	"GET /rolemanagement/directory/roleassignments":              {"$filter", "$expand", "$select"},
	"GET /reports/authenticationmethods/userregistrationdetails": {"$filter"},
}

// checkQuery answers 400 for a query option the route does not honour.
func checkQuery(c *call, rt *route) error {
	key := strings.ToLower(rt.method + " " + stripVersion(rt.pattern))
	var allowed []string
	for k, v := range queryOptions {
		if strings.ToLower(k) == key {
			allowed = v
		}
	}
	for name := range c.r.URL.Query() {
		if !strings.HasPrefix(name, "$") {
			continue // Graph ignores parameters that are not OData's
		}
		canon, known := systemQueryOptions[strings.ToLower(name)]
		if !known {
			return badRequest("Unrecognized query argument specified: '%s'.", name)
		}
		ok := false
		for _, a := range allowed {
			ok = ok || strings.EqualFold(a, name)
		}
		if !ok {
			return badRequest("Query option '%s' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.", canon)
		}
	}
	return nil
}

// stripVersion takes "/v1.0/users" or "/beta/users" to "/users".
func stripVersion(p string) string {
	for _, v := range []string{"/v1.0", "/beta"} {
		if len(p) >= len(v) && strings.EqualFold(p[:len(v)], v) {
			return p[len(v):]
		}
	}
	return p
}

// project keeps the @odata annotations and the $select-ed properties of an entity.
func project(body map[string]any, sel string) map[string]any {
	if strings.TrimSpace(sel) == "" {
		return body
	}
	out := map[string]any{}
	for k, v := range body {
		if strings.HasPrefix(k, "@odata") {
			out[k] = v
		}
	}
	for _, n := range strings.Split(sel, ",") {
		for k, v := range body {
			if strings.EqualFold(k, strings.TrimSpace(n)) {
				out[k] = v
			}
		}
	}
	return out
}
