package provider

// Secrets never leave the places they belong. A harness runs representative
// configurations (the policy, the pass resource, the pass data source, the
// ephemeral pass, auth with a client secret and with a certificate and its
// password, and runs that fail) at TRACE log level, then searches all it
// captured (Terraform's log, the provider's log, the errors of failing
// steps, the state and plan files) for every code the provider issued, the
// client secret, the certificate, its password, the delegated tokens of an
// admin signed in through the Azure CLI, and anything that looks like a
// bearer token.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// Bearer tokens by shape: a JWT (header and claims are base64url JSON
// objects), or whatever follows "Bearer ".
var (
	secretJWT    = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}`)
	secretBearer = regexp.MustCompile(`Bearer\s+[^\s"',;\\]+`)
)

// secretNeedle is a secret value to look for. A configInput is one the
// user writes into the configuration: the configuration's own files (and
// their copies in saved plans) are not searched for it.
type secretNeedle struct {
	name        string
	value       string
	configInput bool
	// inState: the code of a pass resource, which the state holds by design
	// (a sensitive attribute): not searched for in state and saved plans.
	inState bool
}

// secretScanner searches artifacts and counts what it did.
type secretScanner struct {
	needles   []secretNeedle
	artifacts map[string]int // kind -> artifacts searched
	bytes     int64
	scans     int // one needle or pattern over one artifact
	hits      []string
}

func newSecretScanner(needles []secretNeedle) *secretScanner {
	return &secretScanner{needles: needles, artifacts: map[string]int{}}
}

// scan searches one artifact. Hits name the artifact and the secret, never its value.
func (s *secretScanner) scan(kind, name string, data []byte, configSource bool) {
	s.artifacts[kind]++
	s.bytes += int64(len(data))
	stateOrPlan := kind == "state" || strings.HasPrefix(kind, "plan")
	for _, n := range s.needles {
		if (n.configInput && configSource) || (n.inState && stateOrPlan) {
			continue
		}
		s.scans++
		if i := bytes.Index(data, []byte(n.value)); i >= 0 {
			s.hits = append(s.hits, fmt.Sprintf("%s %s holds %s at byte %d, in: %s", kind, name, n.name, i, secretContext(data, i, i+len(n.value))))
		}
	}
	for _, p := range []struct {
		name string
		re   *regexp.Regexp
	}{{"a JWT", secretJWT}, {`a "Bearer " credential`, secretBearer}} {
		s.scans++
		if loc := p.re.FindIndex(data); loc != nil {
			s.hits = append(s.hits, fmt.Sprintf("%s %s holds %s at byte %d, in: %s", kind, name, p.name, loc[0], secretContext(data, loc[0], loc[1])))
		}
	}
}

// secretContext is the start of the line holding data[from:to], the secret
// itself replaced, so that a hit says where it is without repeating it.
func secretContext(data []byte, from, to int) string {
	start := bytes.LastIndexByte(data[:from], '\n') + 1
	end := bytes.IndexByte(data[to:], '\n')
	if end < 0 {
		end = len(data)
	} else {
		end += to
	}
	line := string(data[start:from]) + "<secret>" + string(data[to:end])
	if len(line) > 240 {
		line = line[:240] + "..."
	}
	return strconv.Quote(line)
}

// scanDir searches every file under dir: saved plans (zip files) entry by entry.
func (s *secretScanner) scanDir(t *testing.T, dir string) {
	t.Helper()
	err := eachArtifact(dir, func(name string, data []byte, zipped bool) {
		if !zipped {
			kind := "file"
			switch {
			case strings.Contains(filepath.Base(name), ".tfstate"):
				kind = "state"
			case strings.HasSuffix(name, ".tf"):
				kind = "configuration"
			}
			s.scan(kind, name, data, kind == "configuration")
			return
		}
		entry := name[strings.LastIndex(name, "!")+1:]
		config := strings.HasPrefix(entry, "tfconfig/")
		kind := "plan"
		if config {
			kind = "plan's configuration"
		}
		s.scan(kind, name, data, config)
	})
	if err != nil {
		t.Fatalf("searching %s: %v", dir, err)
	}
}

func (s *secretScanner) report(t *testing.T, what string) {
	t.Helper()
	t.Logf("FIGURES secret scan (%s): %d artifacts %v, %d bytes, %d secrets and 2 token patterns, %d scans, %d hits",
		what, s.total(), s.artifacts, s.bytes, len(s.needles), s.scans, len(s.hits))
	for _, h := range s.hits {
		t.Errorf("secret found: %s", h)
	}
}

