package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// The data source reads a user's current pass, never its code, and says
// when there is none.
func TestAccPassDataSource(t *testing.T) {
	m := newMock(t)
	const data = "data.entratap_pass.carol"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		CheckDestroy:             passCheckNoPass(m, graphmock.CarolID),
		Steps: []resource.TestStep{
			{
				Config: passConfig(m, `
data "entratap_pass" "carol" {
  user_id = "`+graphmock.CarolUPN+`"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr(data, "exists", knownvalue.Bool(false)),
					passAttr(data, "user_object_id", knownvalue.StringExact(graphmock.CarolID)),
					passAttr(data, "id", knownvalue.Null()),
					passAttr(data, "is_usable", knownvalue.Null()),
				},
			},
			{
				// user_object_id is unknown until the pass exists, so the read waits for it.
				Config: passConfig(m, `
resource "entratap_pass" "p" {
  user_id             = "`+graphmock.CarolUPN+`"
  lifetime_in_minutes = 120
}

data "entratap_pass" "carol" {
  user_id = entratap_pass.p.user_object_id
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr(data, "exists", knownvalue.Bool(true)),
					statecheck.CompareValuePairs(data, tfjsonpath.New("id"), "entratap_pass.p", tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.CompareValuePairs(data, tfjsonpath.New("expiration_date_time"), "entratap_pass.p", tfjsonpath.New("expiration_date_time"), compare.ValuesSame()),
					statecheck.CompareValuePairs(data, tfjsonpath.New("start_date_time"), "entratap_pass.p", tfjsonpath.New("start_date_time"), compare.ValuesSame()),
					passAttr(data, "lifetime_in_minutes", knownvalue.Int64Exact(120)),
					passAttr(data, "is_usable_once", knownvalue.Bool(false)),
					passAttr(data, "is_usable", knownvalue.Bool(true)),
					passAttr(data, "method_usability_reason", knownvalue.StringExact("EnabledByPolicy")),
				},
			},
			{
				Config: passConfig(m, `
data "entratap_pass" "nobody" {
  user_id = "nobody@`+graphmock.Domain+`"
}
`),
				ExpectError: passErr(`User "nobody@contoso.example" does not exist`),
			},
		},
	})
}
