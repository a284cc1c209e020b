package provider

// Terraform 1.12–1.14 features (identity, list resources, actions) driven
// through the protocol, as Terraform calls them: the CLI on this machine
// (1.11) cannot. The provider runs in-process against the mock Graph.

import (
	"context"
	"encoding/json"
	"fmt"
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
	cfg := p.value(sch.Provider, map[string]tftypes.Value{
		"tenant_id":      tftypes.NewValue(tftypes.String, graphmock.TenantID),
		"client_id":      tftypes.NewValue(tftypes.String, graphmock.AdminClientID),
		"client_secret":  tftypes.NewValue(tftypes.String, graphmock.AdminClientSecret),
		"graph_endpoint": tftypes.NewValue(tftypes.String, m.URL),
		"authority_host": tftypes.NewValue(tftypes.String, m.URL),
		"use_cli":        tftypes.NewValue(tftypes.Bool, false),
	})
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

// enablePolicy turns the mock's policy on, so passes are created and usable.
func enablePolicy(t *testing.T, m *graphmock.Server) {
	t.Helper()
	st, body := m.GraphRequest(http.MethodPatch, "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass",
		map[string]any{"@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration", "state": "enabled"})
	if st != http.StatusNoContent {
		t.Fatalf("enabling the policy: %d %s", st, body)
	}
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

func passIDs(m *graphmock.Server) map[string]string {
	out := map[string]string{}
	for _, p := range m.Snapshot().Passes {
		out[strings.ToLower(p.UserID)] = p.ID
	}
	return out
}

func TestProtoIdentitySchemas(t *testing.T) {
	p := newProtoProvider(t, newMock(t))
	got := map[string][]string{}
	for name, s := range p.ids.IdentitySchemas {
		for _, a := range s.IdentityAttributes {
			mark := "optional"
			if a.RequiredForImport {
				mark = "required"
			}
			got[name] = append(got[name], a.Name+":"+mark)
		}
		slices.Sort(got[name])
	}
	want := map[string][]string{
		"entratap_pass":   {"id:required", "user_id:required"},
		"entratap_policy": {"id:required", "tenant_id:optional"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("identity schemas: got %v, want %v", got, want)
	}
	if p.schema.ListResourceSchemas["entratap_pass"] == nil {
		t.Error("no list resource entratap_pass")
	}
	for _, a := range []string{"entratap_revoke_pass", "entratap_revoke_group_passes"} {
		if p.schema.ActionSchemas[a] == nil {
			t.Errorf("no action %s", a)
		}
	}
}

// State written before identity existed (Terraform ≤ 1.11, or an older
// provider) gets its identity on the next refresh, with the same pass.
func TestProtoPassIdentityOnRefresh(t *testing.T) {
	m := newMock(t)
	enablePolicy(t, m)
	passID := outOfBandPass(t, m, graphmock.AliceID, nil)
	p := newProtoProvider(t, m)
	resSchema := p.schema.ResourceSchemas["entratap_pass"]
	state := p.value(resSchema, map[string]tftypes.Value{
		"user_id": str(graphmock.AliceUPN), "id": str(passID), "user_object_id": str(graphmock.AliceID),
		"replace_existing": tftypes.NewValue(tftypes.Bool, false), "replace_when_unusable": tftypes.NewValue(tftypes.Bool, false),
	})
	resp, err := p.srv.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: "entratap_pass", CurrentState: state})
	if err != nil || hasError(resp.Diagnostics) {
		t.Fatalf("ReadResource: %v %s", err, diagText(resp.Diagnostics))
	}
	if resp.NewIdentity == nil {
		t.Fatal("ReadResource returned no identity")
	}
	id := decode(t, resp.NewIdentity.IdentityData, p.identityType("entratap_pass"))
	if id["user_id"] != graphmock.AliceID || id["id"] != passID {
		t.Fatalf("identity %v, want user_id %s id %s", id, graphmock.AliceID, passID)
	}
	st := decode(t, resp.NewState, resSchema.ValueType())
	if st["id"] != passID || st["user_id"] != graphmock.AliceUPN {
		t.Fatalf("state changed identity-bearing fields: %v", st)
	}

	// A second refresh with that identity passes the framework's no-change check.
	resp2, err := p.srv.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: "entratap_pass", CurrentState: resp.NewState, CurrentIdentity: resp.NewIdentity})
	if err != nil || len(resp2.Diagnostics) > 0 {
		t.Fatalf("second ReadResource: %v %s", err, diagText(resp2.Diagnostics))
	}
}

