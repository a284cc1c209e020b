package tfcli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"
)

// ProviderSchemas asks a provider server for its schemas through the plugin
// protocol and returns them as `terraform providers schema -json` prints
// them, under the key name. Unlike an older Terraform CLI, it includes
// resource identities, list resources and actions (Terraform 1.12+/1.14+),
// so the docs can be generated with the Terraform this repository's CI has.
func ProviderSchemas(ctx context.Context, server tfprotov6.ProviderServer, name string) (*tfjson.ProviderSchemas, error) {
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, fmt.Errorf("GetProviderSchema: %w", err)
	}
	if err := diagError("GetProviderSchema", resp.Diagnostics); err != nil {
		return nil, err
	}
	ids, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, fmt.Errorf("GetResourceIdentitySchemas: %w", err)
	}
	if err := diagError("GetResourceIdentitySchemas", ids.Diagnostics); err != nil {
		return nil, err
	}
	ps := &tfjson.ProviderSchema{
		ConfigSchema:             schema(resp.Provider),
		ResourceSchemas:          schemas(resp.ResourceSchemas),
		DataSourceSchemas:        schemas(resp.DataSourceSchemas),
		EphemeralResourceSchemas: schemas(resp.EphemeralResourceSchemas),
		ListResourceSchemas:      schemas(resp.ListResourceSchemas),
		ActionSchemas:            map[string]*tfjson.ActionSchema{},
		ResourceIdentitySchemas:  map[string]*tfjson.IdentitySchema{},
	}
	for k, a := range resp.ActionSchemas {
		ps.ActionSchemas[k] = &tfjson.ActionSchema{Block: schema(a.Schema).Block}
	}
	for k, s := range ids.IdentitySchemas {
		is := &tfjson.IdentitySchema{Version: uint64(s.Version), Attributes: map[string]*tfjson.IdentityAttribute{}}
		for _, a := range s.IdentityAttributes {
			is.Attributes[a.Name] = &tfjson.IdentityAttribute{
				IdentityType: ctyType(a.Type), Description: a.Description,
				RequiredForImport: a.RequiredForImport, OptionalForImport: a.OptionalForImport,
			}
		}
		ps.ResourceIdentitySchemas[k] = is
	}
	if len(resp.Functions) > 0 {
		return nil, fmt.Errorf("the provider has functions, which ProviderSchemas does not convert yet")
	}
	return &tfjson.ProviderSchemas{FormatVersion: "1.0", Schemas: map[string]*tfjson.ProviderSchema{name: ps}}, nil
}

func diagError(rpc string, diags []*tfprotov6.Diagnostic) error {
	var msgs []string
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			msgs = append(msgs, d.Summary+": "+d.Detail)
		}
	}
	if len(msgs) > 0 {
		return fmt.Errorf("%s: %s", rpc, strings.Join(msgs, "; "))
	}
	return nil
}

func schemas(in map[string]*tfprotov6.Schema) map[string]*tfjson.Schema {
	out := make(map[string]*tfjson.Schema, len(in))
	for k, s := range in {
		out[k] = schema(s)
	}
	return out
}

func schema(s *tfprotov6.Schema) *tfjson.Schema {
	if s == nil {
		return &tfjson.Schema{}
	}
	return &tfjson.Schema{Version: uint64(s.Version), Block: block(s.Block)}
}

func block(b *tfprotov6.SchemaBlock) *tfjson.SchemaBlock {
	if b == nil {
		return &tfjson.SchemaBlock{}
	}
	out := &tfjson.SchemaBlock{Description: b.Description, DescriptionKind: kind(b.DescriptionKind), Deprecated: b.Deprecated}
	if len(b.Attributes) > 0 {
		out.Attributes = attributes(b.Attributes)
	}
	if len(b.BlockTypes) > 0 {
		out.NestedBlocks = map[string]*tfjson.SchemaBlockType{}
		for _, nb := range b.BlockTypes {
			out.NestedBlocks[nb.TypeName] = &tfjson.SchemaBlockType{
				NestingMode: blockNesting(nb.Nesting), Block: block(nb.Block),
				MinItems: uint64(nb.MinItems), MaxItems: uint64(nb.MaxItems),
			}
		}
	}
	return out
}

func attributes(in []*tfprotov6.SchemaAttribute) map[string]*tfjson.SchemaAttribute {
	out := make(map[string]*tfjson.SchemaAttribute, len(in))
	for _, a := range in {
		sa := &tfjson.SchemaAttribute{
			Description: a.Description, DescriptionKind: kind(a.DescriptionKind), Deprecated: a.Deprecated,
			Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive, WriteOnly: a.WriteOnly,
		}
		if a.NestedType != nil {
			sa.AttributeNestedType = &tfjson.SchemaNestedAttributeType{
				Attributes: attributes(a.NestedType.Attributes), NestingMode: objectNesting(a.NestedType.Nesting),
			}
		} else {
			sa.AttributeType = ctyType(a.Type)
		}
		out[a.Name] = sa
	}
	return out
}

// ctyType goes through the JSON type syntax both libraries share.
func ctyType(t tftypes.Type) cty.Type {
	if t == nil {
		return cty.NilType
	}
	b, err := json.Marshal(t)
	if err != nil {
		panic(fmt.Sprintf("type %s: %v", t, err))
	}
	var ct cty.Type
	if err := json.Unmarshal(b, &ct); err != nil {
		panic(fmt.Sprintf("type %s: %v", b, err))
	}
	return ct
}

// kind follows Terraform: anything but markdown is plain.
func kind(k tfprotov6.StringKind) tfjson.SchemaDescriptionKind {
	if k == tfprotov6.StringKindMarkdown {
		return tfjson.SchemaDescriptionKindMarkdown
	}
	return tfjson.SchemaDescriptionKindPlain
}

func blockNesting(n tfprotov6.SchemaNestedBlockNestingMode) tfjson.SchemaNestingMode {
	switch n {
	case tfprotov6.SchemaNestedBlockNestingModeSingle:
		return tfjson.SchemaNestingModeSingle
	case tfprotov6.SchemaNestedBlockNestingModeGroup:
		return tfjson.SchemaNestingModeGroup
	case tfprotov6.SchemaNestedBlockNestingModeList:
		return tfjson.SchemaNestingModeList
	case tfprotov6.SchemaNestedBlockNestingModeSet:
		return tfjson.SchemaNestingModeSet
	case tfprotov6.SchemaNestedBlockNestingModeMap:
		return tfjson.SchemaNestingModeMap
	}
	return "invalid"
}

func objectNesting(n tfprotov6.SchemaObjectNestingMode) tfjson.SchemaNestingMode {
	switch n {
	case tfprotov6.SchemaObjectNestingModeSingle:
		return tfjson.SchemaNestingModeSingle
	case tfprotov6.SchemaObjectNestingModeList:
		return tfjson.SchemaNestingModeList
	case tfprotov6.SchemaObjectNestingModeSet:
		return tfjson.SchemaNestingModeSet
	case tfprotov6.SchemaObjectNestingModeMap:
		return tfjson.SchemaNestingModeMap
	}
	return "invalid"
}