func (s *secretScanner) total() int {
	n := 0
	for _, c := range s.artifacts {
		n += c
	}
	return n
}

var secretLogHeader = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d`)

// secretSplitLog separates the testing framework's entries (sdk.helper_resource)
// from Terraform's and the provider's, and counts the entries of each.
func secretSplitLog(data []byte) (logs, framework []byte, entries map[string]int) {
	entries = map[string]int{}
	var out, fw bytes.Buffer
	dst := &out
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		if secretLogHeader.Match(line) {
			source := "terraform"
			switch {
			case bytes.Contains(line, []byte("sdk.helper_resource:")):
				source = "framework"
			case bytes.Contains(line, []byte(logProviderAddr())), bytes.Contains(line, []byte("] entratap: ")):
				source = "provider"
			}
			entries[source]++
			dst = &out
			if source == "framework" {
				dst = &fw
			}
		}
		dst.Write(line)
	}
	return out.Bytes(), fw.Bytes(), entries
}

// secretRecorder records every code the provider hands Terraform, read
// from the protocol responses: resource state and ephemeral results.
type secretRecorder struct {
	mu    sync.Mutex
	codes map[string]bool // code -> issued by the pass resource (kept in state by design)
}

func (r *secretRecorder) add(code string, resource bool) {
	if code == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.codes == nil {
		r.codes = map[string]bool{}
	}
	r.codes[code] = r.codes[code] || resource
}

// needles returns the codes to look for, and how many came from ephemeral passes.
func (r *secretRecorder) needles() ([]secretNeedle, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []secretNeedle
	ephemeral := 0
	for c, res := range r.codes {
		origin := "the ephemeral pass"
		if res {
			origin = "the pass resource"
		} else {
			ephemeral++
		}
		out = append(out, secretNeedle{name: fmt.Sprintf("code %d of %d (from %s)", len(out)+1, len(r.codes), origin), value: c, inState: res})
	}
	return out, ephemeral
}

// factories serves the real provider wrapped to record codes, and the echo provider.
func (r *secretRecorder) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"entratap": func() (tfprotov6.ProviderServer, error) {
			s, err := providerserver.NewProtocol6WithError(testProvider())()
			if err != nil {
				return nil, err
			}
			return &secretCapturingServer{ProviderServer: s, rec: r}, nil
		},
		"echo": echoprovider.NewProviderServer(),
	}
}

type secretCapturingServer struct {
	tfprotov6.ProviderServer
	rec     *secretRecorder
	once    sync.Once
	schemas *tfprotov6.GetProviderSchemaResponse
}

func (s *secretCapturingServer) schema(ctx context.Context) *tfprotov6.GetProviderSchemaResponse {
	s.once.Do(func() {
		s.schemas, _ = s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	})
	return s.schemas
}

func (s *secretCapturingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if err == nil && resp != nil {
		if sc := s.schema(ctx); sc != nil {
			s.rec.add(passResultString(sc.ResourceSchemas[req.TypeName], resp.NewState, "temporary_access_pass"), true)
		}
	}
	return resp, err
}

func (s *secretCapturingServer) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	resp, err := s.ProviderServer.OpenEphemeralResource(ctx, req)
	if err == nil && resp != nil {
		if sc := s.schema(ctx); sc != nil {
			s.rec.add(passResultString(sc.EphemeralResourceSchemas[req.TypeName], resp.Result, "temporary_access_pass"), false)
		}
	}
	return resp, err
}

// secretFailures lets steps fail on purpose while keeping their error text:
// a failing step sets the error it expects; ErrorCheck keeps the text.
type secretFailures struct {
	expect   *regexp.Regexp
	expected int
	errors   []string
}

func (f *secretFailures) step(config, pattern string) resource.TestStep {
	return resource.TestStep{
		PreConfig: func() { f.expect = regexp.MustCompile(pattern); f.expected++ },
		Config:    config,
	}
}

func (f *secretFailures) check(err error) error {
	if f.expect == nil || !f.expect.MatchString(err.Error()) {
		return err
	}
	f.expect = nil
	f.errors = append(f.errors, err.Error())
	return nil
}

// secretRandom is a distinctive value: no false hit is possible.
func secretRandom(t *testing.T, prefix string) string {
	t.Helper()
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b)
}

// secretPFX re-encodes the admin app's certificate and key as PKCS#12
// under password: the mock's own password is the word "graphmock", which
// every log line of the mock holds, so it cannot be searched for.
func secretPFX(t *testing.T, m *graphmock.Server, password string) []byte {
	t.Helper()
	certPEM, keyPEM := m.AdminCertificatePEM()
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		t.Fatal("the mock's certificate PEM holds no certificate or key")
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	key, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pfx, err := pkcs12.LegacyDES.Encode(key, cert, nil, password)
	if err != nil {
		t.Fatal(err)
	}
	return pfx
}

func secretProviderBlock(m *graphmock.Server, creds string) string {
	return fmt.Sprintf("provider \"entratap\" {\n  tenant_id      = %q\n  client_id      = %q\n  graph_endpoint = %q\n  authority_host = %q\n  use_cli        = false\n%s}\n",
		graphmock.TenantID, graphmock.AdminClientID, m.URL, m.URL, creds)
}

// The harness. Two runs share the log and have their working directories
// kept and searched: the first without the echo provider, the second with.
// Echo stores what it is given in its resource's state, and Terraform logs
// that state at DEBUG: it is given the pass's non-secret attributes, and
// the code, which the ephemeral pass still issues, must show up nowhere.
func TestAccSecret_noSecretInLogsStateOrErrors(t *testing.T) {
	m := newMock(t)
	passEnablePolicy(t, m) // the ephemeral pass signs in during plan, before the policy resource is applied
	for _, u := range []string{"dave", "erin", "frank"} {
		if _, err := m.AddUser(graphmock.NewUser{UserPrincipalName: u + "@" + graphmock.Domain}); err != nil {
			t.Fatal(err)
		}
	}
	logPath := traceLog(t)
	workDirs := keepWorkDirs(t)

	certPassword := secretRandom(t, "pfx-password-")
	pfx := secretPFX(t, m, certPassword)
	pfxB64 := base64.StdEncoding.EncodeToString(pfx)
	pfxFile := writeFile(t, "admin.pfx", pfx)
	wrongSecret := secretRandom(t, "wrong-secret-")
	wrongPassword := secretRandom(t, "wrong-password-")
	secretAuth := secretProviderBlock(m, fmt.Sprintf("  client_secret  = %q\n", graphmock.AdminClientSecret))
	certAuth := secretProviderBlock(m, fmt.Sprintf("  client_certificate          = %q\n  client_certificate_password = %q\n", pfxB64, certPassword))
	certPathAuth := secretProviderBlock(m, fmt.Sprintf("  client_certificate_path     = %q\n  client_certificate_password = %q\n", pfxFile, certPassword))

	// Bob holds a pass made outside Terraform: its code is a secret too, and the create that meets it fails.
	var outside struct {
		Code string `json:"temporaryAccessPass"`
	}
	status, body := m.GraphRequest(http.MethodPost, "/v1.0/users/"+graphmock.BobID+"/authentication/temporaryAccessPassMethods", map[string]any{})
	if status != http.StatusCreated || json.Unmarshal(body, &outside) != nil || outside.Code == "" {
		t.Fatalf("POST bob's pass: HTTP %d", status)
	}

	resources := fmt.Sprintf(`
