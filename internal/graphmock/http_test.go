package graphmock

// The rules through plain HTTPS: a token from the token endpoint, then net/http with the CA.

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestPlainHTTPS_PolicyRules(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	u := s.URL + policyPath

	r := do(t, c, "GET", u, admin, nil)
	if r.status != 200 || r.json["@odata.type"] != policyODataType || r.json["state"] != "disabled" ||
		r.json["defaultLifetimeInMinutes"] != 60.0 || r.json["maximumLifetimeInMinutes"] != 480.0 || r.json["defaultLength"] != 8.0 {
		t.Fatalf("default policy: %d %s", r.status, r.raw)
	}
	if r.header.Get("request-id") == "" || r.json["@odata.context"] == nil {
		t.Fatalf("missing request-id or context: %v %s", r.header, r.raw)
	}
	// The id is case-insensitive.
	if r := do(t, c, "GET", strings.Replace(u, "TemporaryAccessPass", "temporaryaccesspass", 1), admin, nil); r.status != 200 {
		t.Fatalf("lower-case id: %d", r.status)
	}

	// PATCH needs @odata.type.
	checkGraphError(t, do(t, c, "PATCH", u, admin, map[string]any{"state": "enabled"}), 400, codeBadRequest)
	typed := func(kv ...any) map[string]any {
		b := map[string]any{"@odata.type": policyODataType}
		for i := 0; i < len(kv); i += 2 {
			b[kv[i].(string)] = kv[i+1]
		}
		return b
	}
	for name, body := range map[string]map[string]any{
		"min below 10":          typed("minimumLifetimeInMinutes", 9),
		"max above 43200":       typed("maximumLifetimeInMinutes", 43201),
		"default below min":     typed("defaultLifetimeInMinutes", 30),
		"default above max":     typed("defaultLifetimeInMinutes", 481),
		"min above max":         typed("minimumLifetimeInMinutes", 600),
		"length 7":              typed("defaultLength", 7),
		"length 49":             typed("defaultLength", 49),
		"bad state":             typed("state", "on"),
		"string for int":        typed("defaultLength", "10"),
		"fraction for int":      typed("defaultLength", 10.5),
		"unknown field":         typed("colour", "blue"),
		"unknown group target":  typed("includeTargets", []any{map[string]any{"id": "nope", "targetType": "group"}}),
		"unknown user target":   typed("includeTargets", []any{map[string]any{"id": "nope", "targetType": "user"}}),
		"bad target type":       typed("includeTargets", []any{map[string]any{"id": OnboardingGroupID, "targetType": "device"}}),
		"target without id":     typed("includeTargets", []any{map[string]any{"targetType": "group"}}),
		"duplicate target":      typed("includeTargets", []any{map[string]any{"id": AliceID, "targetType": "user"}, map[string]any{"id": AliceID, "targetType": "user"}}),
		"unknown target field":  typed("excludeTargets", []any{map[string]any{"id": BobID, "targetType": "user", "isRegistrationRequired": true}}),
		"exclude all_users":     typed("excludeTargets", []any{map[string]any{"id": "all_users", "targetType": "group"}}),
		"targets not a list":    typed("includeTargets", "all_users"),
		"wrong odata type":      {"@odata.type": "#microsoft.graph.fido2AuthenticationMethodConfiguration"},
		"other id in the body":  typed("id", "Fido2"),
		"isUsableOnce a string": typed("isUsableOnce", "true"),
	} {
		r := do(t, c, "PATCH", u, admin, body)
		if r.status != 400 || r.errCode() != codeBadRequest || r.errMessage() == "" {
			t.Errorf("%s: %d %s", name, r.status, r.raw)
		}
	}
	for name, body := range map[string]string{"not JSON": "{", "an array": "[]", "empty": "", "trailing data": `{"@odata.type":"` + policyODataType + `"} x`, "null": "null"} {
		if r := do(t, c, "PATCH", u, admin, body); r.status != 400 || r.errCode() != codeBadRequest {
			t.Errorf("%s: %d %s", name, r.status, r.raw)
		}
	}

	// A valid PATCH answers 204, and GET shows it.
	good := typed("state", "enabled", "minimumLifetimeInMinutes", 10, "maximumLifetimeInMinutes", 43200,
		"defaultLifetimeInMinutes", 120, "defaultLength", 12, "isUsableOnce", true,
		"includeTargets", []any{map[string]any{"@odata.type": "#microsoft.graph.authenticationMethodTarget", "id": OnboardingGroupID, "targetType": "group", "isRegistrationRequired": false}},
		"excludeTargets", []any{map[string]any{"id": BobID, "targetType": "user"}})
	if r := do(t, c, "PATCH", u, admin, good); r.status != 204 || len(r.raw) != 0 {
		t.Fatalf("PATCH: %d %s", r.status, r.raw)
	}
	r = do(t, c, "GET", u, admin, nil)
	inc := r.json["includeTargets"].([]any)[0].(map[string]any)
	exc := r.json["excludeTargets"].([]any)[0].(map[string]any)
	if r.json["state"] != "enabled" || r.json["defaultLength"] != 12.0 || r.json["isUsableOnce"] != true ||
		inc["id"] != OnboardingGroupID || exc["id"] != BobID || exc["isRegistrationRequired"] != nil {
		t.Fatalf("after PATCH: %s", r.raw)
	}
	// DELETE resets to the defaults.
	if r := do(t, c, "DELETE", u, admin, nil); r.status != 204 {
		t.Fatalf("DELETE: %d %s", r.status, r.raw)
	}
	if p := s.Snapshot().Policy; p.State != "disabled" || p.DefaultLength != 8 || len(p.IncludeTargets) != 1 || p.IncludeTargets[0].ID != "all_users" || len(p.ExcludeTargets) != 0 {
		t.Fatalf("after DELETE: %+v", p)
	}
}

