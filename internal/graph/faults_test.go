package graph

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// withFaults sets the mock's faults for one test and clears them after.
func withFaults(t *testing.T, f graphmock.Faults) {
	t.Helper()
	srv.SetFaults(f)
	t.Cleanup(func() { srv.SetFaults(graphmock.Faults{}) })
}

func TestRetriesThrottlingAndUnavailable(t *testing.T) {
	c := newClient(t, graphmock.AdminClientID, graphmock.AdminClientSecret)
	zero := 0.0
	withFaults(t, graphmock.Faults{Rate: 0.3, Statuses: []int{429, 503, 504}, RetryAfterSeconds: &zero, LatencyMs: 1})
	for i := 0; i < 30; i++ {
		p, err := c.CreatePass(ctx(t), graphmock.BobUPN, NewPass{})
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
		if _, err := c.GetPass(ctx(t), graphmock.BobUPN, p.ID, true); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	if c.Retries.Load() == 0 {
		t.Fatal("30% faults but no retry counted")
	}
	t.Logf("requests %d, retries %d", c.Requests.Load(), c.Retries.Load())
	state := srv.Snapshot()
	n := 0
	for _, p := range state.Passes {
		if p.UserID == userID(t, c, graphmock.BobUPN) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("bob holds %d passes, want exactly 1", n)
	}
}

func TestDroppedCreateLeavesExactlyTheReturnedPass(t *testing.T) {
	c := newClient(t, graphmock.AdminClientID, graphmock.AdminClientSecret)
	withFaults(t, graphmock.Faults{DropAfterCommitRate: 0.5})
	bob := userID(t, c, graphmock.BobUPN)
	for i := 0; i < 10; i++ {
		p, err := c.CreatePass(ctx(t), bob, NewPass{})
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
		var ids []string
		for _, sp := range srv.Snapshot().Passes {
			if sp.UserID == bob {
				ids = append(ids, sp.ID)
			}
		}
		if len(ids) != 1 || ids[0] != p.ID {
			t.Fatalf("tenant passes of bob = %v, want only the returned %s", ids, p.ID)
		}
	}
}

func TestReplicationLagIsWaitedOutForYoungObjects(t *testing.T) {
	c := newClient(t, graphmock.AdminClientID, graphmock.AdminClientSecret)
	withFaults(t, graphmock.Faults{ReplicationLagReads: 2})
	p, err := c.CreatePass(ctx(t), graphmock.CarolUPN, NewPass{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetPass(ctx(t), graphmock.CarolUPN, p.ID, true); err != nil {
		t.Fatalf("young pass read through lag: %v", err)
	}
	u, err := srv.AddUser(graphmock.NewUser{UserPrincipalName: fmt.Sprintf("fresh%d@contoso.example", time.Now().UnixNano()), DisplayName: "Fresh", UserType: "Member"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreatePass(ctx(t), u.ID, NewPass{}); err != nil {
		t.Fatalf("pass for a user created moments ago: %v", err)
	}
}

func TestPersistentServerErrorIsClear(t *testing.T) {
	c := newClient(t, graphmock.AdminClientID, graphmock.AdminClientSecret)
	withFaults(t, graphmock.Faults{Rate: 1, Statuses: []int{500}})
	_, err := c.GetPolicy(ctx(t))
	if kindOf(err) != KindServer {
		t.Fatalf("persistent 500: %v (kind %v)", err, kindOf(err))
	}
	t.Log(err)
}

func TestCancelledContextStopsRetrying(t *testing.T) {
	c := newClient(t, graphmock.AdminClientID, graphmock.AdminClientSecret)
	withFaults(t, graphmock.Faults{Rate: 1, Statuses: []int{429}}) // no Retry-After: 3 s, 6 s, ... back-off
	cctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := c.GetPolicy(cctx); done <- err }()
	cancel()
	if err := <-done; err == nil {
		t.Fatal("a cancelled call succeeded")
	}
}
