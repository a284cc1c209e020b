package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// user_id written another way for the same user (another case, the object id) keeps the
// pass, updated in place; naming another user replaces it.
func TestAccPassResource_sameUserWrittenAnotherWay(t *testing.T) {
	m := newMock(t)
	var aliceID string
	for _, u := range m.Snapshot().Users {
		if strings.EqualFold(u.UserPrincipalName, graphmock.AliceUPN) {
			aliceID = u.ID
		}
	}
	if aliceID == "" {
		t.Fatal("no alice in the seed")
	}
	cfg := func(user string) string {
		return providerBlock(m) + `
resource "entratap_pass" "p" {
  user_id = "` + user + `"
}
`
	}
	const addr = "entratap_pass.p"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{Config: cfg(graphmock.AliceUPN)},
			{Config: cfg(strings.ToUpper(graphmock.AliceUPN)), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}}},
			{Config: cfg(aliceID), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}}},
			{Config: cfg(graphmock.BobUPN), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)}}},
		},
	})
}
