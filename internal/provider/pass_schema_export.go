package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// PassResourceSchema is entratap_pass's schema (attributes, plan modifiers, validators,
// timeouts), for the bench's no-op provider: the same schema over CRUD that does nothing
// isolates the cost of our code from the framework's.
func PassResourceSchema(ctx context.Context) schema.Schema {
	var resp resource.SchemaResponse
	(&PassResource{}).Schema(ctx, resource.SchemaRequest{}, &resp)
	return resp.Schema
}

// PassIdentitySchema is entratap_pass's identity schema, for the same reason.
func PassIdentitySchema(ctx context.Context) identityschema.Schema {
	var resp resource.IdentitySchemaResponse
	(&PassResource{}).IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &resp)
	return resp.IdentitySchema
}