func TestProtoPassImportByIdentity(t *testing.T) {
	m := newMock(t)
	enablePolicy(t, m)
	passID := outOfBandPass(t, m, graphmock.BobID, nil)
	p := newProtoProvider(t, m)
	ctx := context.Background()
	resSchema := p.schema.ResourceSchemas["entratap_pass"]

	imp, err := p.srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "entratap_pass",
		Identity: p.identity("entratap_pass", map[string]tftypes.Value{"user_id": str(graphmock.BobID), "id": str(passID)})})
	if err != nil || len(imp.Diagnostics) > 0 || len(imp.ImportedResources) != 1 {
		t.Fatalf("ImportResourceState: %v %s", err, diagText(imp.Diagnostics))
	}
	r := imp.ImportedResources[0]
	read, err := p.srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "entratap_pass", CurrentState: r.State, Private: r.Private, CurrentIdentity: r.Identity})
	if err != nil || len(read.Diagnostics) > 0 {
		t.Fatalf("ReadResource after import: %v %s", err, diagText(read.Diagnostics))
	}
	st := decode(t, read.NewState, resSchema.ValueType())
	if st["id"] != passID || st["user_object_id"] != graphmock.BobID || st["is_usable"] != true || st["temporary_access_pass"] != nil {
		t.Fatalf("imported state: %v", st)
	}
	id := decode(t, read.NewIdentity.IdentityData, p.identityType("entratap_pass"))
	if id["user_id"] != graphmock.BobID || id["id"] != passID {
		t.Fatalf("identity after import: %v", id)
	}

	// A user principal name in the identity is resolved to the object id by the read that follows the import.
	imp, _ = p.srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "entratap_pass",
		Identity: p.identity("entratap_pass", map[string]tftypes.Value{"user_id": str(graphmock.BobUPN), "id": str(passID)})})
	r = imp.ImportedResources[0]
	read, _ = p.srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "entratap_pass", CurrentState: r.State, Private: r.Private, CurrentIdentity: r.Identity})
	if len(read.Diagnostics) > 0 || decode(t, read.NewIdentity.IdentityData, p.identityType("entratap_pass"))["user_id"] != graphmock.BobID {
		t.Fatalf("import by UPN identity: %s", diagText(read.Diagnostics))
	}

	bad, _ := p.srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "entratap_pass",
		Identity: p.identity("entratap_pass", map[string]tftypes.Value{"user_id": str("a/b"), "id": str(passID)})})
	if d := findDiag(bad.Diagnostics, tfprotov6.DiagnosticSeverityError, "Invalid import identity"); d == nil || !strings.Contains(d.Detail, "user_id") {
		t.Fatalf("bad identity: %s", diagText(bad.Diagnostics))
	}
}

func TestProtoPolicyIdentity(t *testing.T) {
	p := newProtoProvider(t, newMock(t))
	ctx := context.Background()
	typ := p.identityType("entratap_policy")
	imp, err := p.srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "entratap_policy",
		Identity: p.identity("entratap_policy", map[string]tftypes.Value{"id": str("TemporaryAccessPass")})})
	if err != nil || len(imp.Diagnostics) > 0 {
		t.Fatalf("ImportResourceState: %v %s", err, diagText(imp.Diagnostics))
	}
	r := imp.ImportedResources[0]
	read, err := p.srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "entratap_policy", CurrentState: r.State, Private: r.Private, CurrentIdentity: r.Identity})
	if err != nil || len(read.Diagnostics) > 0 {
		t.Fatalf("ReadResource: %v %s", err, diagText(read.Diagnostics))
	}
	id := decode(t, read.NewIdentity.IdentityData, typ)
	if id["tenant_id"] != graphmock.TenantID || id["id"] != "TemporaryAccessPass" {
		t.Fatalf("policy identity %v", id)
	}
	other, _ := p.srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "entratap_policy",
		Identity: p.identity("entratap_policy", map[string]tftypes.Value{"id": str("TemporaryAccessPass"), "tenant_id": str("11111111-1111-4111-8111-111111111111")})})
	if d := findDiag(other.Diagnostics, tfprotov6.DiagnosticSeverityError, "Import identity names another tenant"); d == nil {
		t.Fatalf("import with another tenant: %s", diagText(other.Diagnostics))
	}
}

