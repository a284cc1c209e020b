package graphmock

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestPaths_BetaMeAndUnknownInODataShape(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	s.SetSettings(Settings{PolicyScope: PolicyScopeAllow}) // passes under the default (disabled) policy
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	// /beta serves the same endpoints, with its own service root in the annotations.
	r := do(t, c, "POST", s.URL+"/beta/users/"+AliceID+"/authentication/temporaryAccessPassMethods", admin, map[string]any{})
	if r.status != 201 || !strings.HasPrefix(r.json["@odata.context"].(string), s.URL+"/beta/$metadata#") {
		t.Fatalf("beta create: %d %s", r.status, r.raw)
	}
	for _, p := range []string{"/beta/users/" + AliceID + "/authentication/temporaryAccessPassMethods/" + r.json["id"].(string),
		"/beta/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass", "/beta/users/" + AliceUPN, "/beta/users"} {
		if r := do(t, c, "GET", s.URL+p, admin, nil); r.status != 200 {
			t.Fatalf("GET %s: %d %s", p, r.status, r.raw)
		}
	}
	// /me with an application token.
	r = do(t, c, "GET", s.URL+"/v1.0/me/authentication/temporaryAccessPassMethods", admin, nil)
	checkGraphError(t, r, 400, codeBadRequest)
	if r.errMessage() != "/me request is only valid with delegated authentication flow." {
		t.Fatalf("/me: %s", r.raw)
	}
	// Every path outside login and /_mock answers in Graph's shape.
	for _, p := range []string{"/beta/nothing", "/v2.0/users", "/", "/graph/v1.0/users"} {
		r := do(t, c, "GET", s.URL+p, admin, nil)
		checkGraphError(t, r, 400, map[bool]string{true: codeBadRequest, false: "BadRequest"}[strings.HasPrefix(p, "/beta")])
	}
	// No token on /beta: 401 with WWW-Authenticate, OData body.
	r = do(t, c, "GET", s.URL+"/beta/users", "", nil)
	checkGraphError(t, r, 401, codeInvalidToken)
	if h := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(h, `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"`) {
		t.Fatalf("WWW-Authenticate: %q", h)
	}
}

