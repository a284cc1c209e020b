package provider

import (
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// A state from before version 1 gets each entry's object id in user_object_ids (so an
// unchanged wave plans no change after the upgrade) and a null changes; the rest is kept.
func TestPassesUpgradeV0(t *testing.T) {
	t.Parallel()
	v0 := `{"id":"w","passes":{"value":{"alice":{"user_id":"alice@contoso.com"}},"type":["object",{"alice":["object",{"user_id":"string"}]}]},` +
		`"replace_existing":false,"codes":{"alice":"secret","bob":null},"not_issued":{},"timeouts":null,` +
		`"issued":{"alice":{"id":"p1","user_id":"alice@contoso.com","user_object_id":"a1"},"bob":{"id":null,"user_id":"bob@contoso.com","user_object_id":null}}}`
	upgraders := (&PassesResource{}).UpgradeState(t.Context())
	resp := &resource.UpgradeStateResponse{}
	upgraders[0].StateUpgrader(t.Context(), resource.UpgradeStateRequest{RawState: &tfprotov6.RawState{JSON: []byte(v0)}}, resp)
	if resp.Diagnostics.HasError() || resp.DynamicValue == nil {
		t.Fatalf("upgrade: %v", resp.Diagnostics)
	}
	var got map[string]any
	if err := json.Unmarshal(resp.DynamicValue.JSON, &got); err != nil {
		t.Fatal(err)
	}
	ids, _ := got["user_object_ids"].(map[string]any)
	if ids["alice"] != "a1" || ids["bob"] != nil || len(ids) != 2 {
		t.Errorf("user_object_ids = %v, want alice a1 and bob null", got["user_object_ids"])
	}
	if v, ok := got["changes"]; !ok || v != nil {
		t.Errorf("changes = %v (present %v), want null", v, ok)
	}
	if codes, _ := got["codes"].(map[string]any); codes["alice"] != "secret" || got["passes"] == nil || got["id"] != "w" {
		t.Errorf("the rest of the state was not kept: %s", resp.DynamicValue.JSON)
	}

	resp = &resource.UpgradeStateResponse{}
	upgraders[0].StateUpgrader(t.Context(), resource.UpgradeStateRequest{RawState: &tfprotov6.RawState{JSON: []byte(`{"issued":[1]}`)}}, resp)
	if !resp.Diagnostics.HasError() {
		t.Error("an unreadable issued was upgraded without an error")
	}
}
