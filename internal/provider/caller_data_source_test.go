package provider

// The entratap_caller data source (delegated_test.go covers it signed in as users).

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

func TestAccDelegated_callerIsApplication(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: providerBlock(m) + `data "entratap_caller" "me" {}` + "\n",
			ConfigStateChecks: []statecheck.StateCheck{
				callerAttr("kind", knownvalue.StringExact("application")),
				callerAttr("client_id", knownvalue.StringExact(graphmock.AdminClientID)),
				callerAttr("user_principal_name", knownvalue.StringExact("")),
				callerAttr("directory_roles", knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}
