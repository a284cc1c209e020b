package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// diagRecorder serves the real provider to the real Terraform CLI and keeps
// every diagnostic the provider returns from planning, applying and opening:
// Terraform's test harness shows errors only, never warnings.
type diagRecorder struct {
	mu      sync.Mutex
	diags   []string
	details []string
}

type recordingServer struct {
	tfprotov6.ProviderServer
	rec *diagRecorder
}

func (r *diagRecorder) add(call, typ string, ds []*tfprotov6.Diagnostic) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range ds {
		r.diags = append(r.diags, fmt.Sprintf("%s %s %s: %s", call, typ, d.Severity, d.Summary))
		r.details = append(r.details, d.Summary+"\n"+d.Detail)
	}
}

// takeDetails returns the summaries and details recorded since the last call.
func (r *diagRecorder) takeDetails() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := strings.Join(r.details, "\n\n")
	r.details = nil
	return out
}

// take returns the diagnostics recorded since the last call.
func (r *diagRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.diags
	r.diags = nil
	return out
}

func (r *diagRecorder) factories(opts ...Option) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){"entratap": func() (tfprotov6.ProviderServer, error) {
		s, err := providerserver.NewProtocol6WithError(New("test", opts...)())()
		return recordingServer{ProviderServer: s, rec: r}, err
	}}
}

func (s recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.rec.add("plan", req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		s.rec.add("apply", req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	resp, err := s.ProviderServer.OpenEphemeralResource(ctx, req)
	if resp != nil {
		s.rec.add("open", req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

// expectNoDiagnostics is a step check: no warning or error since the last take.
func (r *diagRecorder) expectNoDiagnostics() resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := r.take(); len(got) > 0 {
			return fmt.Errorf("the provider returned diagnostics:\n%s", strings.Join(got, "\n"))
		}
		return nil
	}
}

// scoped sets the mock's policy-scope setting for this test (newMock's Reset restores the suite's).
func scoped(t *testing.T, m *graphmock.Server, scope string, window float64) {
	t.Helper()
	m.SetSettings(graphmock.Settings{PolicyScope: scope, PolicyReplicationSeconds: window})
	t.Cleanup(m.Reset)
}

// createPosts counts the mock's pass creates: created and refused.
func createPosts(m *graphmock.Server) (created, refused int) {
	for _, e := range m.Requests() {
		if e.Method != http.MethodPost || !strings.HasSuffix(e.Path, "/temporaryAccessPassMethods") {
			continue
		}
		switch e.Status {
		case http.StatusCreated:
			created++
		case http.StatusBadRequest:
			refused++
		}
	}
	return created, refused
}

func onboardingPolicy(extra string) string {
	return `
resource "entratap_policy" "this" {
  enabled = true
  include_targets = [
    { id = "` + graphmock.OnboardingGroupID + `", target_type = "group" },
  ]
` + extra + `
}
`
}

// Enabling the policy, targeting a group and issuing a pass to a member, in
// one apply: no warning at plan or apply, under both policy-scope settings,
// and the user's object id is in the plan.
func TestAccPlanTruth_enableTargetIssue(t *testing.T) {
	t.Parallel()
	for _, scope := range []string{graphmock.PolicyScopeRefuse, graphmock.PolicyScopeAllow} {
		t.Run(scope, func(t *testing.T) {
			m := newMock(t)
			scoped(t, m, scope, 0)
			rec := &diagRecorder{}
			const addr = "entratap_pass.alice"
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: rec.factories(),
				CheckDestroy:             passCheckNoPass(m, graphmock.AliceID),
				Steps: []resource.TestStep{{
					Config: providerBlock(m) + onboardingPolicy("") + `
resource "entratap_pass" "alice" {
  user_id    = "` + graphmock.AliceUPN + `"
  depends_on = [entratap_policy.this]
}
`,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("user_object_id"), knownvalue.StringExact(graphmock.AliceID)),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						passAttr(addr, "method_usability_reason", knownvalue.StringExact(graph.ReasonEnabledByPolicy)),
						passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(passSignsIn(m, graphmock.AliceUPN))),
					},
					Check: rec.expectNoDiagnostics(),
				}},
			})
		})
	}
}

