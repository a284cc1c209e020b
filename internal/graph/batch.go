package graph

// Many passes at once, through Graph's JSON batching (POST /$batch, at most 20 requests in
// one): a wave of 5,000 passes is 250 HTTP requests instead of 5,000. Each request in a batch
// has its own status and is counted against the quotas on its own; a throttled one (429, or
// 503/504) is sent again in a later batch, after the pause the shared pacer holds.

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	abstractions "github.com/microsoft/kiota-abstractions-go"
)

// MaxBatch is Graph's limit on requests in one $batch.
const MaxBatch = 20

// batchConcurrency is how many batches of one wave are in flight at once.
const batchConcurrency = 4

// batchOp is one request of a batch; url is relative to the version ("/users/ID/...").
type batchOp struct {
	method, url string
	body        any
	reads       bool // a POST that only reads (checkMemberGroups): paced as a read
	// op and permission name the request in its error, as classify's arguments do.
	op, permission string
	// user, when set, is whose pass the request is about: a 403 is explained by the role it
	// needs for that user (explainPassDenied), the role that writes when write is set.
	user  string
	write bool
}

func (o batchOp) class() paceClass {
	if o.reads {
		return paceRead
	}
	return classOfMethod(o.method)
}

// batchAnswer is the answer to one batchOp, or err when none came (the batch failed, the
// context ended, or the op stayed throttled through every attempt).
type batchAnswer struct {
	status    int
	body      json.RawMessage
	requestID string
	err       error
	paced     bool // a scoped 429 with Retry-After: the pacer holds the pause (pacer.observe)
}

