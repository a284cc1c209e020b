package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

// guidPattern is in pass_list_resource.go.
var domainPattern = regexp.MustCompile(`^(?i:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.(?i:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?))+$`)

// checkID says what is wrong with a tenant or client ID, quoting at most a
// short prefix of it (a pasted file must not fill the terminal).
func checkID(attr, v string, domainOK bool) error {
	if v == "" || guidPattern.MatchString(v) || (domainOK && len(v) <= 253 && domainPattern.MatchString(v)) {
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

// idValidator checks tenant_id and client_id at validate time.
type idValidator struct {
	attr     string
	domainOK bool
}

func (v idValidator) Description(context.Context) string {
	if v.domainOK {
		return "must be a GUID or a domain name"
	}
	return "must be a GUID"
}

func (v idValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v idValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkID(v.attr, req.ConfigValue.ValueString(), v.domainOK); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+v.attr, err.Error())
	}
}

// urlValidator checks msi_endpoint and oidc_request_url: absolute http(s), no user:password@.
type urlValidator struct{}

func (urlValidator) Description(context.Context) string {
	return "must be an absolute http or https URL without a user or password"
}

func (v urlValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (urlValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == "" {
		return
	}
	if err := graph.ValidateURLSetting(req.Path.String(), req.ConfigValue.ValueString()); err != nil {
		addURLError(&resp.Diagnostics, req.Path, req.ConfigValue.ValueString(), "Invalid URL", err)
	}
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
