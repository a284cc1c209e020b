package graphmock

// Graph v1.0: the handlers, which run with Mock.mu held (see Mock.run), after admit.go has
// admitted the request.

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// root is the Graph service root of the request's version: https://HOST/v1.0 or https://HOST/beta.
func (c *call) root() string {
	if strings.HasPrefix(strings.ToLower(c.r.URL.Path), "/beta/") {
		return c.base + "/beta"
	}
	return c.base + "/v1.0"
}

// lagged consumes one replication-lag read of an object (m.mu held) and reports whether
// this read must answer 404.
func (c *call) lagged(key string) bool {
	if c.outOfBand {
		return false
	}
	n := c.m.lag[key]
	if n <= 0 {
		return false
	}
	if n == 1 {
		delete(c.m.lag, key)
	} else {
		c.m.lag[key] = n - 1
	}
	return true
}

// findUser resolves the {user} segment (id or UPN) and applies replication lag (m.mu held).
func (c *call) findUser() (*User, error) {
	ref := c.params["user"]
	u := c.m.t.user(ref)
	if u == nil || c.lagged("user:"+u.ID) {
		return nil, notFound(ref)
	}
	return u, nil
}

// --- policy ---

type policyBody struct {
	Context string `json:"@odata.context"`
	Type    string `json:"@odata.type"`
	ID      string `json:"id"`
	// IncludeTargetsContext annotates includeTargets, a navigation property (docs-contrib
	// api-reference/v1.0/api/temporaryaccesspassauthenticationmethodconfiguration-get.md, the response).
	IncludeTargetsContext string `json:"includeTargets@odata.context"`
	Policy
}

func handleGetPolicy(c *call) (reply, error) {
	return ok(policyBody{
		Context:               c.root() + "/$metadata#policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity",
		Type:                  policyODataType,
		ID:                    policyID,
		IncludeTargetsContext: c.root() + "/$metadata#policies/authenticationMethodsPolicy/authenticationMethodConfigurations('" + policyID + "')/microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration/includeTargets",
		Policy:                clonePolicy(c.m.t.policy),
	}), nil
}

