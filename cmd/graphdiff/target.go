package main

// The target of a run: the mock (default, in-process) or a live tenant (opt-in, from
// ENTRATAP_DIFF_* variables). Tokens come from internal/graph's credential (azidentity), as
// the provider's do; requests are plain HTTP because the record is about the wire (property
// names, JSON types, headers), which msgraph-sdk-go's typed models hide.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// The environment a run reads. Only the TENANT_ID, CLIENT_ID, CLIENT_SECRET and USER are
// needed for a live tenant; without ENTRATAP_DIFF_TENANT_ID the run starts a mock.
const (
	envTenantID         = "ENTRATAP_DIFF_TENANT_ID"
	envClientID         = "ENTRATAP_DIFF_CLIENT_ID"
	envClientSecret     = "ENTRATAP_DIFF_CLIENT_SECRET"
	envReadOnlyClientID = "ENTRATAP_DIFF_READONLY_CLIENT_ID"
	envReadOnlySecret   = "ENTRATAP_DIFF_READONLY_CLIENT_SECRET"
	envUser             = "ENTRATAP_DIFF_USER"
	envGuest            = "ENTRATAP_DIFF_GUEST"
	envAuthorityHost    = "ENTRATAP_DIFF_AUTHORITY_HOST"
	envGraphURL         = "ENTRATAP_DIFF_GRAPH_URL"
	envMockSettings     = "ENTRATAP_DIFF_MOCK_SETTINGS"
)

const graphScope = "https://graph.microsoft.com/.default"

// target is where a run sends its requests.
type target struct {
	kind      string // "mock" or "tenant"
	graphURL  string // without /v1.0
	authority string // the authority host, for normalising a token's issuer
	tenantID  string
	http      *http.Client
	admin     *graph.Credential
	readOnly  *graph.Credential // nil: the missing-permission scenario is skipped
	user      string            // UPN of the test user, who gets a pass
	guest     string            // UPN of an external guest ("": skipped)
	mock      *graphmock.Server // the mock, when the target is one
	close     func()
}

// newTarget builds the target the environment names.
func newTarget(getenv func(string) string) (*target, error) {
	if getenv(envTenantID) == "" {
		return newMockTarget(getenv)
	}
	t := &target{kind: "tenant", tenantID: getenv(envTenantID), user: getenv(envUser), guest: getenv(envGuest),
		graphURL:  strings.TrimSuffix(orDefault(getenv(envGraphURL), "https://graph.microsoft.com"), "/"),
		authority: strings.TrimSuffix(orDefault(getenv(envAuthorityHost), "https://login.microsoftonline.com"), "/"),
		http:      &http.Client{Timeout: time.Minute}, close: func() {}}
	var missing []string
	for _, k := range []string{envClientID, envClientSecret, envUser} {
		if getenv(k) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s is set, so the run goes to that tenant, but %s %s not set", envTenantID, strings.Join(missing, " and "),
			map[bool]string{true: "is", false: "are"}[len(missing) == 1])
	}
	var err error
	if t.admin, err = t.credential(getenv(envClientID), getenv(envClientSecret)); err != nil {
		return nil, err
	}
	if id := getenv(envReadOnlyClientID); id != "" {
		if t.readOnly, err = t.credential(id, getenv(envReadOnlySecret)); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// newMockTarget starts a mock on loopback and prepares it as a tenant must be prepared (the
// policy enabled for the test user); ENTRATAP_DIFF_MOCK_SETTINGS (graphmock.Settings as JSON)
// switches its disputed behaviours.
func newMockTarget(getenv func(string) string) (*target, error) {
	var settings *graphmock.Settings
	if s := getenv(envMockSettings); s != "" {
		settings = &graphmock.Settings{}
		if err := json.Unmarshal([]byte(s), settings); err != nil {
			return nil, fmt.Errorf("%s: %w", envMockSettings, err)
		}
		if err := settings.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", envMockSettings, err)
		}
	}
	srv, err := graphmock.Start("127.0.0.1:0", graphmock.Options{})
	if err != nil {
		return nil, err
	}
	if settings != nil {
		srv.SetSettings(*settings)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(srv.CAPEM)
	tr, _ := http.DefaultTransport.(*http.Transport)
	tr = tr.Clone()
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	tr.TLSClientConfig.RootCAs = pool
	t := &target{kind: "mock", graphURL: srv.URL, authority: srv.URL, tenantID: graphmock.TenantID,
		http: &http.Client{Transport: tr, Timeout: time.Minute}, user: graphmock.AliceUPN, guest: graphmock.GuestUPN,
		mock: srv, close: func() { _ = srv.Close() }}
	enable := map[string]any{"@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration", "state": "enabled"}
	if st, raw := srv.GraphRequest(http.MethodPatch, "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass", enable); st != http.StatusNoContent {
		t.close()
		return nil, fmt.Errorf("enabling the mock's policy: %d %s", st, raw)
	}
	if t.admin, err = t.credential(graphmock.AdminClientID, graphmock.AdminClientSecret); err == nil {
		t.readOnly, err = t.credential(graphmock.ReadOnlyClientID, graphmock.ReadOnlyClientSecret)
	}
	if err != nil {
		t.close()
		return nil, err
	}
	return t, nil
}

// credential is the client-secret credential of internal/graph against the target's authority.
func (t *target) credential(clientID, secret string) (*graph.Credential, error) {
	if secret == "" {
		return nil, errors.New("a client id is set without its secret")
	}
	return graph.NewCredential(graph.AuthConfig{TenantID: t.tenantID, ClientID: clientID, ClientSecret: secret,
		AuthorityHost: t.authority, HTTPClient: t.http})
}

func (t *target) token(ctx context.Context, cred *graph.Credential) (string, error) {
	return cred.AccessToken(ctx, graphScope)
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}
