package provider

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// wavePasses is an entratap_passes block over the entries (key = "user_id|lifetime").
func wavePasses(m *graphmock.Server, entries map[string][2]string) string {
	var b strings.Builder
	b.WriteString(providerBlock(m))
	b.WriteString("resource \"entratap_passes\" \"wave\" {\n  passes = {\n")
	for k, e := range entries {
		fmt.Fprintf(&b, "    %q = { user_id = %q", k, e[0])
		if e[1] != "" {
			fmt.Fprintf(&b, ", lifetime_in_minutes = %s", e[1])
		}
		b.WriteString(" }\n")
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

func issuedAt(key, attr string) tfjsonpath.Path {
	return tfjsonpath.New("issued").AtMapKey(key).AtMapKey(attr)
}

// passesRequestsBatched checks that the passes went through $batch.
func passesRequestsBatched(m *graphmock.Server) passTenantCheck {
	return func() error {
		for _, e := range m.Requests() {
			if strings.HasSuffix(strings.ToLower(e.Path), "/$batch") {
				return nil
			}
		}
		return fmt.Errorf("no $batch request in the mock's log")
	}
}

// waveImportID is the import id of the wave in entratap_passes.wave: key=user_id/pass_id of each entry.
func waveImportID(s *terraform.State) (string, error) {
	a := s.RootModule().Resources["entratap_passes.wave"].Primary.Attributes
	var parts []string
	for _, k := range []string{"alice", "bob", "dave"} {
		parts = append(parts, fmt.Sprintf("%s=%s/%s", k, a["issued."+k+".user_id"], a["issued."+k+".id"]))
	}
	return strings.Join(parts, ","), nil
}

func TestAccPassesResource_wave(t *testing.T) {
	m := newMock(t)
	const addr = "entratap_passes.wave"
	first := map[string][2]string{
		"alice": {graphmock.AliceID, "60"},
		"bob":   {graphmock.BobID, "60"},
		"carol": {graphmock.CarolID, ""},
	}
	second := map[string][2]string{
		"alice": {graphmock.AliceID, "60"}, // unchanged: same pass
		"bob":   {graphmock.BobID, "120"},  // changed: replaced
		"dave":  {graphmock.CarolID, "90"}, // carol's entry renamed: her old pass goes, a new one comes
	}
	aliceID := statecheck.CompareValue(compare.ValuesSame())
	bobID := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		CheckDestroy: func(s *terraform.State) error {
			return passCheckNoPass(m, graphmock.AliceID, graphmock.BobID, graphmock.CarolID)(s)
		},
		Steps: []resource.TestStep{
			{
				Config: wavePasses(m, first),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					// One line of the plan for each entry to issue.
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("issued").AtMapKey("alice")),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("user_object_ids").AtMapKey("alice"), knownvalue.StringExact(graphmock.AliceID)),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("changes"), knownvalue.StringExact("3 new (alice, bob, carol), 0 unchanged")),
					plancheck.ExpectSensitiveValue(addr, tfjsonpath.New("codes")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					aliceID.AddStateValue(addr, issuedAt("alice", "id")),
					bobID.AddStateValue(addr, issuedAt("bob", "id")),
					statecheck.ExpectKnownValue(addr, issuedAt("bob", "lifetime_in_minutes"), knownvalue.Int64Exact(60)),
					statecheck.ExpectKnownValue(addr, issuedAt("carol", "lifetime_in_minutes"), knownvalue.Int64Exact(60)), // the policy's default
					statecheck.ExpectKnownValue(addr, issuedAt("carol", "method_usability_reason"), knownvalue.StringExact("EnabledByPolicy")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("codes").AtMapKey("bob"), knownvalue.StringFunc(passSignsIn(m, graphmock.BobUPN))),
					passesRequestsBatched(m),
					passTenantCheck(func() error {
						if n := len(m.Snapshot().Passes); n != 3 {
							return fmt.Errorf("%d passes in the tenant, want 3", n)
						}
						return nil
					}),
				},
			},
			{
				Config: wavePasses(m, second),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, issuedAt("alice", "lifetime_in_minutes"), knownvalue.Int64Exact(60)),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("issued").AtMapKey("bob")),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("issued").AtMapKey("dave")),
					// Each change named, and why bob's pass is replaced.
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("changes"),
						knownvalue.StringExact("1 new (dave), 1 replaced (bob: lifetime_in_minutes 60 → 120), 1 revoked (carol), 1 unchanged")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					aliceID.AddStateValue(addr, issuedAt("alice", "id")),
					bobID.AddStateValue(addr, issuedAt("bob", "id")),
					statecheck.ExpectKnownValue(addr, issuedAt("bob", "lifetime_in_minutes"), knownvalue.Int64Exact(120)),
					statecheck.ExpectKnownValue(addr, issuedAt("dave", "lifetime_in_minutes"), knownvalue.Int64Exact(90)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("codes").AtMapKey("alice"), knownvalue.StringFunc(passSignsIn(m, graphmock.AliceUPN))),
					passTenantCheck(func() error {
						if n := len(m.Snapshot().Passes); n != 3 {
							return fmt.Errorf("%d passes in the tenant, want 3 (carol's old pass gone, her new one there)", n)
						}
						if p := passOf(m, graphmock.CarolID); p == nil || p.LifetimeInMinutes != 90 {
							return fmt.Errorf("carol's pass is %+v, want the 90-minute one", p)
						}
						return nil
					}),
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: waveImportID,
				// The code cannot be read back; the settings come from the configuration; the wave id is new.
				ImportStateVerifyIgnore:              []string{"codes", "passes", "id", "changes"},
				ImportStateVerifyIdentifierAttribute: "issued.alice.id",
			},
			{
				// An import block: the wave gets a random id like a created wave's, and its entries the settings
				// of their passes, so that this configuration, which sets them the same way, plans no change.
				ResourceName:      addr,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: waveImportID,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-`))),
				}},
			},
			{
				// A pass deleted outside Terraform is issued again, alone.
				PreConfig: func() {
					p := passOf(m, graphmock.BobID)
					if st, raw := m.GraphRequest(http.MethodDelete, "/v1.0/users/"+graphmock.BobID+"/authentication/temporaryAccessPassMethods/"+p.ID, nil); st != http.StatusNoContent {
						t.Fatalf("delete bob's pass: %d %s", st, raw)
					}
				},
				Config: wavePasses(m, second),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("issued").AtMapKey("bob")),
					plancheck.ExpectKnownValue(addr, issuedAt("dave", "lifetime_in_minutes"), knownvalue.Int64Exact(90)),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("changes"), knownvalue.StringExact("1 re-issued (bob), 2 unchanged")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					aliceID.AddStateValue(addr, issuedAt("alice", "id")),
					statecheck.ExpectKnownValue(addr, issuedAt("bob", "id"), knownvalue.NotNull()),
				},
			},
		},
	})
}

// Entries that cannot be issued are named; the passes made stay in state and the next apply retries the rest.
func TestAccPassesResource_partialFailureAndGuard(t *testing.T) {
	m := newMock(t)
	const addr = "entratap_passes.wave"
	var eveID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{
			{
				// A user who does not exist fails at plan, naming the entry: nothing is issued.
				Config: wavePasses(m, map[string][2]string{
					"alice": {graphmock.AliceID, ""},
					"ghost": {"00000000-0000-4000-8000-00000000dead", ""},
				}),
				ExpectError: passErr(`User "00000000-0000-4000-8000-00000000dead" does not exist in the tenant (passes["ghost"])`),
			},
			{
				PreConfig: func() {
					if n := len(m.Snapshot().Passes); n != 0 {
						t.Fatalf("%d passes issued by a plan that failed", n)
					}
				},
				Config: wavePasses(m, map[string][2]string{"alice": {graphmock.AliceID, ""}}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, issuedAt("alice", "id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, issuedAt("alice", "user_object_id"), knownvalue.StringExact(graphmock.AliceID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("not_issued"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				},
			},
			{
				// A live pass not managed here blocks its entry only (an update's failure is an error).
				PreConfig: func() { eveID = passCreateOutOfBand(t, m, graphmock.BobID, map[string]any{}) },
				Config: wavePasses(m, map[string][2]string{
					"alice": {graphmock.AliceID, ""},
					"bob":   {graphmock.BobID, ""},
					"carol": {graphmock.CarolID, ""},
				}),
				ExpectError: passErr("could not be issued", "bob", "replace_existing"),
			},
			{
				Config: wavePasses(m, map[string][2]string{
					"alice": {graphmock.AliceID, ""},
					"carol": {graphmock.CarolID, ""},
				}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, issuedAt("carol", "id"), knownvalue.NotNull()),
					passTenantCheck(func() error {
						if p := passOf(m, graphmock.BobID); p == nil || p.ID != eveID {
							return fmt.Errorf("bob's own pass was touched: %+v", p)
						}
						return nil
					}),
				},
			},
		},
	})
}

// A wave that outlives its tokens renews them mid-apply: with 2-second tokens, the write
// batches that start after the first ones have answered run on tokens fetched after the
// first write; no request is refused for its token.
func TestAccPassesResource_tokensRenewedMidApply(t *testing.T) {
	m := newMock(t)
	m.SetTokenLifetime(2 * time.Second)
	t.Cleanup(func() { m.SetTokenLifetime(0) })
	var users []string
	for i := range 120 { // 6 write batches of 20, 4 in flight: the last ones start mid-create
		u, err := m.AddUser(graphmock.NewUser{UserPrincipalName: fmt.Sprintf("renew%03d@%s", i, graphmock.Domain), DisplayName: "Renew", UserType: "Member"})
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, u.ID)
	}
	entries := map[string][2]string{}
	for i, u := range users {
		entries[fmt.Sprintf("u%03d", i)] = [2]string{u, ""}
	}
	isToken := func(e graphmock.RequestLogEntry) bool {
		return e.Method == http.MethodPost && strings.HasSuffix(e.Path, "/oauth2/v2.0/token") && e.Status == http.StatusOK
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m); m.ResetRequests() },
		Steps: []resource.TestStep{{
			Config: wavePasses(m, entries),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("entratap_passes.wave", issuedAt("u119", "id"), knownvalue.NotNull()),
				passTenantCheck(func() error {
					log := m.Requests()
					var firstWrite, lastWrite time.Time
					for _, e := range log {
						if e.Status == http.StatusUnauthorized {
							return fmt.Errorf("a request was refused for its token: %s %s", e.Method, e.Path)
						}
						if e.Batched && e.Method == http.MethodPost {
							if firstWrite.IsZero() {
								firstWrite = e.Time
							}
							lastWrite = e.Time
						}
					}
					renewed := 0
					for _, e := range log {
						if isToken(e) && e.Time.After(firstWrite) && e.Time.Before(lastWrite) {
							renewed++
						}
					}
					if renewed == 0 {
						return fmt.Errorf("no token fetched between the first write (%s) and the last (%s) of the wave: the create ran on one token",
							firstWrite.Format(time.StampMicro), lastWrite.Format(time.StampMicro))
					}
					return nil
				}),
			},
		}},
	})
}

// A wave of more than one chunk guards and issues chunk by chunk: writes start before the
// last chunk's guard reads, and a user with a pass not managed here is blocked wherever it sits.
func TestAccPassesResource_pipelinedChunks(t *testing.T) {
	m := newMock(t)
	const addr = "entratap_passes.wave"
	n := 2*waveChunk + 30
	entries := map[string][2]string{}
	var blockedUser string
	for i := range n {
		u, err := m.AddUser(graphmock.NewUser{UserPrincipalName: fmt.Sprintf("chunk%03d@%s", i, graphmock.Domain), DisplayName: "Chunk", UserType: "Member"})
		if err != nil {
			t.Fatal(err)
		}
		entries[fmt.Sprintf("u%03d", i)] = [2]string{u.ID, ""}
		if i == 2*waveChunk+10 {
			blockedUser = u.ID
		}
	}
	var outOfBand string
	last := fmt.Sprintf("u%03d", n-1)
	blockedKey := fmt.Sprintf("u%03d", 2*waveChunk+10)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck: func() {
			passEnablePolicy(t, m)
			outOfBand = passCreateOutOfBand(t, m, blockedUser, map[string]any{})
			m.ResetRequests()
		},
		Steps: []resource.TestStep{{
			Config: wavePasses(m, entries),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, issuedAt(last, "id"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(addr, issuedAt(blockedKey, "id"), knownvalue.Null()),
				passTenantCheck(func() error {
					if p := passOf(m, blockedUser); p == nil || p.ID != outOfBand {
						return fmt.Errorf("the blocked user's own pass was touched: %+v", p)
					}
					var firstWrite, lastGuard time.Time
					for _, e := range m.Requests() {
						switch {
						case e.Batched && e.Method == http.MethodPost && firstWrite.IsZero():
							firstWrite = e.Time
						case e.Batched && e.Method == http.MethodGet && strings.HasSuffix(e.Path, "/temporaryAccessPassMethods"): // a guard's list, not a refresh's read
							lastGuard = e.Time
						}
					}
					if !firstWrite.Before(lastGuard) {
						return fmt.Errorf("the first write (%s) came after the last guard read (%s): not pipelined",
							firstWrite.Format(time.StampMicro), lastGuard.Format(time.StampMicro))
					}
					return nil
				}),
			},
			ExpectNonEmptyPlan: true, // the blocked entry is still to issue
		}},
	})
}

// A wave's progress is logged at INFO (TF_LOG_PROVIDER=INFO shows it): the passes issued of
// the wave's, and each wait with its reason, here 429s from Graph. No line holds a code.
// Serial: Terraform and terraform-plugin-testing read TF_LOG_PROVIDER and TF_ACC_LOG_PATH from
// the process environment only.
func TestAccPassesResource_progressAtInfo(t *testing.T) {
	m := newMock(t)
	const addr = "entratap_passes.wave"
	logPath := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_LOG_PROVIDER", "INFO")
	// The testing framework sends the in-process provider's log there.
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	entries := map[string][2]string{}
	for i := range 45 {
		u, err := m.AddUser(graphmock.NewUser{UserPrincipalName: fmt.Sprintf("progress%02d@%s", i, graphmock.Domain), DisplayName: "Progress", UserType: "Member"})
		if err != nil {
			t.Fatal(err)
		}
		entries[fmt.Sprintf("u%02d", i)] = [2]string{u.ID, ""}
	}
	var mu sync.Mutex
	codes := map[string]bool{}
	checks := []statecheck.StateCheck{passTenantCheck(func() error { m.SetFaults(graphmock.Faults{}); return nil })}
	for k := range entries {
		checks = append(checks, statecheck.ExpectKnownValue(addr, tfjsonpath.New("codes").AtMapKey(k), knownvalue.StringFunc(func(code string) error {
			mu.Lock()
			defer mu.Unlock()
			codes[code] = true
			return nil
		})))
	}
	retryAfter := 0.05
	// Serial: Terraform and terraform-plugin-testing read TF_LOG* and TF_ACC_* from the process environment.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck: func() {
			passEnablePolicy(t, m)
			m.SetFaults(graphmock.Faults{Rate: 0.3, Statuses: []int{429}, RetryAfterSeconds: &retryAfter})
		},
		Steps: []resource.TestStep{{
			Config:            wavePasses(m, entries),
			ConfigStateChecks: checks,
		}},
	})
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading the log: %v", err)
	}
	var issued, waits int
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.Contains(line, "entratap_passes: ") {
			continue
		}
		if !strings.Contains(line, "[INFO]") {
			t.Errorf("a progress line not at INFO: %s", line)
		}
		if strings.Contains(line, "entratap_passes: issued ") {
			issued++
		}
		if strings.Contains(line, "; waiting ") && strings.Contains(line, " for Graph") {
			waits++
		}
		for code := range codes {
			if strings.Contains(line, code) {
				t.Errorf("a progress line holds a code")
			}
		}
	}
	if issued == 0 || waits == 0 {
		t.Errorf("%d progress lines, %d of them waits, want both; the log:\n%s", issued, waits, graph.Truncate(string(data), 4000))
	}
	if !strings.Contains(string(data), fmt.Sprintf("issued %d/%d Temporary Access Passes", len(entries), len(entries))) {
		t.Errorf("no line says every pass of the wave was issued")
	}
	if len(codes) != len(entries) {
		t.Errorf("collected %d codes, want %d", len(codes), len(entries))
	}
}

// A plan whose lookups Graph throttles waits them out within the resource's timeouts: every
// entry's user is known in the plan, and the apply's own plan agrees with it. Half of the
// Graph requests answer 429, and the back-off allows two attempts: a lookup that gave up
// after them left its user unknown (a warning), and the apply's plan could differ.
func TestAccPassesResource_planWaitsOutThrottling(t *testing.T) {
	m := newMock(t)
	t.Cleanup(func() { m.SetFaults(graphmock.Faults{}) })
	const addr = "entratap_passes.wave"
	entries := map[string][2]string{}
	ids := map[string]string{}
	for i := range 8 {
		upn := fmt.Sprintf("throttledplan%02d@%s", i, graphmock.Domain)
		u, err := m.AddUser(graphmock.NewUser{UserPrincipalName: upn, DisplayName: "Throttled", UserType: "Member"})
		if err != nil {
			t.Fatal(err)
		}
		k := fmt.Sprintf("u%02d", i)
		entries[k], ids[k] = [2]string{u.ID, ""}, strings.ToLower(u.ID)
		if i%2 == 1 {
			entries[k] = [2]string{upn, ""} // looked up by name, the others by their passes' list
		}
	}
	var planChecks []plancheck.PlanCheck
	for k, id := range ids {
		planChecks = append(planChecks, plancheck.ExpectKnownValue(addr, tfjsonpath.New("user_object_ids").AtMapKey(k), knownvalue.StringExact(id)))
	}
	clients := &faultClients{}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: clients.factories(func(c *graph.Config) { c.Backoff.MaxAttempts = 2 }),
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{{
			PreConfig:        func() { m.SetFaults(graphmock.Faults{Rate: 0.5, Statuses: []int{429}}) },
			Config:           wavePasses(m, entries),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: planChecks},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, issuedAt("u07", "id"), knownvalue.NotNull()),
				passTenantCheck(func() error {
					if f := faultCount(m); f.injectedTotal() == 0 {
						return fmt.Errorf("no 429 was injected: the test proved nothing")
					}
					return nil
				}),
			},
		}},
	})
}

// A plan whose lookups Graph throttles past the resource's timeout fails, naming the user and
// why, instead of planning on what it could not read.
func TestAccPassesResource_planThrottledPastTheTimeoutFails(t *testing.T) {
	m := newMock(t)
	t.Cleanup(func() { m.SetFaults(graphmock.Faults{}) })
	config := strings.Replace(wavePasses(m, map[string][2]string{"alice": {graphmock.AliceID, ""}}),
		"  passes = {", "  timeouts = { create = \"1s\" }\n  passes = {", 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{{
			PreConfig:   func() { m.SetFaults(graphmock.Faults{Rate: 1, Statuses: []int{429}}) },
			Config:      config,
			ExpectError: regexp.MustCompile(`Could not look up user "` + graphmock.AliceID + `" to check the pass:\s+Microsoft Graph kept\s+throttling`),
		}},
	})
}

// A wave applied as one resource, then split as the onboarding-wave module splits it (chunks,
// each key by a hash of it, with the module's moved block): state moves to chunk "0" with
// nothing to change and the passes kept.
func TestAccPassesResource_movedIntoChunks(t *testing.T) {
	m := newMock(t)
	entries := map[string][2]string{"alice": {graphmock.AliceID, ""}, "bob": {graphmock.BobID, ""}}
	chunked := providerBlock(m) + fmt.Sprintf(`
locals {
  users    = { alice = %q, bob = %q }
  chunks   = 1
  chunk_of = { for k in keys(local.users) : k => tostring(parseint(substr(sha1(k), 0, 6), 16) %% local.chunks) }
}

resource "entratap_passes" "wave" {
  for_each = toset([for i in range(local.chunks) : tostring(i)])
  passes   = { for k, u in local.users : k => { user_id = u } if local.chunk_of[k] == each.key }
}

moved {
  from = entratap_passes.wave
  to   = entratap_passes.wave["0"]
}
`, graphmock.AliceID, graphmock.BobID)
	aliceID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{
			{
				Config:            wavePasses(m, entries),
				ConfigStateChecks: []statecheck.StateCheck{aliceID.AddStateValue("entratap_passes.wave", issuedAt("alice", "id"))},
			},
			{
				Config: chunked,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(`entratap_passes.wave["0"]`, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{aliceID.AddStateValue(`entratap_passes.wave["0"]`, issuedAt("alice", "id"))},
			},
			passDestroyStep(m), // for_each keys: the framework's own destroy cannot read them
		},
	})
}
