package provider

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// signInAndRegister is a new hire at the security-info page: signs in with the user's pass
// code and registers method at the mock.
func signInAndRegister(t *testing.T, m *graphmock.Server, user, code, method string) {
	t.Helper()
	if err := m.SignIn(user, code); err != nil {
		t.Fatalf("sign-in of %s: %v", user, err)
	}
	if _, err := m.Register(user, method, ""); err != nil {
		t.Fatalf("registering %s for %s: %v", method, user, err)
	}
}

// issueOutOfBand issues user a pass outside Terraform and returns its code.
func issueOutOfBand(t *testing.T, m *graphmock.Server, user string) string {
	t.Helper()
	st, raw := m.GraphRequest(http.MethodPost, "/v1.0/users/"+user+"/authentication/temporaryAccessPassMethods", map[string]any{})
	var p struct {
		Code string `json:"temporaryAccessPass"`
	}
	if st != http.StatusCreated || json.Unmarshal(raw, &p) != nil {
		t.Fatalf("POST pass for %s: HTTP %d: %s", user, st, raw)
	}
	return p.Code
}

// The data source lists a user's methods with when they came, and the finish line: a strong
// method since the user's pass started. A method from before the pass does not count.
func TestAccUserMethodsDataSource(t *testing.T) {
	m := newMock(t)
	passEnablePolicy(t, m)
	old, err := m.AddUser(graphmock.NewUser{UserPrincipalName: "recovering@" + graphmock.Domain,
		Methods: []graphmock.Method{{Kind: graphmock.MethodMicrosoftAuthenticator, DisplayName: "lost phone", CreatedDateTime: m.Now().Add(-72 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	issueOutOfBand(t, m, old.ID)
	signInAndRegister(t, m, graphmock.BobID, issueOutOfBand(t, m, graphmock.BobID), graphmock.MethodFido2)
	bob, rec := "data.entratap_user_methods.bob", "data.entratap_user_methods.recovering"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: passConfig(m, `
data "entratap_user_methods" "bob" {
  user_id = "`+graphmock.BobUPN+`"
}
data "entratap_user_methods" "recovering" {
  user_id = "recovering@`+graphmock.Domain+`"
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(bob, tfjsonpath.New("registered").AtMapKey("method"), knownvalue.StringExact("fido2")),
				statecheck.ExpectKnownValue(bob, tfjsonpath.New("methods"), knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"method": knownvalue.StringExact("fido2"), "strong": knownvalue.Bool(true), "created_date_time": knownvalue.NotNull(),
				})})),
				statecheck.ExpectKnownValue(bob, tfjsonpath.New("user_object_id"), knownvalue.StringExact(graphmock.BobID)),
				// Authenticator from before the recovery pass: listed, not the finish line.
				statecheck.ExpectKnownValue(rec, tfjsonpath.New("registered"), knownvalue.Null()),
				statecheck.ExpectKnownValue(rec, tfjsonpath.New("methods"), knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"method": knownvalue.StringExact("microsoftAuthenticator"), "display_name": knownvalue.StringExact("lost phone"),
				})})),
			},
		}},
	})
}

// Signed in as an Authentication Administrator: the methods of a member are read, those of an
// admin are an error naming the role that reads them.
func TestAccDelegated_authenticationAdministratorReadsMethods(t *testing.T) {
	m := newMock(t)
	fakeAzureCLI(t, m, graphmock.AuthAdminUPN)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: cliProviderBlock(m) + `data "entratap_user_methods" "bob" {
  user_id = "` + graphmock.BobUPN + `"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.entratap_user_methods.bob", tfjsonpath.New("methods"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				Config: cliProviderBlock(m) + `data "entratap_user_methods" "admin" {
  user_id = "` + graphmock.PrivAuthAdminUPN + `"
}
`,
				ExpectError: wrapped(`authentication methods of user privauthadmin@contoso\.example failed.*Privileged Authentication Administrator`),
			},
		},
	})
}
