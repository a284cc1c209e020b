package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// waveUsers adds n users to m.
func waveUsers(t *testing.T, m *graphmock.Server, prefix string, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		u, err := m.AddUser(graphmock.NewUser{UserPrincipalName: fmt.Sprintf("%s%03d@%s", prefix, i, graphmock.Domain), DisplayName: prefix, UserType: "Member"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	return ids
}

func TestBatchedPassesRoundTrip(t *testing.T) {
	t.Parallel()
	m := privateMock(t)
	c := newClient(t, m, graphmock.AdminClientID, graphmock.AdminClientSecret)
	on := true
	if err := c.UpdatePolicy(ctx(t), PolicyUpdate{Enabled: &on}); err != nil {
		t.Fatal(err)
	}
	users := waveUsers(t, m, "batchrt", 45)
	users = append(users, "nobody-"+users[0]) // a user Graph does not know fails alone
	in := make([]NewPass, len(users))
	life := int32(90)
	for i := range in {
		in[i].LifetimeInMinutes = &life
	}
	before := c.Requests.Load()
	res := c.CreatePasses(ctx(t), users, in)
	if got := c.Requests.Load() - before; got > 3 {
		t.Fatalf("46 creates took %d HTTP requests, want 3 batches", got)
	}
	var refs []PassRef
	for i, r := range res[:45] {
		if r.Err != nil || r.Pass.ID == "" || r.Pass.Code == "" || r.Pass.LifetimeInMinutes != 90 {
			t.Fatalf("create %d: %+v %v", i, r.Pass, r.Err)
		}
		refs = append(refs, PassRef{UserID: users[i], PassID: r.Pass.ID})
	}
	if err := res[45].Err; !IsNotFound(err) || !strings.Contains(err.Error(), users[45]) {
		t.Fatalf("create for an unknown user: %v, want not found naming the user", err)
	}
	if err := m.SignIn(users[3], res[3].Pass.Code); err != nil {
		t.Fatalf("a batched code does not sign its user in: %v", err)
	}
	got := c.GetPasses(ctx(t), refs)
	for i, r := range got {
		if r.Err != nil || r.Pass.ID != refs[i].PassID || r.Pass.Code != "" {
			t.Fatalf("read %d: %+v %v", i, r.Pass, r.Err)
		}
	}
	lists, errs := c.ListPassesOf(ctx(t), users[:45])
	for i := range lists {
		if errs[i] != nil || len(lists[i]) != 1 || lists[i][0].ID != refs[i].PassID {
			t.Fatalf("list %d: %v %v", i, lists[i], errs[i])
		}
	}
	for i, err := range c.DeletePasses(ctx(t), append(refs, refs[0])) { // the repeat is already gone: fine
		if err != nil {
			t.Fatalf("delete %d: %v", i, err)
		}
	}
	for i, r := range c.GetPasses(ctx(t), refs) {
		if !IsNotFound(r.Err) {
			t.Fatalf("read %d after delete: %v", i, r.Err)
		}
	}
}

func TestBatchedRequestsThrottledInsideAreRetried(t *testing.T) {
	t.Parallel()
	m := privateMock(t)
	c := newClient(t, m, graphmock.AdminClientID, graphmock.AdminClientSecret)
	users := waveUsers(t, m, "batch429", 40)
	zero := 0.0
	m.SetFaults(graphmock.Faults{Rate: 0.3, Statuses: []int{429, 503}, RetryAfterSeconds: &zero})
	lists, errs := c.ListPassesOf(ctx(t), users)
	for i := range lists {
		if errs[i] != nil {
			t.Fatalf("list %d: %v", i, errs[i])
		}
	}
	if c.Retries.Load() == 0 {
		t.Fatal("30% faults inside batches but nothing retried")
	}
}

// A request throttled inside a batch with no Retry-After is sent again after the back-off
// (as a direct call is), not sooner: seen by the mock, from its 429 to its next attempt.
func TestBatchedThrottledWithoutRetryAfterWaitsTheBackoff(t *testing.T) {
	t.Parallel()
	m := privateMock(t)
	b := Backoff{Initial: 40 * time.Millisecond, Max: 40 * time.Millisecond, Jitter: -1}
	c := newClientAt(t, m.URL, graphmock.AdminClientID, graphmock.AdminClientSecret, func(cfg *Config) { cfg.Backoff = b })
	users := waveUsers(t, m, "batchbackoff", 40)
	m.SetFaults(graphmock.Faults{Rate: 0.3, Statuses: []int{429}})
	if _, errs := c.ListPassesOf(ctx(t), users); errors.Join(errs...) != nil {
		t.Fatal(errors.Join(errs...))
	}
	log := m.Requests()
	retried := 0
	for i, e := range log {
		if !e.Batched || e.Fault != "injected" {
			continue
		}
		for _, n := range log[i+1:] {
			if n.Batched && n.Method == e.Method && n.Path == e.Path && n.Time.After(e.Time) {
				retried++
				if gap := n.Time.Sub(e.Time); gap < b.Initial {
					t.Errorf("%s %s throttled, sent again %v later: want the back-off of %v or more", e.Method, e.Path, gap, b.Initial)
				}
				break
			}
		}
	}
	if retried == 0 {
		t.Fatal("no request throttled inside a batch was sent again: the test proved nothing")
	}
}

// A 429 with a scope pauses the calls the scope covers, and only them, until Retry-After.
func TestPacerScopedPause(t *testing.T) {
	t.Parallel()
	p := newPacer()
	h := http.Header{}
	h.Set("x-ms-throttle-scope", "Tenant_Application/Write/"+graphmock.AdminClientID+"/"+graphmock.TenantID)
	h.Set("Retry-After", "0.05")
	p.observe(paceWrite, http.StatusTooManyRequests, h.Get)
	start := time.Now()
	release, err := p.wait(context.Background(), paceRead)
	if err != nil {
		t.Fatal(err)
	}
	release()
	if p.paused != 0 {
		t.Fatal("a read waited on a write quota's pause")
	}
	release, err = p.wait(context.Background(), paceWrite)
	if err != nil {
		t.Fatal(err)
	}
	release()
	if p.paused != 1 || time.Since(start) < 50*time.Millisecond {
		t.Fatalf("a write did not wait out the pause (paused %d after %s)", p.paused, time.Since(start))
	}
	// After the pause, writes run one at a time: the limit was full.
	p.mu.Lock()
	warned := p.warned
	p.mu.Unlock()
	if !warned[paceWrite] || warned[paceRead] {
		t.Fatalf("after a scoped 429 on writes: serialized %v (read, write), want writes only", warned)
	}
	// A ReadWrite scope holds reads too; a deadline before its end stops the wait.
	h.Set("x-ms-throttle-scope", "Tenant_Application/ReadWrite/"+graphmock.AdminClientID+"/"+graphmock.TenantID)
	h.Set("Retry-After", "60")
	p.observe(paceWrite, http.StatusTooManyRequests, h.Get)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := p.wait(ctx, paceRead); err == nil {
		t.Fatal("a read ran during a resource-unit pause")
	}
}

// Each Limit Microsoft documents for x-ms-throttle-scope (concepts/throttling-limits.md) holds
// back its own classes: Read the reads, Write the writes, ReadWrite both, whichever call got the 429.
func TestPacerScopeLimits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		limit       string
		read, write bool
	}{{"Read", true, false}, {"Write", false, true}, {"ReadWrite", true, true}} {
		for _, got := range []paceClass{paceRead, paceWrite} {
			p := newPacer()
			h := http.Header{}
			h.Set("x-ms-throttle-scope", "Tenant_Application/"+tc.limit+"/"+graphmock.AdminClientID+"/"+graphmock.TenantID)
			h.Set("Retry-After", "60")
			p.observe(got, http.StatusTooManyRequests, h.Get)
			if held := time.Until(p.until[paceRead]) > 0; held != tc.read {
				t.Errorf("%s scope (429 on class %d): reads held back %v, want %v", tc.limit, got, held, tc.read)
			}
			if held := time.Until(p.until[paceWrite]) > 0; held != tc.write {
				t.Errorf("%s scope (429 on class %d): writes held back %v, want %v", tc.limit, got, held, tc.write)
			}
		}
	}
}

