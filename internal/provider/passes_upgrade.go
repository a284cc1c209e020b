package provider

// The state of an entratap_passes from before version 1 lacks user_object_ids and changes. The
// upgrade fills user_object_ids from each entry's issued.user_object_id, so that the first plan
// after it shows no change for an unchanged wave; changes stays null until a plan changes a pass.
// It works on the state's JSON: decoding a wave of thousands through the framework's types
// costs what a plan does (passes_entries.go).

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

func upgradePassesV0(_ context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
	if req.RawState == nil || req.RawState.JSON == nil {
		resp.Diagnostics.AddError("Cannot upgrade the state of entratap_passes", "The state from before version 1 has no JSON form to read.")
		return
	}
	var st map[string]json.RawMessage
	if err := json.Unmarshal(req.RawState.JSON, &st); err != nil {
		resp.Diagnostics.AddError("Cannot upgrade the state of entratap_passes", "Reading the state from before version 1: "+err.Error())
		return
	}
	var issued map[string]struct {
		UserObjectID *string `json:"user_object_id"`
	}
	if raw, ok := st["issued"]; ok {
		if err := json.Unmarshal(raw, &issued); err != nil {
			resp.Diagnostics.AddError("Cannot upgrade the state of entratap_passes", "Reading issued from the state from before version 1: "+err.Error())
			return
		}
	}
	ids := make(map[string]*string, len(issued))
	for k, is := range issued {
		ids[k] = is.UserObjectID
	}
	var err error
	if st["user_object_ids"], err = json.Marshal(ids); err == nil {
		st["changes"] = json.RawMessage("null")
		var out []byte
		if out, err = json.Marshal(st); err == nil {
			resp.DynamicValue = &tfprotov6.DynamicValue{JSON: out}
			return
		}
	}
	resp.Diagnostics.AddError("Cannot upgrade the state of entratap_passes", err.Error())
}
