package graphmock

// Collections that page: GET /users (with $filter on userPrincipalName) and
// GET /groups/{id}/transitiveMembers (nested groups followed). Both page with
// @odata.nextLink carrying a $skiptoken: 100 a page by default, $top up to 999.

import (
	"fmt"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
)

const (
	defaultPageSize = 100
	maxPageSize     = 999
)

var (
	upnFilter  = regexp.MustCompile(`(?i)^\s*userPrincipalName\s+eq\s+'((?:[^']|'')*)'\s*$`)
	idInFilter = regexp.MustCompile(`(?i)^\s*id\s+in\s+\(\s*((?:'(?:[^']|'')*'\s*,?\s*)*)\)\s*$`)
	quoted     = regexp.MustCompile(`'((?:[^']|'')*)'`)
)

func handleListUsers(c *call) (reply, error) {
	q := c.r.URL.Query()
	var users []*User
	f := q.Get("$filter")
	switch m, in := upnFilter.FindStringSubmatch(f), idInFilter.FindStringSubmatch(f); {
	case f == "":
		for _, id := range c.m.t.userOrder {
			if u := c.m.t.users[strings.ToLower(id)]; u != nil {
				users = append(users, u)
			}
		}
	case m != nil:
		if u := c.m.t.userByUPN[strings.ToLower(strings.ReplaceAll(m[1], "''", "'"))]; u != nil {
			users = append(users, u)
		}
	case in != nil:
		ids := quoted.FindAllStringSubmatch(in[1], -1)
		if len(ids) > 15 { // Graph's limit on the values of an 'in' clause
			return reply{}, badRequest("Too many values in the 'in' clause: at most 15.")
		}
		for _, id := range ids {
			if u := c.m.t.users[strings.ToLower(strings.ReplaceAll(id[1], "''", "'"))]; u != nil {
				users = append(users, u)
			}
		}
	default:
		return reply{}, badRequest("Invalid filter clause: the mock supports userPrincipalName eq '<upn>' and id in ('<id>', ...).")
	}
	items := make([]map[string]any, 0, len(users))
	for _, u := range users {
		j, err := userJSON(c, u)
		if err != nil {
			return reply{}, err
		}
		items = append(items, j)
	}
	return page(c, c.root()+"/$metadata#users", items)
}

// Casts and counts on the transitive members list (docs-contrib
// api-reference/v1.0/api/group-list-transitivemembers.md and concepts/aad-advanced-queries.md):
//   - /transitiveMembers/microsoft.graph.user (or .group) keeps the members of that type; a cast to
//     another directoryObject type a security group may hold (device, orgContact, servicePrincipal,
//     application) is an empty list here, as the mock holds none; any other cast is the page's 400
//     Request_UnsupportedQuery.
//   - /$count (after a cast or not) answers the count as text/plain, and only with the header
//     ConsistencyLevel: eventual; without it Graph answers 400 Request_BadRequest "$count is not
//     currently supported." (aad-advanced-queries.md, "Error handling for advanced queries").
//   - ?$count=true adds @odata.count with ConsistencyLevel: eventual and is ignored without it
//     (the same section).
//
// aad-advanced-queries.md lists a cast on a transitive list among the queries that need the
// advanced parameters but documents no error without them; the mock serves the cast either way
// (doc.go, unverified choices).
var memberCasts = map[string]string{
	"microsoft.graph.user": "#microsoft.graph.user", "microsoft.graph.group": "#microsoft.graph.group",
	"microsoft.graph.device": "", "microsoft.graph.orgcontact": "", "microsoft.graph.serviceprincipal": "",
	"microsoft.graph.application": "",
}

