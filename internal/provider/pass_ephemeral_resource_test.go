package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

var passSkipBelow110 = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)}

// passEcho is the value the echo provider stores: the ephemeral object.
func passEcho(attr string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey(attr), check)
}

func passEchoConfig(m *graphmock.Server, attrs string) string {
	return providerBlock(m) + `
ephemeral "entratap_pass" "p" {
` + attrs + `
}

provider "echo" {
  data = ephemeral.entratap_pass.p
}

resource "echo" "test" {}
`
}

// With revoke_on_close = false (and replace_existing = true, since the
// plan's pass is still there when the apply opens the resource again) the
// code reaches the run and the pass outlives it.
func TestAccEphemeralPass_keptForUser(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   passSkipBelow110,
		ProtoV6ProviderFactories: protoV6WithEcho,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{{
			Config: passEchoConfig(m, `
  user_id          = "`+graphmock.AliceUPN+`"
  revoke_on_close  = false
  replace_existing = true
`),
			ConfigStateChecks: []statecheck.StateCheck{
				passEcho("user_object_id", knownvalue.StringExact(graphmock.AliceID)),
				passEcho("revoke_on_close", knownvalue.Bool(false)),
				passEcho("is_usable", knownvalue.Bool(true)),
				passEcho("method_usability_reason", knownvalue.StringExact("EnabledByPolicy")),
				passEcho("lifetime_in_minutes", knownvalue.Int64Exact(60)),
				// The apply has closed the resource: the pass is still the user's.
				passEcho("id", knownvalue.StringFunc(func(id string) error {
					if p := passOf(m, graphmock.AliceID); p == nil || p.ID != id {
						return fmt.Errorf("alice's pass in the tenant is %+v, want %s", p, id)
					}
					return nil
				})),
				passEcho("temporary_access_pass", knownvalue.StringFunc(passSignsIn(m, graphmock.AliceUPN))),
			},
		}},
	})
}

// With revoke_on_close = true (the default) every pass is deleted when
// Terraform closes the resource: none survives the run.
func TestAccEphemeralPass_revokedOnClose(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   passSkipBelow110,
		ProtoV6ProviderFactories: protoV6WithEcho,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		CheckDestroy:             passCheckNoPass(m, graphmock.BobID),
		Steps: []resource.TestStep{{
			Config: passEchoConfig(m, `
  user_id             = "`+graphmock.BobUPN+`"
  lifetime_in_minutes = 120
`),
			ConfigStateChecks: []statecheck.StateCheck{
				passEcho("revoke_on_close", knownvalue.Bool(true)),
				passEcho("replace_existing", knownvalue.Bool(false)),
				passEcho("lifetime_in_minutes", knownvalue.Int64Exact(120)),
				passEcho("temporary_access_pass", knownvalue.StringFunc(passSignInFails(m, graphmock.BobUPN, "NoPass"))),
			},
			Check: func(*terraform.State) error {
				if p := passOf(m, graphmock.BobID); p != nil {
					return fmt.Errorf("pass %s outlived the run", p.ID)
				}
				return nil
			},
		}},
	})
}

// Without replace_existing, revoke_on_close = false fails on the apply's
// opening: it finds the pass its own plan left, and the error says so.
func TestAccEphemeralPass_ownPlanPassNeedsReplaceExisting(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   passSkipBelow110,
		ProtoV6ProviderFactories: protoV6WithEcho,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{{
			Config: passEchoConfig(m, `
  user_id         = "`+graphmock.CarolUPN+`"
  revoke_on_close = false
`),
			ExpectError: passErr("already has a Temporary Access Pass", "this run's own plan issued", "replace_existing = true"),
		}},
	})
}

