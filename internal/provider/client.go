package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

const (
	defaultCreateTimeout = 5 * time.Minute
	defaultReadTimeout   = 2 * time.Minute
	defaultUpdateTimeout = 5 * time.Minute
	defaultDeleteTimeout = 5 * time.Minute
)

// clientFrom takes the provider's client out of ProviderData. Before the
// provider is configured (validation), ProviderData is nil and so is the result.
func clientFrom(data any, diags *diag.Diagnostics) *graph.Client {
	switch d := data.(type) {
	case nil:
		return nil
	case *providerData:
		return d.client
	}
	diags.AddError("Unexpected provider data", fmt.Sprintf("Expected the provider's data, got %T. This is a bug in the provider; please report it.", data))
	return nil
}

// runFrom takes the run's state (see run_state.go) out of ProviderData; nil before Configure.
func runFrom(data any) *runState {
	if d, ok := data.(*providerData); ok {
		return d.run
	}
	return nil
}

// providerData is what the provider hands its objects: the Graph client and the run state
// (run_state.go), one per configured provider.
type providerData struct {
	client *graph.Client
	run    *runState
}

// clientReady is the one check for a missing client where an object must reach Graph: the
// framework configures the provider before any CRUD call, so its absence is a bug.
func clientReady(c *graph.Client, diags *diag.Diagnostics) bool {
	if c != nil {
		return true
	}
	diags.AddError("Provider not configured", "The entratap provider has no Microsoft Graph client; this is a bug in the provider, please report it.")
	return false
}

// withTimeout bounds an operation by its timeouts attribute (get: Timeouts.Create, .Read, ...),
// def when it is unset: the one preamble of every CRUD call.
func withTimeout(ctx context.Context, get func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	d, ds := get(ctx, def)
	diags.Append(ds...)
	return context.WithTimeout(ctx, d)
}
