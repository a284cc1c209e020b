package graphmock

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestControls_SignIn(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	// Passes for users the policy does not target: the allow setting (TestPolicyScope covers refuse).
	s.SetSettings(Settings{PolicyScope: PolicyScopeAllow})
	c := httpClient(t, s)
	signin := func(user, code string) response {
		t.Helper()
		return do(t, c, "POST", s.URL+"/_mock/signin", "", map[string]any{"user": user, "temporaryAccessPass": code})
	}
	create := func(user string, body map[string]any) string {
		t.Helper()
		st, raw := s.GraphRequest("POST", "/users/"+user+"/authentication/temporaryAccessPassMethods", body)
		if st != 201 {
			t.Fatalf("create: %d %s", st, raw)
		}
		var p map[string]any
		_ = json.Unmarshal(raw, &p)
		return p["temporaryAccessPass"].(string)
	}

	checkGraphError(t, signin(AliceUPN, "x"), 401, "NoPass")
	code := create(AliceUPN, map[string]any{})
	// The default policy is disabled: DisabledByPolicy.
	checkGraphError(t, signin(AliceUPN, code), 401, reasonDisabled)
	enablePolicy(t, s.Mock, nil)
	checkGraphError(t, signin(AliceUPN, code+"x"), 401, "WrongCode")
	if r := signin(AliceID, code); r.status != 200 || r.json["userId"] != AliceID {
		t.Fatalf("sign-in: %d %s", r.status, r.raw)
	}
	// Multi-use: again is fine; after its lifetime: Expired.
	if r := signin(AliceUPN, code); r.status != 200 {
		t.Fatalf("second sign-in of a multi-use pass: %d %s", r.status, r.raw)
	}
	s.AdvanceClock(61 * time.Minute)
	r := signin(AliceUPN, code)
	checkGraphError(t, r, 401, reasonExpired)
	if strings.Contains(string(r.raw), code) {
		t.Fatal("the code is in the answer")
	}

	// One-time: used once, then OneTimeUsed (and the pass reads so).
	code = create(BobUPN, map[string]any{"isUsableOnce": true})
	if r := signin(BobUPN, code); r.status != 200 {
		t.Fatalf("one-time sign-in: %d %s", r.status, r.raw)
	}
	checkGraphError(t, signin(BobUPN, code), 401, reasonOneTimeUsed)
	if p := s.Snapshot().Passes; len(p) != 2 || p[1].MethodUsabilityReason != reasonOneTimeUsed {
		t.Fatalf("state after use: %+v", p)
	}

	// Not yet valid.
	code = create(CarolUPN, map[string]any{"startDateTime": s.Now().Add(time.Hour).Format(time.RFC3339)})
	checkGraphError(t, signin(CarolUPN, code), 401, reasonNotYetValid)

	checkGraphError(t, signin("nobody@"+Domain, "x"), 404, "UserNotFound")
	checkGraphError(t, do(t, c, "POST", s.URL+"/_mock/signin", "", map[string]any{"user": AliceUPN}), 400, codeBadRequest)
	checkGraphError(t, do(t, c, "POST", s.URL+"/_mock/signin", "", "{"), 400, codeBadRequest)
}

