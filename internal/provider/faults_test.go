package provider

// Faults injected by the mock Graph (throttling, latency, replication lag,
// answers dropped after a commit, server errors) and a Ctrl-C in the middle
// of a create. Every test ends on the same question: does Terraform's state
// name exactly the passes the tenant holds, no orphan in the tenant and
// nothing in state that the tenant lacks?

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// faultUsers adds n users to the mock and returns their UPNs.
func faultUsers(t *testing.T, m *graphmock.Server, prefix string, n int) []string {
	t.Helper()
	upns := make([]string, n)
	for i := range upns {
		upns[i] = fmt.Sprintf("%s-%02d@%s", prefix, i+1, graphmock.Domain)
		if _, err := m.AddUser(graphmock.NewUser{UserPrincipalName: upns[i]}); err != nil {
			t.Fatalf("adding %s: %v", upns[i], err)
		}
	}
	return upns
}

// faultConfig is the policy, enabled, and a pass for each user, created once
// the policy is enabled. extra goes into the pass resource's body.
func faultConfig(m *graphmock.Server, upns []string, extra string) string {
	quoted := make([]string, len(upns))
	for i, u := range upns {
		quoted[i] = strconv.Quote(u)
	}
	return providerBlock(m) + fmt.Sprintf(`
resource "entratap_policy" "this" {
  enabled = true
}

resource "entratap_pass" "p" {
  for_each   = toset([%s])
  user_id    = each.value
  depends_on = [entratap_policy.this]
%s
}
`, strings.Join(quoted, ", "), extra)
}

// faultStateCheck runs fn on the state Terraform reports after a step. It
// reads the JSON state, which for_each keys do not trouble (the legacy shim
// behind Check cannot read them).
type faultStateCheck func(*tfjson.State) error

func (fn faultStateCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = fn(req.State)
}