// listed is one streamed list result, decoded.
type listed struct {
	name     string
	identity map[string]any
	resource map[string]any
	diags    []*tfprotov6.Diagnostic
}

func (p *protoProvider) list(set map[string]tftypes.Value, includeResource bool, limit int64) []listed {
	p.t.Helper()
	stream, err := p.srv.ListResource(context.Background(), &tfprotov6.ListResourceRequest{TypeName: "entratap_pass",
		Config: p.value(p.schema.ListResourceSchemas["entratap_pass"], set), IncludeResource: includeResource, Limit: limit})
	if err != nil {
		p.t.Fatal(err)
	}
	var out []listed
	for r := range stream.Results {
		l := listed{name: r.DisplayName, diags: r.Diagnostics}
		if r.Identity != nil {
			l.identity = decode(p.t, r.Identity.IdentityData, p.identityType("entratap_pass"))
		}
		if r.Resource != nil {
			l.resource = decode(p.t, r.Resource, p.schema.ResourceSchemas["entratap_pass"].ValueType())
		}
		out = append(out, l)
	}
	return out
}

func identities(ls []listed) []string {
	var out []string
	for _, l := range ls {
		if l.identity != nil {
			out = append(out, fmt.Sprint(l.identity["user_id"], "/", l.identity["id"]))
		}
	}
	slices.Sort(out)
	return out
}

func TestProtoListPasses(t *testing.T) {
	m := newMock(t)
	enablePolicy(t, m)
	// A wave group holding the onboarding group (alice) and carol: nested membership.
	const waveID = "0b0a4d00-0000-4000-8000-0000000000b2"
	if err := m.AddGroup(graphmock.Group{ID: waveID, DisplayName: "Wave 1", Members: []string{graphmock.OnboardingGroupID, graphmock.CarolID}}); err != nil {
		t.Fatal(err)
	}
	tomorrow := m.Now().Add(24 * time.Hour)
	alice := outOfBandPass(t, m, graphmock.AliceID, nil)
	bob := outOfBandPass(t, m, graphmock.BobID, nil)
	carol := outOfBandPass(t, m, graphmock.CarolID, &tomorrow)
	p := newProtoProvider(t, m)
	// Throttling on a third of the requests: the client's retries hide it.
	zero := 0.0
	m.SetFaults(graphmock.Faults{Rate: 0.3, Statuses: []int{http.StatusTooManyRequests}, RetryAfterSeconds: &zero})

	group := p.list(map[string]tftypes.Value{"group_id": str(waveID)}, true, 100)
	want := []string{graphmock.AliceID + "/" + alice, graphmock.CarolID + "/" + carol}
	slices.Sort(want)
	if got := identities(group); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("group listing: got %v, want %v (%s)", got, want, diagText(group[0].diags))
	}
	for _, l := range group {
		if len(l.diags) > 0 {
			t.Errorf("diagnostics: %s", diagText(l.diags))
		}
		if l.resource == nil || l.resource["user_id"] != l.identity["user_id"] || l.resource["id"] != l.identity["id"] ||
			l.resource["replace_existing"] != false || l.resource["temporary_access_pass"] != nil || l.resource["start_date_time"] == nil {
			t.Errorf("resource object %v for identity %v", l.resource, l.identity)
		}
		if !strings.Contains(l.name, "@"+graphmock.Domain) {
			t.Errorf("display name %q does not name the user", l.name)
		}
	}

	all := p.list(map[string]tftypes.Value{"all_users": tftypes.NewValue(tftypes.Bool, true), "usability": strList("usable")}, false, 100)
	want = []string{graphmock.AliceID + "/" + alice, graphmock.BobID + "/" + bob}
	slices.Sort(want)
	if got := identities(all); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("usable passes: got %v, want %v", got, want)
	}
	if all[0].resource != nil {
		t.Error("resource returned without include_resource")
	}

	users := p.list(map[string]tftypes.Value{"user_ids": strList(graphmock.CarolUPN, "nobody@"+graphmock.Domain), "usability": strList("not_yet_valid")}, false, 100)
	if got := identities(users); fmt.Sprint(got) != fmt.Sprint([]string{graphmock.CarolID + "/" + carol}) {
		t.Fatalf("user_ids listing: %v", got)
	}
	w := findDiag(users[len(users)-1].diags, tfprotov6.DiagnosticSeverityWarning, "Users not found")
	if w == nil || attrName(w) != "user_ids" || !strings.Contains(w.Detail, "nobody@") {
		t.Fatalf("missing user warning: %s", diagText(users[len(users)-1].diags))
	}

	if got := p.list(map[string]tftypes.Value{"all_users": tftypes.NewValue(tftypes.Bool, true)}, false, 1); len(got) != 1 {
		t.Fatalf("limit 1 gave %d results", len(got))
	}
}

