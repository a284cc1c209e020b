package provider

// The protocol-level harness: it drives the provider through the protocol, as
// Terraform calls it, for the Terraform 1.12–1.14 features (identity, list
// resources, actions) the CLI on this machine (1.11) cannot drive. The provider
// runs in-process against the mock Graph. The protocol tests live in the test
// file of the object they exercise.

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// protoProvider is a configured provider server and its schemas.
type protoProvider struct {
	t      testing.TB
	srv    protoServer
	schema *tfprotov6.GetProviderSchemaResponse
	ids    *tfprotov6.GetResourceIdentitySchemasResponse
}

// protoServer is the provider server with the RPCs of Terraform 1.14.
type protoServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
}

func newProtoProvider(t testing.TB, m *graphmock.Server) *protoProvider {
	t.Helper()
	return newProtoProviderWith(t, m, map[string]tftypes.Value{
		"client_id":     tftypes.NewValue(tftypes.String, graphmock.AdminClientID),
		"client_secret": tftypes.NewValue(tftypes.String, graphmock.AdminClientSecret),
		"use_cli":       tftypes.NewValue(tftypes.Bool, false),
	})
}

// newProtoProviderAs is newProtoProvider signed in as user (a UPN) through a fake Azure CLI
// (delegated_test.go), as an admin running Terraform on their own machine is.
func newProtoProviderAs(t *testing.T, m *graphmock.Server, user string) *protoProvider {
	t.Helper()
	fakeAzureCLI(t, m, user)
	return newProtoProviderWith(t, m, nil)
}

// newProtoProviderWith configures the provider for the mock with the credential in set.
func newProtoProviderWith(t testing.TB, m *graphmock.Server, set map[string]tftypes.Value) *protoProvider {
	t.Helper()
	s, err := providerserver.NewProtocol6WithError(testProvider())()
	if err != nil {
		t.Fatal(err)
	}
	srv, ok := s.(protoServer)
	if !ok {
		t.Fatalf("%T serves no list resources or actions", s)
	}
	ctx := context.Background()
	sch, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(sch.Diagnostics) > 0 {
		t.Fatalf("GetProviderSchema: %v %v", err, diagText(sch.Diagnostics))
	}
	ids, err := srv.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || len(ids.Diagnostics) > 0 {
		t.Fatalf("GetResourceIdentitySchemas: %v %v", err, diagText(ids.Diagnostics))
	}
	p := &protoProvider{t: t, srv: srv, schema: sch, ids: ids}
	attrs := map[string]tftypes.Value{
		"tenant_id":      tftypes.NewValue(tftypes.String, graphmock.TenantID),
		"graph_endpoint": tftypes.NewValue(tftypes.String, m.URL),
		"authority_host": tftypes.NewValue(tftypes.String, m.URL),
	}
	maps.Copy(attrs, set)
	cfg := p.value(sch.Provider, attrs)
	resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.14.0", Config: cfg})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("ConfigureProvider: %v %v", err, diagText(resp.Diagnostics))
	}
	return p
}

// value builds an object of schema s with the given attributes, every other one null.
func (p *protoProvider) value(s *tfprotov6.Schema, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	p.t.Helper()
	return dynamic(p.t, s.ValueType().(tftypes.Object), set)
}