// faultStatePasses returns the passes a state holds: user object id (lower case) -> pass id.
func faultStatePasses(s *tfjson.State) (map[string]string, error) {
	out := map[string]string{}
	if s == nil || s.Values == nil || s.Values.RootModule == nil {
		return out, nil
	}
	for _, r := range s.Values.RootModule.Resources {
		if r.Mode != tfjson.ManagedResourceMode || r.Type != "entratap_pass" {
			continue
		}
		user, _ := r.AttributeValues["user_object_id"].(string)
		id, _ := r.AttributeValues["id"].(string)
		if err := faultAddPass(out, r.Address, user, id); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func faultAddPass(out map[string]string, addr, user, id string) error {
	if user == "" || id == "" {
		return fmt.Errorf("%s has no id or user_object_id in state", addr)
	}
	key := strings.ToLower(user)
	if prev, dup := out[key]; dup {
		return fmt.Errorf("state holds two passes of user %s: %s and %s", user, prev, id)
	}
	out[key] = id
	return nil
}

// faultDiskState reads the passes of the state file Terraform left in the
// test's working directory (under dir, the test's TF_ACC_TEMP_DIR), tainted
// ones included: after a failed step no state check runs, so the file is
// the only record of what Terraform knows.
func faultDiskState(dir string) (map[string]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && d.Name() == "terraform.tfstate" {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	switch len(files) {
	case 0:
		return out, nil // nothing applied yet
	case 1:
	default:
		return nil, fmt.Errorf("%d state files under %s, want one", len(files), dir)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		return nil, err
	}
	var st struct {
		Resources []struct {
			Mode      string `json:"mode"`
			Type      string `json:"type"`
			Name      string `json:"name"`
			Instances []struct {
				IndexKey   any            `json:"index_key"`
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("%s: %w", files[0], err)
	}
	for _, r := range st.Resources {
		if r.Mode != "managed" || r.Type != "entratap_pass" {
			continue
		}
		for _, in := range r.Instances {
			user, _ := in.Attributes["user_object_id"].(string)
			id, _ := in.Attributes["id"].(string)
			if err := faultAddPass(out, fmt.Sprintf("%s.%s[%v]", r.Type, r.Name, in.IndexKey), user, id); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// faultAgree checks that state and tenant name the same passes.
func faultAgree(state map[string]string, m *graphmock.Server) error {
	tenant := map[string]string{}
	for _, p := range m.Snapshot().Passes {
		tenant[strings.ToLower(p.UserID)] = p.ID
	}
	var problems []string
	for user, id := range tenant {
		if state[user] != id {
			problems = append(problems, fmt.Sprintf("the tenant's pass %s of user %s is not in state (state has %q)", id, user, state[user]))
		}
	}
	for user, id := range state {
		if _, ok := tenant[user]; !ok {
			problems = append(problems, fmt.Sprintf("state's pass %s of user %s is not in the tenant", id, user))
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		return fmt.Errorf("state and tenant disagree: %s", strings.Join(problems, "; "))
	}
	return nil
}

// faultStateAgrees is a state check: the state names exactly the tenant's
// passes, want of them (-1: any number), each usable; seen receives them.
func faultStateAgrees(m *graphmock.Server, want int, seen *map[string]string) faultStateCheck {
	return func(s *tfjson.State) error {
		got, err := faultStatePasses(s)
		if err != nil {
			return err
		}
		if want >= 0 && len(got) != want {
			return fmt.Errorf("state holds %d passes, want %d", len(got), want)
		}
		if s == nil || s.Values == nil || s.Values.RootModule == nil {
			return errors.New("no state")
		}
		for _, r := range s.Values.RootModule.Resources {
			if r.Type == "entratap_pass" && r.AttributeValues["method_usability_reason"] != "EnabledByPolicy" {
				return fmt.Errorf("%s reads %v, want EnabledByPolicy (created before the policy was enabled?)", r.Address, r.AttributeValues["method_usability_reason"])
			}
		}
		if seen != nil {
			*seen = got
		}
		return faultAgree(got, m)
	}
}

// faultSameIDs is a state check: the passes are those of an earlier step (none dropped or re-created).
func faultSameIDs(before *map[string]string) faultStateCheck {
	return func(s *tfjson.State) error {
		got, err := faultStatePasses(s)
		if err != nil {
			return err
		}
		if len(got) != len(*before) {
			return fmt.Errorf("state holds %d passes, %d before", len(got), len(*before))
		}
		for user, id := range *before {
			if got[user] != id {
				return fmt.Errorf("user %s: pass %s became %q", user, id, got[user])
			}
		}
		return nil
	}
}

// faultTenantEmpty is a state check: no pass is left and the policy is back to its defaults.
func faultTenantEmpty(m *graphmock.Server) faultStateCheck {
	return func(*tfjson.State) error {
		s := m.Snapshot()
		if len(s.Passes) != 0 {
			return fmt.Errorf("%d passes left in the tenant, the first of user %s", len(s.Passes), s.Passes[0].UserID)
		}
		if s.Policy.State != "disabled" {
			return fmt.Errorf("the policy is %s after destroy, want the default (disabled)", s.Policy.State)
		}
		return nil
	}
}

// faultClients serves the real provider, keeping every Graph client it
// configures, for their request and retry counters.
type faultClients struct {
	mu   sync.Mutex
	list []*graph.Client
}

type faultCountingProvider struct {
	*EntratapProvider
	clients *faultClients
}

func (p *faultCountingProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	p.EntratapProvider.Configure(ctx, req, resp)
	if c := clientFrom(resp.ResourceData, &resp.Diagnostics); c != nil {
		p.clients.mu.Lock()
		p.clients.list = append(p.clients.list, c)
		p.clients.mu.Unlock()
	}
}

// factories serve the provider with fastGraph, then opts.
func (fc *faultClients) factories(opts ...Option) map[string]func() (tfprotov6.ProviderServer, error) {
	p := &faultCountingProvider{EntratapProvider: New("test", append([]Option{fastGraph}, opts...)...)().(*EntratapProvider), clients: fc}
	return map[string]func() (tfprotov6.ProviderServer, error){"entratap": providerserver.NewProtocol6WithError(p)}
}

// totals are the HTTP attempts and the SDK's retries of all the clients.
func (fc *faultClients) totals() (requests, retries int64) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	for _, c := range fc.list {
		requests += c.Requests.Load()
		retries += c.Retries.Load()
	}
	return requests, retries
}

// faultFigures counts what the mock's log says about Graph requests.
type faultFigures struct {
	graph    int         // /v1.0 requests
	injected map[int]int // status -> faults injected
	dropped  int         // answers dropped after a commit
	lagged   int         // 404s of pass and user reads (replication lag)
}

func (f faultFigures) injectedTotal() int {
	n := 0
	for _, c := range f.injected {
		n += c
	}
	return n
}

func (f faultFigures) String() string {
	statuses := make([]int, 0, len(f.injected))
	for s := range f.injected {
		statuses = append(statuses, s)
	}
	sort.Ints(statuses)
	parts := make([]string, len(statuses))
	for i, s := range statuses {
		parts[i] = fmt.Sprintf("%d×%d", f.injected[s], s)
	}
	return fmt.Sprintf("graph requests %d, faults injected %d [%s], answers dropped after commit %d, 404s %d",
		f.graph, f.injectedTotal(), strings.Join(parts, " "), f.dropped, f.lagged)
}

func faultCount(m *graphmock.Server) faultFigures {
	f := faultFigures{injected: map[int]int{}}
	for _, e := range m.Requests() {
		if !strings.HasPrefix(e.Path, "/v1.0/") {
			continue
		}
		f.graph++
		switch {
		case e.Fault == "injected":
			f.injected[e.Status]++
		case e.Fault == "dropAfterCommit":
			f.dropped++
		case e.Status == http.StatusNotFound:
			f.lagged++
		}
	}
	return f
}

// faultClearError reports whether a failed run's error says what it is
// about (one of the users, or the policy) and what to do next.
func faultClearError(err error, users []string) bool {
	msg := err.Error()
	named := faultPolicyNamed.MatchString(msg)
	for _, u := range users {
		named = named || strings.Contains(msg, u)
	}
	return named && faultAction.MatchString(msg)
}

var (
	faultPolicyNamed = regexp.MustCompile(`Temporary[\s│]+Access[\s│]+Pass[\s│]+policy[\s│]+failed`)
	faultAction      = regexp.MustCompile(`(?i)Run[\s│]+(terraform[\s│]+apply[\s│]+)?again|Delete[\s│]+that[\s│]+pass|delete[\s│]+any[\s│]+Temporary`)
)

// 20% of Graph requests answer 429, 503 or 504 with Retry-After, every
// request is slowed down, and still the policy and 50 passes are applied,
// refreshed and destroyed without an error; state and tenant agree after
// each step. Retry-After is in hundredths of a second: this is about
// surviving throttling; internal/graph's tests check the waits themselves.
func TestAccFault_throttlingAndLatency(t *testing.T) {
	m := newMock(t)
	t.Cleanup(func() { m.SetFaults(graphmock.Faults{}) })
	upns := faultUsers(t, m, "throttled", 50)
	clients := &faultClients{}
	throttle := func(retryAfter float64) func() {
		return func() {
			m.SetFaults(graphmock.Faults{Rate: 0.2, Statuses: []int{429, 503, 504}, RetryAfterSeconds: &retryAfter, LatencyMs: 5})
		}
	}
	config := faultConfig(m, upns, "")
	var applied map[string]string
	start := time.Now()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: clients.factories(),
		Steps: []resource.TestStep{
			{
				PreConfig: throttle(0.02),
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("entratap_policy.this", tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					faultStateAgrees(m, len(upns), &applied),
				},
			},
			{
				// Refresh and plan, with a fractional Retry-After.
				PreConfig: throttle(0.01),
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{faultSameIDs(&applied), faultStateAgrees(m, len(upns), nil)},
			},
			{
				PreConfig:         throttle(0.02),
				Config:            providerBlock(m),
				ConfigStateChecks: []statecheck.StateCheck{faultTenantEmpty(m)},
			},
		},
	})

	f := faultCount(m)
	requests, retries := clients.totals()
	t.Logf("FIGURES throttling: %s; provider: %d HTTP attempts, %d retried by the SDK; %d passes created and verified; %s",
		f, requests, retries, len(applied), time.Since(start).Round(time.Second))
	if f.injectedTotal() == 0 {
		t.Fatal("no fault was injected: the test proved nothing")
	}
	// Every fault reached the provider's SDK client and was retried there.
	if retries != int64(f.injectedTotal()) {
		t.Errorf("the provider retried %d requests, the mock injected %d faults", retries, f.injectedTotal())
	}
}

// 429 without Retry-After: the client backs off on its own (the configured
// back-off: here 300 ms, 600 ms, ...) and the run completes within the
// resource timeouts.
func TestAccFault_throttledWithoutRetryAfter(t *testing.T) {
	m := newMock(t)
	t.Cleanup(func() { m.SetFaults(graphmock.Faults{}) })
	upns := []string{graphmock.AliceUPN, graphmock.BobUPN}
	clients := &faultClients{}
	backoff := graph.Backoff{Initial: 300 * time.Millisecond, Max: time.Second, Jitter: -1}
	// Every request is throttled until the first one is, then one in ten:
	// at least one back-off, and not so many that the test drags.
	// The first Graph request after a throttled one waits at a gate while
	// the rate comes down.
	throttle := func() {
		before := faultCount(m).injectedTotal()
		g := m.Gate("", func(p string) bool {
			return strings.HasPrefix(p, "/v1.0/") && faultCount(m).injectedTotal() > before
		})
		t.Cleanup(g.Release)
		m.SetFaults(graphmock.Faults{Rate: 1, Statuses: []int{429}})
		go func() {
			select {
			case <-g.Arrived():
			case <-t.Context().Done():
				return
			}
			m.SetFaults(graphmock.Faults{Rate: 0.1, Statuses: []int{429}})
			g.Release()
		}()
	}
	config := faultConfig(m, upns, `  timeouts = { create = "2m", read = "2m", delete = "2m" }`)
	var applied map[string]string
	start := time.Now()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: clients.factories(func(c *graph.Config) { c.Backoff = backoff }),
		Steps: []resource.TestStep{
			{PreConfig: throttle, Config: config, ConfigStateChecks: []statecheck.StateCheck{faultStateAgrees(m, len(upns), &applied)}},
			{PreConfig: throttle, Config: providerBlock(m), ConfigStateChecks: []statecheck.StateCheck{faultTenantEmpty(m)}},
		},
	})

	f := faultCount(m)
	// Retries may fall short of the faults: a retry whose wait would outlast
	// the call's deadline is not made.
	_, retries := clients.totals()
	// The wait before each retry, seen by the mock: from a throttled request
	// to the next one with the same method and path. Only user paths: the
	// policy path is shared by concurrent plans.
	log := m.Requests()
	var gaps []time.Duration
	for i, e := range log {
		if e.Fault != "injected" || !strings.Contains(e.Path, "/users/") {
			continue
		}
		next := time.Duration(-1)
		for _, n := range log[i+1:] {
			if n.Method == e.Method && n.Path == e.Path && n.Time.After(e.Time) && (next < 0 || n.Time.Sub(e.Time) < next) {
				next = n.Time.Sub(e.Time)
			}
		}
		if next >= 0 {
			gaps = append(gaps, next.Round(100*time.Millisecond))
		}
	}
	sort.Slice(gaps, func(i, j int) bool { return gaps[i] < gaps[j] })
	t.Logf("FIGURES 429 without Retry-After: %s; %d retried by the SDK; waits before retries %v; %d passes created and verified; %s",
		f, retries, gaps, len(applied), time.Since(start).Round(time.Second))
	if f.injectedTotal() == 0 {
		t.Fatal("no fault was injected: the test proved nothing")
	}
	// A short gap is the next command's request after a retry abandoned (see
	// above), not a retry: there can be no more of them than retries abandoned.
	short := 0
	for _, g := range gaps {
		if g < backoff.Initial {
			short++
		}
	}
	if short > f.injectedTotal()-int(retries) || short == len(gaps) {
		t.Errorf("waits before retries %v, %d faults and %d retries: want the back-off of %v or more", gaps, f.injectedTotal(), retries, backoff.Initial)
	}
}

// Reads 404 for a while after a create (replication), for new users and
// new passes: nothing is dropped from state or created twice, and the
// second plan is empty.
func TestAccFault_replicationLag(t *testing.T) {
	m := newMock(t)
	t.Cleanup(func() { m.SetFaults(graphmock.Faults{}) })
	m.SetFaults(graphmock.Faults{ReplicationLagReads: 3})
	upns := append([]string{graphmock.AliceUPN, graphmock.BobUPN, graphmock.CarolUPN}, faultUsers(t, m, "lagging", 2)...)
	config := faultConfig(m, upns, "")
	var applied map[string]string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: []statecheck.StateCheck{faultStateAgrees(m, len(upns), &applied)}},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{faultSameIDs(&applied), faultStateAgrees(m, len(upns), nil)},
			},
			{Config: providerBlock(m), ConfigStateChecks: []statecheck.StateCheck{faultTenantEmpty(m)}},
		},
	})
	f := faultCount(m)
	t.Logf("FIGURES replication lag: %s; %d passes created and verified", f, len(applied))
	// Each new pass answers 3 reads with 404, and so does each new user.
	if want := 3 * (len(upns) + 2); f.lagged < want {
		t.Errorf("%d reads answered 404, want at least %d: the lag was not exercised", f.lagged, want)
	}
}

