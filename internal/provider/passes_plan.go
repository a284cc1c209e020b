package provider

// The plan of an entratap_passes: which entries keep their pass, which are issued, and the
// check of each entry to issue, the same as entratap_pass's (pass_check.go) with the users
// gathered through $batch.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

// wavePlan is what the plan of a wave decides.
type wavePlan struct {
	kept      map[string]issuedEntry // entries whose pass stays, user_id as now written
	fresh     []string               // entries to issue, sorted
	objectIDs map[string]string      // fresh entries' users, resolved at plan (lower-case object ids)
	// why says, for each fresh entry that held a pass, what replaces it (replaceReason); an
	// entry absent from it is new, one with reasonNotIssued is issued again.
	why     map[string]string
	revoked []string // entries removed whose pass is deleted, sorted
	diags   diag.Diagnostics
}

// entryAt is where the settings of entry k are written.
func entryAt(k string) passAt { return func(setting string) path.Path { return waveAt(k, setting) } }

// entryOwner names an entry as the owner of its user's pass, in messages.
func entryOwner(k string, e waveEntry) string {
	return fmt.Sprintf("passes[%q] (user_id %q) of an entratap_passes", k, e.UserID.ValueString())
}

// roleFanOut bounds the directory-role reads of one plan (one per user, signed in as an
// Authentication Administrator only).
const roleFanOut = 8

func planWave(ctx context.Context, c *graph.Client, run *runState, want map[string]waveEntry, had map[string]issuedEntry) wavePlan {
	wp := wavePlan{kept: map[string]issuedEntry{}, objectIDs: map[string]string{}, why: map[string]string{}}
	var candidates []string // settings fit, user_id written differently: the same user?
	for _, k := range sortedKeys(want) {
		e := want[k]
		is, ok := had[k]
		switch {
		case !ok:
			wp.fresh = append(wp.fresh, k)
		case !settingsFit(e, is):
			wp.fresh, wp.why[k] = append(wp.fresh, k), replaceReason(e, is)
		case strings.EqualFold(e.UserID.ValueString(), is.UserID.ValueString()):
			is.UserID = e.UserID
			wp.kept[k] = is
		case c != nil && !e.UserID.IsUnknown() && is.UserObjectID.ValueString() != "":
			candidates = append(candidates, k)
		default:
			wp.fresh, wp.why[k] = append(wp.fresh, k), reasonOtherUser
		}
	}
	for _, k := range sortedKeys(had) {
		if _, ok := want[k]; !ok && !had[k].ID.IsNull() {
			wp.revoked = append(wp.revoked, k)
		}
	}
	pc := newPassCheck(ctx, c, run)
	subjects := map[string]passSubject{}
	if pc.configured {
		resolveWave(ctx, c, run, want, append(slices.Clone(candidates), wp.fresh...), subjects)
	}
	for _, k := range candidates {
		if s := subjects[k]; s.user != nil && strings.EqualFold(s.user.ID, had[k].UserObjectID.ValueString()) {
			is := had[k]
			is.UserID = want[k].UserID // the same user written another way: kept, updated in place
			wp.kept[k] = is
			continue
		}
		wp.fresh, wp.why[k] = append(wp.fresh, k), reasonOtherUser
	}
	slices.Sort(wp.fresh)
	if pc.configured {
		gatherWave(ctx, c, pc, want, wp.fresh, subjects)
	}
	for _, k := range wp.fresh {
		e := want[k]
		in := passInputs{UserID: e.UserID, StartDateTime: e.StartDateTime, LifetimeInMinutes: e.LifetimeInMinutes, IsUsableOnce: e.IsUsableOnce}
		wp.diags.Append(naming(k, pc.check(in, subjects[k], true, entryAt(k)))...)
		if u := subjects[k].user; u != nil {
			wp.objectIDs[k] = strings.ToLower(u.ID)
		}
	}
	// One user, one entry: within the wave and across the objects of this provider.
	for _, k := range sortedKeys(want) {
		id := wp.objectIDs[k]
		if is, ok := wp.kept[k]; ok {
			id = is.UserObjectID.ValueString()
		}
		if id == "" {
			continue
		}
		u := &graph.User{ID: id, UserPrincipalName: want[k].UserID.ValueString()}
		if s := subjects[k]; s.user != nil {
			u = s.user
		}
		wp.diags.Append(claimDiag(run, u, entryOwner(k, want[k]), waveAt(k, "user_id"))...)
	}
	return wp
}

