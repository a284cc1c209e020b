package graphmock

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// methodTypes lists the @odata.type of each entry of a methods answer.
func methodTypes(r response) []string {
	var out []string
	v, _ := r.json["value"].([]any)
	for _, e := range v {
		m, _ := e.(map[string]any)
		typ, _ := m["@odata.type"].(string)
		out = append(out, strings.TrimPrefix(typ, "#microsoft.graph."))
	}
	return out
}

func TestPlainHTTPS_RegisterAfterSignIn(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	enablePolicy(t, s.Mock, nil)
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	created := do(t, c, "POST", s.URL+"/v1.0/users/"+BobID+"/authentication/temporaryAccessPassMethods", admin, map[string]any{"isUsableOnce": true})
	code, _ := created.json["temporaryAccessPass"].(string)
	if created.status != 201 || code == "" {
		t.Fatalf("create: %d %s", created.status, created.raw)
	}
	// No registration without a sign-in by a usable pass.
	register := func(method string) response {
		return do(t, c, "POST", s.URL+"/_mock/register", "", map[string]any{"user": BobUPN, "method": method})
	}
	checkGraphError(t, register(MethodFido2), 403, "registrationNotAllowed")
	if r := do(t, c, "POST", s.URL+"/_mock/signin", "", map[string]any{"user": BobUPN, "temporaryAccessPass": code}); r.status != 200 {
		t.Fatalf("signin: %d %s", r.status, r.raw)
	}
	r := register(MethodFido2)
	if r.status != 201 || r.json["kind"] != MethodFido2 {
		t.Fatalf("register: %d %s", r.status, r.raw)
	}
	checkGraphError(t, register("carrierPigeon"), 400, codeBadRequest)
	checkGraphError(t, register(MethodPassword), 400, codeBadRequest)
	// Every method, and the pass without its code; the typed collections hold their own kind.
	methods := s.URL + "/v1.0/users/" + BobID + "/authentication/methods"
	r = do(t, c, "GET", methods, admin, nil)
	if got := strings.Join(methodTypes(r), ","); r.status != 200 || got != "fido2AuthenticationMethod,temporaryAccessPassAuthenticationMethod" {
		t.Fatalf("methods: %d %s", r.status, r.raw)
	}
	for _, e := range r.json["value"].([]any) {
		m := e.(map[string]any)
		if _, err := time.Parse(time.RFC3339Nano, m["createdDateTime"].(string)); err != nil || m["temporaryAccessPass"] != nil {
			t.Fatalf("method %v", m)
		}
	}
	if r := do(t, c, "GET", methods[:len(methods)-len("methods")]+"fido2Methods", admin, nil); strings.Join(methodTypes(r), ",") != "fido2AuthenticationMethod" {
		t.Fatalf("fido2Methods: %d %s", r.status, r.raw)
	}
	if r := do(t, c, "GET", methods[:len(methods)-len("methods")]+"microsoftAuthenticatorMethods", admin, nil); r.status != 200 || len(methodTypes(r)) != 0 {
		t.Fatalf("microsoftAuthenticatorMethods: %d %s", r.status, r.raw)
	}
	// Reading methods needs UserAuthenticationMethod.Read.All: the TAP-only permission does not.
	r = do(t, c, "GET", methods, tokenFor(t, s, LeastPrivilegedClientID, LeastPrivilegedClientSecret), nil)
	checkGraphError(t, r, 403, codeAccessDenied)
	if !strings.Contains(r.errMessage(), PermUserAuthMethodRead) {
		t.Fatalf("403 names the permission: %s", r.raw)
	}
	if r := do(t, c, "GET", methods, tokenFor(t, s, ReadOnlyClientID, ReadOnlyClientSecret), nil); r.status != 200 {
		t.Fatalf("read-only app: %d %s", r.status, r.raw)
	}
	// The window closes 10 minutes after the sign-in, on the tenant clock.
	s.AdvanceClock(11 * time.Minute)
	checkGraphError(t, register(MethodMicrosoftAuthenticator), 403, "registrationNotAllowed")
}

