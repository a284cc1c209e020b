package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

const passPolicyPath = "/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass"

// passPatchPolicy changes the mock's policy out of band.
func passPatchPolicy(t testing.TB, m *graphmock.Server, fields map[string]any) {
	t.Helper()
	body := map[string]any{"@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration"}
	for k, v := range fields {
		body[k] = v
	}
	if status, resp := m.GraphRequest(http.MethodPatch, passPolicyPath, body); status != http.StatusNoContent {
		t.Fatalf("PATCH policy: HTTP %d: %s", status, resp)
	}
}

// passEnablePolicy enables the policy: passes only sign in then.
func passEnablePolicy(t testing.TB, m *graphmock.Server) {
	passPatchPolicy(t, m, map[string]any{"state": "enabled"})
}

// passCreateOutOfBand issues a pass outside Terraform and returns its id.
func passCreateOutOfBand(t *testing.T, m *graphmock.Server, user string, body map[string]any) string {
	t.Helper()
	status, resp := m.GraphRequest(http.MethodPost, "/v1.0/users/"+user+"/authentication/temporaryAccessPassMethods", body)
	if status != http.StatusCreated {
		t.Fatalf("POST pass for %s: HTTP %d: %s", user, status, resp)
	}
	var p struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(resp, &p); err != nil || p.ID == "" {
		t.Fatalf("POST pass for %s: no id in the answer (%v)", user, err)
	}
	return p.ID
}

// passOf returns the mock's pass of a user, or nil.
func passOf(m *graphmock.Server, userID string) *graphmock.Pass {
	for _, p := range m.Snapshot().Passes {
		if strings.EqualFold(p.UserID, userID) {
			return &p
		}
	}
	return nil
}

// passSignsIn checks that the code signs the user in at the mock. Errors never quote the code.
func passSignsIn(m *graphmock.Server, user string) func(string) error {
	return func(code string) error {
		if code == "" {
			return errors.New("no code in state")
		}
		if err := m.SignIn(user, code); err != nil {
			return fmt.Errorf("signing %s in with the code from state failed: %w", user, err)
		}
		return nil
	}
}

// passSignInFails checks that the code no longer (or not yet) signs the user in, for the reason given.
func passSignInFails(m *graphmock.Server, user, reason string) func(string) error {
	return func(code string) error {
		err := m.SignIn(user, code)
		var se *graphmock.SignInError
		if !errors.As(err, &se) {
			return fmt.Errorf("signing %s in: want a failure with reason %s, got %v", user, reason, err)
		}
		if se.Reason != reason {
			return fmt.Errorf("signing %s in: want reason %s, got %s", user, reason, se.Reason)
		}
		return nil
	}
}

// passCapture stores a value from state for a later step.
func passCapture(dst *string) func(string) error {
	return func(v string) error {
		if v == "" {
			return errors.New("empty value")
		}
		*dst = v
		return nil
	}
}

// passCheckNoPass is a CheckDestroy: none of the users holds a pass.
func passCheckNoPass(m *graphmock.Server, userIDs ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, id := range userIDs {
			if p := passOf(m, id); p != nil {
				return fmt.Errorf("user %s still has pass %s after destroy", id, p.ID)
			}
		}
		return nil
	}
}

// passTenantCheck runs fn as a state check, for checks on the mock tenant
// in steps whose state the legacy shim behind Check cannot read (for_each keys).
type passTenantCheck func() error

func (fn passTenantCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = fn()
}

// passNoPassesLeft checks that the tenant holds no pass at all.
func passNoPassesLeft(m *graphmock.Server) passTenantCheck {
	return func() error {
		if ps := m.Snapshot().Passes; len(ps) != 0 {
			return fmt.Errorf("%d passes left in the tenant, the first of user %s", len(ps), ps[0].UserID)
		}
		return nil
	}
}

func passAttr(addr, attr string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), check)
}

// passErr matches a Terraform error whose words may be wrapped onto
// "│ "-prefixed lines: words are quoted and joined by any space, and
// separate phrases may have anything between them.
func passErr(phrases ...string) *regexp.Regexp {
	quoted := make([]string, len(phrases))
	for i, ph := range phrases {
		words := strings.Fields(ph)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		quoted[i] = strings.Join(words, `[\s│]+`)
	}
	return regexp.MustCompile(strings.Join(quoted, `[\s\S]*`))
}

func passConfig(m *graphmock.Server, body string) string { return providerBlock(m) + body }

