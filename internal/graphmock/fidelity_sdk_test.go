package graphmock

// Permissions and guests as Microsoft's tables and the Entra how-to say, through msgraph-sdk-go.

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// seedWithApp is the default tenant plus an app holding roles.
func seedWithApp(clientID string, roles ...string) Seed {
	s := DefaultSeed()
	s.Apps = append(s.Apps, App{ClientID: clientID, Secrets: []string{"s"}, Roles: roles})
	return s
}

func TestPermissions_TAPOnlyAppsAndPolicyReadAll(t *testing.T) {
	t.Parallel()
	const rw, ro, pol = "70000000-0000-4000-8000-000000000001", "70000000-0000-4000-8000-000000000002", "70000000-0000-4000-8000-000000000003"
	seed := seedWithApp(rw, PermTAPReadWrite)
	seed.Apps = append(seed.Apps, App{ClientID: ro, Secrets: []string{"s"}, Roles: []string{PermTAPRead}},
		App{ClientID: pol, Secrets: []string{"s"}, Roles: []string{PermPolicyReadAll}})
	s := startServer(t, Options{Seed: &seed})
	s.SetSettings(Settings{PolicyScope: PolicyScopeAllow}) // passes under the default (disabled) policy
	ctx := context.Background()

	g := secretClient(t, s, rw, "s")
	created, err := g.passes(AliceID).Post(ctx, models.NewTemporaryAccessPassAuthenticationMethod(), nil)
	if err != nil {
		t.Fatalf("create with %s: %v", PermTAPReadWrite, err)
	}
	if _, err := g.passes(AliceID).Get(ctx, nil); err != nil {
		t.Fatalf("list with %s: %v", PermTAPReadWrite, err)
	}
	r := secretClient(t, s, ro, "s")
	if _, err := r.passes(AliceID).ByTemporaryAccessPassAuthenticationMethodId(*created.GetId()).Get(ctx, nil); err != nil {
		t.Fatalf("get with %s: %v", PermTAPRead, err)
	}
	_, err = r.passes(BobID).Post(ctx, models.NewTemporaryAccessPassAuthenticationMethod(), nil)
	if msg := odataErr(t, err, 403, codeAccessDenied); !strings.Contains(msg, "Missing permission: "+PermTAPReadWrite+" (or ") {
		t.Fatalf("403 must name the least-privileged permission first: %s", msg)
	}
	if err := g.passes(AliceID).ByTemporaryAccessPassAuthenticationMethodId(*created.GetId()).Delete(ctx, nil); err != nil {
		t.Fatalf("delete with %s: %v", PermTAPReadWrite, err)
	}
	// Policy.Read.All reads the policy, but does not write it.
	p := secretClient(t, s, pol, "s")
	if _, err := p.tapPolicy().Get(ctx, nil); err != nil {
		t.Fatalf("policy GET with %s: %v", PermPolicyReadAll, err)
	}
	_, err = p.passes(AliceID).Get(ctx, nil)
	odataErr(t, err, 403, codeAccessDenied)
}

func TestPermissions_CheckMemberGroupsNeedsUserAndGroupRead(t *testing.T) {
	t.Parallel()
	const groupOnly, userGroup, userGroupAll, dir = "71000000-0000-4000-8000-000000000001", "71000000-0000-4000-8000-000000000002",
		"71000000-0000-4000-8000-000000000003", "71000000-0000-4000-8000-000000000004"
	seed := seedWithApp(groupOnly, PermGroupMemberRead)
	seed.Apps = append(seed.Apps,
		App{ClientID: userGroup, Secrets: []string{"s"}, Roles: []string{PermUserRead, PermGroupMemberRead}},
		App{ClientID: userGroupAll, Secrets: []string{"s"}, Roles: []string{PermUserRead, PermGroupRead}},
		App{ClientID: dir, Secrets: []string{"s"}, Roles: []string{PermDirectoryRead}})
	s := startServer(t, Options{Seed: &seed})
	ctx := context.Background()
	check := func(clientID, user string) ([]string, error) {
		body := users.NewItemCheckMemberGroupsPostRequestBody()
		body.SetGroupIds([]string{OnboardingGroupID, NewHiresGroupID})
		res, err := secretClient(t, s, clientID, "s").users.ByUserId(user).CheckMemberGroups().PostAsCheckMemberGroupsPostResponse(ctx, body, nil)
		if err != nil {
			return nil, err
		}
		return res.GetValue(), nil
	}
	_, err := check(groupOnly, AliceID)
	odataErr(t, err, 403, codeRequestDenied) // the directory names no permission (errors.go forbidden)
	for _, app := range []string{userGroup, userGroupAll, dir} {
		ids, err := check(app, NoraUPN)
		// nora is in New hires, nested in TAP Onboarding: both count.
		if err != nil || len(ids) != 2 {
			t.Fatalf("app %s: %v %v", app, ids, err)
		}
	}
}

