package graphmock

// JSON batching: POST /v1.0/$batch carries at most 20 requests, each run through the whole
// pipeline of its own (token, faults, quota, lag, route, handler) and logged as its own, with
// its own status in the answer. A request whose dependsOn names a request that failed gets
// 424. Without dependsOn Graph may run requests in any order; the mock runs them in order.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// maxBatchRequests is Graph's limit on requests in one batch.
const maxBatchRequests = 20

type batchRequest struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers,omitempty"`
	Body      json.RawMessage   `json:"body,omitempty"`
	DependsOn []string          `json:"dependsOn,omitempty"`
}

type batchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// batchKey marks a request run from inside a batch: no latency of its own (the batch had it)
// and no dropped answer (the batch's answer is one).
type batchKey struct{}

func inBatch(r *http.Request) bool { return r.Context().Value(batchKey{}) != nil }

// isBatchPath: the batch itself is not charged to the quota; its requests are.
func isBatchPath(p string) bool {
	p = strings.TrimSuffix(p, "/")
	return strings.EqualFold(p, "/v1.0/$batch") || strings.EqualFold(p, "/beta/$batch")
}

// handleBatch runs without Mock.mu (route.batch): each request takes the lock itself.
func handleBatch(c *call) (reply, error) {
	var in struct {
		Requests []batchRequest `json:"requests"`
	}
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return reply{}, badRequest("The batch body is not valid: %s", sanitizeJSONError(err))
	}
	switch n := len(in.Requests); {
	case n == 0:
		return reply{}, badRequest("The batch holds no requests.")
	case n > maxBatchRequests:
		return reply{}, badRequest("The batch holds %d requests; a batch holds at most %d.", n, maxBatchRequests)
	}
	// Ids are case-insensitive and unique; the url is relative to the batch's version, with or
	// without a leading slash (docs-contrib concepts/json-batching.md, "Request format").
	seen := map[string]int{} // by lower-case id
	for i := range in.Requests {
		r := &in.Requests[i]
		if r.ID == "" {
			return reply{}, badRequest("Request %d of the batch has no id.", i+1)
		}
		if _, dup := seen[strings.ToLower(r.ID)]; dup {
			return reply{}, badRequest("The batch holds two requests with the id '%s' (ids are case-insensitive).", r.ID)
		}
		for _, d := range r.DependsOn {
			if _, earlier := seen[strings.ToLower(d)]; !earlier {
				return reply{}, badRequest("Request '%s' depends on '%s', which is not an earlier request of the batch.", r.ID, d)
			}
		}
		if !strings.HasPrefix(r.URL, "/") {
			r.URL = "/" + r.URL
		}
		if lower := strings.ToLower(r.URL); strings.HasPrefix(lower, "/v1.0/") || strings.HasPrefix(lower, "/beta/") {
			return reply{}, badRequest("Request '%s': the url must be relative to the version, like /users/{id}.", r.ID)
		}
		// A batch holds requests to resources, never another batch (docs-contrib
		// concepts/json-batching.md): nesting would run batches recursively.
		if path, _, _ := strings.Cut(r.URL, "?"); isBatchPath("/v1.0" + path) {
			return reply{}, badRequest("Request '%s': a batch cannot hold another batch.", r.ID)
		}
		seen[strings.ToLower(r.ID)] = i
	}
	if err := checkSequencing(in.Requests); err != nil {
		return reply{}, err
	}
	out := make([]batchResponse, len(in.Requests))
	for i, r := range in.Requests {
		failed := ""
		for _, d := range r.DependsOn {
			if out[seen[strings.ToLower(d)]].Status >= 400 {
				failed = d
			}
		}
		if failed != "" {
			body, _ := json.Marshal(odataErrorBody{Error: odataError{Code: "FailedDependency",
				Message: fmt.Sprintf("The request depends on request '%s', which failed.", failed)}})
			out[i] = batchResponse{ID: r.ID, Status: http.StatusFailedDependency,
				Headers: map[string]string{"Content-Type": "application/json"}, Body: body}
			continue
		}
		out[i] = c.m.runBatched(c, r)
	}
	return ok(map[string]any{"responses": out}), nil
}