// The life of a one-time pass: the code works once, the next refresh reads
// OneTimeUsed without a diff, import finds it again, destroy removes it.
func TestAccPassResource_basic(t *testing.T) {
	m := newMock(t)
	const addr = "entratap_pass.p"
	config := passConfig(m, `
resource "entratap_pass" "p" {
  user_id             = "`+graphmock.AliceUPN+`"
  lifetime_in_minutes = 90
  is_usable_once      = true
}
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		CheckDestroy:             passCheckNoPass(m, graphmock.AliceID),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("temporary_access_pass")),
					plancheck.ExpectSensitiveValue(addr, tfjsonpath.New("temporary_access_pass")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr(addr, "user_id", knownvalue.StringExact(graphmock.AliceUPN)),
					passAttr(addr, "user_object_id", knownvalue.StringExact(graphmock.AliceID)),
					passAttr(addr, "lifetime_in_minutes", knownvalue.Int64Exact(90)),
					passAttr(addr, "is_usable_once", knownvalue.Bool(true)),
					passAttr(addr, "replace_when_unusable", knownvalue.Bool(false)),
					passAttr(addr, "replace_existing", knownvalue.Bool(false)),
					passAttr(addr, "id", knownvalue.NotNull()),
					passAttr(addr, "created_date_time", knownvalue.NotNull()),
					passAttr(addr, "start_date_time", knownvalue.NotNull()),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("start_date_time"), addr, tfjsonpath.New("created_date_time"), compare.ValuesSame()),
					statecheck.ExpectSensitiveValue(addr, tfjsonpath.New("temporary_access_pass")),
					passAttr(addr, "is_usable", knownvalue.Bool(true)),
					passAttr(addr, "method_usability_reason", knownvalue.StringExact("EnabledByPolicy")),
					// The code in state signs alice in (and uses the one-time pass up).
					passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(passSignsIn(m, graphmock.AliceUPN))),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith(addr, "expiration_date_time", func(v string) error {
						return passCheckExpiry(m, graphmock.AliceID, v, 90)
					}),
				),
			},
			{
				// Used up: the refresh says so, and nothing is planned.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr(addr, "is_usable", knownvalue.Bool(false)),
					passAttr(addr, "method_usability_reason", knownvalue.StringExact("OneTimeUsed")),
					passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(passSignInFails(m, graphmock.AliceUPN, "OneTimeUsed"))),
				},
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateIdFunc:       passImportID(addr),
				ImportStateVerifyIgnore: []string{"temporary_access_pass"},
			},
			{
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: "not-a-pass-id",
				ExpectError:   regexp.MustCompile(`<user_id>/<pass_id>`),
			},
			{
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: graphmock.AliceUPN + "/",
				ExpectError:   regexp.MustCompile(`<user_id>/<pass_id>`),
			},
		},
	})
}

// passCheckExpiry checks expiration_date_time against the mock's pass: start plus lifetime.
func passCheckExpiry(m *graphmock.Server, userID, v string, lifetime int) error {
	p := passOf(m, userID)
	if p == nil {
		return fmt.Errorf("user %s has no pass", userID)
	}
	want := p.StartDateTime.Add(time.Duration(lifetime) * time.Minute).UTC().Format(time.RFC3339)
	if v != want {
		return fmt.Errorf("expiration_date_time = %s, want %s", v, want)
	}
	return nil
}

func passImportID(addr string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return "", fmt.Errorf("%s not in state", addr)
		}
		return rs.Primary.Attributes["user_id"] + "/" + rs.Primary.ID, nil
	}
}

// A delayed start reads NotYetValid until the clock reaches it.
func TestAccPassResource_delayedStart(t *testing.T) {
	m := newMock(t)
	const addr = "entratap_pass.p"
	start := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
	config := passConfig(m, fmt.Sprintf(`
resource "entratap_pass" "p" {
  user_id         = %q
  start_date_time = %q
  is_usable_once  = false
}
`, graphmock.BobUPN, start.Format(time.RFC3339)))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		CheckDestroy:             passCheckNoPass(m, graphmock.BobID),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr(addr, "start_date_time", knownvalue.StringExact(start.Format(time.RFC3339))),
					// The policy's default lifetime, filled in.
					passAttr(addr, "lifetime_in_minutes", knownvalue.Int64Exact(60)),
					passAttr(addr, "expiration_date_time", knownvalue.StringExact(start.Add(time.Hour).Format(time.RFC3339))),
					passAttr(addr, "is_usable", knownvalue.Bool(false)),
					passAttr(addr, "method_usability_reason", knownvalue.StringExact("NotYetValid")),
					passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(passSignInFails(m, graphmock.BobUPN, "NotYetValid"))),
				},
			},
			{
				PreConfig: func() { m.AdvanceClock(2*time.Hour + time.Minute) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr(addr, "is_usable", knownvalue.Bool(true)),
					passAttr(addr, "method_usability_reason", knownvalue.StringExact("EnabledByPolicy")),
					// Multi-use: it works twice.
					passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(passSignsIn(m, graphmock.BobUPN))),
					passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(passSignsIn(m, graphmock.BobUPN))),
				},
			},
		},
	})
}

// A start that Graph's clock has passed by the apply (the plan saw it in the future) is
// refused by Graph (400, microsoftgraph/msgraph-sdk-dotnet#2724): the apply fails on
// start_date_time with Graph's reason, and no pass exists.
func TestAccPassResource_startPassedByApply(t *testing.T) {
	m := newMock(t)
	start := time.Now().Add(30 * time.Minute).UTC().Truncate(time.Second)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		CheckDestroy:             passCheckNoPass(m, graphmock.BobID),
		Steps: []resource.TestStep{{
			PreConfig: func() { m.AdvanceClock(time.Hour) }, // Graph's time is an hour ahead of the plan's
			Config: passConfig(m, fmt.Sprintf(`
resource "entratap_pass" "p" {
  user_id         = %q
  start_date_time = %q
}
`, graphmock.BobUPN, start.Format(time.RFC3339))),
			ExpectError: passErr("start_date_time", "Invalid StartDateTime specified. It can not be a time in the past."),
		}},
	})
}

// With replace_when_unusable, an expired pass and a used one each plan a
// replacement, and the new codes work; turning the flag off is an in-place update.
func TestAccPassResource_replaceWhenUnusable(t *testing.T) {
	m := newMock(t)
	const addr = "entratap_pass.p"
	config := func(replace bool) string {
		return passConfig(m, fmt.Sprintf(`
resource "entratap_pass" "p" {
  user_id               = %q
  lifetime_in_minutes   = 60
  is_usable_once        = true
  replace_when_unusable = %t
}
`, graphmock.BobUPN, replace))
	}
	ids := statecheck.CompareValue(compare.ValuesDiffer())
	var code1, code2, code3 string
	signIn := func(code *string) func() {
		return func() {
			if err := m.SignIn(graphmock.BobUPN, *code); err != nil {
				t.Fatalf("the new code does not sign bob in: %v", err)
			}
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		CheckDestroy:             passCheckNoPass(m, graphmock.BobID),
		Steps: []resource.TestStep{
			{
				Config: config(true),
				ConfigStateChecks: []statecheck.StateCheck{
					ids.AddStateValue(addr, tfjsonpath.New("id")),
					passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(passCapture(&code1))),
				},
			},
			{
				// Expired: replaced.
				PreConfig: func() { m.AdvanceClock(61 * time.Minute) },
				Config:    config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("temporary_access_pass")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					ids.AddStateValue(addr, tfjsonpath.New("id")),
					passAttr(addr, "method_usability_reason", knownvalue.StringExact("EnabledByPolicy")),
					passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(passCapture(&code2))),
					// The old code is dead: its pass is gone.
					passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(func(string) error {
						return passSignInFails(m, graphmock.BobUPN, "WrongCode")(code1)
					})),
				},
			},
			{
				// The new code works once; the used pass is replaced.
				PreConfig: signIn(&code2),
				Config:    config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					ids.AddStateValue(addr, tfjsonpath.New("id")),
					passAttr(addr, "is_usable", knownvalue.Bool(true)),
					passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(passCapture(&code3))),
				},
			},
			{
				// The third code works too; turning the flag off updates in place and keeps the used pass.
				PreConfig: signIn(&code3),
				Config:    config(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr(addr, "replace_when_unusable", knownvalue.Bool(false)),
					passAttr(addr, "method_usability_reason", knownvalue.StringExact("OneTimeUsed")),
				},
			},
		},
	})
	if code1 == code2 || code2 == code3 {
		t.Error("a replacement kept the old code")
	}
}

// Without replace_when_unusable, expiry and use change nothing but the
// usability attributes: the plan stays empty. A policy change does the same.
func TestAccPassResource_unusableWithoutReplace(t *testing.T) {
	m := newMock(t)
	var aliceCode string
	config := passConfig(m, `
resource "entratap_pass" "once" {
  user_id        = "`+graphmock.AliceUPN+`"
  is_usable_once = true
}

resource "entratap_pass" "multi" {
  user_id        = "`+graphmock.BobUPN+`"
  is_usable_once = false
}
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		CheckDestroy:             passCheckNoPass(m, graphmock.AliceID, graphmock.BobID),
		Steps: []resource.TestStep{
			{
				// The default policy is disabled: passes are issued but unusable.
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr("entratap_pass.once", "is_usable", knownvalue.Bool(false)),
					passAttr("entratap_pass.once", "method_usability_reason", knownvalue.StringExact("DisabledByPolicy")),
					passAttr("entratap_pass.once", "temporary_access_pass", knownvalue.StringFunc(passSignInFails(m, graphmock.AliceUPN, "DisabledByPolicy"))),
					passAttr("entratap_pass.once", "temporary_access_pass", knownvalue.StringFunc(passCapture(&aliceCode))),
				},
			},
			{
				PreConfig: func() {
					passEnablePolicy(t, m)
					if err := m.SignIn(graphmock.AliceUPN, aliceCode); err != nil {
						t.Fatalf("alice's code does not sign her in once the policy is enabled: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr("entratap_pass.once", "method_usability_reason", knownvalue.StringExact("OneTimeUsed")),
					passAttr("entratap_pass.multi", "is_usable", knownvalue.Bool(true)),
					passAttr("entratap_pass.multi", "method_usability_reason", knownvalue.StringExact("EnabledByPolicy")),
				},
			},
			{
				PreConfig: func() { m.AdvanceClock(61 * time.Minute) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr("entratap_pass.multi", "is_usable", knownvalue.Bool(false)),
					passAttr("entratap_pass.multi", "method_usability_reason", knownvalue.StringExact("Expired")),
					passAttr("entratap_pass.multi", "temporary_access_pass", knownvalue.StringFunc(passSignInFails(m, graphmock.BobUPN, "Expired"))),
				},
			},
		},
	})
}

