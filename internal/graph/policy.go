package graph

import (
	"context"
	"strings"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

const (
	permPolicyRead  = "Policy.Read.AuthenticationMethod (or Policy.ReadWrite.AuthenticationMethod, Policy.Read.All)"
	permPolicyWrite = "Policy.ReadWrite.AuthenticationMethod"
	policyID        = "TemporaryAccessPass"
	tapConfigType   = "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration"
)

// AllUsers is the include target id that means everyone in the tenant.
const AllUsers = "all_users"

// Target is an include or exclude target of the policy.
type Target struct {
	ID                     string
	TargetType             string // "user" or "group"
	IsRegistrationRequired bool   // include targets only
}

// Policy is the tenant's Temporary Access Pass authentication method policy.
type Policy struct {
	Enabled                  bool
	DefaultLifetimeInMinutes int32
	MinimumLifetimeInMinutes int32
	MaximumLifetimeInMinutes int32
	DefaultLength            int32
	IsUsableOnce             bool
	IncludeTargets           []Target
	ExcludeTargets           []Target
}

// DefaultPolicy is what a tenant that never touched the policy has, and what
// ResetPolicy returns it to.
func DefaultPolicy() Policy {
	return Policy{
		Enabled:                  false,
		DefaultLifetimeInMinutes: 60,
		MinimumLifetimeInMinutes: 60,
		MaximumLifetimeInMinutes: 480,
		DefaultLength:            8,
		IncludeTargets:           []Target{{ID: AllUsers, TargetType: "group"}},
	}
}

// PolicyUpdate holds the fields to change; nil means unchanged.
type PolicyUpdate struct {
	Enabled                  *bool
	DefaultLifetimeInMinutes *int32
	MinimumLifetimeInMinutes *int32
	MaximumLifetimeInMinutes *int32
	DefaultLength            *int32
	IsUsableOnce             *bool
	IncludeTargets           *[]Target
	ExcludeTargets           *[]Target
}

// GetPolicy reads the Temporary Access Pass policy from Graph, never from
// the cache, and stores what it read for GetPolicyCached unless a write
// overlapped the read.
func (c *Client) GetPolicy(ctx context.Context) (*Policy, error) {
	const op = "read the Temporary Access Pass policy"
	var out *Policy
	version := c.policyVersionNow()
	err := c.retry(ctx, retryOn{transport: true}, func() error {
		res, err := c.tapPolicy().Get(ctx, nil)
		if err != nil {
			return c.classifyCall(op, permPolicyRead, err)
		}
		tap, ok := res.(models.TemporaryAccessPassAuthenticationMethodConfigurationable)
		if !ok {
			return &Error{Kind: KindUnknown, Op: op, Message: "Graph answered with a configuration that is not a Temporary Access Pass configuration (no @odata.type " + tapConfigType + ")"}
		}
		out = flattenPolicy(tap)
		return nil
	})
	if err == nil {
		c.rememberPolicy(version, out)
	}
	return out, c.explainPolicyDenied(ctx, err, false)
}

// UpdatePolicy PATCHes the fields set in u.
func (c *Client) UpdatePolicy(ctx context.Context, u PolicyUpdate) error {
	body := models.NewTemporaryAccessPassAuthenticationMethodConfiguration()
	odataType := tapConfigType
	body.SetOdataType(&odataType)
	if u.Enabled != nil {
		state := models.DISABLED_AUTHENTICATIONMETHODSTATE
		if *u.Enabled {
			state = models.ENABLED_AUTHENTICATIONMETHODSTATE
		}
		body.SetState(&state)
	}
	body.SetDefaultLifetimeInMinutes(u.DefaultLifetimeInMinutes)
	body.SetMinimumLifetimeInMinutes(u.MinimumLifetimeInMinutes)
	body.SetMaximumLifetimeInMinutes(u.MaximumLifetimeInMinutes)
	body.SetDefaultLength(u.DefaultLength)
	body.SetIsUsableOnce(u.IsUsableOnce)
	if u.IncludeTargets != nil {
		body.SetIncludeTargets(expandIncludeTargets(*u.IncludeTargets))
	}
	if u.ExcludeTargets != nil {
		body.SetExcludeTargets(expandExcludeTargets(*u.ExcludeTargets))
	}
	c.writingPolicy()
	defer c.writingPolicy()
	err := c.retry(ctx, retryOn{transport: true}, func() error {
		_, err := c.tapPolicy().Patch(ctx, body, nil)
		return c.classifyCall("update the Temporary Access Pass policy", permPolicyWrite, err)
	})
	return c.explainPolicyDenied(ctx, err, true)
}

// ResetPolicy DELETEs the configuration, which puts Microsoft's defaults back.
func (c *Client) ResetPolicy(ctx context.Context) error {
	c.writingPolicy()
	defer c.writingPolicy()
	err := c.retry(ctx, retryOn{transport: true}, func() error {
		err := c.tapPolicy().Delete(ctx, nil)
		return c.classifyCall("reset the Temporary Access Pass policy to Microsoft's defaults", permPolicyWrite, err)
	})
	return c.explainPolicyDenied(ctx, err, true)
}

func flattenPolicy(m models.TemporaryAccessPassAuthenticationMethodConfigurationable) *Policy {
	p := &Policy{
		Enabled:                  m.GetState() != nil && *m.GetState() == models.ENABLED_AUTHENTICATIONMETHODSTATE,
		DefaultLifetimeInMinutes: deref(m.GetDefaultLifetimeInMinutes()),
		MinimumLifetimeInMinutes: deref(m.GetMinimumLifetimeInMinutes()),
		MaximumLifetimeInMinutes: deref(m.GetMaximumLifetimeInMinutes()),
		DefaultLength:            deref(m.GetDefaultLength()),
		IsUsableOnce:             deref(m.GetIsUsableOnce()),
		IncludeTargets:           []Target{},
		ExcludeTargets:           []Target{},
	}
	for _, t := range m.GetIncludeTargets() {
		tt := ""
		if t.GetTargetType() != nil {
			tt = t.GetTargetType().String()
		}
		p.IncludeTargets = append(p.IncludeTargets, Target{ID: deref(t.GetId()), TargetType: strings.ToLower(tt), IsRegistrationRequired: deref(t.GetIsRegistrationRequired())})
	}
	for _, t := range m.GetExcludeTargets() {
		tt := ""
		if t.GetTargetType() != nil {
			tt = t.GetTargetType().String()
		}
		p.ExcludeTargets = append(p.ExcludeTargets, Target{ID: deref(t.GetId()), TargetType: strings.ToLower(tt)})
	}
	return p
}

func targetType(s string) *models.AuthenticationMethodTargetType {
	t := models.USER_AUTHENTICATIONMETHODTARGETTYPE
	if strings.EqualFold(s, "group") {
		t = models.GROUP_AUTHENTICATIONMETHODTARGETTYPE
	}
	return &t
}

func expandIncludeTargets(ts []Target) []models.AuthenticationMethodTargetable {
	out := make([]models.AuthenticationMethodTargetable, 0, len(ts))
	for _, t := range ts {
		m := models.NewAuthenticationMethodTarget()
		id, reg := t.ID, t.IsRegistrationRequired
		m.SetId(&id)
		m.SetTargetType(targetType(t.TargetType))
		m.SetIsRegistrationRequired(&reg)
		out = append(out, m)
	}
	return out
}

func expandExcludeTargets(ts []Target) []models.ExcludeTargetable {
	out := make([]models.ExcludeTargetable, 0, len(ts))
	for _, t := range ts {
		m := models.NewExcludeTarget()
		id := t.ID
		m.SetId(&id)
		m.SetTargetType(targetType(t.TargetType))
		out = append(out, m)
	}
	return out
}