// From 80% of a limit, calls of the class run one at a time; an answer without the header lifts it.
func TestPacerLimitPercentageSerializes(t *testing.T) {
	t.Parallel()
	p := newPacer()
	h := http.Header{}
	h.Set("x-ms-throttle-limit-percentage", "0.85")
	p.observe(paceWrite, http.StatusOK, h.Get)
	first, err := p.wait(context.Background(), paceWrite)
	if err != nil {
		t.Fatal(err)
	}
	var second atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		release, err := p.wait(context.Background(), paceWrite)
		if err == nil {
			second.Store(true)
			release()
		}
	}()
	// The second call is parked on the slot until the first releases it.
	for {
		p.mu.Lock()
		s := p.slowed
		p.mu.Unlock()
		if s == 2 {
			break
		}
		runtime.Gosched()
	}
	if second.Load() {
		t.Fatal("a second write ran while the limit was near")
	}
	first()
	wg.Wait()
	if !second.Load() {
		t.Fatal("the second write never ran")
	}
	p.observe(paceWrite, http.StatusOK, http.Header{}.Get)
	r1, _ := p.wait(context.Background(), paceWrite)
	r2, _ := p.wait(context.Background(), paceWrite) // would block if still serialized
	r1()
	r2()
}

// At a limit's edge a $batch is sized to what the last one got through, and grows back.
func TestPacerBatchSize(t *testing.T) {
	t.Parallel()
	p := newPacer()
	if got := p.batchSize(paceWrite); got != MaxBatch {
		t.Fatalf("away from a limit: batch of %d, want %d", got, MaxBatch)
	}
	h := http.Header{}
	h.Set("x-ms-throttle-scope", "Tenant_Application/Write/"+graphmock.AdminClientID+"/"+graphmock.TenantID)
	h.Set("Retry-After", "0")
	p.observe(paceWrite, http.StatusTooManyRequests, h.Get)
	p.batchDone(paceWrite, 20, 17) // three fitted
	steps := []int{p.batchSize(paceWrite)}
	p.batchDone(paceWrite, 3, 3) // none fitted: one still goes
	steps = append(steps, p.batchSize(paceWrite))
	for range 11 {
		p.batchDone(paceWrite, steps[len(steps)-1], 0)
		steps = append(steps, p.batchSize(paceWrite))
	}
	if want := []int{3, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 20, 20}; !slices.Equal(steps, want) {
		t.Fatalf("batch sizes %v, want %v", steps, want)
	}
	if got := p.batchSize(paceRead); got != MaxBatch {
		t.Fatalf("reads sized %d by the write limit, want %d", got, MaxBatch)
	}
	// An answer below 80% ends the edge: whole batches again.
	p.observe(paceWrite, http.StatusCreated, func(string) string { return "" })
	p.batchDone(paceWrite, 20, 0)
	if got := p.batchSize(paceWrite); got != MaxBatch {
		t.Fatalf("after the edge: batch of %d, want %d", got, MaxBatch)
	}
}
