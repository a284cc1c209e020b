package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// azSession is the fake az signed in as a mock user for one mock: `az account get-access-token`
// asks the mock's control (GET /_mock/token?user=...) for that user's delegated token.
// as() switches the signed-in user (and, optionally, narrows the token's scopes).
// Every token it hands out is kept in tokens (for the secrets scan).
type azSession struct{ dir, file, tokens string }

// azSessions is the directory the one fake az reads (installFakeAzureCLI): a
// subdirectory per mock, named for its host and port, that azSessionFor makes.
var azSessions string

// fakeAzScript is the fake az. azidentity runs `az account get-access-token -o json
// --resource <graph endpoint>` (azidentity azure_cli_credential.go); the endpoint is a
// mock's URL, so the answer comes from that mock's session: its fixed answer, or a
// token for its signed-in user. A mock with no session gets the real CLI's error.
const fakeAzScript = `#!/bin/sh
case "$*" in
  *"account get-access-token"*) ;;
  *) echo "unexpected az call: $*" >&2; exit 1 ;;
esac
resource=""
while [ $# -gt 0 ]; do
  [ "$1" = "--resource" ] && resource=$2
  shift
done
host=${resource#https://}
s="SESSIONS/$(printf '%s' "${host%%/*}" | tr ':' '_')"
if [ ! -d "$s" ]; then
  echo "ERROR: Please run 'az login' to setup account." >&2
  exit 1
fi
if [ -f "$s/answer" ]; then
  out=$(cat "$s/answer")
else
  out=$(curl -sSf --cacert "$(cat "$s/ca")" "$(cat "$s/url")/_mock/token?$(cat "$s/signed-in")") || exit 1
fi
printf '%s\n' "$out" >> "$s/tokens"
printf '%s' "$out"
`

// installFakeAzureCLI puts the fake az first on PATH for the whole test binary
// (runTests), before any test runs: the tests that sign in through it then run
// side by side, each with its own mock's session. It returns the clean-up.
func installFakeAzureCLI() (func(), error) {
	dir, err := os.MkdirTemp("", "entratap-test-az-")
	if err != nil {
		return nil, err
	}
	azSessions = filepath.Join(dir, "sessions")
	script := strings.ReplaceAll(fakeAzScript, "SESSIONS", azSessions)
	if err := os.Mkdir(azSessions, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte(script), 0o755); err != nil {
		return nil, err
	}
	os.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return func() { _ = os.RemoveAll(dir) }, nil
}