resource "entratap_policy" "this" {
  enabled = true
}

resource "entratap_pass" "p" {
  for_each   = toset([%q, %q])
  user_id    = each.value
  depends_on = [entratap_policy.this]
}

data "entratap_pass" "alice" {
  user_id = entratap_pass.p[%q].user_object_id
}

ephemeral "entratap_pass" "onboarding" {
  user_id        = "dave@%s"
  is_usable_once = true
}

resource "terraform_data" "signin" {
  # What a run does with the code: sign the user in (here at the mock).
  provisioner "local-exec" {
    command = <<-EOT
      curl -sS --fail-with-body --cacert "$CA_FILE" -H 'Content-Type: application/json' --data "{\"user\":\"$TAP_USER\",\"temporaryAccessPass\":\"$TAP_CODE\"}" "$ENTRATAP_MOCK_URL/signin" >/dev/null
    EOT
    environment = {
      TAP_USER          = ephemeral.entratap_pass.onboarding.user_object_id
      TAP_CODE          = ephemeral.entratap_pass.onboarding.temporary_access_pass
      CA_FILE           = %q
      ENTRATAP_MOCK_URL = %q
    }
  }
}
`, graphmock.AliceUPN, graphmock.CarolUPN, graphmock.AliceUPN, graphmock.Domain, m.CAFile, m.URL+"/_mock")
	alicePass := "entratap_pass.p[\"" + graphmock.AliceUPN + "\"]"

	// Issue 26: the same state met by a provider signed in to another tenant; OIDC request
	// failures (a CI token endpoint refusing the request token, or answering without a token);
	// a user whose name holds control and bidi characters, holding a pass made outside Terraform.
	other := newMockTenant(t, otherTenantID)
	// The other tenant knows the ephemeral pass's user too, so that the step fails for the tenant
	// alone: a user it did not know would be waited for until the open timeout (5 min).
	if _, err := other.AddUser(graphmock.NewUser{UserPrincipalName: "dave@" + graphmock.Domain}); err != nil {
		t.Fatal(err)
	}
	otherAuth := strings.Replace(secretProviderBlock(other, fmt.Sprintf("  client_secret  = %q\n", graphmock.AdminClientSecret)),
		fmt.Sprintf("%q", graphmock.TenantID), fmt.Sprintf("%q", otherTenantID), 1)
	requestToken := secretRandom(t, "oidc-request-token-")
	noToken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, `{"count":0}`) }))
	t.Cleanup(noToken.Close)
	oidcRequest := func(url string) string {
		return secretProviderBlock(m, fmt.Sprintf("  use_oidc = true\n  oidc_request_url = %q\n  oidc_request_token = %q\n", url, requestToken)) + readPolicy
	}
	// An external guest: the plan warns naming the user (from Graph), and Graph refuses the pass.
	mallory, err := m.AddUser(graphmock.NewUser{UserPrincipalName: hostileUPN, UserType: "Guest", CreationType: "Invitation", ExternalUserState: "Accepted"})
	if err != nil {
		t.Fatal(err)
	}

	rec := &secretRecorder{}
	fails := &secretFailures{}
	// Serial: Terraform and terraform-plugin-testing read TF_LOG* and TF_ACC_* from the process environment.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		ErrorCheck:               fails.check,
		Steps: []resource.TestStep{
			// Authentication that fails: a wrong client secret, a wrong certificate password.
			fails.step(secretProviderBlock(m, fmt.Sprintf("  client_secret = %q\n", wrongSecret))+readPolicy, `invalid_client`),
			fails.step(secretProviderBlock(m, fmt.Sprintf("  client_certificate = %q\n  client_certificate_password = %q\n", pfxB64, wrongPassword))+readPolicy,
				`client_certificate[\s│]+could[\s│]+not[\s│]+be[\s│]+read`),
			fails.step(secretProviderBlock(m, fmt.Sprintf("  client_secret = %q\n  client_certificate = %q\n  client_certificate_password = %q\n",
				graphmock.AdminClientSecret, pfxB64, certPassword))+readPolicy, `Both[\s│]+a[\s│]+client[\s│]+certificate[\s│]+and[\s│]+a[\s│]+client[\s│]+secret`),
			{
				Config: secretAuth + resources,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(alicePass, tfjsonpath.New("temporary_access_pass"), knownvalue.StringFunc(passSignsIn(m, graphmock.AliceUPN))),
					statecheck.ExpectKnownValue("data.entratap_pass.alice", tfjsonpath.New("exists"), knownvalue.Bool(true)),
				},
			},
			// The same configuration through certificate authentication: nothing to change.
			{Config: certAuth + resources, PlanOnly: true},
			{Config: certPathAuth + resources, PlanOnly: true},
			// A create that fails: bob already has a pass.
			fails.step(secretAuth+resources+fmt.Sprintf("\nresource \"entratap_pass\" \"bob\" {\n  user_id = %q\n}\n", graphmock.BobUPN),
				`already[\s│]+has[\s│]+a[\s│]+Temporary[\s│]+Access[\s│]+Pass`),
			fails.step(secretAuth+resources+fmt.Sprintf("\nresource \"entratap_pass\" \"mallory\" {\n  user_id = %q\n}\n", mallory.ID),
				`external[\s│]+guest`),
			fails.step(otherAuth+resources, `another[\s│]+tenant`),
			fails.step(oidcRequest(m.URL+"/_mock/oidc/github"), `token[\s│]+endpoint.*answered[\s│]+HTTP[\s│]+401`),
			fails.step(oidcRequest(noToken.URL+"/token"), `token[\s│]+endpoint.*answered[\s│]+HTTP[\s│]+200[\s│]+without[\s│]+a[\s│]+token`),
			{Config: secretAuth},
		},
	})

	// The ephemeral pass handing its attributes to another provider (echo).
	echoConfig := func(user, attrs string) string {
		return secretAuth + fmt.Sprintf(`
