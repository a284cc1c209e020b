package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func excludeTarget(id string) attr.Value {
	return types.ObjectValueMust(excludeTargetType.AttrTypes, map[string]attr.Value{"id": types.StringValue(id), "target_type": types.StringValue("user")})
}

// The one-pass checks answer as the framework's pairwise ones do.
func TestTargetSet_linearChecks(t *testing.T) {
	ctx := context.Background()
	typ := targetSetType{SetType: basetypes.SetType{ElemType: excludeTargetType}}
	tfType := typ.TerraformType(ctx)
	elem := func(id string) tftypes.Value {
		v, err := excludeTarget(id).ToTerraformValue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	p := path.Root("exclude_targets")
	if d := typ.Validate(ctx, tftypes.NewValue(tfType, []tftypes.Value{elem("a"), elem("b")}), p); d.HasError() {
		t.Errorf("distinct elements refused: %v", d)
	}
	if d := typ.Validate(ctx, tftypes.NewValue(tfType, []tftypes.Value{elem("a"), elem("b"), elem("a")}), p); !d.HasError() || d[0].Summary() != "Duplicate Set Element" {
		t.Errorf("duplicate not reported: %v", d)
	}

	set := func(ids ...string) targetSet {
		vs := make([]attr.Value, 0, len(ids))
		for _, id := range ids {
			vs = append(vs, excludeTarget(id))
		}
		return newTargetSet(types.SetValueMust(excludeTargetType, vs))
	}
	for _, tc := range []struct {
		a, b targetSet
		want bool
	}{
		{set("a", "b", "c"), set("c", "a", "b"), true},
		{set("a", "b"), set("a", "c"), false},
		{set("a", "b"), set("a"), false},
		{set(), set(), true},
		{newTargetSet(types.SetNull(excludeTargetType)), set(), false},
		{newTargetSet(types.SetUnknown(excludeTargetType)), set(), false},
	} {
		got, d := tc.a.SetSemanticEquals(ctx, tc.b)
		if d.HasError() || got != tc.want {
			t.Errorf("%s vs %s: %v (%v), want %v", tc.a, tc.b, got, d, tc.want)
		}
	}
}