func TestPlainHTTPS_Authorization(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	u := s.URL + policyPath
	checkGraphError(t, do(t, c, "GET", u, "", nil), 401, codeInvalidToken)
	checkGraphError(t, do(t, c, "GET", u, "not-a-jwt", nil), 401, codeInvalidToken)

	// A token signed by someone else.
	other, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	forged, _, _ := other.MintAccessToken(AdminClientID)
	checkGraphError(t, do(t, c, "GET", u, forged, nil), 401, codeInvalidToken)

	ro := tokenFor(t, s, ReadOnlyClientID, ReadOnlyClientSecret)
	if r := do(t, c, "GET", u, ro, nil); r.status != 200 {
		t.Fatalf("read-only GET: %d %s", r.status, r.raw)
	}
	r := do(t, c, "PATCH", u, ro, map[string]any{"@odata.type": policyODataType, "state": "enabled"})
	checkGraphError(t, r, 403, codeAccessDenied)
	if !strings.HasPrefix(r.errMessage(), "Request Authorization failed") || !strings.Contains(r.errMessage(), PermPolicyReadWrite) {
		t.Fatalf("403 message: %s", r.errMessage())
	}
	checkGraphError(t, do(t, c, "DELETE", u, ro, nil), 403, codeAccessDenied)
	checkGraphError(t, do(t, c, "POST", s.URL+"/v1.0/users/"+AliceUPN+"/authentication/temporaryAccessPassMethods", ro, map[string]any{}), 403, codeAccessDenied)
	if r := do(t, c, "GET", s.URL+"/v1.0/users/"+AliceUPN+"/authentication/temporaryAccessPassMethods", ro, nil); r.status != 200 {
		t.Fatalf("read-only list: %d %s", r.status, r.raw)
	}

	// An app with no permission at all gets 403 on reads too.
	seed := DefaultSeed()
	seed.Apps = append(seed.Apps, App{ClientID: "0000aaaa-0000-4000-8000-000000000009", Secrets: []string{"s"}})
	s2 := startServer(t, Options{Seed: &seed})
	none := tokenFor(t, s2, "0000aaaa-0000-4000-8000-000000000009", "s")
	c2 := httpClient(t, s2)
	for _, p := range []string{policyPath, "/v1.0/users/" + AliceID + "/authentication/temporaryAccessPassMethods"} {
		checkGraphError(t, do(t, c2, "GET", s2.URL+p, none, nil), 403, codeAccessDenied)
	}
	// The directory answers in its own words (errors.go forbidden).
	for _, p := range []string{"/v1.0/users/" + AliceID, "/v1.0/users", "/v1.0/groups/" + OnboardingGroupID, "/v1.0/roleManagement/directory/roleAssignments"} {
		r := do(t, c2, "GET", s2.URL+p, none, nil)
		checkGraphError(t, r, 403, codeRequestDenied)
		if r.errMessage() != "Insufficient privileges to complete the operation." {
			t.Fatalf("directory 403 on %s: %s", p, r.raw)
		}
	}

	// Expired tokens are refused (token lifetime is wall time): a token from the token
	// endpoint, signed again with its times two hours back, as if it had been kept that long.
	s3 := startServer(t, Options{})
	tok := expired(t, s3, tokenFor(t, s3, AdminClientID, AdminClientSecret), 2*time.Hour)
	r = do(t, httpClient(t, s3), "GET", s3.URL+policyPath, tok, nil)
	checkGraphError(t, r, 401, codeInvalidToken)
	if !strings.Contains(r.errMessage(), "expired") {
		t.Fatalf("expired message: %s", r.errMessage())
	}
}