ephemeral "entratap_pass" "p" {
  user_id = "%s@%s"
%s
}

provider "echo" {
  data = {
    id                      = ephemeral.entratap_pass.p.id
    user_object_id          = ephemeral.entratap_pass.p.user_object_id
    expiration_date_time    = ephemeral.entratap_pass.p.expiration_date_time
    method_usability_reason = ephemeral.entratap_pass.p.method_usability_reason
  }
}

resource "echo" "test" {}
`, user, graphmock.Domain, attrs)
	}
	echoDirs := t.TempDir()
	t.Setenv("TF_ACC_TEMP_DIR", echoDirs)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   passSkipBelow110,
		ProtoV6ProviderFactories: rec.factories(),
		ErrorCheck:               fails.check,
		Steps: []resource.TestStep{
			{
				Config:            echoConfig("frank", ""),
				ConfigStateChecks: []statecheck.StateCheck{passEcho("id", knownvalue.NotNull())},
			},
			// An ephemeral pass that fails: the apply meets the pass its own plan left.
			fails.step(echoConfig("erin", "  revoke_on_close = false"), `this[\s│]+run's[\s│]+own[\s│]+plan[\s│]+issued`),
			{Config: echoConfig("erin", "  revoke_on_close = false\n  replace_existing = true")},
		},
	})

	// Delegated runs: an Authentication Administrator signed in through the Azure CLI (the fake
	// az, whose user tokens are searched for too) issues a pass, then fails at plan (an admin
	// target) and at apply (a token without the scope to read roles: a 403 naming the role).
	passEnablePolicy(t, m)
	if _, err := m.AddUser(graphmock.NewUser{UserPrincipalName: "gina@" + graphmock.Domain}); err != nil {
		t.Fatal(err)
	}
	az := fakeAzureCLI(t, m, graphmock.AuthAdminUPN)
	delegatedDirs := t.TempDir()
	t.Setenv("TF_ACC_TEMP_DIR", delegatedDirs)
	delegated := cliProviderBlock(m) + "data \"entratap_caller\" \"me\" {}\n"
	narrowed := fails.step(delegated+passFor(graphmock.PrivAuthAdminUPN), `Privileged[\s│]+Authentication[\s│]+Administrator`)
	expect := narrowed.PreConfig
	narrowed.PreConfig = func() {
		az.as(t, graphmock.AuthAdminUPN, "User.Read.All", "UserAuthenticationMethod.ReadWrite.All")
		expect()
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		ErrorCheck:               fails.check,
		Steps: []resource.TestStep{
			{
				Config: delegated + passFor("gina@"+graphmock.Domain),
				ConfigStateChecks: []statecheck.StateCheck{
					passAttr("entratap_pass.p", "temporary_access_pass", knownvalue.StringFunc(passSignsIn(m, "gina@"+graphmock.Domain))),
					callerAttr("kind", knownvalue.StringExact("user")),
				},
			},
			fails.step(delegated+passFor(graphmock.PrivAuthAdminUPN), `admin[\s│]+role`),
			narrowed,
		},
	})

	if fails.expected != len(fails.errors) {
		t.Fatalf("%d steps were meant to fail, %d failed as expected", fails.expected, len(fails.errors))
	}
	codes, ephemeral := rec.needles()
	if len(codes)-ephemeral < 2 || ephemeral < 6 {
		t.Fatalf("recorded %d codes of pass resources and %d of ephemeral passes, want 2 and 6 or more", len(codes)-ephemeral, ephemeral)
	}
	needles := []secretNeedle{
		{name: "the client secret", value: graphmock.AdminClientSecret, configInput: true},
		{name: "a wrong client secret", value: wrongSecret, configInput: true},
		{name: "the certificate password", value: certPassword, configInput: true},
		{name: "a wrong certificate password", value: wrongPassword, configInput: true},
		{name: "the certificate (base64 PKCS#12)", value: pfxB64, configInput: true},
		{name: "the code of the pass made outside Terraform", value: outside.Code},
		{name: "the OIDC request token", value: requestToken, configInput: true},
	}
	needles = append(needles, codes...)
	for i, tok := range az.issued(t) {
		needles = append(needles, secretNeedle{name: fmt.Sprintf("delegated token %d (the fake az)", i+1), value: tok})
	}

	logData, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading the log: %v", err)
	}
	// Both the CLI's and the provider's lines must be there for the search to mean anything.
	for _, want := range []string{logVersionLine(), "Microsoft Graph request", "temporaryAccessPassMethods", "ApplyResourceChange", "OpenEphemeralResource", logProviderAddr()} {
		if !bytes.Contains(logData, []byte(want)) {
			t.Fatalf("the log (%d bytes) lacks %q: logging was not captured", len(logData), want)
		}
	}
	scanner := newSecretScanner(needles)
	logs, framework, entries := secretSplitLog(logData)
	t.Logf("the log: %d entries from Terraform, %d from the provider, %d from the testing framework", entries["terraform"], entries["provider"], entries["framework"])
	scanner.scan("log", "of Terraform and the provider (TF_LOG=trace)", logs, false)
	// The testing framework logs each step's configuration: searched for all but what the configuration holds.
	scanner.scan("testing framework's log", "", framework, true)
	for i, e := range fails.errors {
		scanner.scan("error", fmt.Sprintf("of failing step %d", i+1), []byte(e), false)
	}
	scanner.scanDir(t, workDirs)
	scanner.scanDir(t, echoDirs)
	scanner.scanDir(t, delegatedDirs)
	if scanner.artifacts["state"] == 0 || scanner.artifacts["plan"] == 0 {
		t.Fatalf("searched %v; want state files and saved plans", scanner.artifacts)
	}
	scanner.report(t, fmt.Sprintf("%d codes, %d of them from ephemeral passes", len(codes), ephemeral))
}

