package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// otherTenantID is the tenant of a second mock: the same users and apps, another tenant.
const otherTenantID = "0f0e0d0c-0000-4000-8000-00000000beef"

// providerBlockTenant configures the provider as the admin app of tenant at m.
func providerBlockTenant(m *graphmock.Server, tenant string) string {
	return strings.Replace(providerBlock(m), fmt.Sprintf("%q", graphmock.TenantID), fmt.Sprintf("%q", tenant), 1)
}

const tenantObjects = `
resource "entratap_policy" "this" {
  enabled = true
}

resource "entratap_pass" "alice" {
  user_id    = "alice@contoso.example"
  depends_on = [entratap_policy.this]
}

resource "entratap_passes" "wave" {
  passes     = { bob = { user_id = "bob@contoso.example" } }
  depends_on = [entratap_policy.this]
}
`

// Item 1 of issue 26: state of one tenant, the provider pointed at another (a stale env
// file): every object's plan fails naming both tenants and the ways on, with and without
// refresh, and nothing is written to the second tenant.
func TestAccTenant_otherTenantRefused(t *testing.T) {
	first, second := newMock(t), newMockTenant(t, otherTenantID)
	both := regexp.MustCompile(`(?s)another tenant.*` + graphmock.TenantID + `.*` + otherTenantID + `.*terraform\s+state\s+rm`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: providerBlock(first) + tenantObjects,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("entratap_policy.this", tfjsonpath.New("tenant_id"), knownvalue.StringExact(graphmock.TenantID)),
					statecheck.ExpectKnownValue("entratap_pass.alice", tfjsonpath.New("tenant_id"), knownvalue.StringExact(graphmock.TenantID)),
					statecheck.ExpectKnownValue("entratap_passes.wave", tfjsonpath.New("tenant_id"), knownvalue.StringExact(graphmock.TenantID)),
				},
			},
			{
				// PlanOnly plans with -refresh=false first: no Read runs, ModifyPlan refuses.
				Config:      providerBlockTenant(second, otherTenantID) + tenantObjects,
				PlanOnly:    true,
				ExpectError: both,
			},
			{
				// A plain plan: the refresh refuses.
				Config:      providerBlockTenant(second, otherTenantID) + tenantObjects,
				ExpectError: both,
			},
			{
				// Back at the first tenant: nothing changed, nothing to do.
				Config:           providerBlock(first) + tenantObjects,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
	if n := len(second.Snapshot().Passes); n != 0 {
		t.Fatalf("the second tenant holds %d passes: the run wrote to it", n)
	}
	if p := second.Snapshot().Policy; p.State == "enabled" {
		t.Fatal("the second tenant's policy was enabled: the run wrote to it")
	}
}

// State written before tenant_id existed (and an identity of version 0) adopts the tenant
// the provider is signed in to, silently: the framework reads the older JSON with the new
// attribute null, and the identity upgrader fills the tenant.
func TestProtoTenant_oldStateAdopts(t *testing.T) {
	t.Parallel()
	_, p, passID := protoWithPass(t, graphmock.AliceID)
	ctx := context.Background()

	// The JSON an older provider wrote: no tenant_id.
	raw := fmt.Sprintf(`{"id":%q,"user_id":%q,"user_object_id":%q,"replace_existing":false,"replace_when_unusable":false,"temporary_access_pass":null,`+
		`"start_date_time":null,"lifetime_in_minutes":60,"is_usable_once":false,"created_date_time":null,"expiration_date_time":null,`+
		`"is_usable":true,"method_usability_reason":"EnabledByPolicy","triggers":null,"timeouts":null}`, passID, graphmock.AliceUPN, graphmock.AliceID)
	up, err := p.srv.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: "entratap_pass", Version: 0,
		RawState: &tfprotov6.RawState{JSON: []byte(raw)}})
	if err != nil || hasError(up.Diagnostics) {
		t.Fatalf("UpgradeResourceState: %v %s", err, diagText(up.Diagnostics))
	}
	oldID, err := p.srv.UpgradeResourceIdentity(ctx, &tfprotov6.UpgradeResourceIdentityRequest{TypeName: "entratap_pass", Version: 0,
		RawIdentity: &tfprotov6.RawState{JSON: []byte(fmt.Sprintf(`{"user_id":%q,"id":%q}`, graphmock.AliceID, passID))}})
	if err != nil || hasError(oldID.Diagnostics) {
		t.Fatalf("UpgradeResourceIdentity: %v %s", err, diagText(oldID.Diagnostics))
	}
	if id := decode(t, oldID.UpgradedIdentity.IdentityData, p.identityType("entratap_pass")); id["tenant_id"] != graphmock.TenantID || id["id"] != passID {
		t.Fatalf("upgraded identity %v", id)
	}
	read, err := p.srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "entratap_pass", CurrentState: up.UpgradedState, CurrentIdentity: oldID.UpgradedIdentity})
	if err != nil || len(read.Diagnostics) > 0 {
		t.Fatalf("ReadResource: %v %s", err, diagText(read.Diagnostics))
	}
	if st := decode(t, read.NewState, p.schema.ResourceSchemas["entratap_pass"].ValueType()); st["tenant_id"] != graphmock.TenantID || st["id"] != passID {
		t.Fatalf("state after the upgrade: %v", st)
	}

	// The policy's version 0 identity held the configured tenant, or null (Azure CLI).
	pid, err := p.srv.UpgradeResourceIdentity(ctx, &tfprotov6.UpgradeResourceIdentityRequest{TypeName: "entratap_policy", Version: 0,
		RawIdentity: &tfprotov6.RawState{JSON: []byte(`{"tenant_id":null,"id":"TemporaryAccessPass"}`)}})
	if err != nil || hasError(pid.Diagnostics) {
		t.Fatalf("UpgradeResourceIdentity policy: %v %s", err, diagText(pid.Diagnostics))
	}
	if id := decode(t, pid.UpgradedIdentity.IdentityData, p.identityType("entratap_policy")); id["tenant_id"] != graphmock.TenantID {
		t.Fatalf("upgraded policy identity %v", id)
	}
}

