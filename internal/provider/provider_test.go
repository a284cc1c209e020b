package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// testCA signs the certificate of every mock Graph the acceptance tests
// start, one per test: Go reads SSL_CERT_FILE once per process, so the
// process trusts this one CA, and the tests may run in parallel.
var testCA *graphmock.CA

// fastGraph shortens the Graph client's waits to milliseconds: its back-off,
// how long a 404 is waited out for a user or a pass created moments ago, and how often progress is logged.
// The mock replicates within a few reads, not seconds.
func fastGraph(c *graph.Config) {
	c.Backoff = graph.Backoff{Initial: time.Millisecond, Max: 20 * time.Millisecond}
	c.ReplicationGrace = 500 * time.Millisecond
	c.YoungPassGrace = 500 * time.Millisecond
	c.ProgressEvery = -1 // a progress line for every pass and every wait: tests do not wait for the interval
}

// withEnv has the provider read its settings from env instead of the process environment,
// so that a test of environment variables runs in parallel with the others.
func withEnv(env map[string]string) Option {
	return func(c *graph.Config) { c.Getenv = func(k string) string { return env[k] } }
}

// protoV6Env serves the provider with fastGraph, reading its settings from env.
func protoV6Env(env map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"entratap": NewServer("test", fastGraph, withEnv(env)),
	}
}

// providerBin builds the provider binary once for the tests that run it as Terraform does
// (kill9_test.go, provider_binary_test.go): a link is seconds of CPU, paid once.
var providerBin struct {
	once sync.Once
	dir  string
	err  error
}

