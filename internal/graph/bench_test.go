package graph

import (
	"context"
	"testing"
	"time"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// The client's cost per Graph call, against the in-process mock over
// loopback TLS (HTTP/2): what make bench's provider CPU is made of.
// go test ./internal/graph -run '^$' -bench . -benchmem

func BenchmarkGetPass(b *testing.B) {
	c := newClient(b, privateMock(b), graphmock.AdminClientID, graphmock.AdminClientSecret)
	ctx := context.Background()
	p, err := c.CreatePass(ctx, graphmock.CarolUPN, NewPass{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.GetPass(ctx, graphmock.CarolUPN, p.ID, time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCreatePass(b *testing.B) {
	c := newClient(b, privateMock(b), graphmock.AdminClientID, graphmock.AdminClientSecret)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.CreatePass(ctx, graphmock.BobUPN, NewPass{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetUserUncached(b *testing.B) {
	c := newClient(b, privateMock(b), graphmock.AdminClientID, graphmock.AdminClientSecret)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		c.cache.mu.Lock()
		c.cache.users = nil
		c.cache.mu.Unlock()
		if _, err := c.GetUser(ctx, graphmock.AliceUPN); err != nil {
			b.Fatal(err)
		}
	}
}
