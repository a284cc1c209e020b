package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

func TestPassExistingPassDetail(t *testing.T) {
	t.Parallel()
	u := &graph.User{ID: "a11ce000-0000-4000-8000-000000000001", UserPrincipalName: "alice@contoso.example"}
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := &graph.Pass{ID: "pass-1", CreatedDateTime: created, StartDateTime: created, LifetimeInMinutes: 60, MethodUsabilityReason: graph.ReasonEnabledByPolicy}
	res := existingPassDetail(u, p, passOwnerResource, false)
	for _, want := range []string{"pass-1", "created 2026-01-02T03:04:05Z", "until 2026-01-02T04:04:05Z", "replace_existing = true", "create_before_destroy"} {
		if !strings.Contains(res, want) {
			t.Errorf("resource message lacks %q:\n%s", want, res)
		}
	}
	if eph := existingPassDetail(u, p, passOwnerEphemeral, false); !strings.Contains(eph, "this run's own plan issued") || strings.Contains(eph, "create_before_destroy") {
		t.Errorf("ephemeral message:\n%s", eph)
	}
}
