package graphmock

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// What a write and a read of one object cost.
var (
	write = cost{units: 1, writes: 1}
	read  = cost{units: 1}
)

// fakeNow is a clock the test moves by hand.
type fakeNow struct{ t time.Time }

func (f *fakeNow) now() time.Time { return f.t }

func TestQuota_WriteWindowSlides(t *testing.T) {
	t.Parallel()
	clock := &fakeNow{t: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}
	q := newQuotaMeter(Quota{Enabled: true, TimeScale: 10}) // the 150 s write window lasts 15 s
	q.now = clock.now
	for i := range appWriteLimit {
		h := http.Header{}
		if gerr := q.charge(h, "app", "tenant", write); gerr != nil {
			t.Fatalf("write %d throttled: %v", i+1, gerr.Message)
		}
		pct := h.Get("x-ms-throttle-limit-percentage")
		if used := float64(i+1) / appWriteLimit; (used >= 0.8) != (pct != "") {
			t.Fatalf("write %d (%.2f of the limit): x-ms-throttle-limit-percentage %q", i+1, used, pct)
		}
		if i%1000 == 999 {
			clock.t = clock.t.Add(time.Second) // 1,000 writes a second
		}
	}
	h := http.Header{}
	gerr := q.charge(h, "app", "tenant", write)
	if gerr == nil || gerr.Status != http.StatusTooManyRequests {
		t.Fatalf("write 3,001 in the window: %v, want 429", gerr)
	}
	if got, want := h.Get("x-ms-throttle-scope"), "Tenant_Application/Write/app/tenant"; got != want {
		t.Fatalf("scope %q, want %q", got, want)
	}
	// The first 1,000 writes were at 0 s; they leave the 15 s window at 15 s, 12 s from now (3 s).
	ra, err := strconv.ParseFloat(h.Get("Retry-After"), 64)
	if err != nil || ra != 12 {
		t.Fatalf("Retry-After %q, want 12 (the oldest write leaves the window then)", h.Get("Retry-After"))
	}
	// Reads still pass: the resource-unit budget is apart from the write quota.
	if gerr := q.charge(http.Header{}, "app", "tenant", read); gerr != nil {
		t.Fatalf("read throttled by the write quota: %s", gerr.Message)
	}
	// Another app has its own write quota.
	if gerr := q.charge(http.Header{}, "other", "tenant", write); gerr != nil {
		t.Fatalf("another app throttled: %s", gerr.Message)
	}
	clock.t = clock.t.Add(time.Duration(ra * float64(time.Second)))
	if gerr := q.charge(http.Header{}, "app", "tenant", write); gerr != nil {
		t.Fatalf("write after Retry-After: %s", gerr.Message)
	}
}

// Retry-After is whole seconds (delay-seconds), and under a time scale whole scaled seconds:
// tenths at 1/10, never the millisecond a client could probe the window's edge at.
func TestQuota_RetryAfterWholeScaledSeconds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		scale float64
		want  string
	}{{1, "1"}, {10, "0.1"}} {
		clock := &fakeNow{t: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}
		q := newQuotaMeter(Quota{Enabled: true, TimeScale: tc.scale})
		q.now = clock.now
		for range appWriteLimit {
			if gerr := q.charge(http.Header{}, "app", "tenant", write); gerr != nil {
				t.Fatalf("scale %g: throttled in the window", tc.scale)
			}
		}
		// The oldest write leaves the window a millisecond from now.
		window := time.Duration(float64(appWriteWindow) / tc.scale)
		clock.t = clock.t.Add(window - time.Millisecond)
		h := http.Header{}
		if gerr := q.charge(h, "app", "tenant", write); gerr == nil {
			t.Fatalf("scale %g: write %d passed", tc.scale, appWriteLimit+1)
		}
		if got := h.Get("Retry-After"); got != tc.want {
			t.Errorf("scale %g: Retry-After %q a millisecond before the oldest write leaves, want %q", tc.scale, got, tc.want)
		}
	}
}

func TestQuota_TenantWriteLimitAcrossApps(t *testing.T) {
	t.Parallel()
	clock := &fakeNow{t: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}
	q := newQuotaMeter(Quota{Enabled: true, TenantSize: "large"})
	q.now = clock.now
	for i := range tenantWriteLimit {
		app := "app" + strconv.Itoa(i/appWriteLimit)
		if gerr := q.charge(http.Header{}, app, "tenant", write); gerr != nil {
			t.Fatalf("write %d by %s throttled: %s", i+1, app, gerr.Message)
		}
	}
	h := http.Header{}
	if gerr := q.charge(h, "fresh", "tenant", write); gerr == nil {
		t.Fatal("write 18,001 of the tenant in 5 min passed")
	}
	if got := h.Get("x-ms-throttle-scope"); got != "Tenant/Write/fresh/tenant" {
		t.Fatalf("scope %q", got)
	}
	if h.Get("Retry-After") != "300" {
		t.Fatalf("Retry-After %q, want 300", h.Get("Retry-After"))
	}
}