// A change of triggers replaces the pass; a change of timeouts updates it in place.
func TestAccPassResource_triggersAndTimeouts(t *testing.T) {
	m := newMock(t)
	const addr = "entratap_pass.p"
	config := func(ticket, extra string) string {
		return passConfig(m, fmt.Sprintf(`
resource "entratap_pass" "p" {
  user_id  = %q
  triggers = { ticket = %q }
  %s
}
`, graphmock.AliceUPN, ticket, extra))
	}
	replaced := statecheck.CompareValue(compare.ValuesDiffer())
	kept := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		CheckDestroy:             passCheckNoPass(m, graphmock.AliceID),
		Steps: []resource.TestStep{
			{
				Config:            config("INC-1", ""),
				ConfigStateChecks: []statecheck.StateCheck{replaced.AddStateValue(addr, tfjsonpath.New("id"))},
			},
			{
				Config: config("INC-2", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					replaced.AddStateValue(addr, tfjsonpath.New("id")),
					kept.AddStateValue(addr, tfjsonpath.New("id")),
					passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(passSignsIn(m, graphmock.AliceUPN))),
				},
			},
			{
				Config: config("INC-2", `timeouts = { create = "10m", read = "1m", delete = "2m" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					kept.AddStateValue(addr, tfjsonpath.New("id")),
					passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(passSignsIn(m, graphmock.AliceUPN))),
				},
			},
		},
	})
}

// A pass deleted outside Terraform is created again.
func TestAccPassResource_deletedOutOfBand(t *testing.T) {
	m := newMock(t)
	const addr = "entratap_pass.p"
	config := passConfig(m, `
resource "entratap_pass" "p" {
  user_id = "`+graphmock.CarolID+`"
}
`)
	ids := statecheck.CompareValue(compare.ValuesDiffer())
	var passID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		CheckDestroy:             passCheckNoPass(m, graphmock.CarolID),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					ids.AddStateValue(addr, tfjsonpath.New("id")),
					passAttr(addr, "id", knownvalue.StringFunc(passCapture(&passID))),
					passAttr(addr, "user_object_id", knownvalue.StringExact(graphmock.CarolID)),
				},
			},
			{
				PreConfig: func() {
					status, body := m.GraphRequest(http.MethodDelete, "/v1.0/users/"+graphmock.CarolID+"/authentication/temporaryAccessPassMethods/"+passID, nil)
					if status != http.StatusNoContent {
						t.Fatalf("out-of-band DELETE: HTTP %d: %s", status, body)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					ids.AddStateValue(addr, tfjsonpath.New("id")),
					passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(passSignsIn(m, graphmock.CarolUPN))),
				},
			},
		},
	})
}

// A live pass made outside Terraform blocks the create, named in the error,
// until replace_existing = true.
func TestAccPassResource_replaceExisting(t *testing.T) {
	m := newMock(t)
	passEnablePolicy(t, m)
	outside := passCreateOutOfBand(t, m, graphmock.BobUPN, map[string]any{"lifetimeInMinutes": 120})
	const addr = "entratap_pass.p"
	config := func(replace bool) string {
		return passConfig(m, fmt.Sprintf(`
resource "entratap_pass" "p" {
  user_id          = %q
  replace_existing = %t
}
`, graphmock.BobUPN, replace))
	}
	kept := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		CheckDestroy:             passCheckNoPass(m, graphmock.BobID),
		Steps: []resource.TestStep{
			{
				Config:      config(false),
				ExpectError: passErr("already has a Temporary Access Pass", outside, "replace_existing = true"),
			},
			{
				PreConfig: func() {
					if p := passOf(m, graphmock.BobID); p == nil || p.ID != outside {
						t.Fatalf("the failed create touched the pass made outside Terraform: %+v", p)
					}
				},
				Config: config(true),
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr(addr, "id", knownvalue.StringFunc(func(id string) error {
						if id == outside {
							return errors.New("the pass made outside Terraform was kept")
						}
						if p := passOf(m, graphmock.BobID); p == nil || p.ID != id {
							return fmt.Errorf("bob's pass in the tenant is %+v, want %s", p, id)
						}
						return nil
					})),
					passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(passSignsIn(m, graphmock.BobUPN))),
					kept.AddStateValue(addr, tfjsonpath.New("id")),
				},
			},
			{
				// replace_existing only matters to the next create: turning it off
				// updates the state in place and writes nothing to Graph.
				PreConfig: m.ResetRequests,
				Config:    config(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr(addr, "replace_existing", knownvalue.Bool(false)),
					kept.AddStateValue(addr, tfjsonpath.New("id")),
					passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(passSignsIn(m, graphmock.BobUPN))),
				},
				Check: func(*terraform.State) error {
					for _, e := range m.Requests() {
						// A $batch is a POST; the requests in it are logged on their own, with their methods.
						if strings.HasPrefix(e.Path, "/v1.0/") && e.Method != http.MethodGet && !strings.EqualFold(e.Path, "/v1.0/$batch") {
							return fmt.Errorf("changing replace_existing sent %s %s to Graph", e.Method, e.Path)
						}
					}
					return nil
				},
			},
		},
	})
}

// An expired pass made outside Terraform is simply replaced.
func TestAccPassResource_expiredExistingIsReplaced(t *testing.T) {
	m := newMock(t)
	passEnablePolicy(t, m)
	outside := passCreateOutOfBand(t, m, graphmock.CarolUPN, map[string]any{"lifetimeInMinutes": 60})
	m.AdvanceClock(61 * time.Minute)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		CheckDestroy:             passCheckNoPass(m, graphmock.CarolID),
		Steps: []resource.TestStep{{
			Config: passConfig(m, `
resource "entratap_pass" "p" {
  user_id = "`+graphmock.CarolUPN+`"
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				passAttr("entratap_pass.p", "id", knownvalue.StringFunc(func(id string) error {
					if id == outside {
						return errors.New("kept the expired pass")
					}
					return nil
				})),
				passAttr("entratap_pass.p", "temporary_access_pass", knownvalue.StringFunc(passSignsIn(m, graphmock.CarolUPN))),
			},
		}},
	})
}

