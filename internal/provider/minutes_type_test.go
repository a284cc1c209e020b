package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// A fractional lifetime is refused at plan with the attribute's name and "whole number of minutes",
// never with the framework's "%!s(*big.Float=1.5)" text, in all three places that take a lifetime.
func TestAccHostile_fractionalLifetime(t *testing.T) {
	m := newMock(t)
	user := graphmock.AliceUPN
	pass := providerBlock(m) + "resource \"entratap_pass\" \"p\" {\n  user_id = \"" + user + "\"\n  lifetime_in_minutes = 1.5\n}\n"
	passes := wavePasses(m, map[string][2]string{"a": {user, "90.25"}})
	eph := passEchoConfig(m, "  user_id = \""+user+"\"\n  lifetime_in_minutes = 1.5\n")
	step := func(config, re string) resource.TestStep {
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: regexp.MustCompile(re)}
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   passSkipBelow110,
		ProtoV6ProviderFactories: protoV6WithEcho,
		ErrorCheck: func(err error) error {
			if err != nil && (strings.Contains(err.Error(), "big.Float") || strings.Contains(err.Error(), "provider developer")) {
				t.Errorf("the framework's text leaks through:\n%s", err)
			}
			return err
		},
		Steps: []resource.TestStep{
			step(pass, `(?s)not a whole number of minutes.*lifetime_in_minutes = 1\.5:.*whole\s+number\s+of\s+minutes`),
			step(passes, `(?s)not a whole number of minutes.*lifetime_in_minutes = 90\.25`),
			step(eph, `(?s)not a whole number of minutes.*lifetime_in_minutes = 1\.5`),
		},
	})
}
