package provider

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// `terraform plan -refresh-only -detailed-exitcode` exits 2 on an unchanged
// policy (Terraform 1.11 compares the state it upgraded with the state it
// refreshed, in memory). This shows the provider is not the cause: its
// answers to UpgradeResourceState and to ReadResource of the same unchanged
// state are byte-identical, with no private data, and so is the JSON
// Terraform would store from each.
func TestAccPolicyResource_refreshEqualsUpgrade(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	srv, schemas := passProtocolServer(t, m)
	raw := `{"default_length":8,"default_lifetime_in_minutes":60,"enabled":false,"exclude_targets":[],"id":"TemporaryAccessPass","include_targets":[{"id":"all_users","is_registration_required":false,"target_type":"group"}],"is_usable_once":false,"maximum_lifetime_in_minutes":480,"minimum_lifetime_in_minutes":60,"tenant_id":"` + graphmock.TenantID + `","timeouts":null}`
	up, err := srv.UpgradeResourceState(t.Context(), &tfprotov6.UpgradeResourceStateRequest{TypeName: "entratap_policy", Version: 0, RawState: &tfprotov6.RawState{JSON: []byte(raw)}})
	if err != nil {
		t.Fatal(err)
	}
	passNoErrors(t, "upgrade", up.Diagnostics)
	rd, err := srv.ReadResource(t.Context(), &tfprotov6.ReadResourceRequest{TypeName: "entratap_policy", CurrentState: up.UpgradedState})
	if err != nil {
		t.Fatal(err)
	}
	passNoErrors(t, "read", rd.Diagnostics)
	typJSON, _ := json.Marshal(schemas.ResourceSchemas["entratap_policy"].ValueType())
	ty, err := ctyjson.UnmarshalType(typJSON)
	if err != nil {
		t.Fatal(err)
	}
	dec := func(b []byte) (cty.Value, []byte) {
		v, err := ctymsgpack.Unmarshal(b, ty)
		if err != nil {
			t.Fatal(err)
		}
		j, _ := ctyjson.Marshal(v, ty)
		return v, j
	}
	uv, uj := dec(up.UpgradedState.MsgPack)
	rv, rj := dec(rd.NewState.MsgPack)
	if !bytes.Equal(up.UpgradedState.MsgPack, rd.NewState.MsgPack) {
		t.Errorf("msgpack differs:\nupgrade: %x\nread:    %x", up.UpgradedState.MsgPack, rd.NewState.MsgPack)
	}
	if !bytes.Equal(uj, rj) || !uv.RawEquals(rv) {
		t.Errorf("state JSON differs:\nupgrade: %s\nread:    %s", uj, rj)
	}
	if len(rd.Private) != 0 {
		t.Errorf("read returned private data %q", rd.Private)
	}
	for _, name := range []string{"default_length", "maximum_lifetime_in_minutes"} {
		if a, b := uv.GetAttr(name).AsBigFloat(), rv.GetAttr(name).AsBigFloat(); a.Prec() != b.Prec() || a.Cmp(b) != 0 {
			t.Errorf("%s: upgrade %s (precision %d), read %s (precision %d)", name, a.Text('f', -1), a.Prec(), b.Text('f', -1), b.Prec())
		}
	}
}
