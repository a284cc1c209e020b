package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestPassRFC3339Validator(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		value   types.String
		wantErr bool
	}{
		{types.StringValue("2026-12-01T08:00:00Z"), false},
		{types.StringValue("2026-12-01T09:00:00+01:00"), false},
		{types.StringValue("2026-12-01T08:00:00.5Z"), false},
		{types.StringNull(), false},
		{types.StringUnknown(), false},
		{types.StringValue("2026-12-01"), true},
		{types.StringValue("2026-12-01 08:00:00"), true},
		{types.StringValue("tomorrow"), true},
	} {
		resp := &validator.StringResponse{}
		rfc3339Validator{}.ValidateString(t.Context(), validator.StringRequest{Path: path.Root("start_date_time"), ConfigValue: tc.value}, resp)
		if resp.Diagnostics.HasError() != tc.wantErr {
			t.Errorf("%s: error = %v, want %v", tc.value, resp.Diagnostics.HasError(), tc.wantErr)
		}
	}
}