// A refresh that meets a pass not yet readable (created moments ago, 404
// while Graph replicates) keeps it in state. Driven through the protocol
// server, so that the read meets all of the lag whatever a create did first.
func TestAccFault_replicationLagOnRefresh(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	t.Cleanup(func() { m.SetFaults(graphmock.Faults{}) })
	passEnablePolicy(t, m)
	m.SetFaults(graphmock.Faults{ReplicationLagReads: 3})
	id := faultCreateThroughGraph(t, m, graphmock.AliceID)
	srv, schemas := passProtocolServer(t, m)
	schema := schemas.ResourceSchemas["entratap_pass"]
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	prior := passDynamicValue(t, schema, map[string]tftypes.Value{
		"user_id": str(graphmock.AliceUPN), "id": str(id), "user_object_id": str(graphmock.AliceID),
		"created_date_time":     str(time.Now().UTC().Format(time.RFC3339)),
		"replace_existing":      tftypes.NewValue(tftypes.Bool, false),
		"replace_when_unusable": tftypes.NewValue(tftypes.Bool, false),
	})
	resp, err := srv.ReadResource(t.Context(), &tfprotov6.ReadResourceRequest{TypeName: "entratap_pass", CurrentState: prior})
	if err != nil {
		t.Fatal(err)
	}
	passNoErrors(t, "ReadResource", resp.Diagnostics)
	if got := passResultString(schema, resp.NewState, "id"); got != id {
		t.Fatalf("after a refresh under replication lag, state holds pass %q, want %s (dropped?)", got, id)
	}
	f := faultCount(m)
	t.Logf("FIGURES replication lag on refresh: %s", f)
	if f.lagged != 3 {
		t.Errorf("%d reads answered 404, want 3", f.lagged)
	}
}