// A wider range and a longer pass in one configuration: a lifetime outside
// both the live range and the planned one fails at plan, naming the planned
// range; one inside the planned range plans and applies.
func TestAccPlanTruth_widenedRange(t *testing.T) {
	m := newMock(t)
	scoped(t, m, graphmock.PolicyScopeRefuse, 0)
	rec := &diagRecorder{}
	config := func(lifetime int) string {
		return providerBlock(m) + onboardingPolicy(`  maximum_lifetime_in_minutes = 720`) + fmt.Sprintf(`
resource "entratap_pass" "alice" {
  user_id             = "%s"
  lifetime_in_minutes = %d
  depends_on          = [entratap_policy.this]
}
`, graphmock.AliceUPN, lifetime)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		CheckDestroy:             passCheckNoPass(m, graphmock.AliceID),
		Steps: []resource.TestStep{
			{
				Config:      config(900),
				PlanOnly:    true,
				ExpectError: passErr("lifetime_in_minutes = 900", "between 60 and 720 minutes", "allows between 60 and 480 minutes now"),
			},
			{
				PreConfig: func() { rec.take() },
				Config:    config(600),
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr("entratap_pass.alice", "lifetime_in_minutes", knownvalue.Int64Exact(600)),
					passAttr("entratap_pass.alice", "is_usable", knownvalue.Bool(true)),
				},
				Check: rec.expectNoDiagnostics(),
			},
		},
	})
}

// Graph refuses passes for a while after the policy is enabled (replication):
// the create waits it out, within its timeout. The window is a second of
// the mock's clock, the back-off tens of milliseconds.
func TestAccPlanTruth_refusalAfterEnablingRiddenOut(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, block, addr string
		code              tfjsonpath.Path // where the state holds the pass's code
	}{
		{"pass", `
resource "entratap_pass" "alice" {
  user_id    = "` + graphmock.AliceUPN + `"
  depends_on = [entratap_policy.this]
}
`, "entratap_pass.alice", tfjsonpath.New("temporary_access_pass")},
		// Each entry of a wave waits it out as the pass does.
		{"wave entry", `
resource "entratap_passes" "wave" {
  passes     = { alice = { user_id = "` + graphmock.AliceUPN + `" } }
  depends_on = [entratap_policy.this]
}
`, "entratap_passes.wave", tfjsonpath.New("codes").AtMapKey("alice")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMock(t)
			scoped(t, m, graphmock.PolicyScopeRefuse, 2)
			rec := &diagRecorder{}
			fast := func(c *graph.Config) {
				c.Backoff = graph.Backoff{Initial: 20 * time.Millisecond, Max: 100 * time.Millisecond}
			}
			code := statecheck.ExpectKnownValue(tc.addr, tc.code, knownvalue.StringFunc(passSignsIn(m, graphmock.AliceUPN)))
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: rec.factories(fast),
				CheckDestroy:             passCheckNoPass(m, graphmock.AliceID),
				Steps: []resource.TestStep{{
					PreConfig:         m.ResetRequests,
					Config:            providerBlock(m) + onboardingPolicy("") + tc.block,
					ConfigStateChecks: []statecheck.StateCheck{code},
					Check: resource.ComposeTestCheckFunc(rec.expectNoDiagnostics(), func(*terraform.State) error {
						if created, refused := createPosts(m); created != 1 || refused < 1 {
							return fmt.Errorf("pass creates: %d created, %d refused; want 1 created after at least one refusal", created, refused)
						}
						return nil
					}),
				}},
			})
		})
	}
}

// A user the policy (as this run leaves it) does not target: the plan warns,
// and the create fails at once, saying what the policy is and what to change.
func TestAccPlanTruth_refusalNotTargetedFailsAtOnce(t *testing.T) {
	m := newMock(t)
	scoped(t, m, graphmock.PolicyScopeRefuse, 0)
	rec := &diagRecorder{}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{
				Config: providerBlock(m) + onboardingPolicy(""),
			},
			{
				PreConfig: func() { rec.take(); m.ResetRequests() },
				Config: providerBlock(m) + onboardingPolicy("") + `
resource "entratap_pass" "bob" {
  user_id    = "` + graphmock.BobUPN + `"
  depends_on = [entratap_policy.this]
}
`,
				ExpectError: passErr("refused a Temporary Access Pass for user", "state enabled, include targets: group "+graphmock.OnboardingGroupID,
					"depends_on", "Converged UserCredentialPolicy"),
			},
			{
				Config: providerBlock(m) + onboardingPolicy(""),
				Check: func(*terraform.State) error {
					if created, refused := createPosts(m); created != 0 || refused != 1 {
						return fmt.Errorf("pass creates: %d created, %d refused; want one refusal and no retry", created, refused)
					}
					got := strings.Join(rec.take(), "\n")
					if !strings.Contains(got, "plan entratap_pass WARNING: The policy does not target the user") {
						return fmt.Errorf("no plan-time warning for bob; diagnostics:\n%s", got)
					}
					return nil
				},
			},
		},
	})
}

