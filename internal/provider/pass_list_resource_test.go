package provider

// The list resource (terraform query, Terraform 1.14+), driven through the protocol (proto_test.go)
// and, where the Terraform on PATH is 1.14+, through the CLI.

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// listed is one streamed list result, decoded.
type listed struct {
	name     string
	identity map[string]any
	resource map[string]any
	diags    []*tfprotov6.Diagnostic
}

func (p *protoProvider) list(set map[string]tftypes.Value, includeResource bool, limit int64) []listed {
	p.t.Helper()
	stream, err := p.srv.ListResource(context.Background(), &tfprotov6.ListResourceRequest{TypeName: "entratap_pass",
		Config: p.value(p.schema.ListResourceSchemas["entratap_pass"], set), IncludeResource: includeResource, Limit: limit})
	if err != nil {
		p.t.Fatal(err)
	}
	var out []listed
	for r := range stream.Results {
		l := listed{name: r.DisplayName, diags: r.Diagnostics}
		if r.Identity != nil {
			l.identity = decode(p.t, r.Identity.IdentityData, p.identityType("entratap_pass"))
		}
		if r.Resource != nil {
			l.resource = decode(p.t, r.Resource, p.schema.ResourceSchemas["entratap_pass"].ValueType())
		}
		out = append(out, l)
	}
	return out
}

func identities(ls []listed) []string {
	var out []string
	for _, l := range ls {
		if l.identity != nil {
			out = append(out, fmt.Sprint(l.identity["user_id"], "/", l.identity["id"]))
		}
	}
	slices.Sort(out)
	return out
}

func TestProtoListPasses(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	passEnablePolicy(t, m)
	// A wave group holding the onboarding group (alice) and carol: nested membership.
	waveID := addWaveGroup(t, m)
	tomorrow := m.Now().Add(24 * time.Hour)
	alice := outOfBandPass(t, m, graphmock.AliceID, nil)
	bob := outOfBandPass(t, m, graphmock.BobID, nil)
	carol := outOfBandPass(t, m, graphmock.CarolID, &tomorrow)
	p := newProtoProvider(t, m)
	// Throttling on a third of the requests: the client's retries hide it.
	zero := 0.0
	m.SetFaults(graphmock.Faults{Rate: 0.3, Statuses: []int{http.StatusTooManyRequests}, RetryAfterSeconds: &zero})

	group := p.list(map[string]tftypes.Value{"group_id": str(waveID)}, true, 100)
	want := []string{graphmock.AliceID + "/" + alice, graphmock.CarolID + "/" + carol}
	slices.Sort(want)
	if got := identities(group); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("group listing: got %v, want %v (%s)", got, want, diagText(group[0].diags))
	}
	for _, l := range group {
		if len(l.diags) > 0 {
			t.Errorf("diagnostics: %s", diagText(l.diags))
		}
		if l.resource == nil || l.resource["user_id"] != l.identity["user_id"] || l.resource["id"] != l.identity["id"] ||
			l.resource["replace_existing"] != false || l.resource["temporary_access_pass"] != nil {
			t.Errorf("resource object %v for identity %v", l.resource, l.identity)
		}
		// A start already past is left out of the object (generated configuration would fail
		// "start_date_time is in the past" once the pass is replaced); a future one is kept.
		wantStart := map[any]any{graphmock.AliceID: nil, graphmock.CarolID: tomorrow.UTC().Format(time.RFC3339)}[l.identity["user_id"]]
		if l.resource != nil && l.resource["start_date_time"] != wantStart {
			t.Errorf("start_date_time of %v's listed pass: %v, want %v", l.identity["user_id"], l.resource["start_date_time"], wantStart)
		}
		if !strings.Contains(l.name, "@"+graphmock.Domain) {
			t.Errorf("display name %q does not name the user", l.name)
		}
	}

	all := p.list(map[string]tftypes.Value{"all_users": tftypes.NewValue(tftypes.Bool, true), "usability": strList("usable")}, false, 100)
	want = []string{graphmock.AliceID + "/" + alice, graphmock.BobID + "/" + bob}
	slices.Sort(want)
	if got := identities(all); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("usable passes: got %v, want %v", got, want)
	}
	if all[0].resource != nil {
		t.Error("resource returned without include_resource")
	}

	users := p.list(map[string]tftypes.Value{"user_ids": strList(graphmock.CarolUPN, "nobody@"+graphmock.Domain), "usability": strList("not_yet_valid")}, false, 100)
	if got := identities(users); fmt.Sprint(got) != fmt.Sprint([]string{graphmock.CarolID + "/" + carol}) {
		t.Fatalf("user_ids listing: %v", got)
	}
	w := findDiag(users[len(users)-1].diags, tfprotov6.DiagnosticSeverityWarning, "Users not found")
	if w == nil || attrName(w) != "user_ids" || !strings.Contains(w.Detail, "nobody@") {
		t.Fatalf("missing user warning: %s", diagText(users[len(users)-1].diags))
	}

	if got := p.list(map[string]tftypes.Value{"all_users": tftypes.NewValue(tftypes.Bool, true)}, false, 1); len(got) != 1 {
		t.Fatalf("limit 1 gave %d results", len(got))
	}
}

