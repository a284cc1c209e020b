package graph

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// refusing sets the mock to refuse passes for users outside the policy, with
// a replication window, until the test ends.
func refusing(t *testing.T, window float64) {
	t.Helper()
	srv.Reset()
	srv.SetSettings(graphmock.Settings{PolicyScope: graphmock.PolicyScopeRefuse, PolicyReplicationSeconds: window})
	t.Cleanup(srv.Reset)
}

func posts(t *testing.T) (ok, refused int) {
	t.Helper()
	for _, e := range srv.Requests() {
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
	refusing(t, 0)
	c := newClient(t, graphmock.AdminClientID, graphmock.AdminClientSecret)
	_, err := c.CreatePass(context.Background(), graphmock.AliceUPN, NewPass{})
	if !IsPolicyRefused(err) || IsBadRequest(err) {
		t.Fatalf("disabled policy under refuse: %v", err)
	}
	// Not waited out by the plain create, nor by the other one when its
	// context ends: one POST each way before the deadline.
	srv.ResetRequests()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = c.CreatePassAfterPolicyChange(ctx, graphmock.AliceUPN, NewPass{})
	if !IsPolicyRefused(err) && !IsTimeout(err) {
		t.Fatalf("bounded by ctx: %v", err)
	}
	if _, refused := posts(t); refused < 1 {
		t.Fatalf("refused POSTs: %d", refused)
	}
}

func TestPolicyRefusalAfterEnablingIsWaitedOut(t *testing.T) {
	// A window of 100 ms (tenant clock = wall clock here), retried every few ms.
	refusing(t, 0.1)
	c := newClient(t, graphmock.AdminClientID, graphmock.AdminClientSecret)
	on := true
	if err := c.UpdatePolicy(context.Background(), PolicyUpdate{Enabled: &on}); err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	if _, err := c.CreatePass(context.Background(), graphmock.AliceUPN, NewPass{}); !IsPolicyRefused(err) {
		t.Fatalf("plain create inside the window: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := c.CreatePassAfterPolicyChange(ctx, graphmock.AliceUPN, NewPass{})
	if err != nil || p.Code == "" {
		t.Fatalf("after the window: %v", err)
	}
	if ok, refused := posts(t); ok != 1 || refused < 2 {
		t.Fatalf("POSTs: %d created, %d refused; want 1 and the plain one plus retries", ok, refused)
	}
}

func TestLookupPassesProvesTheUser(t *testing.T) {
	c := newClient(t, graphmock.AdminClientID, graphmock.AdminClientSecret)
	if _, err := c.LookupPasses(context.Background(), "00000000-0000-4000-8000-00000000dead"); !IsNotFound(err) {
		t.Fatalf("unknown user: %v", err)
	}
	if _, err := c.LookupPasses(context.Background(), graphmock.CarolID); err != nil {
		t.Fatalf("carol: %v", err)
	}
}
