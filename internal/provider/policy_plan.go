package provider

// The Temporary Access Pass policy as this Terraform run will leave it.
//
// Terraform plans a resource after the resources it depends on, and one
// provider process serves a whole plan (and another the whole apply). When
// an entratap_policy is planned, its ModifyPlan records the planned values
// here; the checks of a pass planned after it (resource and ephemeral) then
// use them where known and the live policy elsewhere. A pass that does not
// depend on the policy (no reference, no depends_on) may be planned and
// created before it: it gets the live policy, or the planned one if the
// policy happened to be planned first.

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

// providerData is what the provider hands its resources: the Graph client
// and the run's policy, one per provider process (per configured provider).
type providerData struct {
	client *graph.Client
	run    *runState
}

// runState is shared by every resource of one provider process: the run's
// policy, and the pass lists the checks read for Create to use.
type runState struct {
	mu      sync.Mutex
	planned *plannedPolicy // nil: no entratap_policy planned in this process
	// written: this process wrote the policy (an apply), so a refusal that
	// follows is Graph replicating the change.
	written bool
	// lists: the passes of a user, as the check of a pass about to be
	// created read them (by lower-case user id). During apply, Terraform
	// plans a resource again right before creating it: the create takes
	// that list instead of reading it again.
	lists map[string]passList
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

// planPolicy reads an entratap_policy's planned values; unknown ones stay nil.
func planPolicy(ctx context.Context, m policyModel) (*plannedPolicy, diag.Diagnostics) {
	var diags diag.Diagnostics
	p := &plannedPolicy{}
	if v := m.Enabled; !v.IsUnknown() && !v.IsNull() {
		b := v.ValueBool()
		p.Enabled = &b
	}
	if v := m.IsUsableOnce; !v.IsUnknown() && !v.IsNull() {
		b := v.ValueBool()
		p.IsUsableOnce = &b
	}
	i32 := func(v types.Int64) *int32 {
		if v.IsUnknown() || v.IsNull() {
			return nil
		}
		n := int32(v.ValueInt64())
		return &n
	}
	p.MinimumLifetimeInMinutes = i32(m.MinimumLifetimeInMinutes)
	p.MaximumLifetimeInMinutes = i32(m.MaximumLifetimeInMinutes)
	if fullyKnown(ctx, m.IncludeTargets) && fullyKnown(ctx, m.ExcludeTargets) {
		var d diag.Diagnostics
		p.IncludeTargets, d = expandIncludeTargets(ctx, m.IncludeTargets)
		diags.Append(d...)
		p.ExcludeTargets, d = expandExcludeTargets(ctx, m.ExcludeTargets)
		diags.Append(d...)
		p.targetsKnown = true
	}
	return p, diags
}

// plannedDefaults is the policy a destroyed entratap_policy leaves: Microsoft's defaults.
func plannedDefaults() *plannedPolicy {
	d := graph.DefaultPolicy()
	return &plannedPolicy{Enabled: &d.Enabled, MinimumLifetimeInMinutes: &d.MinimumLifetimeInMinutes, MaximumLifetimeInMinutes: &d.MaximumLifetimeInMinutes,
		IsUsableOnce: &d.IsUsableOnce, IncludeTargets: d.IncludeTargets, ExcludeTargets: d.ExcludeTargets, targetsKnown: true}
}

func fullyKnown(ctx context.Context, s types.List) bool {
	if s.IsNull() {
		return true
	}
	v, err := s.ToTerraformValue(ctx)
	return err == nil && v.IsFullyKnown()
}

// describePolicy names a policy's state and targets, for error messages.
func describePolicy(p graph.Policy) string {
	state := "disabled"
	if p.Enabled {
		state = "enabled"
	}
	list := func(ts []graph.Target) string {
		if len(ts) == 0 {
			return "none"
		}
		var out []string
		for _, t := range ts {
			if t.ID == graph.AllUsers {
				out = append(out, "all users")
				continue
			}
			out = append(out, fmt.Sprintf("%s %s", t.TargetType, t.ID))
		}
		return strings.Join(out, ", ")
	}
	return fmt.Sprintf("state %s, include targets: %s; exclude targets: %s", state, list(p.IncludeTargets), list(p.ExcludeTargets))
}
