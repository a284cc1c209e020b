package graph

import (
	"context"
	"strings"
)

// SignedInTenant is the tenant the provider is signed in to: the tid claim of its access
// token (Caller), which holds also when the credential finds the tenant itself (Azure CLI,
// managed identity without a configured tenant); the configured tenant only for a token
// without one. Lower case, for comparing with what state recorded.
func (c *Client) SignedInTenant(ctx context.Context) (string, error) {
	caller, err := c.Caller(ctx)
	if err != nil {
		return "", err
	}
	if caller.TenantID != "" {
		return strings.ToLower(caller.TenantID), nil
	}
	return strings.ToLower(c.cfg.Credential.TenantID), nil
}