func dynamic(t testing.TB, typ tftypes.Object, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	vals := map[string]tftypes.Value{}
	for k, at := range typ.AttributeTypes {
		vals[k] = tftypes.NewValue(at, nil)
	}
	for k, v := range set {
		if _, ok := typ.AttributeTypes[k]; !ok {
			t.Fatalf("no attribute %q in %s", k, typ)
		}
		vals[k] = v
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// decode turns a dynamic value into its attributes as Go strings/bools ("" for null).
func decode(t testing.TB, dv *tfprotov6.DynamicValue, typ tftypes.Type) map[string]any {
	t.Helper()
	if dv == nil {
		t.Fatal("no value")
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for k, a := range attrs {
		switch {
		case a.IsNull():
			out[k] = nil
		case a.Type().Is(tftypes.String):
			var s string
			_ = a.As(&s)
			out[k] = s
		case a.Type().Is(tftypes.Bool):
			var b bool
			_ = a.As(&b)
			out[k] = b
		default:
			out[k] = a.String()
		}
	}
	return out
}

func (p *protoProvider) identityType(name string) tftypes.Type {
	return p.ids.IdentitySchemas[name].ValueType()
}

func (p *protoProvider) identity(name string, set map[string]tftypes.Value) *tfprotov6.ResourceIdentityData {
	return &tfprotov6.ResourceIdentityData{IdentityData: dynamic(p.t, p.identityType(name).(tftypes.Object), set)}
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func strList(ss ...string) tftypes.Value {
	vs := make([]tftypes.Value, len(ss))
	for i, s := range ss {
		vs[i] = str(s)
	}
	return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, vs)
}

func diagText(ds []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "[%v %v] %s: %s\n", d.Severity, d.Attribute, d.Summary, d.Detail)
	}
	return b.String()
}

func hasError(ds []*tfprotov6.Diagnostic) bool {
	return slices.ContainsFunc(ds, func(d *tfprotov6.Diagnostic) bool { return d.Severity == tfprotov6.DiagnosticSeverityError })
}

// findDiag returns the first diagnostic of severity whose summary is summary.
func findDiag(ds []*tfprotov6.Diagnostic, sev tfprotov6.DiagnosticSeverity, summary string) *tfprotov6.Diagnostic {
	for _, d := range ds {
		if d.Severity == sev && d.Summary == summary {
			return d
		}
	}
	return nil
}

func attrName(d *tfprotov6.Diagnostic) string {
	if d == nil || d.Attribute == nil || len(d.Attribute.Steps()) == 0 {
		return ""
	}
	if s, ok := d.Attribute.Steps()[0].(tftypes.AttributeName); ok {
		return string(s)
	}
	return ""
}

// outOfBandPass creates a pass as the portal or a script would; start nil: now.
func outOfBandPass(t *testing.T, m *graphmock.Server, user string, start *time.Time) string {
	t.Helper()
	req := map[string]any{"lifetimeInMinutes": 60}
	if start != nil {
		req["startDateTime"] = start.UTC().Format(time.RFC3339)
	}
	st, body := m.GraphRequest(http.MethodPost, "/users/"+user+"/authentication/temporaryAccessPassMethods", req)
	if st != http.StatusCreated {
		t.Fatalf("creating a pass for %s: %d %s", user, st, body)
	}
	var p struct{ ID string }
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// protoWithPass is a mock with the policy on, a pass of user made out of band, and a
// provider configured for it: the start of the protocol tests of one pass.
func protoWithPass(t *testing.T, user string) (*graphmock.Server, *protoProvider, string) {
	t.Helper()
	m := newMock(t)
	passEnablePolicy(t, m)
	passID := outOfBandPass(t, m, user, nil)
	return m, newProtoProvider(t, m), passID
}

func passIDs(m *graphmock.Server) map[string]string {
	out := map[string]string{}
	for _, p := range m.Snapshot().Passes {
		out[strings.ToLower(p.UserID)] = p.ID
	}
	return out
}

// mixedGroupID is a group mixedGroup fills with a Global Administrator (first, so a listing
// meets it before the others), bob (no admin role) and the Authentication Administrator.
const mixedGroupID = "0b0a4d00-0000-4000-8000-0000000000b3"

// mixedGroup makes mixedGroupID with a pass for each member, and returns the pass ids by user.
func mixedGroup(t *testing.T, m *graphmock.Server) map[string]string {
	t.Helper()
	passEnablePolicy(t, m)
	members := []string{graphmock.GlobalAdminID, graphmock.BobID, graphmock.AuthAdminID}
	if err := m.AddGroup(graphmock.Group{ID: mixedGroupID, DisplayName: "Mixed", Members: members}); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, u := range members {
		out[u] = outOfBandPass(t, m, u, nil)
	}
	return out
}

// addWaveGroup adds the group "Wave 1", holding the onboarding group (alice, and nora through
// "New hires") and carol: nested membership for the listing and the group revoke.
func addWaveGroup(t *testing.T, m *graphmock.Server) string {
	t.Helper()
	const waveID = "0b0a4d00-0000-4000-8000-0000000000b2"
	if err := m.AddGroup(graphmock.Group{ID: waveID, DisplayName: "Wave 1", Members: []string{graphmock.OnboardingGroupID, graphmock.CarolID}}); err != nil {
		t.Fatal(err)
	}
	return waveID
}
