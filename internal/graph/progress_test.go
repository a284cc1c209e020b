package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// progressLines are the messages of a tflogtest log, with their levels.
func progressLines(t *testing.T, buf *bytes.Buffer) []string {
	t.Helper()
	entries, err := tflogtest.MultilineJSONDecode(buf)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e["@level"].(string)+" "+e["@message"].(string))
	}
	return out
}

// Progress lines come at most one per interval, at INFO; a wait as long as the interval is
// always said, with its reason. The clock is the test's: nothing waits.
func TestProgressThrottled(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	c := &Client{cfg: Config{ProgressEvery: 5 * time.Second}}
	ctx, p := c.StartProgress(tflogtest.RootLogger(context.Background(), &buf), "issued", "POST", 3000)
	p.now = func() time.Time { return now }
	p.start = now
	tick := func(d time.Duration) { now = now.Add(d) }

	for range 100 { // 100 creates in 1 s: no line yet
		progressOf(ctx).settled("POST", 201)
		tick(10 * time.Millisecond)
	}
	progressOf(ctx).settled("GET", 200) // a read, not counted
	progressOf(ctx).settled("POST", 429)
	tick(4 * time.Second)
	progressOf(ctx).settled("POST", 201)                                       // 5 s since the start: a line
	progressOf(ctx).settled("POST", 201)                                       // at once: none
	noteWait(ctx, 200*time.Millisecond, "Graph's throttling")                  // short: none
	noteWait(ctx, 40*time.Second, quotaReason("Application/Write/app/tenant")) // long: said
	tick(41 * time.Second)
	p.Finish()

	got := progressLines(t, &buf)
	want := []string{
		"info issued 101/3,000 Temporary Access Passes",
		"info issued 102/3,000 Temporary Access Passes; waiting 40 s for Graph's write quota",
		"info issued 102/3,000 Temporary Access Passes in 46 s",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	raw, _ := json.Marshal(got)
	if bytes.Contains(raw, []byte("debug")) {
		t.Errorf("a progress line below INFO: %s", raw)
	}
}

func TestRoundWait(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		200 * time.Millisecond: "0.2 s", 40 * time.Second: "40 s", 150 * time.Second: "2 min 30 s", 2 * time.Minute: "2 min",
	} {
		if got := roundWait(d); got != want {
			t.Errorf("roundWait(%v) = %q, want %q", d, got, want)
		}
	}
	if got := Thousands(1234567); got != "1,234,567" {
		t.Errorf("thousands = %q", got)
	}
}