// More users than one page: the listing follows @odata.nextLink.
func TestProtoListPaging(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	passEnablePolicy(t, m)
	var last string
	for i := range 1200 {
		u, err := m.AddUser(graphmock.NewUser{UserPrincipalName: fmt.Sprintf("user%04d@%s", i, graphmock.Domain)})
		if err != nil {
			t.Fatal(err)
		}
		last = u.ID
	}
	pass := outOfBandPass(t, m, last, nil)
	// A user Graph lists but no longer finds when its passes are read.
	m.SetFaults(graphmock.Faults{ReplicationLagReads: 5})
	ghost, err := m.AddUser(graphmock.NewUser{UserPrincipalName: "ghost@" + graphmock.Domain})
	if err != nil {
		t.Fatal(err)
	}
	m.SetFaults(graphmock.Faults{})
	p := newProtoProvider(t, m)
	m.ResetRequests()
	got := p.list(map[string]tftypes.Value{"all_users": tftypes.NewValue(tftypes.Bool, true)}, false, 100)
	if ids := identities(got); fmt.Sprint(ids) != fmt.Sprint([]string{last + "/" + pass}) {
		t.Fatalf("listing: %v (%d results; %s)", ids, len(got), diagText(got[len(got)-1].diags))
	}
	pages := 0
	for _, r := range m.Requests() {
		if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/v1.0/users") {
			pages++
		}
	}
	if pages != 2 {
		t.Errorf("%d pages of users read, want 2 (1,205 users, 999 a page)", pages)
	}
	w := findDiag(got[len(got)-1].diags, tfprotov6.DiagnosticSeverityWarning, "Users deleted while listing")
	if w == nil || !strings.Contains(w.Detail, ghost.ID) {
		t.Fatalf("no warning naming the vanished user: %v", got[len(got)-1])
	}
}

func TestProtoListBadInput(t *testing.T) {
	t.Parallel()
	p := newProtoProvider(t, newMock(t))
	ctx := context.Background()
	s := p.schema.ListResourceSchemas["entratap_pass"]
	validate := func(set map[string]tftypes.Value) []*tfprotov6.Diagnostic {
		resp, err := p.srv.ValidateListResourceConfig(ctx, &tfprotov6.ValidateListResourceConfigRequest{TypeName: "entratap_pass", Config: p.value(s, set)})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Diagnostics
	}
	for name, tc := range map[string]struct {
		set     map[string]tftypes.Value
		summary string
		attr    string
	}{
		"empty":       {map[string]tftypes.Value{}, "Empty selection", "group_id"},
		"all false":   {map[string]tftypes.Value{"all_users": tftypes.NewValue(tftypes.Bool, false)}, "Empty selection", "all_users"},
		"both":        {map[string]tftypes.Value{"group_id": str(graphmock.OnboardingGroupID), "all_users": tftypes.NewValue(tftypes.Bool, true)}, "Conflicting selection", "group_id"},
		"empty list":  {map[string]tftypes.Value{"user_ids": strList()}, "Invalid Attribute Value", "user_ids"},
		"not a user":  {map[string]tftypes.Value{"user_ids": strList("alice")}, "Invalid user_id", "user_ids"},
		"not a group": {map[string]tftypes.Value{"group_id": str("onboarding")}, "Invalid Attribute Value Match", "group_id"},
		"bad filter":  {map[string]tftypes.Value{"all_users": tftypes.NewValue(tftypes.Bool, true), "usability": strList("valid")}, "Invalid Attribute Value Match", "usability"},
	} {
		ds := validate(tc.set)
		d := findDiag(ds, tfprotov6.DiagnosticSeverityError, tc.summary)
		if d == nil || attrName(d) != tc.attr {
			t.Errorf("%s: want %q on %s, got %s", name, tc.summary, tc.attr, diagText(ds))
		}
	}
	got := p.list(map[string]tftypes.Value{"group_id": str("0b0a4d00-0000-4000-8000-00000000dead")}, false, 100)
	if len(got) != 1 {
		t.Fatalf("unknown group: %v", got)
	}
	d := findDiag(got[0].diags, tfprotov6.DiagnosticSeverityError, "Group not found")
	if d == nil || attrName(d) != "group_id" {
		t.Fatalf("unknown group: %s", diagText(got[0].diags))
	}
}