func TestQuota_ResourceUnitsByTenantSize(t *testing.T) {
	t.Parallel()
	for size, budget := range resourceUnitBudget {
		q := newQuotaMeter(Quota{Enabled: true, TenantSize: size})
		clock := &fakeNow{t: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}
		q.now = clock.now
		// A collection GET costs 2 units.
		for i := range budget / 2 {
			if gerr := q.charge(http.Header{}, "app", "t", cost{units: 2}); gerr != nil {
				t.Fatalf("%s: list %d throttled", size, i+1)
			}
		}
		h := http.Header{}
		if gerr := q.charge(h, "app", "t", read); gerr == nil {
			t.Fatalf("%s: GET past %d units passed", size, budget)
		}
		if h.Get("x-ms-throttle-scope") != "Tenant_Application/ReadWrite/app/t" || h.Get("Retry-After") != "10" {
			t.Fatalf("%s: scope %q Retry-After %q", size, h.Get("x-ms-throttle-scope"), h.Get("Retry-After"))
		}
	}
}

func TestQuota_OverHTTPAndControl(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)

	// Off by default: no headers.
	r := do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID, admin, nil)
	if r.status != 200 || r.header.Get("x-ms-resource-unit") != "" {
		t.Fatalf("quota off: %d %v", r.status, r.header)
	}
	r = do(t, c, "POST", s.URL+"/_mock/quota", "", map[string]any{"enabled": true, "tenantSize": "huge"})
	checkGraphError(t, r, 400, codeBadRequest)
	r = do(t, c, "POST", s.URL+"/_mock/quota", "", map[string]any{"enabled": true, "tenantSize": "small", "timeScale": 100})
	if r.status != 200 || r.json["tenantSize"] != "small" {
		t.Fatalf("set quota: %d %s", r.status, r.raw)
	}
	clock := &fakeNow{t: time.Now()}
	s.quota.mu.Lock()
	s.quota.now = clock.now
	s.quota.mu.Unlock()
	r = do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID, admin, nil)
	if r.status != 200 || r.header.Get("x-ms-resource-unit") != "1" {
		t.Fatalf("quota on: %d %v", r.status, r.header)
	}
	// Fill the app's resource units up to 80%, then one request shows the header.
	clientID := AdminClientID
	for range int(0.8*3500) - 2 {
		if gerr := s.quota.charge(http.Header{}, clientID, TenantID, read); gerr != nil {
			t.Fatalf("throttled below the budget: %s", gerr.Message)
		}
	}
	r = do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID, admin, nil)
	if r.status != 200 || r.header.Get("x-ms-throttle-limit-percentage") != "0.8" {
		t.Fatalf("at 80%%: %d x-ms-throttle-limit-percentage %q", r.status, r.header.Get("x-ms-throttle-limit-percentage"))
	}
	for range 3500 - int(0.8*3500) {
		if gerr := s.quota.charge(http.Header{}, clientID, TenantID, read); gerr != nil {
			t.Fatalf("throttled below the budget: %s", gerr.Message)
		}
	}
	r = do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID, admin, nil)
	checkGraphError(t, r, 429, "TooManyRequests")
	// 10 s at scale 100 is 0.1 s: fractional, as a scaled window must be.
	if r.header.Get("Retry-After") != "0.1" || r.header.Get("x-ms-throttle-scope") != "Tenant_Application/ReadWrite/"+clientID+"/"+TenantID {
		t.Fatalf("429 headers: %v", r.header)
	}
	found := false
	for _, e := range s.Requests() {
		found = found || (e.Status == 429 && e.Fault == "throttled")
	}
	if !found {
		t.Fatal("the request log does not mark the 429 as throttled")
	}
}

// A 429 names its limit in Microsoft's words (concepts/throttling-limits.md, "Throttled
// responses requests"): <Scope>/<Limit>/<ApplicationId>/<TenantId> with Limit Read, Write or
// ReadWrite and the app's GUID, and x-ms-throttle-information such as WriteLimitExceeded.
func TestQuota_ThrottleVocabularyOverHTTPS(t *testing.T) {
	t.Parallel()
	s, c, admin := startAllowing(t, Options{Quota: Quota{Enabled: true, TenantSize: "small"}})
	fill := func(method string, n int) {
		for range n {
			if gerr := s.quota.charge(http.Header{}, AdminClientID, TenantID, Quota{}.costOf(method, "/v1.0/users/x", nil)); gerr != nil {
				t.Fatalf("throttled while filling: %s", gerr.Message)
			}
		}
	}
	fill(http.MethodPost, appWriteLimit)
	r := do(t, c, "POST", s.URL+"/v1.0/users/"+AliceID+"/authentication/temporaryAccessPassMethods", admin, map[string]any{})
	checkGraphError(t, r, 429, codeTooManyRequests)
	if got, want := r.header.Get("x-ms-throttle-scope"), "Tenant_Application/Write/"+AdminClientID+"/"+TenantID; got != want {
		t.Fatalf("write quota: x-ms-throttle-scope %q, want %q", got, want)
	}
	if got := r.header.Get("x-ms-throttle-information"); got != "WriteLimitExceeded" {
		t.Fatalf("write quota: x-ms-throttle-information %q", got)
	}
	fill(http.MethodGet, 3500-appWriteLimit)
	r = do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID, admin, nil)
	checkGraphError(t, r, 429, codeTooManyRequests)
	if got, want := r.header.Get("x-ms-throttle-scope"), "Tenant_Application/ReadWrite/"+AdminClientID+"/"+TenantID; got != want {
		t.Fatalf("resource units: x-ms-throttle-scope %q, want %q", got, want)
	}
	if got := r.header.Get("x-ms-throttle-information"); got != "ResourceUnitLimitExceeded" {
		t.Fatalf("resource units: x-ms-throttle-information %q", got)
	}
}