func TestGuests_OnlyExternalRefused(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	s.SetSettings(Settings{PolicyScope: PolicyScopeAllow}) // passes under the default (disabled) policy
	g := secretClient(t, s, AdminClientID, AdminClientSecret)
	ctx := context.Background()
	_, err := g.passes(GuestUPN).Post(ctx, models.NewTemporaryAccessPassAuthenticationMethod(), nil)
	if msg := odataErr(t, err, 400, codeBadRequest); msg != msgGuest {
		t.Fatalf("external guest: %s", msg)
	}
	if _, err := g.passes(InternalGuestUPN).Post(ctx, models.NewTemporaryAccessPassAuthenticationMethod(), nil); err != nil {
		t.Fatalf("internal guest must get a pass: %v", err)
	}
	// A guest added through the controls is external when invited.
	if _, err := s.AddUser(NewUser{UserPrincipalName: "b2b_x#EXT#@" + Domain, UserType: "Guest", CreationType: "Invitation"}); err != nil {
		t.Fatal(err)
	}
	_, err = g.passes("b2b_x#EXT#@"+Domain).Post(ctx, models.NewTemporaryAccessPassAuthenticationMethod(), nil)
	odataErr(t, err, 400, codeBadRequest)
}

func TestUsers_DefaultSetSelectFilterAndQueryOptions(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	r := do(t, c, "GET", s.URL+"/v1.0/users/"+GuestID, admin, nil)
	if _, has := r.json["userType"]; r.status != 200 || has || r.json["userPrincipalName"] != GuestUPN || r.json["businessPhones"] == nil {
		t.Fatalf("default set: %d %s", r.status, r.raw)
	}
	r = do(t, c, "GET", s.URL+"/v1.0/users/"+GuestID+"?$select=userType,externalUserState,creationType", admin, nil)
	if _, has := r.json["userPrincipalName"]; r.status != 200 || has || r.json["userType"] != "Guest" ||
		r.json["externalUserState"] != "Accepted" || r.json["creationType"] != "Invitation" {
		t.Fatalf("$select: %d %s", r.status, r.raw)
	}
	r = do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID+"?$select=colour", admin, nil)
	checkGraphError(t, r, 400, codeBadRequest)
	r = do(t, c, "GET", s.URL+"/v1.0/users?$filter="+url.QueryEscape("id in ('"+AliceID+"', '"+NoraID+"', 'nope')")+"&$select=id", admin, nil)
	if v, _ := r.json["value"].([]any); r.status != 200 || len(v) != 2 {
		t.Fatalf("id in: %d %s", r.status, r.raw)
	}
	for _, q := range []string{"/v1.0/users?$orderby=displayName", "/v1.0/users/" + AliceID + "?$top=1", "/v1.0/users?$bogus=1",
		"/v1.0/users/" + AliceID + "/authentication/temporaryAccessPassMethods?$filter=id%20eq%20'x'"} {
		r = do(t, c, "GET", s.URL+q, admin, nil)
		checkGraphError(t, r, 400, codeBadRequest)
	}
	if r := do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID+"?api-version=1", admin, nil); r.status != 200 {
		t.Fatalf("a non-OData parameter is ignored: %d %s", r.status, r.raw)
	}
}