// faultCreateThroughGraph issues a pass the way an application would,
// through the mock's Graph endpoint (so replication lag applies to it), and
// returns its id.
func faultCreateThroughGraph(t *testing.T, m *graphmock.Server, userID string) string {
	t.Helper()
	token, _, err := m.MintAccessToken(graphmock.AdminClientID)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(m.CAPEM)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}, Timeout: 30 * time.Second}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, m.URL+"/v1.0/users/"+userID+"/authentication/temporaryAccessPassMethods", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var p struct {
		ID string `json:"id"`
	}
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(body, &p) != nil || p.ID == "" {
		t.Fatalf("POST pass: HTTP %d", resp.StatusCode) // the body holds a code: not quoted
	}
	return p.ID
}

// Half the writes (PATCH, POST, DELETE) are committed by the server and
// their answers dropped: the client sees a broken connection. Every run
// ends with state and tenant agreeing, having recovered or with an error
// that names the user and what to do; never with a pass the state does not know.
func TestAccFault_droppedAnswers(t *testing.T) {
	m := newMock(t)
	t.Cleanup(func() { m.SetFaults(graphmock.Faults{}) })
	tempDir := t.TempDir() // the working directory, whose state file the steps read after a failed run
	upns := faultUsers(t, m, "dropped", 10)
	config := faultConfig(m, upns, "")
	drop := func() { m.SetFaults(graphmock.Faults{DropAfterCommitRate: 0.5, LatencyMs: 5}) }
	var failed []string
	strict := false
	agreeOnDisk := func() {
		state, err := faultDiskState(tempDir)
		if err == nil {
			err = faultAgree(state, m)
		}
		if err != nil {
			t.Fatalf("after the previous step: %v", err)
		}
	}
	var applied map[string]string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		WorkingDir:               tempDir,
		ErrorCheck: func(err error) error {
			if !strict && faultClearError(err, upns) {
				failed = append(failed, err.Error())
				return nil
			}
			return err
		},
		Steps: []resource.TestStep{
			{PreConfig: drop, Config: config},
			{PreConfig: func() { agreeOnDisk(); drop() }, Config: config},
			{
				// Without faults the configuration converges.
				PreConfig:         func() { agreeOnDisk(); m.SetFaults(graphmock.Faults{}); strict = true },
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{faultStateAgrees(m, len(upns), &applied)},
			},
			{PreConfig: func() { drop(); strict = false }, Config: providerBlock(m)},
			{
				PreConfig:         func() { agreeOnDisk(); m.SetFaults(graphmock.Faults{}); strict = true },
				Config:            providerBlock(m),
				ConfigStateChecks: []statecheck.StateCheck{faultTenantEmpty(m)},
			},
		},
	})
	f := faultCount(m)
	t.Logf("FIGURES dropped answers: %s; %d of 4 faulted runs ended in a clear error; %d passes verified", f, len(failed), len(applied))
	for _, e := range failed {
		t.Logf("error of a faulted run:\n%s", e)
	}
	if f.dropped == 0 {
		t.Fatal("no answer was dropped: the test proved nothing")
	}
}

