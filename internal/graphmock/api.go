package graphmock

// The Go equivalents of the /_mock/ controls, for in-process tests.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// HeldAfterCommit receives once for each committed write whose answer the holdAfterCommitMs
// fault holds, as it is held: a test waits on it instead of polling the tenant.
func (m *Mock) HeldAfterCommit() <-chan struct{} { return m.held }

// SetFaults replaces the whole fault setting (the zero Faults turns every fault off).
// It panics on an invalid setting, as a test helper should.
func (m *Mock) SetFaults(f Faults) {
	if msg := f.validate(); msg != "" {
		panic("graphmock: SetFaults: " + msg)
	}
	m.faults.replace(f)
}

// Faults returns the fault setting.
func (m *Mock) Faults() Faults { return m.faults.get() }

// AdvanceClock moves the tenant clock (passes' validity, never token expiry) forward by d.
func (m *Mock) AdvanceClock(d time.Duration) {
	_ = m.advanceClock(d)
}

// MaxClockOffset bounds the tenant clock's distance from wall time: far
// beyond any pass lifetime, far below where time.Duration overflows.
const MaxClockOffset = 100 * 365 * 24 * time.Hour

// advanceClock moves the clock unless that would take it more than
// MaxClockOffset from wall time (or overflow): then it refuses, unchanged.
func (m *Mock) advanceClock(d time.Duration) *graphError {
	m.mu.Lock()
	defer m.mu.Unlock()
	next := m.t.clockOffset + d
	if d > MaxClockOffset || d < -MaxClockOffset || next > MaxClockOffset || next < -MaxClockOffset {
		return badRequest("Cannot move the clock by %s: it would end more than %s from wall time.", d, MaxClockOffset)
	}
	m.t.clockOffset = next
	m.commitLocked()
	return nil
}

// Now is the tenant clock.
func (m *Mock) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.t.now()
}

// SignIn signs user (id or UPN) in with a pass code now. It returns nil on success (a one-time
// pass becomes OneTimeUsed) or a *SignInError whose Reason says why not.
func (m *Mock) SignIn(user, code string) error {
	if _, err := m.signIn(user, code); err != nil {
		return err // a *SignInError; never a typed nil
	}
	return nil
}

func (m *Mock) signIn(user, code string) (User, *SignInError) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, err := signIn(m.t, user, code)
	if err != nil {
		return User{}, err
	}
	m.t.passSignIns[strings.ToLower(u.ID)] = m.t.now() // opens the registration window (Register)
	m.commitLocked()                                   // a one-time pass is now used
	return *u, nil
}

// NewUser is a user to add (POST /_mock/users).
type NewUser struct {
	ID                string   `json:"id,omitempty"` // "": a new GUID
	UserPrincipalName string   `json:"userPrincipalName"`
	DisplayName       string   `json:"displayName,omitempty"`  // "": the UPN's local part
	UserType          string   `json:"userType,omitempty"`     // "": Member
	CreationType      string   `json:"creationType,omitempty"` // "Invitation": an external guest
	ExternalUserState string   `json:"externalUserState,omitempty"`
	Groups            []string `json:"groups,omitempty"`  // ids of existing groups to join
	Roles             []string `json:"roles,omitempty"`   // directory roles, by name or template id
	Methods           []Method `json:"methods,omitempty"` // registered methods (createdDateTime zero: now)
}

// AddUser adds a user. With replicationLagReads set, its first reads through Graph answer 404.
func (m *Mock) AddUser(nu NewUser) (User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if nu.UserPrincipalName == "" {
		return User{}, badRequest("The property 'userPrincipalName' is required.")
	}
	for _, g := range nu.Groups {
		if m.t.group(g) == nil {
			return User{}, badRequest("Group '%s' does not exist.", g)
		}
	}
	u := User{ID: nu.ID, UserPrincipalName: nu.UserPrincipalName, DisplayName: nu.DisplayName, UserType: nu.UserType,
		CreationType: nu.CreationType, ExternalUserState: nu.ExternalUserState, Roles: nu.Roles, Methods: nu.Methods}
	if u.ID == "" {
		u.ID = uuid.NewString()
	}
	if u.DisplayName == "" {
		u.DisplayName, _, _ = strings.Cut(u.UserPrincipalName, "@")
	}
	if err := m.t.addUser(u); err != nil {
		return User{}, badRequest("Cannot add the user: %v.", err)
	}
	for _, g := range nu.Groups {
		grp := m.t.group(g)
		grp.Members = append(grp.Members, u.ID)
		m.t.joinedAt[strings.ToLower(u.ID)] = m.t.now() // the replication window, see policyScopeRefusal
	}
	if n := m.faults.lagReads(); n > 0 {
		m.lag["user:"+u.ID] = n
	}
	m.commitLocked()
	return *m.t.users[strings.ToLower(u.ID)], nil
}

