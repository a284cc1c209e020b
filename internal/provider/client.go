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
	if data == nil {
		return nil
	}
	c, ok := data.(*graph.Client)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *graph.Client, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return c
}
