package graphmock

// Delegated tokens: the directory-role rules through plain HTTPS (tokens from the az control)
// and through msgraph-sdk-go with azidentity's device-code credential.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// userToken gets a delegated token for user from GET /_mock/token (what the fake az calls).
func userToken(t *testing.T, s *Server, user string, scopes ...string) string {
	t.Helper()
	q := url.Values{"user": {user}}
	if len(scopes) > 0 {
		q.Set("scope", strings.Join(scopes, ","))
	}
	r := do(t, httpClient(t, s), "GET", s.URL+"/_mock/token?"+q.Encode(), "", nil)
	tok, _ := r.json["accessToken"].(string)
	if r.status != 200 || tok == "" {
		t.Fatalf("token for %s: %d %s", user, r.status, r.raw)
	}
	return tok
}

// claimsOf decodes a JWT's payload without verifying it.
func claimsOf(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDelegated_TokenClaims(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := claimsOf(t, userToken(t, s, AuthAdminUPN))
	wids, _ := c["wids"].([]any)
	// wids: the member's default User role, then the directory role; a v1.0 token from sts.windows.net.
	if c["oid"] != AuthAdminID || c["upn"] != AuthAdminUPN || c["appid"] != AzureCLIClientID || len(wids) != 2 ||
		wids[0] != defaultUserRoleTemplateID || wids[1] != "c4e39bd9-1100-46d3-8c65-fb160da0071f" || !strings.Contains(c["scp"].(string), PermUserAuthMethodReadWrite) ||
		c["ver"] != "1.0" || c["iss"] != "https://sts.windows.net/"+TenantID+"/" {
		t.Fatalf("claims: %v", c)
	}
	if _, hasRoles := c["roles"]; hasRoles {
		t.Fatalf("a delegated token carries scp, not roles: %v", c)
	}
	c = claimsOf(t, userToken(t, s, BobUPN, "User.Read"))
	if w, _ := c["wids"].([]any); len(w) != 1 || w[0] != defaultUserRoleTemplateID || c["scp"] != "User.Read" {
		t.Fatalf("member's claims: %v", c)
	}
}

// ruleCase is one delegated call and Graph's answer.
type ruleCase struct {
	name   string
	caller string // UPN
	method string
	path   string // under /v1.0
	body   any
	status int
}

func passCreate(userID string) (string, string, any) {
	return "POST", "/users/" + userID + "/authentication/temporaryAccessPassMethods", map[string]any{"lifetimeInMinutes": 60}
}

func delegatedCases() []ruleCase {
	pol := strings.TrimPrefix(policyPath, "/v1.0")
	patch := map[string]any{"@odata.type": policyODataType, "state": "enabled"}
	mk := func(name, caller string, status int, method, path string, body any) ruleCase {
		return ruleCase{name: name, caller: caller, method: method, path: path, body: body, status: status}
	}
	create := func(name, caller, target string, status int) ruleCase {
		m, p, b := passCreate(target)
		return mk(name, caller, status, m, p, b)
	}
	list := func(user string) string { return "/users/" + user + "/authentication/temporaryAccessPassMethods" }
	return []ruleCase{
		create("auth admin issues to a member", AuthAdminUPN, BobID, 201),
		create("auth admin to a privileged auth admin", AuthAdminUPN, PrivAuthAdminID, 403),
		create("auth admin to a global reader", AuthAdminUPN, GlobalReaderID, 403),
		create("auth admin to themselves", AuthAdminUPN, AuthAdminID, 403),
		create("auth admin to themselves by UPN", AuthAdminUPN, AuthAdminUPN, 403),
		create("privileged auth admin to an admin", PrivAuthAdminUPN, AuthAdminID, 201),
		create("privileged auth admin to themselves", PrivAuthAdminUPN, PrivAuthAdminID, 403),
		create("global admin to themselves", GlobalAdminUPN, GlobalAdminID, 403),
		create("global admin to a member", GlobalAdminUPN, CarolID, 201),
		create("global reader issues", GlobalReaderUPN, BobID, 403),
		create("policy admin issues", PolicyAdminUPN, BobID, 403),
		create("member issues", BobUPN, AliceID, 403),
		create("member to themselves", BobUPN, BobID, 403),
		mk("global reader lists a member's passes", GlobalReaderUPN, 200, "GET", list(BobID), nil),
		mk("global reader lists an admin's passes", GlobalReaderUPN, 200, "GET", list(PrivAuthAdminID), nil),
		mk("auth admin lists a member's passes", AuthAdminUPN, 200, "GET", list(BobID), nil),
		mk("auth admin lists an admin's passes", AuthAdminUPN, 403, "GET", list(GlobalReaderID), nil),
		mk("member lists another's passes", BobUPN, 403, "GET", list(AliceID), nil),
		mk("member lists their own passes", BobUPN, 200, "GET", list(BobID), nil),
		mk("member lists their own passes through /me", BobUPN, 200, "GET", "/me/authentication/temporaryAccessPassMethods", nil),
		mk("member reads /me", BobUPN, 200, "GET", "/me", nil),
		mk("global reader reads the policy", GlobalReaderUPN, 200, "GET", pol, nil),
		mk("global reader writes the policy", GlobalReaderUPN, 403, "PATCH", pol, patch),
		mk("auth admin reads the policy", AuthAdminUPN, 403, "GET", pol, nil),
		mk("auth admin writes the policy", AuthAdminUPN, 403, "PATCH", pol, patch),
		mk("privileged auth admin writes the policy", PrivAuthAdminUPN, 403, "PATCH", pol, patch),
		mk("policy admin writes the policy", PolicyAdminUPN, 204, "PATCH", pol, patch),
		mk("policy admin resets the policy", PolicyAdminUPN, 204, "DELETE", pol, nil),
		mk("global admin writes the policy", GlobalAdminUPN, 204, "PATCH", pol, patch),
		mk("member writes the policy", BobUPN, 403, "PATCH", pol, patch),
		mk("member reads a user", BobUPN, 200, "GET", "/users/"+AliceID, nil),
		mk("member reads role assignments", BobUPN, 200, "GET", "/roleManagement/directory/roleAssignments?$filter="+url.QueryEscape("principalId eq '"+AuthAdminID+"'"), nil),
	}
}

func TestPlainHTTPS_DelegatedRules(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	s.SetSettings(Settings{PolicyScope: PolicyScopeAllow}) // passes under the default (disabled) policy
	c := httpClient(t, s)
	tokens := map[string]string{}
	for _, tc := range delegatedCases() {
		// Serial subtests: they share tokens and the passes checked below, in order.
		t.Run(tc.name, func(t *testing.T) {
			if tokens[tc.caller] == "" {
				tokens[tc.caller] = userToken(t, s, tc.caller)
			}
			r := do(t, c, tc.method, s.URL+"/v1.0"+tc.path, tokens[tc.caller], tc.body)
			if tc.status >= 400 {
				code := map[int]string{403: codeAccessDenied, 404: codeNotFound}[tc.status]
				checkGraphError(t, r, tc.status, code)
				if tc.status == 403 && r.errMessage() != msgRoleDenied {
					t.Fatalf("403 message %q, want Graph's %q", r.errMessage(), msgRoleDenied)
				}
				return
			}
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.raw)
			}
		})
	}
	// A refused create leaves nothing behind: only the three allowed creates hold a pass.
	var holders []string
	for _, p := range s.Snapshot().Passes {
		holders = append(holders, p.UserID)
	}
	if strings.Join(holders, ",") != strings.Join([]string{AuthAdminID, BobID, CarolID}, ",") {
		t.Fatalf("passes held by %v", holders)
	}
}

