package graphmock

// Graph's published throttling limits for the identity and access service (docs-contrib
// concepts/throttling-limits.md), as a tenant setting: per app and tenant a resource-unit budget per 10 s that
// depends on the tenant's size and a write quota of 3,000 per 2 min 30 s; per tenant 18,000
// writes per 5 min. Windows slide on wall time (never the tenant clock, which tests jump by
// hours), divided by TimeScale so a test runs the same shape in seconds.
//
// Requests cost what the same page's base cost table and its "other factors" say (costOf);
// where Microsoft publishes no figure: $batch itself costs nothing, each request in it is
// counted. x-ms-throttle-limit-percentage is the most-used limit's use as a fraction (0.8–1.0,
// Graph's own form). A 429 carries x-ms-throttle-scope
// "<Scope>/<Limit>/<ApplicationId>/<TenantId>" with Limit Read, Write or ReadWrite and the
// app's id even for the tenant's own limit, and x-ms-throttle-information naming the limit
// (WriteLimitExceeded, ResourceUnitLimitExceeded), as concepts/throttling-limits.md
// ("Throttled responses requests") documents them.

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Quota is the throttling setting, as JSON at /_mock/quota. The zero value is "no quota".
type Quota struct {
	Enabled bool `json:"enabled"`
	// TenantSize picks the resource-unit budget per 10 s: "small" (<50 users, 3,500),
	// "medium" (50–500, 5,000), "large" (>500, 8,000); "" means medium.
	TenantSize string `json:"tenantSize"`
	// TimeScale divides every window and Retry-After (10: the 2 min 30 s write window lasts 15 s); 0 means 1.
	TimeScale float64 `json:"timeScale"`
	// TAPQuota is the limit that governs the pass endpoints (.../authentication/temporaryAccessPassMethods):
	// "directory" (or ""), the identity and access quota; "reports", the identity and access
	// reports limit of 5 requests per 10 s per app and tenant. Disputed: the reports section of
	// concepts/throttling-limits.md names authenticationMethod among its resources
	// (includes/throttling-aad-reports.md), the identity and access section does not.
	TAPQuota string `json:"tapQuota,omitempty"`
}

// The limits that may govern the pass endpoints (Quota.TAPQuota).
const (
	TAPQuotaDirectory = "directory"
	TAPQuotaReports   = "reports"
)

// The published limits.
const (
	ruWindow              = 10 * time.Second
	appWriteLimit         = 3000
	appWriteWindow        = 150 * time.Second
	tenantWriteLimit      = 18000
	tenantWriteWindow     = 5 * time.Minute
	reportsLimit          = 5 // requests per app and tenant, any request type
	reportsWindow         = 10 * time.Second
	throttleWarnThreshold = 0.8
)

var resourceUnitBudget = map[string]int{"small": 3500, "medium": 5000, "large": 8000}

// Validate reports what is wrong with a setting, or nil.
func (q Quota) Validate() error {
	if _, ok := resourceUnitBudget[q.size()]; !ok {
		return fmt.Errorf("tenantSize must be small, medium or large, not %q", q.TenantSize)
	}
	if q.TimeScale < 0 || q.TimeScale > 10000 || math.IsNaN(q.TimeScale) {
		return errors.New("timeScale must be between 0 (meaning 1) and 10000")
	}
	if q.TAPQuota != "" && q.TAPQuota != TAPQuotaDirectory && q.TAPQuota != TAPQuotaReports {
		return fmt.Errorf("tapQuota must be %s or %s, not %q", TAPQuotaDirectory, TAPQuotaReports, q.TAPQuota)
	}
	return nil
}

func (q Quota) size() string {
	if q.TenantSize == "" {
		return "medium"
	}
	return q.TenantSize
}

func (q Quota) scale() float64 {
	if q.TimeScale <= 0 {
		return 1
	}
	return q.TimeScale
}

// window is one sliding window: the costs charged in it, oldest first.
type window struct {
	scope  string // Tenant_Application or Tenant
	limit  string // what it counts: Read, Write or ReadWrite (resource units count every request)
	info   string // x-ms-throttle-information when it is full
	max    int
	span   time.Duration
	events []costAt
	used   int
}

type costAt struct {
	at   time.Time
	cost int
}

// expire drops what left the window by now.
func (w *window) expire(now time.Time) {
	i := 0
	for i < len(w.events) && !w.events[i].at.After(now.Add(-w.span)) {
		w.used -= w.events[i].cost
		i++
	}
	if i > 0 {
		w.events = append(w.events[:0], w.events[i:]...)
	}
}

// wait is how long until cost fits, given what is in the window now (after expire).
func (w *window) wait(now time.Time, cost int) time.Duration {
	free := w.max - w.used
	for _, e := range w.events {
		if free >= cost {
			break
		}
		free += e.cost
		if free >= cost {
			return e.at.Add(w.span).Sub(now)
		}
	}
	if free >= cost {
		return 0
	}
	return w.span // cost larger than the limit: never fits, say a whole window
}