// Inputs the tenant or the schema refuses fail at plan, before anything is created.
func TestAccPassResource_planTimeChecks(t *testing.T) {
	m := newMock(t)
	config := func(attrs string) string {
		return passConfig(m, `
resource "entratap_pass" "p" {
`+attrs+`
}
`)
	}
	alice := `user_id = "` + graphmock.AliceUPN + `"` + "\n"
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		CheckDestroy: func(*terraform.State) error {
			if n := len(m.Snapshot().Passes); n != 0 {
				return fmt.Errorf("%d passes were created by configurations that should have failed at plan", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				// Outside the policy's range (60–480 by default), quoted.
				Config:      config(alice + `lifetime_in_minutes = 600`),
				PlanOnly:    true,
				ExpectError: passErr("lifetime_in_minutes = 600", "between 60 and 480 minutes"),
			},
			{
				Config:      config(alice + `lifetime_in_minutes = 30`),
				PlanOnly:    true,
				ExpectError: passErr("between 60 and 480 minutes"),
			},
			{
				// Outside what Graph allows at all: the schema says so without Graph.
				Config:      config(alice + `lifetime_in_minutes = 5`),
				PlanOnly:    true,
				ExpectError: passErr("lifetime_in_minutes value must be between 10 and 43200"),
			},
			{
				Config:      config(alice + `start_date_time = "tomorrow at nine"`),
				PlanOnly:    true,
				ExpectError: passErr("start_date_time must be an RFC 3339 timestamp"),
			},
			{
				Config:      config(alice + `start_date_time = "` + past + `"`),
				PlanOnly:    true,
				ExpectError: passErr("start_date_time is in the past"),
			},
			{
				Config:      config(`user_id = "nobody@` + graphmock.Domain + `"`),
				PlanOnly:    true,
				ExpectError: passErr(`User "nobody@contoso.example" does not exist`),
			},
			{
				Config:      config(`user_id = ""`),
				PlanOnly:    true,
				ExpectError: passErr("user_id string length must be at least 1"),
			},
			{
				PreConfig: func() {
					passPatchPolicy(t, m, map[string]any{"isUsableOnce": true, "minimumLifetimeInMinutes": 30, "defaultLifetimeInMinutes": 30})
				},
				Config:      config(alice + `is_usable_once = false`),
				PlanOnly:    true,
				ExpectError: passErr("requires one-time passes", "between 30 and 480 minutes"),
			},
			{
				// The same lifetime is fine once the policy allows it.
				Config:             config(alice + `lifetime_in_minutes = 30`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// The plan warns when the pass would be unusable (disabled policy, user not
// targeted) or when the user is a guest. Terraform's test harness cannot see
// warnings, so this plans through the provider's protocol server.
func TestAccPassResource_planWarnings(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	srv, schemas := passProtocolServer(t, m)
	schema := schemas.ResourceSchemas["entratap_pass"]
	plan := func(user string) []string {
		t.Helper()
		cfg := passDynamicValue(t, schema, map[string]tftypes.Value{"user_id": tftypes.NewValue(tftypes.String, user)})
		null, err := tfprotov6.NewDynamicValue(schema.ValueType(), tftypes.NewValue(schema.ValueType(), nil))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.PlanResourceChange(t.Context(), &tfprotov6.PlanResourceChangeRequest{
			TypeName: "entratap_pass", PriorState: &null, ProposedNewState: cfg, Config: cfg,
		})
		if err != nil {
			t.Fatal(err)
		}
		var warnings []string
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityError {
				t.Fatalf("plan for %s: error %s: %s", user, d.Summary, d.Detail)
			}
			warnings = append(warnings, d.Summary)
		}
		return warnings
	}
	expect := func(user string, want ...string) {
		t.Helper()
		if got := plan(user); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("plan for %s: warnings %q, want %q", user, got, want)
		}
	}

	expect(graphmock.AliceUPN, "The Temporary Access Pass policy is disabled")
	// Enabled for the onboarding group only, which holds alice.
	passPatchPolicy(t, m, map[string]any{"state": "enabled", "includeTargets": []map[string]any{
		{"id": graphmock.OnboardingGroupID, "targetType": "group", "isRegistrationRequired": false}}})
	// A new provider process, as Terraform starts for each command: a
	// process remembers the policy it read for a minute.
	srv, _ = passProtocolServer(t, m)
	expect(graphmock.AliceUPN)
	expect(graphmock.NoraUPN) // in a group nested in the onboarding group
	expect(graphmock.BobUPN, "The policy does not target the user")
	// Everyone but alice.
	passPatchPolicy(t, m, map[string]any{
		"includeTargets": []map[string]any{{"id": "all_users", "targetType": "group", "isRegistrationRequired": false}},
		"excludeTargets": []map[string]any{{"id": graphmock.AliceID, "targetType": "user"}}})
	srv, _ = passProtocolServer(t, m)
	expect(graphmock.AliceUPN, "The policy does not target the user")
	expect(graphmock.CarolUPN)
	expect(graphmock.GuestUPN, "The user is a guest")
	expect(graphmock.InternalGuestUPN) // an internal guest can hold a pass: no warning
	if n := len(m.Snapshot().Passes); n != 0 {
		t.Errorf("planning created %d passes", n)
	}
}

// Graph refuses a pass for an external guest; its reason reaches the user.
func TestAccPassResource_guest(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: passConfig(m, fmt.Sprintf(`
resource "entratap_pass" "p" {
  user_id = %q
}
`, graphmock.GuestUPN)),
			ExpectError: passErr("Temporary Access Pass cannot be added to an external guest user"),
		}},
	})
}

