package graph

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// FuzzValidateEndpoint: graph_endpoint and authority_host as typed. No
// panic; a refusal names the setting and quotes the value; what is accepted
// is an absolute https URL, or http on a loopback address, without a query
// or fragment.
func FuzzValidateEndpoint(f *testing.F) {
	for _, seed := range []string{
		"https://graph.microsoft.com", "https://127.0.0.1:8443", "http://127.0.0.1:8080", "http://[::1]:80", "http://localhost",
		"http://graph.microsoft.com", "https://graph.microsoft.com/?x=1", "https://h/#f", "ftp://h", "graph.microsoft.com",
		"", "https://", "https:///x", "http://LOCALHOST.", "https://[::1", "https://h:99999", "https://user:pass@h",
		"https://h/%zz", "\x00", "https://h\n", "http://0x7f.1",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		err := ValidateEndpoint("graph_endpoint", raw)
		if err != nil {
			// The value is quoted as SafeURL gives it: without user:password@, cut short.
			if msg := err.Error(); !strings.HasPrefix(msg, "graph_endpoint ") || !strings.Contains(msg, fmt.Sprintf("%q", SafeURL(raw))) {
				t.Fatalf("%q: the error names neither the setting nor the value: %s", raw, msg)
			}
			if u, perr := url.Parse(raw); perr == nil && u.User != nil {
				if _, ok := u.User.Password(); ok && strings.Contains(err.Error(), u.User.String()+"@") {
					t.Fatalf("%q: the error repeats the user and password: %s", raw, err)
				}
			}
			return
		}
		u, perr := url.Parse(raw)
		switch {
		case perr != nil || u.Host == "":
			t.Fatalf("%q accepted but not an absolute URL (%v)", raw, perr)
		case u.Scheme != "https" && (u.Scheme != "http" || !IsLoopback(u.Hostname())):
			t.Fatalf("%q accepted: scheme %q on host %q", raw, u.Scheme, u.Hostname())
		case u.RawQuery != "" || u.Fragment != "":
			t.Fatalf("%q accepted with a query or fragment", raw)
		}
	})
}

// The URL settings that carry a path (oidc_request_url, msi_endpoint) take http only on a
// loopback address: the CI request token or a managed identity's token never goes in clear.
func TestValidateURLSettingHTTPOnlyOnLoopback(t *testing.T) {
	t.Parallel()
	for raw, ok := range map[string]bool{
		"https://token.actions.githubusercontent.com/x?api-version=2.0": true,
		"http://127.0.0.1:41741/MSI/token/":                             true,
		"http://localhost:42356/msi/token":                              true,
		"http://[::1]:8080/token":                                       true,
		"http://ci.example.com/token?api-version=2.0":                   false,
		"http://10.0.0.4/msi/token":                                     false,
	} {
		if err := ValidateURLSetting("oidc_request_url", raw); (err == nil) != ok {
			t.Errorf("ValidateURLSetting(%q) = %v, want ok %v", raw, err, ok)
		}
	}
}
