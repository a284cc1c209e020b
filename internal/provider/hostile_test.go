package provider

// Issue 18: hostile and careless input, through the real Terraform CLI.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// hostileFast serves the provider with millisecond back-offs and graces.
var hostileFast = map[string]func() (tfprotov6.ProviderServer, error){
	"entratap": providerserver.NewProtocol6WithError(New("test", func(c *graph.Config) {
		c.ReplicationGrace, c.YoungPassGrace = 20*time.Millisecond, 20*time.Millisecond
		c.Backoff = graph.Backoff{Initial: time.Millisecond, Max: 5 * time.Millisecond}
	})()),
}

// hostileStep is a plan-only step expected to fail with msg.
func hostileStep(config, msg string) resource.TestStep {
	return resource.TestStep{Config: config, PlanOnly: true, ExpectError: regexp.MustCompile(msg)}
}

func hostileProvider(m *graphmock.Server, creds string) string {
	return "provider \"entratap\" {\n" + endpoints(m) + creds + "}\n" + readPolicy
}

// Item 1: a device, a FIFO or a huge file named by a file setting ends in an
// error naming the attribute, not a hang or unbounded memory.
func TestAccHostile_fileSettingsBounded(t *testing.T) {
	m := newMock(t)
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(t.TempDir(), "big.pfx")
	if err := os.WriteFile(big, make([]byte, 2<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	id := fmt.Sprintf("  client_id = %q\n", graphmock.AdminClientID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			hostileStep(hostileProvider(m, id+"  client_certificate_path = \"/dev/zero\"\n"), `(?s)client_certificate_path must name a\s+regular file.*device`),
			hostileStep(hostileProvider(m, id+fmt.Sprintf("  client_secret_file_path = %q\n", fifo)), `(?s)client_secret_file_path must name a\s+regular file.*named\s+pipe`),
			hostileStep(hostileProvider(m, fmt.Sprintf("  client_id_file_path = %q\n  client_secret = %q\n", t.TempDir(), graphmock.AdminClientSecret)), `(?s)client_id_file_path must name a\s+regular file.*directory`),
			hostileStep(hostileProvider(m, id+fmt.Sprintf("  client_certificate_path = %q\n", big)), `(?s)client_certificate_path:.*more than the\s+1048576\s+bytes`),
			hostileStep(hostileProvider(m, id+"  use_oidc = true\n  oidc_token_file_path = \"/dev/zero\"\n"), `(?s)oidc_token_file_path must name a\s+regular file`),
		},
	})
}

// Item 5: URLs with a user or password are refused naming the attribute,
// and graph_endpoint takes no path; the password is never repeated.
func TestAccHostile_endpointsWithUserinfoOrPath(t *testing.T) {
	m := newMock(t)
	const pw = "Pw-userinfo-7f3a"
	withUser := "https://admin:" + pw + "@" + m.URL[len("https://"):]
	step := func(body, re string) resource.TestStep {
		return resource.TestStep{
			Config:      "provider \"entratap\" {\n" + body + "\n}\n" + readPolicy,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(re),
		}
	}
	creds := fmt.Sprintf("  tenant_id = %q\n  client_id = %q\n  client_secret = %q\n  use_cli = false\n", graphmock.TenantID, graphmock.AdminClientID, graphmock.AdminClientSecret)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		ErrorCheck: func(err error) error {
			if err != nil && regexp.MustCompile(pw).MatchString(err.Error()) {
				t.Errorf("the error repeats the password: %v", err)
			}
			return err
		},
		Steps: []resource.TestStep{
			step(creds+fmt.Sprintf("  graph_endpoint = %q\n  authority_host = %q", withUser, m.URL), `(?s)graph_endpoint must not carry a user\s+name or password`),
			step(creds+fmt.Sprintf("  graph_endpoint = %q\n  authority_host = %q", m.URL, withUser), `(?s)authority_host must not carry a user\s+name or password`),
			step(creds+fmt.Sprintf("  graph_endpoint = %q\n  authority_host = %q\n  use_msi = true\n  msi_endpoint = %q", m.URL, m.URL, withUser+"/msi"), `(?s)msi_endpoint must not carry a user\s+name or password`),
			step(creds+fmt.Sprintf("  graph_endpoint = %q\n  authority_host = %q\n  oidc_request_url = %q", m.URL, m.URL, withUser+"/token"), `(?s)oidc_request_url must not carry a\s+user name or password`),
			step(creds+fmt.Sprintf("  graph_endpoint = %q\n  authority_host = %q", m.URL+"/v1.0", m.URL), `(?s)graph_endpoint must be the Graph host only.*remove\s+/v1.0`),
		},
	})
}