// AddGroupMember puts a user (id or UPN) into a group: a user who joins a targeted group
// starts the replication window of the policy-scope setting (see policyScopeRefusal).
func (m *Mock) AddGroupMember(groupID, user string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	g := m.t.group(groupID)
	if g == nil {
		return &graphError{Status: http.StatusNotFound, Code: codeNotFound, Message: fmt.Sprintf("Group '%s' does not exist.", groupID)}
	}
	u := m.t.user(user)
	if u == nil {
		return &graphError{Status: http.StatusNotFound, Code: codeNotFound, Message: fmt.Sprintf("User '%s' does not exist.", user)}
	}
	for _, id := range g.Members {
		if strings.EqualFold(id, u.ID) {
			return nil
		}
	}
	g.Members = append(g.Members, u.ID)
	m.t.joinedAt[strings.ToLower(u.ID)] = m.t.now()
	m.commitLocked()
	return nil
}

// Snapshot returns the tenant as /_mock/state shows it (passes without codes).
func (m *Mock) Snapshot() State {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.t
	seed := t.seed()
	return State{TenantID: t.id, Now: formatTime(t.now()), Policy: clonePolicy(t.policy),
		Users: append([]User{}, seed.Users...), Groups: append([]Group{}, seed.Groups...), Passes: t.passList(false)}
}

// Requests returns the request log (oldest first).
func (m *Mock) Requests() []RequestLogEntry { return m.log.list() }

// ResetRequests empties the request log.
func (m *Mock) ResetRequests() { m.log.reset() }

// GraphRequest runs a /v1.0 request (path with or without the "/v1.0" prefix) through the real
// routing and handlers with every permission, bypassing tokens, faults, replication lag and
// the request log: for out-of-band changes in tests. body is nil, []byte, a string, or a value
// marshalled to JSON.
func (m *Mock) GraphRequest(method, path string, body any) (status int, respBody []byte) {
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			panic(fmt.Sprintf("graphmock: GraphRequest body: %v", err))
		}
	}
	if !strings.HasPrefix(path, "/v1.0/") {
		path = "/v1.0/" + strings.TrimPrefix(path, "/")
	}
	u, err := url.Parse(path)
	if err != nil {
		return http.StatusBadRequest, nil
	}
	r, err := http.NewRequest(method, m.baseURL()+u.RequestURI(), bytes.NewReader(raw))
	if err != nil {
		return http.StatusBadRequest, nil
	}
	all := map[string]bool{}
	for _, rt := range graphRoutes {
		for _, p := range rt.perms {
			all[p] = true
		}
	}
	rec := httptest.NewRecorder()
	rec.Header().Set("request-id", uuid.NewString())
	c := &call{m: m, w: rec, r: r, body: raw, base: m.baseURL(), entry: &RequestLogEntry{}, outOfBand: true,
		principal: &principal{clientID: AdminClientID, roles: all}}
	m.dispatch(c, graphArea)
	return rec.Code, rec.Body.Bytes()
}

// MintFederatedToken signs a token from the mock OIDC issuer (https://HOST/_mock/oidc), as a
// CI system would issue one; ttl 0 means 10 minutes.
func (m *Mock) MintFederatedToken(subject, audience string, ttl time.Duration) (string, error) {
	return m.mintFederatedToken(m.baseURL(), subject, audience, ttl)
}

func (m *Mock) mintFederatedToken(base, subject, audience string, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		ttl = 10 * time.Minute
	}
	if audience == "" {
		audience = FederatedAudience
	}
	now := time.Now()
	return m.oidc.sign(jwt.MapClaims{
		"iss": base + "/_mock/oidc",
		"sub": subject,
		"aud": audience,
		"jti": uuid.NewString(),
		"iat": now.Unix(),
		"nbf": now.Unix(),
		"exp": now.Add(ttl).Unix(),
	})
}

// MintAccessToken signs an access token for a registered app (audience Microsoft Graph), as a
// fake `az account get-access-token` would return.
func (m *Mock) MintAccessToken(clientID string) (token string, expires time.Time, err error) {
	m.mu.Lock()
	a := m.t.app(clientID)
	var app App
	if a != nil {
		app = *a
	}
	m.mu.Unlock()
	if a == nil {
		return "", time.Time{}, fmt.Errorf("graphmock: no app with client id %q", clientID)
	}
	return m.mintAccessToken(app, "https://graph.microsoft.com")
}

// AdminCertificatePEM returns the admin app's generated certificate and its private key (PKCS#8).
func (m *Mock) AdminCertificatePEM() (certPEM, keyPEM []byte) {
	return append([]byte{}, m.adminCert.certPEM...), append([]byte{}, m.adminCert.keyPEM...)
}

// AdminCertificatePFX returns the admin app's certificate and key as PKCS#12, protected by
// CertificatePassword (3DES: readable by azidentity.ParseCertificates).
func (m *Mock) AdminCertificatePFX() []byte { return append([]byte{}, m.adminCert.pfx...) }
