package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// targetSetType is the policy's include/exclude targets set. It exists for one reason: when
// Terraform hands back a set equal to the prior one, the framework's default semantic equality
// compares every element with every other (quadratic in the number of targets); targetSet
// decides it in one pass over both.
type targetSetType struct{ basetypes.SetType }

var _ basetypes.SetTypable = targetSetType{}

func (t targetSetType) Equal(o attr.Type) bool {
	other, ok := o.(targetSetType)
	return ok && t.SetType.Equal(other.SetType)
}

func (t targetSetType) String() string { return "provider.targetSetType" }

func (t targetSetType) ValueType(context.Context) attr.Value {
	return targetSet{SetValue: basetypes.NewSetUnknown(t.ElemType)}
}

func (t targetSetType) ValueFromSet(_ context.Context, in basetypes.SetValue) (basetypes.SetValuable, diag.Diagnostics) {
	return targetSet{SetValue: in}, nil
}

func (t targetSetType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.SetType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.SetValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return targetSet{SetValue: s}, nil
}

// targetSet is a set of target objects with a linear semantic equality.
type targetSet struct{ basetypes.SetValue }

var _ basetypes.SetValuableWithSemanticEquals = targetSet{}

func newTargetSet(s basetypes.SetValue) targetSet { return targetSet{SetValue: s} }

func (v targetSet) Type(ctx context.Context) attr.Type {
	return targetSetType{SetType: basetypes.SetType{ElemType: v.ElementType(ctx)}}
}

func (v targetSet) Equal(o attr.Value) bool {
	other, ok := o.(targetSet)
	return ok && v.SetValue.Equal(other.SetValue)
}

// SetSemanticEquals reports whether the two sets hold the same elements, keyed by each element's
// Terraform value text: O(n), where the framework's element-by-element fallback is O(n²).
// A false answer leaves the framework's own (per-element) comparison to run.
func (v targetSet) SetSemanticEquals(ctx context.Context, prior basetypes.SetValuable) (bool, diag.Diagnostics) {
	p, diags := prior.ToSetValue(ctx)
	if diags.HasError() || p.IsNull() || p.IsUnknown() || v.IsNull() || v.IsUnknown() {
		return false, diags
	}
	a, b := v.Elements(), p.Elements()
	if len(a) != len(b) {
		return false, diags
	}
	seen := make(map[string]int, len(a))
	for _, e := range a {
		k := e.String()
		if strings.Contains(k, attr.UnknownValueString) {
			return false, diags // conservative: let the framework compare unknowns itself
		}
		seen[k]++
	}
	for _, e := range b {
		k := e.String()
		if seen[k] == 0 {
			return false, diags
		}
		seen[k]--
	}
	return true, diags
}

// Validate is SetType.Validate's duplicate check in one pass: the embedded one compares every
// element with every other, and the framework calls it on each read of the attribute.
// Elements are bucketed by their text and confirmed with Equal, so a look-alike is never a duplicate.
func (t targetSetType) Validate(ctx context.Context, in tftypes.Value, p path.Path) diag.Diagnostics {
	var diags diag.Diagnostics
	if in.Type() == nil || !in.Type().Is(tftypes.Set{}) || !in.IsKnown() || in.IsNull() {
		return t.SetType.Validate(ctx, in, p)
	}
	var elems []tftypes.Value
	if err := in.As(&elems); err != nil {
		return t.SetType.Validate(ctx, in, p)
	}
	seen := make(map[string][]tftypes.Value, len(elems))
	for _, e := range elems {
		if !e.IsFullyKnown() {
			continue
		}
		k := e.String()
		for _, o := range seen[k] {
			if o.Equal(e) {
				diags.AddAttributeError(p, "Duplicate Set Element", fmt.Sprintf("This attribute contains duplicate values of: %s", e))
				break
			}
		}
		seen[k] = append(seen[k], e)
	}
	return diags
}
