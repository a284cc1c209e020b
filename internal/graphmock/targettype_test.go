package graphmock

import (
	"net/http"
	"strings"
	"testing"
)

// A policy target without targetType is refused: the property is non-nullable in the v1.0
// schema, so Graph gives it no default.
func TestPolicyTargetNeedsTargetType(t *testing.T) {
	t.Parallel()
	m, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []map[string]any{{"id": "all_users"}, {"id": "all_users", "targetType": ""}} {
		st, body := m.GraphRequest(http.MethodPatch, "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass",
			map[string]any{"@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration", "includeTargets": []any{target}})
		if st != http.StatusBadRequest || !strings.Contains(string(body), "targetType") {
			t.Errorf("target %v: %d %s, want 400 naming targetType", target, st, body)
		}
	}
	st, body := m.GraphRequest(http.MethodPatch, "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass",
		map[string]any{"@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration",
			"includeTargets": []any{map[string]any{"id": "all_users", "targetType": "group"}}})
	if st != http.StatusNoContent {
		t.Fatalf("a typed target: %d %s", st, body)
	}
}
