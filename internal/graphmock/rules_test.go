package graphmock

import (
	"testing"
	"time"
)

// A start before now is refused as Graph refuses it (microsoftgraph/msgraph-sdk-dotnet#2724),
// not created already expired; a start this second or later is fine.
func TestRules_StartInThePastRefused(t *testing.T) {
	t.Parallel()
	s, c, admin := startAllowing(t, Options{})
	passes := s.URL + "/v1.0/users/" + AliceID + "/authentication/temporaryAccessPassMethods"
	r := do(t, c, "POST", passes, admin, map[string]any{"startDateTime": s.Now().Add(-time.Hour).UTC().Format(time.RFC3339)})
	checkGraphError(t, r, 400, codeBadRequest)
	if r.errMessage() != "Invalid StartDateTime specified. It can not be a time in the past." {
		t.Fatalf("start an hour ago: %s", r.raw)
	}
	if r := do(t, c, "GET", passes, admin, nil); len(r.json["value"].([]any)) != 0 {
		t.Fatalf("the refused pass was created: %s", r.raw)
	}
	if r := do(t, c, "POST", passes, admin, map[string]any{"startDateTime": s.Now().Add(time.Minute).UTC().Format(time.RFC3339)}); r.status != 201 {
		t.Fatalf("start in a minute: %d %s", r.status, r.raw)
	}
}

// Who an Authentication Administrator may give a pass (entra-docs
// docs/identity/role-based-access-control/privileged-roles-permissions.md, the Auth Admin
// column of "Who can reset passwords"): users holding only the listed roles, such as Password
// Administrator, but no member of a role-assignable group, which only a Privileged
// Authentication Administrator (or a Global Administrator) reaches.
func TestRules_AuthAdminReach(t *testing.T) {
	t.Parallel()
	s, c, admin := startAllowing(t, Options{})
	add := func(body map[string]any) string {
		t.Helper()
		r := do(t, c, "POST", s.URL+"/_mock/users", "", body)
		if r.status != 201 {
			t.Fatalf("add user: %d %s", r.status, r.raw)
		}
		return r.json["id"].(string)
	}
	pwAdmin := add(map[string]any{"userPrincipalName": "pw@" + Domain, "roles": []string{"Password Administrator"}})
	reader := add(map[string]any{"userPrincipalName": "reports@" + Domain, "roles": []string{"4a5d8f65-41da-4de4-8968-e035b65339cf"}})
	tier0 := add(map[string]any{"userPrincipalName": "tier0@" + Domain})
	if r := do(t, c, "POST", s.URL+"/_mock/groups", "", map[string]any{"id": "7a5e0000-0000-4000-8000-0000000000ab", "displayName": "Tier 0",
		"members": []string{tier0}, "isAssignableToRole": true}); r.status != 201 {
		t.Fatalf("add role-assignable group: %d %s", r.status, r.raw)
	}
	create := func(token, user string) int {
		return do(t, c, "POST", s.URL+"/v1.0/users/"+user+"/authentication/temporaryAccessPassMethods", token, map[string]any{}).status
	}
	authAdmin, privAuthAdmin := userToken(t, s, AuthAdminUPN), userToken(t, s, PrivAuthAdminUPN)
	for user, want := range map[string]int{pwAdmin: 201, reader: 201, tier0: 403, BobID: 201} {
		if got := create(authAdmin, user); got != want {
			t.Errorf("Authentication Administrator on %s: %d, want %d", user, got, want)
		}
	}
	if got := create(privAuthAdmin, tier0); got != 201 {
		t.Errorf("Privileged Authentication Administrator on a role-assignable group's member: %d", got)
	}
	r := do(t, c, "GET", s.URL+"/v1.0/users/"+tier0+"/memberOf", admin, nil)
	if v, _ := r.json["value"].([]any); r.status != 200 || len(v) != 1 || v[0].(map[string]any)["isAssignableToRole"] != true {
		t.Fatalf("memberOf: %d %s", r.status, r.raw)
	}
}

// A policy target naming a group that does not exist (deleted) is kept, as Graph is reported
// to keep it (Microsoft365DSC#5420); the refuse setting answers 400 instead.
func TestRules_MissingGroupTargetBothWays(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	deleted := "de1e7ed0-0000-4000-8000-0000000000aa"
	body := map[string]any{"@odata.type": policyODataType, "includeTargets": []any{map[string]any{"id": deleted, "targetType": "group"}}}
	if r := do(t, c, "PATCH", s.URL+policyPath, admin, body); r.status != 204 {
		t.Fatalf("keep (the default): %d %s", r.status, r.raw)
	}
	r := do(t, c, "GET", s.URL+policyPath, admin, nil)
	if got := r.json["includeTargets"].([]any)[0].(map[string]any)["id"]; got != deleted {
		t.Fatalf("the kept target: %s", r.raw)
	}
	s.SetSettings(Settings{MissingGroupTargets: MissingGroupRefuse})
	checkGraphError(t, do(t, c, "PATCH", s.URL+policyPath, admin, body), 400, codeBadRequest)
}
