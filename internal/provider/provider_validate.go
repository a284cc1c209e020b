package provider

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

// checkID says what is wrong with a tenant or client ID, quoting at most a
// short prefix of it (a pasted file must not fill the terminal).
func checkID(attr, v string, domainOK bool) error {
	if v == "" || guidRE.MatchString(v) || (domainOK && len(v) <= 253 && domainPattern.MatchString(v)) {
		return nil
	}
	want := "a GUID such as 00000000-0000-0000-0000-000000000000"
	if domainOK {
		want += ", or a domain name of the tenant such as contoso.onmicrosoft.com"
	}
	return fmt.Errorf("%s must be %s; got %q", attr, want, graph.Truncate(v, 60))
}

// checkIDs checks the merged tenant and client IDs, environment values included.
func checkIDs(tenantID, clientID string) error {
	if err := checkID("tenant_id", tenantID, true); err != nil {
		return err
	}
	return checkID("client_id", clientID, false)
}

// addURLError reports a bad URL setting. One holding a user or password gets
// no attribute path: Terraform would print its configuration line, and with
// it the password; the message names the attribute instead.
func addURLError(diags *diag.Diagnostics, p path.Path, raw, summary string, err error) {
	if hasUserinfo(err) || graph.SafeURL(raw) != graph.Truncate(raw, 200) {
		diags.AddError(summary, err.Error())
		return
	}
	diags.AddAttributeError(p, summary, err.Error())
}

func hasUserinfo(err error) bool {
	return errors.Is(err, graph.ErrUserinfo)
}
