package provider

// Acceptance tests of what only newer CLIs drive: identity (Terraform 1.12+),
// `terraform query` and actions (1.14+). The Terraform in CI (1.11) skips them;
// the protocol tests (proto_test.go) cover the same RPCs there.

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// skipBelow114 skips what needs `terraform query` or actions.
var skipBelow114 = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// passesOutOfBand is a PreCheck: the policy enabled, and a pass made outside
// Terraform (the portal, a script) for each user.
func passesOutOfBand(t *testing.T, m *graphmock.Server, userIDs ...string) func() {
	return func() {
		passEnablePolicy(t, m)
		for _, id := range userIDs {
			passCreateOutOfBand(t, m, id, map[string]any{"lifetimeInMinutes": 60})
		}
	}
}

func TestAccPassResource_identity(t *testing.T) {
	m := newMock(t)
	const addr = "entratap_pass.p"
	// The object id, as the identity holds it: an import then plans no change.
	config := passConfig(m, `
resource "entratap_pass" "p" {
  user_id             = "`+graphmock.AliceID+`"
  lifetime_in_minutes = 60
}
`)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		CheckDestroy:             passCheckNoPass(m, graphmock.AliceID),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{
						"tenant_id": knownvalue.StringExact(graphmock.TenantID),
						"user_id":   knownvalue.StringExact(graphmock.AliceID),
						"id":        knownvalue.NotNull(),
					}),
					statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("id")),
				},
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				Config:          config,
			},
		},
	})
}

func TestAccPolicyResource_identity(t *testing.T) {
	m := newMock(t)
	const addr = "entratap_policy.p"
	config := providerBlock(m) + `
resource "entratap_policy" "p" {
  enabled = true
}
`
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{
						"tenant_id": knownvalue.StringExact(graphmock.TenantID),
						"id":        knownvalue.StringExact("TemporaryAccessPass"),
					}),
				},
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				Config:          config,
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

// Both actions, triggered by a resource's create as a user's configuration
// triggers them: Terraform plans them, invokes them after the create, and
// they revoke what they name and nothing else (carol is in no group).
func TestAccRevokeActions_trigger(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelow114,
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 passesOutOfBand(t, m, graphmock.AliceID, graphmock.BobID, graphmock.CarolID),
		Steps: []resource.TestStep{{
			Config: providerBlock(m) + `
action "entratap_revoke_pass" "bob" {
  config {
    user_id = "` + graphmock.BobUPN + `"
  }
}

action "entratap_revoke_group_passes" "onboarding" {
  config {
    group_id  = "` + graphmock.OnboardingGroupID + `"
    usability = ["usable"]
  }
}

resource "terraform_data" "offboarding" {
  input = "done"
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.entratap_revoke_pass.bob, action.entratap_revoke_group_passes.onboarding]
    }
  }
}
`,
			Check: resource.ComposeTestCheckFunc(
				passCheckNoPass(m, graphmock.AliceID, graphmock.BobID),
				func(*terraform.State) error {
					if passOf(m, graphmock.CarolID) == nil {
						return fmt.Errorf("carol's pass was revoked, though no action names her")
					}
					return nil
				},
			),
		}},
	})
}

// The end of the finished through the CLI: the group revoke with only_registered, triggered as
// a user's configuration triggers it, ends the passes of the two who registered a strong method
// since their pass started and leaves the other three.
func TestAccRevokeGroupPasses_onlyRegistered(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelow114,
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { fiveHiresAtTheFinish(t, m) },
		Steps: []resource.TestStep{{
			Config: providerBlock(m) + `
action "entratap_revoke_group_passes" "finished" {
  config {
    group_id        = "` + fiveHiresGroupID + `"
    only_registered = true
  }
}

resource "terraform_data" "tuesday" {
  input = "report read"
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.entratap_revoke_group_passes.finished]
    }
  }
}
`,
			Check: resource.ComposeTestCheckFunc(
				passCheckNoPass(m, graphmock.AliceID, graphmock.BobID),
				func(*terraform.State) error {
					for _, id := range []string{graphmock.CarolID, graphmock.NoraID, graphmock.InternalGuestID} {
						if passOf(m, id) == nil {
							return fmt.Errorf("%s's pass was revoked, though they have not registered", id)
						}
					}
					return nil
				},
			),
		}},
	})
}