// BenchmarkProtoList5000 lists a tenant of 5,000 users holding 500 passes.
func BenchmarkProtoList5000(b *testing.B) {
	m := newMock(b)
	passEnablePolicy(b, m)
	for i := range 4996 {
		u, err := m.AddUser(graphmock.NewUser{UserPrincipalName: fmt.Sprintf("user%04d@%s", i, graphmock.Domain)})
		if err != nil {
			b.Fatal(err)
		}
		if i%10 == 0 {
			if st, body := m.GraphRequest(http.MethodPost, "/users/"+u.ID+"/authentication/temporaryAccessPassMethods", map[string]any{}); st != http.StatusCreated {
				b.Fatal(string(body))
			}
		}
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		p := newProtoProvider(b, m)
		m.ResetRequests()
		b.StartTimer()
		got := p.list(map[string]tftypes.Value{"all_users": tftypes.NewValue(tftypes.Bool, true)}, true, 10000)
		if len(got) != 500 {
			b.Fatalf("%d results, want 500", len(got))
		}
		// A $batch is one HTTP request; the requests inside it are logged too, marked Batched.
		wire, batched := 0, 0
		for _, r := range m.Requests() {
			if r.Batched {
				batched++
			} else {
				wire++
			}
		}
		b.ReportMetric(float64(wire), "requests/op")
		b.ReportMetric(float64(batched), "batched/op")
	}
}

