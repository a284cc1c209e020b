package provider

// The revoke actions (Terraform 1.14+), driven through the protocol (proto_test.go) and, where
// the Terraform on PATH is 1.14+, through the CLI.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// invoke runs an action as `terraform apply -invoke` does: plan, then invoke.
func (p *protoProvider) invoke(action string, set map[string]tftypes.Value) (plan []*tfprotov6.Diagnostic, progress []string, done []*tfprotov6.Diagnostic) {
	p.t.Helper()
	ctx := context.Background()
	cfg := p.value(p.schema.ActionSchemas[action].Schema, set)
	pr, err := p.srv.PlanAction(ctx, &tfprotov6.PlanActionRequest{ActionType: action, Config: cfg})
	if err != nil {
		p.t.Fatal(err)
	}
	if hasError(pr.Diagnostics) {
		return pr.Diagnostics, nil, nil
	}
	stream, err := p.srv.InvokeAction(ctx, &tfprotov6.InvokeActionRequest{ActionType: action, Config: cfg})
	if err != nil {
		p.t.Fatal(err)
	}
	for ev := range stream.Events {
		switch e := ev.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			progress = append(progress, e.Message)
		case tfprotov6.CompletedInvokeActionEventType:
			done = append(done, e.Diagnostics...)
		}
	}
	return pr.Diagnostics, progress, done
}

func TestProtoRevokePass(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	passEnablePolicy(t, m)
	alice := outOfBandPass(t, m, graphmock.AliceID, nil)
	p := newProtoProvider(t, m)

	plan, progress, done := p.invoke("entratap_revoke_pass", map[string]tftypes.Value{"user_id": str(graphmock.AliceUPN), "pass_id": str("00000000-0000-4000-8000-000000000000")})
	if len(plan)+len(done) > 0 || len(progress) != 2 || !strings.Contains(progress[0], "left alone") || !strings.Contains(progress[1], "Nothing to revoke") {
		t.Fatalf("other pass id: %s %q %s", diagText(plan), progress, diagText(done))
	}
	if passIDs(m)[graphmock.AliceID] != alice {
		t.Fatal("a pass with another id was revoked")
	}

	plan, progress, done = p.invoke("entratap_revoke_pass", map[string]tftypes.Value{"user_id": str(graphmock.AliceUPN)})
	if len(plan)+len(done) > 0 || len(progress) != 1 || !strings.Contains(progress[0], "Revoked Temporary Access Pass "+alice) {
		t.Fatalf("revoke: %s %q %s", diagText(plan), progress, diagText(done))
	}
	if _, ok := passIDs(m)[graphmock.AliceID]; ok {
		t.Fatal("alice still holds a pass")
	}

	_, progress, done = p.invoke("entratap_revoke_pass", map[string]tftypes.Value{"user_id": str(graphmock.AliceID)})
	if len(done) > 0 || len(progress) != 1 || !strings.Contains(progress[0], "Nothing to revoke") {
		t.Fatalf("second revoke: %q %s", progress, diagText(done))
	}

	plan, _, _ = p.invoke("entratap_revoke_pass", map[string]tftypes.Value{"user_id": str("nobody@" + graphmock.Domain)})
	if d := findDiag(plan, tfprotov6.DiagnosticSeverityError, "User not found"); d == nil || attrName(d) != "user_id" {
		t.Fatalf("unknown user: %s", diagText(plan))
	}
	v, _ := p.srv.ValidateActionConfig(context.Background(), &tfprotov6.ValidateActionConfigRequest{ActionType: "entratap_revoke_pass",
		Config: p.value(p.schema.ActionSchemas["entratap_revoke_pass"].Schema, map[string]tftypes.Value{"user_id": str("alice")})})
	if d := findDiag(v.Diagnostics, tfprotov6.DiagnosticSeverityError, "Invalid user_id"); d == nil || attrName(d) != "user_id" {
		t.Fatalf("invalid user_id: %s", diagText(v.Diagnostics))
	}
}

// Both actions, triggered by a resource's create as a user's configuration
// triggers them: Terraform plans them, invokes them after the create, and
// they revoke what they name and nothing else (carol is in no group).
func TestAccRevokeActions_trigger(t *testing.T) {
	m := newMock(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelow114,
		ProtoV6ProviderFactories: protoV6,
		PreCheck:                 passesOutOfBand(t, m, graphmock.AliceID, graphmock.BobID, graphmock.CarolID),
		Steps: []resource.TestStep{{
			Config: providerBlock(m) + `
action "entratap_revoke_pass" "bob" {
  config {
    user_id = "` + graphmock.BobUPN + `"
  }
}

action "entratap_revoke_group_passes" "onboarding" {
  config {
    group_id  = "` + graphmock.OnboardingGroupID + `"
    usability = ["usable"]
  }
}

resource "terraform_data" "offboarding" {
  input = "done"
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.entratap_revoke_pass.bob, action.entratap_revoke_group_passes.onboarding]
    }
  }
}
`,
			Check: resource.ComposeTestCheckFunc(
				passCheckNoPass(m, graphmock.AliceID, graphmock.BobID),
				func(*terraform.State) error {
					if passOf(m, graphmock.CarolID) == nil {
						return fmt.Errorf("carol's pass was revoked, though no action names her")
					}
					return nil
				},
			),
		}},
	})
}
