package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestPassCreatedAt(t *testing.T) {
	t.Parallel()
	if got := createdAt(types.StringValue("2026-12-07T08:00:00Z")); !got.Equal(time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("createdAt = %v", got)
	}
	for _, bad := range []string{"", "yesterday"} {
		if got := createdAt(types.StringValue(bad)); !got.IsZero() {
			t.Errorf("createdAt(%q) = %v, want zero (age unknown: no wait)", bad, got)
		}
	}
}

func TestPassInputsNewPass(t *testing.T) {
	t.Parallel()
	np, err := passInputs{
		StartDateTime:     types.StringValue("2026-12-01T09:00:00+01:00"),
		LifetimeInMinutes: types.Int64Value(480),
		IsUsableOnce:      types.BoolValue(false),
	}.newPass()
	if err != nil {
		t.Fatal(err)
	}
	if np.StartDateTime == nil || !np.StartDateTime.Equal(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)) ||
		np.LifetimeInMinutes == nil || *np.LifetimeInMinutes != 480 || np.IsUsableOnce == nil || *np.IsUsableOnce {
		t.Errorf("newPass = %+v", np)
	}
	// Unset inputs are left to the policy.
	np, err = passInputs{StartDateTime: types.StringNull(), LifetimeInMinutes: types.Int64Null(), IsUsableOnce: types.BoolNull()}.newPass()
	if err != nil || np.StartDateTime != nil || np.LifetimeInMinutes != nil || np.IsUsableOnce != nil {
		t.Errorf("newPass of unset inputs = %+v, %v", np, err)
	}
}
