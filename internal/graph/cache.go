package graph

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// A provider process lives for one Terraform command. Within it, the
// plan-time checks of N passes would read the same policy N times and each
// user at plan and again at create; these caches make that once.
//
// Who uses them: GetPolicyCached (plan-time checks) answers from the policy
// cache; GetPolicy (drift detection) always reads afresh but stores what it
// read. GetUser always answers from the user cache when it can.
const (
	userCacheTTL   = 2 * time.Minute
	policyCacheTTL = time.Minute
)

type cache struct {
	mu sync.Mutex
	// policyVersion moves before and after every policy write. A read
	// stores its result only if the version did not move while it was in
	// flight: a GET that overlapped a PATCH may hold the old policy.
	policyVersion uint64
	policy        *Policy
	policyAt      time.Time
	users         map[string]cachedUser

	// policyReads shares one GET among concurrent GetPolicyCached misses.
	policyReads singleflight.Group
	// joined, when set (tests), is called once a GetPolicyCached miss has
	// joined (or started) the shared read.
	joined func()
}

type cachedUser struct {
	user User
	at   time.Time
}

// GetPolicyCached is GetPolicy, answered from memory when the policy was
// read by this process less than a minute ago and not written since.
// Concurrent misses share one GET. For plan-time checks only: drift
// detection must read afresh (GetPolicy).
func (c *Client) GetPolicyCached(ctx context.Context) (*Policy, error) {
	c.cache.mu.Lock()
	if c.cache.policy != nil && time.Since(c.cache.policyAt) < policyCacheTTL {
		p := clonePolicy(c.cache.policy)
		c.cache.mu.Unlock()
		return p, nil
	}
	version := c.cache.policyVersion
	c.cache.mu.Unlock()
	// Keyed by version: a caller that comes after a write does not join a
	// read that started before it.
	ch := c.cache.policyReads.DoChan(strconv.FormatUint(version, 10), func() (any, error) {
		return c.GetPolicy(ctx)
	})
	if c.cache.joined != nil {
		c.cache.joined()
	}
	select {
	case <-ctx.Done():
		return nil, &Error{Kind: ctxKind(ctx.Err()), Op: "read the Temporary Access Pass policy", Err: ctx.Err()}
	case res := <-ch:
		if res.Err != nil {
			if k := kindOf(res.Err); (k == KindCanceled || k == KindTimeout) && ctx.Err() == nil {
				// The context that ended was the one of the caller who started
				// the shared read, not ours.
				return c.GetPolicy(ctx)
			}
			return nil, res.Err
		}
		return clonePolicy(res.Val.(*Policy)), nil
	}
}

// policyVersionNow is the version a read must find unchanged to store its result.
func (c *Client) policyVersionNow() uint64 {
	c.cache.mu.Lock()
	defer c.cache.mu.Unlock()
	return c.cache.policyVersion
}

// rememberPolicy stores p, read when the version was version, unless a
// write has started since.
func (c *Client) rememberPolicy(version uint64, p *Policy) {
	c.cache.mu.Lock()
	defer c.cache.mu.Unlock()
	if c.cache.policyVersion != version {
		return
	}
	c.cache.policy, c.cache.policyAt = clonePolicy(p), time.Now()
}

// writingPolicy is called before and after a policy write: it moves the
// version and drops the cached policy, so that no read in flight across the
// write can store what it read.
func (c *Client) writingPolicy() {
	c.cache.mu.Lock()
	defer c.cache.mu.Unlock()
	c.cache.policyVersion++
	c.cache.policy = nil
}

func clonePolicy(p *Policy) *Policy {
	if p == nil {
		return nil
	}
	out := *p
	out.IncludeTargets = append([]Target(nil), p.IncludeTargets...)
	out.ExcludeTargets = append([]Target(nil), p.ExcludeTargets...)
	return &out
}

func (c *Client) cachedUser(idOrUPN string) (*User, bool) {
	c.cache.mu.Lock()
	defer c.cache.mu.Unlock()
	cu, ok := c.cache.users[strings.ToLower(idOrUPN)]
	if !ok || time.Since(cu.at) > userCacheTTL {
		return nil, false
	}
	u := cu.user
	return &u, true
}

func (c *Client) rememberUser(idOrUPN string, u *User) {
	c.cache.mu.Lock()
	defer c.cache.mu.Unlock()
	if c.cache.users == nil {
		c.cache.users = map[string]cachedUser{}
	}
	now := time.Now()
	c.cache.users[strings.ToLower(idOrUPN)] = cachedUser{user: *u, at: now}
	c.cache.users[strings.ToLower(u.ID)] = cachedUser{user: *u, at: now}
}
