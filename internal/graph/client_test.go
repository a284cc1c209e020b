package graph

import (
	"context"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// These tests run the real azidentity + msgraph-sdk-go path against
// in-process mocks, one per test (privateMock), all signed by testCA.
var testCA *graphmock.CA

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "graph-test-")
	if err == nil {
		err = os.Mkdir(filepath.Join(dir, "ca"), 0o755)
	}
	if err == nil {
		testCA, err = graphmock.NewCA(filepath.Join(dir, "ca"))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// Go reads SSL_CERT_FILE once, before the first dial: it holds testCA and,
	// trusted too, the certificate of every httptest TLS server (the same
	// one for all), for the servers that tests put in front of the mock.
	probe := httptest.NewTLSServer(http.NotFoundHandler())
	bundle := append(append([]byte{}, testCA.PEM...), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: probe.Certificate().Raw})...)
	probe.Close()
	if err := os.WriteFile(filepath.Join(dir, "bundle.pem"), bundle, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("SSL_CERT_FILE", filepath.Join(dir, "bundle.pem"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// testBackoff keeps every retry wait to milliseconds: no test waits on the
// clock for a back-off it could skip.
var testBackoff = Backoff{Initial: time.Millisecond, Max: 5 * time.Millisecond, MaxAttempts: 10}

// privateMock starts a mock with the default tenant for one test alone, so
// that its faults, settings and tenant are no other test's. The client's tests
// issue passes under the default (disabled) policy: the mock's allow setting
// (refusal_test.go turns refuse on where it tests it).
func privateMock(t testing.TB) *graphmock.Server {
	t.Helper()
	seed := graphmock.DefaultSeed()
	seed.PolicyScope = graphmock.PolicyScopeAllow
	m, err := graphmock.Start("127.0.0.1:0", graphmock.Options{CA: testCA, Seed: &seed})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

func newClient(t testing.TB, m *graphmock.Server, clientID, secret string) *Client {
	t.Helper()
	return newClientAt(t, m.URL, clientID, secret, nil)
}

// newClientAt builds a client for the mock at mockURL (Graph and login:
// the mock takes its own URL as the token audience), with testBackoff and
// short grace periods, then edit's changes.
func newClientAt(t testing.TB, mockURL, clientID, secret string, edit func(*Config)) *Client {
	t.Helper()
	cred, err := NewCredential(AuthConfig{TenantID: graphmock.TenantID, ClientID: clientID, ClientSecret: secret, AuthorityHost: mockURL})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{GraphEndpoint: mockURL, AuthorityHost: mockURL, Credential: cred, UserAgent: "terraform-provider-entratap/test",
		Backoff: testBackoff, ReplicationGrace: 200 * time.Millisecond, YoungPassGrace: time.Second}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// behind serves m through wrap, over TLS, and returns its URL: tests
// hold or count requests there.
func behind(t testing.TB, m *graphmock.Server, wrap func(next http.Handler) http.Handler) string {
	t.Helper()
	s := httptest.NewTLSServer(wrap(m.Mock))
	t.Cleanup(s.Close)
	m.AllowAudience(s.URL) // tokens are asked for this URL's audience
	return s.URL
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

func TestPolicyRoundTrip(t *testing.T) {
	t.Parallel()
	c := newClient(t, privateMock(t), graphmock.AdminClientID, graphmock.AdminClientSecret)
	p, err := c.GetPolicy(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if p.Enabled || p.DefaultLength != 8 || len(p.IncludeTargets) != 1 || p.IncludeTargets[0].ID != AllUsers || p.IncludeTargets[0].TargetType != "group" {
		t.Fatalf("default policy = %+v", p)
	}
	on, length := true, int32(12)
	inc := []Target{{ID: graphmock.OnboardingGroupID, TargetType: "group", IsRegistrationRequired: true}}
	exc := []Target{{ID: userID(t, c, graphmock.BobUPN), TargetType: "user"}}
	if err := c.UpdatePolicy(ctx(t), PolicyUpdate{Enabled: &on, DefaultLength: &length, IncludeTargets: &inc, ExcludeTargets: &exc}); err != nil {
		t.Fatal(err)
	}
	p, err = c.GetPolicy(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Enabled || p.DefaultLength != 12 || len(p.IncludeTargets) != 1 || !p.IncludeTargets[0].IsRegistrationRequired || len(p.ExcludeTargets) != 1 || p.ExcludeTargets[0].TargetType != "user" {
		t.Fatalf("updated policy = %+v", p)
	}
	if err := c.ResetPolicy(ctx(t)); err != nil {
		t.Fatal(err)
	}
	p, _ = c.GetPolicy(ctx(t))
	if p.Enabled || p.DefaultLength != 8 || len(p.ExcludeTargets) != 0 {
		t.Fatalf("reset policy = %+v", p)
	}
}

func userID(t *testing.T, c *Client, upn string) string {
	t.Helper()
	u, err := c.GetUser(ctx(t), upn)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestPassLifecycle(t *testing.T) {
	t.Parallel()
	m := privateMock(t)
	c := newClient(t, m, graphmock.AdminClientID, graphmock.AdminClientSecret)
	on := true
	if err := c.UpdatePolicy(ctx(t), PolicyUpdate{Enabled: &on}); err != nil {
		t.Fatal(err)
	}
	life := int32(120)
	p, err := c.CreatePass(ctx(t), graphmock.CarolUPN, NewPass{LifetimeInMinutes: &life})
	if err != nil {
		t.Fatal(err)
	}
	if p.ID == "" || len(p.Code) != 8 || p.LifetimeInMinutes != 120 || !p.IsUsable {
		t.Fatalf("created pass = %+v (code length %d)", p, len(p.Code))
	}
	if err := m.SignIn(graphmock.CarolUPN, p.Code); err != nil {
		t.Fatalf("the issued code does not sign carol in: %v", err)
	}
	got, err := c.GetPass(ctx(t), graphmock.CarolUPN, p.ID, p.CreatedDateTime)
	if err != nil {
		t.Fatal(err)
	}
	if got.Code != "" || got.ID != p.ID || !got.ExpirationDateTime().Equal(p.ExpirationDateTime()) {
		t.Fatalf("read pass = %+v", got)
	}
	list, err := c.ListPasses(ctx(t), graphmock.CarolUPN)
	if err != nil || len(list) != 1 {
		t.Fatalf("list = %v, %v", list, err)
	}
	if err := c.DeletePass(ctx(t), graphmock.CarolUPN, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeletePass(ctx(t), graphmock.CarolUPN, p.ID); err != nil {
		t.Fatalf("deleting a deleted pass must succeed: %v", err)
	}
	if _, err := c.GetPass(ctx(t), graphmock.CarolUPN, p.ID, time.Time{}); !IsNotFound(err) {
		t.Fatalf("read after delete: %v, want not found", err)
	}
}

func TestErrorsAreTypedAndActionable(t *testing.T) {
	t.Parallel()
	m := privateMock(t)
	ro := newClient(t, m, graphmock.ReadOnlyClientID, graphmock.ReadOnlyClientSecret)
	on := true
	err := ro.UpdatePolicy(ctx(t), PolicyUpdate{Enabled: &on})
	if !IsPermissionDenied(err) || !strings.Contains(err.Error(), "Policy.ReadWrite.AuthenticationMethod") {
		t.Fatalf("read-only write: %v", err)
	}
	admin := newClient(t, m, graphmock.AdminClientID, graphmock.AdminClientSecret)
	if _, err := admin.GetUser(ctx(t), "nobody@contoso.example"); !IsNotFound(err) {
		t.Fatalf("unknown user: %v", err)
	}
	life := int32(5000)
	_, err = admin.CreatePass(ctx(t), graphmock.BobUPN, NewPass{LifetimeInMinutes: &life})
	if !IsBadRequest(err) || !strings.Contains(err.Error(), "between 60 and 480") {
		t.Fatalf("lifetime out of range: %v", err)
	}
	_, err = admin.CreatePass(ctx(t), graphmock.GuestUPN, NewPass{})
	if !IsBadRequest(err) || !strings.Contains(err.Error(), "external guest") {
		t.Fatalf("guest: %v", err)
	}
	const wrong = "wrong-secret-value-42"
	bad := newClient(t, m, graphmock.AdminClientID, wrong)
	_, err = bad.GetPolicy(ctx(t))
	if kindOf(err) != KindUnauthorized || strings.Contains(err.Error(), wrong) || !strings.Contains(err.Error(), "AADSTS7000215") ||
		!strings.Contains(err.Error(), graphmock.AdminClientID) || !strings.Contains(err.Error(), graphmock.TenantID) {
		t.Fatalf("wrong secret: %v", err)
	}
}
