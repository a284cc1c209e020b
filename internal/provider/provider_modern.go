package provider

// Terraform 1.14's list resources and actions. Older CLIs (Terraform up to
// 1.13, OpenTofu) never ask for them; the rest of the provider works the same.

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
)

var (
	_ provider.ProviderWithListResources = &EntratapProvider{}
	_ provider.ProviderWithActions       = &EntratapProvider{}
)

func (p *EntratapProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewPassListResource}
}

func (p *EntratapProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{NewRevokePassAction, NewRevokeGroupPassesAction}
}
