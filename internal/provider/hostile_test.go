package provider

// Issue 18: hostile and careless input, through the real Terraform CLI.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

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
	resource.Test(t, resource.TestCase{
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
