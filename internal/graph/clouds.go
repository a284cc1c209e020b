package graph

import (
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
// loopback address (what kiota itself accepts). attr names the setting in
// the error.
func ValidateEndpoint(attr, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%s must be an absolute https URL such as https://graph.microsoft.com, got %q", attr, raw)
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return fmt.Errorf("%s must use https; plain http is only allowed for a loopback address (127.0.0.1, ::1, localhost), got %q", attr, raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%s must not carry a query or fragment, got %q", attr, raw)
	}
	return nil
}

// IsLoopback reports whether host names this machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