func TestPlainHTTPS_TokenEndpoint(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	tokenURL := s.URL + "/" + TenantID + "/oauth2/v2.0/token"
	post := func(form url.Values) response {
		req, _ := http.NewRequest("POST", tokenURL, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		return decodeResponse(resp)
	}
	base := func() url.Values {
		return url.Values{"grant_type": {"client_credentials"}, "client_id": {AdminClientID}, "client_secret": {AdminClientSecret}, "scope": {s.URL + "/.default"}}
	}
	r := post(base())
	if r.status != 200 || r.json["token_type"] != "Bearer" || r.json["expires_in"].(float64) < 3500 {
		t.Fatalf("token: %d %s", r.status, r.raw)
	}
	f := base()
	f.Set("client_secret", "wrong")
	r = post(f)
	if r.status != 401 || r.json["error"] != "invalid_client" || !strings.HasPrefix(r.json["error_description"].(string), "AADSTS7000215:") {
		t.Fatalf("wrong secret: %d %s", r.status, r.raw)
	}
	f = base()
	f.Set("client_id", "11111111-1111-4111-8111-111111111111")
	// Entra answers an unknown client id 400 unauthorized_client AADSTS700016 (issue 13).
	if r = post(f); r.status != 400 || r.json["error"] != "unauthorized_client" || r.json["error_codes"].([]any)[0] != float64(700016) {
		t.Fatalf("unknown client: %d %s", r.status, r.raw)
	}
	f = base()
	f.Set("grant_type", "password")
	if r = post(f); r.status != 400 || r.json["error"] != "unsupported_grant_type" {
		t.Fatalf("grant: %d %s", r.status, r.raw)
	}
	f = base()
	f.Set("scope", "https://management.azure.com/.default")
	if r = post(f); r.status != 400 || r.json["error"] != "invalid_resource" {
		t.Fatalf("resource: %d %s", r.status, r.raw)
	}
	f = base()
	f.Set("scope", "https://graph.microsoft.com/.default openid profile offline_access")
	if r = post(f); r.status != 200 {
		t.Fatalf("graph scope: %d %s", r.status, r.raw)
	}
	// The issued token carries tenant, app id and roles, and is accepted by Graph.
	claims, err := s.tokens.parse(r.json["access_token"].(string))
	if err != nil || claims["tid"] != TenantID || claims["appid"] != AdminClientID || claims["iss"] != "https://sts.windows.net/"+TenantID+"/" || claims["ver"] != "1.0" {
		t.Fatalf("claims: %v %v", claims, err)
	}
	if roles := claims["roles"].([]any); len(roles) != 4 {
		t.Fatalf("roles: %v", roles)
	}
	if r := do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID, r.json["access_token"].(string), nil); r.status != 200 {
		t.Fatalf("graph-audience token: %d %s", r.status, r.raw)
	}
	// Unknown tenant.
	req, _ := http.NewRequest("POST", s.URL+"/contoso.invalid/oauth2/v2.0/token", strings.NewReader(base().Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("unknown tenant: %d", resp.StatusCode)
	}
	// Discovery and keys.
	r = do(t, c, "GET", s.URL+"/"+TenantID+"/v2.0/.well-known/openid-configuration", "", nil)
	if r.status != 200 || r.json["issuer"] != s.URL+"/"+TenantID+"/v2.0" || r.json["token_endpoint"] != tokenURL || r.json["jwks_uri"] == nil || r.json["authorization_endpoint"] == nil {
		t.Fatalf("discovery: %s", r.raw)
	}
	r = do(t, c, "GET", r.json["jwks_uri"].(string), "", nil)
	if keys, _ := r.json["keys"].([]any); len(keys) != 1 {
		t.Fatalf("jwks: %s", r.raw)
	}
}

func TestPlainHTTPS_UsersGroupsAndPasses(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	enablePolicy(t, s.Mock, nil)

	// Users by id or UPN, case-insensitively; the guest's UPN needs escaping.
	for _, ref := range []string{AliceID, AliceUPN, strings.ToUpper(AliceUPN), url.PathEscape(GuestUPN)} {
		// userType is not in Graph's default property set: asked for with $select.
		r := do(t, c, "GET", s.URL+"/v1.0/users/"+ref+"?$select=id,userType", admin, nil)
		if r.status != 200 || r.json["id"] == nil || r.json["userType"] == nil {
			t.Fatalf("user %s: %d %s", ref, r.status, r.raw)
		}
	}
	r := do(t, c, "GET", s.URL+"/v1.0/users/nobody@contoso.example", admin, nil)
	checkGraphError(t, r, 404, codeNotFound)
	if r.errMessage() != "Resource 'nobody@contoso.example' does not exist or one of its queried reference-property objects are not present." {
		t.Fatalf("404 message: %s", r.errMessage())
	}
	r = do(t, c, "GET", s.URL+"/v1.0/groups/"+OnboardingGroupID, admin, nil)
	if r.status != 200 || r.json["displayName"] != "TAP Onboarding" {
		t.Fatalf("group: %d %s", r.status, r.raw)
	}
	checkGraphError(t, do(t, c, "GET", s.URL+"/v1.0/groups/nope", admin, nil), 404, codeNotFound)
	r = do(t, c, "POST", s.URL+"/v1.0/users/"+AliceUPN+"/checkMemberGroups", admin, map[string]any{"groupIds": []string{OnboardingGroupID, "other"}})
	if r.status != 200 || len(r.json["value"].([]any)) != 1 {
		t.Fatalf("checkMemberGroups alice: %d %s", r.status, r.raw)
	}
	r = do(t, c, "POST", s.URL+"/v1.0/users/"+BobUPN+"/checkMemberGroups", admin, map[string]any{"groupIds": []string{OnboardingGroupID}})
	if r.status != 200 || len(r.json["value"].([]any)) != 0 {
		t.Fatalf("checkMemberGroups bob: %d %s", r.status, r.raw)
	}
	checkGraphError(t, do(t, c, "POST", s.URL+"/v1.0/users/"+BobUPN+"/checkMemberGroups", admin, map[string]any{"groupIds": "x"}), 400, codeBadRequest)

	passes := s.URL + "/v1.0/users/" + AliceUPN + "/authentication/temporaryAccessPassMethods"
	// Policy default lifetime when omitted; the code only in the 201.
	r = do(t, c, "POST", passes, admin, map[string]any{})
	if r.status != 201 || r.json["lifetimeInMinutes"] != 60.0 || r.json["isUsable"] != true || r.json["methodUsabilityReason"] != "EnabledByPolicy" ||
		r.json["@odata.type"] != passODataType {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	code, _ := r.json["temporaryAccessPass"].(string)
	if len(code) != 8 {
		t.Fatalf("code %q: want 8 characters", code)
	}
	first := r.json["id"].(string)
	r = do(t, c, "GET", passes+"/"+first, admin, nil)
	if r.status != 200 || r.json["temporaryAccessPass"] != nil || r.json["id"] != first {
		t.Fatalf("get: %d %s", r.status, r.raw)
	}
	if _, err := time.Parse(time.RFC3339, r.json["createdDateTime"].(string)); err != nil || !strings.HasSuffix(r.json["startDateTime"].(string), "Z") {
		t.Fatalf("timestamps: %s", r.raw)
	}
	// The code is not kept: not in the state, the state file or any answer.
	if bytes.Contains(do(t, c, "GET", s.URL+"/_mock/state", "", nil).raw, []byte(code)) {
		t.Fatal("code in /_mock/state")
	}
	if bytes.Contains(do(t, c, "GET", passes, admin, nil).raw, []byte(code)) {
		t.Fatal("code in the list")
	}

	// One pass per user: a new one replaces the old, whose id then answers 404.
	r = do(t, c, "POST", passes, admin, map[string]any{"lifetimeInMinutes": 480, "isUsableOnce": true})
	if r.status != 201 || r.json["lifetimeInMinutes"] != 480.0 || r.json["isUsableOnce"] != true {
		t.Fatalf("replace: %d %s", r.status, r.raw)
	}
	second := r.json["id"].(string)
	checkGraphError(t, do(t, c, "GET", passes+"/"+first, admin, nil), 404, codeItemNotFound)
	if r := do(t, c, "GET", passes, admin, nil); len(r.json["value"].([]any)) != 1 {
		t.Fatalf("list after replace: %s", r.raw)
	}

	// Lifetime outside the policy range.
	for _, l := range []int{59, 481} {
		r = do(t, c, "POST", passes, admin, map[string]any{"lifetimeInMinutes": l})
		checkGraphError(t, r, 400, codeBadRequest)
		if r.errMessage() != "Invalid LifetimeInMinutes specified. The valid range between 60 and 480." {
			t.Fatalf("lifetime message: %s", r.errMessage())
		}
	}
	// Wrong types, unknown fields, bad timestamps.
	for name, body := range map[string]any{
		"string lifetime": map[string]any{"lifetimeInMinutes": "60"},
		"unknown field":   map[string]any{"colour": "blue"},
		"bad start":       map[string]any{"startDateTime": "tomorrow"},
		"other type":      map[string]any{"@odata.type": "#microsoft.graph.fido2AuthenticationMethod"},
		"not an object":   "[1,2]",
		"broken":          `{"lifetimeInMinutes":`,
	} {
		if r := do(t, c, "POST", passes, admin, body); r.status != 400 || r.errCode() != codeBadRequest {
			t.Errorf("%s: %d %s", name, r.status, r.raw)
		}
	}
	// External guests are refused; unknown users 404.
	r = do(t, c, "POST", s.URL+"/v1.0/users/"+GuestID+"/authentication/temporaryAccessPassMethods", admin, map[string]any{})
	checkGraphError(t, r, 400, codeBadRequest)
	if r.errMessage() != "Temporary Access Pass cannot be added to an external guest user" {
		t.Fatalf("guest message: %s", r.errMessage())
	}
	checkGraphError(t, do(t, c, "POST", s.URL+"/v1.0/users/nobody/authentication/temporaryAccessPassMethods", admin, map[string]any{}), 404, codeNotFound)

	// One-time policy: a multi-use request is refused; omitted means one-time.
	enablePolicy(t, s.Mock, map[string]any{"isUsableOnce": true, "defaultLength": 16})
	checkGraphError(t, do(t, c, "POST", passes, admin, map[string]any{"isUsableOnce": false}), 400, codeBadRequest)
	r = do(t, c, "POST", passes, admin, map[string]any{})
	if r.status != 201 || r.json["isUsableOnce"] != true || len(r.json["temporaryAccessPass"].(string)) != 16 {
		t.Fatalf("one-time default: %d %s", r.status, r.raw)
	}
	third := r.json["id"].(string)
	checkGraphError(t, do(t, c, "GET", passes+"/"+second, admin, nil), 404, codeItemNotFound)

	// DELETE answers 204, then 404.
	if r := do(t, c, "DELETE", passes+"/"+third, admin, nil); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.raw)
	}
	checkGraphError(t, do(t, c, "DELETE", passes+"/"+third, admin, nil), 404, codeItemNotFound)
	if r := do(t, c, "GET", passes, admin, nil); len(r.json["value"].([]any)) != 0 {
		t.Fatalf("list after delete: %s", r.raw)
	}

	// Unknown path, wrong method.
	checkGraphError(t, do(t, c, "GET", s.URL+"/v1.0/me/things", admin, nil), 400, codeBadRequest)
	r405 := do(t, c, "PATCH", passes+"/x", admin, map[string]any{})
	checkGraphError(t, r405, 405, codeRequestBadRequest)
	if r405.errMessage() != "Specified HTTP method is not allowed for the request target." {
		t.Fatalf("405: %s", r405.raw)
	}
	checkGraphError(t, do(t, c, "GET", s.URL+"/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Fido2", admin, nil), 400, codeBadRequest)
}

