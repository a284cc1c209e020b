package provider

// The one plan-time check of a pass about to be issued, for every object that issues one:
// entratap_pass, the ephemeral entratap_pass and each entry of entratap_passes. It is a pure
// function (passCheck.check) over what a run knows: the clock, the policy as the run leaves
// it (run_state.go), the caller, and what Graph said of the pass's user. Gathering that is
// separate: one user at a time for a pass (checkNewPass), through $batch for a wave. Every
// message about a pass's start, lifetime, one-time setting, policy state, targets or the
// caller's roles is written here, once; a passAt names the attribute it points at.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

// passAt is where a pass's settings are written: path.Root for an entratap_pass, or one
// entry of an entratap_passes (waveAt).
type passAt func(setting string) path.Path

// name is how a message names a setting: `lifetime_in_minutes`, `passes["k"].lifetime_in_minutes`.
func (at passAt) name(setting string) string { return at(setting).String() }

// unreachableSummary is the error of a plan that could not reach Graph at all (no token, no
// answer): a check that could not run fails the plan, where one Graph refused only warns.
const unreachableSummary = "Could not check the Temporary Access Pass: Microsoft Graph could not be reached"

// passCheck is what every new pass of one plan is checked against.
type passCheck struct {
	configured bool // false before the provider is configured: only the clock is checked
	now        time.Time
	live       *graph.Policy // nil when it could not be read (policyErr)
	policyErr  error
	pol        effectivePolicy // live with the run's planned policy laid over it
	caller     *graph.Caller   // nil unless a signed-in user (an application's permissions are Graph's to judge)
}

// passSubject is what Graph said of a pass's user.
type passSubject struct {
	user      *graph.User // nil: not known (unknown at plan, or the lookup failed)
	lookupErr error
	roles     []string // the user's directory roles, when needsRoles
	rolesErr  error
	memberOf  map[string]bool // lower-case ids of the policy's groups holding the user, when needsGroups
	memberErr error
}

// newPassCheck reads the policy (cached for the run) and the caller.
func newPassCheck(ctx context.Context, c *graph.Client, run *runState) passCheck {
	pc := passCheck{now: time.Now(), configured: c != nil}
	if c == nil {
		return pc
	}
	pc.live, pc.policyErr = c.GetPolicyCached(ctx)
	if pc.live != nil {
		pc.pol = run.effective(pc.live)
	}
	if caller, err := c.Caller(ctx); err == nil && caller.IsUser() {
		pc.caller = caller // a token failure is reported by the call that needs it
	}
	return pc
}

// needsRoles reports whether the user's directory roles decide whether the caller may issue
// the pass: a signed-in Authentication Administrator covers only users without admin roles.
func (pc passCheck) needsRoles(userRef string, u *graph.User) bool {
	return pc.caller != nil && u != nil && pc.caller.MayWritePasses() && !pc.caller.IsSelf(userRef) && !pc.caller.IsSelf(u.ID) &&
		!pc.caller.HasRole(graph.RolePrivilegedAuthenticationAdministrator, graph.RoleGlobalAdministrator)
}

// groups are the policy's group targets whose membership decides whether it targets a user.
func (pc passCheck) groups() []string {
	if pc.live == nil || !pc.pol.Enabled || !pc.pol.targetsKnown {
		return nil
	}
	return policyGroups(&pc.pol.Policy)
}

func policyGroups(pol *graph.Policy) []string {
	var groups []string
	for _, t := range append(append([]graph.Target{}, pol.IncludeTargets...), pol.ExcludeTargets...) {
		if t.TargetType == "group" && t.ID != graph.AllUsers {
			groups = append(groups, t.ID)
		}
	}
	return groups
}

