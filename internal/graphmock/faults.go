package graphmock

// Fault injection for /v1.0/ requests (never login or /_mock/). Randomness comes from
// a generator seeded with Options.FaultSeed, so runs are repeatable.

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Faults is the fault setting, as JSON at /_mock/faults. The zero value is "no faults".
type Faults struct {
	// Rate is the share (0–1) of Graph requests answered with one of Statuses.
	Rate float64 `json:"rate"`
	// Statuses to answer with, among 429, 500, 503, 504; empty with Rate > 0 means [429, 503].
	Statuses []int `json:"statuses"`
	// RetryAfterSeconds is the Retry-After those answers carry; nil: none.
	RetryAfterSeconds *float64 `json:"retryAfterSeconds"`
	// LatencyMs is added to every Graph request.
	LatencyMs int `json:"latencyMs"`
	// ReplicationLagReads is how many reads of a just-created object (a pass, or a user added
	// through /_mock/users) answer 404 before it is seen; creating a pass for such a user counts as a read.
	ReplicationLagReads int `json:"replicationLagReads"`
	// DropAfterCommitRate is the share (0–1) of successful writes whose response is dropped
	// after the change was committed: the connection is closed with no answer.
	DropAfterCommitRate float64 `json:"dropAfterCommitRate"`
	// ClaimsChallenges is how many of the next Graph requests answer a Continuous Access
	// Evaluation claims challenge (401, WWW-Authenticate error="insufficient_claims") and revoke
	// their token: the token keeps answering the challenge; a new one is accepted.
	ClaimsChallenges int `json:"claimsChallenges"`
	// HoldAfterCommitMs holds the answer of every successful write for this
	// long after the change was committed: a client killed meanwhile (kill -9
	// mid-apply) never learns of a change the tenant holds.
	HoldAfterCommitMs int `json:"holdAfterCommitMs"`
}

var faultStatuses = map[int]bool{
	http.StatusTooManyRequests: true, http.StatusInternalServerError: true,
	http.StatusServiceUnavailable: true, http.StatusGatewayTimeout: true,
}

// Validate reports what is wrong with a setting, or nil.
func (f Faults) Validate() error {
	if msg := f.validate(); msg != "" {
		return errors.New(msg)
	}
	return nil
}

// validate returns "" or what is wrong.
func (f Faults) validate() string {
	switch {
	case f.Rate < 0 || f.Rate > 1:
		return "rate must be between 0 and 1"
	case f.DropAfterCommitRate < 0 || f.DropAfterCommitRate > 1:
		return "dropAfterCommitRate must be between 0 and 1"
	case f.RetryAfterSeconds != nil && (*f.RetryAfterSeconds < 0 || *f.RetryAfterSeconds > 3600):
		return "retryAfterSeconds must be between 0 and 3600, or null"
	case f.LatencyMs < 0 || f.LatencyMs > 60000:
		return "latencyMs must be between 0 and 60000"
	case f.ReplicationLagReads < 0 || f.ReplicationLagReads > 1000:
		return "replicationLagReads must be between 0 and 1000"
	case f.ClaimsChallenges < 0 || f.ClaimsChallenges > 1000:
		return "claimsChallenges must be between 0 and 1000"
	case f.HoldAfterCommitMs < 0 || f.HoldAfterCommitMs > 600000:
		return "holdAfterCommitMs must be between 0 and 600000"
	}
	for _, s := range f.Statuses {
		if !faultStatuses[s] {
			return fmt.Sprintf("status %d cannot be injected: use 429, 500, 503 or 504", s)
		}
	}
	return ""
}

func (f Faults) clone() Faults {
	f.Statuses = append([]int{}, f.Statuses...)
	if f.RetryAfterSeconds != nil {
		v := *f.RetryAfterSeconds
		f.RetryAfterSeconds = &v
	}
	return f
}

// faultInjector holds the setting and the seeded generator.
type faultInjector struct {
	mu  sync.Mutex
	set Faults
	rnd *rand.Rand
}

func newFaultInjector(seed int64) *faultInjector {
	return &faultInjector{rnd: rand.New(rand.NewPCG(uint64(seed), 0x67726170686d6f63)), set: Faults{Statuses: []int{}}}
}

func (fi *faultInjector) get() Faults {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.set.clone()
}

func (fi *faultInjector) replace(f Faults) {
	f = f.clone()
	if f.Rate > 0 && len(f.Statuses) == 0 {
		f.Statuses = []int{http.StatusTooManyRequests, http.StatusServiceUnavailable}
	}
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.set = f
}

// chance draws once and reports whether it fell under rate.
func (fi *faultInjector) chance(rate float64) bool {
	if rate <= 0 {
		return false
	}
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.rnd.Float64() < rate
}

// latency is the delay to add to a Graph request.
func (fi *faultInjector) latency() time.Duration {
	return time.Duration(fi.get().LatencyMs) * time.Millisecond
}

// injected returns the error to answer instead of handling the request, or nil.
func (fi *faultInjector) injected() *graphError {
	f := fi.get()
	if !fi.chance(f.Rate) || len(f.Statuses) == 0 {
		return nil
	}
	fi.mu.Lock()
	status := f.Statuses[fi.rnd.IntN(len(f.Statuses))]
	fi.mu.Unlock()
	e := faultError(status)
	if f.RetryAfterSeconds != nil {
		e.header = http.Header{"Retry-After": {strconv.FormatFloat(*f.RetryAfterSeconds, 'f', -1, 64)}}
	}
	return e
}

// claimsChallenge consumes one pending claims challenge and reports whether there was one.
func (fi *faultInjector) claimsChallenge() bool {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	if fi.set.ClaimsChallenges <= 0 {
		return false
	}
	fi.set.ClaimsChallenges--
	return true
}

// dropAfterCommit reports whether to drop the response of a committed write.
func (fi *faultInjector) holdAfterCommit() time.Duration {
	return time.Duration(fi.get().HoldAfterCommitMs) * time.Millisecond
}

func (fi *faultInjector) dropAfterCommit() bool { return fi.chance(fi.get().DropAfterCommitRate) }

// lagReads is how many reads a just-created object will miss.
func (fi *faultInjector) lagReads() int { return fi.get().ReplicationLagReads }
