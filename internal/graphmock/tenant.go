package graphmock

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Seed is a whole tenant: what --seed reads (JSON) and what Options.Seed sets.
// The state file (--state) holds the same fields plus the passes and the clock offset.
type Seed struct {
	TenantID string  `json:"tenantId"`
	Domain   string  `json:"domain"`
	Apps     []App   `json:"apps"`
	Users    []User  `json:"users"`
	Groups   []Group `json:"groups"`
	// Policy is the TAP policy; nil means Graph's defaults (DefaultPolicy).
	Policy *Policy `json:"policy,omitempty"`
	// PolicyScope is what a create of a pass for a user the policy does not let sign in
	// with one meets: PolicyScopeRefuse ("" too, the default) or PolicyScopeAllow. See rules.go.
	PolicyScope string `json:"policyScope,omitempty"`
	// PolicyReplicationSeconds: under PolicyScopeRefuse, creates stay refused this long (on the
	// tenant clock) after the policy is enabled or retargeted, or the user joins a group. 0: none.
	PolicyReplicationSeconds float64 `json:"policyReplicationSeconds,omitempty"`
}

// App is an application (service principal) that can sign in with client credentials.
type App struct {
	ClientID    string `json:"clientId"`
	DisplayName string `json:"displayName"`
	// Secrets are the client secrets the token endpoint accepts.
	Secrets []string `json:"secrets,omitempty"`
	// Certificates are PEM certificates whose keys may sign client assertions.
	Certificates []string `json:"certificates,omitempty"`
	// UseGeneratedCertificate registers the certificate the mock generates at start
	// (AdminCertificatePEM/AdminCertificatePFX); it is new on every start.
	UseGeneratedCertificate bool                  `json:"useGeneratedCertificate,omitempty"`
	FederatedCredentials    []FederatedCredential `json:"federatedCredentials,omitempty"`
	// ManagedIdentity makes the app the identity behind /_mock/msi/token; it has no secret.
	ManagedIdentity bool `json:"managedIdentity,omitempty"`
	// Roles are the application permissions granted to the app (Graph app roles).
	Roles []string `json:"roles"`
}

// FederatedCredential trusts tokens from an external issuer for an app.
// Issuer MockOIDCIssuer stands for this mock's own OIDC issuer (https://HOST/_mock/oidc),
// whatever host and port it runs on; it is the only issuer whose tokens the mock can verify.
type FederatedCredential struct {
	Issuer    string   `json:"issuer"`
	Subject   string   `json:"subject"`
	Audiences []string `json:"audiences"`
}

// User is a directory user as /_mock/state shows it.
type User struct {
	ID                string `json:"id"`
	UserPrincipalName string `json:"userPrincipalName"`
	DisplayName       string `json:"displayName"`
	// UserType is "Member" or "Guest". A Guest is external (no pass can be added) when it was
	// invited (CreationType "Invitation") or has an ExternalUserState; else it is internal.
	UserType          string `json:"userType"`
	CreationType      string `json:"creationType,omitempty"`
	ExternalUserState string `json:"externalUserState,omitempty"`
	// Roles are the user's directory roles, by name (RoleGlobalReader, ...) or template id.
	Roles []string `json:"roles,omitempty"`
	// Methods are the user's registered authentication methods (methods.go).
	Methods []Method `json:"methods,omitempty"`
}

const creationInvitation = "Invitation"

// externalGuest is how Graph tells a B2B guest from an internal one (Entra TAP how-to, "Guest access").
func (u *User) externalGuest() bool {
	return u.UserType == userTypeGuest && (u.ExternalUserState != "" || strings.EqualFold(u.CreationType, creationInvitation))
}

// Group is a security group; Members are user ids.
type Group struct {
	ID          string   `json:"id"`
	DisplayName string   `json:"displayName"`
	Members     []string `json:"members"`
	// IsAssignableToRole: a role-assignable group (Graph's group.isAssignableToRole); its
	// members are out of an Authentication Administrator's reach (rules.go).
	IsAssignableToRole bool `json:"isAssignableToRole,omitempty"`
}

// Policy is the tenant's Temporary Access Pass policy (Graph's
// temporaryAccessPassAuthenticationMethodConfiguration without the annotations).
type Policy struct {
	State                    string          `json:"state"`
	DefaultLifetimeInMinutes int             `json:"defaultLifetimeInMinutes"`
	MinimumLifetimeInMinutes int             `json:"minimumLifetimeInMinutes"`
	MaximumLifetimeInMinutes int             `json:"maximumLifetimeInMinutes"`
	DefaultLength            int             `json:"defaultLength"`
	IsUsableOnce             bool            `json:"isUsableOnce"`
	IncludeTargets           []IncludeTarget `json:"includeTargets"`
	ExcludeTargets           []ExcludeTarget `json:"excludeTargets"`
}

// IncludeTarget is an authenticationMethodTarget.
type IncludeTarget struct {
	ID                     string `json:"id"`
	TargetType             string `json:"targetType"`
	IsRegistrationRequired bool   `json:"isRegistrationRequired"`
}

