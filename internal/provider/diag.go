package provider

import (
	"errors"
	"fmt"

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
