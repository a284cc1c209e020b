package graph

import (
	"context"
	"strings"
	"sync"
	"time"
)

// A provider process lives for one Terraform command. Within it, the
// plan-time checks of N passes would read the same policy N times and each
// user at plan and again at create; these caches make that once. Resource
// reads (drift detection) never use them.
const (
	userCacheTTL   = 2 * time.Minute
	policyCacheTTL = time.Minute
)

type cache struct {
	mu       sync.Mutex
	policy   *Policy
	policyAt time.Time
	users    map[string]cachedUser
}

type cachedUser struct {
	user User
	at   time.Time
}

// GetPolicyCached is GetPolicy, answered from memory when the policy was
// read (or written) by this process less than a minute ago. For plan-time
// checks only: drift detection must read afresh.
func (c *Client) GetPolicyCached(ctx context.Context) (*Policy, error) {
	c.cache.mu.Lock()
	if c.cache.policy != nil && time.Since(c.cache.policyAt) < policyCacheTTL {
		p := clonePolicy(c.cache.policy)
		c.cache.mu.Unlock()
		return p, nil
	}
	c.cache.mu.Unlock()
	return c.GetPolicy(ctx)
}

func (c *Client) rememberPolicy(p *Policy) {
	c.cache.mu.Lock()
	defer c.cache.mu.Unlock()
	c.cache.policy, c.cache.policyAt = clonePolicy(p), time.Now()
}

func (c *Client) forgetPolicy() {
	c.cache.mu.Lock()
	defer c.cache.mu.Unlock()
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