func handleTransitiveMembers(c *call) (reply, error) {
	g := c.m.t.group(c.params["group"])
	if g == nil {
		return reply{}, notFound(c.params["group"])
	}
	keep, cast := "", c.params["cast"]
	if strings.EqualFold(cast, "$count") { // the /$count route without a cast (routes.go)
		cast = ""
	}
	if cast != "" {
		t, known := memberCasts[strings.ToLower(cast)]
		if !known {
			return reply{}, &graphError{Status: http.StatusBadRequest, Code: codeUnsupportedQuery,
				Message: fmt.Sprintf("The specified type '%s' is not a supported member type of this group.", cast)}
		}
		if keep = t; keep == "" {
			keep = "none"
		}
	}
	var items []map[string]any
	seen := map[string]bool{strings.ToLower(g.ID): true}
	queue := []*Group{g}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, id := range cur.Members {
			key := strings.ToLower(id)
			if seen[key] {
				continue
			}
			seen[key] = true
			var item map[string]any
			if u := c.m.t.users[key]; u != nil {
				j, err := userJSON(c, u)
				if err != nil {
					return reply{}, err
				}
				j["@odata.type"] = "#microsoft.graph.user"
				item = j
			} else if sub := c.m.t.group(id); sub != nil {
				item = map[string]any{"@odata.type": "#microsoft.graph.group", "id": sub.ID, "displayName": sub.DisplayName}
				queue = append(queue, sub)
			}
			if item != nil && (keep == "" || item["@odata.type"] == keep) {
				items = append(items, item)
			}
		}
	}
	eventual := strings.EqualFold(c.r.Header.Get("ConsistencyLevel"), "eventual")
	if strings.EqualFold(path.Base(c.r.URL.Path), "$count") {
		if !eventual {
			return reply{}, &graphError{Status: http.StatusBadRequest, Code: codeRequestBadRequest, Message: "$count is not currently supported."}
		}
		return reply{status: http.StatusOK, raw: []byte(strconv.Itoa(len(items))), contentType: "text/plain"}, nil
	}
	rep, err := page(c, c.root()+"/$metadata#directoryObjects", items)
	if body, isMap := rep.body.(map[string]any); isMap && eventual && strings.EqualFold(c.r.URL.Query().Get("$count"), "true") {
		body["@odata.count"] = len(items)
	}
	return rep, err
}

// userJSON is a user of a collection, projected onto the request's $select.
func userJSON(c *call, u *User) (map[string]any, error) {
	return selectUser(u, c.r.URL.Query().Get("$select"))
}

// page answers one page of items, by $top and $skiptoken, with a nextLink when more follow.
func page(c *call, context string, items []map[string]any) (reply, error) {
	q := c.r.URL.Query()
	size := defaultPageSize
	if s := q.Get("$top"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPageSize {
			return reply{}, badRequest("Invalid page size specified: '%s'. Must be between 1 and %d inclusive.", s, maxPageSize)
		}
		size = n
	}
	skip := 0
	if s := q.Get("$skiptoken"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return reply{}, badRequest("Invalid $skiptoken.")
		}
		skip = n
	}
	skip = min(skip, len(items))
	end := min(skip+size, len(items))
	body := map[string]any{"@odata.context": context, "value": append([]map[string]any{}, items[skip:end]...)}
	if end < len(items) {
		q.Set("$skiptoken", strconv.Itoa(end))
		body["@odata.nextLink"] = c.base + c.r.URL.Path + "?" + q.Encode()
	}
	return ok(body), nil
}

// AddGroup adds a security group; Members are ids of users or of other groups (nested).
func (m *Mock) AddGroup(g Group) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if g.ID == "" || m.t.group(g.ID) != nil {
		return badRequest("Group id %q is empty or taken.", g.ID)
	}
	for _, id := range g.Members {
		if m.t.user(id) == nil && m.t.group(id) == nil {
			return badRequest("Member %q is neither a user nor a group.", id)
		}
		if g.IsAssignableToRole && m.t.group(id) != nil { // entra-docs .../groups-concept.md: no nesting
			return badRequest("Group %q is role-assignable: it cannot hold group %q.", g.ID, id)
		}
	}
	g.Members = append([]string{}, g.Members...)
	m.t.groups[strings.ToLower(g.ID)] = &g
	m.t.groupOrder = append(m.t.groupOrder, g.ID)
	m.commitLocked()
	return nil
}
