package main

// The normalised record of a run and the comparison of two records. A record holds what can
// be compared between tenants: statuses, error codes, messages with ids, times and addresses
// taken out, property names with their JSON types, which headers came back, and a few
// chosen token values. Never an id, a time, a pass code, a secret or a token.

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// Record is one run.
type Record struct {
	// Target is "mock" or "tenant"; the tenant itself is never named.
	Target    string      `json:"target"`
	Scenarios []*Scenario `json:"scenarios"`
}

// Scenario is what one request of the run answered.
type Scenario struct {
	Name    string `json:"name"`
	Skipped string `json:"skipped,omitempty"` // why it did not run
	Status  int    `json:"status,omitempty"`
	// ErrorCode and Message are Graph's error.code and error.message (normalised).
	ErrorCode string `json:"errorCode,omitempty"`
	Message   string `json:"message,omitempty"`
	// Properties maps each property path of the answer ("value[].id", "error.innerError.date")
	// to its JSON type; OData annotations are kept, as they are part of what a client sees.
	Properties map[string]string `json:"properties,omitempty"`
	// Headers maps each header that matters to "present", or to its value for content-type.
	Headers map[string]string `json:"headers,omitempty"`
	// Values are chosen values that carry no identity (a token's ver, its issuer's shape).
	Values map[string]string `json:"values,omitempty"`
}

// headersThatMatter are recorded by presence (content-type by value).
var headersThatMatter = []string{"Content-Type", "Location", "Retry-After", "WWW-Authenticate", "request-id",
	"client-request-id", "x-ms-throttle-limit-percentage", "x-ms-throttle-scope", "x-ms-throttle-information"}

var (
	guidPattern = regexp.MustCompile(`(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	timePattern = regexp.MustCompile(`\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?`)
	upnPattern  = regexp.MustCompile(`[^\s'"/]+@[A-Za-z0-9.-]+\.[A-Za-z]+`)
)

// normalise takes ids, times and addresses out of a text.
func normalise(s string) string {
	s = guidPattern.ReplaceAllString(s, "<id>")
	s = timePattern.ReplaceAllString(s, "<time>")
	return upnPattern.ReplaceAllString(s, "<upn>")
}

// scenarioOf records an HTTP answer.
func scenarioOf(name string, resp *http.Response) (*Scenario, []byte) {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	sc := &Scenario{Name: name, Status: resp.StatusCode, Headers: map[string]string{}, Properties: map[string]string{}}
	for _, h := range headersThatMatter {
		if v := resp.Header.Get(h); v != "" {
			sc.Headers[strings.ToLower(h)] = "present"
		}
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		sc.Headers["content-type"] = strings.ToLower(strings.ReplaceAll(ct, " ", ""))
	}
	var body any
	if len(raw) > 0 && json.Unmarshal(raw, &body) == nil {
		shape(body, "", sc.Properties)
		if e, ok := body.(map[string]any)["error"].(map[string]any); ok {
			sc.ErrorCode, _ = e["code"].(string)
			msg, _ := e["message"].(string)
			sc.Message = normalise(msg)
		}
	}
	return sc, raw
}

// shape records the JSON type of every property path below v.
func shape(v any, path string, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			at := k
			if path != "" {
				at = path + "." + k
			}
			addType(out, at, graphmock.JSONType(child))
			shape(child, at, out)
		}
	case []any:
		for _, child := range x {
			addType(out, path+"[]", graphmock.JSONType(child))
			shape(child, path+"[]", out)
		}
	}
}

// addType records a type at a path; elements of one array may differ ("string|null").
func addType(out map[string]string, path, typ string) {
	have := strings.Split(out[path], "|")
	if out[path] == "" {
		have = nil
	}
	if !slices.Contains(have, typ) {
		have = append(have, typ)
		slices.Sort(have)
	}
	out[path] = strings.Join(have, "|")
}

// Compare lists every difference between two records, scenario by scenario, in a's order.
func Compare(a, b *Record) []string {
	var diffs []string
	byName := func(r *Record) map[string]*Scenario {
		m := map[string]*Scenario{}
		for _, s := range r.Scenarios {
			m[s.Name] = s
		}
		return m
	}
	as, bs := byName(a), byName(b)
	names := make([]string, 0, len(a.Scenarios))
	for _, s := range a.Scenarios {
		names = append(names, s.Name)
	}
	for _, s := range b.Scenarios {
		if as[s.Name] == nil {
			names = append(names, s.Name)
		}
	}
	for _, n := range names {
		x, y := as[n], bs[n]
		switch {
		case x == nil:
			diffs = append(diffs, fmt.Sprintf("%s: only in B", n))
			continue
		case y == nil:
			diffs = append(diffs, fmt.Sprintf("%s: only in A", n))
			continue
		case x.Skipped != "" || y.Skipped != "":
			if (x.Skipped == "") != (y.Skipped == "") {
				diffs = append(diffs, fmt.Sprintf("%s: skipped in %s (%s)", n, map[bool]string{true: "A", false: "B"}[x.Skipped != ""], x.Skipped+y.Skipped))
			}
			continue
		}
		field := func(what, va, vb string) {
			if va != vb {
				diffs = append(diffs, fmt.Sprintf("%s: %s: %s (A) != %s (B)", n, what, quote(va), quote(vb)))
			}
		}
		field("status", strconv.Itoa(x.Status), strconv.Itoa(y.Status))
		field("error code", x.ErrorCode, y.ErrorCode)
		field("message", x.Message, y.Message)
		for _, kind := range []struct {
			what string
			a, b map[string]string
		}{{"property", x.Properties, y.Properties}, {"header", x.Headers, y.Headers}, {"value", x.Values, y.Values}} {
			keys := slices.Sorted(maps.Keys(kind.a))
			for k := range kind.b {
				if _, ok := kind.a[k]; !ok {
					keys = append(keys, k)
				}
			}
			slices.Sort(keys)
			var onlyA, onlyB []string
			for _, k := range keys {
				va, inA := kind.a[k]
				vb, inB := kind.b[k]
				switch {
				case !inA:
					onlyB = append(onlyB, k+" ("+vb+")")
				case !inB:
					onlyA = append(onlyA, k+" ("+va+")")
				case va != vb:
					diffs = append(diffs, fmt.Sprintf("%s: %s %s: %s (A) != %s (B)", n, kind.what, k, va, vb))
				}
			}
			// One line per side: a failed request's error body against a success's entity is one difference of shape.
			if len(onlyA) > 0 {
				diffs = append(diffs, fmt.Sprintf("%s: %s only in A: %s", n, plural(kind.what, len(onlyA)), strings.Join(onlyA, ", ")))
			}
			if len(onlyB) > 0 {
				diffs = append(diffs, fmt.Sprintf("%s: %s only in B: %s", n, plural(kind.what, len(onlyB)), strings.Join(onlyB, ", ")))
			}
		}
	}
	return diffs
}

func plural(what string, n int) string {
	if n == 1 {
		return what
	}
	if strings.HasSuffix(what, "y") {
		return strings.TrimSuffix(what, "y") + "ies"
	}
	return what + "s"
}

func quote(s string) string {
	if s == "" {
		return "none"
	}
	if _, err := strconv.Atoi(s); err == nil {
		return s
	}
	return strconv.Quote(s)
}
