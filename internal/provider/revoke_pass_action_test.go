package provider

// The revoke actions (Terraform 1.14+), driven through the protocol (proto_test.go).

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

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
	m := newMock(t)
	enablePolicy(t, m)
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

func TestProtoRevokeGroupPasses(t *testing.T) {
	m := newMock(t)
	enablePolicy(t, m)
	const waveID = "0b0a4d00-0000-4000-8000-0000000000b2"
	if err := m.AddGroup(graphmock.Group{ID: waveID, DisplayName: "Wave 1", Members: []string{graphmock.OnboardingGroupID, graphmock.CarolID}}); err != nil {
		t.Fatal(err)
	}
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
// the members in reach, leaves the Global Administrator's and the admin's own, and names
// both in one error with what each needs.
func TestProtoRevokeGroupPassesSkipsWhatTheRoleDoesNotReach(t *testing.T) {
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
	if left[graphmock.GlobalAdminID] != passes[graphmock.GlobalAdminID] || left[graphmock.AuthAdminID] != passes[graphmock.AuthAdminID] {
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
		"2 member(s) of group " + mixedGroupID + " skipped",
		"signed in as user " + graphmock.AuthAdminUPN, "revoked 1 Temporary Access Pass(es) of the other members",
		"- " + graphmock.GlobalAdminUPN + " (object id " + graphmock.GlobalAdminID + ") holds Global Administrator; creating or deleting their Temporary Access Pass needs the Microsoft Entra role Privileged Authentication Administrator",
		"- " + graphmock.AuthAdminUPN + " (object id " + graphmock.AuthAdminID + ") is the signed-in user",
	} {
		if !strings.Contains(strings.ToLower(d.Summary+"\n"+d.Detail), strings.ToLower(w)) {
			t.Errorf("the diagnostic lacks %q:\n%s", w, diagText(done))
		}
	}
}
