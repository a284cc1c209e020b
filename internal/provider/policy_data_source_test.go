package provider

// The entratap_policy data source.

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

func TestAccPolicy_dataSourceReadsWhatTheResourceWrote(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: providerBlock(m) + `
resource "entratap_policy" "this" {
  default_length  = 14
  is_usable_once  = true
  include_targets = [{ id = "` + graphmock.OnboardingGroupID + `", target_type = "group" }]
}
data "entratap_policy" "read" {
  depends_on = [entratap_policy.this]
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.CompareValuePairs("entratap_policy.this", tfjsonpath.New("default_length"), "data.entratap_policy.read", tfjsonpath.New("default_length"), compareEqual),
				statecheck.CompareValuePairs("entratap_policy.this", tfjsonpath.New("include_targets"), "data.entratap_policy.read", tfjsonpath.New("include_targets"), compareEqual),
				statecheck.CompareValuePairs("entratap_policy.this", tfjsonpath.New("exclude_targets"), "data.entratap_policy.read", tfjsonpath.New("exclude_targets"), compareEqual),
				statecheck.ExpectKnownValue("data.entratap_policy.read", tfjsonpath.New("is_usable_once"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.entratap_policy.read", tfjsonpath.New("enabled"), knownvalue.Bool(true)),
			},
		}},
	})
}
