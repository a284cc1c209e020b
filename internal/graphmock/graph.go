package graphmock

// Graph v1.0: what comes before routing (latency, injected faults, bearer token) and the
// handlers, which run with Mock.mu held (see Mock.run).

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

// admit applies what comes before routing a Graph request: latency and injected faults, then
// the bearer token, whose roles become c.principal.
func (m *Mock) admit(c *call) error {
	if d := m.faults.latency(); d > 0 && !inBatch(c.r) {
		select {
		case <-time.After(d):
		case <-c.r.Context().Done():
			return errClientGone
		}
	}
	if e := m.faults.injected(); e != nil {
		c.entry.Fault = "injected"
		return e
	}
	p, gerr := m.authenticate(c)
	if gerr != nil {
		return gerr
	}
	m.mu.Lock()
	revoked := m.revoked[p.tokenID]
	if !revoked && !p.claimsSatisfied && m.faults.claimsChallenge() {
		m.revoked[p.tokenID], revoked = true, true
	}
	m.mu.Unlock()
	if revoked {
		c.entry.Fault = "claimsChallenge"
		return claimsChallenge(time.Now())
	}
	c.principal = p
	return m.chargeQuota(c)
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

// principal is who a Graph request runs as: an app with the roles of its token, or (delegated)
// a signed-in user with the scopes (scp) of its token in roles.
type principal struct {
	tokenID         string // the token's uti
	claimsSatisfied bool   // minted in answer to a claims challenge
	clientID        string
	roles           map[string]bool
	delegated       bool
	userID          string // the signed-in user's object id (oid), when delegated
}

// hasAny reports whether the roles satisfy one of perms; an entry "A+B" needs A and B.
func (p *principal) hasAny(perms []string) bool {
	for _, need := range perms {
		all := true
		for _, r := range strings.Split(need, "+") {
			all = all && p.roles[r]
		}
		if all {
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
	p.tokenID, _ = claims["uti"].(string)
	p.claimsSatisfied, _ = claims["xms_claims_satisfied"].(bool)
	if roles, ok := claims["roles"].([]any); ok {
		for _, r := range roles {
			if s, ok := r.(string); ok {
				p.roles[s] = true
			}
		}
	}
	if scp, ok := claims["scp"].(string); ok {
		p.delegated = true
		p.userID, _ = claims["oid"].(string)
		for _, s := range strings.Fields(scp) {
			p.roles[s] = true
		}
	}
	return p, nil
}

// graphAudienceID is Microsoft Graph's application id, also a valid audience.
const graphAudienceID = "00000003-0000-0000-c000-000000000000"

// audienceAllowed accepts Microsoft Graph's audiences and the mock's own base
// URL as configured (Start/SetBaseURL), never one taken from the request's
// Host header: a spoofed Host must not get a token for itself.
func (m *Mock) audienceAllowed(aud, _ string) bool {
	aud = strings.TrimSuffix(strings.TrimSuffix(aud, "/.default"), "/")
	for _, ok := range []string{"https://graph.microsoft.com", graphAudienceID, m.baseURL()} {
		if strings.EqualFold(aud, ok) {
			return true
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.audiences[strings.ToLower(aud)]
}

// AllowAudience accepts baseURL as a token audience too: for a proxy of the
// mock's own in front of it (tests that hold or count requests there).
func (m *Mock) AllowAudience(baseURL string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.audiences == nil {
		m.audiences = map[string]bool{}
	}
	m.audiences[strings.ToLower(strings.TrimSuffix(baseURL, "/"))] = true
}

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
	Policy
}

func handleGetPolicy(c *call) (reply, error) {
	return ok(policyBody{
		Context: c.root() + "/$metadata#policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity",
		Type:    policyODataType,
		ID:      policyID,
		Policy:  clonePolicy(c.m.t.policy),
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
	return ok(project(map[string]any{
		"@odata.context":  c.root() + "/$metadata#groups/$entity",
		"id":              g.ID,
		"displayName":     g.DisplayName,
		"securityEnabled": true,
		"mailEnabled":     false,
	}, c.r.URL.Query().Get("$select"))), nil
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
		CreatedDateTime:       formatTime(p.CreatedDateTime),
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
