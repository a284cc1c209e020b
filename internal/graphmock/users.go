package graphmock

// Users as Graph answers them: a fixed default property set (without userType), $select
// honoured, unknown properties refused (docs-contrib api-reference/v1.0/api/user-get.md and
// resources/user.md).

import (
	"strings"
)

// defaultUserProps is what GET /users/{id} and GET /users answer without $select.
var defaultUserProps = []string{"businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
	"officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"}

// userProps is every property the mock knows of a user, by name.
func userProps(u *User) map[string]any {
	external := any(nil)
	if u.ExternalUserState != "" {
		external = u.ExternalUserState
	}
	creation := any(nil)
	if u.CreationType != "" {
		creation = u.CreationType
	}
	return map[string]any{
		"id": u.ID, "userPrincipalName": u.UserPrincipalName, "displayName": u.DisplayName,
		"businessPhones": []string{}, "givenName": nil, "surname": nil, "jobTitle": nil, "mail": nil,
		"mobilePhone": nil, "officeLocation": nil, "preferredLanguage": nil,
		"userType": u.UserType, "externalUserState": external, "creationType": creation, "accountEnabled": true,
	}
}

// selectUser projects a user onto $select (or the default set). Which names exist is the
// CSDL's (facts.go): a property the mock does not hold is answered unset, as Graph answers one
// nobody set (null, or [] for a collection); a name the CSDL does not define, or a navigation
// property, is Graph's 400.
func selectUser(u *User, sel string) (map[string]any, error) {
	all := userProps(u)
	names := defaultUserProps
	if strings.TrimSpace(sel) != "" {
		names = strings.Split(sel, ",")
	}
	out := map[string]any{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "*" {
			for k, v := range all {
				out[k] = v
			}
			continue
		}
		key := ""
		for k := range all {
			if strings.EqualFold(k, n) { // Graph matches $select names case-insensitively
				key = k
			}
		}
		if key != "" {
			out[key] = all[key]
			continue
		}
		name, unset, ok := unsetProperty(graphNS+"user", n)
		if !ok {
			return nil, badRequest("Could not find a property named '%s' on type 'microsoft.graph.user'.", n)
		}
		if unset != nil || csdl.Types[graphNS+"user"].Properties[name].Nullable {
			out[name] = unset
		}
	}
	return out, nil
}
