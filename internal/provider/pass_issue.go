package provider

// Issuing one pass (entratap_pass and the ephemeral pass; the wave's entries reuse its parts):
// the one-pass-per-user guard, the create, Graph's refusals while a policy change replicates,
// the cleanup of a create whose answer was lost, and the check after create.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

// passOwner says which kind of object issues the pass, for the wording of the existing-pass error.
type passOwner int

const (
	passOwnerResource passOwner = iota
	passOwnerEphemeral
	passOwnerWave // an entry of an entratap_passes: the import advice is the wave's own (orphanImport)
)

// issuePass applies the one-pass-per-user rule and creates the pass: it
// waits for a user Graph does not know yet (created moments ago) until ctx
// ends, refuses to replace a live pass unless replace_existing is set, and
// lets Graph replace an expired or used one. user, when not nil, is the user
// the plan resolved: no lookup then.
func issuePass(ctx context.Context, c *graph.Client, run *runState, in passInputs, user *graph.User, owner passOwner) (*graph.User, *graph.Pass, diag.Diagnostics) {
	var diags diag.Diagnostics
	np, err := in.newPass()
	if err != nil {
		diags.AddAttributeError(path.Root("start_date_time"), "Invalid start_date_time", err.Error())
		return nil, nil, diags
	}
	userID := in.UserID.ValueString()
	if user == nil {
		user, err = c.WaitForUser(ctx, userID)
		if err != nil {
			diags.Append(userLookupDiag(userID, err))
			return nil, nil, diags
		}
	}
	defer run.lockUser(user.ID)() // one create per user at a time in this process
	// The guard's list: the one the apply walk's plan read moments ago (pass_check.go's gather
	// says what each request of a pass buys), listed here only when there is none (a user
	// named by user principal name, or a plan older than passListTTL).
	existing, listed := run.takeList(user.ID)
	if !listed {
		existing, err = c.ListPasses(ctx, user.ID)
	}
	if err != nil {
		diags.Append(graphDiag(fmt.Sprintf("Listing the Temporary Access Passes of user %s failed", user.Label()), err))
		return nil, nil, diags
	}
	if !in.ReplaceExisting.ValueBool() {
		for _, p := range existing {
			if p.Live() {
				diags.AddAttributeError(path.Root("replace_existing"), "The user already has a Temporary Access Pass", existingPassDetail(user, p, owner, in.RevokeOnClose.ValueBool()))
				return nil, nil, diags
			}
		}
	}
	p, err := c.CreatePass(ctx, user.ID, np)
	refused := graph.IsPolicyRefused(err)
	if refused {
		var d diag.Diagnostic
		if p, d, err = createRefused(ctx, c, run, user, np, owner, err); d != nil {
			diags.Append(d)
			return nil, nil, diags
		}
	}
	if err != nil {
		summary := fmt.Sprintf("Creating a Temporary Access Pass for user %s failed", user.Label())
		if ambiguous(ctx, err) {
			// The create may have been committed with its answer lost: a pass
			// Terraform would not know. Remove it, so state and tenant agree.
			detail := removeOrphan(ctx, c, user, existing, err)
			if refused { // the time ran out during a retry after refusals (createRefused)
				detail += "\n\nBefore that, Microsoft Graph kept refusing the pass while the policy targets the user. " + replicationAdvice(owner)
			}
			diags.AddError(summary, detail)
			return nil, nil, diags
		}
		d := graphDiag(summary, err)
		if graph.IsStartRefused(err) { // the start has passed by Graph's clock since the plan
			d = diag.WithPath(path.Root("start_date_time"), d)
		}
		diags.Append(d)
		return nil, nil, diags
	}
	// Another process (a second workspace) may have created a pass for the
	// user at the same moment, silently replacing this one: check it is still
	// the user's pass before handing out its code. One request a pass, kept:
	// Graph's create says nothing of a pass it replaced a moment later, and
	// without this a dead code would sit in state until the next refresh.
	if now, err := c.ListPasses(ctx, user.ID); err == nil && !holdsPass(now, p.ID) {
		diags.AddAttributeError(path.Root("user_id"), replacedAtOnce, replacedAtOnceDetail(user, p.ID))
		return nil, nil, diags
	}
	return user, p, diags
}

const replacedAtOnce = "The new Temporary Access Pass was replaced at once"

// replacedAtOnceDetail says why a pass just created is not the user's any more: the check
// after create of every object that issues passes.
func replacedAtOnceDetail(user *graph.User, passID string) string {
	return fmt.Sprintf("Pass %s was created for user %s (%s), but the user no longer holds it: a pass created at the same moment elsewhere "+
		"(another workspace or run for the same user) replaced it, since a user holds one pass. Its code is useless and is not stored. "+
		"Make sure one configuration manages this user's pass, then run terraform apply again.", passID, user.Label(), user.ID)
}