func (w *window) charge(now time.Time, cost int) {
	if cost == 0 {
		return
	}
	w.events = append(w.events, costAt{now, cost})
	w.used += cost
}

// quotaMeter holds the setting and the windows: per app (units, writes) and per tenant (writes).
type quotaMeter struct {
	mu      sync.Mutex
	q       Quota
	now     func() time.Time
	apps    map[string]*[3]*window // resource units, writes, the reports limit
	tenantW *window
}

func newQuotaMeter(q Quota) *quotaMeter {
	m := &quotaMeter{now: time.Now}
	m.replace(q)
	return m
}

// replace sets the quota and empties the windows.
func (m *quotaMeter) replace(q Quota) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.q = q
	m.apps = map[string]*[3]*window{}
	m.tenantW = nil
}

func (m *quotaMeter) get() Quota {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.q
}

// cost is what one Graph request uses of the quota: resource units and writes, or (reports)
// one request of the reports limit instead.
type cost struct {
	units, writes int
	reports       bool
}

// baseCosts are the rows of the identity and access base cost table (docs-contrib
// concepts/throttling-limits.md, "Identity and access service limits") for the paths the mock
// serves; "{id}" is any one segment, and a row for me/ holds for users/{id}/ too. Every other
// GET costs 1 unit, every other write 1 unit and 1 write.
var baseCosts = []struct {
	method, path string
	cost
}{
	{http.MethodGet, "users", cost{units: 2}},
	{http.MethodGet, "groups/{id}/members", cost{units: 3}},
	{http.MethodGet, "groups/{id}/transitivemembers", cost{units: 5}},
	{http.MethodPost, "me/checkmembergroups", cost{units: 4}},
}

// costOf is what a request costs by that table, less 1 for $select and for a $top under 20,
// plus 1 for $expand, never under 1 unit (the same page's "Other factors that affect a request
// cost"). Every /reports/... request, and a pass endpoint's under TAPQuota "reports", counts
// against the reports limit instead (the page's "Identity and access reports service limits").
func (qs Quota) costOf(method, p string, q url.Values) cost {
	if method == http.MethodHead {
		method = http.MethodGet
	}
	segs := strings.Split(strings.Trim(strings.ToLower(stripVersion(p)), "/"), "/")
	if segs[0] == "reports" || (qs.TAPQuota == TAPQuotaReports && slices.Contains(segs, "temporaryaccesspassmethods")) {
		return cost{reports: true}
	}
	c := cost{units: 1}
	if method != http.MethodGet {
		c.writes = 1
	}
	if len(segs) > 1 && segs[0] == "users" {
		segs = append([]string{"me"}, segs[2:]...)
	}
	for _, row := range baseCosts {
		if row.method == method && costPathMatches(strings.Split(row.path, "/"), segs) {
			c = row.cost
			break
		}
	}
	if q.Has("$select") {
		c.units--
	}
	if q.Has("$expand") {
		c.units++
	}
	if top, err := strconv.Atoi(q.Get("$top")); err == nil && top < 20 {
		c.units--
	}
	c.units = max(c.units, 1)
	return c
}

// costPathMatches: a row's path matches a request's segments and what lies under them
// (groups/{id}/transitiveMembers/microsoft.graph.user or /$count is the same request).
func costPathMatches(row, segs []string) bool {
	if len(segs) < len(row) {
		return false
	}
	for i, r := range row {
		if r != "{id}" && r != segs[i] {
			return false
		}
	}
	return true
}