func TestPlainHTTPS_Usability(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	// Passes for users the policy does not target: the allow setting (TestPolicyScope covers refuse).
	s.SetSettings(Settings{PolicyScope: PolicyScopeAllow})
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	create := func(user string, body map[string]any) (id, code string) {
		t.Helper()
		r := do(t, c, "POST", s.URL+"/v1.0/users/"+user+"/authentication/temporaryAccessPassMethods", admin, body)
		if r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		return r.json["id"].(string), r.json["temporaryAccessPass"].(string)
	}
	reason := func(user, id string) string {
		t.Helper()
		r := do(t, c, "GET", s.URL+"/v1.0/users/"+user+"/authentication/temporaryAccessPassMethods/"+id, admin, nil)
		if r.status != 200 {
			t.Fatalf("get: %d %s", r.status, r.raw)
		}
		if (r.json["methodUsabilityReason"] == "EnabledByPolicy") != (r.json["isUsable"] == true) {
			t.Fatalf("isUsable disagrees with the reason: %s", r.raw)
		}
		return r.json["methodUsabilityReason"].(string)
	}

	// A disabled policy (the default): creation works, the pass is DisabledByPolicy.
	id, _ := create(BobUPN, map[string]any{})
	if got := reason(BobUPN, id); got != "DisabledByPolicy" {
		t.Fatalf("disabled policy: %s", got)
	}
	// Enabled for the onboarding group only: alice is in, bob is out.
	enablePolicy(t, s.Mock, map[string]any{"includeTargets": []any{map[string]any{"id": OnboardingGroupID, "targetType": "group"}}})
	if got := reason(BobUPN, id); got != "DisabledByPolicy" {
		t.Fatalf("bob outside the targets: %s", got)
	}
	aliceID, _ := create(AliceUPN, map[string]any{})
	if got := reason(AliceUPN, aliceID); got != "EnabledByPolicy" {
		t.Fatalf("alice in the group: %s", got)
	}
	// Excluded by user.
	enablePolicy(t, s.Mock, map[string]any{"excludeTargets": []any{map[string]any{"id": AliceID, "targetType": "user"}}})
	if got := reason(AliceUPN, aliceID); got != "DisabledByPolicy" {
		t.Fatalf("alice excluded: %s", got)
	}
	enablePolicy(t, s.Mock, map[string]any{"excludeTargets": []any{}, "includeTargets": []any{map[string]any{"id": "all_users", "targetType": "group"}}})

	// A future start is NotYetValid until the tenant clock reaches it; then Expired after its lifetime.
	start := s.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)
	carol, _ := create(CarolUPN, map[string]any{"startDateTime": start, "lifetimeInMinutes": 60})
	if got := reason(CarolUPN, carol); got != "NotYetValid" {
		t.Fatalf("future start: %s", got)
	}
	r := do(t, c, "POST", s.URL+"/_mock/clock", "", map[string]any{"advance": "2h1m"})
	if r.status != 200 {
		t.Fatalf("clock: %d %s", r.status, r.raw)
	}
	if got := reason(CarolUPN, carol); got != "EnabledByPolicy" {
		t.Fatalf("after start: %s", got)
	}
	s.AdvanceClock(time.Hour)
	if got := reason(CarolUPN, carol); got != "Expired" {
		t.Fatalf("after lifetime: %s", got)
	}
}