// createRefused handles Graph refusing a pass for the policy's scope
// (graph.IsPolicyRefused). When the policy as this run leaves it targets the
// user, the refusal is Graph catching up with a policy change (replication):
// the create is retried until ctx ends, if Graph's own policy targets the
// user already, or this process wrote the policy, or (a managed pass) this
// run's policy may be written meanwhile. Otherwise it fails at once. Either
// way the diagnostic says what the policy is and what to change.
// A failure of the retried create other than the refusal is returned as
// err, for issuePass's handling (a create whose answer was lost).
func createRefused(ctx context.Context, c *graph.Client, run *runState, user *graph.User, np graph.NewPass, owner passOwner, refusal error) (*graph.Pass, diag.Diagnostic, error) {
	summary := fmt.Sprintf("Microsoft Graph refused a Temporary Access Pass for user %s", user.Label())
	live, err := c.GetPolicy(ctx) // afresh: the cached one may predate this run's change
	if err != nil {
		// Nothing to explain it with: the refusal itself, and why.
		return nil, graphDiag(summary, fmt.Errorf("%w (reading the policy to explain it failed too: %v)", refusal, err)), nil
	}
	eff := run.effective(live)
	planned, written := run.snapshot()
	targeted, _ := policyTargets(ctx, c, eff, user.ID)
	liveTargeted, _ := policyTargets(ctx, c, effectivePolicy{Policy: *live, targetsKnown: true}, user.ID)
	asRun := "The policy"
	if eff.planned {
		asRun = "The policy as this run leaves it"
	}
	if targeted && (liveTargeted || written || (owner != passOwnerEphemeral && planned != nil)) {
		p, err := c.CreatePassAfterPolicyChange(ctx, user.ID, np)
		if err == nil {
			return p, nil, nil
		}
		// Still refused, or out of time while waiting to retry after a refusal.
		waitedOut := graph.IsPolicyRefused(err) || (graph.IsTimeout(err) && strings.Contains(err.Error(), "Converged UserCredentialPolicy"))
		if !waitedOut {
			return nil, nil, err
		}
		return nil, diag.NewErrorDiagnostic(summary, fmt.Sprintf(
			"Microsoft Graph kept refusing the pass until the timeout, although %s targets user %s (%s). %s\n\nLast answer: %v",
			strings.ToLower(asRun[:1])+asRun[1:], user.Label(), describePolicy(eff.Policy), replicationAdvice(owner), err)), nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Microsoft Graph refuses Temporary Access Passes for users its policy does not let sign in with one, and user %s (%s) is not among them. "+
		"%s: %s.", user.Label(), user.ID, asRun, describePolicy(eff.Policy))
	if eff.planned {
		fmt.Fprintf(&b, " Microsoft Graph has now: %s.", describePolicy(*live))
	}
	b.WriteString("\n\nEnable the policy and include the user, or a group holding it, in include_targets (and not in exclude_targets): " +
		"in an entratap_policy resource or the Entra admin center. When this configuration changes the policy, make the pass depend on it " +
		"(reference it, or depends_on = [entratap_policy.<name>]) so that Terraform creates the pass after the change.")
	if owner == passOwnerEphemeral && planned != nil && !written {
		b.WriteString(" An ephemeral pass is also opened during plan, before this run applies the policy: in a tenant that refuses such passes, " +
			"it can only be opened once the policy is in place.")
	}
	fmt.Fprintf(&b, "\n\nMicrosoft Graph's answer: %v", refusal)
	return nil, diag.NewErrorDiagnostic(summary, b.String()), nil
}

// replicationAdvice says what to do when Graph kept refusing a pass the policy targets until
// the time ran out: the policy change is still replicating.
func replicationAdvice(owner passOwner) string {
	timeouts := "timeouts.create"
	switch owner {
	case passOwnerWave:
		timeouts = "timeouts.create (timeouts.update for an entry added later)"
	case passOwnerEphemeral:
		timeouts = "timeouts.open"
	}
	return "A change to the policy (enabling it, or adding the user or a group holding it) takes a while to reach every Graph server. " +
		"Run terraform apply again in a few minutes, or raise " + timeouts + "."
}

// policyTargets reports whether the policy is enabled and targets the user;
// false when its targets are not known.
func policyTargets(ctx context.Context, c *graph.Client, p effectivePolicy, userID string) (bool, error) {
	if !p.Enabled || !p.targetsKnown {
		return false, nil
	}
	return userTargeted(ctx, c, &p.Policy, userID)
}

func holdsPass(ps []*graph.Pass, id string) bool {
	for _, p := range ps {
		if strings.EqualFold(p.ID, id) {
			return true
		}
	}
	return false
}

// ambiguous reports whether a failed create may still have been committed:
// no answer, a cancelled or expired context, or a server error.
func ambiguous(ctx context.Context, err error) bool {
	return ctx.Err() != nil || graph.IsTransient(err)
}

