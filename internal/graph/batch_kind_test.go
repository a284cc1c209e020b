package graph

import (
	"net/http"
	"testing"
)

// A request inside a $batch is typed as the same answer to a direct call is: the policy-scope
// refusal too, so a wave waits out replication as a single pass does.
func TestBatchAnswerKinds(t *testing.T) {
	t.Parallel()
	refusal := []byte(`{"error":{"code":"badRequest","message":"Converged UserCredentialPolicy does not allow creating or updating this authentication method. AuthMethodType [TemporaryAccessPass]"}}`)
	for _, tc := range []struct {
		status int
		body   []byte
		want   Kind
	}{
		{http.StatusBadRequest, refusal, KindPolicyRefused},
		{http.StatusBadRequest, []byte(`{"error":{"code":"badRequest","message":"Invalid LifetimeInMinutes specified."}}`), KindBadRequest},
		{http.StatusNotFound, nil, KindNotFound},
		{http.StatusForbidden, nil, KindPermissionDenied},
		{http.StatusTooManyRequests, nil, KindThrottled},
		{http.StatusBadGateway, nil, KindServer},
	} {
		err := answerError("create a Temporary Access Pass", "UserAuthMethod-TAP.ReadWrite.All", batchAnswer{status: tc.status, body: tc.body})
		if got := kindOf(err); got != tc.want {
			t.Errorf("HTTP %d %s: kind %v, want %v", tc.status, tc.body, got, tc.want)
		}
	}
}
