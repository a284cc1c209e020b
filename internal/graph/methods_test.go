package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// issueAndRegister gives user a pass out of band, signs the user in with it and registers
// method at the mock: a new hire at the security-info page. It returns the pass's start.
func issueAndRegister(t testing.TB, m *graphmock.Server, user, method string) time.Time {
	t.Helper()
	st, raw := m.GraphRequest(http.MethodPost, "/users/"+user+"/authentication/temporaryAccessPassMethods", map[string]any{})
	var p struct {
		Code  string    `json:"temporaryAccessPass"`
		Start time.Time `json:"startDateTime"`
	}
	if st != http.StatusCreated || json.Unmarshal(raw, &p) != nil {
		t.Fatalf("seeding a pass: %d %s", st, raw)
	}
	if err := m.SignIn(user, p.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Register(user, method, ""); err != nil {
		t.Fatal(err)
	}
	return p.Start
}

// enableForAll enables the pass policy for everyone, out of band: passes sign their users in.
func enableForAll(t testing.TB, m *graphmock.Server) {
	t.Helper()
	body := map[string]any{"@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration", "state": "enabled"}
	if st, raw := m.GraphRequest(http.MethodPatch, "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass", body); st != http.StatusNoContent {
		t.Fatalf("enable the policy: %d %s", st, raw)
	}
}

func TestMethodsOfAndTheFinishLine(t *testing.T) {
	t.Parallel()
	m := privateMock(t)
	enableForAll(t, m)
	old, err := m.AddUser(graphmock.NewUser{UserPrincipalName: "recovering@" + graphmock.Domain,
		Methods: []graphmock.Method{{Kind: graphmock.MethodMicrosoftAuthenticator, CreatedDateTime: m.Now().Add(-48 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	m.AdvanceClock(time.Minute)
	startBob := issueAndRegister(t, m, graphmock.BobID, graphmock.MethodFido2)
	c := newClient(t, m, graphmock.ReadOnlyClientID, graphmock.ReadOnlyClientSecret)
	users := []string{graphmock.BobID, old.ID, graphmock.AliceID}
	m.ResetRequests()
	lists, errs := c.MethodsOf(ctx(t), users)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("user %s: %v", users[i], err)
		}
	}
	if wire, batched := graphRequests(m); wire != 1 || batched != 3 {
		t.Fatalf("three users' methods cost %d requests (%d batched), want one $batch", wire, batched)
	}
	strong := []string{MethodFido2, MethodMicrosoftAuthenticator, MethodWindowsHelloForBusiness}
	if got := FirstRegistered(lists[0], strong, startBob); got == nil || got.Kind != MethodFido2 || got.CreatedDateTime.Before(startBob) {
		t.Fatalf("bob registered a passkey after his pass started: %+v", lists[0])
	}
	// The Authenticator registered before a recovery pass started does not finish it.
	if len(lists[1]) != 1 || FirstRegistered(lists[1], strong, m.Now().Add(-time.Hour)) != nil {
		t.Fatalf("an old method counts: %+v", lists[1])
	}
	if FirstRegistered(lists[0], []string{MethodWindowsHelloForBusiness}, startBob) != nil || len(lists[2]) != 0 {
		t.Fatalf("strong set or alice: %+v %+v", lists[0], lists[2])
	}
	// The TAP-only permission does not read methods: the error names the one that does.
	_, errs = newClient(t, m, graphmock.LeastPrivilegedClientID, graphmock.LeastPrivilegedClientSecret).MethodsOf(ctx(t), users[:1])
	if !IsPermissionDenied(errs[0]) || !strings.Contains(errs[0].Error(), "UserAuthenticationMethod.Read.All") {
		t.Fatalf("least-privileged app: %v", errs[0])
	}
	// Signed in as an Authentication Administrator: members' methods, not an admin's.
	lists, errs = newUserClient(t, m, graphmock.AuthAdminUPN).MethodsOf(ctx(t), []string{graphmock.BobID, graphmock.PrivAuthAdminID})
	if errs[0] != nil || len(lists[0]) != 1 {
		t.Fatalf("a member's methods: %v", errs[0])
	}
	if why := DeniedForUser(errs[1]); !strings.Contains(why, RolePrivilegedAuthenticationAdministrator) {
		t.Fatalf("an admin's methods: %q (%v)", why, errs[1])
	}
}

// The methods of a 5,000-person wave, a fifth of whom registered: the report's Graph cost.
// Run it with `go test ./internal/graph -run '^$' -bench MethodsOf5000 -benchtime 3x`.
func BenchmarkMethodsOf5000(b *testing.B) {
	m := privateMock(b)
	enableForAll(b, m)
	var ids []string
	for i := range 5000 {
		u, err := m.AddUser(graphmock.NewUser{UserPrincipalName: fmt.Sprintf("hire%05d@%s", i, graphmock.Domain)})
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, u.ID)
		if i%5 == 0 {
			issueAndRegister(b, m, u.ID, graphmock.MethodFido2)
		}
	}
	c := newClient(b, m, graphmock.AdminClientID, graphmock.AdminClientSecret)
	ctx := context.Background()
	for b.Loop() {
		m.ResetRequests()
		_, errs := c.MethodsOf(ctx, ids)
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		wire, batched := graphRequests(m)
		b.ReportMetric(float64(wire), "requests/op")
		b.ReportMetric(float64(batched), "batched/op")
	}
}
