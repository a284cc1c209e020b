package graph

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

func TestRetriesThrottlingAndUnavailable(t *testing.T) {
	t.Parallel()
	m := privateMock(t)
	c := newClient(t, m, graphmock.AdminClientID, graphmock.AdminClientSecret)
	zero := 0.0
	m.SetFaults(graphmock.Faults{Rate: 0.3, Statuses: []int{429, 503, 504}, RetryAfterSeconds: &zero, LatencyMs: 1})
	for i := 0; i < 30; i++ {
		p, err := c.CreatePass(ctx(t), graphmock.BobUPN, NewPass{})
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
		if _, err := c.GetPass(ctx(t), graphmock.BobUPN, p.ID, p.CreatedDateTime); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	if c.Retries.Load() == 0 {
		t.Fatal("30% faults but no retry counted")
	}
	t.Logf("requests %d, retries %d", c.Requests.Load(), c.Retries.Load())
	state := m.Snapshot()
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
	t.Parallel()
	m := privateMock(t)
	c := newClient(t, m, graphmock.AdminClientID, graphmock.AdminClientSecret)
	m.SetFaults(graphmock.Faults{DropAfterCommitRate: 0.5})
	bob := userID(t, c, graphmock.BobUPN)
	for i := 0; i < 10; i++ {
		p, err := c.CreatePass(ctx(t), bob, NewPass{})
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
		var ids []string
		for _, sp := range m.Snapshot().Passes {
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
	t.Parallel()
	m := privateMock(t)
	c := newClient(t, m, graphmock.AdminClientID, graphmock.AdminClientSecret)
	m.SetFaults(graphmock.Faults{ReplicationLagReads: 2})
	p, err := c.CreatePass(ctx(t), graphmock.CarolUPN, NewPass{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetPass(ctx(t), graphmock.CarolUPN, p.ID, p.CreatedDateTime); err != nil {
		t.Fatalf("young pass read through lag: %v", err)
	}
	u, err := m.AddUser(graphmock.NewUser{UserPrincipalName: fmt.Sprintf("fresh%d@contoso.example", time.Now().UnixNano()), DisplayName: "Fresh", UserType: "Member"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreatePass(ctx(t), u.ID, NewPass{}); err != nil {
		t.Fatalf("pass for a user created moments ago: %v", err)
	}
}

// A persistent failure ends with an error that says what was tried, what
// Graph answered (its message, status, code and request-id), and comes
// after a bounded number of attempts.
func TestPersistentServerErrorIsClear(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status   int
		attempts int64 // 500 is not retried; 503 is, MaxAttempts times in all
		message  string
		code     string
	}{
		{500, 1, "Internal server error (injected by graphmock).", "code generalException"},
		{503, int64(testBackoff.MaxAttempts), "Service unavailable (injected by graphmock).", "code serviceNotAvailable"},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			t.Parallel()
			m := privateMock(t)
			c := newClient(t, m, graphmock.AdminClientID, graphmock.AdminClientSecret)
			// A token first, so that Requests counts only the policy reads.
			if _, err := c.GetUser(ctx(t), graphmock.AliceUPN); err != nil {
				t.Fatal(err)
			}
			before := c.Requests.Load()
			m.SetFaults(graphmock.Faults{Rate: 1, Statuses: []int{tc.status}})
			_, err := c.GetPolicy(ctx(t))
			if kindOf(err) != KindServer {
				t.Fatalf("persistent %d: %v (kind %v)", tc.status, err, kindOf(err))
			}
			msg := err.Error()
			for _, want := range []string{
				"could not read the Temporary Access Pass policy: ",
				tc.message,
				fmt.Sprintf("(HTTP %d, %s, request-id ", tc.status, tc.code),
			} {
				if !strings.Contains(msg, want) {
					t.Errorf("the error does not say %q: %s", want, msg)
				}
			}
			if n := c.Requests.Load() - before; n != tc.attempts {
				t.Errorf("%d attempts, want %d", n, tc.attempts)
			}
			t.Log(err)
		})
	}
}

// retryLog is a Terraform log sink that reports each retry the client logs
// (written just before the wait), so that a test can act during the wait.
type retryLog struct {
	retrying chan string
	mu       sync.Mutex
	all      strings.Builder
}

func (l *retryLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.all.Write(p)
	l.mu.Unlock()
	if strings.Contains(string(p), "retrying a Microsoft Graph") {
		select {
		case l.retrying <- string(p):
		default:
		}
	}
	return len(p), nil
}

// interruptDuringWait starts call, waits until the client logs that it is
// waiting to retry, cancels, and returns call's error. A call that is still
// running long after the cancel (the wait ignores its context) fails the test.
func interruptDuringWait(t *testing.T, call func(context.Context) error) error {
	t.Helper()
	log := &retryLog{retrying: make(chan string, 1)}
	cctx, cancel := context.WithCancel(tflogtest.RootLogger(context.Background(), log))
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- call(cctx) }()
	select {
	case line := <-log.retrying:
		t.Logf("cancelling during: %s", strings.TrimSpace(line))
	case err := <-done:
		t.Fatalf("the call ended before any retry: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if s := log.all.String(); strings.Contains(s, graphmock.AdminClientSecret) || strings.Contains(s, "Bearer ") {
			t.Error("the debug log holds a secret or a token")
		}
		return err
	case <-time.After(time.Minute): // only a broken retry loop gets here
		t.Fatal("still waiting a minute after the cancel: the retry wait ignores the context")
		return nil
	}
}

// A cancel while the client waits to retry ends the call at once, typed as
// an interruption, after the one attempt already made.
func TestCancelledContextStopsRetrying(t *testing.T) {
	t.Parallel()
	hour := 3600.0
	t.Run("throttled, waiting out Retry-After", func(t *testing.T) {
		t.Parallel()
		m := privateMock(t)
		c := newClient(t, m, graphmock.AdminClientID, graphmock.AdminClientSecret)
		if _, err := c.GetUser(ctx(t), graphmock.AliceUPN); err != nil { // a token first
			t.Fatal(err)
		}
		before := c.Requests.Load()
		m.SetFaults(graphmock.Faults{Rate: 1, Statuses: []int{429}, RetryAfterSeconds: &hour})
		err := interruptDuringWait(t, func(cctx context.Context) error { _, err := c.GetPolicy(cctx); return err })
		if !IsCanceled(err) || !strings.Contains(err.Error(), "HTTP 429") {
			t.Fatalf("cancelled during a Retry-After wait: %v (kind %v), want kind %v naming the 429", err, kindOf(err), KindCanceled)
		}
		if n, r := c.Requests.Load()-before, c.Retries.Load(); n != 1 || r != 0 {
			t.Fatalf("%d attempts and %d retries, want 1 and 0", n, r)
		}
		t.Log(err)
	})
	t.Run("404 of a young pass, waiting out replication", func(t *testing.T) {
		t.Parallel()
		m := privateMock(t)
		c := newClientAt(t, m.URL, graphmock.AdminClientID, graphmock.AdminClientSecret, func(cfg *Config) {
			cfg.Backoff.Initial, cfg.Backoff.Max, cfg.YoungPassGrace = time.Hour, time.Hour, 2*time.Hour
		})
		m.SetFaults(graphmock.Faults{ReplicationLagReads: 1})
		p, err := c.CreatePass(ctx(t), graphmock.CarolUPN, NewPass{})
		if err != nil {
			t.Fatal(err)
		}
		before := c.Requests.Load()
		err = interruptDuringWait(t, func(cctx context.Context) error {
			_, err := c.GetPass(cctx, graphmock.CarolUPN, p.ID, p.CreatedDateTime)
			return err
		})
		if !IsCanceled(err) || !strings.Contains(err.Error(), "HTTP 404") {
			t.Fatalf("cancelled during a 404 wait: %v (kind %v), want kind %v naming the 404", err, kindOf(err), KindCanceled)
		}
		if n := c.Requests.Load() - before; n != 1 {
			t.Fatalf("%d attempts, want 1", n)
		}
		t.Log(err)
	})
}

// A wait that would outlast the deadline is not started: the call ends at
// once with what Graph last answered.
func TestNoWaitPastTheDeadline(t *testing.T) {
	t.Parallel()
	m := privateMock(t)
	c := newClient(t, m, graphmock.AdminClientID, graphmock.AdminClientSecret)
	if _, err := c.GetUser(ctx(t), graphmock.AliceUPN); err != nil {
		t.Fatal(err)
	}
	before := c.Requests.Load()
	hour := 3600.0
	m.SetFaults(graphmock.Faults{Rate: 1, Statuses: []int{429}, RetryAfterSeconds: &hour})
	_, err := c.GetPolicy(ctx(t)) // a minute's deadline
	if kindOf(err) != KindThrottled || !strings.Contains(err.Error(), "HTTP 429") {
		t.Fatalf("got %v (kind %v), want the 429 as KindThrottled", err, kindOf(err))
	}
	if n := c.Requests.Load() - before; n != 1 {
		t.Fatalf("%d attempts, want 1", n)
	}
}

// A context that has ended is typed by how it ended, not as a transport error.
func TestEndedContextIsTyped(t *testing.T) {
	t.Parallel()
	c := newClient(t, privateMock(t), graphmock.AdminClientID, graphmock.AdminClientSecret)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.GetPolicy(cancelled); !IsCanceled(err) {
		t.Errorf("cancelled: %v (kind %v), want %v", err, kindOf(err), KindCanceled)
	}
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	if _, err := c.GetPolicy(expired); !IsTimeout(err) {
		t.Errorf("past deadline: %v (kind %v), want %v", err, kindOf(err), KindTimeout)
	}
}
