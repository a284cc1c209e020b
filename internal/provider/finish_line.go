package provider

// The finish line of a pass: whether its user has registered a strong method (a passkey,
// Microsoft Authenticator, Windows Hello for Business) since the pass started. One reading for
// every object (entratap_pass, each entry of entratap_passes, the list resource, the group
// revoke, the data source): the users' methods through $batch (graph.MethodsOf), judged by
// graph.FirstRegistered against the provider's strong_methods.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

// defaultStrongMethods finish onboarding unless the provider's strong_methods says otherwise.
var defaultStrongMethods = []string{graph.MethodFido2, graph.MethodMicrosoftAuthenticator, graph.MethodWindowsHelloForBusiness}

// methodNames are the words a plan uses for a method kind.
var methodNames = map[string]string{
	graph.MethodFido2:                   "a passkey (FIDO2)",
	graph.MethodMicrosoftAuthenticator:  "Microsoft Authenticator",
	graph.MethodWindowsHelloForBusiness: "Windows Hello for Business",
	graph.MethodPhone:                   "a phone",
	graph.MethodEmail:                   "an email address",
	graph.MethodSoftwareOath:            "a software OATH token",
	graph.MethodPassword:                "a password",
}

func methodName(kind string) string {
	if n, ok := methodNames[kind]; ok {
		return n
	}
	return kind
}

// reasonPassGone is the method_usability_reason of a pass gone from the tenant (the user deleted
// it, an admin revoked it) whose user had finished: kept in state so that no new pass is issued.
const reasonPassGone = "Deleted"

// registeredAttrTypes is the shape of `registered`: which strong method, and when.
var registeredAttrTypes = map[string]attr.Type{"method": types.StringType, "date_time": types.StringType}

// registeredDoc describes `registered` wherever it appears.
const registeredDoc = "The finish line: the first strong method (the provider's `strong_methods`) the user registered since the pass started, " +
	"as `{ method, date_time }` (`method` is Graph's kind: `fido2`, `microsoftAuthenticator`, `windowsHelloForBusiness`, ...), or null. " +
	"Read on refresh (needs `UserAuthenticationMethod.Read.All`); a method registered before the pass started does not count. " +
	"A pass whose user has finished is never issued again: when it is gone (the user deleted it, it was revoked), it stays in state reading `" + reasonPassGone + "`."

func registeredValue(m *graph.Method) types.Object {
	if m == nil {
		return types.ObjectNull(registeredAttrTypes)
	}
	return types.ObjectValueMust(registeredAttrTypes, map[string]attr.Value{
		"method": types.StringValue(m.Kind), "date_time": types.StringValue(passTime(m.CreatedDateTime)),
	})
}

// registeredText says a finish line in words: "a passkey (FIDO2) on 2026-12-07T09:12:00Z".
func registeredText(o types.Object) string {
	if o.IsNull() || o.IsUnknown() {
		return ""
	}
	a := o.Attributes()
	kind, _ := a["method"].(types.String)
	at, _ := a["date_time"].(types.String)
	return fmt.Sprintf("%s at %s", methodName(kind.ValueString()), at.ValueString())
}

// finishCheck is one pass whose finish line is to be read: its user and its start.
type finishCheck struct {
	user  string
	start time.Time
}

// finishLines reads, through one $batch for all, whether each pass's user has finished. A
// pass that has not started cannot have been used and is not read (nil, nil).
func finishLines(ctx context.Context, c *graph.Client, run *runState, checks []finishCheck) ([]*graph.Method, []error) {
	out, errs := make([]*graph.Method, len(checks)), make([]error, len(checks))
	strong := run.strongMethods()
	if len(strong) == 0 {
		return out, errs // strong_methods = []: the finish line is off
	}
	var users []string
	var at []int
	now := time.Now()
	for i, ch := range checks {
		if ch.user != "" && !ch.start.IsZero() && !ch.start.After(now) {
			users, at = append(users, ch.user), append(at, i)
		}
	}
	if len(users) == 0 {
		return out, errs
	}
	lists, lerrs := c.MethodsOf(ctx, users)
	for k, i := range at {
		if errs[i] = lerrs[k]; errs[i] == nil {
			out[i] = graph.FirstRegistered(lists[k], strong, checks[i].start)
		}
	}
	return out, errs
}

// finishWarning turns the failed reads of finish lines into one warning: the passes are read,
// only whether their users finished is not known.
func finishWarning(errs []error) diag.Diagnostics {
	var diags diag.Diagnostics
	var first error
	n := 0
	for _, err := range errs {
		if err != nil && !graph.IsNotFound(err) { // a user gone: said by the pass's own read

			n++
			if first == nil {
				first = err
			}
		}
	}
	if first == nil {
		return diags
	}
	d := graphDiag(fmt.Sprintf("Could not read whether %d user(s) registered a strong method since their pass started", n), first)
	diags.AddWarning(d.Summary(), d.Detail()+"\n\nregistered stays as it was. Grant UserAuthenticationMethod.Read.All to see the finish line, "+
		"or set strong_methods = [] in the provider block to stop reading it.")
	return diags
}

// finishedNote is the plan's words for a finished user whose pass is gone or unusable: it is
// not issued again.
func finishedNote(who, user string, registered types.Object, reason string) (summary, detail string) {
	summary = fmt.Sprintf("%s: %s has finished onboarding", who, user)
	detail = fmt.Sprintf("User %s registered %s, after the Temporary Access Pass of %s started.", user, registeredText(registered), who)
	switch reason {
	case reasonPassGone:
		detail += " The pass is gone (the user deleted it, or it was revoked): it is NOT issued again."
	case graph.ReasonExpired, graph.ReasonOneTimeUsed:
		detail += fmt.Sprintf(" The pass reads %s: it is NOT replaced.", reason)
	default:
		detail += " The pass is still usable: revoke it (entratap_revoke_group_passes with only_registered = true, or remove it from the configuration)."
	}
	return summary, detail + " Remove it from the configuration when the wave is done."
}