// azSessionFor opens the fake az's session for mock m, removed when the test ends.
func azSessionFor(t *testing.T, m *graphmock.Server) *azSession {
	t.Helper()
	if azSessions == "" {
		t.Fatal("no fake az: runTests installs it for the acceptance tests")
	}
	u, err := url.Parse(m.URL)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(azSessions, strings.ReplaceAll(u.Host, ":", "_"))
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatalf("a second az session for the mock at %s: %v", m.URL, err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return &azSession{dir: dir, file: filepath.Join(dir, "signed-in"), tokens: filepath.Join(dir, "tokens")}
}

// fakeAzureCLI signs the fake az in as upn for mock m.
func fakeAzureCLI(t *testing.T, m *graphmock.Server, upn string) *azSession {
	t.Helper()
	s := azSessionFor(t, m)
	for name, v := range map[string]string{"ca": m.CAFile, "url": m.URL} {
		if err := os.WriteFile(filepath.Join(s.dir, name), []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s.as(t, upn)
	return s
}

func (s *azSession) as(t *testing.T, upn string, scopes ...string) {
	t.Helper()
	q := url.Values{"user": {upn}}
	for _, sc := range scopes {
		if q.Get("scope") != "" {
			sc = q.Get("scope") + "," + sc
		}
		q.Set("scope", sc)
	}
	if err := os.WriteFile(s.file, []byte(q.Encode()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// wrapped matches a message however Terraform wraps its lines: every space matches any whitespace.
func wrapped(pattern string) *regexp.Regexp {
	return regexp.MustCompile("(?s)" + strings.ReplaceAll(pattern, " ", `\s+`))
}

// issued returns every access token the fake az handed out.
func (s *azSession) issued(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(s.tokens)
	if err != nil {
		t.Fatalf("the fake az handed out no token: %v", err)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var tok struct {
			AccessToken string `json:"accessToken"`
		}
		if err := json.Unmarshal([]byte(line), &tok); err != nil || tok.AccessToken == "" {
			t.Fatalf("the fake az's answer is no token: %v", err)
		}
		out = append(out, tok.AccessToken)
	}
	return out
}

// cliProviderBlock configures the provider with nothing but the Azure CLI credential.
func cliProviderBlock(m *graphmock.Server) string {
	return fmt.Sprintf("provider \"entratap\" {\n  tenant_id      = %q\n  graph_endpoint = %q\n  authority_host = %q\n}\n", graphmock.TenantID, m.URL, m.URL)
}

func passFor(user string) string {
	return fmt.Sprintf("resource \"entratap_pass\" \"p\" {\n  user_id             = %q\n  lifetime_in_minutes = 60\n}\n", user)
}

func callerAttr(attr string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("data.entratap_caller.me", tfjsonpath.New(attr), check)
}

// noPassesCreated fails the test if any pass exists in the mock.
func noPassesCreated(t *testing.T, m *graphmock.Server) {
	t.Helper()
	if ps := m.Snapshot().Passes; len(ps) != 0 {
		t.Fatalf("a failing run created passes: %+v", ps)
	}
}

// An Authentication Administrator, as themselves through the Azure CLI, issues a member a pass
// whose code signs the member in; the caller data source says who ran it.
func TestAccDelegated_authenticationAdministratorIssuesToMember(t *testing.T) {
	m := newMock(t)
	fakeAzureCLI(t, m, graphmock.AuthAdminUPN)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		CheckDestroy:             passCheckNoPass(m, graphmock.BobID),
		Steps: []resource.TestStep{{
			Config: cliProviderBlock(m) + passFor(graphmock.BobUPN) + `data "entratap_caller" "me" {}` + "\n",
			ConfigStateChecks: []statecheck.StateCheck{
				passAttr("entratap_pass.p", "temporary_access_pass", knownvalue.StringFunc(passSignsIn(m, graphmock.BobUPN))),
				callerAttr("kind", knownvalue.StringExact("user")),
				callerAttr("object_id", knownvalue.StringExact(graphmock.AuthAdminID)),
				callerAttr("user_principal_name", knownvalue.StringExact(graphmock.AuthAdminUPN)),
				callerAttr("client_id", knownvalue.StringExact(graphmock.AzureCLIClientID)),
				callerAttr("directory_roles", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("Authentication Administrator")})),
			},
		}},
	})
}

// The same admin targeting a Privileged Authentication Administrator fails at plan, naming the
// role needed; without the permission to read roles, it is a warning at plan and an apply-time
// 403 naming the role.
func TestAccDelegated_adminTargetNeedsPrivilegedRole(t *testing.T) {
	m := newMock(t)
	az := fakeAzureCLI(t, m, graphmock.AuthAdminUPN)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{
			{
				Config:      cliProviderBlock(m) + passFor(graphmock.PrivAuthAdminUPN),
				PlanOnly:    true,
				ExpectError: wrapped(`The target holds an admin role.*Privileged Authentication Administrator`),
			},
			{
				PreConfig: func() {
					az.as(t, graphmock.AuthAdminUPN, "User.Read", "User.Read.All", "UserAuthenticationMethod.ReadWrite.All")
				},
				Config:      cliProviderBlock(m) + passFor(graphmock.PrivAuthAdminUPN),
				ExpectError: wrapped(`signed in as user authadmin@contoso\.example.*needs the Microsoft Entra role .*Privileged Authentication Administrator`),
			},
		},
	})
	noPassesCreated(t, m)
}