// charge counts one request of app in tenant, or answers 429 when a window is full. h gets
// x-ms-throttle-limit-percentage from 80% of a limit, and the 429's headers.
func (m *quotaMeter) charge(h http.Header, app, tenant string, c cost) *graphError {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.q.Enabled {
		return nil
	}
	scale := m.q.scale()
	span := func(d time.Duration) time.Duration { return time.Duration(float64(d) / scale) }
	ws, okApp := m.apps[app]
	if !okApp {
		ws = &[3]*window{
			{scope: "Tenant_Application", limit: "ReadWrite", info: "ResourceUnitLimitExceeded", max: resourceUnitBudget[m.q.size()], span: span(ruWindow)},
			{scope: "Tenant_Application", limit: "Write", info: "WriteLimitExceeded", max: appWriteLimit, span: span(appWriteWindow)},
			// Microsoft names no x-ms-throttle-information for the reports limit: ours.
			{scope: "Tenant_Application", limit: "ReadWrite", info: "ReportsRequestLimitExceeded", max: reportsLimit, span: span(reportsWindow)},
		}
		m.apps[app] = ws
	}
	if m.tenantW == nil {
		m.tenantW = &window{scope: "Tenant", limit: "Write", info: "WriteLimitExceeded", max: tenantWriteLimit, span: span(tenantWriteWindow)}
	}
	units, writes := c.units, c.writes
	now := m.now()
	type check struct {
		w    *window
		cost int
	}
	checks := []check{{ws[0], units}, {ws[1], writes}, {m.tenantW, writes}}
	if c.reports {
		checks = []check{{ws[2], 1}}
	}
	var worst *window
	var wait time.Duration
	for _, ch := range checks {
		ch.w.expire(now)
		if ch.cost == 0 {
			continue
		}
		if d := ch.w.wait(now, ch.cost); d > wait {
			worst, wait = ch.w, d
		}
	}
	if worst != nil {
		h.Set("x-ms-throttle-scope", fmt.Sprintf("%s/%s/%s/%s", worst.scope, worst.limit, app, tenant))
		h.Set("x-ms-throttle-information", worst.info)
		// Whole seconds, rounded up: Retry-After is delay-seconds, a whole number (RFC 9110
		// section 10.2.3; concepts/throttling-limits.md's examples). Scaled windows scale the
		// second too (at 1/10, tenths), so that a client probes a full window no more often
		// than it could at Graph's own.
		secs := math.Ceil(wait.Seconds()*scale) / scale
		h.Set("Retry-After", strconv.FormatFloat(secs, 'f', -1, 64))
		return &graphError{Status: http.StatusTooManyRequests, Code: "TooManyRequests",
			Message: "Too many requests. Application or tenant has exceeded its quota (" + worst.info + "); retry after the time in Retry-After."}
	}
	use := 0.0
	for _, ch := range checks {
		ch.w.charge(now, ch.cost)
		if ch.cost > 0 {
			use = math.Max(use, float64(ch.w.used)/float64(ch.w.max))
		}
	}
	if !c.reports {
		h.Set("x-ms-resource-unit", strconv.Itoa(units))
	}
	if use >= throttleWarnThreshold {
		h.Set("x-ms-throttle-limit-percentage", strconv.FormatFloat(math.Round(use*100)/100, 'f', -1, 64))
	}
	return nil
}

// Floor is the least wall time the Graph requests of log need under q's windows, whatever
// the client: for costs C under a limit of L per window T, floor((C-1)/L)·T, the largest over
// the limits. 429s and $batch itself cost nothing; each request in a batch is counted.
func (q Quota) Floor(log []RequestLogEntry) time.Duration {
	var units, writes, reports int
	for _, e := range log {
		if e.Status == http.StatusTooManyRequests || isBatchPath(e.Path) || areaOf(e.Path) != graphArea && areaOf(e.Path) != betaArea {
			continue
		}
		u, err := url.ParseRequestURI(e.URI)
		if err != nil {
			u = &url.URL{Path: e.Path}
		}
		c := q.costOf(e.Method, e.Path, u.Query())
		if c.reports {
			reports++
		}
		units, writes = units+c.units, writes+c.writes
	}
	windows := func(n, limit int, span time.Duration) time.Duration {
		if n == 0 {
			return 0
		}
		return time.Duration((n-1)/limit) * span
	}
	floor := max(windows(writes, appWriteLimit, appWriteWindow), windows(writes, tenantWriteLimit, tenantWriteWindow),
		windows(units, resourceUnitBudget[q.size()], ruWindow), windows(reports, reportsLimit, reportsWindow))
	return time.Duration(float64(floor) / q.scale())
}

// SetQuota replaces the throttling setting and empties its windows; it panics on an invalid one.
func (m *Mock) SetQuota(q Quota) {
	if err := q.Validate(); err != nil {
		panic("graphmock: SetQuota: " + err.Error())
	}
	m.quota.replace(q)
}

// Quota returns the throttling setting.
func (m *Mock) Quota() Quota { return m.quota.get() }

func handleGetQuota(c *call) (reply, error) { return ok(c.m.Quota()), nil }

func handleSetQuota(c *call) (reply, error) {
	var q Quota
	if gerr := decodeJSON(c.body, &q); gerr != nil {
		return reply{}, gerr
	}
	if err := q.Validate(); err != nil {
		return reply{}, badRequest("%s", err.Error())
	}
	c.m.quota.replace(q)
	return ok(c.m.Quota()), nil
}

// chargeQuota is the dispatch's one call into the quota, after the token is checked.
func (m *Mock) chargeQuota(c *call) error {
	if c.principal == nil || isBatchPath(c.r.URL.Path) {
		return nil
	}
	if gerr := m.quota.charge(c.w.Header(), c.principal.clientID, m.tenantID(), m.Quota().costOf(c.r.Method, c.r.URL.Path, c.r.URL.Query())); gerr != nil {
		c.entry.Fault = "throttled"
		return gerr
	}
	return nil
}
