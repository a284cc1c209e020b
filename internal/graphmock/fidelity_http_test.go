package graphmock

import (
	"regexp"
	"strings"
	"testing"
)

func TestPaths_BetaMeAndUnknownInODataShape(t *testing.T) {
	s := startServer(t, Options{})
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
	for i := 0; i < 2; i++ { // the challenged token stays revoked
		r = do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID, admin, nil)
		checkGraphError(t, r, 401, codeInvalidToken)
		if h := r.header.Get("WWW-Authenticate"); !regexp.MustCompile(`error="insufficient_claims", claims="[A-Za-z0-9+/=]+"$`).MatchString(h) {
			t.Fatalf("claims challenge: %q", h)
		}
	}
	if r := do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID, tokenFor(t, s, AdminClientID, AdminClientSecret), nil); r.status != 200 {
		t.Fatalf("a new token is accepted: %d %s", r.status, r.raw)
	}
}
