package provider

import (
	"strings"
	"testing"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

func TestPassUserTargeted(t *testing.T) {
	t.Parallel()
	const user = "a11ce000-0000-4000-8000-000000000001"
	for _, tc := range []struct {
		name     string
		inc, exc []graph.Target
		want     bool
	}{
		{"all users", []graph.Target{{ID: graph.AllUsers, TargetType: "group"}}, nil, true},
		{"the user", []graph.Target{{ID: strings.ToUpper(user), TargetType: "user"}}, nil, true},
		{"another user", []graph.Target{{ID: "b0b00000-0000-4000-8000-000000000002", TargetType: "user"}}, nil, false},
		{"excluded", []graph.Target{{ID: graph.AllUsers, TargetType: "group"}}, []graph.Target{{ID: user, TargetType: "user"}}, false},
		{"nobody", nil, nil, false},
	} {
		// No group targets but all_users: Graph is not asked, so no client is needed.
		got, err := userTargeted(t.Context(), nil, &graph.Policy{IncludeTargets: tc.inc, ExcludeTargets: tc.exc}, user)
		if err != nil || got != tc.want {
			t.Errorf("%s: userTargeted = %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
}
