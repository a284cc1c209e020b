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
