package provider

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// Item 8: a policy with many include_targets plans and applies in time
// linear in their number. Timings are logged (FIGURES), never asserted;
// the test checks that the plan after apply is empty.
// ENTRATAP_TARGETS sets the number; unset, the test is skipped (minutes at 1,000).
func TestAccHostile_manyTargets(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv("ENTRATAP_TARGETS"))
	if err != nil || n <= 0 {
		t.Skip("a measurement: set ENTRATAP_TARGETS=1000")
	}
	m := newMock(t)
	var b strings.Builder
	for i := 0; i < n; i++ {
		u, err := m.AddUser(graphmock.NewUser{UserPrincipalName: fmt.Sprintf("target%04d@%s", i, graphmock.Domain)})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "    { id = %q, target_type = \"user\" },\n", u.ID)
	}
	cfg := providerBlock(m) + "resource \"entratap_policy\" \"this\" {\n  include_targets = [\n" + b.String() + "  ]\n}\n"
	var start time.Time
	mark := func() { start = time.Now() }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: hostileFast,
		Steps: []resource.TestStep{
			{PreConfig: mark, Config: cfg},
			{PreConfig: func() {
				t.Logf("FIGURES %d targets: apply step %s", n, time.Since(start).Round(time.Millisecond))
				mark()
			}, Config: cfg, PlanOnly: true},
			{PreConfig: func() { t.Logf("FIGURES %d targets: plan step %s", n, time.Since(start).Round(time.Millisecond)) }, Config: providerBlock(m)},
		},
	})
}