// More users than one page: the listing follows @odata.nextLink.
func TestProtoListPaging(t *testing.T) {
	m := newMock(t)
	enablePolicy(t, m)
	var last string
	for i := range 1200 {
		u, err := m.AddUser(graphmock.NewUser{UserPrincipalName: fmt.Sprintf("user%04d@%s", i, graphmock.Domain)})
		if err != nil {
			t.Fatal(err)
		}
		last = u.ID
	}
	pass := outOfBandPass(t, m, last, nil)
	// A user Graph lists but no longer finds when its passes are read.
	m.SetFaults(graphmock.Faults{ReplicationLagReads: 5})
	ghost, err := m.AddUser(graphmock.NewUser{UserPrincipalName: "ghost@" + graphmock.Domain})
	if err != nil {
		t.Fatal(err)
	}
	m.SetFaults(graphmock.Faults{})
	p := newProtoProvider(t, m)
	m.ResetRequests()
	got := p.list(map[string]tftypes.Value{"all_users": tftypes.NewValue(tftypes.Bool, true)}, false, 100)
	if ids := identities(got); fmt.Sprint(ids) != fmt.Sprint([]string{last + "/" + pass}) {
		t.Fatalf("listing: %v (%d results; %s)", ids, len(got), diagText(got[len(got)-1].diags))
	}
	pages := 0
	for _, r := range m.Requests() {
		if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/v1.0/users") {
			pages++
		}
	}
	if pages != 2 {
		t.Errorf("%d pages of users read, want 2 (1,205 users, 999 a page)", pages)
	}
	w := findDiag(got[len(got)-1].diags, tfprotov6.DiagnosticSeverityWarning, "Users deleted while listing")
	if w == nil || !strings.Contains(w.Detail, ghost.ID) {
		t.Fatalf("no warning naming the vanished user: %v", got[len(got)-1])
	}
}

func TestProtoListBadInput(t *testing.T) {
	p := newProtoProvider(t, newMock(t))
	ctx := context.Background()
	s := p.schema.ListResourceSchemas["entratap_pass"]
	validate := func(set map[string]tftypes.Value) []*tfprotov6.Diagnostic {
		resp, err := p.srv.ValidateListResourceConfig(ctx, &tfprotov6.ValidateListResourceConfigRequest{TypeName: "entratap_pass", Config: p.value(s, set)})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Diagnostics
	}
	for name, tc := range map[string]struct {
		set     map[string]tftypes.Value
		summary string
		attr    string
	}{
		"empty":       {map[string]tftypes.Value{}, "Empty selection", "group_id"},
		"all false":   {map[string]tftypes.Value{"all_users": tftypes.NewValue(tftypes.Bool, false)}, "Empty selection", "all_users"},
		"both":        {map[string]tftypes.Value{"group_id": str(graphmock.OnboardingGroupID), "all_users": tftypes.NewValue(tftypes.Bool, true)}, "Conflicting selection", "group_id"},
		"empty list":  {map[string]tftypes.Value{"user_ids": strList()}, "Invalid Attribute Value", "user_ids"},
		"not a user":  {map[string]tftypes.Value{"user_ids": strList("alice")}, "Invalid Attribute Value Match", "user_ids"},
		"not a group": {map[string]tftypes.Value{"group_id": str("onboarding")}, "Invalid Attribute Value Match", "group_id"},
		"bad filter":  {map[string]tftypes.Value{"all_users": tftypes.NewValue(tftypes.Bool, true), "usability": strList("valid")}, "Invalid Attribute Value Match", "usability"},
	} {
		ds := validate(tc.set)
		d := findDiag(ds, tfprotov6.DiagnosticSeverityError, tc.summary)
		if d == nil || attrName(d) != tc.attr {
			t.Errorf("%s: want %q on %s, got %s", name, tc.summary, tc.attr, diagText(ds))
		}
	}
	got := p.list(map[string]tftypes.Value{"group_id": str("0b0a4d00-0000-4000-8000-00000000dead")}, false, 100)
	if len(got) != 1 {
		t.Fatalf("unknown group: %v", got)
	}
	d := findDiag(got[0].diags, tfprotov6.DiagnosticSeverityError, "Group not found")
	if d == nil || attrName(d) != "group_id" {
		t.Fatalf("unknown group: %s", diagText(got[0].diags))
	}
}