// Bad inputs fail at validation, naming the attribute; a lifetime outside
// the policy fails before a pass is issued.
func TestAccEphemeralPass_validation(t *testing.T) {
	m := newMock(t)
	alice := `  user_id = "` + graphmock.AliceUPN + `"` + "\n"
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   passSkipBelow110,
		ProtoV6ProviderFactories: protoV6WithEcho,
		CheckDestroy: func(*terraform.State) error {
			if n := len(m.Snapshot().Passes); n != 0 {
				return fmt.Errorf("%d passes were issued by configurations that should have failed", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      passEchoConfig(m, alice+`  lifetime_in_minutes = 5`),
				PlanOnly:    true,
				ExpectError: passErr("lifetime_in_minutes value must be between 10 and 43200"),
			},
			{
				Config:      passEchoConfig(m, alice+`  start_date_time = "next monday"`),
				PlanOnly:    true,
				ExpectError: passErr("start_date_time must be an RFC 3339 timestamp"),
			},
			{
				Config:      passEchoConfig(m, `  user_id = ""`),
				PlanOnly:    true,
				ExpectError: passErr("user_id string length must be at least 1"),
			},
			{
				Config:      passEchoConfig(m, alice+`  revoke_on_close = "sometimes"`),
				PlanOnly:    true,
				ExpectError: passErr("revoke_on_close"),
			},
			{
				Config:      passEchoConfig(m, alice+`  lifetime_in_minutes = 600`),
				PlanOnly:    true,
				ExpectError: passErr("lifetime_in_minutes = 600", "between 60 and 480 minutes"),
			},
		},
	})
}

// passCodes collects every code the provider hands Terraform from
// OpenEphemeralResource, read from the protocol response itself.
type passCodes struct {
	mu    sync.Mutex
	codes []string
}

func (pc *passCodes) list() []string {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return append([]string(nil), pc.codes...)
}

// factories serves the real provider, wrapped so that it records the codes.
func (pc *passCodes) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"entratap": func() (tfprotov6.ProviderServer, error) {
			s, err := providerserver.NewProtocol6WithError(testProvider())()
			if err != nil {
				return nil, err
			}
			return &passCapturingServer{ProviderServer: s, codes: pc}, nil
		},
	}
}

type passCapturingServer struct {
	tfprotov6.ProviderServer
	codes *passCodes
}

func (s *passCapturingServer) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	resp, err := s.ProviderServer.OpenEphemeralResource(ctx, req)
	if err != nil || resp == nil || resp.Result == nil {
		return resp, err
	}
	schemas, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	if code := passResultString(schemas.EphemeralResourceSchemas[req.TypeName], resp.Result, "temporary_access_pass"); code != "" {
		s.codes.mu.Lock()
		s.codes.codes = append(s.codes.codes, code)
		s.codes.mu.Unlock()
	}
	return resp, nil
}

// passResultString reads one string attribute of an object encoded for the protocol.
func passResultString(schema *tfprotov6.Schema, dv *tfprotov6.DynamicValue, attr string) string {
	if schema == nil || dv == nil {
		return ""
	}
	v, err := dv.Unmarshal(schema.ValueType())
	if err != nil {
		return ""
	}
	var attrs map[string]tftypes.Value
	if v.As(&attrs) != nil {
		return ""
	}
	var s *string
	if a, ok := attrs[attr]; !ok || a.As(&s) != nil || s == nil {
		return ""
	}
	return *s
}

