package provider

// The apply of an entratap_passes: bring the tenant to the plan through $batch, keeping for
// every entry what issuePass keeps for one pass (pass_issue.go): one user one entry, the guard
// against replacing a pass not managed here, retries while a policy change replicates, the
// cleanup of a create whose answer was lost, and the check after create.

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

// waveChunk is how many entries are guarded, then issued, at a time: ten batches.
const waveChunk = 10 * graph.MaxBatch

// refusedFanOut bounds the entries retried one by one while a policy change replicates.
const refusedFanOut = 4

// waveOutcome is what an apply of the wave could not do.
type waveOutcome struct {
	failed  map[string]string // entry -> why its pass was not issued
	orphans []string          // key=objectid/passid of live passes found not managed here
	diags   diag.Diagnostics  // about the wave as a whole (deletes)
}

// shownFailures is how many failed entries get a diagnostic of their own; the rest are listed.
const shownFailures = 10

// failedDiags reports the entries whose pass was not issued, at the severity given.
func (o waveOutcome) failedDiags(sev diag.Severity) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(o.failed) == 0 {
		return diags
	}
	keys := sortedKeys(o.failed)
	for i, k := range keys {
		if i == shownFailures {
			break
		}
		summary := fmt.Sprintf("The Temporary Access Pass of passes[%q] could not be issued", k)
		if sev == diag.SeverityError {
			diags.AddAttributeError(waveAt(k, "user_id"), summary, o.failed[k])
		} else {
			diags.AddAttributeWarning(waveAt(k, "user_id"), summary, o.failed[k])
		}
	}
	detail := fmt.Sprintf("Not issued: %s.\n\nThe other passes were issued and are in state with their codes; these entries are in not_issued "+
		"and keep a null id in issued, and the next apply tries them again.", strings.Join(keys, ", "))
	if len(o.orphans) > 0 {
		detail += "\n\n" + orphanImport(o.orphans)
	}
	summary := fmt.Sprintf("%d Temporary Access Pass(es) of the wave could not be issued", len(keys))
	if sev == diag.SeverityError {
		diags.AddError(summary, detail)
	} else {
		diags.AddWarning(summary, detail)
	}
	return diags
}

// orphanImport is the advice for live passes found not managed here, with the exact import.
func orphanImport(refs []string) string {
	sort.Strings(refs)
	return "If an earlier apply of this wave was interrupted (Terraform or the provider killed while issuing passes), the passes found may be ones " +
		"it issued but could not record: orphans. Their codes were never recorded anywhere. When the wave is not in state yet, adopt them with\n\n" +
		"  terraform import 'ADDRESS' '" + strings.Join(refs, ",") + "'\n\n" +
		"(ADDRESS is this entratap_passes's address), then apply. When the wave is in state, importing would drop the codes it holds: " +
		"set replace_existing = true for one apply instead, which replaces them with passes whose codes are recorded. " + otherOwnerNote
}