// invoke runs an action as `terraform apply -invoke` does: plan, then invoke.
func (p *protoProvider) invoke(action string, set map[string]tftypes.Value) (plan []*tfprotov6.Diagnostic, progress []string, done []*tfprotov6.Diagnostic) {
	p.t.Helper()
	ctx := context.Background()
	cfg := p.value(p.schema.ActionSchemas[action].Schema, set)
	pr, err := p.srv.PlanAction(ctx, &tfprotov6.PlanActionRequest{ActionType: action, Config: cfg})
	if err != nil {
		p.t.Fatal(err)
	}
	if hasError(pr.Diagnostics) {
		return pr.Diagnostics, nil, nil
	}
	stream, err := p.srv.InvokeAction(ctx, &tfprotov6.InvokeActionRequest{ActionType: action, Config: cfg})
	if err != nil {
		p.t.Fatal(err)
	}
	for ev := range stream.Events {
		switch e := ev.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			progress = append(progress, e.Message)
		case tfprotov6.CompletedInvokeActionEventType:
			done = append(done, e.Diagnostics...)
		}
	}
	return pr.Diagnostics, progress, done
}

func TestProtoRevokePass(t *testing.T) {
	m := newMock(t)
	enablePolicy(t, m)
	alice := outOfBandPass(t, m, graphmock.AliceID, nil)
	p := newProtoProvider(t, m)

	plan, progress, done := p.invoke("entratap_revoke_pass", map[string]tftypes.Value{"user_id": str(graphmock.AliceUPN), "pass_id": str("00000000-0000-4000-8000-000000000000")})
	if len(plan)+len(done) > 0 || len(progress) != 2 || !strings.Contains(progress[0], "left alone") || !strings.Contains(progress[1], "Nothing to revoke") {
		t.Fatalf("other pass id: %s %q %s", diagText(plan), progress, diagText(done))
	}
	if passIDs(m)[graphmock.AliceID] != alice {
		t.Fatal("a pass with another id was revoked")
	}

	plan, progress, done = p.invoke("entratap_revoke_pass", map[string]tftypes.Value{"user_id": str(graphmock.AliceUPN)})
	if len(plan)+len(done) > 0 || len(progress) != 1 || !strings.Contains(progress[0], "Revoked Temporary Access Pass "+alice) {
		t.Fatalf("revoke: %s %q %s", diagText(plan), progress, diagText(done))
	}
	if _, ok := passIDs(m)[graphmock.AliceID]; ok {
		t.Fatal("alice still holds a pass")
	}

	_, progress, done = p.invoke("entratap_revoke_pass", map[string]tftypes.Value{"user_id": str(graphmock.AliceID)})
	if len(done) > 0 || len(progress) != 1 || !strings.Contains(progress[0], "Nothing to revoke") {
		t.Fatalf("second revoke: %q %s", progress, diagText(done))
	}

	plan, _, _ = p.invoke("entratap_revoke_pass", map[string]tftypes.Value{"user_id": str("nobody@" + graphmock.Domain)})
	if d := findDiag(plan, tfprotov6.DiagnosticSeverityError, "User not found"); d == nil || attrName(d) != "user_id" {
		t.Fatalf("unknown user: %s", diagText(plan))
	}
	v, _ := p.srv.ValidateActionConfig(context.Background(), &tfprotov6.ValidateActionConfigRequest{ActionType: "entratap_revoke_pass",
		Config: p.value(p.schema.ActionSchemas["entratap_revoke_pass"].Schema, map[string]tftypes.Value{"user_id": str("alice")})})
	if d := findDiag(v.Diagnostics, tfprotov6.DiagnosticSeverityError, "Invalid Attribute Value Match"); d == nil || attrName(d) != "user_id" {
		t.Fatalf("invalid user_id: %s", diagText(v.Diagnostics))
	}
}