// Each request costs what the identity and access base cost table and its "other factors"
// say (concepts/throttling-limits.md): shown by x-ms-resource-unit over HTTPS, and a
// checkMemberGroups uses no write.
func TestQuota_CostsAsPublished(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Quota: Quota{Enabled: true}})
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	for _, tc := range []struct {
		method, path string
		body         any
		units        string
	}{
		{"GET", "/v1.0/groups/" + OnboardingGroupID + "/transitiveMembers", nil, "5"},
		{"GET", "/v1.0/groups/" + OnboardingGroupID + "/transitiveMembers?$select=id", nil, "4"},
		{"GET", "/v1.0/groups/" + OnboardingGroupID + "/transitiveMembers?$select=id&$top=5", nil, "3"},
		{"GET", "/v1.0/groups/" + OnboardingGroupID + "/transitiveMembers?$top=20", nil, "5"},
		{"POST", "/v1.0/users/" + AliceID + "/checkMemberGroups", map[string]any{"groupIds": []string{OnboardingGroupID}}, "4"},
		{"GET", "/v1.0/users", nil, "2"},
		{"GET", "/v1.0/users?$select=id&$top=1", nil, "1"}, // never under 1
		{"GET", "/v1.0/users/" + AliceID, nil, "1"},
		{"GET", "/v1.0/users/" + AliceID + "/authentication/temporaryAccessPassMethods", nil, "1"},
	} {
		r := do(t, c, tc.method, s.URL+tc.path, admin, tc.body)
		if r.status != 200 || r.header.Get("x-ms-resource-unit") != tc.units {
			t.Errorf("%s %s: %d x-ms-resource-unit %q, want %s", tc.method, tc.path, r.status, r.header.Get("x-ms-resource-unit"), tc.units)
		}
	}
	// With the app's write quota full, a checkMemberGroups still runs: it uses no write.
	for range appWriteLimit {
		if gerr := s.quota.charge(http.Header{}, AdminClientID, TenantID, write); gerr != nil {
			t.Fatalf("throttled while filling: %s", gerr.Message)
		}
	}
	r := do(t, c, "POST", s.URL+"/v1.0/users/"+AliceID+"/checkMemberGroups", admin, map[string]any{"groupIds": []string{OnboardingGroupID}})
	if r.status != 200 {
		t.Fatalf("checkMemberGroups with the write quota full: %d %s", r.status, r.raw)
	}
}

// The identity and access reports limit, 5 requests per 10 s per app and tenant
// (concepts/throttling-limits.md), governs every /reports/... path, and the pass endpoints too
// under tapQuota "reports"; the directory quota stays the default for them.
func TestQuota_ReportsLimitAndTheTAPSwitch(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Quota: Quota{Enabled: true}})
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	scope := "Tenant_Application/ReadWrite/" + AdminClientID + "/" + TenantID
	within := func(path string, n int) {
		t.Helper()
		for i := range n {
			if r := do(t, c, "GET", s.URL+path, admin, nil); r.status == 429 {
				t.Fatalf("%s: request %d of %d throttled: %s", path, i+1, n, r.raw)
			}
		}
	}
	over := func(path string) {
		t.Helper()
		r := do(t, c, "GET", s.URL+path, admin, nil)
		checkGraphError(t, r, 429, codeTooManyRequests)
		if r.header.Get("x-ms-throttle-scope") != scope || r.header.Get("Retry-After") != "10" {
			t.Fatalf("%s over the reports limit: %v", path, r.header)
		}
	}
	reports := "/v1.0/reports/authenticationMethods/userRegistrationDetails"
	passes := "/v1.0/users/" + AliceID + "/authentication/temporaryAccessPassMethods"
	within(reports, 5)
	over(reports)
	within(passes, 20) // the directory quota: thousands per 10 s
	r := do(t, c, "POST", s.URL+"/_mock/quota", "", map[string]any{"enabled": true, "tapQuota": "hourly"})
	checkGraphError(t, r, 400, codeBadRequest)
	if r = do(t, c, "POST", s.URL+"/_mock/quota", "", map[string]any{"enabled": true, "tapQuota": TAPQuotaReports}); r.status != 200 || r.json["tapQuota"] != "reports" {
		t.Fatalf("set tapQuota: %d %s", r.status, r.raw)
	}
	within(passes, 5)
	over(passes)
	over(reports) // one limit for both
	within("/v1.0/users/"+AliceID, 20)
}