// converge brings the tenant to plan from prior (nil on create).
func (r *PassesResource) converge(ctx context.Context, prior *passesModel, plan passesModel) (passesModel, waveOutcome) {
	c := r.client
	out := waveOutcome{failed: map[string]string{}}
	want := entries(ctx, plan.Passes)
	planned := issuedOf(plan.Issued)
	plannedUsers := plan.UserObjectIDs.Elements()
	had := map[string]issuedEntry{}
	priorCodes := map[string]attr.Value{}
	if prior != nil {
		had = issuedOf(prior.Issued)
		priorCodes = prior.Codes.Elements()
	}
	issued, codes := map[string]issuedEntry{}, map[string]attr.Value{}
	codeOf := func(k string) attr.Value {
		if v, ok := priorCodes[k]; ok {
			return v
		}
		return types.StringNull()
	}

	// Kept entries (a known id in the plan), and the users they hold.
	owners := newRunState() // this wave's users, for the one-user-one-entry check at apply
	var issueKeys []string
	for _, k := range sortedKeys(want) {
		if p, ok := planned[k]; ok && !p.ID.IsUnknown() && !p.ID.IsNull() {
			issued[k], codes[k] = p, codeOf(k)
			owners.claimUser(p.userKey(), entryOwner(k, want[k]))
			continue
		}
		issueKeys = append(issueKeys, k)
	}
	held := map[string]bool{} // users whose pass this wave holds: theirs is ours to replace
	for _, is := range had {
		if !is.ID.IsNull() {
			held[strings.ToLower(is.userKey())] = true
		}
	}

	// The users of the entries to issue: resolved at plan, or now (unknown then).
	users := map[string]*graph.User{}
	var lookupKeys, lookupRefs []string
	for _, k := range issueKeys {
		if id, _ := plannedUsers[k].(types.String); id.ValueString() != "" {
			users[k] = &graph.User{ID: id.ValueString(), UserPrincipalName: want[k].UserID.ValueString()}
			continue
		}
		lookupKeys, lookupRefs = append(lookupKeys, k), append(lookupRefs, want[k].UserID.ValueString())
	}
	found, errs := c.LookupUsers(ctx, lookupRefs)
	for i, k := range lookupKeys {
		if errs[i] != nil {
			out.failed[k] = graphDiag(userLookupSummary(lookupRefs[i], errs[i]), errs[i]).Detail()
			continue
		}
		users[k] = found[i]
	}
	var toIssue []string
	for _, k := range issueKeys {
		u, ok := users[k]
		if !ok {
			continue
		}
		if d := claimDiag(owners, u, entryOwner(k, want[k]), waveAt(k, "user_id")); d.HasError() {
			out.failed[k] = d[0].Detail()
			continue
		}
		toIssue = append(toIssue, k)
	}

	// The existing-pass guard and the creates, pipelined by chunks: the guard of one chunk
	// reads while the chunk before it is written, so the writes (Graph's scarcest quota)
	// start after the first chunk's reads, not after every user's.
	// Progress at INFO (graph.Progress): the creates done of the wave's, and every wait.
	pctx, progress := c.StartProgress(ctx, "entratap_passes: issued", http.MethodPost, len(toIssue))
	chunks := make(chan guarded, 1)
	go func() {
		defer close(chunks)
		for start := 0; start < len(toIssue); start += waveChunk {
			keys := toIssue[start:min(start+waveChunk, len(toIssue))]
			chunks <- r.guard(pctx, keys, users, held, plan.ReplaceExisting.ValueBool())
		}
	}()
	type created struct {
		key  string
		pass *graph.Pass
	}
	var made []created
	var refused, lost []string
	refusals := map[string]error{}
	news := map[string]graph.NewPass{}
	before := map[string][]*graph.Pass{}
	for chunk := range chunks {
		maps.Copy(out.failed, chunk.blocked)
		out.orphans = append(out.orphans, chunk.orphans...)
		var ids []string
		var nps []graph.NewPass
		var sent []string
		for _, k := range chunk.keys {
			if _, blocked := out.failed[k]; blocked {
				continue
			}
			e := want[k]
			np, err := passInputs{UserID: e.UserID, StartDateTime: e.StartDateTime, LifetimeInMinutes: e.LifetimeInMinutes, IsUsableOnce: e.IsUsableOnce}.newPass()
			if err != nil {
				out.failed[k] = err.Error()
				continue
			}
			ids, nps, sent = append(ids, users[k].ID), append(nps, np), append(sent, k)
			news[k], before[k] = np, chunk.before[k]
		}
		for i, res := range c.CreatePasses(pctx, ids, nps) {
			k := sent[i]
			switch {
			case res.Err == nil:
				made = append(made, created{k, res.Pass})
			case graph.IsPolicyRefused(res.Err):
				refused, refusals[k] = append(refused, k), res.Err
			case ambiguous(ctx, res.Err):
				lost = append(lost, k)
				out.failed[k] = res.Err.Error()
			default:
				out.failed[k] = graphDiag(fmt.Sprintf("Creating a Temporary Access Pass for user %s failed", users[k].Label()), res.Err).Detail()
			}
		}
	}

	progress.Finish()

	// Refused while a policy change replicates: createRefused, entry by entry, as for one pass.
	var g errgroup.Group
	g.SetLimit(refusedFanOut)
	retried := make([]created, len(refused))
	why := make([]string, len(refused))
	for i, k := range refused {
		g.Go(func() error {
			p, d, err := createRefused(ctx, c, r.run, users[k], news[k], passOwnerWave, refusals[k])
			switch {
			case d != nil:
				why[i] = d.Detail()
			case err != nil:
				why[i] = graphDiag(fmt.Sprintf("Creating a Temporary Access Pass for user %s failed", users[k].Label()), err).Detail()
			default:
				retried[i] = created{k, p}
			}
			return nil
		})
	}
	_ = g.Wait()
	for i, k := range refused {
		if retried[i].pass != nil {
			made = append(made, retried[i])
		} else {
			out.failed[k] = why[i]
		}
	}
	r.removeOrphans(ctx, lost, users, before, &out)

	// The check after create: a pass replaced at once by another workspace is an error,
	// never a dead code in state.
	ids := make([]string, len(made))
	for i, m := range made {
		ids[i] = users[m.key].ID
	}
	now, nowErrs := c.ListPassesOf(ctx, ids)
	for i, m := range made {
		if nowErrs[i] == nil && !holdsPass(now[i], m.pass.ID) {
			out.failed[m.key] = replacedAtOnceDetail(users[m.key], m.pass.ID)
			continue
		}
		issued[m.key] = issuedFromPass(want[m.key].UserID.ValueString(), m.pass)
		codes[m.key] = types.StringValue(m.pass.Code)
	}

	// Not issued. A changed entry for the same user still holds its old pass: keep it.
	for _, k := range issueKeys {
		if _, ok := issued[k]; ok {
			continue
		}
		objectID := types.StringNull()
		if u := users[k]; u != nil {
			objectID = types.StringValue(strings.ToLower(u.ID))
		}
		if is, ok := had[k]; ok && !is.ID.IsNull() && strings.EqualFold(is.userKey(), objectID.ValueString()) {
			is.UserID = want[k].UserID
			issued[k], codes[k] = is, codeOf(k)
			continue
		}
		issued[k], codes[k] = notIssued(want[k].UserID.ValueString(), objectID), types.StringNull()
	}

	// The passes of removed entries, and of entries now naming another user.
	var toDelete []graph.PassRef
	var deleteKeys []string
	for _, k := range sortedKeys(had) {
		is := had[k]
		if is.ID.IsNull() {
			continue
		}
		if now, ok := issued[k]; ok && now.ID.ValueString() == is.ID.ValueString() {
			continue
		}
		if now, ok := issued[k]; ok && !now.ID.IsNull() && strings.EqualFold(now.userKey(), is.userKey()) {
			continue // replaced by the create: Graph deleted it
		}
		toDelete = append(toDelete, graph.PassRef{UserID: is.userKey(), PassID: is.ID.ValueString()})
		deleteKeys = append(deleteKeys, k)
	}
	for i, err := range c.DeletePasses(ctx, toDelete) {
		if err != nil {
			out.diags.AddError("A Temporary Access Pass of a removed entry could not be deleted",
				fmt.Sprintf("Entry %s (user %s, pass %s): %v\n\nThe entry is gone from state; delete the pass in Entra, or import it into an entratap_pass.",
					deleteKeys[i], toDelete[i].UserID, toDelete[i].PassID, err))
		}
	}

	state := plan
	iv, ni := map[string]attr.Value{}, map[string]attr.Value{}
	for k, e := range issued {
		iv[k] = issuedValue(e)
	}
	for k, why := range out.failed {
		ni[k] = types.StringValue(why)
	}
	var d diag.Diagnostics
	state.Issued, d = types.MapValue(issuedType, iv)
	out.diags.Append(d...)
	state.Codes, d = types.MapValue(types.StringType, codes)
	out.diags.Append(d...)
	state.NotIssued, d = types.MapValue(types.StringType, ni)
	out.diags.Append(d...)
	state.UserObjectIDs = objectIDsOf(issued, &out.diags)
	return state, out
}