// ExcludeTarget is an excludeTarget.
type ExcludeTarget struct {
	ID         string `json:"id"`
	TargetType string `json:"targetType"`
}

// Pass is a Temporary Access Pass: as the tenant keeps it, as the state file stores it, and
// as /_mock/state shows it (Snapshot, with the code's salt and hash left out). Its code is
// only in the 201 answer of its creation.
type Pass struct {
	ID                string    `json:"id"`
	UserID            string    `json:"userId"`
	CreatedDateTime   time.Time `json:"createdDateTime"`
	StartDateTime     time.Time `json:"startDateTime"`
	LifetimeInMinutes int       `json:"lifetimeInMinutes"`
	IsUsableOnce      bool      `json:"isUsableOnce"`
	// IsUsable and MethodUsabilityReason are worked out from the tenant clock when shown.
	IsUsable              bool   `json:"isUsable"`
	MethodUsabilityReason string `json:"methodUsabilityReason"`
	// The tenant's own fields: whether a one-time pass was used, and the code as a salted SHA-256.
	Used     bool   `json:"used,omitempty"`
	CodeSalt string `json:"codeSalt,omitempty"`
	CodeHash string `json:"codeHash,omitempty"`
}

// State is the tenant as /_mock/state answers it.
type State struct {
	TenantID string  `json:"tenantId"`
	Now      string  `json:"now"`
	Policy   Policy  `json:"policy"`
	Users    []User  `json:"users"`
	Groups   []Group `json:"groups"`
	Passes   []Pass  `json:"passes"`
}

func (p *Pass) expires() time.Time {
	return p.StartDateTime.Add(time.Duration(p.LifetimeInMinutes) * time.Minute)
}

// tenant is the in-memory directory. Every access holds Mock.mu.
type tenant struct {
	id          string
	domain      string
	apps        []App
	users       map[string]*User // by lower-case id
	userByUPN   map[string]*User // by lower-case UPN
	userOrder   []string         // ids, in creation order
	groups      map[string]*Group
	groupOrder  []string
	policy      Policy
	passes      map[string]*Pass // by user id: one pass per user
	clockOffset time.Duration
	settings    Settings
	// policyChangedAt (tenant clock) is when the policy was last enabled or retargeted, and
	// joinedAt when each user (by lower-case id) last joined a group: the replication window.
	policyChangedAt time.Time
	joinedAt        map[string]time.Time
	// passSignIns: when each user (by lower-case id) last signed in with a usable pass (tenant
	// clock), which opens the registration window (methods.go). Not persisted: a restart closes it.
	passSignIns map[string]time.Time
}

func newTenant(s Seed) (*tenant, error) {
	t := &tenant{
		id:        s.TenantID,
		domain:    s.Domain,
		apps:      append([]App(nil), s.Apps...),
		users:     map[string]*User{},
		userByUPN: map[string]*User{},
		groups:    map[string]*Group{},
		passes:    map[string]*Pass{},
		policy:    DefaultPolicy(),
		joinedAt:  map[string]time.Time{},

		passSignIns: map[string]time.Time{},
	}
	if t.id == "" {
		return nil, fmt.Errorf("tenantId is empty")
	}
	set := Settings{PolicyScope: s.PolicyScope, PolicyReplicationSeconds: s.PolicyReplicationSeconds}
	if err := set.validate(); err != "" {
		return nil, fmt.Errorf("%s", err)
	}
	t.settings = set.normal()
	for i, a := range t.apps {
		if a.ClientID == "" {
			return nil, fmt.Errorf("apps[%d]: clientId is empty", i)
		}
		for j := range t.apps[:i] {
			if strings.EqualFold(t.apps[j].ClientID, a.ClientID) {
				return nil, fmt.Errorf("apps[%d]: duplicate clientId %q", i, a.ClientID)
			}
		}
	}
	for i := range s.Users {
		if err := t.addUser(s.Users[i]); err != nil {
			return nil, fmt.Errorf("users[%d]: %w", i, err)
		}
	}
	for i, g := range s.Groups {
		if g.ID == "" {
			return nil, fmt.Errorf("groups[%d]: id is empty", i)
		}
		if t.groups[strings.ToLower(g.ID)] != nil {
			return nil, fmt.Errorf("groups[%d]: duplicate id %q", i, g.ID)
		}
		for _, m := range g.Members {
			if t.user(m) == nil && !seedHasGroup(s, m) {
				return nil, fmt.Errorf("groups[%d]: member %q is neither a user nor a group", i, m)
			}
		}
		g.Members = append([]string{}, g.Members...)
		t.groups[strings.ToLower(g.ID)] = &g
		t.groupOrder = append(t.groupOrder, g.ID)
	}
	if s.Policy != nil {
		p := clonePolicy(*s.Policy)
		if err := validatePolicy(p, t); err != nil {
			return nil, fmt.Errorf("policy: %s", err.Message)
		}
		t.policy = p
	}
	return t, nil
}

