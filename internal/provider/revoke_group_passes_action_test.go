package provider

// The group revoke action (Terraform 1.14+), driven through the protocol (proto_test.go) and,
// where the Terraform on PATH is 1.14+, through the CLI.

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

func TestProtoRevokeGroupPasses(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	passEnablePolicy(t, m)
	waveID := addWaveGroup(t, m)
	tomorrow := m.Now().Add(24 * time.Hour)
	outOfBandPass(t, m, graphmock.AliceID, nil)
	carol := outOfBandPass(t, m, graphmock.CarolID, &tomorrow)
	bob := outOfBandPass(t, m, graphmock.BobID, nil)
	p := newProtoProvider(t, m)

	// Only usable passes: carol's next-wave pass stays.
	_, progress, done := p.invoke("entratap_revoke_group_passes", map[string]tftypes.Value{"group_id": str(waveID), "usability": strList("usable")})
	if len(done) > 0 || len(progress) != 2 || !strings.Contains(progress[1], "Revoked 1 ") {
		t.Fatalf("revoke usable: %q %s", progress, diagText(done))
	}
	left := passIDs(m)
	if _, ok := left[graphmock.AliceID]; ok || left[graphmock.CarolID] != carol || left[graphmock.BobID] != bob {
		t.Fatalf("passes left: %v", left)
	}
	_, progress, done = p.invoke("entratap_revoke_group_passes", map[string]tftypes.Value{"group_id": str(waveID)})
	if len(done) > 0 || len(progress) != 2 {
		t.Fatalf("revoke all: %q %s", progress, diagText(done))
	}
	_, progress, _ = p.invoke("entratap_revoke_group_passes", map[string]tftypes.Value{"group_id": str(waveID)})
	if len(progress) != 1 || !strings.Contains(progress[0], "Nothing to revoke") {
		t.Fatalf("nothing left: %q", progress)
	}
	if passIDs(m)[graphmock.BobID] != bob {
		t.Fatal("bob is not in the group, and lost his pass")
	}
	plan, _, _ := p.invoke("entratap_revoke_group_passes", map[string]tftypes.Value{"group_id": str("0b0a4d00-0000-4000-8000-00000000dead")})
	if d := findDiag(plan, tfprotov6.DiagnosticSeverityError, "Group not found"); d == nil || attrName(d) != "group_id" {
		t.Fatalf("unknown group: %s", diagText(plan))
	}
}

// Signed in as an Authentication Administrator, revoking a group's passes revokes those of
// the members in reach and the admin's own (a user may delete their own pass:
// temporaryaccesspassauthenticationmethod-delete.md), leaves the Global Administrator's, and
// names it in one error with what it needs.
func TestProtoRevokeGroupPassesSkipsWhatTheRoleDoesNotReach(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	passes := mixedGroup(t, m)
	p := newProtoProviderAs(t, m, graphmock.AuthAdminUPN)

	plan, progress, done := p.invoke("entratap_revoke_group_passes", map[string]tftypes.Value{"group_id": str(mixedGroupID)})
	if len(plan) > 0 {
		t.Fatalf("plan: %s", diagText(plan))
	}
	left := passIDs(m)
	if _, ok := left[graphmock.BobID]; ok {
		t.Errorf("bob's pass was not revoked (%q %s)", progress, diagText(done))
	}
	if _, ok := left[graphmock.AuthAdminID]; ok || left[graphmock.GlobalAdminID] != passes[graphmock.GlobalAdminID] {
		t.Errorf("passes out of reach changed: %v, had %v", left, passes)
	}
	if !slices.ContainsFunc(progress, func(s string) bool {
		return strings.Contains(s, "Revoked Temporary Access Pass "+passes[graphmock.BobID])
	}) {
		t.Errorf("no progress for bob's pass: %q", progress)
	}
	if len(done) != 1 || done[0].Severity != tfprotov6.DiagnosticSeverityError {
		t.Fatalf("want one error diagnostic, got %s", diagText(done))
	}
	d := done[0]
	for _, w := range []string{
		"1 member(s) of group " + mixedGroupID + " skipped",
		"signed in as user " + graphmock.AuthAdminUPN, "revoked 2 Temporary Access Pass(es) of the other members",
		"- " + graphmock.GlobalAdminUPN + " (object id " + graphmock.GlobalAdminID + ") holds Global Administrator; creating or deleting their Temporary Access Pass needs the Microsoft Entra role Privileged Authentication Administrator",
	} {
		if !strings.Contains(strings.ToLower(d.Summary+"\n"+d.Detail), strings.ToLower(w)) {
			t.Errorf("the diagnostic lacks %q:\n%s", w, diagText(done))
		}
	}
}

// The end of the finished through the CLI: the group revoke with only_registered, triggered as
// a user's configuration triggers it, ends the passes of the two who registered a strong method
// since their pass started and leaves the other three.
func TestAccRevokeGroupPasses_onlyRegistered(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelow114,
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 func() { fiveHiresAtTheFinish(t, m) },
		Steps: []resource.TestStep{{
			Config: providerBlock(m) + `
action "entratap_revoke_group_passes" "finished" {
  config {
    group_id        = "` + fiveHiresGroupID + `"
    only_registered = true
  }
}

resource "terraform_data" "tuesday" {
  input = "report read"
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.entratap_revoke_group_passes.finished]
    }
  }
}
`,
			Check: resource.ComposeTestCheckFunc(
				passCheckNoPass(m, graphmock.AliceID, graphmock.BobID),
				func(*terraform.State) error {
					for _, id := range []string{graphmock.CarolID, graphmock.NoraID, graphmock.InternalGuestID} {
						if passOf(m, id) == nil {
							return fmt.Errorf("%s's pass was revoked, though they have not registered", id)
						}
					}
					return nil
				},
			),
		}},
	})
}