// guarded is a chunk of entries to issue, after the existing-pass guard.
type guarded struct {
	keys    []string
	before  map[string][]*graph.Pass // the users' passes before the create
	blocked map[string]string        // entries not to issue, with why
	orphans []string                 // key=objectid/passid of live passes found not managed here
}

// guard is the existing-pass guard for the users of keys this wave does not already hold a
// pass for: a user with a live pass not managed here is not issued one, with why (as
// issuePass says it). It runs beside the creates of the chunk before: it touches only what it
// returns.
func (r *PassesResource) guard(ctx context.Context, keys []string, users map[string]*graph.User, held map[string]bool, replaceExisting bool) guarded {
	g := guarded{keys: keys, before: map[string][]*graph.Pass{}, blocked: map[string]string{}}
	before, out := g.before, &g
	var guardKeys, guardUsers []string
	for _, k := range keys {
		// The list the plan of this apply read moments ago, if any (as issuePass takes it).
		if l, ok := r.run.takeList(users[k].ID); ok {
			before[k] = l
			continue
		}
		guardKeys, guardUsers = append(guardKeys, k), append(guardUsers, users[k].ID)
	}
	lists, errs := r.client.ListPassesOf(ctx, guardUsers)
	for i, k := range guardKeys {
		if errs[i] != nil {
			out.blocked[k] = graphDiag(fmt.Sprintf("Listing the Temporary Access Passes of user %s failed", users[k].Label()), errs[i]).Detail()
			continue
		}
		before[k] = lists[i]
	}
	for _, k := range keys {
		if _, listed := before[k]; !listed {
			continue
		}
		if replaceExisting || held[strings.ToLower(users[k].ID)] {
			continue
		}
		for _, p := range before[k] {
			if p.Live() {
				out.blocked[k] = existingPassDetail(users[k], p, passOwnerWave, false)
				out.orphans = append(out.orphans, fmt.Sprintf("%s=%s/%s", k, strings.ToLower(users[k].ID), p.ID))
				break
			}
		}
	}
	return g
}