// gather asks Graph, one user, what check needs: the user, its roles and its groups.
func (pc passCheck) gather(ctx context.Context, c *graph.Client, run *runState, userRef string) passSubject {
	var s passSubject
	if guidRE.MatchString(userRef) {
		// An object id needs no lookup: the list of the user's passes proves the user exists,
		// and the create takes it (rememberList).
		// Requests of a created entratap_pass (make bench: 4.10 a pass at n=100, 3 lists and
		// 1 create, the rest tokens and the policy once a process). This list runs twice:
		//  1. in the plan walk: the plan-time check that the user exists (a wrong id fails the
		//     plan, not the apply). Terraform ends that process, so the list is not reused.
		//  2. in the apply walk, where Terraform plans the resource again moments before Create:
		//     the check again (the user may be gone since the plan), and the list becomes the
		//     create's one-pass-per-user guard (issuePass takes it): the guard costs nothing more.
		// 3. the create; 4. the check after create (issuePass): see there.
		passes, err := c.LookupPasses(ctx, userRef)
		if s.lookupErr = err; err == nil {
			s.user = &graph.User{ID: strings.ToLower(userRef), UserPrincipalName: userRef}
			run.rememberList(s.user.ID, passes)
		}
	} else {
		// Waits out a 404 for graph.Config.ReplicationGrace: Terraform plans again during
		// apply, when a user created in the same apply is known but may not have replicated.
		s.user, s.lookupErr = c.LookupUser(ctx, userRef)
	}
	if pc.needsRoles(userRef, s.user) {
		s.roles, s.rolesErr = c.UserRoles(ctx, s.user.ID)
	}
	if groups := pc.groups(); s.user != nil && len(groups) > 0 {
		ids, err := c.MemberGroups(ctx, s.user.ID, groups)
		s.memberOf, s.memberErr = groupSet(ids), err
	}
	return s
}

func groupSet(ids []string) map[string]bool {
	m := map[string]bool{}
	for _, id := range ids {
		m[strings.ToLower(id)] = true
	}
	return m
}

// checkNewPass checks one pass about to be created (entratap_pass, the ephemeral pass) and
// returns its user when the lookup found it. userMustExist is false when a 404 is left to
// issuePass's wait.
func checkNewPass(ctx context.Context, c *graph.Client, run *runState, in passInputs, userMustExist bool) (*graph.User, diag.Diagnostics) {
	pc := newPassCheck(ctx, c, run)
	var s passSubject
	if pc.configured && !in.UserID.IsNull() && !in.UserID.IsUnknown() {
		s = pc.gather(ctx, c, run, in.UserID.ValueString())
	}
	return s.user, pc.check(in, s, userMustExist, path.Root)
}

