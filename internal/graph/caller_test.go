package graph

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// userTokenCredential hands out a delegated token of a user of m, as the Azure CLI would.
type userTokenCredential struct {
	m      *graphmock.Server
	user   string
	scopes []string
}

func (u userTokenCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	tok, exp, err := u.m.MintUserToken(u.user, u.scopes...)
	return azcore.AccessToken{Token: tok, ExpiresOn: exp}, err
}

func newUserClient(t *testing.T, m *graphmock.Server, user string, scopes ...string) *Client {
	t.Helper()
	c, err := New(Config{GraphEndpoint: m.URL, AuthorityHost: m.URL, Backoff: testBackoff, ReplicationGrace: 200 * time.Millisecond,
		Credential: &Credential{TokenCredential: userTokenCredential{m, user, scopes}, Method: MethodCLI, TenantID: graphmock.TenantID}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCaller(t *testing.T) {
	t.Parallel()
	m := privateMock(t)
	ctx := context.Background()
	app, err := newClient(t, m, graphmock.AdminClientID, graphmock.AdminClientSecret).Caller(ctx)
	if err != nil || app.IsUser() || app.Kind != CallerApplication || app.ClientID != graphmock.AdminClientID || !app.HasPermission("UserAuthenticationMethod.ReadWrite.All") {
		t.Fatalf("application caller: %+v %v", app, err)
	}
	u, err := newUserClient(t, m, graphmock.AuthAdminUPN).Caller(ctx)
	if err != nil || !u.IsUser() || u.ObjectID != graphmock.AuthAdminID || u.UserPrincipalName != graphmock.AuthAdminUPN ||
		strings.Join(u.Roles, ",") != RoleAuthenticationAdministrator || !u.IsSelf(graphmock.AuthAdminUPN) || u.IsSelf(graphmock.BobID) {
		t.Fatalf("user caller: %+v %v", u, err)
	}
	if !u.CanWritePass(nil) || u.CanWritePass([]string{RoleGlobalReader}) || !u.CanWritePass([]string{RoleDirectoryReaders}) {
		t.Fatal("an Authentication Administrator covers users without admin roles only")
	}
	if _, err := CallerFromToken("not.a-jwt"); err == nil {
		t.Fatal("a token that is no JWT must be an error")
	}
}

func TestUserRoles(t *testing.T) {
	t.Parallel()
	m := privateMock(t)
	c := newUserClient(t, m, graphmock.BobUPN)
	roles, err := c.UserRoles(context.Background(), graphmock.PrivAuthAdminID)
	if err != nil || strings.Join(roles, ",") != RolePrivilegedAuthenticationAdministrator {
		t.Fatalf("roles: %v %v", roles, err)
	}
	if roles, err := c.UserRoles(context.Background(), graphmock.AliceID); err != nil || len(roles) != 0 {
		t.Fatalf("a member's roles: %v %v", roles, err)
	}
	_, err = newUserClient(t, m, graphmock.BobUPN, "User.Read").UserRoles(context.Background(), graphmock.AliceID)
	if !IsPermissionDenied(err) || !strings.Contains(err.Error(), "RoleManagement.Read.Directory") {
		t.Fatalf("without the scope: %v", err)
	}
}

// A 403 in delegated mode names who is signed in and the role this target needs.
func TestDelegatedDenialNamesTheRole(t *testing.T) {
	t.Parallel()
	m := privateMock(t)
	ctx := context.Background()
	admin := newUserClient(t, m, graphmock.AuthAdminUPN)
	for name, tc := range map[string]struct {
		err  error
		want []string
	}{
		"admin target": {func() error { _, err := admin.CreatePass(ctx, graphmock.PrivAuthAdminID, NewPass{}); return err }(),
			[]string{"signed in as user " + graphmock.AuthAdminUPN, "Authentication Administrator", "holds Privileged Authentication Administrator", "needs the Microsoft Entra role Privileged Authentication Administrator"}},
		"themselves": {func() error { _, err := admin.CreatePass(ctx, graphmock.AuthAdminID, NewPass{}); return err }(),
			[]string{"signed in as user " + graphmock.AuthAdminUPN, "their own Temporary Access Pass"}},
		"policy": {admin.UpdatePolicy(ctx, PolicyUpdate{DefaultLength: func() *int32 { v := int32(12); return &v }()}),
			[]string{"changing the Temporary Access Pass policy needs the Microsoft Entra role Authentication Policy Administrator"}},
		"reader writes": {func() error {
			_, err := newUserClient(t, m, graphmock.GlobalReaderUPN).CreatePass(ctx, graphmock.BobID, NewPass{})
			return err
		}(), []string{"directory roles: Global Reader", "needs the Microsoft Entra role Authentication Administrator"}},
		"member": {func() error {
			_, err := newUserClient(t, m, graphmock.BobUPN).CreatePass(ctx, graphmock.AliceID, NewPass{})
			return err
		}(),
			[]string{"with no directory role", "Authentication Administrator"}},
		"scope": {func() error {
			_, err := newUserClient(t, m, graphmock.PrivAuthAdminUPN, "User.Read").CreatePass(ctx, graphmock.BobID, NewPass{})
			return err
		}(), []string{"lacks the delegated permission UserAuthenticationMethod.ReadWrite.All"}},
	} {
		if !IsPermissionDenied(tc.err) {
			t.Fatalf("%s: want permission denied, got %v", name, tc.err)
		}
		for _, w := range tc.want {
			if !strings.Contains(tc.err.Error(), w) {
				t.Errorf("%s: %q lacks %q", name, tc.err, w)
			}
		}
	}
	if len(m.Snapshot().Passes) != 0 {
		t.Fatal("a refused create left a pass")
	}
	if _, err := admin.CreatePass(ctx, graphmock.BobID, NewPass{}); err != nil {
		t.Fatalf("the Authentication Administrator's pass for a member: %v", err)
	}
}
