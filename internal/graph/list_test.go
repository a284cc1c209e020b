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

// Listing every pass of a tenant of 5,000 users holding 500 passes:
// go test ./internal/graph -run '^$' -bench ScanPasses5000 -benchtime 3x
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
