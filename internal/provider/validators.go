package provider

// Every custom validator of the provider, and the patterns they share.

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

// guidRE is an object id (a GUID), the one pattern for one.
var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// upnRE is a user principal name's shape: local@domain, the domain holding a dot.
var upnRE = regexp.MustCompile(`^[^@\s/]+@[^@\s/]+\.[^@\s/]+$`)

// domainPattern is a tenant's domain name, for tenant_id.
var domainPattern = regexp.MustCompile(`^(?i:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.(?i:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?))+$`)

const maxUTCOffset = 14 * 60 * 60

// lastTime is the last instant an RFC 3339 timestamp can hold.
var lastTime = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)

// userKeyValidator is the one rule for what a user_id is, wherever one is written (a pass,
// an ephemeral pass, a data source, a wave entry, a revoke action, a listing): an object id
// (GUID) or a user principal name (local@domain). Graph's /users/{id} takes nothing else, and
// "." or ".." (dot segments) or a "/" would change the request's path (graph.CheckUserKey).
type userKeyValidator struct{}

func (userKeyValidator) Description(context.Context) string {
	return "must be a user's object id (GUID) or user principal name (alice@contoso.com)"
}

func (v userKeyValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (userKeyValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v := req.ConfigValue.ValueString()
	if err := graph.CheckUserKey(v); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid user_id", fmt.Sprintf("%s: %v", req.Path, err))
		return
	}
	if !guidRE.MatchString(v) && !upnRE.MatchString(v) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid user_id",
			fmt.Sprintf("%s: %q is not a user: it must be an object id (GUID) or a user principal name such as alice@contoso.com.", req.Path, graph.Truncate(v, 120)))
	}
}

// groupIDValidator: a group is named by its object id.
var groupIDValidator = stringvalidator.RegexMatches(guidRE, "must be a group object id (GUID)")

// rfc3339Validator refuses a start_date_time that is not an RFC 3339 timestamp.
type rfc3339Validator struct{}

var _ validator.String = rfc3339Validator{}

func (rfc3339Validator) Description(context.Context) string {
	return "must be an RFC 3339 timestamp, e.g. 2025-09-01T07:30:00Z"
}

func (v rfc3339Validator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (rfc3339Validator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	t, err := time.Parse(time.RFC3339, req.ConfigValue.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid timestamp",
			fmt.Sprintf("%s must be an RFC 3339 timestamp such as 2025-09-01T07:30:00Z or 2025-09-01T09:30:00+02:00, got %q.", req.Path, graph.Truncate(req.ConfigValue.ValueString(), 80)))
		return
	}
	if _, off := t.Zone(); off > maxUTCOffset || off < -maxUTCOffset {
		// Go parses any two-digit offset; no place on Earth is beyond ±14:00.
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid timestamp",
			fmt.Sprintf("%s has the UTC offset %s, outside what exists (-14:00 to +14:00), got %q.", req.Path, t.Format("-07:00"), req.ConfigValue.ValueString()))
		return
	}
	if t.Add(maxLifetime * time.Minute).After(lastTime) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid timestamp",
			fmt.Sprintf("%s = %q is too late: a pass starting then could expire after the year 9999, which RFC 3339 timestamps cannot hold. Choose a start before %s.",
				req.Path, req.ConfigValue.ValueString(), lastTime.Add(-maxLifetime*time.Minute).Format(time.RFC3339)))
	}
}

// endpointValidator checks graph_endpoint and authority_host at plan time.
type endpointValidator struct{ httpsOnly bool }

func (v endpointValidator) Description(context.Context) string {
	if v.httpsOnly {
		return "must be an https URL"
	}
	return "must be an https URL (http only on a loopback address)"
}

func (v endpointValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v endpointValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	name := req.Path.String()
	if err := graph.ValidateEndpoint(name, raw); err != nil {
		addURLError(&resp.Diagnostics, req.Path, raw, "Invalid endpoint", err)
		return
	}
	if v.httpsOnly && !strings.HasPrefix(strings.ToLower(raw), "https://") {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid endpoint", name+" must use https: the identity library refuses any other scheme for the login authority.")
	}
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
	return "must be an absolute https URL (http only on a loopback address) without a user or password"
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

// positiveDuration refuses a timeout of zero or less; the timeouts package checks the syntax.
type positiveDuration struct{}

func (positiveDuration) Description(context.Context) string { return "must be a positive duration" }

func (v positiveDuration) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (positiveDuration) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if d, err := time.ParseDuration(req.ConfigValue.ValueString()); err == nil && d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid timeout",
			fmt.Sprintf("%s = %q: a timeout must be a positive duration such as \"30s\", \"5m\" or \"1h\".", req.Path, req.ConfigValue.ValueString()))
	}
}
