package main

import (
	"encoding/xml"
	"strings"
	"testing"
)

// A cut of the v1.0 CSDL's shape: an alias, a base type, an enum, a navigation property,
// a second namespace with a type of the same name, and a bound action.
const miniCSDL = `<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
 <EnumType Name="authenticationMethodState"><Member Name="enabled" Value="0"/><Member Name="disabled" Value="1"/></EnumType>
 <EntityType Name="entity" Abstract="true"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
 <EntityType Name="directoryObject" BaseType="graph.entity" OpenType="true"><Property Name="deletedDateTime" Type="Edm.DateTimeOffset"/></EntityType>
 <EntityType Name="group" BaseType="graph.directoryObject"><Property Name="displayName" Type="Edm.String"/><NavigationProperty Name="members" Type="Collection(graph.directoryObject)"/></EntityType>
 <EntityType Name="authenticationMethodConfiguration" BaseType="graph.entity" Abstract="true"><Property Name="state" Type="graph.authenticationMethodState"/></EntityType>
 <Action Name="checkMemberGroups" IsBound="true"><Parameter Name="bindingParameter" Type="graph.directoryObject" Nullable="false"/><Parameter Name="groupIds" Type="Collection(Edm.String)" Nullable="false"/><ReturnType Type="Collection(Edm.String)"/></Action>
</Schema>
<Schema Namespace="microsoft.graph.termStore" Alias="termStore" xmlns="http://docs.oasis-open.org/odata/ns/edm">
 <EntityType Name="group" BaseType="graph.entity"><Property Name="description" Type="Edm.String"/></EntityType>
</Schema></edmx:DataServices></edmx:Edmx>`

func TestExtractResolvesBasesAliasesAndEnums(t *testing.T) {
	t.Parallel()
	var doc edmx
	if err := xml.Unmarshal([]byte(miniCSDL), &doc); err != nil {
		t.Fatal(err)
	}
	f, err := extract(doc, "abc")
	if err == nil || !strings.Contains(err.Error(), "no type microsoft.graph.user") {
		t.Fatalf("a root missing from the CSDL must be an error, got %v", err)
	}
	g := f.Types["microsoft.graph.group"]
	if g == nil || g.BaseType != "microsoft.graph.directoryObject" {
		t.Fatalf("group: %+v", g)
	}
	if p := g.Properties["id"]; p == nil || p.Nullable || p.Type != "Edm.String" {
		t.Fatalf("group.id from entity, not nullable: %+v", p)
	}
	if p := g.Properties["deletedDateTime"]; p == nil || !p.Nullable {
		t.Fatalf("group.deletedDateTime from directoryObject: %+v", p)
	}
	if p := g.Properties["members"]; p == nil || !p.Navigation || p.Type != "Collection(microsoft.graph.directoryObject)" {
		t.Fatalf("group.members: %+v", p)
	}
	if _, ok := g.Properties["description"]; ok {
		t.Fatal("termStore.group's property leaked into microsoft.graph.group")
	}
	if p := f.Types["microsoft.graph.authenticationMethodConfiguration"].Properties["state"]; p.Type != "microsoft.graph.authenticationMethodState" {
		t.Fatalf("state: %+v", p)
	}
	if got := strings.Join(f.Enums["microsoft.graph.authenticationMethodState"], ","); got != "enabled,disabled" {
		t.Fatalf("enum members: %s", got)
	}
	a := f.Actions["microsoft.graph.checkMemberGroups"]
	if a == nil || a.Returns != "Collection(Edm.String)" || a.Properties["groupIds"].Nullable || len(a.Properties) != 1 {
		t.Fatalf("checkMemberGroups: %+v", a)
	}
	if f.Commit != "abc" {
		t.Fatalf("commit: %s", f.Commit)
	}
}
