package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// The app a security team grants (UserAuthMethod-TAP.ReadWrite.All, User.Read.All,
// Policy.Read.AuthenticationMethod) does everything the provider does but edit the policy:
// a pass for a user of a nested group, the pass and policy data sources, replace, destroy.
func TestAccPass_leastPrivilegedApp(t *testing.T) {
	m := newMock(t)
	passPatchPolicy(t, m, map[string]any{"state": "enabled",
		"includeTargets": []map[string]any{{"id": graphmock.OnboardingGroupID, "targetType": "group", "isRegistrationRequired": false}}})
	cfg := func(lifetime int) string {
		return providerBlockAs(m, graphmock.LeastPrivilegedClientID, graphmock.LeastPrivilegedClientSecret) + fmt.Sprintf(`
resource "entratap_pass" "p" {
  user_id             = %q
  lifetime_in_minutes = %d
}

data "entratap_pass" "read" {
  user_id    = entratap_pass.p.user_object_id
  depends_on = [entratap_pass.p]
}

data "entratap_policy" "this" {}
`, graphmock.NoraUPN, lifetime)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: cfg(60),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("entratap_pass.p", tfjsonpath.New("user_object_id"), knownvalue.StringExact(graphmock.NoraID)),
					statecheck.ExpectKnownValue("entratap_pass.p", tfjsonpath.New("is_usable"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.entratap_pass.read", tfjsonpath.New("lifetime_in_minutes"), knownvalue.Int64Exact(60)),
					statecheck.ExpectKnownValue("data.entratap_policy.this", tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				},
			},
			{
				Config: cfg(120), // a replacement: delete and create with the TAP-only permission
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.entratap_pass.read", tfjsonpath.New("lifetime_in_minutes"), knownvalue.Int64Exact(120)),
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if p := passOf(m, graphmock.NoraID); p != nil {
				return fmt.Errorf("destroy left nora's pass %s", p.ID)
			}
			return nil
		},
	})
}

// The least-privileged app cannot edit the policy; the error names the permission to grant.
func TestAccPolicy_leastPrivilegedAppNamesThePermission(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config:      providerBlockAs(m, graphmock.LeastPrivilegedClientID, graphmock.LeastPrivilegedClientSecret) + `resource "entratap_policy" "this" {}`,
			ExpectError: passErr("Policy.ReadWrite.AuthenticationMethod"),
		}},
	})
}