// No admin, whatever the role, may issue a pass to themselves: a plan-time error naming both.
func TestAccDelegated_noPassForYourself(t *testing.T) {
	m := newMock(t)
	az := fakeAzureCLI(t, m, graphmock.AuthAdminUPN)
	var steps []resource.TestStep
	for _, upn := range []string{graphmock.AuthAdminUPN, graphmock.PrivAuthAdminUPN, graphmock.GlobalAdminUPN} {
		steps = append(steps, resource.TestStep{
			PreConfig:   func() { az.as(t, upn) },
			Config:      cliProviderBlock(m) + passFor(upn),
			PlanOnly:    true,
			ExpectError: wrapped(`signed-in user themselves.*` + regexp.QuoteMeta(upn) + `.*the user this provider is signed in as`),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: protoV6, PreCheck: func() { passEnablePolicy(t, m) }, Steps: steps})
	noPassesCreated(t, m)
}

// A Global Reader's data source sees a member's pass (never its code); its apply of a pass
// fails at plan, saying which role issues passes.
func TestAccDelegated_globalReader(t *testing.T) {
	m := newMock(t)
	fakeAzureCLI(t, m, graphmock.GlobalReaderUPN)
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck: func() {
			passEnablePolicy(t, m)
			id = outOfBandPass(t, m, graphmock.CarolID, nil)
		},
		Steps: []resource.TestStep{
			{
				Config: cliProviderBlock(m) + fmt.Sprintf("data \"entratap_pass\" \"carol\" {\n  user_id = %q\n}\n", graphmock.CarolUPN),
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr("data.entratap_pass.carol", "exists", knownvalue.Bool(true)),
					passAttr("data.entratap_pass.carol", "id", knownvalue.StringFunc(func(got string) error {
						if got != id {
							return fmt.Errorf("id %s, want %s", got, id)
						}
						return nil
					})),
				},
			},
			{
				Config:      cliProviderBlock(m) + passFor(graphmock.BobUPN),
				ExpectError: wrapped(`cannot issue Temporary Access Passes.*Global Reader.*needs the Microsoft Entra role Authentication Administrator`),
			},
		},
	})
	if ps := m.Snapshot().Passes; len(ps) != 1 || ps[0].UserID != graphmock.CarolID {
		t.Fatalf("the reader's failing apply changed the passes: %+v", ps)
	}
}

