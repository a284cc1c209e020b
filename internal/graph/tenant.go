package graph

// TenantID is the tenant the client signs in to, "" when the credential
// finds it itself (Azure CLI, managed identity without a configured tenant).
func (c *Client) TenantID() string { return c.cfg.Credential.TenantID }