type batchWireRequest struct {
	ID      string            `json:"id"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    any               `json:"body,omitempty"`
}

type batchWireResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

// header reads a header of a batched answer, case-insensitively.
func (r batchWireResponse) header(name string) string {
	for k, v := range r.Headers {
		if http.CanonicalHeaderKey(k) == http.CanonicalHeaderKey(name) {
			return v
		}
	}
	return ""
}

// runBatch answers every op, MaxBatch to a $batch, batchConcurrency batches at a time. Ops
// answered 429/503/504 go again in later batches while sendsAgain says so.
// Then done is called once per op, in order, with its final answer and the error it makes
// (nil for a 2xx): the one place a batched answer becomes an error, a 403 explained as a
// direct call's is.
func (c *Client) runBatch(ctx context.Context, op string, ops []batchOp, done func(i int, a batchAnswer, err error)) {
	final := make([]batchAnswer, len(ops))
	c.sendRounds(ctx, op, ops, func(i int, a batchAnswer) { final[i] = a })
	for i, a := range final {
		o := ops[i]
		err := answerError(o.op, o.permission, a)
		if o.user != "" {
			err = c.explainPassDenied(ctx, err, o.user, o.write)
		}
		done(i, a, err)
	}
}

// sendRounds sends ops in batches, round after round while some are throttled; settle is
// called once per op (under a lock) with its final answer.
func (c *Client) sendRounds(ctx context.Context, op string, ops []batchOp, settle func(i int, a batchAnswer)) {
	pending := make([]int, len(ops))
	for i := range ops {
		pending[i] = i
	}
	attempts := make([]int, len(ops))
	backoffs := 0 // rounds that waited the back-off
	for len(pending) > 0 {
		var mu sync.Mutex
		var again []int
		var minWait time.Duration
		backoff := false // an op needs the back-off: no Retry-After, none the pacer took
		sem := make(chan struct{}, batchConcurrency)
		var wg sync.WaitGroup
		for start := 0; start < len(pending); {
			sem <- struct{}{} // before sizing: the size follows the batches answered so far
			chunk := pending[start:min(start+c.pacer.batchSize(ops[pending[start]].class()), len(pending))]
			start += len(chunk)
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				answers, err := c.sendBatch(ctx, op, ops, chunk)
				mu.Lock()
				defer mu.Unlock()
				for k, i := range chunk {
					attempts[i]++
					if err != nil {
						// A lost answer: the ops go again in the next round, since each may be
						// repeated (a create replaces, a delete of a gone pass is done).
						if kindOf(err) == KindTransport && attempts[i] < c.backoff.MaxAttempts && ctx.Err() == nil {
							again, backoff = append(again, i), true
						} else {
							settle(i, batchAnswer{err: err})
						}
						continue
					}
					a := answers[k]
					if c.sendsAgain(ctx, a.status, attempts[i]) {
						again = append(again, i)
						switch d, ok := retryAfterOf(a.err); {
						case ok && d > 0: // a Retry-After the pacer did not take (no scope): the op's own wait
							if minWait == 0 || d < minWait {
								minWait = d
							}
						case !a.paced:
							backoff = true
						}
						continue
					}
					settle(i, a)
					if !ops[i].reads {
						progressOf(ctx).settled(ops[i].method, a.status)
					}
				}
			}()
		}
		wg.Wait()
		if len(again) == 0 {
			return
		}
		c.Retries.Add(int64(len(again)))
		// A scoped 429's pause is the pacer's (the next round waits in pacer.wait); an unscoped
		// Retry-After is the op's own wait; without either (a 503, a 429 with no Retry-After, a
		// lost answer) the back-off, as a direct call waits.
		d := minWait
		if d == 0 && backoff {
			d = c.backoff.delay(backoffs)
			backoffs++
		}
		if d > 0 {
			noteWait(ctx, d, "Graph's throttling of some requests of a batch")
		}
		if err := wait(ctx, d); err != nil {
			for _, i := range again {
				settle(i, batchAnswer{err: &Error{Kind: ctxKind(err), Op: op, Err: err}})
			}
			return
		}
		pending = again
	}
}

// retryAfterError carries an unscoped Retry-After from a batched 429.
type retryAfterError struct{ d time.Duration }

func (e *retryAfterError) Error() string { return "throttled" }

func retryAfterOf(err error) (time.Duration, bool) {
	if e, ok := err.(*retryAfterError); ok {
		return e.d, true
	}
	return 0, false
}

// sendBatch sends ops[idx...] as one $batch and returns their answers in order.
func (c *Client) sendBatch(ctx context.Context, op string, ops []batchOp, idx []int) ([]batchAnswer, error) {
	class := paceRead
	reqs := make([]batchWireRequest, len(idx))
	for k, i := range idx {
		o := ops[i]
		reqs[k] = batchWireRequest{ID: strconv.Itoa(k + 1), Method: o.method, URL: o.url, Body: o.body}
		if o.body != nil {
			reqs[k].Headers = map[string]string{"Content-Type": "application/json"}
		}
		if o.class() == paceWrite {
			class = paceWrite
		}
	}
	raw, err := json.Marshal(map[string]any{"requests": reqs})
	if err != nil {
		return nil, &Error{Kind: KindUnknown, Op: op, Err: err}
	}
	// Sent once: a lost answer is sendRounds's to send again, in its next round.
	ri := abstractions.NewRequestInformationWithMethodAndUrlTemplateAndPathParameters(abstractions.POST,
		"{+baseurl}/$batch", map[string]string{"baseurl": c.baseURL})
	ri.Headers.TryAdd("Accept", "application/json")
	ri.SetStreamContentAndContentType(raw, "application/json")
	res, err := c.adapter.SendPrimitive(withPaceClass(ctx, class), ri, "[]byte", errorMapping)
	if err != nil {
		return nil, c.classifyCall(op, permPassWrite, err)
	}
	out, _ := res.([]byte)
	var resp struct {
		Responses []batchWireResponse `json:"responses"`
	}
	if err := json.NewDecoder(bytes.NewReader(out)).Decode(&resp); err != nil {
		return nil, &Error{Kind: KindUnknown, Op: op, Message: "Graph answered the batch with a body that is not a batch response"}
	}
	answers := make([]batchAnswer, len(idx))
	got := make([]bool, len(idx))
	throttled := 0
	defer func() { c.pacer.batchDone(class, len(idx), throttled) }()
	for _, r := range resp.Responses {
		k, err := strconv.Atoi(r.ID)
		if err != nil || k < 1 || k > len(idx) {
			continue
		}
		k--
		got[k] = true
		c.pacer.observe(ops[idx[k]].class(), r.Status, r.header)
		a := batchAnswer{status: r.Status, body: r.Body, requestID: r.header("request-id")}
		if r.Status == http.StatusTooManyRequests {
			throttled++
			switch d, ok := retryAfter(r.header("Retry-After"), time.Now()); {
			case ok && d > 0 && r.header("x-ms-throttle-scope") != "":
				a.paced = true
			case ok:
				a.err = &retryAfterError{d}
			}
		}
		answers[k] = a
	}
	for k := range answers {
		if !got[k] {
			answers[k] = batchAnswer{err: &Error{Kind: KindUnknown, Op: op, Message: "Graph's batch answer lacks request " + strconv.Itoa(k+1)}}
		}
	}
	return answers, nil
}

// answerError turns a batched non-2xx answer into an *Error, as classify does for a direct call.
func answerError(op, permission string, a batchAnswer) error {
	if a.err != nil {
		if _, ok := a.err.(*retryAfterError); !ok {
			return a.err
		}
	}
	if a.status >= 200 && a.status < 300 {
		return nil
	}
	out := &Error{Op: op, StatusCode: a.status, RequestID: a.requestID}
	var body struct {
		Error struct {
			Code       string `json:"code"`
			Message    string `json:"message"`
			InnerError struct {
				RequestID string `json:"request-id"`
			} `json:"innerError"`
		} `json:"error"`
	}
	if json.Unmarshal(a.body, &body) == nil {
		out.Code, out.Message = body.Error.Code, body.Error.Message
		if out.RequestID == "" {
			out.RequestID = body.Error.InnerError.RequestID
		}
	}
	out.setKind(permission)
	return out
}