// An internal guest (userType Guest, no invitation) gets a pass; only external guests are refused.
func TestAccPassResource_internalGuest(t *testing.T) {
	m := newMock(t)
	passEnablePolicy(t, m)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: passConfig(m, fmt.Sprintf(`
resource "entratap_pass" "p" {
  user_id = %q
}
`, graphmock.InternalGuestUPN)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("entratap_pass.p", tfjsonpath.New("user_object_id"), knownvalue.StringExact(graphmock.InternalGuestID)),
				statecheck.ExpectKnownValue("entratap_pass.p", tfjsonpath.New("is_usable"), knownvalue.Bool(true)),
			},
		}},
	})
}

const passForEachConfig = `
resource "entratap_pass" "p" {
  for_each = toset(["` + graphmock.AliceUPN + `", "` + graphmock.BobUPN + `", "` + graphmock.CarolUPN + `"])
  user_id  = each.value
}
`

// One apply issues a working pass to each of the three members.
func TestAccPassResource_forEach(t *testing.T) {
	m := newMock(t)
	var checks []statecheck.StateCheck
	for _, upn := range []string{graphmock.AliceUPN, graphmock.BobUPN, graphmock.CarolUPN} {
		addr := fmt.Sprintf("entratap_pass.p[%q]", upn)
		checks = append(checks,
			passAttr(addr, "method_usability_reason", knownvalue.StringExact("EnabledByPolicy")),
			passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(passSignsIn(m, upn))))
	}
	checks = append(checks, statecheck.CompareValuePairs(
		`entratap_pass.p["`+graphmock.AliceUPN+`"]`, tfjsonpath.New("user_object_id"),
		`entratap_pass.p["`+graphmock.BobUPN+`"]`, tfjsonpath.New("user_object_id"), compare.ValuesDiffer()))
	checks = append(checks, passTenantCheck(func() error {
		if n := len(m.Snapshot().Passes); n != 3 {
			return fmt.Errorf("the tenant holds %d passes, want 3", n)
		}
		return nil
	}))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{
			{Config: passConfig(m, passForEachConfig), ConfigStateChecks: checks},
			passDestroyStep(m),
		},
	})
}

