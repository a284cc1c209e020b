package graph

import (
	"context"
	"errors"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

const (
	// Least-privileged first (Microsoft's permission tables): a security team grants the TAP-only ones.
	permPassRead  = "UserAuthMethod-TAP.Read.All (or UserAuthMethod-TAP.ReadWrite.All, UserAuthenticationMethod.Read.All, UserAuthenticationMethod.ReadWrite.All)"
	permPassWrite = "UserAuthMethod-TAP.ReadWrite.All (or UserAuthenticationMethod.ReadWrite.All)"
)

// Usability reasons Graph reports for a pass.
const (
	ReasonEnabledByPolicy  = "EnabledByPolicy"
	ReasonDisabledByPolicy = "DisabledByPolicy"
	ReasonExpired          = "Expired"
	ReasonNotYetValid      = "NotYetValid"
	ReasonOneTimeUsed      = "OneTimeUsed"
)

// Pass is a user's Temporary Access Pass.
type Pass struct {
	ID                    string
	UserID                string
	Code                  string // only set by CreatePass: Graph never returns it again
	CreatedDateTime       time.Time
	StartDateTime         time.Time
	LifetimeInMinutes     int32
	IsUsableOnce          bool
	IsUsable              bool
	MethodUsabilityReason string
}

// ExpirationDateTime is when the pass stops working.
func (p *Pass) ExpirationDateTime() time.Time {
	return p.StartDateTime.Add(time.Duration(p.LifetimeInMinutes) * time.Minute)
}

// Live reports whether the pass can still be used now or later (as opposed
// to expired or used up), i.e. whether replacing it would take something away.
func (p *Pass) Live() bool {
	switch p.MethodUsabilityReason {
	case ReasonExpired, ReasonOneTimeUsed:
		return false
	}
	return true
}

// NewPass is what a create may set; nil leaves it to the policy.
type NewPass struct {
	StartDateTime     *time.Time
	LifetimeInMinutes *int32
	IsUsableOnce      *bool
}

// CreatePass issues a pass for the user. Graph replaces any pass the user
// had. A user that Graph does not know yet (just created, replicating) is
// waited for until ctx ends. A create whose answer is lost in transit is sent
// again: since a user holds one pass and a new one replaces the old, the
// retry leaves exactly one pass, the one whose code we hold.
func (c *Client) CreatePass(ctx context.Context, userID string, in NewPass) (*Pass, error) {
	return c.createPass(ctx, userID, in, retryOn{transport: true, notFound: true})
}

// CreatePassAfterPolicyChange is CreatePass that also waits out, until ctx
// ends, Graph refusing the pass for the policy's scope (IsPolicyRefused): for
// a user the policy does target, whose change Graph has not replicated yet.
func (c *Client) CreatePassAfterPolicyChange(ctx context.Context, userID string, in NewPass) (*Pass, error) {
	return c.createPass(ctx, userID, in, retryOn{transport: true, notFound: true, policyRefused: true})
}

func (c *Client) createPass(ctx context.Context, userID string, in NewPass, on retryOn) (*Pass, error) {
	op := "create a Temporary Access Pass for user " + userID
	var out *Pass
	err := c.retry(ctx, on, func() error {
		body := models.NewTemporaryAccessPassAuthenticationMethod()
		body.SetStartDateTime(in.StartDateTime)
		body.SetLifetimeInMinutes(in.LifetimeInMinutes)
		body.SetIsUsableOnce(in.IsUsableOnce)
		res, err := c.tapMethods(userID).Post(ctx, body, nil)
		if err != nil {
			return c.classifyCall(op, permPassWrite, err)
		}
		out = flattenPass(userID, res)
		return nil
	})
	return out, c.explainPassDenied(ctx, err, userID, true)
}

// YoungPassAge is how long after its creation a pass may not be readable everywhere yet
// (Graph replicates): a 404 for a younger one is waited out.
const YoungPassAge = 2 * time.Minute

// GetPass reads one pass. For a pass created at created (Graph's createdDateTime; zero for
// one of unknown age), a 404 is waited out for Config.YoungPassGrace at most while the pass is
// younger than YoungPassAge by Graph's own clock: the 404's Date header, never this machine's
// clock, which may be minutes or hours off (this machine's clock only when Graph sends none).
func (c *Client) GetPass(ctx context.Context, userID, passID string, created time.Time) (*Pass, error) {
	op := "read Temporary Access Pass " + passID + " of user " + userID
	var out *Pass
	young := func(err error) bool { return passYoungAt(err, created) }
	err := c.retry(ctx, retryOn{transport: true, notFoundIf: young, grace: c.cfg.YoungPassGrace}, func() error {
		res, err := c.tapMethod(userID, passID).Get(ctx, nil)
		if err != nil {
			return c.classifyCall(op, permPassRead, err)
		}
		out = flattenPass(userID, res)
		return nil
	})
	return out, c.explainPassDenied(ctx, err, userID, false)
}

// passYoungAt reports whether a pass created at created is still replicating when Graph
// answered err.
func passYoungAt(err error, created time.Time) bool {
	if created.IsZero() {
		return false
	}
	now, earliest := time.Now(), -YoungPassAge // this machine's clock: allow skew either way
	var ge *Error
	if errors.As(err, &ge) && !ge.Date.IsZero() {
		now, earliest = ge.Date, -time.Second // Graph's: a second for the Date header's resolution
	}
	age := now.Sub(created)
	return age > earliest && age < YoungPassAge
}

// ListPasses lists the user's passes (at most one in practice).
func (c *Client) ListPasses(ctx context.Context, userID string) ([]*Pass, error) {
	var out []*Pass
	err := c.retry(ctx, retryOn{transport: true}, func() error {
		res, err := c.tapMethods(userID).Get(ctx, nil)
		if err != nil {
			return c.classifyCall("list the Temporary Access Passes of user "+userID, permPassRead, err)
		}
		out = out[:0]
		for _, m := range res.GetValue() {
			out = append(out, flattenPass(userID, m))
		}
		return nil
	})
	return out, c.explainPassDenied(ctx, err, userID, false)
}

// LookupPasses is ListPasses for a plan-time check, which also proves the
// user exists: a 404 is waited out for Config.ReplicationGrace at most, as
// LookupUser does.
func (c *Client) LookupPasses(ctx context.Context, userID string) ([]*Pass, error) {
	var out []*Pass
	err := c.retry(ctx, retryOn{notFound: true, server: true, grace: c.cfg.ReplicationGrace}, func() error {
		p, err := c.ListPasses(ctx, userID)
		out = p
		return err
	})
	return out, err
}

// DeletePass deletes a pass; a pass that is already gone counts as deleted.
func (c *Client) DeletePass(ctx context.Context, userID, passID string) error {
	err := c.retry(ctx, retryOn{transport: true}, func() error {
		err := c.tapMethod(userID, passID).Delete(ctx, nil)
		return c.classifyCall("delete Temporary Access Pass "+passID+" of user "+userID, permPassWrite, err)
	})
	if IsNotFound(err) {
		return nil
	}
	return c.explainPassDenied(ctx, err, userID, true)
}

func flattenPass(userID string, m models.TemporaryAccessPassAuthenticationMethodable) *Pass {
	p := &Pass{
		ID:                    deref(m.GetId()),
		UserID:                userID,
		Code:                  deref(m.GetTemporaryAccessPass()),
		CreatedDateTime:       deref(m.GetCreatedDateTime()).UTC(),
		StartDateTime:         deref(m.GetStartDateTime()).UTC(),
		LifetimeInMinutes:     deref(m.GetLifetimeInMinutes()),
		IsUsableOnce:          deref(m.GetIsUsableOnce()),
		IsUsable:              deref(m.GetIsUsable()),
		MethodUsabilityReason: deref(m.GetMethodUsabilityReason()),
	}
	if p.StartDateTime.IsZero() {
		p.StartDateTime = p.CreatedDateTime
	}
	return p
}
