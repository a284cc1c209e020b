package graphmock

// Issue 18.10: the mock refuses what Graph and Entra refuse.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"
)

// A body that trickles in is cut by the read timeout, not held forever.
func TestHostile_bodyReadTimeout(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{ReadTimeout: 300 * time.Millisecond})
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CAPEM)
	conn, err := tls.Dial("tcp", strings.TrimPrefix(s.URL, "https://"), &tls.Config{RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Headers promise 100 bytes; one arrives, then nothing.
	if _, err := io.WriteString(conn, "POST /v1.0/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"); err != nil {
		t.Fatal(err)
	}
	// The server closes the connection once ReadTimeout passes; a deadline
	// of our own only stops the test hanging on a mock that never does.
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, err = io.ReadAll(conn)
	if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
		t.Fatal("the mock held a trickling body for 20 s: no read timeout")
	}
}

// A token's audience comes from the configured base URL, not the Host header.
func TestHostile_spoofedHostGetsNoToken(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {AdminClientID}, "client_secret": {AdminClientSecret},
		"scope": {"https://evil.example/.default"}}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/"+TenantID+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Host = "evil.example"
	resp, err := httpClient(t, s).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK {
		t.Fatalf("a spoofed Host got a token for itself: %s", raw)
	}
}

// A Graph write with a body not declared JSON is 415, as Graph answers.
func TestHostile_graphWriteNeedsJSON(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := tokenFor(t, s, AdminClientID, AdminClientSecret)
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/v1.0/users/"+AliceID+"/authentication/temporaryAccessPassMethods", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := httpClient(t, s).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r := decodeResponse(resp)
	checkGraphError(t, r, http.StatusUnsupportedMediaType, "UnsupportedMediaType")
	if len(s.Snapshot().Passes) != 0 {
		t.Fatal("a pass was created from a text/plain body")
	}
}

// Huge clock advances are refused: no overflow, no clock moving back.
func TestHostile_clockBounds(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	before := s.Now()
	c := httpClient(t, s)
	for range 2 {
		r := do(t, c, http.MethodPost, s.URL+"/_mock/clock", "", map[string]any{"advance": "2000000h"})
		if r.status != http.StatusBadRequest {
			t.Fatalf("advance by 2,000,000 h: HTTP %d %s, want 400", r.status, r.raw)
		}
	}
	s.AdvanceClock(time.Duration(1<<62) * 1)
	s.AdvanceClock(time.Duration(1<<62) * 1)
	if now := s.Now(); now.Before(before) || now.Sub(before) > MaxClockOffset+time.Hour {
		t.Fatalf("the clock moved from %s to %s", before, now)
	}
}

// The request log keeps the path as sent, with its query string.
func TestHostile_requestLogRawPath(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	tok := tokenFor(t, s, AdminClientID, AdminClientSecret)
	do(t, httpClient(t, s), http.MethodGet, s.URL+"/v1.0/users/a%2Fb?$select=id", tok, nil)
	for _, e := range s.Requests() {
		if strings.HasPrefix(e.Path, "/v1.0/users/a") {
			if e.URI != "/v1.0/users/a%2Fb?$select=id" {
				t.Fatalf("logged %q, want the raw path with its query", e.URI)
			}
			return
		}
	}
	t.Fatalf("request not logged: %+v", s.Requests())
}

// holdAfterCommitMs: the change is in the tenant while its answer is held,
// and a client that gives up (dies) never gets it.
func TestHostile_holdAfterCommit(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	enablePolicy(t, s.Mock, nil)
	s.SetFaults(Faults{HoldAfterCommitMs: 600000})
	tok := tokenFor(t, s, AdminClientID, AdminClientSecret)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/v1.0/users/"+AliceID+"/authentication/temporaryAccessPassMethods", strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := httpClient(t, s).Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	// Wait for the commit (the tenant holds the pass), not for a time.
	for len(s.Snapshot().Passes) == 0 {
		select {
		case err := <-done:
			t.Fatalf("answered before the hold: %v", err)
		default:
			runtime.Gosched()
		}
	}
	cancel() // the client dies
	if err := <-done; err == nil {
		t.Fatal("the held answer arrived")
	}
	if len(s.Snapshot().Passes) != 1 {
		t.Fatal("the committed pass is gone")
	}
}