func TestProtoRevokeGroupPasses(t *testing.T) {
	m := newMock(t)
	enablePolicy(t, m)
	const waveID = "0b0a4d00-0000-4000-8000-0000000000b2"
	if err := m.AddGroup(graphmock.Group{ID: waveID, DisplayName: "Wave 1", Members: []string{graphmock.OnboardingGroupID, graphmock.CarolID}}); err != nil {
		t.Fatal(err)
	}
	tomorrow := m.Now().Add(24 * time.Hour)
	outOfBandPass(t, m, graphmock.AliceID, nil)
	carol := outOfBandPass(t, m, graphmock.CarolID, &tomorrow)
	bob := outOfBandPass(t, m, graphmock.BobID, nil)
	p := newProtoProvider(t, m)

	// Only usable passes: carol's next-wave pass stays.
	_, progress, done := p.invoke("entratap_revoke_group_passes", map[string]tftypes.Value{"group_id": str(waveID), "usability": strList("usable")})
	if len(done) > 0 || len(progress) != 2 || !strings.Contains(progress[1], "Revoked 1 ") {
		t.Fatalf("revoke usable: %q %s", progress, diagText(done))
	}
	left := passIDs(m)
	if _, ok := left[graphmock.AliceID]; ok || left[graphmock.CarolID] != carol || left[graphmock.BobID] != bob {
		t.Fatalf("passes left: %v", left)
	}
	_, progress, done = p.invoke("entratap_revoke_group_passes", map[string]tftypes.Value{"group_id": str(waveID)})
	if len(done) > 0 || len(progress) != 2 {
		t.Fatalf("revoke all: %q %s", progress, diagText(done))
	}
	_, progress, _ = p.invoke("entratap_revoke_group_passes", map[string]tftypes.Value{"group_id": str(waveID)})
	if len(progress) != 1 || !strings.Contains(progress[0], "Nothing to revoke") {
		t.Fatalf("nothing left: %q", progress)
	}
	if passIDs(m)[graphmock.BobID] != bob {
		t.Fatal("bob is not in the group, and lost his pass")
	}
	plan, _, _ := p.invoke("entratap_revoke_group_passes", map[string]tftypes.Value{"group_id": str("0b0a4d00-0000-4000-8000-00000000dead")})
	if d := findDiag(plan, tfprotov6.DiagnosticSeverityError, "Group not found"); d == nil || attrName(d) != "group_id" {
		t.Fatalf("unknown group: %s", diagText(plan))
	}
}

// BenchmarkProtoList5000 lists a tenant of 5,000 users holding 500 passes.
func BenchmarkProtoList5000(b *testing.B) {
	m := newMock(b)
	st, body := m.GraphRequest(http.MethodPatch, "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass",
		map[string]any{"@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration", "state": "enabled"})
	if st != http.StatusNoContent {
		b.Fatal(string(body))
	}
	for i := range 4996 {
		u, err := m.AddUser(graphmock.NewUser{UserPrincipalName: fmt.Sprintf("user%04d@%s", i, graphmock.Domain)})
		if err != nil {
			b.Fatal(err)
		}
		if i%10 == 0 {
			if st, body := m.GraphRequest(http.MethodPost, "/users/"+u.ID+"/authentication/temporaryAccessPassMethods", map[string]any{}); st != http.StatusCreated {
				b.Fatal(string(body))
			}
		}
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		p := newProtoProvider(b, m)
		m.ResetRequests()
		b.StartTimer()
		got := p.list(map[string]tftypes.Value{"all_users": tftypes.NewValue(tftypes.Bool, true)}, true, 10000)
		if len(got) != 500 {
			b.Fatalf("%d results, want 500", len(got))
		}
		b.ReportMetric(float64(len(m.Requests())), "requests/op")
	}
}
