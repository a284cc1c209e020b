package graph

import (
	"testing"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// A Continuous Access Evaluation claims challenge (401, error="insufficient_claims") is answered:
// the SDK asks azidentity for a new token with the claims and sends the request again.
func TestClaimsChallengeIsAnswered(t *testing.T) {
	t.Parallel()
	m := privateMock(t)
	c := newClient(t, m, graphmock.AdminClientID, graphmock.AdminClientSecret)
	if _, err := c.GetPolicy(ctx(t)); err != nil { // a token in the cache, to be revoked
		t.Fatal(err)
	}
	m.ResetRequests()
	m.SetFaults(graphmock.Faults{ClaimsChallenges: 1})
	p, err := c.CreatePass(ctx(t), graphmock.CarolUPN, NewPass{})
	if err != nil {
		t.Fatalf("create after a claims challenge: %v", err)
	}
	if _, err := c.GetPass(ctx(t), graphmock.CarolUPN, p.ID, p.CreatedDateTime); err != nil {
		t.Fatalf("read with the new token: %v", err)
	}
	var challenged, tokens int
	for _, r := range m.Requests() {
		switch {
		case r.Fault == "claimsChallenge":
			challenged++
		case r.Method == "POST" && len(r.Path) > 6 && r.Path[len(r.Path)-6:] == "/token" && challenged > 0:
			tokens++
		}
	}
	if challenged != 1 || tokens != 1 {
		t.Fatalf("want one challenge answered by one token request, got %d challenges, %d token requests: %+v", challenged, tokens, m.Requests())
	}
}