// BenchmarkProtoWaveReport5000 is the wave report of 5,000 new hires, each holding a pass, a
// fifth of whom registered a passkey: what `terraform query` over the list resource costs.
// Run it with `TF_ACC=1 go test ./internal/provider -run '^$' -bench WaveReport5000 -benchtime 3x`.
func BenchmarkProtoWaveReport5000(b *testing.B) {
	m := newMock(b)
	passEnablePolicy(b, m)
	for i := range 5000 {
		u, err := m.AddUser(graphmock.NewUser{UserPrincipalName: fmt.Sprintf("hire%04d@%s", i, graphmock.Domain)})
		if err != nil {
			b.Fatal(err)
		}
		st, raw := m.GraphRequest(http.MethodPost, "/users/"+u.ID+"/authentication/temporaryAccessPassMethods", map[string]any{})
		var p struct {
			Code string `json:"temporaryAccessPass"`
		}
		if st != http.StatusCreated || json.Unmarshal(raw, &p) != nil {
			b.Fatal(string(raw))
		}
		if i%5 == 0 {
			if err := m.SignIn(u.ID, p.Code); err != nil {
				b.Fatal(err)
			}
			if _, err := m.Register(u.ID, graphmock.MethodFido2, ""); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		p := newProtoProvider(b, m)
		m.ResetRequests()
		b.StartTimer()
		got := p.list(map[string]tftypes.Value{"all_users": tftypes.NewValue(tftypes.Bool, true)}, true, 10000)
		registered := 0
		for _, l := range got {
			if strings.Contains(l.name, ", "+statusRegistered) {
				registered++
			}
		}
		if len(got) != 5000 || registered != 1000 {
			b.Fatalf("%d results, %d registered; want 5000, 1000", len(got), registered)
		}
		wire, batched := 0, 0
		for _, r := range m.Requests() {
			if r.Batched {
				batched++
			} else {
				wire++
			}
		}
		b.ReportMetric(float64(wire), "requests/op")
		b.ReportMetric(float64(batched), "batched/op")
	}
}

// Signed in as an Authentication Administrator, listing a group lists what the role may read
// and names the Global Administrator it may not in one warning, with the role needed.
func TestProtoListSkipsWhatTheRoleDoesNotReach(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	passes := mixedGroup(t, m)
	p := newProtoProviderAs(t, m, graphmock.AuthAdminUPN)

	got := p.list(map[string]tftypes.Value{"group_id": str(mixedGroupID)}, true, 100)
	want := []string{graphmock.BobID + "/" + passes[graphmock.BobID], graphmock.AuthAdminID + "/" + passes[graphmock.AuthAdminID]}
	slices.Sort(want)
	if ids := identities(got); fmt.Sprint(ids) != fmt.Sprint(want) {
		t.Fatalf("listing: %v, want %v", ids, want)
	}
	var ds []*tfprotov6.Diagnostic
	for _, l := range got {
		ds = append(ds, l.diags...)
	}
	if len(ds) != 1 || ds[0].Severity != tfprotov6.DiagnosticSeverityWarning {
		t.Fatalf("want one warning, got %s", diagText(ds))
	}
	for _, w := range []string{
		"1 user(s) skipped", "listed the Temporary Access Passes of the other members of group " + mixedGroupID,
		"- " + graphmock.GlobalAdminUPN + " (object id " + graphmock.GlobalAdminID + ") holds Global Administrator; reading their Temporary Access Pass needs the Microsoft Entra role Global Reader or Privileged Authentication Administrator",
	} {
		if !strings.Contains(ds[0].Summary+"\n"+ds[0].Detail, w) {
			t.Errorf("the warning lacks %q:\n%s", w, diagText(ds))
		}
	}
}

// Without UserAuthenticationMethod.Read.All the report still lists the passes, with a
// warning naming the permission; a status filter cannot be answered and is an error.
func TestProtoWaveReportWithoutMethodPermission(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	fiveHiresAtTheFinish(t, m)
	p := newProtoProviderWith(t, m, map[string]tftypes.Value{
		"client_id": str(graphmock.LeastPrivilegedClientID), "client_secret": str(graphmock.LeastPrivilegedClientSecret)})
	hires := strList(graphmock.AliceID, graphmock.BobID, graphmock.CarolID, graphmock.NoraID, graphmock.InternalGuestID)
	ls := p.list(map[string]tftypes.Value{"user_ids": hires}, false, 100)
	var warned bool
	passes := 0
	for _, l := range ls {
		if l.identity != nil {
			passes++
		}
		for _, d := range l.diags {
			warned = warned || strings.Contains(d.Detail, "UserAuthenticationMethod.Read.All")
		}
	}
	if passes != 5 || !warned {
		t.Fatalf("%d passes, warned %v: %q", passes, warned, namesOf(ls))
	}
	ls = p.list(map[string]tftypes.Value{"user_ids": hires, "status": strList(statusRegistered)}, false, 100)
	if len(ls) == 0 || !hasError(ls[len(ls)-1].diags) {
		t.Fatalf("a status filter without the permission: %q", namesOf(ls))
	}
}

// A pass adopted from `terraform query -generate-config-out` survives its revoke: the
// generated configuration (the listed resource object) holds no start that has passed, so the
// apply after the pass is revoked issues a new one instead of failing "start_date_time is in
// the past".
func TestAccPassListAdoptedSurvivesRevoke(t *testing.T) {
	m := newMock(t)
	passEnablePolicy(t, m)
	m.AdvanceClock(-30 * time.Minute) // the pass started half an hour ago
	passID := passCreateOutOfBand(t, m, graphmock.CarolID, map[string]any{"lifetimeInMinutes": 480})
	m.AdvanceClock(30 * time.Minute)

	p := newProtoProvider(t, m)
	ls := p.list(map[string]tftypes.Value{"user_ids": strList(graphmock.CarolUPN)}, true, 10)
	if len(ls) != 1 || ls[0].resource == nil {
		t.Fatalf("listed %d results, want carol's pass with its resource object", len(ls))
	}
	// What -generate-config-out writes: the listed object's configurable attributes that are set.
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"entratap_pass\" \"carol\" {\n  user_id = %q\n", ls[0].resource["user_id"])
	if s, ok := ls[0].resource["start_date_time"].(string); ok {
		fmt.Fprintf(&b, "  start_date_time = %q\n", s)
	}
	if l, ok := ls[0].resource["lifetime_in_minutes"].(*big.Float); ok {
		n, _ := l.Int64()
		fmt.Fprintf(&b, "  lifetime_in_minutes = %d\n", n)
	}
	b.WriteString("}\n")
	config := providerBlock(m) + b.String()
	const addr = "entratap_pass.carol"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: config, ResourceName: addr, ImportState: true, ImportStatePersist: true,
				ImportStateId: graphmock.CarolID + "/" + passID,
			},
			{
				PreConfig: func() {
					if status, body := m.GraphRequest(http.MethodDelete, "/v1.0/users/"+graphmock.CarolID+"/authentication/temporaryAccessPassMethods/"+passID, nil); status != http.StatusNoContent {
						t.Fatalf("revoking carol's pass: HTTP %d: %s", status, body)
					}
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(passSignsIn(m, graphmock.CarolUPN))),
				},
			},
		},
	})
}

