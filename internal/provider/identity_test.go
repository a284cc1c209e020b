package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

func TestProtoIdentitySchemas(t *testing.T) {
	t.Parallel()
	p := newProtoProvider(t, newMock(t))
	got := map[string][]string{}
	for name, s := range p.ids.IdentitySchemas {
		for _, a := range s.IdentityAttributes {
			mark := "optional"
			if a.RequiredForImport {
				mark = "required"
			}
			got[name] = append(got[name], a.Name+":"+mark)
		}
		slices.Sort(got[name])
	}
	want := map[string][]string{
		"entratap_pass":   {"id:required", "tenant_id:optional", "user_id:required"},
		"entratap_policy": {"id:required", "tenant_id:optional"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("identity schemas: got %v, want %v", got, want)
	}
	if p.schema.ListResourceSchemas["entratap_pass"] == nil {
		t.Error("no list resource entratap_pass")
	}
	for _, a := range []string{"entratap_revoke_pass", "entratap_revoke_group_passes"} {
		if p.schema.ActionSchemas[a] == nil {
			t.Errorf("no action %s", a)
		}
	}
}

// Issue 26 item 7: import by identity of a pass the user does not hold says so, as the
// string import does, instead of Terraform's "Cannot import non-existent remote object".
func TestProtoIdentity_importPassNotHeld(t *testing.T) {
	t.Parallel()
	_, p, bobs := protoWithPass(t, graphmock.BobID)
	for name, set := range map[string]map[string]tftypes.Value{
		"another user's pass": {"user_id": str(graphmock.AliceID), "id": str(bobs)},
		"no such pass":        {"user_id": str(graphmock.BobUPN), "id": str("00000000-0000-4000-8000-00000000dead")},
	} {
		imp, err := p.srv.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{TypeName: "entratap_pass", Identity: p.identity("entratap_pass", set)})
		if err != nil {
			t.Fatal(err)
		}
		if d := findDiag(imp.Diagnostics, tfprotov6.DiagnosticSeverityError, "Invalid import id: no such pass"); d == nil || !strings.Contains(d.Detail, "holds no Temporary Access Pass with id") {
			t.Errorf("%s: %s", name, diagText(imp.Diagnostics))
		}
	}
	imp, _ := p.srv.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{TypeName: "entratap_pass",
		Identity: p.identity("entratap_pass", map[string]tftypes.Value{"user_id": str("nobody@contoso.example"), "id": str(bobs)})})
	if d := findDiag(imp.Diagnostics, tfprotov6.DiagnosticSeverityError, "Invalid import id: no such user"); d == nil {
		t.Errorf("no such user: %s", diagText(imp.Diagnostics))
	}
}

// Issue 26 item 7: an identity edited by hand in state (another user, a UPN where the object
// id belongs, another policy id) is an error naming identity.<attribute> and its form, not
// "Unexpected Identity Change ... always a problem with the provider".
func TestProtoIdentity_handEdited(t *testing.T) {
	t.Parallel()
	_, p, passID := protoWithPass(t, graphmock.AliceID)
	ctx := context.Background()
	state := p.value(p.schema.ResourceSchemas["entratap_pass"], map[string]tftypes.Value{
		"user_id": str(graphmock.AliceUPN), "id": str(passID), "user_object_id": str(graphmock.AliceID), "tenant_id": str(graphmock.TenantID),
		"replace_existing": tftypes.NewValue(tftypes.Bool, false), "replace_when_unusable": tftypes.NewValue(tftypes.Bool, false),
	})
	good := map[string]tftypes.Value{"tenant_id": str(graphmock.TenantID), "user_id": str(graphmock.AliceID), "id": str(passID)}
	read, err := p.srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "entratap_pass", CurrentState: state, CurrentIdentity: p.identity("entratap_pass", good)})
	if err != nil || len(read.Diagnostics) > 0 {
		t.Fatalf("the identity as written: %v %s", err, diagText(read.Diagnostics))
	}
	for attr, v := range map[string]string{"user_id": graphmock.AliceUPN, "id": "not-a-pass"} {
		edited := map[string]tftypes.Value{}
		for k, x := range good {
			edited[k] = x
		}
		edited[attr] = str(v)
		read, err := p.srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "entratap_pass", CurrentState: state, CurrentIdentity: p.identity("entratap_pass", edited)})
		if err != nil {
			t.Fatal(err)
		}
		d := findDiag(read.Diagnostics, tfprotov6.DiagnosticSeverityError, "Identity in state does not match the object")
		if d == nil || !strings.Contains(d.Detail, "identity."+attr) || !strings.Contains(d.Detail, passIdentityForms[attr]) || strings.Contains(d.Detail, "problem with the provider") {
			t.Errorf("identity.%s edited: %s", attr, diagText(read.Diagnostics))
		}
	}
	pstate := p.value(p.schema.ResourceSchemas["entratap_policy"], map[string]tftypes.Value{"id": str("TemporaryAccessPass"), "tenant_id": str(graphmock.TenantID)})
	read, err = p.srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "entratap_policy", CurrentState: pstate,
		CurrentIdentity: p.identity("entratap_policy", map[string]tftypes.Value{"tenant_id": str(graphmock.TenantID), "id": str("Policy")})})
	if err != nil {
		t.Fatal(err)
	}
	if d := findDiag(read.Diagnostics, tfprotov6.DiagnosticSeverityError, "Identity in state does not match the object"); d == nil || !strings.Contains(d.Detail, "identity.id") {
		t.Errorf("policy identity.id edited: %s", diagText(read.Diagnostics))
	}
}
