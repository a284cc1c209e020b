package graphmock

// Graph v1.0: the request pipeline (latency, injected faults, bearer token, route,
// permission, handler, drop-after-commit) and the handlers.

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

func (m *Mock) serveGraph(c *call) {
	if d := m.faults.latency(); d > 0 {
		select {
		case <-time.After(d):
		case <-c.r.Context().Done():
			return
		}
	}
	if e := m.faults.injected(); e != nil {
		c.entry.Fault = "injected"
		writeGraphError(c.w, e)
		return
	}
	p, gerr := m.authenticate(c)
	if gerr != nil {
		writeGraphError(c.w, gerr)
		return
	}
	c.principal = p
	out := c.w
	buf := newBufferedWriter(out.Header())
	rt := m.dispatchGraph(c, buf)
	if rt != nil && rt.write && buf.status < 300 && m.faults.dropAfterCommit() {
		c.entry.Status, c.entry.Fault = buf.status, "dropAfterCommit"
		dropConnection(out)
		return
	}
	buf.flushTo(out)
}

// dropConnection closes the client's connection with no answer: hijacked and closed on
// HTTP/1.1; on HTTP/2 (no hijacking) the handler aborts, which resets the stream.
func dropConnection(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}

// dispatchGraph routes an authenticated Graph request, checks its permission and runs it,
// writing the answer to w. It returns the route (nil: none matched).
func (m *Mock) dispatchGraph(c *call, w http.ResponseWriter) *route {
	c.w = w
	rt, params, pathKnown := match(graphRoutes, c.r.Method, c.r.URL)
	if rt == nil {
		if pathKnown {
			writeGraphError(w, &graphError{Status: http.StatusMethodNotAllowed, Code: codeMethodNotAllowed,
				Message: fmt.Sprintf("The HTTP method '%s' is not allowed on '%s'.", c.r.Method, c.r.URL.Path)})
			return nil
		}
		segs, _ := splitPath(c.r.URL.EscapedPath())
		writeGraphError(w, badRequest("Resource not found for the segment '%s'.", segs[len(segs)-1]))
		return nil
	}
	if !c.principal.hasAny(rt.perms) {
		msg := "Request Authorization failed. Missing permission: " + rt.perms[0]
		if len(rt.perms) > 1 {
			msg += " (or " + strings.Join(rt.perms[1:], ", ") + ")"
		}
		writeGraphError(w, &graphError{Status: http.StatusForbidden, Code: codeAccessDenied, Message: msg})
		return rt
	}
	c.params = params
	rt.handle(c)
	return rt
}

// principal is the app a Graph request runs as, with the roles of its token.
type principal struct {
	clientID string
	roles    map[string]bool
}

func (p *principal) hasAny(perms []string) bool {
	for _, r := range perms {
		if p.roles[r] {
			return true
		}
	}
	return false
}

// authenticate checks the bearer token: signature (the mock's key), expiry (wall time),
// tenant and audience. Its roles claim is what the request may do.
func (m *Mock) authenticate(c *call) (*principal, *graphError) {
	h := c.r.Header.Get("Authorization")
	scheme, token, _ := strings.Cut(h, " ")
	if h == "" || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return nil, unauthorized("Access token is empty.")
	}
	claims, err := m.tokens.parse(strings.TrimSpace(token))
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return nil, unauthorized("Lifetime validation failed, the token is expired.")
		}
		return nil, unauthorized("Access token validation failure. Invalid signature or malformed token.")
	}
	m.mu.Lock()
	tid := m.t.id
	m.mu.Unlock()
	if s, _ := claims["tid"].(string); !strings.EqualFold(s, tid) {
		return nil, unauthorized("Access token validation failure. The token is for another tenant.")
	}
	aud, _ := claims["aud"].(string)
	if !m.audienceAllowed(aud, c.base) {
		return nil, unauthorized("Access token validation failure. Invalid audience.")
	}
	p := &principal{roles: map[string]bool{}}
	p.clientID, _ = claims["appid"].(string)
	if roles, ok := claims["roles"].([]any); ok {
		for _, r := range roles {
			if s, ok := r.(string); ok {
				p.roles[s] = true
			}
		}
	}
	return p, nil
}

