package provider

// What the objects of one configured provider share during one Terraform walk.
//
// Terraform starts a provider process for each walk (validate, plan, apply) and configures
// it once per provider block; Configure makes one runState, so two provider blocks (aliases)
// share nothing, and nothing outlives the process. Lifetimes, field by field:
//
//   - planned, written: the policy as this run leaves it, from an entratap_policy's plan
//     (the plan walk) or its apply (the apply walk, which plans each resource again).
//   - lists: a user's passes as a plan-time check read them, taken once by the create that
//     follows within passListTTL (the apply walk plans a resource moments before creating it).
//   - locks: one create per user at a time, for the whole process.
//   - claims: the users new passes are planned for in this walk, by an entratap_pass, an
//     entry of an entratap_passes or an ephemeral entratap_pass: two for one user is an error.
//   - strong: the provider's strong_methods, set by Configure and only read after.

import (
	"strings"
	"sync"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

type runState struct {
	mu      sync.Mutex
	planned *plannedPolicy // nil: no entratap_policy planned in this process
	// written: this process wrote the policy (an apply), so a refusal that
	// follows is Graph replicating the change.
	written bool
	lists   map[string]passList    // by lower-case user object id
	locks   map[string]*sync.Mutex // by lower-case user object id
	claims  map[string]string      // lower-case user object id -> the object that plans its pass
	strong  []string               // nil: defaultStrongMethods; empty: the finish line is off
}

func newRunState() *runState { return &runState{} }

// strongMethods are the methods that finish onboarding (finish_line.go).
func (r *runState) strongMethods() []string {
	if r == nil || r.strong == nil {
		return defaultStrongMethods
	}
	return r.strong
}

type passList struct {
	passes []*graph.Pass
	at     time.Time
}

// passListTTL bounds how old a list a create may take: the apply-time
// plan of a resource runs moments before its create.
const passListTTL = 30 * time.Second

func (r *runState) rememberList(userID string, passes []*graph.Pass) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lists == nil {
		r.lists = map[string]passList{}
	}
	r.lists[strings.ToLower(userID)] = passList{passes: passes, at: time.Now()}
}

// takeList returns, once, a list rememberList stored less than passListTTL ago.
func (r *runState) takeList(userID string) ([]*graph.Pass, bool) {
	if r == nil {
		return nil, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	key := strings.ToLower(userID)
	l, ok := r.lists[key]
	delete(r.lists, key)
	if !ok || time.Since(l.at) > passListTTL {
		return nil, false
	}
	return l.passes, true
}

// lockUser serialises the list-then-create of a user's pass: Graph keeps one pass per user,
// so two creates for one user at once would both succeed and one silently replace the other.
func (r *runState) lockUser(objectID string) func() {
	if r == nil {
		return func() {}
	}
	r.mu.Lock()
	if r.locks == nil {
		r.locks = map[string]*sync.Mutex{}
	}
	key := strings.ToLower(objectID)
	mu, ok := r.locks[key]
	if !ok {
		mu = &sync.Mutex{}
		r.locks[key] = mu
	}
	r.mu.Unlock()
	mu.Lock()
	return mu.Unlock
}

// claimUser registers that owner plans a new pass for the user, and returns the owner that
// claimed the user before, if any.
func (r *runState) claimUser(objectID, owner string) (other string, dup bool) {
	if r == nil {
		return "", false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.claims == nil {
		r.claims = map[string]string{}
	}
	key := strings.ToLower(objectID)
	if prev, ok := r.claims[key]; ok {
		return prev, true
	}
	r.claims[key] = owner
	return "", false
}

// releaseUser ends owner's claim on the user (an ephemeral pass closed).
func (r *runState) releaseUser(objectID, owner string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if key := strings.ToLower(objectID); r.claims[key] == owner {
		delete(r.claims, key)
	}
}

// plannedPolicy is the policy an entratap_policy plans; nil fields are unknown at plan time.
type plannedPolicy struct {
	Enabled                  *bool
	MinimumLifetimeInMinutes *int32
	MaximumLifetimeInMinutes *int32
	IsUsableOnce             *bool
	IncludeTargets           []graph.Target // nil with targetsKnown false: unknown
	ExcludeTargets           []graph.Target
	targetsKnown             bool
}

func (r *runState) record(p *plannedPolicy) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.planned = p
}

func (r *runState) markWritten() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.written = true
}

// snapshot returns the planned policy (nil if none) and whether this process wrote the policy.
func (r *runState) snapshot() (*plannedPolicy, bool) {
	if r == nil {
		return nil, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.planned, r.written
}

// effectivePolicy is the policy a new pass will meet: the live one with the
// run's planned values laid over it.
type effectivePolicy struct {
	graph.Policy
	planned      bool // an entratap_policy of this run set some of it
	targetsKnown bool // false: the planned targets are unknown until apply
}

func (r *runState) effective(live *graph.Policy) effectivePolicy {
	eff := effectivePolicy{Policy: *live, targetsKnown: true}
	p, _ := r.snapshot()
	if p == nil {
		return eff
	}
	eff.planned = true
	set32 := func(dst *int32, v *int32) {
		if v != nil {
			*dst = *v
		}
	}
	setBool := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	setBool(&eff.Enabled, p.Enabled)
	set32(&eff.MinimumLifetimeInMinutes, p.MinimumLifetimeInMinutes)
	set32(&eff.MaximumLifetimeInMinutes, p.MaximumLifetimeInMinutes)
	setBool(&eff.IsUsableOnce, p.IsUsableOnce)
	if p.targetsKnown {
		eff.IncludeTargets, eff.ExcludeTargets = p.IncludeTargets, p.ExcludeTargets
	} else {
		eff.targetsKnown = false
	}
	return eff
}