// check is the one check of a pass about to be issued. Errors stop the plan before anything
// is created; what only makes the pass unusable is a warning; a failed read turns its check
// into a warning, never a blocked plan.
func (pc passCheck) check(in passInputs, s passSubject, userMustExist bool, at passAt) diag.Diagnostics {
	var diags diag.Diagnostics
	if st := in.StartDateTime; !st.IsNull() && !st.IsUnknown() {
		if t, err := time.Parse(time.RFC3339, st.ValueString()); err == nil && t.Before(pc.now.Add(-passStartSlack)) {
			diags.AddAttributeError(at("start_date_time"), "start_date_time is in the past",
				fmt.Sprintf("%s %s lies in the past (it is now %s). Omit it for a pass usable at once, or set a time in the future.",
					at.name("start_date_time"), st.ValueString(), passTime(pc.now)))
		}
	}
	if !pc.configured {
		return diags // nothing to ask Graph yet
	}
	userKnown := !in.UserID.IsNull() && !in.UserID.IsUnknown()
	if userKnown {
		userRef := in.UserID.ValueString()
		switch err := s.lookupErr; {
		case err == nil:
		case graph.IsNotFound(err) && userMustExist:
			d := graphDiag(userLookupSummary(userRef, err), err)
			// Terraform plans new instances in the refresh before a destroy too: say how to get past.
			diags.AddAttributeError(at("user_id"), d.Summary(), d.Detail()+"\n\nThis pass is only in the configuration (nothing was issued yet): "+
				"correct or remove "+at.name("user_id")+". To destroy what exists meanwhile, run terraform destroy -refresh=false.")
		case graph.IsUnreachable(err):
			// Nothing could be checked: a plan that goes on would pass CI with a broken credential.
			diags.Append(diag.WithPath(at("user_id"), graphDiag(unreachableSummary, err)))
			return diags
		case graph.IsThrottled(err) || graph.IsTimeout(err):
			// Throttled to the end of the timeout (a 429 is sent again until then): a plan that
			// went on would show what it could not read, and the apply's own plan could differ.
			d := graphDiag(fmt.Sprintf("Could not look up user %q to check the pass: Microsoft Graph kept throttling", userRef), err)
			diags.AddAttributeError(at("user_id"), d.Summary(), d.Detail()+"\n\nThe lookup was retried as Microsoft Graph asked, within the "+
				"resource's timeout. Plan again when Graph has room, or raise timeouts.create (timeouts.update for a change of an entratap_passes).")
			return diags
		case !graph.IsNotFound(err):
			diags.Append(asWarning(graphDiag(fmt.Sprintf("Could not look up user %q to check the pass", userRef), err)))
		}
		// A caller who may not issue this pass: the policy checks would only add noise.
		callerDiags := pc.checkCaller(userRef, s, at)
		diags.Append(callerDiags...)
		if callerDiags.HasError() {
			return diags
		}
	}
	if s.user != nil && s.user.ExternalGuest() {
		diags.AddAttributeWarning(at("user_id"), "The user is a guest",
			fmt.Sprintf("User %s is an external (invited) guest. Microsoft Graph refuses Temporary Access Passes for external guest users, so creating this pass is likely to fail.", s.user.Label()))
	}
	if pc.live == nil {
		switch {
		case graph.IsUnreachable(pc.policyErr):
			diags.Append(graphDiag(unreachableSummary, pc.policyErr))
		case graph.IsPermissionDenied(pc.policyErr) && pc.caller != nil:
			// An Authentication Administrator issues passes but may not read the policy: normal,
			// not a broken run, and said without telling them to sign in as someone else.
			diags.AddWarning("The pass was not checked against the policy",
				fmt.Sprintf("The provider runs as %s, with %s, who may issue passes but not read the Temporary Access Pass policy (reading it needs %s or %s). "+
					"The pass's lifetime, one-time setting and the policy's targets were not checked at plan; Microsoft Graph checks them when it creates the pass.",
					pc.caller.Name(), pc.caller.RolesText(), graph.RoleGlobalReader, graph.RoleAuthenticationPolicyAdministrator))
		default:
			diags.Append(asWarning(graphDiag("Could not read the Temporary Access Pass policy to check the pass against it", pc.policyErr)))
		}
		return diags
	}
	live, pol := *pc.live, pc.pol
	rangeOf := func(p graph.Policy) string {
		return fmt.Sprintf("between %d and %d minutes", p.MinimumLifetimeInMinutes, p.MaximumLifetimeInMinutes)
	}
	policyRange := rangeOf(pol.Policy)
	asRun := ""
	if pol.planned {
		asRun = " (the policy as this run leaves it)"
	}
	if l := in.LifetimeInMinutes; !l.IsNull() && !l.IsUnknown() {
		v := l.ValueInt64()
		within := func(p graph.Policy) bool {
			return v >= int64(p.MinimumLifetimeInMinutes) && v <= int64(p.MaximumLifetimeInMinutes)
		}
		switch {
		case within(pol.Policy):
		case within(live):
			// Only a pass created before the policy changes gets this lifetime.
			diags.AddAttributeWarning(at("lifetime_in_minutes"), "Lifetime outside the policy this run sets",
				fmt.Sprintf("%s = %d is within what the tenant's Temporary Access Pass policy allows now (%s), but outside what it allows%s: %s. "+
					"A pass created after the policy changes (one that references the entratap_policy or depends on it) is refused.",
					at.name("lifetime_in_minutes"), v, rangeOf(live), asRun, policyRange))
		default:
			now := ""
			if rangeOf(live) != policyRange {
				now = fmt.Sprintf("; it allows %s now", rangeOf(live))
			}
			diags.AddAttributeError(at("lifetime_in_minutes"), "Lifetime outside the tenant's policy",
				fmt.Sprintf("%s = %d is outside what the tenant's Temporary Access Pass policy allows: %s%s%s. "+
					"Choose a lifetime in that range, omit it for the policy's default (%d minutes), or widen the policy's range "+
					"(in an entratap_policy of this configuration, which the pass then uses when it depends on it).",
					at.name("lifetime_in_minutes"), v, policyRange, asRun, now, pol.DefaultLifetimeInMinutes))
		}
	}
	if o := in.IsUsableOnce; !o.IsNull() && !o.IsUnknown() && !o.ValueBool() && pol.IsUsableOnce {
		diags.AddAttributeError(at("is_usable_once"), "Multi-use pass under a one-time policy",
			fmt.Sprintf("%s = false, but the tenant's Temporary Access Pass policy%s requires one-time passes (lifetimes %s). "+
				"Set is_usable_once = true or omit it, or change the policy's is_usable_once.", at.name("is_usable_once"), asRun, policyRange))
	}
	if !pol.Enabled {
		// No path: the same for every pass, and said once.
		diags.AddWarning("The Temporary Access Pass policy is disabled",
			fmt.Sprintf("The tenant's Temporary Access Pass policy%s is disabled: depending on the tenant, Microsoft Graph either refuses the pass "+
				"or creates it reading DisabledByPolicy, unable to sign anyone in until the policy is enabled. "+
				"An entratap_policy that enables it counts when the pass depends on it (a reference or depends_on).", asRun))
	} else if s.user != nil && pol.targetsKnown {
		switch {
		case s.memberErr != nil:
			diags.Append(asWarning(graphDiag("Could not check whether the Temporary Access Pass policy targets the user", s.memberErr)))
		case !targets(&pol.Policy, s.user.ID, s.memberOf):
			diags.AddAttributeWarning(at("user_id"), "The policy does not target the user",
				fmt.Sprintf("User %s is not in the include targets of the tenant's Temporary Access Pass policy%s, or is in its exclude targets: "+
					"depending on the tenant, Microsoft Graph either refuses the pass or creates it reading DisabledByPolicy, unable to sign the user in. "+
					"Add the user, or a group holding it, to the policy's include targets.", s.user.Label(), asRun))
		}
	}
	return diags
}

