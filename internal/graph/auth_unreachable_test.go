package graph

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// An authority nobody listens on must be reported as unreachable, naming its
// host, not as a refused credential (the mock's Graph stays reachable).
func TestUnreachableAuthorityIsNamed(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "https://" + l.Addr().String()
	_ = l.Close() // nothing listens there any more: connections are refused
	cred, err := NewCredential(AuthConfig{TenantID: graphmock.TenantID, ClientID: graphmock.AdminClientID,
		ClientSecret: graphmock.AdminClientSecret, AuthorityHost: dead,
		// azidentity's three retries, each a millisecond apart instead of 0.8, 1.6 and 3.2 s.
		Retry: policy.RetryOptions{RetryDelay: time.Millisecond, MaxRetryDelay: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{GraphEndpoint: privateMock(t).URL, AuthorityHost: dead, Credential: cred, UserAgent: "terraform-provider-entratap/test"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetPolicy(ctx(t))
	if err == nil {
		t.Fatal("GetPolicy succeeded without an authority")
	}
	msg := err.Error()
	t.Log(msg)
	if !strings.Contains(msg, "could not reach") || !strings.Contains(msg, l.Addr().String()) {
		t.Errorf("error does not say the authority %s is unreachable: %s", l.Addr(), msg)
	}
	if strings.Contains(msg, "refused the client secret") || strings.Contains(msg, graphmock.AdminClientSecret) {
		t.Errorf("error blames or leaks the secret: %s", msg)
	}
	if kindOf(err) != KindUnauthorized && kindOf(err) != KindTransport {
		t.Errorf("kind = %v", kindOf(err))
	}
}