// A pass that does not depend on the policy may be planned and created
// before it (Terraform orders only what depends on something): under the
// allow setting it is created either way and is usable once the policy is
// enabled, with no diff afterwards. (Under refuse it may fail; the error then
// names depends_on: TestAccPlanTruth_refusalNotTargetedFailsAtOnce.)
func TestAccPlanTruth_noDependency(t *testing.T) {
	m := newMock(t)
	scoped(t, m, graphmock.PolicyScopeAllow, 0)
	config := providerBlock(m) + onboardingPolicy("") + `
resource "entratap_pass" "alice" {
  user_id = "` + graphmock.AliceUPN + `"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		CheckDestroy:             passCheckNoPass(m, graphmock.AliceID),
		Steps: []resource.TestStep{
			{Config: config},
			{
				// The refresh reads the pass as the policy now lets it be used.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr("entratap_pass.alice", "method_usability_reason", knownvalue.StringExact(graph.ReasonEnabledByPolicy)),
					passAttr("entratap_pass.alice", "temporary_access_pass", knownvalue.StringFunc(passSignsIn(m, graphmock.AliceUPN))),
				},
			},
		},
	})
}

// Terraform opens the ephemeral pass during plan as well, before the run
// writes the policy: under refuse, the run that first enables the policy for
// the user fails at plan, naming the policy. OpenTofu defers opening an
// ephemeral resource whose dependencies have changes pending to apply (as it
// defers reading a data source; "pending dependencies" in its
// planEphemeralResource), so there the same run opens the pass once, after the
// policy is written, with no refusal. Once the policy is in place, it opens
// with no warning at plan and apply under both.
func TestAccPlanTruth_ephemeralUnderRefuse(t *testing.T) {
	m := newMock(t)
	scoped(t, m, graphmock.PolicyScopeRefuse, 0)
	rec := &diagRecorder{}
	factories := rec.factories()
	factories["echo"] = protoV6WithEcho["echo"]
	config := providerBlock(m) + onboardingPolicy("") + `
ephemeral "entratap_pass" "p" {
  user_id    = "` + graphmock.AliceUPN + `"
  depends_on = [entratap_policy.this]
}

provider "echo" {
  data = ephemeral.entratap_pass.p.method_usability_reason
}

resource "echo" "test" {}
`
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   passSkipBelow110,
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             passCheckNoPass(m, graphmock.AliceID),
		Steps: []resource.TestStep{
			ephemeralFirstRun(m, rec, config),
			{
				PreConfig: func() {
					passPatchPolicy(t, m, map[string]any{"state": "enabled", "includeTargets": []map[string]any{
						{"id": graphmock.OnboardingGroupID, "targetType": "group", "isRegistrationRequired": false}}})
					rec.take()
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data"), knownvalue.StringExact(graph.ReasonEnabledByPolicy)),
				},
				Check: rec.expectNoDiagnostics(),
			},
		},
	})
}

// ephemeralFirstRun is the first step of TestAccPlanTruth_ephemeralUnderRefuse,
// for the CLI that runs it: the plan's refusal under Terraform, an apply with
// no refused create under OpenTofu.
func ephemeralFirstRun(m *graphmock.Server, rec *diagRecorder, config string) resource.TestStep {
	if !testCLI.OpenTofu() {
		return resource.TestStep{
			Config:      config,
			ExpectError: passErr("refused a Temporary Access Pass", "state enabled", "opened during plan"),
		}
	}
	return resource.TestStep{
		Config: config,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data"), knownvalue.StringExact(graph.ReasonEnabledByPolicy)),
		},
		Check: resource.ComposeTestCheckFunc(rec.expectNoDiagnostics(), func(*terraform.State) error {
			if created, refused := createPosts(m); created == 0 || refused > 0 {
				return fmt.Errorf("OpenTofu opens the pass at apply, after the policy: want creates and no refusal, got %d created, %d refused", created, refused)
			}
			return nil
		}),
	}
}

// A refusal that outlasts the create timeout, for a user the run's policy
// targets: the error says the change may still be replicating and names
// the timeout to raise.
func TestAccPlanTruth_refusalOutlastsTimeout(t *testing.T) {
	m := newMock(t)
	scoped(t, m, graphmock.PolicyScopeRefuse, 3600)
	fast := func(c *graph.Config) {
		c.Backoff = graph.Backoff{Initial: 20 * time.Millisecond, Max: 100 * time.Millisecond}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: (&diagRecorder{}).factories(fast),
		CheckDestroy:             passCheckNoPass(m, graphmock.AliceID),
		Steps: []resource.TestStep{{
			Config: providerBlock(m) + onboardingPolicy("") + `
resource "entratap_pass" "alice" {
  user_id    = "` + graphmock.AliceUPN + `"
  depends_on = [entratap_policy.this]
  timeouts = {
    create = "1s"
  }
}
`,
			// The time runs out during a wait before a retry (the refusal explained in full), or
			// during a retried create under load (the orphan check, then the same advice).
			ExpectError: passErr("kept refusing the pass", "targets", "raise timeouts.create"),
		}},
	})
}