// Item 7: misleading or silent configuration outcomes now name the cause.
func TestAccHostile_misleadingSettings(t *testing.T) {
	m := newMock(t)
	plain := writeFile(t, "cert.txt", []byte("this is not a certificate\n"))
	pfxFile := writeFile(t, "admin.pfx", m.AdminCertificatePFX())
	id := fmt.Sprintf("  client_id = %q\n", graphmock.AdminClientID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Env(map[string]string{}), // no IDENTITY_HEADER, whatever the machine has
		Steps: []resource.TestStep{
			// use_msi with msi_endpoint but no IDENTITY_HEADER: said at once, not 95 s at 169.254.169.254.
			hostileStep(hostileProvider(m, fmt.Sprintf("  use_msi = true\n  msi_endpoint = %q\n", m.URL+"/_mock/msi/token")), `(?s)msi_endpoint is set but the\s+IDENTITY_HEADER`),
			hostileStep(hostileProvider(m, "  use_msi = true\n  msi_endpoint = \"not a url at all\"\n"), `(?s)msi_endpoint must be an absolute`),
			// client_secret = "" does not silently fall back.
			hostileStep(hostileProvider(m, id+"  client_secret = \"\"\n"), `(?s)client_secret is set to an empty\s+string`),
			// Certificates: a plain-text file, a wrong password through the path.
			hostileStep(hostileProvider(m, id+fmt.Sprintf("  client_certificate_path = %q\n", plain)), `(?s)client_certificate_path could not be read: it is\s+neither a PKCS#12`),
			hostileStep(hostileProvider(m, id+fmt.Sprintf("  client_certificate_path = %q\n  client_certificate_password = \"wrong\"\n", pfxFile)), `(?s)client_certificate_password\s+\(ARM_CLIENT_CERTIFICATE_PASSWORD\)\s+is\s+not\s+the\s+password`),
			// Format checks at validate time, without echoing a huge value.
			hostileStep("provider \"entratap\" {\n  tenant_id = \"not a tenant\"\n}\n"+readPolicy, `(?s)tenant_id must be a GUID`),
			hostileStep("provider \"entratap\" {\n  client_id = \"not-a-guid\"\n}\n"+readPolicy, `(?s)client_id must be a GUID`),
		},
	})
}

// Item 7: ARM_USE_MSI=yes-please is an error, not ignored.
func TestAccHostile_badBooleanVariable(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Env(map[string]string{"ARM_USE_MSI": "yes-please"}),
		Steps: []resource.TestStep{
			hostileStep(hostileProvider(m, fmt.Sprintf("  client_id = %q\n  client_secret = %q\n", graphmock.AdminClientID, graphmock.AdminClientSecret)), `(?s)ARM_USE_MSI = "yes-please" is not a\s+boolean`),
		},
	})
}

