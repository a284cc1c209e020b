package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

func TestRunStateEffectivePolicy(t *testing.T) {
	t.Parallel()
	live := graph.DefaultPolicy()
	var nilRun *runState
	if eff := nilRun.effective(&live); eff.planned || !eff.targetsKnown || eff.MaximumLifetimeInMinutes != 480 {
		t.Fatalf("no run: %+v", eff)
	}
	run := &runState{}
	m := flattenPolicy(&live)
	m.Enabled = types.BoolValue(true)
	m.MaximumLifetimeInMinutes = types.Int64Value(720)
	m.MinimumLifetimeInMinutes = types.Int64Unknown()
	m.IncludeTargets = types.ListUnknown(includeTargetType)
	p, diags := planPolicy(context.Background(), m)
	if diags.HasError() {
		t.Fatal(diags)
	}
	run.record(p)
	eff := run.effective(&live)
	switch {
	case !eff.planned || !eff.Enabled || eff.MaximumLifetimeInMinutes != 720:
		t.Fatalf("planned values not laid over: %+v", eff)
	case eff.MinimumLifetimeInMinutes != 60:
		t.Fatalf("an unknown planned value must leave the live one: %d", eff.MinimumLifetimeInMinutes)
	case eff.targetsKnown:
		t.Fatal("unknown planned targets reported known")
	}
	if live.Enabled || live.MaximumLifetimeInMinutes != 480 {
		t.Fatal("the live policy was changed")
	}
	// A destroy plans Microsoft's defaults.
	run.record(plannedDefaults())
	if eff := run.effective(&graph.Policy{Enabled: true, MaximumLifetimeInMinutes: 900}); eff.Enabled || eff.MaximumLifetimeInMinutes != 480 || !eff.targetsKnown {
		t.Fatalf("after a planned destroy: %+v", eff)
	}
}

func TestRunStatePassListTakenOnce(t *testing.T) {
	t.Parallel()
	run := &runState{}
	if _, ok := run.takeList("A"); ok {
		t.Fatal("a list out of nowhere")
	}
	run.rememberList("AbC", []*graph.Pass{{ID: "p"}})
	if l, ok := run.takeList("abc"); !ok || len(l) != 1 {
		t.Fatalf("take: %v %v", l, ok)
	}
	if _, ok := run.takeList("abc"); ok {
		t.Fatal("a list taken twice")
	}
}