// Server errors: intermittent 500s during apply, then a persistent 500
// during a refresh and during a create. Each failed run names what failed
// and what to do, and leaves the state true to the tenant.
func TestAccFault_serverErrors(t *testing.T) {
	m := newMock(t)
	t.Cleanup(func() { m.SetFaults(graphmock.Faults{}) })
	tempDir := t.TempDir() // the working directory, whose state file the steps read after a failed run
	upns := faultUsers(t, m, "erroring", 5)
	config := faultConfig(m, upns, "")
	serverErrors := func(rate float64) func() {
		return func() { m.SetFaults(graphmock.Faults{Rate: rate, Statuses: []int{500}}) }
	}
	agreeOnDisk := func() {
		state, err := faultDiskState(tempDir)
		if err == nil {
			err = faultAgree(state, m)
		}
		if err != nil {
			t.Fatalf("after the previous step: %v", err)
		}
	}
	var intermittent []string
	strict := false
	var applied map[string]string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		WorkingDir:               tempDir,
		ErrorCheck: func(err error) error {
			if !strict && faultClearError(err, upns) && strings.Contains(err.Error(), "HTTP 500") {
				intermittent = append(intermittent, err.Error())
				return nil
			}
			return err
		},
		Steps: []resource.TestStep{
			{PreConfig: serverErrors(0.3), Config: config},
			{
				PreConfig:         func() { agreeOnDisk(); m.SetFaults(graphmock.Faults{}); strict = true },
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{faultStateAgrees(m, len(upns), &applied)},
			},
			{
				// Persistent, at refresh: the plan fails, naming a pass, and nothing changes.
				PreConfig:   serverErrors(1),
				Config:      config,
				ExpectError: passErr("Microsoft Graph did not answer properly after the retries. Run again", "(HTTP 500"),
			},
			{
				PreConfig: func() {
					agreeOnDisk()
					if got, err := faultDiskState(tempDir); err != nil || len(got) != len(upns) {
						t.Fatalf("the failed refresh changed the state: %d passes (%v)", len(got), err)
					}
					m.SetFaults(graphmock.Faults{})
				},
				Config:            providerBlock(m),
				ConfigStateChecks: []statecheck.StateCheck{faultTenantEmpty(m)},
			},
			{
				// Persistent, at create: the plan only warns (its checks cannot
				// reach Graph), the apply fails naming the user, nothing is created.
				PreConfig: serverErrors(1),
				Config: providerBlock(m) + `
resource "entratap_pass" "p" {
  user_id = "` + upns[0] + `"
}
`,
				ExpectError: passErr(`Cannot find user "`+upns[0]+`"`, "Run again", "(HTTP 500"),
			},
			{
				PreConfig:         func() { agreeOnDisk(); m.SetFaults(graphmock.Faults{}) },
				Config:            providerBlock(m),
				ConfigStateChecks: []statecheck.StateCheck{faultTenantEmpty(m)},
			},
		},
	})
	f := faultCount(m)
	t.Logf("FIGURES server errors: %s; the intermittent run ended in %d clear errors; %d passes verified", f, len(intermittent), len(applied))
	for _, e := range intermittent {
		t.Logf("error of the intermittent run:\n%s", e)
	}
	if f.injected[500] == 0 {
		t.Fatal("no 500 was injected")
	}
}