func TestPlainHTTPS_DelegatedDetailsAndScopes(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	s.SetSettings(Settings{PolicyScope: PolicyScopeAllow}) // passes under the default (disabled) policy
	c := httpClient(t, s)
	admin := userToken(t, s, AuthAdminUPN)
	created := do(t, c, "POST", s.URL+"/v1.0/users/"+BobID+"/authentication/temporaryAccessPassMethods", admin, map[string]any{})
	id, _ := created.json["id"].(string)
	if created.status != 201 || created.json["temporaryAccessPass"] == nil {
		t.Fatalf("create: %d %s", created.status, created.raw)
	}
	one := "/v1.0/users/" + BobID + "/authentication/temporaryAccessPassMethods/" + id
	// The global reader sees the pass, never the code.
	r := do(t, c, "GET", s.URL+one, userToken(t, s, GlobalReaderUPN), nil)
	if r.status != 200 || r.json["id"] != id || r.json["temporaryAccessPass"] != nil {
		t.Fatalf("global reader's read: %d %s", r.status, r.raw)
	}
	checkGraphError(t, do(t, c, "DELETE", s.URL+one, userToken(t, s, GlobalReaderUPN), nil), 403, codeAccessDenied)
	// Bob lists his own pass and reads its details, never its code (his own: methods_test.go).
	bob := userToken(t, s, BobUPN)
	if r := do(t, c, "GET", s.URL+"/v1.0/me/authentication/temporaryAccessPassMethods", bob, nil); r.status != 200 || !strings.Contains(string(r.raw), id) {
		t.Fatalf("own list: %d %s", r.status, r.raw)
	}
	if r := do(t, c, "GET", s.URL+one, bob, nil); r.status != 200 || r.json["temporaryAccessPass"] != nil {
		t.Fatalf("own read: %d %s", r.status, r.raw)
	}
	// The scope is needed as well as the role.
	narrow := userToken(t, s, PrivAuthAdminUPN, "User.Read", PermUserAuthMethodRead)
	r = do(t, c, "DELETE", s.URL+one, narrow, nil)
	checkGraphError(t, r, 403, codeAccessDenied)
	if !strings.Contains(r.errMessage(), PermUserAuthMethodReadWrite) {
		t.Fatalf("a missing scope names it: %s", r.raw)
	}
	if r := do(t, c, "DELETE", s.URL+one, admin, nil); r.status != 204 {
		t.Fatalf("auth admin's delete: %d %s", r.status, r.raw)
	}
	// /me with an application token is Graph's 400.
	r = do(t, c, "GET", s.URL+"/v1.0/me", tokenFor(t, s, AdminClientID, AdminClientSecret), nil)
	checkGraphError(t, r, 400, codeBadRequest)
	if r.errMessage() != msgMeApplication {
		t.Fatalf("/me with an app token: %s", r.raw)
	}
	// Role assignments name Microsoft's template ids.
	r = do(t, c, "GET", s.URL+"/v1.0/roleManagement/directory/roleAssignments?$filter="+url.QueryEscape("principalId eq '"+GlobalReaderID+"'"), bob, nil)
	v, _ := r.json["value"].([]any)
	if r.status != 200 || len(v) != 1 || v[0].(map[string]any)["roleDefinitionId"] != "f2ef992c-3afb-46b9-b7cf-a126ee74c451" {
		t.Fatalf("role assignments: %d %s", r.status, r.raw)
	}
}