// strongOf reads the provider's strong_methods: nil when unset (the default), empty to turn
// the finish line off.
func strongOf(l types.List) []string {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	out := []string{}
	for _, v := range l.Elements() {
		if s, ok := v.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			out = append(out, strings.TrimSpace(s.ValueString()))
		}
	}
	return out
}

// withRegistered keeps an entry's finish line across a read: once crossed, it stays.
func withRegistered(e issuedEntry, registered types.Object) issuedEntry {
	if !registered.IsNull() && !registered.IsUnknown() {
		e.Registered = registered
	}
	return e
}

// readWaveFinishLines reads, through one $batch, the finish line of every entry of a wave
// not yet finished, and settles the entries whose pass is gone (gone): a finished user's is
// kept, reading reasonPassGone, so that no new pass is issued; another's is issued again.
func readWaveFinishLines(ctx context.Context, c *graph.Client, run *runState, had map[string]issuedEntry, gone []string, codes map[string]attr.Value) diag.Diagnostics {
	var keys []string
	var checks []finishCheck
	for _, k := range sortedKeys(had) {
		e := had[k]
		if e.ID.IsNull() || (!e.Registered.IsNull() && !e.Registered.IsUnknown()) {
			continue
		}
		start, err := time.Parse(time.RFC3339, e.StartDateTime.ValueString())
		if err != nil {
			continue
		}
		keys, checks = append(keys, k), append(checks, finishCheck{user: e.userKey(), start: start})
	}
	found, errs := finishLines(ctx, c, run, checks)
	for i, k := range keys {
		e := had[k]
		e.Registered = registeredValue(found[i])
		had[k] = e
	}
	for _, k := range gone {
		e := had[k]
		if e.Registered.IsNull() || e.Registered.IsUnknown() {
			had[k], codes[k] = notIssued(e.UserID.ValueString(), e.UserObjectID), types.StringNull()
			continue
		}
		e.IsUsable, e.MethodUsabilityReason = types.BoolValue(false), types.StringValue(reasonPassGone)
		had[k] = e
	}
	return finishWarning(errs)
}

// shownFinished is how many finished entries a wave's plan names one by one.
const shownFinished = 10

// finishedWave is the plan's note on the entries of a wave whose users have finished: their
// passes are never issued again, and a usable one is worth revoking.
func finishedWave(kept map[string]issuedEntry) diag.Diagnostics {
	var diags diag.Diagnostics
	var lines []string
	usable := 0
	for _, k := range sortedKeys(kept) {
		e := kept[k]
		if e.Registered.IsNull() || e.Registered.IsUnknown() {
			continue
		}
		if e.IsUsable.ValueBool() {
			usable++
		}
		if len(lines) < shownFinished {
			state := "pass " + e.MethodUsabilityReason.ValueString()
			lines = append(lines, fmt.Sprintf("  passes[%q] (%s): registered %s; %s", k, e.UserID.ValueString(), registeredText(e.Registered), state))
		}
	}
	n := len(lines)
	if n == 0 {
		return diags
	}
	detail := strings.Join(lines, "\n")
	if more := countFinished(kept) - n; more > 0 {
		detail += fmt.Sprintf("\n  ... and %d more (issued[key].registered)", more)
	}
	detail += "\n\nThese users registered a strong method after their Temporary Access Pass started: their passes are NOT issued again, " +
		"whether gone (" + reasonPassGone + "), expired or used."
	if usable > 0 {
		detail += fmt.Sprintf(" %d still hold a usable pass: end them with the action entratap_revoke_group_passes and only_registered = true.", usable)
	}
	diags.AddWarning(fmt.Sprintf("%d user(s) of the wave have finished onboarding", countFinished(kept)), detail)
	return diags
}

func countFinished(kept map[string]issuedEntry) int {
	n := 0
	for _, e := range kept {
		if !e.Registered.IsNull() && !e.Registered.IsUnknown() {
			n++
		}
	}
	return n
}

// The statuses of a new hire in a wave report, in the user's words.
const (
	statusIssuedNotUsed = "issued_not_used"             // the pass has not been used (or, multi-use, cannot tell)
	statusSignedIn      = "signed_in"                   // a one-time pass was used, no strong method yet
	statusRegistered    = "registered"                  // a strong method since the pass started
	statusExpired       = "expired_without_registering" // the pass expired and no strong method came
)

var finishStatuses = []string{statusIssuedNotUsed, statusSignedIn, statusRegistered, statusExpired}

// finishStatusDoc says what each status means, wherever a status is offered.
const finishStatusDoc = "`registered` (a strong method since the pass started), `signed_in` (a one-time pass was used, no strong method yet), " +
	"`expired_without_registering`, or `issued_not_used` (anything else; Graph tells a used pass only for one-time passes, so a multi-use pass signed in with reads `issued_not_used` until a strong method comes)"

// finishStatus is a pass's status in a wave report, from its usability reason and finish line.
func finishStatus(reason string, registered bool) string {
	switch {
	case registered:
		return statusRegistered
	case reason == graph.ReasonOneTimeUsed:
		return statusSignedIn
	case reason == graph.ReasonExpired:
		return statusExpired
	}
	return statusIssuedNotUsed
}
