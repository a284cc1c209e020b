package graph

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 9, 1, 7, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		header string
		want   time.Duration
		ok     bool
	}{
		{"", 0, false},
		{"2", 2 * time.Second, true},
		{"0.5", 500 * time.Millisecond, true}, // kiota's handler made this 0
		{" 0 ", 0, true},
		{"-1", 0, false},
		{"NaN", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true}, // a date past: at once
	} {
		got, ok := retryAfter(tc.header, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tc.header, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBackoffDelays(t *testing.T) {
	t.Parallel()
	b := Backoff{Initial: 100 * time.Millisecond, Max: time.Second, Jitter: -1}.withDefaults()
	want := []int{100, 200, 400, 800, 1000, 1000} // milliseconds
	for n, w := range want {
		if got := b.delay(n); got != time.Duration(w)*time.Millisecond {
			t.Errorf("delay(%d) = %v, want %d ms", n, got, w)
		}
	}
	j := Backoff{Initial: time.Second, Max: time.Second, Jitter: 0.25}.withDefaults()
	for range 100 {
		if d := j.delay(3); d > time.Second || d < 750*time.Millisecond {
			t.Fatalf("jittered delay %v outside [750ms, 1s]", d)
		}
	}
	if d := (Backoff{}).withDefaults(); d != DefaultBackoff() {
		t.Errorf("zero Backoff = %+v, want the defaults %+v", d, DefaultBackoff())
	}
}

// A pass's age is judged by Graph's clock (the 404's Date header) whatever this machine's
// clock says; by this machine's only when Graph sends no Date.
func TestPassYoungAt(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC) // hours away from this machine's clock
	graphAt := func(d time.Duration) error { return &Error{Kind: KindNotFound, Date: created.Add(d)} }
	for _, tc := range []struct {
		name    string
		err     error
		created time.Time
		want    bool
	}{
		{"30 s old by Graph's clock", graphAt(30 * time.Second), created, true},
		{"just created, same second", graphAt(0), created, true},
		{"5 min old by Graph's clock", graphAt(5 * time.Minute), created, false},
		{"before its creation by Graph's clock", graphAt(-time.Hour), created, false},
		{"no Date: 30 s old by this clock", &Error{Kind: KindNotFound}, time.Now().Add(-30 * time.Second), true},
		{"no Date: 5 min old by this clock", &Error{Kind: KindNotFound}, time.Now().Add(-5 * time.Minute), false},
		{"age unknown", graphAt(0), time.Time{}, false},
	} {
		if got := passYoungAt(tc.err, tc.created); got != tc.want {
			t.Errorf("%s: young = %v, want %v", tc.name, got, tc.want)
		}
	}
}