// graphAudienceID is Microsoft Graph's application id, also a valid audience.
const graphAudienceID = "00000003-0000-0000-c000-000000000000"

// audienceAllowed accepts Microsoft Graph's audiences and the mock's own base URL.
func (m *Mock) audienceAllowed(aud, requestBase string) bool {
	aud = strings.TrimSuffix(strings.TrimSuffix(aud, "/.default"), "/")
	for _, ok := range []string{"https://graph.microsoft.com", graphAudienceID, requestBase, m.baseURL()} {
		if strings.EqualFold(aud, ok) {
			return true
		}
	}
	return false
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
func (c *call) findUser() (*User, *graphError) {
	ref := c.params["user"]
	u := c.m.t.user(ref)
	if u == nil || c.lagged("user:"+u.ID) {
		return nil, notFound(ref)
	}
	return u, nil
}

// --- policy ---

type policyBody struct {
	Context                  string          `json:"@odata.context"`
	Type                     string          `json:"@odata.type"`
	ID                       string          `json:"id"`
	State                    string          `json:"state"`
	DefaultLifetimeInMinutes int             `json:"defaultLifetimeInMinutes"`
	DefaultLength            int             `json:"defaultLength"`
	MinimumLifetimeInMinutes int             `json:"minimumLifetimeInMinutes"`
	MaximumLifetimeInMinutes int             `json:"maximumLifetimeInMinutes"`
	IsUsableOnce             bool            `json:"isUsableOnce"`
	IncludeTargets           []IncludeTarget `json:"includeTargets"`
	ExcludeTargets           []ExcludeTarget `json:"excludeTargets"`
}

func handleGetPolicy(c *call) {
	c.m.mu.Lock()
	p := clonePolicy(c.m.t.policy)
	c.m.mu.Unlock()
	writeJSON(c.w, http.StatusOK, policyBody{
		Context:                  c.base + "/v1.0/$metadata#policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity",
		Type:                     policyODataType,
		ID:                       policyID,
		State:                    p.State,
		DefaultLifetimeInMinutes: p.DefaultLifetimeInMinutes,
		DefaultLength:            p.DefaultLength,
		MinimumLifetimeInMinutes: p.MinimumLifetimeInMinutes,
		MaximumLifetimeInMinutes: p.MaximumLifetimeInMinutes,
		IsUsableOnce:             p.IsUsableOnce,
		IncludeTargets:           p.IncludeTargets,
		ExcludeTargets:           p.ExcludeTargets,
	})
}

func handlePatchPolicy(c *call) {
	patch, gerr := decodePolicyPatch(c.body)
	if gerr != nil {
		writeGraphError(c.w, gerr)
		return
	}
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
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
		writeGraphError(c.w, gerr)
		return
	}
	c.m.t.policy = p
	c.m.commitLocked()
	c.w.WriteHeader(http.StatusNoContent)
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func handleDeletePolicy(c *call) {
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	c.m.t.policy = DefaultPolicy()
	c.m.commitLocked()
	c.w.WriteHeader(http.StatusNoContent)
}

// --- users and groups ---

func handleGetUser(c *call) {
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	u, gerr := c.findUser()
	if gerr != nil {
		writeGraphError(c.w, gerr)
		return
	}
	writeJSON(c.w, http.StatusOK, map[string]any{
		"@odata.context":    c.base + "/v1.0/$metadata#users/$entity",
		"id":                u.ID,
		"userPrincipalName": u.UserPrincipalName,
		"displayName":       u.DisplayName,
		"userType":          u.UserType,
	})
}

func handleGetGroup(c *call) {
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	g := c.m.t.group(c.params["group"])
	if g == nil {
		writeGraphError(c.w, notFound(c.params["group"]))
		return
	}
	writeJSON(c.w, http.StatusOK, map[string]any{
		"@odata.context":  c.base + "/v1.0/$metadata#groups/$entity",
		"id":              g.ID,
		"displayName":     g.DisplayName,
		"securityEnabled": true,
		"mailEnabled":     false,
	})
}

func handleCheckMemberGroups(c *call) {
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	u, gerr := c.findUser()
	if gerr != nil {
		writeGraphError(c.w, gerr)
		return
	}
	ids, gerr := decodeCheckMemberGroups(c.body)
	if gerr != nil {
		writeGraphError(c.w, gerr)
		return
	}
	member := []string{}
	for _, id := range ids {
		if g := c.m.t.group(id); g != nil && c.m.t.isMember(g.ID, u.ID) {
			member = append(member, g.ID)
		}
	}
	writeJSON(c.w, http.StatusOK, map[string]any{
		"@odata.context": c.base + "/v1.0/$metadata#Collection(Edm.String)",
		"value":          member,
	})
}

// --- passes ---

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
func passJSON(p *storedPass, t *tenant, code *string) passBody {
	usable, reason := usability(p, t, t.now())
	return passBody{
		Type:                  passODataType,
		ID:                    p.ID,
		TemporaryAccessPass:   code,
		CreatedDateTime:       formatTime(p.CreatedDateTime),
		StartDateTime:         formatTime(p.StartDateTime),
		LifetimeInMinutes:     p.LifetimeInMinutes,
		IsUsableOnce:          p.IsUsableOnce,
		IsUsable:              usable,
		MethodUsabilityReason: reason,
	}
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func passesContext(base, userID string) string {
	return base + "/v1.0/$metadata#users('" + url.PathEscape(userID) + "')/authentication/temporaryAccessPassMethods"
}

func handleCreatePass(c *call) {
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	u, gerr := c.findUser()
	if gerr != nil {
		writeGraphError(c.w, gerr)
		return
	}
	req, gerr := decodePassRequest(c.body)
	if gerr != nil {
		writeGraphError(c.w, gerr)
		return
	}
	p, code, gerr := newPass(c.m.t, u, req, uuid.NewString())
	if gerr != nil {
		writeGraphError(c.w, gerr)
		return
	}
	if old := c.m.t.passes[strings.ToLower(u.ID)]; old != nil {
		delete(c.m.lag, "pass:"+old.ID)
	}
	// One pass per user: the new one replaces the old, whose id then answers 404.
	c.m.t.passes[strings.ToLower(u.ID)] = p
	if n := c.m.faults.lagReads(); n > 0 && !c.outOfBand {
		c.m.lag["pass:"+p.ID] = n
	}
	c.m.commitLocked()
	body := passJSON(p, c.m.t, &code)
	body.Context = passesContext(c.base, u.ID) + "/$entity"
	c.w.Header().Set("Location", c.base+"/v1.0/users/"+url.PathEscape(u.ID)+"/authentication/temporaryAccessPassMethods/"+p.ID)
	writeJSON(c.w, http.StatusCreated, body)
}

func handleListPasses(c *call) {
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	u, gerr := c.findUser()
	if gerr != nil {
		writeGraphError(c.w, gerr)
		return
	}
	list := []passBody{}
	if p := c.m.t.passes[strings.ToLower(u.ID)]; p != nil {
		list = append(list, passJSON(p, c.m.t, nil))
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"@odata.context": passesContext(c.base, u.ID), "value": list})
}

func passNotFound(id string) *graphError {
	return &graphError{Status: http.StatusNotFound, Code: codeItemNotFound,
		Message: fmt.Sprintf("The Temporary Access Pass method '%s' was not found.", id)}
}

func handleGetPass(c *call) {
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	u, gerr := c.findUser()
	if gerr != nil {
		writeGraphError(c.w, gerr)
		return
	}
	id := c.params["pass"]
	p := c.m.t.passByID(u.ID, id)
	if p == nil || c.lagged("pass:"+p.ID) {
		writeGraphError(c.w, passNotFound(id))
		return
	}
	body := passJSON(p, c.m.t, nil)
	body.Context = passesContext(c.base, u.ID) + "/$entity"
	writeJSON(c.w, http.StatusOK, body)
}

func handleDeletePass(c *call) {
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	u, gerr := c.findUser()
	if gerr != nil {
		writeGraphError(c.w, gerr)
		return
	}
	id := c.params["pass"]
	p := c.m.t.passByID(u.ID, id)
	if p == nil {
		writeGraphError(c.w, passNotFound(id))
		return
	}
	delete(c.m.t.passes, strings.ToLower(u.ID))
	delete(c.m.lag, "pass:"+p.ID)
	c.m.commitLocked()
	c.w.WriteHeader(http.StatusNoContent)
}
