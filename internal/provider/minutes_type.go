package provider

import (
	"context"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// wholeMinutesType is Int64 on the wire; it exists so that a fraction such as 1.5 is refused
// with the attribute's name, instead of the framework's "Value %!s(*big.Float=1.5) is not an integer" text.
type wholeMinutesType struct{ basetypes.Int64Type }

var _ basetypes.Int64Typable = wholeMinutesType{}

// Equal accepts the plain Int64 type too: whole values are plain types.Int64 in every model.
func (t wholeMinutesType) Equal(o attr.Type) bool {
	switch o.(type) {
	case wholeMinutesType, basetypes.Int64Type:
		return true
	}
	return false
}

func (t wholeMinutesType) String() string { return "provider.wholeMinutesType" }

// ValueFromTerraform never errors on a fraction (an error there reads as a provider bug);
// it returns a value whose ValidateAttribute reports it at validate time.
func (t wholeMinutesType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	if in.IsKnown() && !in.IsNull() {
		var f *big.Float
		if err := in.As(&f); err == nil && f != nil && !f.IsInt() {
			return notWholeMinutes{Int64Value: basetypes.NewInt64Unknown(), text: f.Text('g', 10)}, nil
		}
	}
	return t.Int64Type.ValueFromTerraform(ctx, in)
}

// notWholeMinutes stands for a configured fraction; it only lives until validation refuses it.
type notWholeMinutes struct {
	basetypes.Int64Value
	text string
}

var _ xattr.ValidateableAttribute = notWholeMinutes{}

func (v notWholeMinutes) Type(context.Context) attr.Type { return wholeMinutesType{} }

func (v notWholeMinutes) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	resp.Diagnostics.Append(notWholeMinutesDiag(req.Path, v.text))
}

// notWholeMinutesDiag is the one message for a fractional lifetime, of entratap_pass and of
// an entry of entratap_passes.
func notWholeMinutesDiag(p path.Path, text string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(p, "Lifetime is not a whole number of minutes",
		fmt.Sprintf("%s = %s: a pass's lifetime must be a whole number of minutes, e.g. %d or 90.", p, text, minLifetime))
}