// naming adds the entry to the summaries of its diagnostics: Terraform shows the resource,
// never a path inside a dynamic attribute. One that is the same for every entry (no path) is
// left alone, and said once.
func naming(k string, diags diag.Diagnostics) diag.Diagnostics {
	out := make(diag.Diagnostics, 0, len(diags))
	for _, d := range diags {
		wp, ok := d.(diag.DiagnosticWithPath)
		if !ok {
			out.Append(d)
			continue
		}
		summary := fmt.Sprintf("%s (passes[%q])", d.Summary(), k)
		if d.Severity() == diag.SeverityError {
			out.AddAttributeError(wp.Path(), summary, d.Detail())
		} else {
			out.AddAttributeWarning(wp.Path(), summary, d.Detail())
		}
	}
	return out
}

// resolveWave finds the users of the entries keys, through $batch, as gather does for one
// pass: an object id needs no lookup, since the list of the user's passes proves the user
// exists and the guard at apply takes it (rememberList); a user principal name is looked up.
func resolveWave(ctx context.Context, c *graph.Client, run *runState, want map[string]waveEntry, keys []string, subjects map[string]passSubject) {
	var byID, byUPN, ids, upns []string
	for _, k := range keys {
		switch u := want[k].UserID; {
		case u.IsUnknown() || u.IsNull():
		case guidRE.MatchString(u.ValueString()):
			byID, ids = append(byID, k), append(ids, strings.ToLower(u.ValueString()))
		default:
			byUPN, upns = append(byUPN, k), append(upns, u.ValueString())
		}
	}
	lists, errs := c.LookupPassesOf(ctx, ids)
	for i, k := range byID {
		s := passSubject{lookupErr: errs[i]}
		if errs[i] == nil {
			s.user = &graph.User{ID: ids[i], UserPrincipalName: want[k].UserID.ValueString()}
			run.rememberList(ids[i], lists[i])
		}
		subjects[k] = s
	}
	users, errs := c.LookupUsers(ctx, upns)
	for i, k := range byUPN {
		subjects[k] = passSubject{user: users[i], lookupErr: errs[i]}
	}
}

// gatherWave asks Graph, for all entries to issue at once, what their check needs beyond the
// user: the directory roles (signed in as an Authentication Administrator) and the policy's
// groups holding each user (through $batch).
func gatherWave(ctx context.Context, c *graph.Client, pc passCheck, want map[string]waveEntry, keys []string, subjects map[string]passSubject) {
	var g errgroup.Group
	g.SetLimit(roleFanOut)
	roles := make([]passSubject, len(keys))
	for i, k := range keys {
		if s := subjects[k]; pc.needsRoles(want[k].UserID.ValueString(), s.user) {
			g.Go(func() error {
				roles[i].roles, roles[i].rolesErr = c.UserRoles(ctx, s.user.ID)
				return nil
			})
		}
	}
	_ = g.Wait() // the reads report through rolesErr
	var members []string
	var at []string
	if groups := pc.groups(); len(groups) > 0 {
		for _, k := range keys {
			if s := subjects[k]; s.user != nil {
				members, at = append(members, s.user.ID), append(at, k)
			}
		}
		ids, errs := c.MemberGroupsOf(ctx, members, groups)
		for i, k := range at {
			s := subjects[k]
			s.memberOf, s.memberErr = groupSet(ids[i]), errs[i]
			subjects[k] = s
		}
	}
	for i, k := range keys {
		s := subjects[k]
		s.roles, s.rolesErr = roles[i].roles, roles[i].rolesErr
		subjects[k] = s
	}
}

// settingsFit reports whether the pass issued for an entry still fits its settings: every
// setting the entry fixes equals the pass's (an unset setting is the policy's, whatever it was).
func settingsFit(e waveEntry, is issuedEntry) bool {
	if is.ID.IsNull() || is.ID.IsUnknown() || e.UserID.IsUnknown() {
		return false
	}
	return len(changedSettings(e, is)) == 0
}

