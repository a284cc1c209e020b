package graph

// Every retry of the client goes through here, with one back-off policy
// (Config.Backoff): the HTTP middleware's retries of 429/503/504, and
// Client.retry's retries of a dropped connection or a 404 waited out while
// Graph replicates.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	khttp "github.com/microsoft/kiota-http-go"
)

// Backoff is a retry policy: waits grow from Initial, doubling, up to Max,
// each shortened at random by up to Jitter (a fraction, 0 to 1) so that
// parallel callers do not retry in step. MaxAttempts bounds the attempts of a
// call that keeps failing (a 404 waited out is bounded by time instead).
// Zero fields take the defaults; a negative Jitter means none.
type Backoff struct {
	Initial     time.Duration
	Max         time.Duration
	Jitter      float64
	MaxAttempts int
}

// DefaultBackoff is the policy a zero Config.Backoff stands for.
func DefaultBackoff() Backoff {
	return Backoff{Initial: 500 * time.Millisecond, Max: 10 * time.Second, Jitter: 0.2, MaxAttempts: 10}
}

// Defaults of the grace periods, for a zero Config field.
const (
	defaultReplicationGrace = 10 * time.Second
	defaultYoungPassGrace   = 30 * time.Second
)

func (b Backoff) withDefaults() Backoff {
	d := DefaultBackoff()
	if b.Initial <= 0 {
		b.Initial = d.Initial
	}
	if b.Max <= 0 {
		b.Max = max(d.Max, b.Initial)
	}
	switch {
	case b.Jitter == 0:
		b.Jitter = d.Jitter
	case b.Jitter < 0:
		b.Jitter = 0
	case b.Jitter > 1:
		b.Jitter = 1
	}
	if b.MaxAttempts <= 0 {
		b.MaxAttempts = d.MaxAttempts
	}
	return b
}

// delay is the wait before retry n (0 for the first retry).
func (b Backoff) delay(n int) time.Duration {
	d := b.Initial
	for i := 0; i < n && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	if b.Jitter > 0 {
		d -= time.Duration(rand.Float64() * b.Jitter * float64(d))
	}
	return d
}

// fits reports whether a wait of d, started now, ends before ctx's deadline
// and before end (zero: no end): a wait that cannot be followed by an
// attempt is not started, and the caller keeps the error it has.
func fits(ctx context.Context, d time.Duration, end time.Time) bool {
	at := time.Now().Add(d)
	if dl, ok := ctx.Deadline(); ok && at.After(dl) {
		return false
	}
	return end.IsZero() || !at.After(end)
}

// wait sleeps for d unless ctx ends first; it returns ctx's error then.
func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryOn says which failures of a call Client.retry tries again.
type retryOn struct {
	// transport: errors with no HTTP answer (a dropped connection). Only for
	// calls that may be repeated: reads, deletes, and a create of a pass.
	transport bool
	// notFound: a 404, waited out because Graph replicates and an object
	// created moments ago may not be visible yet.
	notFound bool
	// policyRefused: a pass refused for the policy's scope, waited out like
	// a 404 because a policy change takes a while to replicate.
	policyRefused bool
	// server: a 5xx the middleware gave up on (it does not retry a 500). Only
	// for reads whose answer must not change between a plan and its apply
	// (a value the plan showed): a lost read there fails the whole apply.
	server bool
	// notFoundIf: a 404 that this says is worth waiting out (a young object), as notFound.
	notFoundIf func(error) bool
	// grace bounds the 404 wait: no wait ends later than this after the
	// first attempt (0: only ctx's deadline).
	grace time.Duration
}

// retry calls fn until it succeeds or fails with an error on does not
// retry. Retries of a transport error count against Backoff.MaxAttempts; a
// 404 is waited out until the grace or ctx's deadline (MaxAttempts too when
// there is neither). No wait starts that would end after ctx's deadline:
// the last error from fn is returned instead. A cancel during a wait
// returns a KindCanceled error that names the last failure.
func (c *Client) retry(ctx context.Context, on retryOn, fn func() error) error {
	b := c.backoff
	var end time.Time
	if on.grace > 0 {
		end = time.Now().Add(on.grace)
	}
	_, bounded := ctx.Deadline()
	bounded = bounded || on.grace > 0
	failures := 0
	for n := 0; ; n++ {
		err := fn()
		if err == nil {
			return nil
		}
		kind := kindOf(err)
		switch {
		case on.transport && kind == KindTransport, on.server && kind == KindServer:
			failures++
		case kind == KindNotFound && (on.notFound || (on.notFoundIf != nil && on.notFoundIf(err))), on.policyRefused && kind == KindPolicyRefused:
			if !bounded {
				failures++
			}
		default:
			return err
		}
		if failures >= b.MaxAttempts {
			return err
		}
		d := b.delay(n)
		if !fits(ctx, d, end) {
			return err
		}
		tflog.Debug(ctx, "retrying a Microsoft Graph call", map[string]any{"attempt": n + 1, "reason": kind.String(), "wait_ms": d.Milliseconds()})
		noteWait(ctx, d, kindReason(kind))
		if werr := wait(ctx, d); werr != nil {
			return interrupted(ctx, err)
		}
	}
}