// addUser adds u after checking its fields.
func (t *tenant) addUser(u User) error {
	if u.ID == "" || u.UserPrincipalName == "" {
		return fmt.Errorf("id and userPrincipalName are required")
	}
	if !strings.Contains(u.UserPrincipalName, "@") {
		return fmt.Errorf("userPrincipalName %q has no domain", u.UserPrincipalName)
	}
	if u.UserType == "" {
		u.UserType = userTypeMember
	}
	if u.UserType != userTypeMember && u.UserType != userTypeGuest {
		return fmt.Errorf("userType must be %q or %q", userTypeMember, userTypeGuest)
	}
	roles, err := normalizeRoles(u.Roles)
	if err != nil {
		return err
	}
	u.Roles = roles
	if u.Methods, err = normalizeMethods(u.Methods, t.now()); err != nil {
		return err
	}
	if t.users[strings.ToLower(u.ID)] != nil {
		return fmt.Errorf("duplicate id %q", u.ID)
	}
	if t.userByUPN[strings.ToLower(u.UserPrincipalName)] != nil {
		return fmt.Errorf("duplicate userPrincipalName %q", u.UserPrincipalName)
	}
	t.users[strings.ToLower(u.ID)] = &u
	t.userByUPN[strings.ToLower(u.UserPrincipalName)] = &u
	t.userOrder = append(t.userOrder, u.ID)
	return nil
}

// user finds a user by id or userPrincipalName, case-insensitively.
func (t *tenant) user(idOrUPN string) *User {
	key := strings.ToLower(idOrUPN)
	if u := t.users[key]; u != nil {
		return u
	}
	return t.userByUPN[key]
}

func (t *tenant) group(id string) *Group { return t.groups[strings.ToLower(id)] }

// isMember answers transitively, as Graph's checkMemberGroups does: members of a nested group count.
// roleAssignableGroupsOf are the role-assignable groups holding userID directly (a
// role-assignable group cannot hold groups: entra-docs docs/identity/role-based-access-control/groups-concept.md).
func (t *tenant) roleAssignableGroupsOf(userID string) []*Group {
	var out []*Group
	for _, id := range t.groupOrder {
		g := t.group(id)
		if g != nil && g.IsAssignableToRole && slices.ContainsFunc(g.Members, func(m string) bool { return strings.EqualFold(m, userID) }) {
			out = append(out, g)
		}
	}
	return out
}

func (t *tenant) isMember(groupID, userID string) bool {
	return t.isMemberVia(groupID, userID, map[string]bool{})
}

func (t *tenant) isMemberVia(groupID, userID string, seen map[string]bool) bool {
	g := t.group(groupID)
	if g == nil || seen[strings.ToLower(g.ID)] {
		return false
	}
	seen[strings.ToLower(g.ID)] = true
	for _, m := range g.Members {
		if strings.EqualFold(m, userID) || t.isMemberVia(m, userID, seen) {
			return true
		}
	}
	return false
}

func seedHasGroup(s Seed, id string) bool {
	for _, g := range s.Groups {
		if strings.EqualFold(g.ID, id) {
			return true
		}
	}
	return false
}

func (t *tenant) app(clientID string) *App {
	for i := range t.apps {
		if strings.EqualFold(t.apps[i].ClientID, clientID) {
			return &t.apps[i]
		}
	}
	return nil
}

// passByID finds a pass of the user by its id.
func (t *tenant) passByID(userID, passID string) *Pass {
	p := t.passes[strings.ToLower(userID)]
	if p == nil || !strings.EqualFold(p.ID, passID) {
		return nil
	}
	return p
}

func (t *tenant) now() time.Time { return time.Now().Add(t.clockOffset).UTC() }

// seed returns the tenant's directory as a Seed (for the state file).
func (t *tenant) seed() Seed {
	s := Seed{TenantID: t.id, Domain: t.domain, Apps: append([]App(nil), t.apps...)}
	for _, id := range t.userOrder {
		s.Users = append(s.Users, *t.users[strings.ToLower(id)])
	}
	for _, id := range t.groupOrder {
		g := *t.groups[strings.ToLower(id)]
		g.Members = append([]string{}, g.Members...)
		s.Groups = append(s.Groups, g)
	}
	p := clonePolicy(t.policy)
	s.Policy = &p
	s.PolicyScope, s.PolicyReplicationSeconds = t.settings.PolicyScope, t.settings.PolicyReplicationSeconds
	return s
}

// passList returns the passes sorted by user id, with their usability now; withCode keeps
// the tenant's own fields (for the state file).
func (t *tenant) passList(withCode bool) []Pass {
	out := make([]Pass, 0, len(t.passes))
	now := t.now()
	for _, p := range t.passes {
		q := *p
		q.IsUsable, q.MethodUsabilityReason = usability(p, t, now)
		if !withCode {
			q.Used, q.CodeSalt, q.CodeHash = false, "", ""
		}
		out = append(out, q)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UserID < out[j].UserID })
	return out
}

func clonePolicy(p Policy) Policy {
	p.IncludeTargets = append([]IncludeTarget{}, p.IncludeTargets...)
	p.ExcludeTargets = append([]ExcludeTarget{}, p.ExcludeTargets...)
	return p
}
