package graphmock

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// testCA signs the mocks of these tests and lends them its keys, which are
// made once instead of for every mock.
var testCA *CA

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "graphmock-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if testCA, err = NewCA(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// startServer starts a mock on loopback for the test, with testCA unless opts name a CA.
func startServer(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.CA == nil {
		opts.CA = testCA
	}
	s, err := Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// httpClient trusts the mock's CA only.
func httpClient(t *testing.T, s *Server) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.CAPEM) {
		t.Fatal("CA PEM not parseable")
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig.RootCAs = pool
	return &http.Client{Transport: tr, Timeout: 20 * time.Second}
}

// tokenFor gets an access token from the token endpoint with a client secret.
func tokenFor(t *testing.T, s *Server, clientID, secret string) string {
	t.Helper()
	return tokenWithClaims(t, s, clientID, secret, "")
}

// tokenWithClaims is tokenFor with a claims parameter (a CAE client's capabilities, say).
func tokenWithClaims(t *testing.T, s *Server, clientID, secret, claims string) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}, "scope": {s.URL + "/.default"}}
	if claims != "" {
		form.Set("claims", claims)
	}
	resp, err := httpClient(t, s).PostForm(s.URL+"/"+TenantID+"/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	defer func() { _ = resp.Body.Close() }()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || json.Unmarshal(raw, &body) != nil || body.AccessToken == "" {
		t.Fatalf("token: %d %s", resp.StatusCode, raw)
	}
	return body.AccessToken
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	raw    []byte
	json   map[string]any
}

// errCode is the OData error code of the answer ("" when not an error body).
func (r response) errCode() string {
	e, _ := r.json["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func (r response) errMessage() string {
	e, _ := r.json["error"].(map[string]any)
	c, _ := e["message"].(string)
	return c
}

// do sends a request with an optional bearer token and body (a string is sent as is,
// anything else as JSON) and decodes the JSON answer.
func do(t *testing.T, c *http.Client, method, u, token string, body any) response {
	t.Helper()
	return doWith(t, c, method, u, token, body, nil)
}

// doWith is do with extra request headers.
func doWith(t *testing.T, c *http.Client, method, u, token string, body any, header http.Header) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	_ = json.Unmarshal(raw, &r.json)
	return r
}

// checkGraphError asserts a Graph-shaped error body with the status and code.
func checkGraphError(t *testing.T, r response, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	e, ok := r.json["error"].(map[string]any)
	if !ok {
		t.Fatalf("no error object: %s", r.raw)
	}
	if e["code"] != code {
		t.Fatalf("code %v, want %s: %s", e["code"], code, r.raw)
	}
	if m, _ := e["message"].(string); m == "" {
		t.Fatalf("empty message: %s", r.raw)
	}
	inner, ok := e["innerError"].(map[string]any)
	if !ok || inner["request-id"] == "" || inner["date"] == "" {
		t.Fatalf("bad innerError: %s", r.raw)
	}
}

// enablePolicy enables the TAP policy for everyone through the out-of-band API.
func enablePolicy(t *testing.T, m *Mock, extra map[string]any) {
	t.Helper()
	body := map[string]any{"@odata.type": policyODataType, "state": "enabled"}
	for k, v := range extra {
		body[k] = v
	}
	if st, raw := m.GraphRequest(http.MethodPatch, policyPath, body); st != http.StatusNoContent {
		t.Fatalf("enable policy: %d %s", st, raw)
	}
}

// decodeResponse reads and decodes an answer (the caller closes the body).
func decodeResponse(resp *http.Response) response {
	raw, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	_ = json.Unmarshal(raw, &r.json)
	return r
}

// startAllowing starts a mock whose passes need no policy (the allow setting) and returns it
// with a client and the admin app's token.
func startAllowing(t *testing.T, opts Options) (*Server, *http.Client, string) {
	t.Helper()
	s := startServer(t, opts)
	s.SetSettings(Settings{PolicyScope: PolicyScopeAllow})
	return s, httpClient(t, s), tokenFor(t, s, AdminClientID, AdminClientSecret)
}