// passDestroyStep removes every resource and checks that no pass is left.
// The testing framework's own destroy reads the state through a shim that
// cannot handle for_each keys, so for_each tests destroy in a step of their own.
func passDestroyStep(m *graphmock.Server) resource.TestStep {
	return resource.TestStep{
		Config:            providerBlock(m),
		ConfigStateChecks: []statecheck.StateCheck{passNoPassesLeft(m)},
	}
}

// A user unknown at plan time and not yet visible to Graph (replication) is
// waited for, and so is a pass not yet readable after its create.
func TestAccPassResource_replicationLag(t *testing.T) {
	m := newMock(t)
	t.Cleanup(func() { m.SetFaults(graphmock.Faults{}) })
	const upn = "dave@" + graphmock.Domain
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck: func() {
			passEnablePolicy(t, m)
			m.SetFaults(graphmock.Faults{ReplicationLagReads: 3})
			if _, err := m.AddUser(graphmock.NewUser{UserPrincipalName: upn}); err != nil {
				t.Fatalf("adding dave: %v", err)
			}
		},
		Steps: []resource.TestStep{{
			Config: passConfig(m, `
resource "terraform_data" "user" {
  input = "`+upn+`"
}

resource "entratap_pass" "p" {
  user_id = terraform_data.user.output
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				passAttr("entratap_pass.p", "user_id", knownvalue.StringExact(upn)),
				passAttr("entratap_pass.p", "temporary_access_pass", knownvalue.StringFunc(passSignsIn(m, upn))),
			},
		}},
	})
}

// A Continuous Access Evaluation claims challenge in the middle of an apply is answered (a new
// token with the claims, the request again), not reported as an error.
func TestAccPassResource_claimsChallengeMidApply(t *testing.T) {
	m := newMock(t)
	passEnablePolicy(t, m)
	cfg := func(lifetime int) string {
		return passConfig(m, fmt.Sprintf(`
resource "entratap_pass" "p" {
  user_id             = %q
  lifetime_in_minutes = %d
}
`, graphmock.CarolUPN, lifetime))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{Config: cfg(60)},
			{
				// Every Terraform command starts a provider process with a fresh token: revoking the
				// first three tokens seen lands challenges in the plan and in the apply.
				PreConfig: func() { m.ResetRequests(); m.SetFaults(graphmock.Faults{ClaimsChallenges: 3}) },
				Config:    cfg(120),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("entratap_pass.p", tfjsonpath.New("lifetime_in_minutes"), knownvalue.Int64Exact(120)),
				},
			},
		},
	})
	n := 0
	for _, r := range m.Requests() {
		if r.Fault == "claimsChallenge" {
			n++
		}
	}
	if n != 3 {
		t.Fatalf("%d claims challenges were answered, want 3: %+v", n, m.Requests())
	}
}

// A run at TRACE log level never writes a code to the log, Terraform's or the provider's.
func TestAccPassResource_noCodeInLog(t *testing.T) {
	m := newMock(t)
	logPath := traceLog(t)

	var mu sync.Mutex
	codes := map[string]bool{}
	collect := func(code string) error {
		mu.Lock()
		defer mu.Unlock()
		codes[code] = true
		return nil
	}
	var checks []statecheck.StateCheck
	for _, upn := range []string{graphmock.AliceUPN, graphmock.BobUPN, graphmock.CarolUPN} {
		checks = append(checks, passAttr(fmt.Sprintf("entratap_pass.p[%q]", upn), "temporary_access_pass", knownvalue.StringFunc(collect)))
	}
	// Serial: Terraform and terraform-plugin-testing read TF_LOG* and TF_ACC_* from the process environment.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{
			{Config: passConfig(m, passForEachConfig), ConfigStateChecks: checks},
			passDestroyStep(m),
		},
	})

	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading the log: %v", err)
	}
	// Both the CLI's and the provider's lines must be there for the scan to mean anything.
	for _, want := range []string{logVersionLine(), "Microsoft Graph request", "temporaryAccessPassMethods", "ApplyResourceChange"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Fatalf("the log (%d bytes) lacks %q: logging was not captured", len(data), want)
		}
	}
	if len(codes) != 3 {
		t.Fatalf("collected %d codes from state, want 3", len(codes))
	}
	n := 0
	for code := range codes {
		n++
		if bytes.Contains(data, []byte(code)) {
			t.Errorf("the TRACE log holds the code of pass %d of 3", n)
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

// State written before identity existed (Terraform ≤ 1.11, or an older
// provider) gets its identity on the next refresh, with the same pass.
func TestProtoPassIdentityOnRefresh(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	passEnablePolicy(t, m)
	passID := outOfBandPass(t, m, graphmock.AliceID, nil)
	p := newProtoProvider(t, m)
	resSchema := p.schema.ResourceSchemas["entratap_pass"]
	state := p.value(resSchema, map[string]tftypes.Value{
		"user_id": str(graphmock.AliceUPN), "id": str(passID), "user_object_id": str(graphmock.AliceID),
		"replace_existing": tftypes.NewValue(tftypes.Bool, false), "replace_when_unusable": tftypes.NewValue(tftypes.Bool, false),
	})
	resp, err := p.srv.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: "entratap_pass", CurrentState: state})
	if err != nil || hasError(resp.Diagnostics) {
		t.Fatalf("ReadResource: %v %s", err, diagText(resp.Diagnostics))
	}
	if resp.NewIdentity == nil {
		t.Fatal("ReadResource returned no identity")
	}
	id := decode(t, resp.NewIdentity.IdentityData, p.identityType("entratap_pass"))
	if id["user_id"] != graphmock.AliceID || id["id"] != passID {
		t.Fatalf("identity %v, want user_id %s id %s", id, graphmock.AliceID, passID)
	}
	st := decode(t, resp.NewState, resSchema.ValueType())
	if st["id"] != passID || st["user_id"] != graphmock.AliceUPN {
		t.Fatalf("state changed identity-bearing fields: %v", st)
	}

	// A second refresh with that identity passes the framework's no-change check.
	resp2, err := p.srv.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: "entratap_pass", CurrentState: resp.NewState, CurrentIdentity: resp.NewIdentity})
	if err != nil || len(resp2.Diagnostics) > 0 {
		t.Fatalf("second ReadResource: %v %s", err, diagText(resp2.Diagnostics))
	}
}

func TestProtoPassImportByIdentity(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	passEnablePolicy(t, m)
	passID := outOfBandPass(t, m, graphmock.BobID, nil)
	p := newProtoProvider(t, m)
	ctx := context.Background()
	resSchema := p.schema.ResourceSchemas["entratap_pass"]

	imp, err := p.srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "entratap_pass",
		Identity: p.identity("entratap_pass", map[string]tftypes.Value{"user_id": str(graphmock.BobID), "id": str(passID)})})
	if err != nil || len(imp.Diagnostics) > 0 || len(imp.ImportedResources) != 1 {
		t.Fatalf("ImportResourceState: %v %s", err, diagText(imp.Diagnostics))
	}
	r := imp.ImportedResources[0]
	read, err := p.srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "entratap_pass", CurrentState: r.State, Private: r.Private, CurrentIdentity: r.Identity})
	if err != nil || len(read.Diagnostics) > 0 {
		t.Fatalf("ReadResource after import: %v %s", err, diagText(read.Diagnostics))
	}
	st := decode(t, read.NewState, resSchema.ValueType())
	if st["id"] != passID || st["user_object_id"] != graphmock.BobID || st["is_usable"] != true || st["temporary_access_pass"] != nil {
		t.Fatalf("imported state: %v", st)
	}
	id := decode(t, read.NewIdentity.IdentityData, p.identityType("entratap_pass"))
	if id["user_id"] != graphmock.BobID || id["id"] != passID {
		t.Fatalf("identity after import: %v", id)
	}

	// A user principal name in the identity is resolved to the object id by the read that follows the import.
	imp, _ = p.srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "entratap_pass",
		Identity: p.identity("entratap_pass", map[string]tftypes.Value{"user_id": str(graphmock.BobUPN), "id": str(passID)})})
	r = imp.ImportedResources[0]
	read, _ = p.srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "entratap_pass", CurrentState: r.State, Private: r.Private, CurrentIdentity: r.Identity})
	if len(read.Diagnostics) > 0 || decode(t, read.NewIdentity.IdentityData, p.identityType("entratap_pass"))["user_id"] != graphmock.BobID {
		t.Fatalf("import by UPN identity: %s", diagText(read.Diagnostics))
	}

	bad, _ := p.srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "entratap_pass",
		Identity: p.identity("entratap_pass", map[string]tftypes.Value{"user_id": str("a/b"), "id": str(passID)})})
	if d := findDiag(bad.Diagnostics, tfprotov6.DiagnosticSeverityError, "Invalid import identity"); d == nil || !strings.Contains(d.Detail, "user_id") {
		t.Fatalf("bad identity: %s", diagText(bad.Diagnostics))
	}
}

// Unit tests: no Terraform, no mock.

func TestPassResourceImportState(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	r := &PassResource{}
	var sresp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &sresp)
	importID := func(id string) (*fwresource.ImportStateResponse, passResourceModel) {
		resp := &fwresource.ImportStateResponse{State: tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(sresp.Schema.Type().TerraformType(ctx), nil)}}
		r.ImportState(ctx, fwresource.ImportStateRequest{ID: id}, resp)
		var m passResourceModel
		if !resp.Diagnostics.HasError() {
			resp.Diagnostics.Append(resp.State.Get(ctx, &m)...)
		}
		return resp, m
	}
	resp, m := importID("guest_fabrikam.example#EXT#@contoso.example/6f5d2c1e-0000-4000-8000-000000000000")
	if resp.Diagnostics.HasError() {
		t.Fatalf("import: %v", resp.Diagnostics)
	}
	if m.UserID.ValueString() != "guest_fabrikam.example#EXT#@contoso.example" || m.ID.ValueString() != "6f5d2c1e-0000-4000-8000-000000000000" ||
		m.ReplaceExisting.ValueBool() || m.ReplaceWhenUnusable.ValueBool() || !m.TemporaryAccessPass.IsNull() {
		t.Errorf("imported state = %+v", m)
	}
	for _, bad := range []string{"", "6f5d2c1e", "/6f5d2c1e", "alice@contoso.example/", " alice@contoso.example/x"} {
		if resp, _ := importID(bad); !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics[0].Detail(), "<user_id>/<pass_id>") {
			t.Errorf("import id %q: want an error naming the format, got %v", bad, resp.Diagnostics)
		}
	}
}