func TestControls_ClockStateUsersAndLog(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	// Passes for users the policy does not target: the allow setting (TestPolicyScope covers refuse).
	s.SetSettings(Settings{PolicyScope: PolicyScopeAllow})
	c := httpClient(t, s)

	before := s.Now()
	r := do(t, c, "POST", s.URL+"/_mock/clock", "", map[string]any{"advance": "90m"})
	if r.status != 200 {
		t.Fatalf("clock: %d %s", r.status, r.raw)
	}
	if d := s.Now().Sub(before); d < 90*time.Minute || d > 91*time.Minute {
		t.Fatalf("clock moved by %v", d)
	}
	for _, bad := range []any{map[string]any{"advance": "-1h"}, map[string]any{"advance": "soon"}, map[string]any{"advance": 5}, map[string]any{}, map[string]any{"advance": "1h", "x": 1}} {
		checkGraphError(t, do(t, c, "POST", s.URL+"/_mock/clock", "", bad), 400, codeBadRequest)
	}
	if r := do(t, c, "GET", s.URL+"/_mock/clock", "", nil); r.status != 200 || r.json["now"] == nil {
		t.Fatalf("GET clock: %s", r.raw)
	}

	// Users: add, then visible through Graph and the state.
	r = do(t, c, "POST", s.URL+"/_mock/users", "", map[string]any{"userPrincipalName": "dave@" + Domain, "displayName": "Dave", "groups": []string{OnboardingGroupID}})
	if r.status != 201 || r.json["id"] == nil || r.json["userType"] != "Member" {
		t.Fatalf("add user: %d %s", r.status, r.raw)
	}
	dave := r.json["id"].(string)
	for _, bad := range []map[string]any{
		{"userPrincipalName": "dave@" + Domain},
		{"userPrincipalName": "erin@" + Domain, "groups": []string{"nope"}},
		{"userPrincipalName": "no-domain"},
		{"userPrincipalName": "erin@" + Domain, "userType": "Admin"},
		{"displayName": "no upn"},
		{"userPrincipalName": "erin@" + Domain, "colour": "blue"},
	} {
		checkGraphError(t, do(t, c, "POST", s.URL+"/_mock/users", "", bad), 400, codeBadRequest)
	}
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	if r := do(t, c, "GET", s.URL+"/v1.0/users/dave@"+Domain, admin, nil); r.status != 200 || r.json["id"] != dave {
		t.Fatalf("new user through Graph: %d %s", r.status, r.raw)
	}
	r = do(t, c, "POST", s.URL+"/v1.0/users/"+dave+"/checkMemberGroups", admin, map[string]any{"groupIds": []string{OnboardingGroupID}})
	if len(r.json["value"].([]any)) != 1 {
		t.Fatalf("new user's group: %s", r.raw)
	}
	u, err := s.AddUser(NewUser{UserPrincipalName: "frank@" + Domain, UserType: "Guest"})
	if err != nil || u.DisplayName != "frank" || u.UserType != "Guest" {
		t.Fatalf("AddUser: %+v %v", u, err)
	}

	// State: policy, users, groups and passes, never a code.
	st, raw := s.GraphRequest("POST", "/users/"+AliceUPN+"/authentication/temporaryAccessPassMethods", map[string]any{})
	if st != 201 {
		t.Fatalf("create: %d %s", st, raw)
	}
	var created map[string]any
	_ = json.Unmarshal(raw, &created)
	r = do(t, c, "GET", s.URL+"/_mock/state", "", nil)
	if r.status != 200 || strings.Contains(string(r.raw), created["temporaryAccessPass"].(string)) {
		t.Fatalf("state: %d %s", r.status, r.raw)
	}
	var state State
	if err := json.Unmarshal(r.raw, &state); err != nil {
		t.Fatal(err)
	}
	if state.TenantID != TenantID || len(state.Users) != len(DefaultSeed().Users)+2 || len(state.Groups) != len(DefaultSeed().Groups) ||
		len(state.Groups[0].Members) != len(DefaultSeed().Groups[0].Members)+1 ||
		len(state.Passes) != 1 || state.Passes[0].UserID != AliceID || state.Policy.State != "disabled" {
		t.Fatalf("state: %+v", state)
	}
	for _, key := range []string{`"userPrincipalName"`, `"displayName"`, `"userType"`, `"members"`, `"includeTargets"`} {
		if !strings.Contains(string(r.raw), key) {
			t.Fatalf("state lacks %s", key)
		}
	}

	// The request log has every request: login, Graph, controls, failures.
	s.ResetRequests()
	tokenFor(t, s, AdminClientID, AdminClientSecret)
	do(t, c, "GET", s.URL+"/v1.0/users/nobody", admin, nil)
	do(t, c, "GET", s.URL+"/v1.0/users/nobody", "", nil)
	do(t, c, "GET", s.URL+"/_mock/nothing", "", nil)
	r = do(t, c, "GET", s.URL+"/_mock/requests", "", nil)
	var log []RequestLogEntry
	if err := json.Unmarshal(r.raw, &log); err != nil {
		t.Fatalf("log: %v %s", err, r.raw)
	}
	want := []struct {
		method, path string
		status       int
	}{
		{"POST", "/" + TenantID + "/oauth2/v2.0/token", 200},
		{"GET", "/v1.0/users/nobody", 404},
		{"GET", "/v1.0/users/nobody", 401},
		{"GET", "/_mock/nothing", 404},
	}
	if len(log) != len(want) {
		t.Fatalf("log: %s", r.raw)
	}
	for i, w := range want {
		if log[i].Method != w.method || log[i].Path != w.path || log[i].Status != w.status || log[i].Time.IsZero() {
			t.Fatalf("log[%d] = %+v, want %+v", i, log[i], w)
		}
	}
	if !strings.Contains(string(r.raw), `"method"`) || !strings.Contains(string(r.raw), `"time"`) {
		t.Fatalf("log fields: %s", r.raw)
	}
	if r := do(t, c, "DELETE", s.URL+"/_mock/requests", "", nil); r.status != 204 {
		t.Fatalf("reset: %d", r.status)
	}
	// The index lists the controls.
	if r := do(t, c, "GET", s.URL+"/_mock", "", nil); r.status != 200 || !strings.Contains(string(r.raw), "/_mock/faults") {
		t.Fatalf("index: %s", r.raw)
	}
	checkGraphError(t, do(t, c, "PUT", s.URL+"/_mock/state", "", nil), 405, codeMethodNotAllowed)
}