// The code reaches the run (a provisioner signs the user in with it at the
// mock), while neither a saved plan nor the state holds it.
//
// How the absence is shown: the wrapped provider records every code it
// returns from OpenEphemeralResource, exactly as Terraform received it. The
// testing framework keeps each step's working directory (TF_ACC_PERSIST_WORKING_DIR
// under a TF_ACC_TEMP_DIR of our own), so after the run every file Terraform
// wrote (state, backups, saved plans, unzipped) is searched for those codes.
// Step 1 is plan-only, so its saved plan is one that creates the resource
// whose provisioner uses the code.
func TestAccEphemeralPass_codeReachesRunButNoFile(t *testing.T) {
	m := newMock(t)
	workDirs := keepWorkDirs(t)
	codes := &passCodes{}
	config := providerBlock(m) + fmt.Sprintf(`
ephemeral "entratap_pass" "p" {
  user_id        = %q
  is_usable_once = true
}

resource "terraform_data" "signin" {
  # The sign-in a run would do with the code (e.g. to register a passwordless
  # method), here against the mock. Ephemeral values may be used in provisioners.
  provisioner "local-exec" {
    command = <<-EOT
      curl -sS --fail-with-body --cacert "$CA_FILE" -H 'Content-Type: application/json' --data "{\"user\":\"$TAP_USER\",\"temporaryAccessPass\":\"$TAP_CODE\"}" "$ENTRATAP_MOCK_URL/signin"
    EOT
    environment = {
      TAP_USER          = ephemeral.entratap_pass.p.user_object_id
      TAP_CODE          = ephemeral.entratap_pass.p.temporary_access_pass
      CA_FILE           = %q
      ENTRATAP_MOCK_URL = %q
    }
  }
}
`, graphmock.BobUPN, m.CAFile, m.URL+"/_mock")
	// Serial: Terraform and terraform-plugin-testing read TF_LOG* and TF_ACC_* from the process environment.
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   passSkipBelow110,
		ProtoV6ProviderFactories: codes.factories(),
		PreCheck:                 func() { passEnablePolicy(t, m) },
		CheckDestroy:             passCheckNoPass(m, graphmock.BobID),
		Steps: []resource.TestStep{
			{Config: config, PlanOnly: true, ExpectNonEmptyPlan: true},
			{
				// curl --fail-with-body fails the provisioner, and so the apply, unless the sign-in worked.
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("terraform_data.signin", tfjsonpath.New("id"), knownvalue.NotNull()),
				},
				Check: func(*terraform.State) error {
					signedIn := false
					for _, r := range m.Requests() {
						signedIn = signedIn || (r.Method == http.MethodPost && r.Path == "/_mock/signin" && r.Status == http.StatusOK)
					}
					if !signedIn {
						return errors.New("the mock saw no successful sign-in during the run")
					}
					if p := passOf(m, graphmock.BobID); p != nil {
						return fmt.Errorf("pass %s outlived the run", p.ID)
					}
					return nil
				},
			},
		},
	})

	issued := codes.list()
	if len(issued) < 2 {
		t.Fatalf("the provider returned %d codes, want one per plan and apply at least", len(issued))
	}
	var states, plans int
	err := eachArtifact(workDirs, func(name string, data []byte, zipped bool) {
		switch {
		case !zipped && strings.HasSuffix(name, ".tfstate") && bytes.Contains(data, []byte("terraform_data")):
			states++
		case zipped && strings.HasSuffix(name, "!tfplan"):
			plans++
		}
		for i, code := range issued {
			if bytes.Contains(data, []byte(code)) {
				t.Errorf("%s holds code %d of %d", name, i+1, len(issued))
			}
		}
	})
	if err != nil {
		t.Fatalf("searching the working directories: %v", err)
	}
	if states == 0 || plans == 0 {
		t.Fatalf("searched %d state files and %d saved plans under %s; want some of each", states, plans, workDirs)
	}
	t.Logf("searched %d state files and %d saved plans for %d codes", states, plans, len(issued))
}