// checkCaller checks that a signed-in user may issue this pass: never for themselves, a role
// that issues passes, and a role that covers the target. userRef is user_id as written.
func (pc passCheck) checkCaller(userRef string, s passSubject, at passAt) diag.Diagnostics {
	var diags diag.Diagnostics
	caller, user := pc.caller, s.user
	if caller == nil {
		return diags
	}
	if caller.IsSelf(userRef) || (user != nil && caller.IsSelf(user.ID)) {
		diags.AddAttributeError(at("user_id"), "A Temporary Access Pass for the signed-in user themselves",
			fmt.Sprintf("%s %q is %s, the user this provider is signed in as. Microsoft Entra lets no one, whatever their directory role, "+
				"create their own Temporary Access Pass (a user may only read and delete their own). Have another administrator issue it, or issue it to another user.",
				at.name("user_id"), userRef, caller.Name()))
		return diags
	}
	issuers := graph.RoleAuthenticationAdministrator + " (for users without admin roles) or " + graph.RolePrivilegedAuthenticationAdministrator + " (for any user)"
	if !caller.MayWritePasses() {
		diags.AddAttributeError(at("user_id"), "The signed-in user cannot issue Temporary Access Passes",
			fmt.Sprintf("The provider runs as %s, with %s. Issuing a Temporary Access Pass needs the Microsoft Entra role %s. "+
				"Activate or request one of them (e.g. in Privileged Identity Management), sign in again (az login), then run again; nothing was created.",
				caller.Name(), caller.RolesText(), issuers))
		return diags
	}
	if !pc.needsRoles(userRef, user) {
		return diags // covers every target, or the target is not known yet
	}
	if s.rolesErr != nil {
		diags.AddAttributeWarning(at("user_id"), "Could not check the target's directory roles",
			fmt.Sprintf("The provider runs as %s, an %s, who may issue passes only to users without admin roles, but it could not read the directory roles "+
				"of user %s to check this one (reading them needs the delegated permission %s). If the user holds an admin role, the create fails "+
				"at apply with a 403: that user needs a %s.\n\n%s",
				caller.Name(), graph.RoleAuthenticationAdministrator, user.Label(), "RoleManagement.Read.Directory, and GroupMember.Read.All for role-assignable groups,",
				graph.RolePrivilegedAuthenticationAdministrator, s.rolesErr))
		return diags
	}
	if !caller.CanWritePass(s.roles) {
		diags.AddAttributeError(at("user_id"), "The target holds an admin role",
			fmt.Sprintf("User %s holds %s. The provider runs as %s, with %s: an %s may issue passes only to users without admin roles and outside role-assignable groups. "+
				"A pass for this user needs the Microsoft Entra role %s; nothing was created.",
				user.Label(), strings.Join(s.roles, ", "), caller.Name(), caller.RolesText(), graph.RoleAuthenticationAdministrator,
				graph.PassRoleNeeded(s.roles, true)))
	}
	return diags
}