func TestControls_Faults(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{FaultSeed: 7})
	// Passes for users the policy does not target: the allow setting (TestPolicyScope covers refuse).
	s.SetSettings(Settings{PolicyScope: PolicyScopeAllow})
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)

	r := do(t, c, "GET", s.URL+"/_mock/faults", "", nil)
	if r.status != 200 || r.json["rate"] != 0.0 || r.json["retryAfterSeconds"] != nil {
		t.Fatalf("default faults: %s", r.raw)
	}
	r = do(t, c, "POST", s.URL+"/_mock/faults", "", `{"rate": 1, "statuses": [503], "retryAfterSeconds": 1.5, "latencyMs": 5}`)
	if r.status != 200 || r.json["rate"] != 1.0 || r.json["latencyMs"] != 5.0 {
		t.Fatalf("set faults: %d %s", r.status, r.raw)
	}
	start := time.Now()
	r = do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID, admin, nil)
	checkGraphError(t, r, 503, codeServiceNotAvail)
	if r.header.Get("Retry-After") != "1.5" || time.Since(start) < 5*time.Millisecond {
		t.Fatalf("Retry-After %q after %v", r.header.Get("Retry-After"), time.Since(start))
	}
	// Never on login or /_mock/.
	tokenFor(t, s, AdminClientID, AdminClientSecret)
	if r := do(t, c, "GET", s.URL+"/_mock/state", "", nil); r.status != 200 {
		t.Fatalf("faults on /_mock: %d", r.status)
	}
	// Without retryAfterSeconds: no Retry-After; with no statuses: 429 or 503.
	do(t, c, "POST", s.URL+"/_mock/faults", "", `{"rate": 1}`)
	seen := map[int]bool{}
	for range 20 {
		r := do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID, admin, nil)
		if _, ok := r.header["Retry-After"]; ok {
			t.Fatal("Retry-After without retryAfterSeconds")
		}
		seen[r.status] = true
	}
	if len(seen) != 2 || !seen[429] || !seen[503] {
		t.Fatalf("statuses seen: %v", seen)
	}
	// Each POST replaces the whole setting: {"rate": 0} turns everything off.
	do(t, c, "POST", s.URL+"/_mock/faults", "", `{"rate": 0}`)
	if f := s.Faults(); f.Rate != 0 || f.LatencyMs != 0 || f.RetryAfterSeconds != nil || len(f.Statuses) != 0 {
		t.Fatalf("after rate 0: %+v", f)
	}
	if r := do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID, admin, nil); r.status != 200 {
		t.Fatalf("after rate 0: %d", r.status)
	}
	for _, bad := range []string{`{"rate": 2}`, `{"statuses": [404]}`, `{"rate": "x"}`, `{"latencyMs": -1}`, `{"colour": 1}`, `{"retryAfterSeconds": -1}`, `[]`} {
		checkGraphError(t, do(t, c, "POST", s.URL+"/_mock/faults", "", bad), 400, codeBadRequest)
	}

	// Drop after commit over HTTP/1.1: the connection is hijacked and closed, the change stays.
	do(t, c, "POST", s.URL+"/_mock/faults", "", `{"dropAfterCommitRate": 1}`)
	h1 := httpClient(t, s)
	h1.Transport.(*http.Transport).TLSClientConfig.NextProtos = []string{"http/1.1"}
	req, _ := http.NewRequest("PATCH", s.URL+policyPath, strings.NewReader(`{"@odata.type":"`+policyODataType+`","defaultLength":30}`))
	req.Header.Set("Authorization", "Bearer "+admin)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := h1.Do(req); err == nil {
		_ = resp.Body.Close()
		t.Fatalf("dropped PATCH answered %d", resp.StatusCode)
	}
	if s.Snapshot().Policy.DefaultLength != 30 {
		t.Fatal("dropped PATCH was not committed")
	}
	if r := do(t, h1, "GET", s.URL+policyPath, admin, nil); r.status != 200 {
		t.Fatalf("read under dropAfterCommit: %d", r.status)
	}

	// Replication lag on a user added through /_mock/users: reads and pass creation 404 first.
	do(t, c, "POST", s.URL+"/_mock/faults", "", `{"replicationLagReads": 2}`)
	r = do(t, c, "POST", s.URL+"/_mock/users", "", map[string]any{"userPrincipalName": "lag@" + Domain})
	id := r.json["id"].(string)
	checkGraphError(t, do(t, c, "GET", s.URL+"/v1.0/users/"+id, admin, nil), 404, codeNotFound)
	checkGraphError(t, do(t, c, "POST", s.URL+"/v1.0/users/"+id+"/authentication/temporaryAccessPassMethods", admin, map[string]any{}), 404, codeNotFound)
	if r := do(t, c, "POST", s.URL+"/v1.0/users/"+id+"/authentication/temporaryAccessPassMethods", admin, map[string]any{}); r.status != 201 {
		t.Fatalf("after the lag: %d %s", r.status, r.raw)
	}
}