// removeOrphans deletes, for creates whose answer was lost, any pass their users hold that
// was not there before (removeOrphan does it for one pass), so state and tenant agree.
func (r *PassesResource) removeOrphans(ctx context.Context, keys []string, users map[string]*graph.User, before map[string][]*graph.Pass, out *waveOutcome) {
	if len(keys) == 0 {
		return
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), defaultDeleteTimeout)
	defer cancel()
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = users[k].ID
	}
	now, errs := r.client.ListPassesOf(cctx, ids)
	var refs []graph.PassRef
	var refKeys []string
	for i, k := range keys {
		lostAnswer := fmt.Sprintf("Microsoft Graph's answer to the create was lost (%s), so the pass may have been created without Terraform learning its id or code.", out.failed[k])
		if errs[i] != nil {
			out.failed[k] = lostAnswer + fmt.Sprintf(" Checking user %s (%s) for such a pass failed too: %v. Look at the user's authentication methods and delete any Temporary Access Pass created just now, then run terraform apply again.",
				users[k].Label(), users[k].ID, errs[i])
			continue
		}
		out.failed[k] = lostAnswer + " The next apply issues it again."
		for _, p := range now[i] {
			if !holdsPass(before[k], p.ID) {
				refs, refKeys = append(refs, graph.PassRef{UserID: users[k].ID, PassID: p.ID}), append(refKeys, k)
			}
		}
	}
	for i, err := range r.client.DeletePasses(cctx, refs) {
		k := refKeys[i]
		if err != nil {
			out.failed[k] += fmt.Sprintf(" User %s holds pass %s, created by this attempt, and deleting it failed: %v. Delete that pass, then run terraform apply again.",
				users[k].Label(), refs[i].PassID, err)
		} else {
			out.failed[k] += fmt.Sprintf(" The pass this attempt created (%s) was found and deleted.", refs[i].PassID)
		}
	}
}
