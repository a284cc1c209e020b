package graph

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

func isPolicy(r *http.Request, method string) bool {
	return r.Method == method && strings.HasSuffix(r.URL.Path, "/authenticationMethodConfigurations/TemporaryAccessPass")
}

// A GET that overlaps a PATCH may read the old policy; it must not leave it
// in the cache once the PATCH is done.
func TestPolicyCacheNeverKeepsThePolicyAWriteReplaced(t *testing.T) {
	t.Parallel()
	on := true
	t.Run("GET while the PATCH is held before Graph applies it", func(t *testing.T) {
		t.Parallel()
		patchArrived, releasePatch := make(chan struct{}), make(chan struct{})
		url := behind(t, privateMock(t), func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if isPolicy(r, http.MethodPatch) {
					close(patchArrived)
					<-releasePatch
				}
				next.ServeHTTP(w, r)
			})
		})
		c := newClientAt(t, url, graphmock.AdminClientID, graphmock.AdminClientSecret, nil)
		patched := make(chan error, 1)
		go func() { patched <- c.UpdatePolicy(context.Background(), PolicyUpdate{Enabled: &on}) }()
		select {
		case <-patchArrived:
		case err := <-patched:
			t.Fatalf("the PATCH ended before it reached Graph: %v", err)
		}
		p, err := c.GetPolicyCached(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if p.Enabled {
			t.Fatal("the GET during the held PATCH read the new policy: the test did not overlap them")
		}
		close(releasePatch)
		if err := <-patched; err != nil {
			t.Fatal(err)
		}
		if p, err := c.GetPolicyCached(ctx(t)); err != nil || !p.Enabled {
			t.Fatalf("after the PATCH, GetPolicyCached = %+v, %v: the old policy was kept", p, err)
		}
	})
	t.Run("GET answered before the PATCH, delivered after it", func(t *testing.T) {
		t.Parallel()
		var gets atomic.Int32
		getAnswered, releaseGet := make(chan struct{}), make(chan struct{})
		url := behind(t, privateMock(t), func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !isPolicy(r, http.MethodGet) || gets.Add(1) != 1 {
					next.ServeHTTP(w, r)
					return
				}
				// The first GET: Graph answers now, the client hears it later.
				rec := httptest.NewRecorder()
				next.ServeHTTP(rec, r)
				close(getAnswered)
				<-releaseGet
				for k, v := range rec.Header() {
					w.Header()[k] = v
				}
				w.WriteHeader(rec.Code)
				_, _ = w.Write(rec.Body.Bytes())
			})
		})
		c := newClientAt(t, url, graphmock.AdminClientID, graphmock.AdminClientSecret, nil)
		type result struct {
			p   *Policy
			err error
		}
		read := make(chan result, 1)
		go func() { p, err := c.GetPolicyCached(context.Background()); read <- result{p, err} }()
		select {
		case <-getAnswered:
		case r := <-read:
			t.Fatalf("the GET ended before it reached Graph: %v", r.err)
		}
		if err := c.UpdatePolicy(ctx(t), PolicyUpdate{Enabled: &on}); err != nil {
			t.Fatal(err)
		}
		close(releaseGet)
		if r := <-read; r.err != nil || r.p.Enabled {
			t.Fatalf("the held GET = %+v, %v, want the old (disabled) policy: the test did not overlap them", r.p, r.err)
		}
		if p, err := c.GetPolicyCached(ctx(t)); err != nil || !p.Enabled {
			t.Fatalf("after the PATCH, GetPolicyCached = %+v, %v: the old policy was kept", p, err)
		}
		if n := gets.Load(); n != 2 {
			t.Fatalf("%d GETs, want 2 (the held one and a fresh one after the write)", n)
		}
	})
}

// Concurrent first reads share one GET.
func TestPolicyCacheConcurrentMissesShareOneRead(t *testing.T) {
	t.Parallel()
	const n = 10
	var gets atomic.Int32
	release := make(chan struct{})
	url := behind(t, privateMock(t), func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isPolicy(r, http.MethodGet) {
				gets.Add(1)
				<-release // until every reader waits on the read in flight
			}
			next.ServeHTTP(w, r)
		})
	})
	c := newClientAt(t, url, graphmock.AdminClientID, graphmock.AdminClientSecret, nil)
	joined := make(chan struct{}, n)
	c.cache.joined = func() { joined <- struct{}{} }
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := c.GetPolicyCached(ctx(t))
			if err == nil && (p.Enabled || p.DefaultLength != 8) {
				t.Errorf("read %+v, want the default policy", p)
			}
			errs <- err
		}()
	}
	for range n {
		<-joined
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.GetPolicyCached(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if g := gets.Load(); g != 1 {
		t.Fatalf("%d concurrent first reads and one more made %d GETs, want 1", n, g)
	}
}