// Ctrl-C while a create is under way, at three moments: the POST in flight
// (not committed), the POST committed with its answer lost, and the moment
// the POST is committed (its answer on its way: the create may finish
// first). An interrupted create ends with an error that says what to do,
// and the tenant never holds a pass the returned state does not know.
// Driven through the protocol server: Terraform's Ctrl-C sends StopProvider,
// which cancels the context of every call in flight (terraform-plugin-go's
// stoppable context); here the context is cancelled directly, while the
// mock holds a request at a gate.
func TestAccFault_interrupted(t *testing.T) {
	t.Parallel()
	passes := func(userID string) func(string) bool {
		return func(p string) bool {
			return strings.HasSuffix(p, "/users/"+userID+"/authentication/temporaryAccessPassMethods")
		}
	}
	for _, tc := range []struct {
		name   string
		user   string
		userID string
		faults graphmock.Faults
		// interrupt cancels the create at its moment, then closes settled
		// once no request of the create is held or being served (at once
		// when the create ends first).
		interrupt func(t *testing.T, m *graphmock.Server, userID string, cancel func(), ended <-chan struct{}, settled chan<- struct{})
		// mayFinish: the create may complete before the cancel reaches it.
		mayFinish bool
	}{
		{
			name: "POST in flight", user: graphmock.AliceUPN, userID: graphmock.AliceID,
			interrupt: func(t *testing.T, m *graphmock.Server, userID string, cancel func(), ended <-chan struct{}, settled chan<- struct{}) {
				g := m.Gate(http.MethodPost, passes(userID))
				t.Cleanup(g.Release)
				go func() {
					defer close(settled)
					if !arrived(g, ended) {
						return
					}
					cancel()
					if served := !<-g.Left(); served {
						t.Error("the POST held in flight was served after its client gave up")
					}
				}()
			},
		},
		{
			// Every write is committed and its answer dropped; the cancel
			// comes when the client sends the POST again.
			name: "POST committed, answer lost", user: graphmock.BobUPN, userID: graphmock.BobID,
			faults: graphmock.Faults{DropAfterCommitRate: 1},
			interrupt: func(t *testing.T, m *graphmock.Server, userID string, cancel func(), ended <-chan struct{}, settled chan<- struct{}) {
				g := m.Gate(http.MethodPost, func(p string) bool { return passes(userID)(p) && passOf(m, userID) != nil })
				t.Cleanup(g.Release)
				go func() {
					defer close(settled)
					if !arrived(g, ended) {
						return
					}
					cancel()
					<-g.Left()
					g.Release()
				}()
			},
		},
		{
			// The cancel comes once the POST has been served: the answer
			// may or may not have reached the client.
			name: "POST just committed", user: graphmock.CarolUPN, userID: graphmock.CarolID,
			interrupt: func(t *testing.T, m *graphmock.Server, userID string, cancel func(), ended <-chan struct{}, settled chan<- struct{}) {
				g := m.Gate(http.MethodPost, passes(userID))
				t.Cleanup(g.Release)
				go func() {
					defer close(settled)
					if !arrived(g, ended) {
						return
					}
					g.Release()
					<-g.Left()
					cancel()
				}()
			},
			mayFinish: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t)
			passEnablePolicy(t, m)
			srv, schemas := passProtocolServer(t, m)
			schema := schemas.ResourceSchemas["entratap_pass"]
			cfg := passDynamicValue(t, schema, map[string]tftypes.Value{"user_id": tftypes.NewValue(tftypes.String, tc.user)})
			null, err := tfprotov6.NewDynamicValue(schema.ValueType(), tftypes.NewValue(schema.ValueType(), nil))
			if err != nil {
				t.Fatal(err)
			}
			plan, err := srv.PlanResourceChange(t.Context(), &tfprotov6.PlanResourceChangeRequest{
				TypeName: "entratap_pass", PriorState: &null, ProposedNewState: cfg, Config: cfg,
			})
			if err != nil {
				t.Fatal(err)
			}
			passNoErrors(t, "PlanResourceChange", plan.Diagnostics)

			m.ResetRequests()
			m.SetFaults(tc.faults)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			start := time.Now()
			var cancelledAfter atomic.Int64 // nanoseconds; 0: not cancelled
			ended, settled := make(chan struct{}), make(chan struct{})
			tc.interrupt(t, m, tc.userID, func() {
				cancelledAfter.Store(int64(time.Since(start)))
				cancel()
			}, ended, settled)
			resp, err := srv.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
				TypeName: "entratap_pass", PriorState: &null, PlannedState: plan.PlannedState, Config: cfg,
			})
			close(ended)
			if err != nil {
				t.Fatal(err)
			}
			if ctx.Err() == nil && !tc.mayFinish {
				t.Fatal("the create finished before it could be interrupted")
			}
			// Nothing the create sent is still held or being served.
			<-settled
			m.SetFaults(graphmock.Faults{})

			var errs []string
			for _, d := range resp.Diagnostics {
				if d.Severity == tfprotov6.DiagnosticSeverityError {
					errs = append(errs, d.Summary+": "+d.Detail)
				}
			}
			msg := strings.Join(errs, "\n")
			switch {
			case len(errs) == 0 && !tc.mayFinish:
				t.Fatal("an interrupted create reported no error")
			case len(errs) == 0:
				msg = "none: the create completed first"
			case !faultClearError(errors.New(msg), []string{tc.user, tc.userID}):
				t.Errorf("the error does not name the user and what to do:\n%s", msg)
			}
			state := map[string]string{}
			if id := passResultString(schema, resp.NewState, "id"); id != "" {
				state[strings.ToLower(tc.userID)] = id
			}
			if err := faultAgree(state, m); err != nil {
				t.Fatalf("%v\nerror returned:\n%s", err, msg)
			}
			posts := 0
			for _, e := range m.Requests() {
				if e.Method == http.MethodPost && strings.HasSuffix(e.Path, "/temporaryAccessPassMethods") {
					posts++
				}
			}
			if posts == 0 {
				t.Fatal("no POST reached the mock: the interruption came too early to mean anything")
			}
			when := "not cancelled"
			if d := time.Duration(cancelledAfter.Load()); d > 0 {
				when = "cancelled after " + d.Round(time.Millisecond).String()
			}
			t.Logf("FIGURES interrupted (%s): %s, %d POSTs reached the mock, %s, state holds %d pass(es); error: %s",
				tc.name, when, posts, faultCount(m), len(state), firstLineOf(msg))
		})
	}
}

// arrived waits until the gate holds a request, or the create ends first (false).
func arrived(g *graphmock.Gate, ended <-chan struct{}) bool {
	select {
	case <-g.Arrived():
		return true
	case <-ended:
		return false
	}
}

func firstLineOf(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
