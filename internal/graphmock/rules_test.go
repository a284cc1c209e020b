package graphmock

import (
	"testing"
	"time"
)

// A start before now is refused as Graph refuses it (microsoftgraph/msgraph-sdk-dotnet#2724),
// not created already expired; a start this second or later is fine.
func TestRules_StartInThePastRefused(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	s.SetSettings(Settings{PolicyScope: PolicyScopeAllow})
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
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