func TestErrors_DateThrottlingAndClaimsChallenge(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	r := do(t, c, "GET", s.URL+"/v1.0/users/nobody@"+Domain, admin, nil)
	inner := r.json["error"].(map[string]any)["innerError"].(map[string]any)
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$`).MatchString(inner["date"].(string)) {
		t.Fatalf("innerError.date must have no zone: %v", inner["date"])
	}
	half := 0.5
	s.SetFaults(Faults{Rate: 1, Statuses: []int{429}, RetryAfterSeconds: &half})
	r = do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID, admin, nil)
	checkGraphError(t, r, 429, codeTooManyRequests)
	inner = r.json["error"].(map[string]any)["innerError"].(map[string]any)
	if inner["code"] != "429" || inner["status"] != "429" || r.header.Get("Retry-After") != "0.5" {
		t.Fatalf("429: %s %v", r.raw, r.header)
	}
	s.SetFaults(Faults{ClaimsChallenges: 1})
	// A token whose client did not declare the cp1 capability is never challenged
	// (entra-docs docs/identity-platform/app-resilience-continuous-access-evaluation.md).
	if r := do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID, admin, nil); r.status != 200 {
		t.Fatalf("a token without xms_cc was challenged: %d %s", r.status, r.raw)
	}
	cae := tokenWithClaims(t, s, AdminClientID, AdminClientSecret, `{"access_token":{"xms_cc":{"values":["CP1"]}}}`)
	for i := 0; i < 2; i++ { // the challenged token stays revoked
		r = do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID, cae, nil)
		checkGraphError(t, r, 401, codeInvalidToken)
		if h := r.header.Get("WWW-Authenticate"); !regexp.MustCompile(`error="insufficient_claims", claims="[A-Za-z0-9+/=]+"$`).MatchString(h) {
			t.Fatalf("claims challenge: %q", h)
		}
	}
	if r := do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID, tokenFor(t, s, AdminClientID, AdminClientSecret), nil); r.status != 200 {
		t.Fatalf("a new token is accepted: %d %s", r.status, r.raw)
	}
}

func TestLogin_ErrorsAsEntraWritesThem(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	post := func(tenant string, f url.Values) response {
		req, _ := http.NewRequest("POST", s.URL+"/"+tenant+"/oauth2/v2.0/token", strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("client-request-id", "c0ffee00-0000-4000-8000-000000000001")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		r := response{status: resp.StatusCode, header: resp.Header}
		r.raw, _ = io.ReadAll(resp.Body)
		_ = json.Unmarshal(r.raw, &r.json)
		return r
	}
	form := func(kv ...string) url.Values {
		f := url.Values{"grant_type": {"client_credentials"}, "scope": {s.URL + "/.default"}, "client_id": {AdminClientID}}
		for i := 0; i < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	want := func(r response, status int, code string, aadsts int) {
		t.Helper()
		desc, _ := r.json["error_description"].(string)
		if r.status != status || r.json["error"] != code || !strings.HasPrefix(desc, fmt.Sprintf("AADSTS%d: ", aadsts)) ||
			r.json["error_uri"] != fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", aadsts) ||
			r.json["correlation_id"] != "c0ffee00-0000-4000-8000-000000000001" || r.json["trace_id"] == "" ||
			!regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$`).MatchString(fmt.Sprint(r.json["timestamp"])) ||
			!regexp.MustCompile(`\r\nTrace ID: [-0-9a-f]+\r\nCorrelation ID: c0ffee00-0000-4000-8000-000000000001\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$`).MatchString(desc) {
			t.Fatalf("want %d %s AADSTS%d, got %d %s", status, code, aadsts, r.status, r.raw)
		}
	}
	want(post(TenantID, form("client_id", "11111111-1111-4111-8111-111111111111", "client_secret", "x")), 400, "unauthorized_client", 700016)
	want(post("22222222-2222-4222-8222-222222222222", form("client_secret", AdminClientSecret)), 400, "invalid_request", 90002)
	want(post(TenantID, form("client_secret", "wrong")), 401, "invalid_client", 7000215)
	fed := func(tok string) url.Values {
		return form("client_assertion_type", clientAssertionType, "client_assertion", tok)
	}
	mint := func(sub, aud string) string {
		tok, err := s.MintFederatedToken(sub, aud, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	want(post(TenantID, fed(mint("repo:evil/x:ref:refs/heads/main", FederatedAudience))), 401, "invalid_client", 700213)
	want(post(TenantID, fed(mint(FederatedSubject, "api://other"))), 401, "invalid_client", 700212)
	foreign := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": "https://token.actions.githubusercontent.com", "sub": FederatedSubject,
		"aud": FederatedAudience, "exp": time.Now().Add(time.Hour).Unix()})
	ftok, _ := foreign.SignedString([]byte("k"))
	want(post(TenantID, fed(ftok)), 401, "invalid_client", 700211)
	// An app with no federated credential at all: 70021.
	want(post(TenantID, url.Values{"grant_type": {"client_credentials"}, "scope": {s.URL + "/.default"}, "client_id": {ReadOnlyClientID},
		"client_assertion_type": {clientAssertionType}, "client_assertion": {mint(FederatedSubject, FederatedAudience)}}), 401, "invalid_client", 70021)
}

