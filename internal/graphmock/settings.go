package graphmock

// Tenant settings that choose between behaviours Graph is reported to have: GET/POST
// /_mock/settings, Mock.SetSettings, the seed's fields and graphmock's flags.

import (
	"fmt"
	"time"
)

// The policy-scope settings (see policyScopeRefusal in rules.go).
const (
	// PolicyScopeRefuse: a pass for a user the policy does not let sign in with one (policy
	// disabled, user not included or excluded) is refused with a 400. The default.
	PolicyScopeRefuse = "refuse"
	// PolicyScopeAllow: such a pass is created and reads DisabledByPolicy.
	PolicyScopeAllow = "allow"
)

// The missing-group-target settings (see validateTarget in rules.go).
const (
	// MissingGroupKeep: a policy target naming a group that does not exist (deleted) is
	// accepted and kept, as Graph is reported to do (Microsoft365DSC#5420). The default.
	MissingGroupKeep = "keep"
	// MissingGroupRefuse: such a target is a 400.
	MissingGroupRefuse = "refuse"
)

// Settings are the tenant's behaviour switches.
type Settings struct {
	// MissingGroupTargets is MissingGroupKeep ("" too) or MissingGroupRefuse.
	MissingGroupTargets string `json:"missingGroupTargets,omitempty"`
	// PolicyScope is PolicyScopeRefuse ("" too) or PolicyScopeAllow.
	PolicyScope string `json:"policyScope"`
	// PolicyReplicationSeconds: under PolicyScopeRefuse, a create for a targeted user is still
	// refused this long (tenant clock) after the policy was enabled or its targets changed, or
	// after the user joined a group. 0: no window.
	PolicyReplicationSeconds float64 `json:"policyReplicationSeconds"`
}

func (s Settings) validate() string {
	switch s.PolicyScope {
	case "", PolicyScopeRefuse, PolicyScopeAllow:
	default:
		return fmt.Sprintf("policyScope must be %q or %q, got %q", PolicyScopeRefuse, PolicyScopeAllow, s.PolicyScope)
	}
	switch s.MissingGroupTargets {
	case "", MissingGroupKeep, MissingGroupRefuse:
	default:
		return fmt.Sprintf("missingGroupTargets must be %q or %q, got %q", MissingGroupKeep, MissingGroupRefuse, s.MissingGroupTargets)
	}
	if s.PolicyReplicationSeconds < 0 || s.PolicyReplicationSeconds > 24*3600 {
		return fmt.Sprintf("policyReplicationSeconds must be between 0 and 86400, got %v", s.PolicyReplicationSeconds)
	}
	return ""
}

// Validate reports an invalid setting.
func (s Settings) Validate() error {
	if msg := s.validate(); msg != "" {
		return fmt.Errorf("%s", msg)
	}
	return nil
}

func (s Settings) normal() Settings {
	if s.PolicyScope == "" {
		s.PolicyScope = PolicyScopeRefuse
	}
	if s.MissingGroupTargets == "" {
		s.MissingGroupTargets = MissingGroupKeep
	}
	return s
}

func (s Settings) replicationWindow() time.Duration {
	return time.Duration(s.PolicyReplicationSeconds * float64(time.Second))
}

// SetSettings replaces the tenant's settings; it panics on an invalid one, as a test helper should.
// Reset restores the seed's.
func (m *Mock) SetSettings(s Settings) {
	if msg := s.validate(); msg != "" {
		panic("graphmock: SetSettings: " + msg)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.t.settings = s.normal()
	m.commitLocked()
}

// Settings returns the tenant's settings.
func (m *Mock) Settings() Settings {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.t.settings
}

// Control handlers run without the mock's lock: these take it through the methods above.

func handleGetSettings(c *call) (reply, error) { return ok(c.m.Settings()), nil }

// handleSetSettings merges the fields given into the settings (POST {"policyScope":"allow"}).
func handleSetSettings(c *call) (reply, error) {
	var req struct {
		PolicyScope              *string  `json:"policyScope"`
		PolicyReplicationSeconds *float64 `json:"policyReplicationSeconds"`
	}
	if gerr := decodeJSON(c.body, &req); gerr != nil {
		return reply{}, gerr
	}
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	s := c.m.t.settings
	setIf(&s.PolicyScope, req.PolicyScope)
	setIf(&s.PolicyReplicationSeconds, req.PolicyReplicationSeconds)
	if msg := s.validate(); msg != "" {
		return reply{}, badRequest("%s.", msg)
	}
	c.m.t.settings = s.normal()
	c.m.commitLocked()
	return ok(c.m.t.settings), nil
}

// handleAddGroup adds a group (POST /_mock/groups {"id","displayName","members":[ids],
// "isAssignableToRole":true}): 201 with the group. Go: AddGroup.
func handleAddGroup(c *call) (reply, error) {
	var g Group
	if gerr := decodeJSON(c.body, &g); gerr != nil {
		return reply{}, gerr
	}
	if err := c.m.AddGroup(g); err != nil {
		return reply{}, err
	}
	return reply{status: 201, body: g}, nil
}

// handleAddGroupMember is POST /_mock/groups/{group}/members {"id": "<user id or UPN>"}.
func handleAddGroupMember(c *call) (reply, error) {
	var req struct {
		ID *string `json:"id"`
	}
	if gerr := decodeJSON(c.body, &req); gerr != nil {
		return reply{}, gerr
	}
	if req.ID == nil || *req.ID == "" {
		return reply{}, badRequest("The property 'id' (a user id or userPrincipalName) is required.")
	}
	if err := c.m.AddGroupMember(c.params["group"], *req.ID); err != nil {
		return reply{}, err
	}
	return noContent(), nil
}