func TestControls_AddUserWithRoles(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	s.SetSettings(Settings{PolicyScope: PolicyScopeAllow}) // passes under the default (disabled) policy
	c := httpClient(t, s)
	r := do(t, c, "POST", s.URL+"/_mock/users", "", map[string]any{"userPrincipalName": "helpdesk@" + Domain, "roles": []string{"global reader"}})
	id, _ := r.json["id"].(string)
	if r.status != 201 || id == "" || !strings.Contains(string(r.raw), `"roles":["Global Reader"]`) {
		t.Fatalf("add: %d %s", r.status, r.raw)
	}
	checkGraphError(t, do(t, c, "POST", s.URL+"/_mock/users", "", map[string]any{"userPrincipalName": "x@" + Domain, "roles": []string{"Chief"}}), 400, codeBadRequest)
	// The new user holds an admin role: an Authentication Administrator may not issue it a pass.
	m, p, b := passCreate(id)
	checkGraphError(t, do(t, c, m, s.URL+"/v1.0"+p, userToken(t, s, AuthAdminUPN), b), 403, codeAccessDenied)
	if r := do(t, c, m, s.URL+"/v1.0"+p, userToken(t, s, PrivAuthAdminUPN), b); r.status != 201 {
		t.Fatalf("privileged auth admin: %d %s", r.status, r.raw)
	}
	// By template id, in a seed.
	seed := DefaultSeed()
	seed.Users = append(seed.Users, User{ID: "5eed0000-0000-4000-8000-000000000001", UserPrincipalName: "seeded@" + Domain, Roles: []string{"7be44c8a-adaf-4e2a-84d6-ab2649e08a13"}})
	s2 := startServer(t, Options{Seed: &seed})
	for _, u := range s2.Snapshot().Users {
		if u.UserPrincipalName == "seeded@"+Domain && (len(u.Roles) != 1 || u.Roles[0] != RolePrivilegedAuthenticationAdministrator) {
			t.Fatalf("seeded roles: %v", u.Roles)
		}
	}
}