func TestPlainHTTPS_GzipAndLimits(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	send := func(body []byte, gz bool) response {
		t.Helper()
		if gz {
			var b bytes.Buffer
			w := gzip.NewWriter(&b)
			_, _ = w.Write(body)
			_ = w.Close()
			body = b.Bytes()
		}
		req, _ := http.NewRequest("PATCH", s.URL+policyPath, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+admin)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("client-request-id", "my-client-request-id")
		if gz {
			req.Header.Set("Content-Encoding", "gzip")
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		r := decodeResponse(resp)
		if resp.Header.Get("client-request-id") != "my-client-request-id" || resp.Header.Get("request-id") == "" {
			t.Fatalf("request ids: %v", resp.Header)
		}
		return r
	}
	if r := send([]byte(`{"@odata.type":"`+policyODataType+`","defaultLength":20}`), true); r.status != 204 {
		t.Fatalf("gzip PATCH: %d %s", r.status, r.raw)
	}
	if s.Snapshot().Policy.DefaultLength != 20 {
		t.Fatal("gzip PATCH not applied")
	}
	r := send([]byte("not gzip"), false)
	checkGraphError(t, r, 400, codeBadRequest)
	req, _ := http.NewRequest("PATCH", s.URL+policyPath, strings.NewReader("plain"))
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Authorization", "Bearer "+admin)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r = decodeResponse(resp)
	_ = resp.Body.Close()
	checkGraphError(t, r, 400, codeBadRequest)
	if r.json["error"].(map[string]any)["innerError"].(map[string]any)["client-request-id"] == "" {
		t.Fatal("no client-request-id in innerError")
	}

	big := []byte(`{"@odata.type":"` + policyODataType + `","x":"` + strings.Repeat("a", 2<<20) + `"}`)
	checkGraphError(t, send(big, false), 413, codeTooLarge)
	checkGraphError(t, send(big, true), 413, codeTooLarge) // small when compressed, large when not
}

// TestRouting_CaseAndMethods: literal segments and the policy id match in any case (also
// the /v1.0 prefix, which picks the Graph area), captures keep the case sent, a trailing
// slash is ignored, and HEAD on a GET route is 405 as any other method.
func TestRouting_CaseAndMethods(t *testing.T) {
	t.Parallel()
	m, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := m.MintAccessToken(AdminClientID)
	if err != nil {
		t.Fatal(err)
	}
	serve := func(method, path string) response {
		t.Helper()
		req := httptest.NewRequest(method, "https://localhost"+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, req)
		r := response{status: rec.Code, header: rec.Header(), raw: rec.Body.Bytes()}
		_ = json.Unmarshal(r.raw, &r.json)
		return r
	}
	for _, p := range []string{
		"/V1.0/POLICIES/authenticationmethodspolicy/AuthenticationMethodConfigurations/temporaryACCESSpass",
		policyPath + "/",
	} {
		if r := serve("GET", p); r.status != 200 || r.json["id"] != policyID {
			t.Fatalf("GET %s: %d %s", p, r.status, r.raw)
		}
	}
	r := serve("GET", "/V1.0/Users/"+strings.ToUpper(AliceUPN)+"/AUTHENTICATION/temporaryAccessPassMethods")
	if r.status != 200 || !strings.Contains(r.json["@odata.context"].(string), AliceID) {
		t.Fatalf("passes in upper case: %d %s", r.status, r.raw)
	}
	// The capture is the segment as sent: the 404 names it in its case.
	if r := serve("GET", "/v1.0/USERS/Nobody@Contoso.example"); r.status != 404 || !strings.Contains(r.errMessage(), "'Nobody@Contoso.example'") {
		t.Fatalf("unknown user: %d %s", r.status, r.raw)
	}
	checkGraphError(t, serve("HEAD", policyPath), 405, codeRequestBadRequest)
	checkGraphError(t, serve("PUT", "/V1.0/users/"+AliceID), 405, codeRequestBadRequest)
	checkGraphError(t, serve("GET", "/v1.0/users/"+AliceID+"/x/y"), 400, codeBadRequest)
	checkGraphError(t, serve("GET", "/_MOCK/nothing"), 404, "notFound")
	if r := serve("GET", "/_Mock/State"); r.status != 200 || r.json["tenantId"] != TenantID {
		t.Fatalf("/_Mock/State: %d %s", r.status, r.raw)
	}
	if r := serve("GET", "/"+Domain+"/V2.0/.well-known/OpenID-Configuration"); r.status != 200 || r.json["issuer"] == nil {
		t.Fatalf("discovery in another case: %d %s", r.status, r.raw)
	}
	if r := serve("GET", "/"+Domain+"/nothing"); r.status != 404 || r.json["error"] != "invalid_request" {
		t.Fatalf("unknown login path: %d %s", r.status, r.raw)
	}
}

// expired re-signs an access token of s with iat, nbf and exp moved back by ago.
func expired(t *testing.T, s *Server, token string, ago time.Duration) string {
	t.Helper()
	claims, err := s.tokens.parse(token)
	if err != nil {
		t.Fatalf("the token endpoint's token does not verify: %v", err)
	}
	for _, k := range []string{"iat", "nbf", "exp"} {
		v, ok := claims[k].(float64)
		if !ok {
			t.Fatalf("token claim %s = %v", k, claims[k])
		}
		claims[k] = int64(v) - int64(ago/time.Second)
	}
	tok, err := s.tokens.sign(claims)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