// Item 5: the secrets harness over hostile input: passwords in URLs,
// certificate errors, a provider block on one line. Nothing found anywhere.
func TestAccSecret_hostileInputs(t *testing.T) {
	m := newMock(t)
	logPath := traceLog(t)
	workDirs := keepWorkDirs(t)

	urlPassword := secretRandom(t, "url-password-")
	withUser := "https://admin:" + urlPassword + "@" + m.URL[len("https://"):]
	certPassword := secretRandom(t, "pfx-password-")
	wrongPassword := secretRandom(t, "wrong-password-")
	pfxFile := writeFile(t, "admin.pfx", secretPFX(t, m, certPassword))
	plainSecret := secretRandom(t, "plain-text-")
	plainFile := writeFile(t, "cert.txt", []byte(plainSecret+"\n"))
	lineSecret := secretRandom(t, "one-line-secret-")

	block := func(creds string) string { return secretProviderBlock(m, creds) + readPolicy }
	fails := &secretFailures{}
	// Serial: Terraform and terraform-plugin-testing read TF_LOG* and TF_ACC_* from the process environment.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		ErrorCheck:               fails.check,
		Steps: []resource.TestStep{
			fails.step(fmt.Sprintf("provider \"entratap\" {\n  tenant_id = %q\n  client_id = %q\n  client_secret = %q\n  graph_endpoint = %q\n  authority_host = %q\n  use_cli = false\n}\n%s",
				graphmock.TenantID, graphmock.AdminClientID, graphmock.AdminClientSecret, withUser, m.URL, readPolicy), `graph_endpoint[\s│]+must[\s│]+not[\s│]+carry`),
			fails.step(fmt.Sprintf("provider \"entratap\" {\n  tenant_id = %q\n  client_id = %q\n  client_secret = %q\n  graph_endpoint = %q\n  authority_host = %q\n  use_cli = false\n}\n%s",
				graphmock.TenantID, graphmock.AdminClientID, graphmock.AdminClientSecret, m.URL, withUser, readPolicy), `authority_host[\s│]+must[\s│]+not[\s│]+carry`),
			fails.step(block(fmt.Sprintf("  client_secret = %q\n  use_oidc = true\n  oidc_request_url = %q\n", graphmock.AdminClientSecret, withUser+"/token")), `oidc_request_url[\s│]+must[\s│]+not[\s│]+carry`),
			fails.step(block(fmt.Sprintf("  client_certificate_path = %q\n  client_certificate_password = %q\n", pfxFile, wrongPassword)), `is[\s│]+not[\s│]+the[\s│]+password`),
			fails.step(block(fmt.Sprintf("  client_certificate_path = %q\n  client_certificate_password = %q\n", plainFile, certPassword)), `neither[\s│]+a[\s│]+PKCS#12`),
			// One line: Terraform prints the block's line with any diagnostic
			// about it, so the secret comes from a sensitive variable (the
			// documented way), never a literal; the rest from the environment.
			{
				PreConfig: func() {
					fails.expect = regexp.MustCompile(`environment[\s│]+"mars"`)
					fails.expected++
					t.Setenv("TF_VAR_secret", lineSecret)
					t.Setenv("ARM_TENANT_ID", graphmock.TenantID)
					t.Setenv("ARM_CLIENT_ID", graphmock.AdminClientID)
					t.Setenv("ARM_ENVIRONMENT", "mars")
				},
				Config: "variable \"secret\" {\n  type = string\n  sensitive = true\n}\nprovider \"entratap\" { client_secret = var.secret }\n" + readPolicy,
			},
			{
				PreConfig: func() {
					for _, e := range []string{"TF_VAR_secret", "ARM_TENANT_ID", "ARM_CLIENT_ID", "ARM_ENVIRONMENT"} {
						t.Setenv(e, "") // empty counts as unset
					}
				},
				Config: block(fmt.Sprintf("  client_certificate_path = %q\n  client_certificate_password = %q\n", pfxFile, certPassword)),
			},
		},
	})
	if fails.expected != len(fails.errors) {
		t.Fatalf("%d steps were meant to fail, %d failed as expected", fails.expected, len(fails.errors))
	}
	needles := []secretNeedle{
		{name: "the password in a URL", value: urlPassword, configInput: true},
		{name: "the certificate password", value: certPassword, configInput: true},
		{name: "a wrong certificate password", value: wrongPassword, configInput: true},
		{name: "a plain-text file's content", value: plainSecret},
		// Terraform keeps variable values in a saved plan by design: searched everywhere else.
		{name: "a one-line block's secret", value: lineSecret, inState: true},
		{name: "the client secret", value: graphmock.AdminClientSecret, configInput: true},
	}
	logData, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	scanner := newSecretScanner(needles)
	logs, framework, _ := secretSplitLog(logData)
	scanner.scan("log", "of Terraform and the provider (TF_LOG=trace)", logs, false)
	scanner.scan("testing framework's log", "", framework, true)
	for i, e := range fails.errors {
		scanner.scan("error", fmt.Sprintf("of failing step %d", i+1), []byte(e), false)
	}
	scanner.scanDir(t, workDirs)
	scanner.report(t, "hostile inputs")
}