// Item 7: use_oidc = true with oidc_token in the configuration wins over an
// ARM_CLIENT_SECRET left in the shell (a wrong one here: it would fail).
func TestAccHostile_explicitMethodBeatsEnvironmentSecret(t *testing.T) {
	m := newMock(t)
	token, err := m.MintFederatedToken(graphmock.FederatedSubject, "api://AzureADTokenExchange", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Env(map[string]string{"ARM_CLIENT_SECRET": "a-stale-secret-from-the-shell"}),
		Steps:                    []resource.TestStep{authStep(m, fmt.Sprintf("  client_id = %q\n  use_oidc = true\n  oidc_token = %q\n", graphmock.AdminClientID, token))},
	})
}

// Item 7: an explicit environment is not overridden by ENTRATAP_* variables.
func TestAccHostile_explicitEnvironmentBeatsVariables(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Env(map[string]string{"ENTRATAP_GRAPH_ENDPOINT": m.URL, "ENTRATAP_AUTHORITY_HOST": m.URL}),
		Steps: []resource.TestStep{{
			// Explicit china with the mock as its login host: Graph must be china's,
			// not the mock from ENTRATAP_GRAPH_ENDPOINT, so the token audience differs and the mock is never the Graph asked.
			Config: fmt.Sprintf("provider \"entratap\" {\n  environment = \"china\"\n  authority_host = %q\n  tenant_id = %q\n  client_id = %q\n  client_secret = %q\n  use_cli = false\n}\n",
				m.URL, graphmock.TenantID, graphmock.AdminClientID, graphmock.AdminClientSecret) + readPolicy,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)chinacloudapi`),
		}},
	})
}

func hostileForEach(m *graphmock.Server, users ...string) string {
	q := make([]string, len(users))
	for i, u := range users {
		q[i] = fmt.Sprintf("%q", u)
	}
	return providerBlock(m) + fmt.Sprintf("resource \"entratap_pass\" \"p\" {\n  for_each = toset([%s])\n  user_id  = each.value\n}\n", strings.Join(q, ", "))
}

// Item 6: a user offboarded outside Terraform blocks neither terraform
// destroy (whose refresh plan calls ModifyPlan) nor removing the user's entry.
func TestAccHostile_goneUserNeverBlocksDestroy(t *testing.T) {
	t.Parallel()
	for _, destroy := range []bool{true, false} {
		t.Run(fmt.Sprintf("destroy=%t", destroy), func(t *testing.T) {
			m := newMock(t)
			second := resource.TestStep{
				PreConfig: func() {
					if err := m.RemoveUser(graphmock.BobUPN); err != nil {
						t.Fatal(err)
					}
				},
				Config:  hostileForEach(m, graphmock.AliceUPN, graphmock.BobUPN),
				Destroy: true,
			}
			if !destroy {
				second.Config, second.Destroy = hostileForEach(m, graphmock.AliceUPN), false
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: hostileFast,
				PreCheck:                 func() { passEnablePolicy(t, m) },
				Steps: []resource.TestStep{
					{Config: hostileForEach(m, graphmock.AliceUPN, graphmock.BobUPN)},
					second,
					passDestroyStep(m),
				},
			})
		})
	}
}

// Item 7: an import id with a wrong user part names the user, not
// "Cannot import non-existent remote object".
func TestAccHostile_importWrongUser(t *testing.T) {
	m := newMock(t)
	const addr = "entratap_pass.alice"
	cfg := providerBlock(m) + fmt.Sprintf("resource \"entratap_pass\" \"alice\" {\n  user_id = %q\n}\n", graphmock.AliceUPN)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: hostileFast,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				Config:       cfg,
				ResourceName: addr,
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return "nobody@" + graphmock.Domain + "/" + s.RootModule().Resources[addr].Primary.ID, nil
				},
				ExpectError: regexp.MustCompile(`(?s)no such user.*"nobody@contoso.example",\s+names\s+no\s+user`),
			},
			{
				Config:        cfg,
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: graphmock.AliceUPN + "/00000000-0000-4000-8000-000000000000",
				ExpectError:   regexp.MustCompile(`(?s)no such pass.*holds\s+no\s+Temporary\s+Access\s+Pass\s+with\s+id`),
			},
		},
	})
}

// Item 9: the small validation gaps, one error each, at validate time.
func TestAccHostile_smallValidationGaps(t *testing.T) {
	m := newMock(t)
	pass := func(attrs string) string {
		return providerBlock(m) + "resource \"entratap_pass\" \"p\" {\n" + attrs + "\n}\n"
	}
	policy := func(attrs string) string {
		return providerBlock(m) + "resource \"entratap_policy\" \"p\" {\n" + attrs + "\n}\n"
	}
	one := func(config, re string) resource.TestStep {
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: regexp.MustCompile(re)}
	}
	huge := strings.Repeat("t", 100<<10)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: hostileFast,
		ErrorCheck: func(err error) error {
			if err == nil {
				return nil
			}
			msg := err.Error()
			// One error per mistake; never a 100 KB value echoed.
			if n := strings.Count(msg, "Error: "); n != 1 {
				t.Errorf("%d errors, want 1:\n%s", n, msg)
			}
			// Terraform prints the configuration line itself; our message holds a prefix only.
			if n := strings.Count(msg, huge[:1000]); n > 1 {
				t.Errorf("the 100 KB tenant_id is echoed %d times", n)
			}
			return err
		},
		Steps: []resource.TestStep{
			one(pass(`user_id = "alice@contoso.example"
start_date_time = "2030-01-01T00:00:00+24:00"`), `(?s)UTC offset \+24:00`),
			one(pass(`user_id = "alice@contoso.example"
start_date_time = "2030-01-01T00:00:00+14:01"`), `(?s)UTC offset \+14:01`),
			one(pass(`user_id = "alice@contoso.example"
start_date_time = "9999-12-31T00:00:00Z"`), `(?s)could\s+expire\s+after\s+the\s+year\s+9999`),
			one(pass(`user_id = ".."`), `(?s)Invalid user_id.*"\.\." is not a user`),
			one(pass(`user_id = "."`), `(?s)Invalid user_id`),
			one(pass(`user_id = "alice/../bob"`), `(?s)Invalid user_id`),
			one(policy(`default_lifetime_in_minutes = 9`), `(?s)default_lifetime_in_minutes`),
			one(policy(`include_targets = [{ id = "all_users", target_type = "User" }]`), `(?s)target_type`),
			one("provider \"entratap\" {\n  tenant_id = \""+huge+"\"\n}\n"+readPolicy, `(?s)tenant_id must be a GUID.*t… \(102400\s+bytes\)`),
		},
	})
}

// Item 9: include_targets = [] with the policy enabled warns that it targets nobody.
func TestAccHostile_policyTargetsNobody(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	srv, schemas := passProtocolServer(t, m)
	sch := schemas.ResourceSchemas["entratap_policy"]
	elem := sch.ValueType().(tftypes.Object).AttributeTypes["include_targets"].(tftypes.List).ElementType
	for _, enabled := range []bool{true, false} {
		cfg := passDynamicValue(t, sch, map[string]tftypes.Value{
			"include_targets": tftypes.NewValue(tftypes.List{ElementType: elem}, []tftypes.Value{}),
			"enabled":         tftypes.NewValue(tftypes.Bool, enabled),
		})
		resp, err := srv.ValidateResourceConfig(t.Context(), &tfprotov6.ValidateResourceConfigRequest{TypeName: "entratap_policy", Config: cfg})
		if err != nil {
			t.Fatal(err)
		}
		warned := false
		for _, d := range resp.Diagnostics {
			warned = warned || (d.Severity == tfprotov6.DiagnosticSeverityWarning && strings.Contains(d.Summary, "targets nobody"))
		}
		if warned != enabled {
			t.Errorf("enabled = %t: warned %t, want %t (%v)", enabled, warned, enabled, resp.Diagnostics)
		}
	}
}

// Item 2: two pass resources for one user (here the same UPN in another
// case) are a plan-time error, not a dead pass in state after apply.
func TestAccHostile_twoPassesForOneUser(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: hostileFast,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{{
			Config: providerBlock(m) + fmt.Sprintf("resource \"entratap_pass\" \"a\" {\n  user_id = %q\n}\nresource \"entratap_pass\" \"b\" {\n  user_id = %q\n}\n",
				graphmock.AliceUPN, strings.ToUpper(graphmock.AliceUPN)),
			ExpectError: regexp.MustCompile(`(?s)Two passes planned for one user`),
		}},
	})
	if n := len(m.Snapshot().Passes); n != 0 {
		t.Fatalf("the tenant holds %d passes, want none: nothing may be created", n)
	}
}

// Item 2: within one process, creates for one user take turns: with Graph
// slow to answer, two at once give one pass and one clear error, never two
// "successful" creates of which Graph kept one.
func TestAccHostile_concurrentCreatesForOneUser(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	passEnablePolicy(t, m)
	m.SetFaults(graphmock.Faults{LatencyMs: 200})
	t.Cleanup(func() { m.SetFaults(graphmock.Faults{}) })
	c, _, err := buildClient(t.Context(), providerModel{
		TenantID: types.StringValue(graphmock.TenantID), ClientID: types.StringValue(graphmock.AdminClientID),
		ClientSecret: types.StringValue(graphmock.AdminClientSecret), GraphEndpoint: types.StringValue(m.URL),
		AuthorityHost: types.StringValue(m.URL), UseCLI: types.BoolValue(false),
	}, "test")
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		p     *graph.Pass
		diags diag.Diagnostics
	}
	results := make(chan result, 2)
	run := newRunState() // one provider: its objects share the per-user lock
	for _, upn := range []string{graphmock.AliceUPN, strings.ToUpper(graphmock.AliceUPN)} {
		go func() {
			in := passInputs{UserID: types.StringValue(upn), StartDateTime: types.StringNull(), LifetimeInMinutes: types.Int64Null(),
				IsUsableOnce: types.BoolNull(), ReplaceExisting: types.BoolValue(false)}
			_, p, d := issuePass(t.Context(), c, run, in, nil, passOwnerResource)
			results <- result{p, d}
		}()
	}
	var created []*graph.Pass
	refused := 0
	for range 2 {
		r := <-results
		if r.p != nil {
			created = append(created, r.p)
		} else if r.diags.HasError() && strings.Contains(r.diags[0].Summary(), "already has a Temporary Access Pass") {
			refused++
		} else {
			t.Errorf("unexpected outcome: %v", r.diags)
		}
	}
	if len(created) != 1 || refused != 1 {
		t.Fatalf("%d creates succeeded and %d were refused, want 1 and 1", len(created), refused)
	}
	if p := passOf(m, graphmock.AliceID); p == nil || !strings.EqualFold(p.ID, created[0].ID) {
		t.Fatalf("the tenant's pass is %v, want the one created (%s)", p, created[0].ID)
	}
}

// Items 3 and 4: the error that meets a pass left by an interrupted run says
// how to adopt it (the exact import id, the list resource for many), warns
// off replace_existing on a whole for_each, and for a revoked-on-close
// ephemeral pass names the interrupted run, not revoke_on_close = false.
func TestHostile_orphanAdvice(t *testing.T) {
	t.Parallel()
	u := &graph.User{ID: "a11ce000-0000-4000-8000-000000000001", UserPrincipalName: "alice@contoso.example"}
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := &graph.Pass{ID: "pass-1", CreatedDateTime: created, StartDateTime: created, LifetimeInMinutes: 60, MethodUsabilityReason: graph.ReasonEnabledByPolicy}
	res := existingPassDetail(u, p, passOwnerResource, false)
	for _, want := range []string{"terraform import 'ADDRESS' a11ce000-0000-4000-8000-000000000001/pass-1", `entratap_pass.NAME["alice@contoso.example"]`,
		"list resource entratap_pass", "terraform query -generate-config-out", "Do not set replace_existing on a whole for_each"} {
		if !strings.Contains(res, want) {
			t.Errorf("resource message lacks %q:\n%s", want, res)
		}
	}
	eph := existingPassDetail(u, p, passOwnerEphemeral, true)
	if strings.Contains(eph, "revoke_on_close = false") || !strings.Contains(eph, "interrupted") || !strings.Contains(eph, "2026-01-02T04:04:05Z") {
		t.Errorf("ephemeral message (revoke on close):\n%s", eph)
	}
}

// Item 4: an ephemeral pass revoked on close lives only the policy's minimum
// lifetime, so that its exposure is bounded when Close never runs.
func TestAccHostile_ephemeralPassBoundedLifetime(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	passEnablePolicy(t, m)
	passPatchPolicy(t, m, map[string]any{"minimumLifetimeInMinutes": 15, "defaultLifetimeInMinutes": 120})
	srv, schemas := passProtocolServer(t, m)
	sch := schemas.EphemeralResourceSchemas["entratap_pass"]
	resp, err := srv.OpenEphemeralResource(t.Context(), &tfprotov6.OpenEphemeralResourceRequest{TypeName: "entratap_pass",
		Config: passDynamicValue(t, sch, map[string]tftypes.Value{"user_id": tftypes.NewValue(tftypes.String, graphmock.AliceUPN)})})
	if err != nil {
		t.Fatal(err)
	}
	passNoErrors(t, "OpenEphemeralResource", resp.Diagnostics)
	// Close is never called: the pass left behind must be the short one.
	if p := passOf(m, graphmock.AliceID); p == nil || p.LifetimeInMinutes != 15 {
		t.Fatalf("the pass left behind is %+v, want a lifetime of 15 minutes (the policy's minimum)", p)
	}
}

// Round three, item 2: a user offboarded and re-hired under the same UPN (a new object id)
// gets a new pass on the next apply, not a warning that the user no longer exists. The
// offboarding goes through the mock's control, as a module's own test would.
func TestAccHostile_rehiredUserGetsANewPass(t *testing.T) {
	m := newMock(t)
	upn := "rehire@" + graphmock.Domain
	if _, err := m.AddUser(graphmock.NewUser{UserPrincipalName: upn}); err != nil {
		t.Fatal(err)
	}
	const addr = "entratap_pass.p"
	config := providerBlock(m) + fmt.Sprintf("resource \"entratap_pass\" \"p\" {\n  user_id = %q\n}\n", upn)
	var rehiredID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: hostileFast,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					ctl, err := graphmock.NewClient(m.URL, m.CAPEM)
					if err != nil {
						t.Fatal(err)
					}
					if err := ctl.RemoveUser(t.Context(), upn); err != nil {
						t.Fatal(err)
					}
					u, err := m.AddUser(graphmock.NewUser{UserPrincipalName: upn})
					if err != nil {
						t.Fatal(err)
					}
					rehiredID = u.ID
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr(addr, "user_object_id", knownvalue.StringFunc(func(v string) error {
						if !strings.EqualFold(v, rehiredID) {
							return fmt.Errorf("user_object_id %s, want the re-hired user's %s", v, rehiredID)
						}
						return nil
					})),
					passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(passSignsIn(m, upn))),
				},
			},
		},
	})
}

// Round three, item 9: a user only in the configuration (never issued a pass) who does not
// exist fails the refresh plan that terraform destroy starts with; the error says how to
// destroy anyway (terraform destroy -refresh=false) or to remove the entry.
func TestAccHostile_configOnlyGoneUserNamesTheWayOut(t *testing.T) {
	m := newMock(t)
	gone := "gone.user@" + graphmock.Domain
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: hostileFast,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{
			{Config: hostileForEach(m, graphmock.AliceUPN)},
			{
				// The same plan as the refresh terraform destroy starts with.
				Config:      hostileForEach(m, graphmock.AliceUPN, gone),
				PlanOnly:    true,
				ExpectError: passErr(`User "`+gone+`" does not exist`, "terraform destroy -refresh=false"),
			},
			passDestroyStep(m),
		},
	})
}

// Round three, item 6: a plan that could not authenticate (here Entra refuses the secret)
// checked nothing, and fails; it no longer passes with warnings.
func TestAccHostile_planThatCheckedNothingFails(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: hostileFast,
		Steps: []resource.TestStep{{
			Config: providerBlockAs(m, graphmock.AdminClientID, "not-the-secret") +
				fmt.Sprintf("resource \"entratap_pass\" \"p\" {\n  user_id = %q\n}\n", graphmock.AliceUPN),
			PlanOnly:    true,
			ExpectError: passErr("Could not check the Temporary Access Pass: Microsoft Graph could not be reached"),
		}},
	})
}

// Round three, item 3: with the tenant's clock 3 h ahead of this machine and Graph not yet
// serving a new pass (one read of replication lag), the plan after the apply keeps the pass
// and its code: its age is judged by Graph's clock, not this machine's.
func TestAccHostile_skewedClockKeepsYoungPass(t *testing.T) {
	m := newMock(t)
	m.AdvanceClock(3 * time.Hour)
	const addr = "entratap_pass.p"
	config := providerBlock(m) + fmt.Sprintf("resource \"entratap_pass\" \"p\" {\n  user_id = %q\n}\n", graphmock.AliceUPN)
	id := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Patient,
		PreCheck: func() {
			passEnablePolicy(t, m)
			m.SetFaults(graphmock.Faults{ReplicationLagReads: 1}) // the new pass's first read is a 404
		},
		Steps: []resource.TestStep{
			{
				// The plan after the apply (the test's empty-plan check) reads the pass first.
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{id.AddStateValue(addr, tfjsonpath.New("id"))},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					id.AddStateValue(addr, tfjsonpath.New("id")),
					passAttr(addr, "temporary_access_pass", knownvalue.StringFunc(passSignsIn(m, graphmock.AliceUPN))),
				},
			},
		},
	})
}

// Round three, item 10: a timeout of zero or less is refused at validation, naming it, instead
// of validating and then failing "ran out of time".
func TestAccHostile_nonPositiveTimeouts(t *testing.T) {
	m := newMock(t)
	var steps []resource.TestStep
	for _, d := range []string{"0s", "-5m"} {
		steps = append(steps, resource.TestStep{
			Config:      providerBlock(m) + fmt.Sprintf("resource \"entratap_pass\" \"p\" {\n  user_id  = %q\n  timeouts = { create = %q }\n}\n", graphmock.AliceUPN, d),
			PlanOnly:    true,
			ExpectError: passErr("Invalid timeout", "timeouts.create", "must be a positive duration"),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: hostileFast, Steps: steps})
	noPassesCreated(t, m)
}

// Round three, item 5: the provider block wins over the environment for every setting and its
// file form (a value and a file both in the block are refused at validation). Each variable
// here names a wrong app, secret, token or certificate: the run succeeds only on the block's.
func TestAccHostile_blockBeatsEnvironmentInEveryForm(t *testing.T) {
	m := newMock(t)
	idFile := writeFile(t, "client-id", []byte(graphmock.AdminClientID))
	secretFile := writeFile(t, "secret", []byte(graphmock.AdminClientSecret))
	token, err := m.MintFederatedToken(graphmock.FederatedSubject, "api://AzureADTokenExchange", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	tokenFile := writeFile(t, "oidc-token", []byte(token))
	pfxFile := writeFile(t, "admin.pfx", m.AdminCertificatePFX())
	wrongApp := "00000000-0000-4000-8000-00000000dead"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Env(map[string]string{
			"ARM_CLIENT_ID": wrongApp, "ARM_CLIENT_SECRET": "a-stale-secret", "ARM_OIDC_TOKEN": "not-a-token",
			"ARM_CLIENT_CERTIFICATE": "bm90IGEgY2VydGlmaWNhdGU=",
		}),
		Steps: []resource.TestStep{
			authStep(m, fmt.Sprintf("  client_id_file_path = %q\n  client_secret_file_path = %q\n", idFile, secretFile)),
			authStep(m, fmt.Sprintf("  client_id = %q\n  use_oidc = true\n  oidc_token_file_path = %q\n", graphmock.AdminClientID, tokenFile)),
			authStep(m, fmt.Sprintf("  client_id = %q\n  client_certificate_path = %q\n  client_certificate_password = %q\n",
				graphmock.AdminClientID, pfxFile, graphmock.CertificatePassword)),
		},
	})
}

// hostileUPN holds a right-to-left override (it would reverse the rest of a terminal line),
// a right-to-left mark, a newline (a forged line of output) and an escape sequence.
const hostileUPN = "mallory\u202Egnp.exe\u200F\n[forged] \x1b[31mred@" + graphmock.Domain

// noHidden fails when s holds a control or formatting character, and checks the hostile UPN
// shows escaped.
func noHidden(t *testing.T, what, s string) {
	t.Helper()
	if i := strings.IndexFunc(s, func(r rune) bool { return graph.Printable(string(r)) != string(r) && r != '\n' }); i >= 0 {
		t.Errorf("%s prints a hidden character at %d: %q", what, i, s)
	}
	if !strings.Contains(s, `mallory\u202Egnp.exe\u200F\u000A[forged] \u001B[31mred@`) {
		t.Errorf("%s does not name the user escaped: %q", what, s)
	}
}

// Issue 26 item 10: a user principal name or display name with control and bidi characters
// is escaped wherever the provider prints it: the list resource's display names, the revoke
// actions' progress lines, and diagnostics.
func TestProtoHostileNamesEscaped(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	passEnablePolicy(t, m)
	u, err := m.AddUser(graphmock.NewUser{UserPrincipalName: hostileUPN, DisplayName: "Mallory \u202E\u2066evil\n", Groups: []string{graphmock.OnboardingGroupID}})
	if err != nil {
		t.Fatal(err)
	}
	passID := outOfBandPass(t, m, u.ID, nil)
	p := newProtoProvider(t, m)

	found := false
	for _, l := range p.list(map[string]tftypes.Value{"user_ids": strList(u.ID)}, false, 0) {
		if strings.Contains(l.name, passID) {
			found = true
			noHidden(t, "the list resource's display name", l.name)
		}
	}
	if !found {
		t.Fatal("the list did not return the hostile user's pass")
	}

	imp, err := p.srv.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{TypeName: "entratap_pass", ID: u.ID + "/00000000-0000-4000-8000-00000000dead"})
	if err != nil {
		t.Fatal(err)
	}
	if d := findDiag(imp.Diagnostics, tfprotov6.DiagnosticSeverityError, "Invalid import id: no such pass"); d == nil {
		t.Fatalf("import of a pass the user does not hold: %s", diagText(imp.Diagnostics))
	} else {
		noHidden(t, "the import diagnostic", d.Detail)
	}

	_, progress, done := p.invoke("entratap_revoke_pass", map[string]tftypes.Value{"user_id": str(u.ID), "pass_id": str("00000000-0000-4000-8000-000000000000")})
	if len(progress) == 0 || len(done) > 0 {
		t.Fatalf("revoke of another pass id: %q %s", progress, diagText(done))
	}
	noHidden(t, "the revoke action's progress", progress[0])
	_, progress, done = p.invoke("entratap_revoke_pass", map[string]tftypes.Value{"user_id": str(u.ID)})
	if len(progress) != 1 || len(done) > 0 {
		t.Fatalf("revoke: %q %s", progress, diagText(done))
	}
	noHidden(t, "the revoke action's progress", progress[0])
}
