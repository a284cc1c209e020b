package graphmock

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
)

// A held request gets no answer until the gate is released, then it is served; other
// requests pass meanwhile.
func TestGate_holdsUntilRelease(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	tok := tokenFor(t, s, AdminClientID, AdminClientSecret)
	g := s.Gate(http.MethodPatch, func(p string) bool { return p == policyPath })
	t.Cleanup(g.Release)
	answered := make(chan response, 1)
	go func() {
		answered <- do(t, c, http.MethodPatch, s.URL+policyPath, tok, map[string]any{"@odata.type": policyODataType, "state": "enabled"})
	}()
	select {
	case <-g.Arrived():
	case r := <-answered:
		t.Fatalf("the PATCH was answered without being held: %d", r.status)
	}
	// Not held: another method on the same path, and another path.
	if r := do(t, c, http.MethodGet, s.URL+policyPath, tok, nil); r.status != http.StatusOK || r.json["state"] != "disabled" {
		t.Fatalf("GET policy while the PATCH is held: %d %s", r.status, r.raw)
	}
	select {
	case r := <-answered:
		t.Fatalf("the held PATCH was answered before the release: %d", r.status)
	default:
	}
	g.Release()
	if r := <-answered; r.status != http.StatusNoContent {
		t.Fatalf("released PATCH: %d %s", r.status, r.raw)
	}
	if abandoned := <-g.Left(); abandoned {
		t.Fatal("Left says abandoned for a request that was served")
	}
	if st, raw := s.GraphRequest(http.MethodGet, policyPath, nil); st != http.StatusOK || !strings.Contains(string(raw), `"enabled"`) {
		t.Fatalf("the released PATCH was not applied: %d %s", st, raw)
	}
	// Released: the gate holds no more.
	if r := do(t, c, http.MethodPatch, s.URL+policyPath, tok, map[string]any{"@odata.type": policyODataType, "state": "disabled"}); r.status != http.StatusNoContent {
		t.Fatalf("PATCH after the release: %d %s", r.status, r.raw)
	}
}

// A held request whose client gives up is never served, over HTTP/2 and HTTP/1.1.
func TestGate_abandonedRequestIsNotServed(t *testing.T) {
	t.Parallel()
	for _, proto := range []string{"HTTP/2", "HTTP/1.1"} {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			s := startServer(t, Options{})
			c := httpClient(t, s)
			if proto == "HTTP/1.1" {
				tr := c.Transport.(*http.Transport)
				tr.ForceAttemptHTTP2 = false
				tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
				tr.TLSClientConfig.NextProtos = []string{"http/1.1"}
			}
			tok := tokenFor(t, s, AdminClientID, AdminClientSecret)
			g := s.Gate("", func(p string) bool { return strings.HasSuffix(p, "/temporaryAccessPassMethods") })
			t.Cleanup(g.Release)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			failed := make(chan error, 1)
			go func() {
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/v1.0/users/"+AliceID+"/authentication/temporaryAccessPassMethods", strings.NewReader(`{}`))
				req.Header.Set("Authorization", "Bearer "+tok)
				req.Header.Set("Content-Type", "application/json")
				resp, err := c.Do(req)
				if err == nil {
					if resp.Proto != proto {
						err = errors.New("answered over " + resp.Proto)
					}
					_ = resp.Body.Close()
				}
				failed <- err
			}()
			select {
			case <-g.Arrived():
			case err := <-failed:
				t.Fatalf("the POST ended before the gate held it: %v", err)
			}
			cancel()
			if err := <-failed; !errors.Is(err, context.Canceled) {
				t.Fatalf("the cancelled POST: %v, want context.Canceled", err)
			}
			if abandoned := <-g.Left(); !abandoned {
				t.Fatal("Left says served for a request whose client gave up")
			}
			g.Release()
			if n := len(s.Snapshot().Passes); n != 0 {
				t.Fatalf("the abandoned POST created %d passes", n)
			}
			logged := false
			for _, e := range s.Requests() {
				logged = logged || (e.Method == http.MethodPost && strings.HasSuffix(e.Path, "/temporaryAccessPassMethods"))
			}
			if !logged {
				t.Fatal("the abandoned POST is not in the request log")
			}
		})
	}
}

// Mocks started with one CA are all trusted through its one PEM file.
func TestCA_sharedByServers(t *testing.T) {
	t.Parallel()
	ca, err := NewCA(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pemFile, err := os.ReadFile(ca.File)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemFile) {
		t.Fatal("the CA file holds no certificate")
	}
	for i := 0; i < 2; i++ {
		s := startServer(t, Options{CA: ca})
		if s.CAFile != ca.File || string(s.CAPEM) != string(ca.PEM) {
			t.Fatalf("server %d: CAFile %s, want %s (and the same PEM)", i, s.CAFile, ca.File)
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig.RootCAs = pool
		resp, err := (&http.Client{Transport: tr}).Get(s.URL + "/" + TenantID + "/v2.0/.well-known/openid-configuration")
		if err != nil {
			t.Fatalf("server %d, trusting the shared CA file: %v", i, err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("server %d: HTTP %d", i, resp.StatusCode)
		}
	}
	// A server of its own keeps its own CA: the shared file does not vouch for it.
	own, err := Start("127.0.0.1:0", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig.RootCAs = pool
	if resp, err := (&http.Client{Transport: tr}).Get(own.URL + "/" + TenantID + "/v2.0/.well-known/openid-configuration"); err == nil {
		_ = resp.Body.Close()
		t.Fatal("a server without Options.CA was trusted through the shared CA")
	}
}