// The scanner finds what it looks for: a real access token of the mock,
// a code and the client secret, planted in an artifact.
func TestAccSecret_scannerFindsPlantedSecrets(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	token, _, err := m.MintAccessToken(graphmock.AdminClientID)
	if err != nil {
		t.Fatal(err)
	}
	s := newSecretScanner([]secretNeedle{{name: "a code", value: "Gx8#k2+P"}, {name: "the client secret", value: graphmock.AdminClientSecret, configInput: true}})
	s.scan("log", "planted", []byte(`{"token":"`+token+`"} code Gx8#k2+P header Authorization: Bearer abc.def `+graphmock.AdminClientSecret), false)
	if len(s.hits) != 4 {
		t.Fatalf("planted 4 secrets (a JWT, a bearer credential, a code, a secret), found %d: %v", len(s.hits), s.hits)
	}
	s = newSecretScanner([]secretNeedle{{name: "the client secret", value: graphmock.AdminClientSecret, configInput: true}})
	s.scan("configuration", "main.tf", []byte(`client_secret = "`+graphmock.AdminClientSecret+`"`), true)
	if len(s.hits) != 0 {
		t.Fatalf("a secret the user wrote into the configuration counted as a leak: %v", s.hits)
	}
}

// The mock never logs a code, nor keeps one in its state file, its request
// log or its state endpoint. A mock with a state file and a log, started
// here (newMock's take neither), driven over HTTPS with plain net/http.
// Needs no TF_ACC.
func TestAccSecret_mockNeverLogsACode(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var lines []string
	statePath := filepath.Join(t.TempDir(), "state.json")
	srv, err := graphmock.Start("127.0.0.1:0", graphmock.Options{StatePath: statePath, Logf: func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf(format, args...))
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(srv.CAPEM)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	do := func(method, path, contentType string, body io.Reader, token string) (int, []byte) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, body)
		if err != nil {
			t.Fatal(err)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}

	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {graphmock.AdminClientID},
		"client_secret": {graphmock.AdminClientSecret}, "scope": {"https://graph.microsoft.com/.default"}}
	st, b := do(http.MethodPost, "/"+graphmock.TenantID+"/oauth2/v2.0/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), "")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if st != http.StatusOK || json.Unmarshal(b, &tok) != nil || tok.AccessToken == "" {
		t.Fatalf("token: HTTP %d", st)
	}
	jsonBody := func(v any) io.Reader {
		b, _ := json.Marshal(v)
		return bytes.NewReader(b)
	}
	graphCall := func(method, path string, body any, want int) []byte {
		t.Helper()
		var r io.Reader
		if body != nil {
			r = jsonBody(body)
		}
		st, b := do(method, "/v1.0"+path, "application/json", r, tok.AccessToken)
		if st != want {
			t.Fatalf("%s %s: HTTP %d, want %d", method, path, st, want)
		}
		return b
	}
	graphCall(http.MethodPatch, "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass",
		map[string]any{"@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration", "state": "enabled"}, http.StatusNoContent)
	passes := "/users/" + graphmock.AliceID + "/authentication/temporaryAccessPassMethods"
	var codes []string
	var id string
	for i := 0; i < 3; i++ { // each create replaces the previous pass
		var p struct {
			ID   string `json:"id"`
			Code string `json:"temporaryAccessPass"`
		}
		if json.Unmarshal(graphCall(http.MethodPost, passes, map[string]any{"lifetimeInMinutes": 60}, http.StatusCreated), &p) != nil || p.Code == "" {
			t.Fatal("no code in the 201 answer")
		}
		codes = append(codes, p.Code)
		id = p.ID
	}
	graphCall(http.MethodGet, passes, nil, http.StatusOK)
	graphCall(http.MethodGet, passes+"/"+id, nil, http.StatusOK)
	graphCall(http.MethodPost, passes, map[string]any{"lifetimeInMinutes": 5}, http.StatusBadRequest)
	signIn := func(code string, want int) {
		t.Helper()
		st, _ := do(http.MethodPost, "/_mock/signin", "application/json", jsonBody(map[string]string{"user": graphmock.AliceUPN, "temporaryAccessPass": code}), "")
		if st != want {
			t.Fatalf("sign-in: HTTP %d, want %d", st, want)
		}
	}
	signIn(codes[2], http.StatusOK)
	signIn(codes[0], http.StatusUnauthorized) // replaced
	graphCall(http.MethodDelete, passes+"/"+id, nil, http.StatusNoContent)
	_, stateJSON := do(http.MethodGet, "/_mock/state", "", nil, "")
	_, requestsJSON := do(http.MethodGet, "/_mock/requests", "", nil, "")
	stateFile, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	logText := strings.Join(lines, "\n")
	mu.Unlock()
	if !strings.Contains(logText, "temporaryAccessPassMethods") {
		t.Fatalf("the mock logged %d lines, none about passes: Logf was not used", len(lines))
	}
	needles := []secretNeedle{{name: "the client secret", value: graphmock.AdminClientSecret, configInput: true}, {name: "the access token", value: tok.AccessToken}}
	for i, c := range codes {
		needles = append(needles, secretNeedle{name: fmt.Sprintf("code %d of %d", i+1, len(codes)), value: c})
	}
	s := newSecretScanner(needles)
	s.scan("mock log", fmt.Sprintf("(%d lines)", len(lines)), []byte(logText), false)
	s.scan("mock /_mock/state", "", stateJSON, false)
	s.scan("mock /_mock/requests", "", requestsJSON, false)
	// The state file persists the tenant's directory, app registrations and
	// their secrets included, as Entra itself holds them: searched for the rest.
	s.scan("mock state file", statePath, stateFile, true)
	s.report(t, "the mock")
}