func handlePatchPolicy(c *call) (reply, error) {
	patch, gerr := decodePolicyPatch(c.body)
	if gerr != nil {
		return reply{}, gerr
	}
	p := clonePolicy(c.m.t.policy)
	setIf(&p.State, patch.State)
	setIf(&p.DefaultLifetimeInMinutes, patch.DefaultLifetimeInMinutes)
	setIf(&p.MinimumLifetimeInMinutes, patch.MinimumLifetimeInMinutes)
	setIf(&p.MaximumLifetimeInMinutes, patch.MaximumLifetimeInMinutes)
	setIf(&p.DefaultLength, patch.DefaultLength)
	setIf(&p.IsUsableOnce, patch.IsUsableOnce)
	setIf(&p.IncludeTargets, patch.IncludeTargets)
	setIf(&p.ExcludeTargets, patch.ExcludeTargets)
	if gerr := validatePolicy(p, c.m.t); gerr != nil {
		return reply{}, gerr
	}
	notePolicyChange(c.m.t, c.m.t.policy, p)
	c.m.t.policy = p
	c.m.commitLocked()
	return noContent(), nil
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func handleDeletePolicy(c *call) (reply, error) {
	c.m.t.policy = DefaultPolicy()
	c.m.commitLocked()
	return noContent(), nil
}

// --- users and groups ---

func handleGetUser(c *call) (reply, error) {
	body, err := selectUser(c.user, c.r.URL.Query().Get("$select"))
	if err != nil {
		return reply{}, err
	}
	body["@odata.context"] = c.root() + "/$metadata#users/$entity"
	return ok(body), nil
}

func handleGetGroup(c *call) (reply, error) {
	g := c.m.t.group(c.params["group"])
	if g == nil {
		return reply{}, notFound(c.params["group"])
	}
	body := groupJSON(g)
	body["@odata.context"] = c.root() + "/$metadata#groups/$entity"
	return ok(project(body, c.r.URL.Query().Get("$select"))), nil
}

// groupJSON is a group as Graph answers it (the properties the mock models).
func groupJSON(g *Group) map[string]any {
	return map[string]any{
		"id":                 g.ID,
		"displayName":        g.DisplayName,
		"securityEnabled":    true,
		"mailEnabled":        false,
		"isAssignableToRole": g.IsAssignableToRole,
	}
}

// handleMemberOf lists the groups a user is a direct member of (docs-contrib
// api-reference/v1.0/api/user-list-memberof.md: directoryObjects, not transitive).
func handleMemberOf(c *call) (reply, error) {
	items := []map[string]any{}
	for _, id := range c.m.t.groupOrder {
		g := c.m.t.group(id)
		if g == nil || !slices.ContainsFunc(g.Members, func(m string) bool { return strings.EqualFold(m, c.user.ID) }) {
			continue
		}
		j := project(groupJSON(g), c.r.URL.Query().Get("$select"))
		j["@odata.type"] = "#microsoft.graph.group"
		items = append(items, j)
	}
	return page(c, c.root()+"/$metadata#directoryObjects", items)
}

func handleCheckMemberGroups(c *call) (reply, error) {
	ids, gerr := decodeCheckMemberGroups(c.body)
	if gerr != nil {
		return reply{}, gerr
	}
	member := []string{}
	for _, id := range ids {
		if g := c.m.t.group(id); g != nil && c.m.t.isMember(g.ID, c.user.ID) {
			member = append(member, g.ID)
		}
	}
	return ok(map[string]any{
		"@odata.context": c.root() + "/$metadata#Collection(Edm.String)",
		"value":          member,
	}), nil
}

// --- passes ---

// passBody is a pass as Graph answers it.
type passBody struct {
	Context               string  `json:"@odata.context,omitempty"`
	Type                  string  `json:"@odata.type"`
	ID                    string  `json:"id"`
	TemporaryAccessPass   *string `json:"temporaryAccessPass"`
	CreatedDateTime       string  `json:"createdDateTime"`
	StartDateTime         string  `json:"startDateTime"`
	LifetimeInMinutes     int     `json:"lifetimeInMinutes"`
	IsUsableOnce          bool    `json:"isUsableOnce"`
	IsUsable              bool    `json:"isUsable"`
	MethodUsabilityReason string  `json:"methodUsabilityReason"`
}

// passJSON renders a pass (m.mu held); code is nil except in the 201 of its creation.
func (c *call) passJSON(p *Pass, code *string, entity bool) passBody {
	usable, reason := usability(p, c.m.t, c.m.t.now())
	b := passBody{
		Type:                  passODataType,
		ID:                    p.ID,
		TemporaryAccessPass:   code,
		CreatedDateTime:       formatCreated(p.CreatedDateTime),
		StartDateTime:         formatTime(p.StartDateTime),
		LifetimeInMinutes:     p.LifetimeInMinutes,
		IsUsableOnce:          p.IsUsableOnce,
		IsUsable:              usable,
		MethodUsabilityReason: reason,
	}
	if entity {
		b.Context = c.passesContext() + "/$entity"
	}
	return b
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// formatCreated writes a creation time as Graph does, with seven fractional digits
// ("2022-06-02T16:21:09.5893903Z": docs-contrib
// api-reference/v1.0/api/authentication-post-temporaryaccesspassmethods.md, the response).
func formatCreated(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.0000000Z") }

func (c *call) passesContext() string {
	return c.root() + "/$metadata#users('" + url.PathEscape(c.user.ID) + "')/authentication/temporaryAccessPassMethods"
}

func handleCreatePass(c *call) (reply, error) {
	req, gerr := decodePassRequest(c.body)
	if gerr != nil {
		return reply{}, gerr
	}
	p, code, gerr := newPass(c.m.t, c.user, req, uuid.NewString())
	if gerr != nil {
		return reply{}, gerr
	}
	if old := putPass(c.m.t, p); old != nil {
		delete(c.m.lag, "pass:"+old.ID)
	}
	if n := c.m.faults.lagReads(); n > 0 && !c.outOfBand {
		c.m.lag["pass:"+p.ID] = n
	}
	c.m.commitLocked()
	return reply{status: http.StatusCreated, body: c.passJSON(p, &code, true),
		location: c.root() + "/users/" + url.PathEscape(c.user.ID) + "/authentication/temporaryAccessPassMethods/" + p.ID}, nil
}

func handleListPasses(c *call) (reply, error) {
	list := []passBody{}
	if p := c.m.t.passes[strings.ToLower(c.user.ID)]; p != nil {
		list = append(list, c.passJSON(p, nil, false))
	}
	return ok(map[string]any{"@odata.context": c.passesContext(), "value": list}), nil
}

func passNotFound(id string) *graphError {
	return &graphError{Status: http.StatusNotFound, Code: codeItemNotFound,
		Message: fmt.Sprintf("The Temporary Access Pass method '%s' was not found.", id)}
}

func handleGetPass(c *call) (reply, error) {
	id := c.params["pass"]
	p := c.m.t.passByID(c.user.ID, id)
	if p == nil || c.lagged("pass:"+p.ID) {
		return reply{}, passNotFound(id)
	}
	return ok(c.passJSON(p, nil, true)), nil
}

func handleDeletePass(c *call) (reply, error) {
	id := c.params["pass"]
	p := c.m.t.passByID(c.user.ID, id)
	if p == nil {
		return reply{}, passNotFound(id)
	}
	delete(c.m.t.passes, strings.ToLower(c.user.ID))
	delete(c.m.lag, "pass:"+p.ID)
	c.m.commitLocked()
	return noContent(), nil
}