// Close after the pass was deleted out of band succeeds: not found counts
// as done. Driven through the provider's protocol server, since nothing
// can run between Open and Close inside a Terraform run.
func TestAccEphemeralPass_closeAfterOutOfBandDelete(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	ctx := t.Context()
	srv, schemas := passProtocolServer(t, m)
	ephSchema := schemas.EphemeralResourceSchemas["entratap_pass"]
	open := func() *tfprotov6.OpenEphemeralResourceResponse {
		t.Helper()
		resp, err := srv.OpenEphemeralResource(ctx, &tfprotov6.OpenEphemeralResourceRequest{
			TypeName: "entratap_pass",
			Config:   passDynamicValue(t, ephSchema, map[string]tftypes.Value{"user_id": tftypes.NewValue(tftypes.String, graphmock.CarolUPN)}),
		})
		if err != nil {
			t.Fatal(err)
		}
		passNoErrors(t, "OpenEphemeralResource", resp.Diagnostics)
		return resp
	}
	closeIt := func(private []byte) {
		t.Helper()
		resp, err := srv.CloseEphemeralResource(ctx, &tfprotov6.CloseEphemeralResourceRequest{TypeName: "entratap_pass", Private: private})
		if err != nil {
			t.Fatal(err)
		}
		passNoErrors(t, "CloseEphemeralResource", resp.Diagnostics)
	}

	// Open and Close: the pass is issued, then revoked.
	first := open()
	id := passResultString(ephSchema, first.Result, "id")
	if p := passOf(m, graphmock.CarolID); p == nil || p.ID != id {
		t.Fatalf("after Open, carol's pass is %+v, want %s", p, id)
	}
	if bytes.Contains(first.Private, []byte(passResultString(ephSchema, first.Result, "temporary_access_pass"))) {
		t.Fatal("the private data holds the code")
	}
	closeIt(first.Private)
	if p := passOf(m, graphmock.CarolID); p != nil {
		t.Fatalf("after Close, carol still has pass %s", p.ID)
	}

	// Open, delete out of band, Close: still a success.
	second := open()
	id = passResultString(ephSchema, second.Result, "id")
	if status, body := m.GraphRequest(http.MethodDelete, "/v1.0/users/"+graphmock.CarolID+"/authentication/temporaryAccessPassMethods/"+id, nil); status != http.StatusNoContent {
		t.Fatalf("out-of-band DELETE: HTTP %d: %s", status, body)
	}
	closeIt(second.Private)
	if p := passOf(m, graphmock.CarolID); p != nil {
		t.Fatalf("carol has pass %s", p.ID)
	}
}

// passProtocolServer serves the provider without Terraform, configured for the mock as the admin app.
func passProtocolServer(t *testing.T, m *graphmock.Server) (tfprotov6.ProviderServer, *tfprotov6.GetProviderSchemaResponse) {
	t.Helper()
	srv, err := providerserver.NewProtocol6WithError(testProvider())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := srv.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	provCfg := passDynamicValue(t, schemas.Provider, map[string]tftypes.Value{
		"tenant_id":      tftypes.NewValue(tftypes.String, graphmock.TenantID),
		"client_id":      tftypes.NewValue(tftypes.String, graphmock.AdminClientID),
		"client_secret":  tftypes.NewValue(tftypes.String, graphmock.AdminClientSecret),
		"graph_endpoint": tftypes.NewValue(tftypes.String, m.URL),
		"authority_host": tftypes.NewValue(tftypes.String, m.URL),
		"use_cli":        tftypes.NewValue(tftypes.Bool, false),
	})
	cresp, err := srv.ConfigureProvider(t.Context(), &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: provCfg})
	if err != nil {
		t.Fatal(err)
	}
	passNoErrors(t, "ConfigureProvider", cresp.Diagnostics)
	return srv, schemas
}

// passDynamicValue encodes an object of the schema: the values given, null elsewhere.
func passDynamicValue(t *testing.T, schema *tfprotov6.Schema, vals map[string]tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	typ := schema.ValueType().(tftypes.Object)
	all := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		if v, ok := vals[name]; ok {
			all[name] = v
		} else {
			all[name] = tftypes.NewValue(at, nil)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, all))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func passNoErrors(t *testing.T, call string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			b, _ := json.Marshal(map[string]string{"summary": d.Summary, "detail": d.Detail})
			t.Fatalf("%s: %s", call, b)
		}
	}
}