// removeOrphan deletes any pass the user holds that was not there before the
// failed create, with a context of its own (the run's may be cancelled), and
// returns the diagnostic's detail: what happened and what to do.
func removeOrphan(ctx context.Context, c *graph.Client, user *graph.User, before []*graph.Pass, createErr error) string {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	known := map[string]bool{}
	for _, p := range before {
		known[p.ID] = true
	}
	detail := fmt.Sprintf("Microsoft Graph's answer to the create was lost (%v), so the pass may have been created without Terraform learning its id or code.", createErr)
	if ctx.Err() != nil {
		detail = fmt.Sprintf("The create was interrupted (%v) before Microsoft Graph's answer arrived, so the pass may have been created without Terraform learning its id or code.", context.Cause(ctx))
	}
	now, err := c.ListPasses(cctx, user.ID)
	if err != nil {
		return detail + fmt.Sprintf("\n\nChecking user %s (%s) for such a pass failed too: %v\n\nLook at the user's authentication methods and delete any Temporary Access Pass created just now, then run terraform apply again.", user.Label(), user.ID, err)
	}
	for _, p := range now {
		if known[p.ID] {
			continue
		}
		if err := c.DeletePass(cctx, user.ID, p.ID); err != nil {
			return detail + fmt.Sprintf("\n\nUser %s (%s) holds pass %s, created by this attempt, and deleting it failed: %v\n\nDelete that pass (or import it with terraform import <address> %s/%s; its code cannot be recovered), then run terraform apply again.",
				user.Label(), user.ID, p.ID, err, user.ID, p.ID)
		}
		return detail + fmt.Sprintf("\n\nThe pass this attempt created (%s) was found and deleted, so user %s holds no pass Terraform does not know about. Run terraform apply again.", p.ID, user.Label())
	}
	return detail + fmt.Sprintf("\n\nUser %s holds no pass from this attempt: nothing was created. Run terraform apply again.", user.Label())
}

// otherOwnerNote is said wherever a pass not managed here might be another object's.
const otherOwnerNote = "The pass may instead belong to another object that issues passes for this user: an entratap_pass, an entry of an entratap_passes " +
	"or an ephemeral entratap_pass, under another provider block or in another workspace. Then keep one of them, and import nothing another resource manages."

func existingPassDetail(u *graph.User, p *graph.Pass, owner passOwner, revoke bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "User %s (%s) already has a Temporary Access Pass that is not managed here: id %s, created %s, valid from %s until %s (%s). ",
		u.Label(), u.ID, p.ID, passTime(p.CreatedDateTime), passTime(p.StartDateTime), passTime(p.ExpirationDateTime()), p.MethodUsabilityReason)
	b.WriteString("A user holds at most one pass, and creating a new one would silently delete that one.\n\n")
	b.WriteString("Set replace_existing = true to replace it, or delete that pass first (Entra admin center, or DELETE " +
		"/users/" + u.ID + "/authentication/temporaryAccessPassMethods/" + p.ID + " in Microsoft Graph). Expired and used passes are replaced without this check.")
	switch owner {
	case passOwnerResource:
		fmt.Fprintf(&b, "\n\nIf an earlier apply was interrupted (Terraform or the provider killed while creating passes), this pass may be one it created "+
			"but could not record: an orphan. Adopt it rather than replace it, so the user keeps the code already handed out:\n\n"+
			"  terraform import 'ADDRESS' %s/%s\n\n"+
			"where ADDRESS is the address of the entratap_pass whose user_id names this user (for a for_each over users: entratap_pass.NAME[\"%s\"]). "+
			"For many orphans at once (Terraform 1.14+), list them with the list resource entratap_pass and `terraform query -generate-config-out=orphans.tf`. "+
			"Do not set replace_existing on a whole for_each to get past this: it would replace every healthy pass of it too.", u.ID, p.ID, u.Label())
		b.WriteString("\n\nWith create_before_destroy, the pass being replaced still exists when the new one is created and counts as not managed here: set replace_existing = true on that resource.")
		b.WriteString("\n\n" + otherOwnerNote)
	case passOwnerWave:
		b.WriteString("\n\n" + otherOwnerNote)
	case passOwnerEphemeral:
		if revoke {
			fmt.Fprintf(&b, "\n\nThis ephemeral pass is revoked on close, so the pass found is not this run's: most likely an earlier run was interrupted "+
				"(Terraform or the provider killed) before it could revoke its pass. That pass expires on its own at %s. "+
				"Delete it, wait for it to expire, or set replace_existing = true to replace it now.", passTime(p.ExpirationDateTime()))
		} else {
			b.WriteString("\n\nTerraform opens an ephemeral resource during plan and again during apply: with revoke_on_close = false, " +
				"the pass found may be the one this run's own plan issued. Set replace_existing = true for that pattern.")
		}
	}
	return b.String()
}