// changedSettings lists the settings an entry fixes that its pass does not match, as
// "lifetime_in_minutes 60 → 120": each replaces the pass, as each marks "# forces
// replacement" on an entratap_pass (Graph cannot change a pass).
func changedSettings(e waveEntry, is issuedEntry) []string {
	var out []string
	if s := e.StartDateTime; !s.IsNull() {
		want, err1 := time.Parse(time.RFC3339, s.ValueString())
		have, err2 := time.Parse(time.RFC3339, is.StartDateTime.ValueString())
		if s.IsUnknown() || err1 != nil || err2 != nil || !want.Equal(have) {
			out = append(out, settingChange("start_date_time", is.StartDateTime, s))
		}
	}
	if l := e.LifetimeInMinutes; !l.IsNull() && (l.IsUnknown() || l.ValueInt64() != is.LifetimeInMinutes.ValueInt64()) {
		out = append(out, settingChange("lifetime_in_minutes", is.LifetimeInMinutes, l))
	}
	if o := e.IsUsableOnce; !o.IsNull() && (o.IsUnknown() || o.ValueBool() != is.IsUsableOnce.ValueBool()) {
		out = append(out, settingChange("is_usable_once", is.IsUsableOnce, o))
	}
	return out
}

// Why an entry that held a pass gets a new one, beyond its changed settings.
const (
	reasonNotIssued = "not issued, or deleted outside Terraform"
	reasonOtherUser = "user_id names another user"
)

// replaceReason says why the pass of an entry that fits no longer is replaced.
func replaceReason(e waveEntry, is issuedEntry) string {
	switch {
	case is.ID.IsNull() || is.ID.IsUnknown():
		return reasonNotIssued
	case e.UserID.IsUnknown():
		return "user_id (known after apply)"
	}
	return strings.Join(changedSettings(e, is), ", ")
}

// settingChange is one changed setting, as the plan shows a value.
func settingChange(name string, from, to attr.Value) string {
	shown := func(v attr.Value) string {
		switch {
		case v.IsUnknown():
			return "(known after apply)"
		case v.IsNull():
			return "null"
		}
		if s, ok := v.(types.String); ok {
			return s.ValueString()
		}
		return v.String()
	}
	return fmt.Sprintf("%s %s → %s", name, shown(from), shown(to))
}

// summaryNames is how many entries of each kind the summary names.
const summaryNames = 10

// summary is the wave's change in one line, for the plan's changes attribute: "1 new (carol),
// 1 replaced (bob: lifetime_in_minutes 60 → 120), 1 revoked (dave), 2,995 unchanged".
func (wp wavePlan) summary() string {
	var news, replaced, again []string
	for _, k := range wp.fresh {
		switch why, held := wp.why[k]; {
		case !held:
			news = append(news, k)
		case why == reasonNotIssued:
			again = append(again, k)
		default:
			replaced = append(replaced, k+": "+why)
		}
	}
	var parts []string
	kind := func(keys []string, what string) {
		if len(keys) == 0 {
			return
		}
		named := keys[:min(len(keys), summaryNames)]
		more := ""
		if n := len(keys) - len(named); n > 0 {
			more = fmt.Sprintf(" and %s more", graph.Thousands(n))
		}
		parts = append(parts, fmt.Sprintf("%s %s (%s%s)", graph.Thousands(len(keys)), what, strings.Join(named, ", "), more))
	}
	kind(news, "new")
	kind(replaced, "replaced")
	kind(again, "re-issued") // reasonNotIssued
	kind(wp.revoked, "revoked")
	return strings.Join(append(parts, graph.Thousands(len(wp.kept))+" unchanged"), ", ")
}

// changed reports whether the plan issues or deletes any pass.
func (wp wavePlan) changed() bool { return len(wp.fresh) > 0 || len(wp.revoked) > 0 }

// planned is the plan's issued, codes and user_object_ids: the kept entries as they are, and
// each entry to issue as one line of issued (known after apply), its user in user_object_ids.
func (wp wavePlan) planned(want map[string]waveEntry, priorCodes map[string]attr.Value, diags *diag.Diagnostics) (issued, codes, users types.Map) {
	iv, cv, uv := map[string]attr.Value{}, map[string]attr.Value{}, map[string]attr.Value{}
	for k := range want {
		if is, ok := wp.kept[k]; ok {
			iv[k], uv[k] = issuedValue(is), objectIDValue(is.UserObjectID)
			cv[k] = types.StringNull()
			if c, ok := priorCodes[k]; ok {
				cv[k] = c
			}
			continue
		}
		iv[k], cv[k], uv[k] = types.ObjectUnknown(issuedAttrTypes), types.StringUnknown(), types.StringUnknown()
		if id := wp.objectIDs[k]; id != "" {
			uv[k] = types.StringValue(id)
		}
	}
	var d diag.Diagnostics
	issued, d = types.MapValue(issuedType, iv)
	diags.Append(d...)
	codes, d = types.MapValue(types.StringType, cv)
	diags.Append(d...)
	users, d = types.MapValue(types.StringType, uv)
	diags.Append(d...)
	return issued, codes, users
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