// An Authentication Policy Administrator applies the policy; an Authentication Administrator's
// attempt fails at apply naming the role.
func TestAccDelegated_policyAdministratorAppliesPolicy(t *testing.T) {
	m := newMock(t)
	az := fakeAzureCLI(t, m, graphmock.AuthAdminUPN)
	policy := `resource "entratap_policy" "this" {
  enabled        = true
  default_length = 12
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config:      cliProviderBlock(m) + policy,
				ExpectError: wrapped(`signed in as user authadmin@contoso\.example.*needs the Microsoft Entra role Authentication Policy Administrator`),
			},
			{
				PreConfig: func() {
					if m.Snapshot().Policy.State != "disabled" {
						t.Fatal("the refused policy write changed the policy")
					}
					az.as(t, graphmock.PolicyAdminUPN)
				},
				Config: cliProviderBlock(m) + policy,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("entratap_policy.this", tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("entratap_policy.this", tfjsonpath.New("default_length"), knownvalue.Int64Exact(12)),
				},
			},
		},
	})
}

// A member with no role gets a clear error at plan; nothing is created.
func TestAccDelegated_memberWithoutRole(t *testing.T) {
	m := newMock(t)
	fakeAzureCLI(t, m, graphmock.BobUPN)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{
			{
				Config: cliProviderBlock(m) + `data "entratap_caller" "me" {}` + "\n",
				ConfigStateChecks: []statecheck.StateCheck{
					callerAttr("kind", knownvalue.StringExact("user")),
					callerAttr("object_id", knownvalue.StringExact(graphmock.BobID)),
					callerAttr("directory_roles", knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
			{
				Config:      cliProviderBlock(m) + passFor(graphmock.AliceUPN),
				ExpectError: wrapped(`cannot issue Temporary Access Passes.*bob@contoso\.example.*no directory role.*Authentication Administrator`),
			},
		},
	})
	noPassesCreated(t, m)
}

// An application's caller data source says so.
// The plan-time check itself, on a client signed in through the fake az: what each caller
// gets for each target, including the warning when the token cannot read roles.
func TestAccDelegated_planCheckDiagnostics(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	az := fakeAzureCLI(t, m, graphmock.AuthAdminUPN)
	ctx := context.Background()
	client := func(t *testing.T) *graph.Client {
		cred, err := graph.NewCredential(graph.AuthConfig{TenantID: graphmock.TenantID, UseCLI: true, AuthorityHost: m.URL})
		if err != nil {
			t.Fatal(err)
		}
		c, err := graph.New(graph.Config{GraphEndpoint: m.URL, AuthorityHost: m.URL, Credential: cred})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// entra-docs privileged-roles-permissions.md, "Who can reset passwords": a Password
	// Administrator is in an Authentication Administrator's reach, a role-assignable group's member is not.
	pwAdmin, err := m.AddUser(graphmock.NewUser{UserPrincipalName: "pwadmin@" + graphmock.Domain, Roles: []string{"Password Administrator"}})
	if err != nil {
		t.Fatal(err)
	}
	tier0, err := m.AddUser(graphmock.NewUser{UserPrincipalName: "tier0@" + graphmock.Domain})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.AddGroup(graphmock.Group{ID: "7a5e0000-0000-4000-8000-0000000000ab", DisplayName: "Tier 0", Members: []string{tier0.ID}, IsAssignableToRole: true}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, caller string
		scopes       []string
		target       string
		severity     diag.Severity // 0: no diagnostic
		want         string
	}{
		{"auth admin, member", graphmock.AuthAdminUPN, nil, graphmock.BobUPN, 0, ""},
		{"auth admin, password administrator", graphmock.AuthAdminUPN, nil, pwAdmin.UserPrincipalName, 0, ""},
		{"auth admin, role-assignable group member", graphmock.AuthAdminUPN, nil, tier0.UserPrincipalName, diag.SeverityError,
			`holds membership of the role-assignable group "Tier 0"`},
		{"privileged auth admin, role-assignable group member", graphmock.PrivAuthAdminUPN, nil, tier0.UserPrincipalName, 0, ""},
		{"auth admin, admin", graphmock.AuthAdminUPN, nil, graphmock.PrivAuthAdminUPN, diag.SeverityError, "needs the Microsoft Entra role Privileged Authentication Administrator"},
		{"auth admin, roles unreadable", graphmock.AuthAdminUPN, []string{"User.Read.All", "UserAuthenticationMethod.ReadWrite.All"}, graphmock.PrivAuthAdminUPN,
			diag.SeverityWarning, "reading them needs the delegated permission RoleManagement.Read.Directory"},
		{"privileged auth admin, admin", graphmock.PrivAuthAdminUPN, nil, graphmock.AuthAdminUPN, 0, ""},
		{"global admin, themselves", graphmock.GlobalAdminUPN, nil, graphmock.GlobalAdminID, diag.SeverityError, "is user globaladmin@contoso.example"},
		{"global reader", graphmock.GlobalReaderUPN, nil, graphmock.BobUPN, diag.SeverityError, "with directory roles: Global Reader"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			az.as(t, tc.caller, tc.scopes...)
			c := client(t)
			pc := newPassCheck(ctx, c, newRunState())
			diags := pc.checkCaller(tc.target, pc.gather(ctx, c, newRunState(), tc.target), path.Root)
			if tc.severity == 0 {
				if len(diags) != 0 {
					t.Fatalf("want no diagnostic, got %v", diags)
				}
				return
			}
			if len(diags) != 1 || diags[0].Severity() != tc.severity || !strings.Contains(diags[0].Detail(), tc.want) {
				t.Fatalf("want one %v saying %q, got %v", tc.severity, tc.want, diags)
			}
		})
	}
	// An application is not checked: its permissions are Graph's to judge.
	app, err := graph.NewCredential(graph.AuthConfig{TenantID: graphmock.TenantID, ClientID: graphmock.ReadOnlyClientID, ClientSecret: graphmock.ReadOnlyClientSecret, AuthorityHost: m.URL})
	if err != nil {
		t.Fatal(err)
	}
	c, err := graph.New(graph.Config{GraphEndpoint: m.URL, AuthorityHost: m.URL, Credential: app})
	if err != nil {
		t.Fatal(err)
	}
	pc := newPassCheck(ctx, c, newRunState())
	if diags := pc.checkCaller(graphmock.BobUPN, passSubject{user: &graph.User{ID: graphmock.BobID}}, path.Root); len(diags) != 0 {
		t.Fatalf("an application got %v", diags)
	}
}

// Round three, item 7: an Authentication Administrator may issue passes but not read the
// policy; the plan says the pass was not checked against it, and never tells them to sign in
// as someone else.
func TestAccDelegated_policyUnreadableIsNotABrokenRun(t *testing.T) {
	m := newMock(t)
	fakeAzureCLI(t, m, graphmock.AuthAdminUPN)
	rec := &diagRecorder{}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(fastGraph),
		PreCheck:                 func() { passEnablePolicy(t, m) },
		Steps: []resource.TestStep{{
			Config:             cliProviderBlock(m) + passFor(graphmock.BobUPN),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
	got := rec.takeDetails()
	if !strings.Contains(got, "The pass was not checked against the policy") || !strings.Contains(got, "Authentication Policy Administrator") {
		t.Errorf("no warning that the policy could not be read:\n%s", got)
	}
	if strings.Contains(got, "Sign in as a user") {
		t.Errorf("the warning tells an Authentication Administrator to sign in as someone else:\n%s", got)
	}
	noPassesCreated(t, m)
}