// targets reports whether the policy lets the user sign in with a pass: included (all users,
// the user, or a group holding the user: memberOf) and not excluded.
func targets(pol *graph.Policy, userID string, memberOf map[string]bool) bool {
	matches := func(t graph.Target) bool {
		if t.TargetType == "user" {
			return strings.EqualFold(t.ID, userID)
		}
		return t.ID == graph.AllUsers || memberOf[strings.ToLower(t.ID)]
	}
	included := false
	for _, t := range pol.IncludeTargets {
		included = included || matches(t)
	}
	for _, t := range pol.ExcludeTargets {
		if matches(t) {
			return false
		}
	}
	return included
}

// userTargeted reports whether the policy targets the user, asking Graph for the user's
// groups among the policy's.
func userTargeted(ctx context.Context, c *graph.Client, pol *graph.Policy, userID string) (bool, error) {
	var memberOf map[string]bool
	if groups := policyGroups(pol); len(groups) > 0 {
		ids, err := c.MemberGroups(ctx, userID, groups)
		if err != nil {
			return false, err
		}
		memberOf = groupSet(ids)
	}
	return targets(pol, userID, memberOf), nil
}

// claimDiag registers that owner plans a new pass for the user, and is the error when another
// object of this configuration (this provider block) already does.
func claimDiag(run *runState, user *graph.User, owner string, at path.Path) diag.Diagnostics {
	var diags diag.Diagnostics
	if other, dup := run.claimUser(user.ID, owner); dup {
		diags.AddAttributeError(at, "Two passes planned for one user",
			fmt.Sprintf("%s and %s are the same user, %s (%s). A user holds one Temporary Access Pass: the second create would silently "+
				"replace the first, leaving a dead code in state. Keep one pass per user: one entratap_pass, one entry of one entratap_passes, "+
				"or one ephemeral entratap_pass.", owner, other, user.Label(), user.ID))
	}
	return diags
}

// userLookupDiag is the diagnostic of a failed lookup of the user named by the user_id attribute.
func userLookupDiag(userID string, err error) diag.Diagnostic {
	return diag.WithPath(path.Root("user_id"), graphDiag(userLookupSummary(userID, err), err))
}

// userLookupSummary names a user_id that could not be resolved, for every object.
func userLookupSummary(ref string, err error) string {
	if graph.IsNotFound(err) {
		return fmt.Sprintf("User %q does not exist in the tenant", ref)
	}
	return fmt.Sprintf("Cannot find user %q", ref)
}