// What anyone diffing the mock against Graph sees first: innerError repeating a 400's message
// (captured in microsoftgraph/microsoft-graph-docs#12187), createdDateTime with seven fractional
// digits and the policy's includeTargets@odata.context (docs-contrib responses).
func TestFidelity_ShapesAsGraphWritesThem(t *testing.T) {
	t.Parallel()
	s, c, admin := startAllowing(t, Options{})
	passes := s.URL + "/v1.0/users/" + AliceID + "/authentication/temporaryAccessPassMethods"
	r := do(t, c, "POST", passes, admin, map[string]any{"lifetimeInMinutes": 5000})
	inner, _ := r.json["error"].(map[string]any)["innerError"].(map[string]any)
	if r.status != 400 || inner["message"] != r.errMessage() {
		t.Fatalf("innerError.message: %s", r.raw)
	}
	r = do(t, c, "POST", passes, admin, map[string]any{})
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$`).MatchString(fmt.Sprint(r.json["createdDateTime"])) {
		t.Fatalf("createdDateTime: %s", r.raw)
	}
	r = do(t, c, "GET", s.URL+policyPath, admin, nil)
	want := s.URL + "/v1.0/$metadata#policies/authenticationMethodsPolicy/authenticationMethodConfigurations('TemporaryAccessPass')/microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration/includeTargets"
	if r.json["includeTargets@odata.context"] != want {
		t.Fatalf("includeTargets@odata.context: %s", r.raw)
	}
}

// Casts and $count on the transitive members list, as group-list-transitivemembers.md and
// aad-advanced-queries.md describe them.
func TestFidelity_TransitiveMembersCastsAndCount(t *testing.T) {
	t.Parallel()
	s, c, admin := startAllowing(t, Options{})
	list := s.URL + "/v1.0/groups/" + OnboardingGroupID + "/transitiveMembers"
	all := do(t, c, "GET", list, admin, nil)
	byType := map[string]int{}
	for _, v := range all.json["value"].([]any) {
		byType[fmt.Sprint(v.(map[string]any)["@odata.type"])]++
	}
	if byType["#microsoft.graph.user"] == 0 || byType["#microsoft.graph.group"] == 0 {
		t.Fatalf("the seed's group should hold users and a nested group: %s", all.raw)
	}
	for cast, want := range map[string]int{"microsoft.graph.user": byType["#microsoft.graph.user"], "Microsoft.Graph.Group": byType["#microsoft.graph.group"], "microsoft.graph.device": 0} {
		r := do(t, c, "GET", list+"/"+cast, admin, nil)
		if got := r.json["value"].([]any); r.status != 200 || len(got) != want {
			t.Errorf("cast %s: %d items, want %d: %s", cast, len(got), want, r.raw)
		}
		r = doWith(t, c, "GET", list+"/"+cast+"/$count", admin, nil, eventual)
		if r.status != 200 || string(r.raw) != fmt.Sprint(want) || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
			t.Errorf("cast %s/$count: %d %q %s, want %d", cast, r.status, r.raw, r.header.Get("Content-Type"), want)
		}
	}
	checkGraphError(t, do(t, c, "GET", list+"/microsoft.graph.temporaryAccessPassAuthenticationMethod", admin, nil), 400, "Request_UnsupportedQuery")
	// $count as a segment needs ConsistencyLevel: eventual; as a query option it is ignored without.
	r := do(t, c, "GET", list+"/$count", admin, nil)
	checkGraphError(t, r, 400, "Request_BadRequest")
	if r.errMessage() != "$count is not currently supported." {
		t.Errorf("message: %s", r.raw)
	}
	if r = doWith(t, c, "GET", list+"/$count", admin, nil, eventual); string(r.raw) != fmt.Sprint(len(all.json["value"].([]any))) {
		t.Errorf("/$count: %s", r.raw)
	}
	if r = do(t, c, "GET", list+"?$count=true", admin, nil); r.status != 200 || r.json["@odata.count"] != nil {
		t.Errorf("?$count=true without ConsistencyLevel is ignored: %s", r.raw)
	}
	if r = doWith(t, c, "GET", list+"?$count=true", admin, nil, eventual); r.json["@odata.count"] != float64(len(all.json["value"].([]any))) {
		t.Errorf("?$count=true with ConsistencyLevel: %s", r.raw)
	}
}