func TestPlainHTTPS_SelfService(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	enablePolicy(t, s.Mock, nil)
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	created := do(t, c, "POST", s.URL+"/v1.0/users/"+BobID+"/authentication/temporaryAccessPassMethods", admin, map[string]any{})
	id, _ := created.json["id"].(string)
	if created.status != 201 {
		t.Fatalf("create: %d %s", created.status, created.raw)
	}
	me := s.URL + "/v1.0/me/authentication/temporaryAccessPassMethods/" + id
	own := s.URL + "/v1.0/users/" + BobID + "/authentication/temporaryAccessPassMethods/" + id
	// The least-privileged scopes read one's own pass, by /me and by one's own id; never another's.
	for _, scope := range []string{PermTAPReadSelf, PermUserAuthMethodReadSelf} {
		tok := userToken(t, s, BobUPN, scope)
		for _, u := range []string{me, own} {
			if r := do(t, c, "GET", u, tok, nil); r.status != 200 || r.json["id"] != id || r.json["temporaryAccessPass"] != nil {
				t.Fatalf("%s, %s: %d %s", scope, u, r.status, r.raw)
			}
		}
		checkGraphError(t, do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID+"/authentication/temporaryAccessPassMethods", tok, nil), 403, codeAccessDenied)
		checkGraphError(t, do(t, c, "DELETE", me, tok, nil), 403, codeAccessDenied)
	}
	if r := do(t, c, "GET", s.URL+"/v1.0/me/authentication/methods", userToken(t, s, BobUPN, PermUserAuthMethodReadSelf), nil); r.status != 200 ||
		strings.Join(methodTypes(r), ",") != "temporaryAccessPassAuthenticationMethod" {
		t.Fatalf("own methods: %d %s", r.status, r.raw)
	}
	// The user deletes their own pass once they have registered (self-service security info).
	writer := userToken(t, s, BobUPN, PermUserAuthMethodReadWriteSelf)
	checkGraphError(t, do(t, c, "DELETE", s.URL+"/v1.0/users/"+AliceID+"/authentication/temporaryAccessPassMethods/"+id, writer, nil), 403, codeAccessDenied)
	if r := do(t, c, "DELETE", me, writer, nil); r.status != 204 {
		t.Fatalf("own delete: %d %s", r.status, r.raw)
	}
	checkGraphError(t, do(t, c, "GET", own, writer, nil), 404, codeItemNotFound)
	// An unserved /me path: a user's token meets Graph's unknown-segment answer; only an
	// application token is told /me needs a user.
	r := do(t, c, "GET", s.URL+"/v1.0/me/authentication/noSuchMethods", writer, nil)
	checkGraphError(t, r, 400, codeBadRequest)
	if r.errMessage() == msgMeApplication || !strings.Contains(r.errMessage(), "noSuchMethods") {
		t.Fatalf("unserved /me path with a user's token: %s", r.raw)
	}
	r = do(t, c, "GET", s.URL+"/v1.0/me/authentication/methods", admin, nil)
	if checkGraphError(t, r, 400, codeBadRequest); r.errMessage() != msgMeApplication {
		t.Fatalf("/me with an app token: %s", r.raw)
	}
}

func TestPlainHTTPS_MethodsDelegatedReach(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	methods := func(user string) string { return s.URL + "/v1.0/users/" + user + "/authentication/methods" }
	for _, tc := range []struct {
		caller, target string
		status         int
	}{
		{AuthAdminUPN, BobID, 200},           // an Authentication Administrator reads methods of members
		{AuthAdminUPN, PrivAuthAdminID, 403}, // not of admins
		{PrivAuthAdminUPN, GlobalAdminID, 200},
		{GlobalReaderUPN, PrivAuthAdminID, 200},
		{BobUPN, AliceID, 403},
		{BobUPN, BobID, 200}, // one's own
	} {
		r := do(t, c, "GET", methods(tc.target), userToken(t, s, tc.caller), nil)
		if r.status != tc.status {
			t.Errorf("%s reads the methods of %s: %d, want %d: %s", tc.caller, tc.target, r.status, tc.status, r.raw)
		}
		if tc.status == 403 && r.errMessage() != msgRoleDenied {
			t.Errorf("%s on %s: 403 message %q", tc.caller, tc.target, r.errMessage())
		}
	}
}

