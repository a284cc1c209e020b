package graph

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// refusing starts a mock that refuses passes for users outside the policy,
// with a replication window (seconds on the mock's clock).
func refusing(t *testing.T, window float64) *graphmock.Server {
	t.Helper()
	m := privateMock(t)
	m.SetSettings(graphmock.Settings{PolicyScope: graphmock.PolicyScopeRefuse, PolicyReplicationSeconds: window})
	return m
}

func posts(t *testing.T, m *graphmock.Server) (ok, refused int) {
	t.Helper()
	for _, e := range m.Requests() {
		if e.Method == http.MethodPost && e.Status == http.StatusCreated {
			ok++
		}
		if e.Method == http.MethodPost && e.Status == http.StatusBadRequest {
			refused++
		}
	}
	return ok, refused
}

func TestPolicyRefusalIsTyped(t *testing.T) {
	t.Parallel()
	m := refusing(t, 0)
	c := newClient(t, m, graphmock.AdminClientID, graphmock.AdminClientSecret)
	_, err := c.CreatePass(context.Background(), graphmock.AliceUPN, NewPass{})
	if !IsPolicyRefused(err) || IsBadRequest(err) {
		t.Fatalf("disabled policy under refuse: %v", err)
	}
	// Not waited out by the plain create, nor by the other one when its
	// context ends: one POST each way before the deadline.
	m.ResetRequests()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = c.CreatePassAfterPolicyChange(ctx, graphmock.AliceUPN, NewPass{})
	if !IsPolicyRefused(err) && !IsTimeout(err) {
		t.Fatalf("bounded by ctx: %v", err)
	}
	if _, refused := posts(t, m); refused < 1 {
		t.Fatalf("refused POSTs: %d", refused)
	}
}

func TestPolicyRefusalAfterEnablingIsWaitedOut(t *testing.T) {
	t.Parallel()
	// A window of an hour, which the mock's clock skips once a retry was refused.
	m := refusing(t, 3600)
	c := newClient(t, m, graphmock.AdminClientID, graphmock.AdminClientSecret)
	on := true
	if err := c.UpdatePolicy(context.Background(), PolicyUpdate{Enabled: &on}); err != nil {
		t.Fatal(err)
	}
	m.ResetRequests()
	if _, err := c.CreatePass(context.Background(), graphmock.AliceUPN, NewPass{}); !IsPolicyRefused(err) {
		t.Fatalf("plain create inside the window: %v", err)
	}
	g := m.Gate(http.MethodPost, func(p string) bool { return strings.HasSuffix(p, "/temporaryAccessPassMethods") })
	t.Cleanup(g.Release)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	type result struct {
		p   *Pass
		err error
	}
	created := make(chan result, 1)
	go func() {
		p, err := c.CreatePassAfterPolicyChange(ctx, graphmock.AliceUPN, NewPass{})
		created <- result{p, err}
	}()
	select {
	case <-g.Arrived():
	case r := <-created:
		t.Fatalf("the create ended before it reached Graph: %v", r.err)
	}
	g.Release()
	<-g.Left() // its first POST, refused inside the window
	m.AdvanceClock(time.Hour)
	r := <-created
	if p, err := r.p, r.err; err != nil || p.Code == "" {
		t.Fatalf("after the window: %v", err)
	}
	if ok, refused := posts(t, m); ok != 1 || refused < 2 {
		t.Fatalf("POSTs: %d created, %d refused; want 1 and the plain one plus retries", ok, refused)
	}
}

func TestLookupPassesProvesTheUser(t *testing.T) {
	t.Parallel()
	c := newClient(t, privateMock(t), graphmock.AdminClientID, graphmock.AdminClientSecret)
	if _, err := c.LookupPasses(context.Background(), "00000000-0000-4000-8000-00000000dead"); !IsNotFound(err) {
		t.Fatalf("unknown user: %v", err)
	}
	if _, err := c.LookupPasses(context.Background(), graphmock.CarolID); err != nil {
		t.Fatalf("carol: %v", err)
	}
}
