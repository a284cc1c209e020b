// Package conformance drives graphmock with Microsoft's JavaScript libraries (@azure/identity,
// @microsoft/microsoft-graph-client): a Graph client we did not write must find the mock behave
// as Microsoft Graph does. The suite is js/conformance.test.js; its dependencies install from
// js/package-lock.json (npm ci).
package conformance

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

func TestConformanceWithMicrosoftJavaScriptLibraries(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the JavaScript conformance suite (internal/graphmock/conformance/js) did not run")
	}
	dir, err := filepath.Abs("js")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); os.IsNotExist(err) {
		npm, err := exec.LookPath("npm")
		if err != nil {
			t.Fatal("node is installed but npm is not: cannot install the suite's dependencies")
		}
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci: %v\n%s", err, out)
		}
	}

	s, err := graphmock.Start("127.0.0.1:0", graphmock.Options{CAFile: filepath.Join(t.TempDir(), "ca.pem")})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	apps, _ := json.Marshal(map[string]map[string]string{
		"admin":           {"id": graphmock.AdminClientID, "secret": graphmock.AdminClientSecret},
		"readOnly":        {"id": graphmock.ReadOnlyClientID, "secret": graphmock.ReadOnlyClientSecret},
		"leastPrivileged": {"id": graphmock.LeastPrivilegedClientID, "secret": graphmock.LeastPrivilegedClientSecret},
	})
	fixtures, _ := json.Marshal(map[string]any{
		"alice": graphmock.AliceUPN, "bob": graphmock.BobUPN, "carol": graphmock.CarolID, "nora": graphmock.NoraID,
		"externalGuest": graphmock.GuestUPN, "internalGuest": graphmock.InternalGuestUPN,
		"onboardingGroup": graphmock.OnboardingGroupID, "userCount": len(graphmock.DefaultSeed().Users),
	})
	cmd := exec.Command(node, "--test", "--test-concurrency=1", "conformance.test.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"NODE_EXTRA_CA_CERTS="+s.CAFile,
		"GRAPHMOCK_URL="+s.URL,
		"GRAPHMOCK_TENANT_ID="+graphmock.TenantID,
		"GRAPHMOCK_APPS="+string(apps),
		"GRAPHMOCK_FIXTURES="+string(fixtures),
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test failed (%v):\n%s", err, out)
	}
	t.Logf("%s", out)
}
