package provider

import (
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
	case *graph.Client:
		return d
	}
	diags.AddError("Unexpected provider data", fmt.Sprintf("Expected the provider's data, got %T. This is a bug in the provider; please report it.", data))
	return nil
}

// runFrom takes the run's policy (see policy_plan.go) out of ProviderData; nil before Configure.
func runFrom(data any) *runState {
	if d, ok := data.(*providerData); ok {
		return d.run
	}
	return nil
}