// Import by identity: a tenant_id naming another tenant is refused; one naming this tenant,
// or none, imports.
func TestProtoTenant_importIdentityOtherTenant(t *testing.T) {
	t.Parallel()
	_, p, passID := protoWithPass(t, graphmock.BobID)
	ctx := context.Background()
	for name, ident := range map[string]*tfprotov6.ResourceIdentityData{
		"entratap_pass":   p.identity("entratap_pass", map[string]tftypes.Value{"tenant_id": str(otherTenantID), "user_id": str(graphmock.BobID), "id": str(passID)}),
		"entratap_policy": p.identity("entratap_policy", map[string]tftypes.Value{"tenant_id": str(otherTenantID), "id": str("TemporaryAccessPass")}),
	} {
		imp, err := p.srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: name, Identity: ident})
		if err != nil {
			t.Fatal(err)
		}
		d := findDiag(imp.Diagnostics, tfprotov6.DiagnosticSeverityError, "Import identity names another tenant")
		if d == nil || !strings.Contains(d.Detail, otherTenantID) || !strings.Contains(d.Detail, graphmock.TenantID) || attrName(d) != "tenant_id" {
			t.Fatalf("%s: import naming another tenant: %s", name, diagText(imp.Diagnostics))
		}
	}
	imp, err := p.srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "entratap_pass",
		Identity: p.identity("entratap_pass", map[string]tftypes.Value{"tenant_id": str(strings.ToUpper(graphmock.TenantID)), "user_id": str(graphmock.BobID), "id": str(passID)})})
	if err != nil || len(imp.Diagnostics) > 0 {
		t.Fatalf("import naming this tenant: %v %s", err, diagText(imp.Diagnostics))
	}
}

// A state and identity of one tenant met by a provider signed in to another, at the protocol:
// ReadResource and PlanResourceChange (-refresh=false) refuse, naming both.
func TestProtoTenant_readOtherTenant(t *testing.T) {
	t.Parallel()
	m := newMockTenant(t, otherTenantID)
	p := newProtoProviderWith(t, m, map[string]tftypes.Value{
		"tenant_id":     str(otherTenantID),
		"client_id":     str(graphmock.AdminClientID),
		"client_secret": str(graphmock.AdminClientSecret),
		"use_cli":       tftypes.NewValue(tftypes.Bool, false),
	})
	ctx := context.Background()
	sch := p.schema.ResourceSchemas["entratap_policy"]
	state := p.value(sch, map[string]tftypes.Value{"id": str("TemporaryAccessPass"), "tenant_id": str(graphmock.TenantID)})
	read, err := p.srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "entratap_policy", CurrentState: state})
	if err != nil {
		t.Fatal(err)
	}
	d := findDiag(read.Diagnostics, tfprotov6.DiagnosticSeverityError, "Object belongs to another tenant")
	if d == nil || !strings.Contains(d.Detail, graphmock.TenantID) || !strings.Contains(d.Detail, otherTenantID) || !strings.Contains(d.Detail, "terraform state rm") {
		t.Fatalf("ReadResource of another tenant's policy: %s", diagText(read.Diagnostics))
	}
	if p := m.Snapshot().Policy; p.State == "enabled" {
		t.Fatal("the second tenant's policy changed")
	}
}
