package tfcli_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/entratap/terraform-provider-entratap/internal/provider"
	"github.com/entratap/terraform-provider-entratap/internal/tfcli"
)

// What make docs hands tfplugindocs holds the parts Terraform 1.11 cannot
// print. (provider's TestAccProviderSchemaFromBinary compares the rest, and
// with Terraform 1.14 all of it, with the CLI's own output.)
func TestProviderSchemasOfTheProvider(t *testing.T) {
	server, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := tfcli.ProviderSchemas(context.Background(), server, "entratap")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		ProviderSchemas map[string]struct {
			ResourceIdentitySchemas map[string]struct {
				Attributes map[string]struct {
					Type              string `json:"type"`
					RequiredForImport bool   `json:"required_for_import"`
					OptionalForImport bool   `json:"optional_for_import"`
				} `json:"attributes"`
			} `json:"resource_identity_schemas"`
			ListResourceSchemas map[string]struct {
				Block struct {
					Attributes map[string]json.RawMessage `json:"attributes"`
				} `json:"block"`
			} `json:"list_resource_schemas"`
			ActionSchemas map[string]struct {
				Block struct {
					Attributes map[string]struct {
						Required bool `json:"required"`
					} `json:"attributes"`
				} `json:"block"`
			} `json:"action_schemas"`
			ResourceSchemas map[string]struct {
				Block struct {
					Attributes map[string]struct {
						NestedType struct {
							NestingMode string `json:"nesting_mode"`
						} `json:"nested_type"`
					} `json:"attributes"`
				} `json:"block"`
			} `json:"resource_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	s, ok := got.ProviderSchemas["entratap"] // the key tfplugindocs looks up
	if !ok {
		t.Fatalf("no entratap key in %.200s", b)
	}
	if a := s.ResourceIdentitySchemas["entratap_pass"].Attributes; a["user_id"].Type != "string" || !a["user_id"].RequiredForImport || !a["id"].RequiredForImport {
		t.Errorf("entratap_pass identity: %+v", a)
	}
	if a := s.ResourceIdentitySchemas["entratap_policy"].Attributes; !a["tenant_id"].OptionalForImport || !a["id"].RequiredForImport {
		t.Errorf("entratap_policy identity: %+v", a)
	}
	for _, a := range []string{"group_id", "user_ids", "all_users", "usability"} {
		if _, ok := s.ListResourceSchemas["entratap_pass"].Block.Attributes[a]; !ok {
			t.Errorf("list resource entratap_pass lacks %s", a)
		}
	}
	if !s.ActionSchemas["entratap_revoke_pass"].Block.Attributes["user_id"].Required {
		t.Errorf("action entratap_revoke_pass: user_id is not required")
	}
	if !s.ActionSchemas["entratap_revoke_group_passes"].Block.Attributes["group_id"].Required {
		t.Errorf("action entratap_revoke_group_passes: group_id is not required")
	}
	if m := s.ResourceSchemas["entratap_pass"].Block.Attributes["timeouts"].NestedType.NestingMode; m != "single" {
		t.Errorf("entratap_pass timeouts nesting %q, want single", m)
	}
	if i := strings.Index(string(b), `"invalid"`); i >= 0 {
		t.Errorf("a nesting mode did not convert: %.300s", b[max(0, i-200):])
	}
}
