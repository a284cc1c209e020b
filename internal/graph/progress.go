package graph

// The progress of a long call, for the user at INFO (TF_LOG_PROVIDER=INFO): how many of a
// wave's requests are done and, while the client waits (a throttled pause, a Retry-After, a
// back-off), how long and why. A wave under Graph's real windows runs minutes; without this
// Terraform shows only "Still creating...", and throttling looks like a hang.
//
// Lines come at most one per Config.ProgressEvery (5 s unless set), so that a 3,000-pass
// wave logs a few dozen, not thousands. A line never holds a response body: the count, the
// total, the wait and its reason, nothing else (a create's answer holds a code).

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// defaultProgressEvery is the least time between two progress lines.
const defaultProgressEvery = 5 * time.Second

// Progress counts the requests of one method settled with a 2xx through $batch, of total,
// and hears of the waits of every request of its context.
type Progress struct {
	ctx    context.Context // where lines are logged: the caller's, with its logger
	method string          // the requests counted: POST (issued), GET (read), DELETE (deleted)
	verb   string
	total  int
	every  time.Duration
	now    func() time.Time

	mu    sync.Mutex
	done  int
	last  time.Time // of the last line; zero: none yet
	start time.Time
}

type progressKey struct{}

// StartProgress returns ctx carrying a Progress of total requests of method, said as verb
// ("issued 120/3,000 passes"). Requests sent with the returned context report to it.
func (c *Client) StartProgress(ctx context.Context, verb, method string, total int) (context.Context, *Progress) {
	every := c.cfg.ProgressEvery
	if every == 0 {
		every = defaultProgressEvery
	}
	p := &Progress{ctx: ctx, method: method, verb: verb, total: total, every: every, now: time.Now}
	p.start = p.now()
	return context.WithValue(ctx, progressKey{}, p), p
}

func progressOf(ctx context.Context) *Progress {
	p, _ := ctx.Value(progressKey{}).(*Progress)
	return p
}

// settled counts one request of a batch answered with status.
func (p *Progress) settled(method string, status int) {
	if p == nil || method != p.method || status < 200 || status > 299 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if p.due(0) {
		p.log("")
	}
}

// waiting says that a request waits d, because of why.
func (p *Progress) waiting(d time.Duration, why string) {
	if p == nil || d <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	// A wait as long as the interval is always said: the next line would come after it.
	if p.due(d) {
		p.log(fmt.Sprintf("; waiting %s for %s", roundWait(d), why))
	}
}

// Finish logs the last line: done of total, and how long it took.
func (p *Progress) Finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last.IsZero() {
		return // a call short enough to say nothing during it says nothing at its end either
	}
	p.log(" in " + roundWait(p.now().Sub(p.start)))
}

// due reports whether a line may be logged now; a wait of d as long as the interval always may.
func (p *Progress) due(d time.Duration) bool {
	now := p.now()
	return p.every < 0 || p.last.IsZero() && now.Sub(p.start) >= p.every || !p.last.IsZero() && now.Sub(p.last) >= p.every || d >= p.every
}

func (p *Progress) log(tail string) {
	p.last = p.now()
	tflog.Info(p.ctx, fmt.Sprintf("%s %s/%s Temporary Access Passes%s", p.verb, Thousands(p.done), Thousands(p.total), tail),
		map[string]any{"done": p.done, "total": p.total})
}

// noteWait tells the Progress of ctx, if any, that a request waits d because of why.
func noteWait(ctx context.Context, d time.Duration, why string) {
	progressOf(ctx).waiting(d, why)
}

// quotaReason says which of Graph's limits a 429 (or a pause it caused) waits for, from the
// Limit of x-ms-throttle-scope (scopeClasses reads the same field).
func quotaReason(scope string) string {
	classes := scopeClasses(scope)
	switch {
	case scope == "":
		return "Graph's throttling"
	case len(classes) == 1 && classes[0] == paceWrite:
		return "Graph's write quota"
	case len(classes) == 1:
		return "Graph's read quota"
	}
	return "Graph's request quota"
}

// statusReason says what a retried answer waits for.
func statusReason(status int, scope string) string {
	if status == http.StatusTooManyRequests {
		return quotaReason(scope)
	}
	return fmt.Sprintf("Graph to recover (HTTP %d)", status)
}

// roundWait is a wait as a person says it: "40 s", "2 min 30 s", "0.2 s".
func roundWait(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Round(time.Second).Seconds()))
	}
	d = d.Round(time.Second)
	m, s := int(d/time.Minute), int((d%time.Minute)/time.Second)
	if s == 0 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d min %d s", m, s)
}

// Thousands writes n with thousands separators, as a person reads a count: 3,000.
func Thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + Thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