func TestAccPassList_query(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelow114,
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 passesOutOfBand(t, m, graphmock.AliceID, graphmock.BobID),
		Steps: []resource.TestStep{
			{
				// The query step needs a configuration step before it.
				Config: providerBlock(m),
			},
			{
				// Terraform reads the query beside the step's configuration, provider block included.
				Query: true,
				Config: `
list "entratap_pass" "group" {
  provider = entratap
  config {
    group_id = "` + graphmock.OnboardingGroupID + `"
  }
}
list "entratap_pass" "all" {
  provider = entratap
  config {
    all_users = true
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					// The group holds alice only.
					querycheck.ExpectLength("entratap_pass.group", 1),
					querycheck.ExpectIdentity("entratap_pass.group", map[string]knownvalue.Check{
						"tenant_id": knownvalue.StringExact(graphmock.TenantID),
						"user_id":   knownvalue.StringExact(graphmock.AliceID),
						"id":        knownvalue.NotNull(),
					}),
					querycheck.ExpectLength("entratap_pass.all", 2),
					querycheck.ExpectIdentity("entratap_pass.all", map[string]knownvalue.Check{
						"tenant_id": knownvalue.StringExact(graphmock.TenantID),
						"user_id":   knownvalue.StringExact(graphmock.BobID),
						"id":        knownvalue.NotNull(),
					}),
				},
			},
			{
				Query: true,
				Config: `
list "entratap_pass" "none" {
  provider = entratap
  config {
    all_users = false
  }
}
`,
				ExpectError: regexp.MustCompile(`all_users`),
			},
		},
	})
}

// The wave report through `terraform query`: the five statuses of a group of new hires, and
// the status filter that finds the two who finished (the group revoke of those two runs
// through the protocol in TestProtoWaveReportAndRevokeOfTheFinished).
func TestAccPassList_waveReportQuery(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelow114,
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { fiveHiresAtTheFinish(t, m) },
		Steps: []resource.TestStep{
			{Config: providerBlock(m)},
			{
				Query: true,
				Config: `
list "entratap_pass" "wave" {
  provider = entratap
  config {
    group_id = "` + fiveHiresGroupID + `"
  }
}
list "entratap_pass" "finished" {
  provider = entratap
  config {
    group_id = "` + fiveHiresGroupID + `"
    status   = ["registered"]
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("entratap_pass.wave", 5),
					querycheck.ExpectLength("entratap_pass.finished", 2),
					querycheck.ExpectIdentity("entratap_pass.finished", map[string]knownvalue.Check{
						"tenant_id": knownvalue.StringExact(graphmock.TenantID),
						"user_id":   knownvalue.StringExact(graphmock.AliceID),
						"id":        knownvalue.NotNull(),
					}),
				},
			},
		},
	})
}
