package graph

// One provider process runs many calls at once (Terraform's -parallelism, and the batches of
// a wave), and Graph's quotas are per app and tenant: what one call learns about them holds
// for all. A 429 with x-ms-throttle-scope pauses every call the scope covers until its
// Retry-After; x-ms-throttle-limit-percentage (sent from 80% of a limit), or that 429 itself,
// lets only one call of that class run at a time until an answer comes back without it. So
// several processes of one app (workspaces run at once) pace each other through what Graph
// tells each of them, with nothing shared outside Graph. At a limit's edge a $batch is also
// sized to what the last one got through (batchSize): Graph counts each request of a batch,
// and after a pause the window frees only as fast as it filled, so twenty requests sent where
// three fit would be seventeen 429s; the size grows back by two while batches go through (the
// other processes at the same edge grow too: doubling would overshoot what the window frees).

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// paceClass is what a quota counts: every request uses resource units, writes a write quota too.
type paceClass int

const (
	paceRead paceClass = iota
	paceWrite
)

func classOfMethod(method string) paceClass {
	if method == http.MethodGet || method == http.MethodHead {
		return paceRead
	}
	return paceWrite
}

type paceClassKey struct{}

// withPaceClass marks a request's class where the method does not say it ($batch is a POST of reads, say).
func withPaceClass(ctx context.Context, c paceClass) context.Context {
	return context.WithValue(ctx, paceClassKey{}, c)
}

func paceClassOf(ctx context.Context, method string) paceClass {
	if c, ok := ctx.Value(paceClassKey{}).(paceClass); ok {
		return c
	}
	return classOfMethod(method)
}

// pacer is the throttling state shared by the calls of one Client.
type pacer struct {
	mu     sync.Mutex
	until  [2]time.Time     // by class: no call starts before
	warned [2]bool          // by class: a limit is at 80% or more
	slot   [2]chan struct{} // by class: the one call allowed while warned
	why    [2]string        // by class: the limit the pause waits for, for progress lines
	size   [2]int           // by class: requests in one $batch at a limit's edge (0: MaxBatch)

	// Paused and Slowed count the calls that waited, for tests and benchmarks.
	paused, slowed int64
}

func newPacer() *pacer {
	return &pacer{slot: [2]chan struct{}{make(chan struct{}, 1), make(chan struct{}, 1)}}
}

// wait holds a call of class c until no pause covers it and, while a limit is near, until it
// has the class's one slot; release gives the slot back. It ends early with ctx's error.
func (p *pacer) wait(ctx context.Context, c paceClass) (release func(), err error) {
	for {
		p.mu.Lock()
		d := time.Until(p.until[c])
		warned, why := p.warned[c], p.why[c]
		if d > 0 {
			p.paused++
		}
		p.mu.Unlock()
		if d > 0 {
			noteWait(ctx, d, why)
			if err := wait(ctx, d); err != nil {
				return nil, err
			}
			continue // another 429 may have moved the pause meanwhile
		}
		if !warned {
			return func() {}, nil
		}
		p.mu.Lock()
		p.slowed++
		p.mu.Unlock()
		select {
		case p.slot[c] <- struct{}{}:
			return func() { <-p.slot[c] }, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// observe learns from one answer (or one answer inside a batch) to a call of class c.
func (p *pacer) observe(c paceClass, status int, header func(string) string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pct, _ := strconv.ParseFloat(strings.TrimSpace(header("x-ms-throttle-limit-percentage")), 64)
	p.warned[c] = pct >= 0.8
	if status != http.StatusTooManyRequests {
		return
	}
	scope := header("x-ms-throttle-scope")
	d, ok := retryAfter(header("Retry-After"), time.Now())
	if scope == "" || !ok {
		return // no scope: only this call backs off, on its own
	}
	// Other processes of the same app (other workspaces) got the same 429 and resume at the
	// same moment: up to a tenth later (at most a second), so that they do not all hit the
	// limit's edge at once.
	end := time.Now().Add(d + time.Duration(rand.Float64()*float64(min(d/10, time.Second))))
	for _, k := range scopeClasses(scope) {
		// A full limit: after the pause, one call at a time until an answer says it is below
		// 80% again (Graph sends no limit percentage on a 429; this is 100%).
		p.warned[k] = true
		if end.After(p.until[k]) {
			p.until[k], p.why[k] = end, quotaReason(scope)
		}
	}
}

// batchSize is how many requests of class c go in one $batch: MaxBatch, or at a limit's edge
// (a limit at 80% or more, or a 429) what batchDone last allowed.
func (p *pacer) batchSize(c paceClass) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.warned[c] || p.size[c] == 0 {
		return MaxBatch
	}
	return p.size[c]
}

// batchDone learns from one $batch of class c: sent requests, throttled of them answered 429.
// A batch with 429s halves the size, and never above what went through (at least one request
// still goes); one that went through whole adds two, up to MaxBatch; away from a limit's edge
// the size is MaxBatch again.
func (p *pacer) batchDone(c paceClass, sent, throttled int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	cur := p.size[c]
	if cur == 0 {
		cur = MaxBatch
	}
	switch {
	case throttled > 0:
		p.size[c] = max(1, min(cur/2, sent-throttled))
	case p.warned[c]:
		p.size[c] = min(MaxBatch, cur+2)
	default:
		p.size[c] = 0
	}
}

// scopeClasses is what a 429's x-ms-throttle-scope holds back. Its form is
// <Scope>/<Limit>/<ApplicationId>/<TenantId>, Limit being Read (GET), Write (POST, PATCH,
// PUT, DELETE) or ReadWrite (any request): microsoft-graph-docs-contrib
// concepts/throttling-limits.md, "Throttled responses requests". A Limit of another form
// holds everything: pausing a read for nothing costs less than a second 429.
func scopeClasses(scope string) []paceClass {
	parts := strings.Split(scope, "/")
	if len(parts) >= 2 {
		switch strings.ToLower(strings.TrimSpace(parts[1])) {
		case "read":
			return []paceClass{paceRead}
		case "write":
			return []paceClass{paceWrite}
		}
	}
	return []paceClass{paceRead, paceWrite}
}
