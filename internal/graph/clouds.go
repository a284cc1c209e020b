package graph

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
)

// Cloud is one of Microsoft's national clouds.
type Cloud struct {
	GraphEndpoint string
	AuthorityHost string
}

// Clouds are the values the provider's `environment` accepts.
var Clouds = map[string]Cloud{
	"public":         {GraphEndpoint: "https://graph.microsoft.com", AuthorityHost: "https://login.microsoftonline.com"},
	"usgovernment":   {GraphEndpoint: "https://graph.microsoft.us", AuthorityHost: "https://login.microsoftonline.us"},
	"usgovernmentl5": {GraphEndpoint: "https://dod-graph.microsoft.us", AuthorityHost: "https://login.microsoftonline.us"},
	"china":          {GraphEndpoint: "https://microsoftgraph.chinacloudapi.cn", AuthorityHost: "https://login.chinacloudapi.cn"},
}

// CloudNames lists the keys of Clouds, sorted.
func CloudNames() []string {
	names := make([]string, 0, len(Clouds))
	for n := range Clouds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// isMicrosoftAuthority reports whether host is one of Microsoft's own login
// hosts, for which instance discovery works. For any other host discovery
// would try to reach Microsoft and hang offline, so it is turned off.
func isMicrosoftAuthority(authority string) bool {
	u, err := url.Parse(authority)
	if err != nil {
		return false
	}
	for _, c := range Clouds {
		if cu, _ := url.Parse(c.AuthorityHost); cu != nil && strings.EqualFold(cu.Host, u.Host) {
			return true
		}
	}
	return false
}

// ValidateEndpoint checks that raw is an absolute https URL, or http on a
// loopback address (what kiota itself accepts), with no user or password
// (they would end up in token scopes and logs) and, for graph_endpoint, no
// path (the client adds /v1.0 itself). attr names the setting in the error,
// which never repeats a password.
func ValidateEndpoint(attr, raw string) error {
	u, err := parseSettingURL(attr, raw)
	if err != nil {
		return err
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%s must not carry a query or fragment, got %q", attr, SafeURL(raw))
	}
	if attr == "graph_endpoint" && strings.Trim(u.Path, "/") != "" {
		hint := ""
		if v := strings.Trim(u.Path, "/"); strings.EqualFold(v, "v1.0") || strings.EqualFold(v, "beta") {
			hint = fmt.Sprintf(" (remove /%s: the provider adds /v1.0 itself)", v)
		}
		return fmt.Errorf("%s must be the Graph host only, such as https://graph.microsoft.com, without a path%s; got %q", attr, hint, SafeURL(raw))
	}
	return nil
}

// ValidateURLSetting checks a URL setting that may carry a path (msi_endpoint,
// oidc_request_url): absolute https (http for a loopback address only: a request token or
// a managed identity's token must never cross a network in clear), no user or password.
func ValidateURLSetting(attr, raw string) error {
	_, err := parseSettingURL(attr, raw)
	return err
}

func parseSettingURL(attr, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("%s must be an absolute https URL such as https://graph.microsoft.com, got %q", attr, SafeURL(raw))
	}
	if u.User != nil {
		return nil, fmt.Errorf("%s must not carry a user name or password (user:password@host): they would be sent and logged with every request; got %q: %w", attr, SafeURL(raw), ErrUserinfo)
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return nil, fmt.Errorf("%s must use https; plain http is only allowed for a loopback address (127.0.0.1, ::1, localhost), got %q", attr, SafeURL(raw))
	}
	return u, nil
}

// ErrUserinfo marks a URL setting refused for holding user:password@.
var ErrUserinfo = errors.New("remove the user and password from the URL")

// SafeURL is raw fit for a message: any user:password@ removed, and cut short.
func SafeURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		u.User = nil
		raw = u.String()
	} else if err != nil {
		// Unparsable: drop everything up to an @ that could hold a password.
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			raw = "[REDACTED]@" + raw[i+1:]
		}
	}
	return Truncate(raw, 200)
}

// Truncate cuts s to at most n bytes for a message, saying how long it was.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return fmt.Sprintf("%s… (%d bytes)", strings.ToValidUTF8(s[:n], ""), len(s))
}

// IsLoopback reports whether host names this machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