// deviceCodeClient signs user in through azidentity's device-code flow, the prompt approving
// it through the control, and builds the SDK over that credential.
func deviceCodeClient(t *testing.T, s *Server, user string) graphClient {
	t.Helper()
	cred, err := azidentity.NewDeviceCodeCredential(&azidentity.DeviceCodeCredentialOptions{
		ClientOptions:            clientOptions(t, s),
		TenantID:                 TenantID,
		ClientID:                 AzureCLIClientID,
		DisableInstanceDiscovery: true,
		UserPrompt: func(_ context.Context, m azidentity.DeviceCodeMessage) error {
			return s.ApproveDeviceCode(m.UserCode, user)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return newGraphClient(t, s, cred, nil)
}

func TestSDK_DelegatedRules(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	s.SetSettings(Settings{PolicyScope: PolicyScopeAllow}) // passes under the default (disabled) policy
	ctx := context.Background()
	clients := map[string]graphClient{}
	as := func(upn string) graphClient {
		if _, ok := clients[upn]; !ok {
			clients[upn] = deviceCodeClient(t, s, upn)
		}
		return clients[upn]
	}
	newPass := func() models.TemporaryAccessPassAuthenticationMethodable {
		p := models.NewTemporaryAccessPassAuthenticationMethod()
		p.SetLifetimeInMinutes(ptr(int32(60)))
		return p
	}
	// Issued by an Authentication Administrator to a member: the code signs in.
	created, err := as(AuthAdminUPN).passes(BobID).Post(ctx, newPass(), nil)
	if err != nil || created.GetTemporaryAccessPass() == nil {
		t.Fatalf("auth admin's create: %v", err)
	}
	enablePolicy(t, s.Mock, nil)
	if err := s.SignIn(BobUPN, *created.GetTemporaryAccessPass()); err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	for name, tc := range map[string]struct {
		caller, target string
	}{
		"admin target":    {AuthAdminUPN, PrivAuthAdminID},
		"themselves":      {AuthAdminUPN, AuthAdminID},
		"global reader":   {GlobalReaderUPN, AliceID},
		"policy admin":    {PolicyAdminUPN, AliceID},
		"member":          {CarolUPN, AliceID},
		"global admin":    {GlobalAdminUPN, GlobalAdminID},
		"priv themselves": {PrivAuthAdminUPN, PrivAuthAdminID},
	} {
		_, err := as(tc.caller).passes(tc.target).Post(ctx, newPass(), nil)
		if msg := odataErr(t, err, 403, codeAccessDenied); msg != msgRoleDenied {
			t.Fatalf("%s: %s", name, msg)
		}
	}
	if _, err := as(PrivAuthAdminUPN).passes(AuthAdminID).Post(ctx, newPass(), nil); err != nil {
		t.Fatalf("privileged auth admin to an admin: %v", err)
	}
	// The global reader lists and reads passes, without codes, and deletes none.
	list, err := as(GlobalReaderUPN).passes(BobID).Get(ctx, nil)
	if err != nil || len(list.GetValue()) != 1 || list.GetValue()[0].GetTemporaryAccessPass() != nil {
		t.Fatalf("global reader's list: %v", err)
	}
	one, err := as(GlobalReaderUPN).passes(BobID).ByTemporaryAccessPassAuthenticationMethodId(*created.GetId()).Get(ctx, nil)
	if err != nil || one.GetTemporaryAccessPass() != nil {
		t.Fatalf("global reader's read: %v", err)
	}
	odataErr(t, as(GlobalReaderUPN).passes(BobID).ByTemporaryAccessPassAuthenticationMethodId(*created.GetId()).Delete(ctx, nil), 403, codeAccessDenied)
	// Policy: read by the reader, written by the policy admin only.
	if _, err := as(GlobalReaderUPN).tapPolicy().Get(ctx, nil); err != nil {
		t.Fatalf("global reader's policy read: %v", err)
	}
	body := models.NewTemporaryAccessPassAuthenticationMethodConfiguration()
	body.SetDefaultLength(ptr(int32(12)))
	odataErr(t, func() error { _, err := as(AuthAdminUPN).tapPolicy().Patch(ctx, body, nil); return err }(), 403, codeAccessDenied)
	odataErr(t, func() error { _, err := as(GlobalReaderUPN).tapPolicy().Patch(ctx, body, nil); return err }(), 403, codeAccessDenied)
	if _, err := as(PolicyAdminUPN).tapPolicy().Patch(ctx, body, nil); err != nil {
		t.Fatalf("policy admin's patch: %v", err)
	}
	if s.Snapshot().Policy.DefaultLength != 12 {
		t.Fatal("the policy admin's patch did not land")
	}
	// Bob lists his own pass and reads its details, never its code.
	own, err := as(BobUPN).passes(BobID).Get(ctx, nil)
	if err != nil || len(own.GetValue()) != 1 {
		t.Fatalf("own list: %v", err)
	}
	if p, err := as(BobUPN).passes(BobID).ByTemporaryAccessPassAuthenticationMethodId(*created.GetId()).Get(ctx, nil); err != nil || p.GetTemporaryAccessPass() != nil {
		t.Fatalf("own read: %v", err)
	}
	// Deleted by the admin who issued it.
	if err := as(AuthAdminUPN).passes(BobID).ByTemporaryAccessPassAuthenticationMethodId(*created.GetId()).Delete(ctx, nil); err != nil {
		t.Fatalf("auth admin's delete: %v", err)
	}
	// Nothing was created by a refused call: bob's pass is gone, and only the privileged admin's target holds one.
	if ps := s.Snapshot().Passes; len(ps) != 1 || ps[0].UserID != AuthAdminID {
		t.Fatalf("passes left: %+v", ps)
	}
}

func TestDeviceCode_PendingAndErrors(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	post := func(path string, form url.Values) response { return postForm(t, c, s.URL+path, form) }
	scope := s.URL + "/.default offline_access"
	r := post("/"+TenantID+"/oauth2/v2.0/devicecode", url.Values{"client_id": {"no-such-client"}, "scope": {scope}})
	if r.status != 400 || r.json["error"] != "unauthorized_client" {
		t.Fatalf("unknown client: %d %s", r.status, r.raw)
	}
	r = post("/"+TenantID+"/oauth2/v2.0/devicecode", url.Values{"client_id": {AzureCLIClientID}, "scope": {scope}})
	device, _ := r.json["device_code"].(string)
	userCode, _ := r.json["user_code"].(string)
	if r.status != 200 || device == "" || userCode == "" {
		t.Fatalf("devicecode: %d %s", r.status, r.raw)
	}
	redeem := url.Values{"grant_type": {grantDeviceCode}, "client_id": {AzureCLIClientID}, "device_code": {device}}
	if r := post("/"+TenantID+"/oauth2/v2.0/token", redeem); r.status != 400 || r.json["error"] != "authorization_pending" {
		t.Fatalf("pending: %d %s", r.status, r.raw)
	}
	if r := do(t, c, "POST", s.URL+"/_mock/devicecode", "", map[string]any{"userCode": "WRONG", "user": BobUPN}); r.status != http.StatusNotFound {
		t.Fatalf("wrong user code: %d %s", r.status, r.raw)
	}
	if r := do(t, c, "POST", s.URL+"/_mock/devicecode", "", map[string]any{"userCode": userCode, "user": GlobalReaderUPN}); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.raw)
	}
	r = post("/"+TenantID+"/oauth2/v2.0/token", redeem)
	tok, _ := r.json["access_token"].(string)
	if r.status != 200 || tok == "" || claimsOf(t, tok)["upn"] != GlobalReaderUPN {
		t.Fatalf("token: %d %s", r.status, r.raw)
	}
	if r := post("/"+TenantID+"/oauth2/v2.0/token", redeem); r.status != 400 || r.json["error"] != "invalid_grant" {
		t.Fatalf("a device code is redeemed once: %d %s", r.status, r.raw)
	}
}

func TestClient_UserTokenAndDeviceCode(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	envFile := filepath.Join(t.TempDir(), "mock.env")
	if err := s.WriteEnvFile(envFile); err != nil {
		t.Fatal(err)
	}
	c, err := NewClientFromEnvFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tok, err := c.UserToken(ctx, GlobalReaderUPN, "User.Read")
	if err != nil || claimsOf(t, tok)["upn"] != GlobalReaderUPN || claimsOf(t, tok)["scp"] != "User.Read" {
		t.Fatalf("user token: %v", err)
	}
	if _, err := c.UserToken(ctx, "nobody@"+Domain); err == nil {
		t.Fatal("a token for an unknown user")
	}
	if err := c.ApproveDeviceCode(ctx, "NO-SUCH-CODE", BobUPN); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("approving an unknown user code: %v", err)
	}
}

