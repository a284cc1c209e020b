package graph

import (
	"strings"
	"testing"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// A 403 names the least-privileged permission first: what a security team will grant.
func TestPermissionDeniedNamesTheLeastPrivilegedPermissionFirst(t *testing.T) {
	t.Parallel()
	m := privateMock(t)
	ro := newClient(t, m, graphmock.ReadOnlyClientID, graphmock.ReadOnlyClientSecret)
	_, err := ro.CreatePass(ctx(t), graphmock.BobUPN, NewPass{})
	if !IsPermissionDenied(err) || !strings.Contains(err.Error(), "needs the Microsoft Graph permission UserAuthMethod-TAP.ReadWrite.All (or UserAuthenticationMethod.ReadWrite.All)") {
		t.Fatalf("create as the read-only app: %v", err)
	}
	lp := newClient(t, m, graphmock.LeastPrivilegedClientID, graphmock.LeastPrivilegedClientSecret)
	_, err = lp.MemberGroups(ctx(t), graphmock.NoraID, []string{graphmock.OnboardingGroupID})
	if !IsPermissionDenied(err) || !strings.Contains(err.Error(), "User.Read.All together with GroupMember.Read.All") {
		t.Fatalf("checkMemberGroups as the least-privileged app: %v", err)
	}
	// What the least-privileged app can do: users (with the guest fields), passes, the policy.
	u, err := lp.GetUser(ctx(t), graphmock.GuestUPN)
	if err != nil || !u.ExternalGuest() {
		t.Fatalf("external guest: %+v %v", u, err)
	}
	if u, err := lp.GetUser(ctx(t), graphmock.InternalGuestUPN); err != nil || u.ExternalGuest() || u.UserType != "Guest" {
		t.Fatalf("internal guest: %+v %v", u, err)
	}
	p, err := lp.CreatePass(ctx(t), graphmock.NoraID, NewPass{})
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.DeletePass(ctx(t), graphmock.NoraID, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := lp.GetPolicy(ctx(t)); err != nil {
		t.Fatal(err)
	}
}
