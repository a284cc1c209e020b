package graph

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// seedTenant grows m's tenant to users users, every passEvery-th of the added ones holding a
// pass (created out of band, as the portal would), and returns the ids of those holding one.
func seedTenant(t testing.TB, m *graphmock.Server, users, passEvery int) []string {
	t.Helper()
	var holders []string
	for i := range users - len(m.Snapshot().Users) {
		u, err := m.AddUser(graphmock.NewUser{UserPrincipalName: fmt.Sprintf("scan%05d@%s", i, graphmock.Domain)})
		if err != nil {
			t.Fatal(err)
		}
		if i%passEvery == 0 {
			if st, body := m.GraphRequest(http.MethodPost, "/users/"+u.ID+"/authentication/temporaryAccessPassMethods", map[string]any{}); st != http.StatusCreated {
				t.Fatalf("seeding a pass: %d %s", st, body)
			}
			holders = append(holders, u.ID)
		}
	}
	return holders
}

// graphRequests counts what the mock served since its last ResetRequests: HTTP requests to
// Graph (a $batch counts once) and the requests batched inside them.
func graphRequests(m *graphmock.Server) (wire, batched int) {
	for _, r := range m.Requests() {
		switch {
		case !strings.HasPrefix(r.Path, "/v1.0/"):
		case r.Batched:
			batched++
		default:
			wire++
		}
	}
	return wire, batched
}

// Listing every pass of a tenant of 5,000 users holding 500 passes. Run it with
// `go test ./internal/graph -run '^$' -bench ScanPasses5000 -benchtime 5x`.
func BenchmarkScanPasses5000(b *testing.B) {
	m := privateMock(b)
	holders := seedTenant(b, m, 5000, 10)
	c := newClientAt(b, m.URL, graphmock.AdminClientID, graphmock.AdminClientSecret, nil)
	ctx := context.Background()
	for b.Loop() {
		m.ResetRequests()
		passes, users := 0, 0
		err := c.ScanPasses(ctx, UserSelection{}, func(up UserPasses) bool {
			if up.Err != nil {
				b.Fatalf("user %s: %v", up.User.ID, up.Err)
			}
			users++
			passes += len(up.Passes)
			return true
		})
		if err != nil || users != 5000 || passes != len(holders) {
			b.Fatalf("listed %d users, %d passes (want 5000, %d): %v", users, passes, len(holders), err)
		}
		wire, batched := graphRequests(m)
		b.ReportMetric(float64(wire), "requests/op")
		b.ReportMetric(float64(batched), "batched/op")
	}
}

// A listing lists each page of users' passes through $batch: N users cost one page and
// N/20 batches, not a request per user.
func TestScanPassesBatchesEachPage(t *testing.T) {
	t.Parallel()
	m := privateMock(t)
	holders := seedTenant(t, m, 100, 2)
	c := newClientAt(t, m.URL, graphmock.AdminClientID, graphmock.AdminClientSecret, nil)
	m.ResetRequests()
	users, passes := 0, 0
	err := c.ScanPasses(ctx(t), UserSelection{}, func(up UserPasses) bool {
		if up.Err != nil {
			t.Errorf("user %s: %v", up.User.ID, up.Err)
		}
		users++
		passes += len(up.Passes)
		return true
	})
	if err != nil || users != 100 || passes != len(holders) {
		t.Fatalf("listed %d users, %d passes (want 100, %d): %v", users, passes, len(holders), err)
	}
	wire, batched := graphRequests(m)
	if wire != 1+100/MaxBatch || batched != 100 {
		t.Fatalf("%d HTTP requests carrying %d batched ones, want 1 page + %d batches carrying 100", wire, batched, 100/MaxBatch)
	}
}

// A 403 inside a batch gets the explanation a direct call's gets: who is signed in and the
// role the target needs; DeniedForUser tells a target out of reach from a caller out of reach.
func TestBatchedDenialNamesTheRole(t *testing.T) {
	t.Parallel()
	m := privateMock(t)
	for _, u := range []string{graphmock.BobID, graphmock.GlobalAdminID, graphmock.AuthAdminID} {
		if st, body := m.GraphRequest(http.MethodPost, "/users/"+u+"/authentication/temporaryAccessPassMethods", map[string]any{}); st != http.StatusCreated {
			t.Fatalf("seeding a pass: %d %s", st, body)
		}
	}
	admin := newUserClient(t, m, graphmock.AuthAdminUPN)
	users := []string{graphmock.BobID, graphmock.GlobalAdminID, graphmock.AuthAdminID}
	lists, errs := admin.ListPassesOf(ctx(t), users)
	if errs[0] != nil || len(lists[0]) != 1 || errs[2] != nil || len(lists[2]) != 1 {
		t.Fatalf("a member's and one's own passes are listed: %v %v", lists, errs)
	}
	why := DeniedForUser(errs[1])
	for _, w := range []string{"holds " + RoleGlobalAdministrator, "reading their Temporary Access Pass needs the Microsoft Entra role Global Reader or Privileged Authentication Administrator"} {
		if !strings.Contains(why, w) {
			t.Errorf("the Global Administrator's denial %q lacks %q (error: %v)", why, w, errs[1])
		}
	}
	if !strings.Contains(errs[1].Error(), "signed in as user "+graphmock.AuthAdminUPN) {
		t.Errorf("the error does not say who is signed in: %v", errs[1])
	}
	// Listed to be deleted: the role that deletes.
	_, errs = admin.listPassesOf(ctx(t), users[1:2], true)
	if why := DeniedForUser(errs[0]); !strings.HasSuffix(why, "needs the Microsoft Entra role "+RolePrivilegedAuthenticationAdministrator) {
		t.Errorf("listed to delete: %q", why)
	}

	gaPass := ""
	for _, p := range m.Snapshot().Passes {
		if p.UserID == graphmock.GlobalAdminID {
			gaPass = p.ID
		}
	}
	refs := []PassRef{{UserID: graphmock.AuthAdminID, PassID: lists[2][0].ID}, {UserID: graphmock.GlobalAdminID, PassID: gaPass}, {UserID: graphmock.BobID, PassID: lists[0][0].ID}}
	errs = admin.DeletePasses(ctx(t), refs)
	if errs[0] != nil { // one's own pass: temporaryaccesspassauthenticationmethod-delete.md
		t.Errorf("deleting one's own pass: %v", errs[0])
	}
	if why := DeniedForUser(errs[1]); why != "holds Global Administrator; creating or deleting their Temporary Access Pass needs the Microsoft Entra role "+RolePrivilegedAuthenticationAdministrator {
		t.Errorf("deleting the Global Administrator's pass: %q (%v)", why, errs[1])
	}
	if errs[2] != nil {
		t.Errorf("deleting a member's pass: %v", errs[2])
	}

	// A caller no role of which reaches any pass: not a per-user denial, and no target's roles read.
	m.ResetRequests()
	_, errs = newUserClient(t, m, graphmock.BobUPN).ListPassesOf(ctx(t), []string{graphmock.AliceID, graphmock.GlobalAdminID})
	for i, err := range errs {
		if !IsPermissionDenied(err) || DeniedForUser(err) != "" || !strings.Contains(err.Error(), "with no directory role") {
			t.Errorf("a member without a role, user %d: %v (for the user: %q)", i, err, DeniedForUser(err))
		}
	}
	for _, r := range m.Requests() {
		if strings.Contains(r.Path, "roleAssignments") {
			t.Fatalf("a target's roles were read for a caller without a role: %s", r.URI)
		}
	}
}