// The device-code flow as Entra runs it (entra-docs docs/identity-platform/v2-oauth2-device-code.md):
// under "organizations" (azidentity's default tenant for DeviceCodeCredential) for a
// multi-tenant client, a refresh token for offline_access that grant_type=refresh_token
// redeems, and an expired code answered expired_token AADSTS70019.
func TestDeviceCode_OrganizationsRefreshAndExpiry(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	post := func(path string, form url.Values) response { return postForm(t, c, s.URL+path, form) }
	scope := s.URL + "/.default openid profile offline_access"
	start := func(tenant string) (device string) {
		t.Helper()
		r := post("/"+tenant+"/oauth2/v2.0/devicecode", url.Values{"client_id": {AzureCLIClientID}, "scope": {scope}})
		device, _ = r.json["device_code"].(string)
		if r.status != 200 || device == "" {
			t.Fatalf("devicecode under %s: %d %s", tenant, r.status, r.raw)
		}
		if err := s.ApproveDeviceCode(r.json["user_code"].(string), BobUPN); err != nil {
			t.Fatal(err)
		}
		return device
	}
	device := start("organizations")
	r := post("/organizations/oauth2/v2.0/token", url.Values{"grant_type": {grantDeviceCode}, "client_id": {AzureCLIClientID}, "device_code": {device}, "scope": {scope}})
	refresh, _ := r.json["refresh_token"].(string)
	if r.status != 200 || refresh == "" || claimsOf(t, r.json["access_token"].(string))["tid"] != TenantID {
		t.Fatalf("token under organizations with offline_access: %d %s", r.status, r.raw)
	}
	r = post("/organizations/oauth2/v2.0/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {AzureCLIClientID}, "refresh_token": {refresh}, "scope": {scope}})
	if tok, _ := r.json["access_token"].(string); r.status != 200 || tok == "" || claimsOf(t, tok)["upn"] != BobUPN || r.json["refresh_token"] == "" {
		t.Fatalf("refresh: %d %s", r.status, r.raw)
	}
	if r := post("/"+TenantID+"/oauth2/v2.0/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {AdminClientID}, "refresh_token": {refresh}}); r.status != 400 || r.json["error"] != "invalid_grant" {
		t.Fatalf("a refresh token of another client: %d %s", r.status, r.raw)
	}
	// A single-tenant app is refused on the multi-tenant alias.
	if r := post("/organizations/oauth2/v2.0/devicecode", url.Values{"client_id": {AdminClientID}, "scope": {scope}}); r.status != 400 || !strings.HasPrefix(fmt.Sprint(r.json["error_description"]), "AADSTS50194: ") {
		t.Fatalf("single-tenant app under organizations: %d %s", r.status, r.raw)
	}
	// Past its 15 minutes, a code is expired_token AADSTS70019.
	r = post("/"+TenantID+"/oauth2/v2.0/devicecode", url.Values{"client_id": {AzureCLIClientID}, "scope": {scope}})
	s.devices.mu.Lock()
	s.devices.now = func() time.Time { return time.Now().Add(deviceCodeTTL + time.Second) }
	s.devices.mu.Unlock()
	r = post("/"+TenantID+"/oauth2/v2.0/token", url.Values{"grant_type": {grantDeviceCode}, "client_id": {AzureCLIClientID}, "device_code": {r.json["device_code"].(string)}})
	if r.status != 400 || r.json["error"] != "expired_token" || !strings.HasPrefix(fmt.Sprint(r.json["error_description"]), "AADSTS70019: ") {
		t.Fatalf("expired code: %d %s", r.status, r.raw)
	}
}

// postForm posts a form, as a login client does, and decodes the answer.
func postForm(t *testing.T, c *http.Client, u string, form url.Values) response {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	return decodeResponse(resp)
}

// Role assignments as docs-contrib api-reference/v1.0/api/rbacapplication-list-roleassignments.md
// lists them: $filter on roleDefinitionId, $expand=principal, $select, and resourceScope on each.
func TestRoleAssignments_FilterExpandSelect(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	tok := userToken(t, s, GlobalReaderUPN)
	list := func(query string) []map[string]any {
		t.Helper()
		r := do(t, c, "GET", s.URL+"/v1.0/roleManagement/directory/roleAssignments?"+query, tok, nil)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", query, r.status, r.raw)
		}
		var out []map[string]any
		for _, v := range r.json["value"].([]any) {
			out = append(out, v.(map[string]any))
		}
		return out
	}
	authAdminRole := "c4e39bd9-1100-46d3-8c65-fb160da0071f"
	got := list(url.Values{"$filter": {"roleDefinitionId eq '" + authAdminRole + "'"}, "$expand": {"principal"}}.Encode())
	if len(got) != 1 || got[0]["principalId"] != AuthAdminID || got[0]["resourceScope"] != "/" || got[0]["directoryScopeId"] != "/" {
		t.Fatalf("by roleDefinitionId: %v", got)
	}
	if p, _ := got[0]["principal"].(map[string]any); p["userPrincipalName"] != AuthAdminUPN || p["@odata.type"] != "#microsoft.graph.user" {
		t.Fatalf("$expand=principal: %v", got[0])
	}
	got = list(url.Values{"$filter": {"principalId eq '" + AuthAdminID + "'"}, "$select": {"id,roleDefinitionId"}}.Encode())
	if len(got) != 1 || got[0]["roleDefinitionId"] != authAdminRole || got[0]["principalId"] != nil {
		t.Fatalf("$select: %v", got)
	}
}