// providerBinary returns a directory holding terraform-provider-entratap, built from this tree
// with the release flags.
func providerBinary(t testing.TB) string {
	t.Helper()
	providerBin.once.Do(func() {
		root, err := filepath.Abs("../..")
		if err == nil {
			providerBin.dir, err = os.MkdirTemp("", "entratap-bin-") //nolint:usetesting // shared by every test of the process; TestMain removes it
		}
		if err != nil {
			providerBin.err = err
			return
		}
		build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", filepath.Join(providerBin.dir, "terraform-provider-entratap"), ".")
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			providerBin.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if providerBin.err != nil {
		t.Fatal(providerBin.err)
	}
	return providerBin.dir
}

// protoV6Patient is protoV6 with the replication graces of a real run (30 s): for tests of a
// lag the mock ends after a read or two, where a grace of milliseconds would fail under load.
var protoV6Patient = map[string]func() (tfprotov6.ProviderServer, error){
	"entratap": NewServer("test", fastGraph, func(c *graph.Config) {
		c.ReplicationGrace, c.YoungPassGrace = 30*time.Second, 30*time.Second
	}),
}

// testProvider is the provider the tests serve in-process, with fastGraph.
func testProvider() provider.Provider { return New("test", fastGraph)() }

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	if os.Getenv("TF_ACC") == "" {
		return m.Run()
	}
	// The user's own Azure settings must not change what the tests exercise.
	for _, e := range []string{
		"ARM_TENANT_ID", "ARM_CLIENT_ID", "ARM_CLIENT_SECRET", "ARM_CLIENT_CERTIFICATE", "ARM_CLIENT_CERTIFICATE_PATH",
		"ARM_CLIENT_CERTIFICATE_PASSWORD", "ARM_USE_OIDC", "ARM_OIDC_TOKEN", "ARM_OIDC_TOKEN_FILE_PATH", "ARM_OIDC_REQUEST_TOKEN",
		"ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL", "ARM_USE_MSI", "ARM_USE_CLI",
		"ARM_ENVIRONMENT", "ENTRATAP_GRAPH_ENDPOINT", "ENTRATAP_AUTHORITY_HOST", "AZURE_AUTHORITY_HOST", "IDENTITY_ENDPOINT",
		"IDENTITY_HEADER", "MSI_ENDPOINT", "AZURE_FEDERATED_TOKEN_FILE", "ARM_USE_AKS_WORKLOAD_IDENTITY",
	} {
		os.Unsetenv(e)
	}
	defer func() {
		if providerBin.dir != "" {
			_ = os.RemoveAll(providerBin.dir)
		}
	}()
	defer prepareCLI()() // cli_test.go: Terraform or OpenTofu, and an empty CLI config of our own
	dir, err := os.MkdirTemp("", "entratap-test-ca-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if testCA, err = graphmock.NewCA(dir); err != nil {
		fmt.Fprintln(os.Stderr, "making the mock Graph's CA:", err)
		return 1
	}
	// Before anything dials: the real TLS stack then trusts every mock.
	os.Setenv("SSL_CERT_FILE", testCA.File)
	removeAz, err := installFakeAzureCLI() // delegated_test.go: one fake az, a session per mock
	if err != nil {
		fmt.Fprintln(os.Stderr, "installing the fake az:", err)
		return 1
	}
	defer removeAz()
	return m.Run()
}

// protoV6 serves the provider in-process to the Terraform on PATH.
var protoV6 = map[string]func() (tfprotov6.ProviderServer, error){
	"entratap": NewServer("test", fastGraph),
}

// protoV6WithEcho adds the echo provider, for ephemeral values.
var protoV6WithEcho = map[string]func() (tfprotov6.ProviderServer, error){
	"entratap": NewServer("test", fastGraph),
	"echo":     echoprovider.NewProviderServer(),
}

// newMock starts a mock Graph with the default tenant for this test alone,
// closed when the test ends.
func newMock(t testing.TB) *graphmock.Server {
	t.Helper()
	return newMockTenant(t, graphmock.TenantID)
}

// newMockTenant is newMock with another tenant id (tenant_test.go).
func newMockTenant(t testing.TB, tenantID string) *graphmock.Server {
	t.Helper()
	if testCA == nil {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	// Most tests issue passes under the default (disabled) policy: the mock's
	// allow setting; the tests of the refusal set refuse themselves.
	seed := graphmock.DefaultSeed()
	seed.PolicyScope = graphmock.PolicyScopeAllow
	seed.TenantID = tenantID
	srv, err := graphmock.Start("127.0.0.1:0", graphmock.Options{CA: testCA, Seed: &seed})
	if err != nil {
		t.Fatalf("starting the mock Graph: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// providerBlock configures the provider against the mock as the admin app.
func providerBlock(m *graphmock.Server) string {
	return providerBlockAs(m, graphmock.AdminClientID, graphmock.AdminClientSecret)
}

// providerBlockAs configures the provider against the mock with a client secret.
func providerBlockAs(m *graphmock.Server, clientID, secret string) string {
	return fmt.Sprintf(`
provider "entratap" {
  tenant_id      = %q
  client_id      = %q
  client_secret  = %q
  graph_endpoint = %q
  authority_host = %q
  use_cli        = false
}
`, graphmock.TenantID, clientID, secret, m.URL, m.URL)
}

// Helpers of the acceptance tests of what only newer CLIs drive: identity (Terraform 1.12+),
// `terraform query` and actions (1.14+). The Terraform in CI (1.11) skips those tests; the
// protocol tests (proto_test.go) cover the same RPCs there.

// skipBelow114 skips what needs `terraform query` or actions.
var skipBelow114 = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// passesOutOfBand is a PreCheck: the policy enabled, and a pass made outside
// Terraform (the portal, a script) for each user.
func passesOutOfBand(t *testing.T, m *graphmock.Server, userIDs ...string) func() {
	return func() {
		passEnablePolicy(t, m)
		for _, id := range userIDs {
			passCreateOutOfBand(t, m, id, map[string]any{"lifetimeInMinutes": 60})
		}
	}
}

// traceLog sends Terraform's log and the in-process provider's to one file at TRACE and
// returns its path. Serial: Terraform and terraform-plugin-testing read TF_LOG* and
// TF_ACC_LOG_PATH from the process environment only (the framework hands the CLI's log
// path over from this one, and sends the provider's log there too).
func traceLog(t *testing.T) string {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_LOG", "trace")
	t.Setenv("TF_LOG_PATH", logPath)
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	return logPath
}

// keepWorkDirs has terraform-plugin-testing keep a copy of every step's working directory
// under the returned directory. Serial: it reads TF_ACC_TEMP_DIR and
// TF_ACC_PERSIST_WORKING_DIR from the process environment only.
func keepWorkDirs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("TF_ACC_TEMP_DIR", dir)
	t.Setenv("TF_ACC_PERSIST_WORKING_DIR", "1")
	return dir
}
