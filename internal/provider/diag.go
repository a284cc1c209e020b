package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

// graphDiag turns a graph error into a diagnostic a user can act on: what
// failed, why, what to do, then Graph's own words (code and request-id are
// part of the error text).
func graphDiag(summary string, err error) diag.Diagnostic {
	var ge *graph.Error
	if !errors.As(err, &ge) {
		return diag.NewErrorDiagnostic(summary, err.Error())
	}
	var advice string
	switch ge.Kind {
	case graph.KindPermissionDenied:
		if ge.Delegated != "" {
			advice = "Sign in as a user holding the directory role named below (or activate it in Privileged Identity Management), then run again (az login refreshes the roles in the token)."
			break
		}
		advice = fmt.Sprintf("Grant the application the Microsoft Graph application permission %s and give admin consent "+
			"(or, signed in as a user, hold an admin role that allows it), then run again.", ge.Permission)
	case graph.KindUnauthorized:
		var se *graph.SettingError
		if errors.As(ge.Err, &se) {
			advice = "The provider could not get the token it signs in with: fix the setting named below (a local file or the CI's token endpoint), then run again."
			break
		}
		advice = "Check the provider's credentials (tenant_id, client_id and the secret, certificate or token) and that the application exists in the tenant."
	case graph.KindThrottled:
		advice = "Microsoft Graph kept throttling after the retries. Run again later, or lower -parallelism."
	case graph.KindTimeout:
		advice = "The operation ran out of time before Microsoft Graph answered. Raise the matching value of the resource's `timeouts` attribute " +
			"(timeouts.create for a create, timeouts.read, timeouts.update or timeouts.delete), then run again."
	case graph.KindCanceled:
		advice = "The operation was interrupted (Terraform was cancelled) before Microsoft Graph answered; it may or may not have taken effect."
	case graph.KindServer, graph.KindTransport:
		advice = "Microsoft Graph did not answer properly after the retries. Run again; Terraform's state still matches what was confirmed to exist."
	case graph.KindBadRequest:
		advice = "Microsoft Graph refused the request as written: change the configuration as its message says."
	case graph.KindNotFound:
		advice = "The object does not exist in the tenant (or has not replicated yet)."
	}
	if advice == "" {
		return diag.NewErrorDiagnostic(summary, ge.Error())
	}
	return diag.NewErrorDiagnostic(summary, advice+"\n\n"+ge.Error())
}

// skippedUsers gathers, over a call on many users, the users left alone because the signed-in
// user's role does not reach them (graph.DeniedForUser), each with the role it needs; diag makes
// them one diagnostic.
type skippedUsers []string

// add records u when err is such a denial, and reports whether it was.
func (s *skippedUsers) add(u graph.User, err error) bool {
	why := graph.DeniedForUser(err)
	if why == "" {
		return false
	}
	label := u.ID
	if u.UserPrincipalName != "" {
		label = fmt.Sprintf("%s (object id %s)", u.Label(), u.ID)
	}
	*s = append(*s, fmt.Sprintf("- %s %s", label, why))
	return true
}

// diag is the one diagnostic naming every skipped user: what was done for the others
// (done, a sentence), then each user and the role it needs, then what to do.
func (s skippedUsers) diag(ctx context.Context, c *graph.Client, severity diag.Severity, summary, done string) diag.Diagnostic {
	who := "The provider"
	if caller, err := c.Caller(ctx); err == nil && caller.IsUser() { // known by now: no Graph call
		who = fmt.Sprintf("Signed in as %s with %s, the provider", caller.Name(), caller.RolesText())
	}
	detail := fmt.Sprintf("%s %s These %d user(s) are out of its reach and were skipped:\n\n%s\n\n"+
		"Sign in as a user holding the role named (or activate it in Privileged Identity Management; az login refreshes the roles in the token), then run again.",
		who, done, len(s), strings.Join(s, "\n"))
	if severity == diag.SeverityWarning {
		return diag.NewWarningDiagnostic(summary, detail)
	}
	return diag.NewErrorDiagnostic(summary, detail)
}

func asWarning(d diag.Diagnostic) diag.Diagnostic {
	return diag.NewWarningDiagnostic(d.Summary(), d.Detail())
}