func TestClient_RegisterAndSeededMethods(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	enablePolicy(t, s.Mock, nil)
	cl, err := NewClient(s.URL, s.CAPEM)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	before := s.Now().Add(-24 * time.Hour).Truncate(time.Second)
	u, err := cl.AddUser(ctx, NewUser{UserPrincipalName: "recovering@" + Domain,
		Methods: []Method{{Kind: MethodMicrosoftAuthenticator, DisplayName: "old phone", CreatedDateTime: before}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Register(ctx, u.ID, MethodFido2); err == nil || !strings.Contains(err.Error(), "registrationNotAllowed") {
		t.Fatalf("register before a sign-in: %v", err)
	}
	st, raw := s.GraphRequest(http.MethodPost, "/v1.0/users/"+u.ID+"/authentication/temporaryAccessPassMethods", map[string]any{})
	if st != 201 {
		t.Fatalf("create: %d %s", st, raw)
	}
	var pass struct {
		Code string `json:"temporaryAccessPass"`
	}
	if err := json.Unmarshal(raw, &pass); err != nil {
		t.Fatal(err)
	}
	if err := cl.SignIn(ctx, u.ID, pass.Code); err != nil {
		t.Fatal(err)
	}
	if err := cl.Register(ctx, u.ID, MethodFido2); err != nil {
		t.Fatal(err)
	}
	state, err := cl.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, su := range state.Users {
		if su.ID == u.ID {
			if len(su.Methods) != 2 || !su.Methods[0].CreatedDateTime.Equal(before) || su.Methods[1].Kind != MethodFido2 {
				t.Fatalf("methods in state: %+v", su.Methods)
			}
			return
		}
	}
	t.Fatal("user not in state")
}

func TestPlainHTTPS_RegistrationDetailsReport(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	enablePolicy(t, s.Mock, nil)
	c := httpClient(t, s)
	if _, err := s.AddUser(NewUser{UserPrincipalName: "keyholder@" + Domain, Methods: []Method{{Kind: MethodFido2}}}); err != nil {
		t.Fatal(err)
	}
	report := s.URL + "/v1.0/reports/authenticationMethods/userRegistrationDetails"
	// AuditLog.Read.All, which none of the seeded apps holds.
	r := do(t, c, "GET", report, tokenFor(t, s, AdminClientID, AdminClientSecret), nil)
	checkGraphError(t, r, 403, codeAccessDenied)
	if !strings.Contains(r.errMessage(), PermAuditLogRead) {
		t.Fatalf("403 names the permission: %s", r.raw)
	}
	tok := userToken(t, s, GlobalReaderUPN, PermAuditLogRead)
	r = do(t, c, "GET", report+"?$filter="+url.QueryEscape("methodsRegistered/any(m:m eq 'fido2')"), tok, nil)
	v, _ := r.json["value"].([]any)
	if r.status != 200 || len(v) != 1 || v[0].(map[string]any)["userPrincipalName"] != "keyholder@"+Domain || v[0].(map[string]any)["isPasswordlessCapable"] != true {
		t.Fatalf("filtered by method: %d %s", r.status, r.raw)
	}
	r = do(t, c, "GET", report+"?$filter="+url.QueryEscape("isMfaRegistered eq false"), tok, nil)
	if v, _ := r.json["value"].([]any); r.status != 200 || len(v) != len(s.Snapshot().Users)-1 {
		t.Fatalf("isMfaRegistered eq false: %d %s", r.status, r.raw)
	}
	checkGraphError(t, do(t, c, "GET", report+"?$filter="+url.QueryEscape("lastUpdatedDateTime gt 2020-01-01"), tok, nil), 400, codeBadRequest)
	checkGraphError(t, do(t, c, "GET", report+"?$top=5", tok, nil), 400, codeBadRequest)
}