// kindReason says what a retry of a failure of kind waits for, in a progress line.
func kindReason(k Kind) string {
	switch k {
	case KindNotFound:
		return "Graph to replicate an object created moments ago"
	case KindPolicyRefused:
		return "Graph to replicate a change of the policy"
	case KindTransport:
		return "a connection to Graph"
	}
	return "Graph to recover"
}

// interrupted is the error of a call whose context ended during a wait
// before a retry: typed by how ctx ended, naming the failure being retried.
func interrupted(ctx context.Context, last error) error {
	out := &Error{Kind: ctxKind(ctx.Err()), Err: fmt.Errorf("%w while waiting to retry after %v", context.Cause(ctx), last)}
	var e *Error
	if errors.As(last, &e) {
		out.Op = e.Op
		if e.StatusCode != 0 {
			out.Err = fmt.Errorf("%w while waiting to retry after HTTP %d %s: %s", context.Cause(ctx), e.StatusCode, e.Code, e.Message)
		}
	}
	return out
}

// ctxKind types an error that comes from a context: KindTimeout for a
// deadline, KindCanceled for a cancel, KindUnknown otherwise.
func ctxKind(err error) Kind {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return KindTimeout
	case errors.Is(err, context.Canceled):
		return KindCanceled
	}
	return KindUnknown
}

// retryMiddleware retries 429, 503 and 504 answers, after the wait the
// answer's Retry-After asks for, or else the client's back-off. It stops
// when sendsAgain says so, or when the wait would outlast the request's
// deadline: the last answer is then returned as it came.
type retryMiddleware struct{ client *Client }

func retriableStatus(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout
}

// sendsAgain reports whether a request answered status after attempts attempts is sent
// again: a 429 as long as ctx has a deadline (the operation's timeout; each wait must fit it,
// see fits), since Graph says when to come back and a plan that gives up on a busy quota
// decides on what it could not read; a 503 or 504, or a 429 with no deadline, up to
// Backoff.MaxAttempts. The one rule of the middleware and of the batches (sendRounds).
func (c *Client) sendsAgain(ctx context.Context, status, attempts int) bool {
	if !retriableStatus(status) || ctx.Err() != nil {
		return false
	}
	if _, ok := ctx.Deadline(); ok && status == http.StatusTooManyRequests {
		return true
	}
	return attempts < c.backoff.MaxAttempts
}

func (m *retryMiddleware) Intercept(p khttp.Pipeline, idx int, req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		// Buffer the body (a few hundred bytes) so that a retry can send it again.
		body, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(strings.NewReader(string(body)))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(string(body))), nil }
	}
	b := m.client.backoff
	attemptReq := req
	class := paceClassOf(ctx, req.Method)
	for n := 0; ; n++ {
		release, err := m.client.pacer.wait(ctx, class)
		if err != nil {
			return nil, fmt.Errorf("%w while waiting for Microsoft Graph's throttling to lift", err)
		}
		resp, err := p.Next(attemptReq, idx)
		release()
		if err == nil {
			m.client.pacer.observe(class, resp.StatusCode, resp.Header.Get)
		}
		if err != nil || !m.client.sendsAgain(ctx, resp.StatusCode, n+1) {
			return resp, err
		}
		d, fromServer := retryAfter(resp.Header.Get("Retry-After"), time.Now())
		if !fromServer {
			d = b.delay(n)
		}
		if !fits(ctx, d, time.Time{}) {
			return resp, nil
		}
		status := resp.StatusCode
		scope := resp.Header.Get("x-ms-throttle-scope")
		// Drained and closed, so that the connection is reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		_ = resp.Body.Close()
		tflog.Debug(ctx, "retrying a Microsoft Graph request", map[string]any{
			"method": req.Method, "path": req.URL.Path, "status": status, "attempt": n + 1, "wait_ms": d.Milliseconds(), "retry_after": fromServer,
		})
		noteWait(ctx, d, statusReason(status, scope))
		if err := wait(ctx, d); err != nil {
			return nil, fmt.Errorf("%w while waiting %s to retry after HTTP %d", err, d.Round(time.Millisecond), status)
		}
		attemptReq = req.Clone(ctx)
		if req.GetBody != nil {
			if attemptReq.Body, err = req.GetBody(); err != nil {
				return nil, err
			}
		}
		attemptReq.Header.Set("Retry-Attempt", strconv.Itoa(n+1))
	}
}

// retryAfter reads a Retry-After header: seconds (fractions too, "0.5") or
// an HTTP date. ok is false when there is none or it cannot be read.
func retryAfter(h string, now time.Time) (d time.Duration, ok bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(h, 64); err == nil {
		if s != s || s < 0 { // NaN or negative
			return 0, false
		}
		return time.Duration(min(s, 24*3600) * float64(time.Second)), true
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