// checkSequencing refuses the dependsOn shapes Graph does not run: a request depends on one
// other request at most, and the batch is parallel (no dependsOn), serial (each request on the
// one before) or same (every dependsOn names the same request); docs-contrib
// concepts/json-batching.md ("Sequencing requests with the dependsOn property") and its
// known-issues include ("Request dependencies are limited").
func checkSequencing(reqs []batchRequest) error {
	serial, same, depends := true, true, false
	first := ""
	for i, r := range reqs {
		if len(r.DependsOn) > 1 {
			return badRequest("Request '%s' depends on %d requests; a request of a batch may depend on one other request only.", r.ID, len(r.DependsOn))
		}
		if len(r.DependsOn) == 0 {
			serial = serial && i == 0
			continue
		}
		d := strings.ToLower(r.DependsOn[0])
		depends = true
		serial = serial && i > 0 && d == strings.ToLower(reqs[i-1].ID)
		if first == "" {
			first = d
		}
		same = same && d == first
	}
	if depends && !serial && !same {
		return badRequest("The batch's dependsOn form a tree; Graph runs a batch in parallel, in series (each request on the one before) or with every request on the same one.")
	}
	return nil
}

// runBatched serves one request of a batch through ServeHTTP, with the batch's token.
func (m *Mock) runBatched(c *call, br batchRequest) batchResponse {
	var body *bytes.Reader
	if len(br.Body) > 0 {
		body = bytes.NewReader(br.Body)
	} else {
		body = bytes.NewReader(nil)
	}
	ctx := context.WithValue(c.r.Context(), batchKey{}, true)
	// The requests run on the batch's own version: /beta/$batch runs them on beta.
	version := "/v1.0"
	if areaOf(c.r.URL.Path) == betaArea {
		version = "/beta"
	}
	req, err := http.NewRequestWithContext(ctx, strings.ToUpper(br.Method), version+br.URL, body)
	if err != nil {
		return batchResponse{ID: br.ID, Status: http.StatusBadRequest}
	}
	req.Host, req.TLS = c.r.Host, c.r.TLS
	for k, v := range br.Headers {
		req.Header.Set(k, v)
	}
	// Every request of a batch runs as the batch's caller (docs-contrib
	// concepts/json-batching.md: the batch is authenticated as one request): an item's own
	// Authorization header is ignored, never a way to act with another token.
	req.Header.Del("Authorization")
	if v := c.r.Header.Get("Authorization"); v != "" {
		req.Header.Set("Authorization", v)
	}
	if v := c.r.Header.Get("client-request-id"); v != "" && req.Header.Get("client-request-id") == "" {
		req.Header.Set("client-request-id", v)
	}
	rec := &bufferedWriter{header: http.Header{}}
	m.ServeHTTP(rec, req)
	res := batchResponse{ID: br.ID, Status: rec.status, Headers: map[string]string{}}
	if res.Status == 0 {
		res.Status = http.StatusOK
	}
	for _, h := range []string{"Content-Type", "Location", "Retry-After", "x-ms-throttle-scope", "x-ms-throttle-limit-percentage", "x-ms-throttle-information", "x-ms-resource-unit"} {
		if v := rec.header.Get(h); v != "" {
			res.Headers[h] = v
		}
	}
	if rec.buf.Len() > 0 {
		res.Body = json.RawMessage(rec.buf.Bytes())
	}
	return res
}

// bufferedWriter holds one batched request's answer.
type bufferedWriter struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.buf.Write(p)
}

// sanitizeJSONError keeps a decode error short and free of the input.
func sanitizeJSONError(err error) string {
	if se := (*json.SyntaxError)(nil); errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at offset %d", se.Offset)
	}
	return err.Error()
}
