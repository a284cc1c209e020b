package provider

import (
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// testMock is the mock Graph every acceptance test in this package talks
// to, through the provider's real azidentity and msgraph-sdk-go path. It is
// one server per process because Go reads SSL_CERT_FILE once; newMock resets
// it for each test, so acceptance tests here must not run in parallel.
var testMock *graphmock.Server

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
	defer prepareCLI()() // cli_test.go: Terraform or OpenTofu
	// An empty CLI config of our own: the user's must not change the runs
	// (and a missing ~/.terraformrc would print a warning in every run).
	if os.Getenv("TF_CLI_CONFIG_FILE") == "" {
		f, err := os.CreateTemp("", "entratap-test-*.tfrc")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		f.Close()
		defer os.Remove(f.Name())
		os.Setenv("TF_CLI_CONFIG_FILE", f.Name())
	}
	srv, err := graphmock.Start("127.0.0.1:0", graphmock.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the mock Graph:", err)
		return 1
	}
	defer srv.Close()
	// Before anything dials: the real TLS stack then trusts the mock.
	os.Setenv("SSL_CERT_FILE", srv.CAFile)
	testMock = srv
	return m.Run()
}

// protoV6 serves the provider in-process to the Terraform on PATH.
var protoV6 = map[string]func() (tfprotov6.ProviderServer, error){
	"entratap": providerserver.NewProtocol6WithError(New("test")()),
}

// protoV6WithEcho adds the echo provider, for ephemeral values.
var protoV6WithEcho = map[string]func() (tfprotov6.ProviderServer, error){
	"entratap": providerserver.NewProtocol6WithError(New("test")()),
	"echo":     echoprovider.NewProviderServer(),
}

// newMock resets the shared mock to its default tenant for this test.
func newMock(t *testing.T) *graphmock.Server {
	t.Helper()
	if testMock == nil {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	testMock.Reset()
	return testMock
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
