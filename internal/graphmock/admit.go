package graphmock

// What comes before routing a Graph request (see Mock.run): latency, injected faults and the
// bearer token, whose tenant, audience and expiry are checked and whose roles make the principal.

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
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
	// Only a token whose client declared it handles claims challenges (xms_cc cp1) is
	// challenged (entra-docs docs/identity-platform/app-resilience-continuous-access-evaluation.md).
	if !revoked && p.caeCapable && !p.claimsSatisfied && m.faults.claimsChallenge() {
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
	caeCapable      bool   // the token's xms_cc holds cp1: its client handles claims challenges
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
	if caps, ok := claims["xms_cc"].([]any); ok {
		for _, cp := range caps {
			p.caeCapable = p.caeCapable || strings.EqualFold(fmt.Sprint(cp), "cp1")
		}
	}
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