// TestInProcessHandler uses the Mock as a plain http.Handler (httptest), learning its base
// URL from the requests, and GraphRequest for out-of-band changes.
func TestInProcessHandler(t *testing.T) {
	t.Parallel()
	m, err := New(Options{CA: testCA})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(m)
	defer ts.Close()
	c := ts.Client()
	form := "grant_type=client_credentials&client_id=" + AdminClientID + "&client_secret=" + AdminClientSecret + "&scope=" + ts.URL + "/.default"
	resp, err := c.Post(ts.URL+"/"+Domain+"/oauth2/v2.0/token", "application/x-www-form-urlencoded", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	r := decodeResponse(resp)
	_ = resp.Body.Close()
	if r.status != 200 {
		t.Fatalf("token by domain: %d %s", r.status, r.raw)
	}
	if got := do(t, c, "GET", ts.URL+policyPath, r.json["access_token"].(string), nil); got.status != 200 {
		t.Fatalf("GET: %d %s", got.status, got.raw)
	}
	st, body := m.GraphRequest("GET", "users/"+BobUPN, nil)
	if st != 200 || !strings.Contains(string(body), BobID) {
		t.Fatalf("GraphRequest: %d %s", st, body)
	}
	if st, _ := m.GraphRequest("PATCH", policyPath, map[string]any{"state": "enabled"}); st != 400 {
		t.Fatalf("GraphRequest applies the rules: %d", st)
	}
	if len(m.Requests()) != 2 {
		t.Fatalf("GraphRequest must not be logged: %+v", m.Requests())
	}
	// MintAccessToken for a fake az CLI.
	tok, exp, err := m.MintAccessToken(ReadOnlyClientID)
	if err != nil || time.Until(exp) < 50*time.Minute {
		t.Fatal(err)
	}
	if got := do(t, c, "GET", ts.URL+"/v1.0/users/"+AliceID, tok, nil); got.status != 200 {
		t.Fatalf("minted token: %d %s", got.status, got.raw)
	}
	if _, _, err := m.MintAccessToken("unknown"); err == nil {
		t.Fatal("minted a token for an unknown app")
	}
	if got := do(t, c, "GET", ts.URL+"/_mock/token", "", nil); got.status != 200 || got.json["accessToken"] == nil {
		t.Fatalf("/_mock/token: %s", got.raw)
	}
	if got := do(t, c, "GET", ts.URL+"/_mock/certificate.pem", "", nil); got.status != 200 || !strings.Contains(string(got.raw), "BEGIN CERTIFICATE") || !strings.Contains(string(got.raw), "BEGIN PRIVATE KEY") {
		t.Fatalf("certificate.pem: %d", got.status)
	}
	if got := do(t, c, "GET", ts.URL+"/_mock/certificate.pfx", "", nil); got.status != 200 || len(got.raw) < 1000 {
		t.Fatalf("certificate.pfx: %d", got.status)
	}
	// The mock OIDC issuer's discovery.
	if got := do(t, c, "GET", ts.URL+"/_mock/oidc/.well-known/openid-configuration", "", nil); got.json["issuer"] != ts.URL+"/_mock/oidc" {
		t.Fatalf("oidc discovery: %s", got.raw)
	}
	if got := do(t, c, "GET", ts.URL+"/_mock/oidc/keys", "", nil); len(got.json["keys"].([]any)) != 1 {
		t.Fatalf("oidc keys: %s", got.raw)
	}
}

func TestReset(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	enablePolicy(t, s.Mock, nil)
	if _, err := s.AddUser(NewUser{UserPrincipalName: "dave@" + Domain}); err != nil {
		t.Fatal(err)
	}
	s.AdvanceClock(time.Hour)
	s.SetFaults(Faults{LatencyMs: 1, ReplicationLagReads: 3})
	if st, raw := s.GraphRequest("POST", "/users/"+AliceID+"/authentication/temporaryAccessPassMethods", map[string]any{}); st != 201 {
		t.Fatalf("create: %d %s", st, raw)
	}
	s.Reset()
	st := s.Snapshot()
	if st.Policy.State != "disabled" || len(st.Users) != len(DefaultSeed().Users) || len(st.Passes) != 0 || time.Until(s.Now()) > time.Minute ||
		s.Faults().LatencyMs != 0 || len(s.Requests()) != 0 {
		t.Fatalf("after Reset: %+v %+v", st, s.Faults())
	}
	// Tokens stay valid.
	if r := do(t, httpClient(t, s), "GET", s.URL+policyPath, admin, nil); r.status != 200 {
		t.Fatalf("token after Reset: %d", r.status)
	}
}

// DELETE /_mock/users/{id}: the user is gone (404 through Graph), and the same UPN added
// again is another user, as a re-hire is.
func TestControls_RemoveUserAndRehire(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	if r := do(t, c, "DELETE", s.URL+"/_mock/users/"+CarolUPN, "", nil); r.status != 204 {
		t.Fatalf("DELETE carol: %d %s", r.status, r.raw)
	}
	if r := do(t, c, "GET", s.URL+"/v1.0/users/"+CarolID, admin, nil); r.status != 404 {
		t.Fatalf("carol after offboarding: %d %s", r.status, r.raw)
	}
	if r := do(t, c, "DELETE", s.URL+"/_mock/users/"+CarolUPN, "", nil); r.status != 404 {
		t.Fatalf("DELETE carol again: %d %s, want 404", r.status, r.raw)
	}
	r := do(t, c, "POST", s.URL+"/_mock/users", "", map[string]any{"userPrincipalName": CarolUPN})
	if r.status != 201 {
		t.Fatalf("re-hire carol: %d %s", r.status, r.raw)
	}
	if id, _ := r.json["id"].(string); id == "" || id == CarolID {
		t.Fatalf("the re-hired carol's id is %q, want a new one", id)
	}
}
