package provider

// Attribute builders shared by the schemas. The framework has one attribute
// type per kind of object (provider, resource, data source, ephemeral
// resource), so each builder names the kind it builds for.

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	eschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// providerString is an optional provider setting.
func providerString(desc string, v ...validator.String) pschema.StringAttribute {
	return pschema.StringAttribute{
		Optional:            true,
		MarkdownDescription: desc,
		Validators:          v,
	}
}

// providerSecret is an optional provider setting kept out of logs and plans.
func providerSecret(desc string) pschema.StringAttribute {
	return pschema.StringAttribute{
		Optional:            true,
		Sensitive:           true,
		MarkdownDescription: desc,
	}
}

// providerBool is an optional provider switch.
func providerBool(desc string) pschema.BoolAttribute {
	return pschema.BoolAttribute{
		Optional:            true,
		MarkdownDescription: desc,
	}
}

// resourceKeptString is a resource attribute Graph sets and the plan keeps
// from state: it changes only with a new pass or on refresh.
func resourceKeptString(desc string) rschema.StringAttribute {
	return rschema.StringAttribute{
		Computed:            true,
		MarkdownDescription: desc,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// resourceKeptBool is resourceKeptString for a bool.
func resourceKeptBool(desc string) rschema.BoolAttribute {
	return rschema.BoolAttribute{
		Computed:            true,
		MarkdownDescription: desc,
		PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
	}
}

// policyLifetime is one of the policy's lifetimes, defaulting to Microsoft's value def.
func policyLifetime(desc string, def int32) rschema.Int64Attribute {
	return rschema.Int64Attribute{
		Optional:            true,
		Computed:            true,
		Default:             int64default.StaticInt64(int64(def)),
		MarkdownDescription: desc,
		Validators:          []validator.Int64{int64validator.Between(minLifetime, maxLifetime)},
	}
}

// policyTargetType is the target_type of an include or exclude target.
func policyTargetType() rschema.StringAttribute {
	return rschema.StringAttribute{
		Required:            true,
		MarkdownDescription: policyDocs["target.target_type"],
		Validators:          []validator.String{stringvalidator.OneOf("group", "user")},
	}
}

// dataString is a data source attribute read from Graph.
func dataString(desc string) dschema.StringAttribute {
	return dschema.StringAttribute{
		Computed:            true,
		MarkdownDescription: desc,
	}
}

// dataInt64 is a data source attribute read from Graph.
func dataInt64(desc string) dschema.Int64Attribute {
	return dschema.Int64Attribute{
		Computed:            true,
		MarkdownDescription: desc,
	}
}

// dataBool is a data source attribute read from Graph.
func dataBool(desc string) dschema.BoolAttribute {
	return dschema.BoolAttribute{
		Computed:            true,
		MarkdownDescription: desc,
	}
}

// ephemeralString is an ephemeral resource attribute Graph sets when the pass is issued.
func ephemeralString(desc string) eschema.StringAttribute {
	return eschema.StringAttribute{
		Computed:            true,
		MarkdownDescription: desc,
	}
}

// ephemeralBool is ephemeralString for a bool.
func ephemeralBool(desc string) eschema.BoolAttribute {
	return eschema.BoolAttribute{
		Computed:            true,
		MarkdownDescription: desc,
	}
}

// The timeouts blocks come from terraform-plugin-framework-timeouts, whose validator takes
// any duration; these add positiveDuration to each of their settings ("0s" or "-5m" would
// otherwise validate and then fail "ran out of time").

func resourceTimeouts(a rschema.Attribute) rschema.Attribute {
	n, ok := a.(rschema.SingleNestedAttribute)
	if !ok {
		return a
	}
	for k, v := range n.Attributes {
		if s, ok := v.(rschema.StringAttribute); ok {
			s.Validators = append(s.Validators, positiveDuration{})
			n.Attributes[k] = s
		}
	}
	return n
}

func dataTimeouts(a dschema.Attribute) dschema.Attribute {
	n, ok := a.(dschema.SingleNestedAttribute)
	if !ok {
		return a
	}
	for k, v := range n.Attributes {
		if s, ok := v.(dschema.StringAttribute); ok {
			s.Validators = append(s.Validators, positiveDuration{})
			n.Attributes[k] = s
		}
	}
	return n
}

func ephemeralTimeouts(a eschema.Attribute) eschema.Attribute {
	n, ok := a.(eschema.SingleNestedAttribute)
	if !ok {
		return a
	}
	for k, v := range n.Attributes {
		if s, ok := v.(eschema.StringAttribute); ok {
			s.Validators = append(s.Validators, positiveDuration{})
			n.Attributes[k] = s
		}
	}
	return n
}
