// Command csdlfacts extracts, from Microsoft Graph's v1.0 CSDL (microsoftgraph/msgraph-metadata,
// clean_v10_metadata/cleanMetadata.xml), the facts the mock's answers and request decoding are
// checked against: for each type in roots, every property with its base types resolved (name,
// EDM type, nullability, navigation or not), the enum types those properties use with their
// members, and the parameters of the actions in actions. The CSDL is too big to commit; the facts are not.
//
//	git -C msgraph-metadata show HEAD:clean_v10_metadata/cleanMetadata.xml > /tmp/cleanMetadata.xml
//	go run ./cmd/csdlfacts -csdl /tmp/cleanMetadata.xml -commit "$(git -C msgraph-metadata rev-parse HEAD)" \
//	    -out internal/graphmock/testdata/csdl-v1.0-facts.json
package main

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// roots are the entity and complex types the mock serves or reads, by qualified name. A type
// the mock starts to serve is one line here, then a rerun.
var roots = []string{
	"microsoft.graph.entity",
	"microsoft.graph.directoryObject",
	"microsoft.graph.user",
	"microsoft.graph.group",
	"microsoft.graph.unifiedRoleAssignment",
	"microsoft.graph.unifiedRoleDefinition",
	"microsoft.graph.authenticationMethodsPolicy",
	"microsoft.graph.authenticationMethodConfiguration",
	"microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration",
	"microsoft.graph.authenticationMethodTarget",
	"microsoft.graph.includeTarget",
	"microsoft.graph.excludeTarget",
	"microsoft.graph.authenticationMethod",
	"microsoft.graph.temporaryAccessPassAuthenticationMethod",
	"microsoft.graph.fido2AuthenticationMethod",
	"microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
	"microsoft.graph.windowsHelloForBusinessAuthenticationMethod",
	"microsoft.graph.phoneAuthenticationMethod",
	"microsoft.graph.emailAuthenticationMethod",
	"microsoft.graph.softwareOathAuthenticationMethod",
	"microsoft.graph.passwordAuthenticationMethod",
	"microsoft.graph.userRegistrationDetails",
}

// actions are the bound actions whose parameters are a request body the mock decodes.
var actions = []string{"microsoft.graph.checkMemberGroups"}

// The CSDL, as much of it as is read.
type edmx struct {
	Schemas []schema `xml:"DataServices>Schema"`
}

type schema struct {
	Namespace string     `xml:"Namespace,attr"`
	Alias     string     `xml:"Alias,attr"`
	Entities  []edmType  `xml:"EntityType"`
	Complex   []edmType  `xml:"ComplexType"`
	Enums     []edmEnum  `xml:"EnumType"`
	Actions   []edmEntry `xml:"Action"`
}

type edmType struct {
	Name       string    `xml:"Name,attr"`
	BaseType   string    `xml:"BaseType,attr"`
	Abstract   bool      `xml:"Abstract,attr"`
	Properties []edmProp `xml:"Property"`
	Navigation []edmProp `xml:"NavigationProperty"`
}

type edmProp struct {
	Name     string `xml:"Name,attr"`
	Type     string `xml:"Type,attr"`
	Nullable string `xml:"Nullable,attr"`
}

type edmEnum struct {
	Name    string `xml:"Name,attr"`
	Members []struct {
		Name string `xml:"Name,attr"`
	} `xml:"Member"`
}

type edmEntry struct {
	Name       string    `xml:"Name,attr"`
	Parameters []edmProp `xml:"Parameter"`
	Returns    *edmProp  `xml:"ReturnType"`
}

func main() {
	csdl := flag.String("csdl", "", "path of the v1.0 CSDL (clean_v10_metadata/cleanMetadata.xml of microsoftgraph/msgraph-metadata)")
	commit := flag.String("commit", "", "the msgraph-metadata commit the CSDL comes from (written into the file)")
	out := flag.String("out", "internal/graphmock/testdata/csdl-v1.0-facts.json", "the facts file to write")
	flag.Parse()
	if *csdl == "" || *commit == "" {
		fmt.Fprintln(os.Stderr, "usage: csdlfacts -csdl FILE -commit SHA [-out FILE]")
		os.Exit(2)
	}
	if err := run(*csdl, *commit, *out); err != nil {
		fmt.Fprintln(os.Stderr, "csdlfacts:", err)
		os.Exit(1)
	}
}

func run(csdlPath, commit, out string) error {
	raw, err := os.ReadFile(csdlPath)
	if err != nil {
		return err
	}
	var doc edmx
	if err := xml.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("%s: %w", csdlPath, err)
	}
	facts, err := extract(doc, commit)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(facts, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(b, '\n'), 0o644)
}

// model indexes the CSDL by qualified name.
type model struct {
	types   map[string]edmType
	kinds   map[string]string // entity or complex
	enums   map[string][]string
	actions map[string]edmEntry
	aliases map[string]string // alias -> namespace
}

func index(doc edmx) model {
	m := model{types: map[string]edmType{}, kinds: map[string]string{}, enums: map[string][]string{},
		actions: map[string]edmEntry{}, aliases: map[string]string{}}
	for _, s := range doc.Schemas {
		if s.Alias != "" {
			m.aliases[s.Alias] = s.Namespace
		}
	}
	for _, s := range doc.Schemas {
		for kind, list := range map[string][]edmType{"entity": s.Entities, "complex": s.Complex} {
			for _, t := range list {
				m.types[s.Namespace+"."+t.Name] = t
				m.kinds[s.Namespace+"."+t.Name] = kind
			}
		}
		for _, e := range s.Enums {
			var names []string
			for _, mem := range e.Members {
				names = append(names, mem.Name)
			}
			m.enums[s.Namespace+"."+e.Name] = names
		}
		for _, a := range s.Actions {
			name := s.Namespace + "." + a.Name
			if len(a.Parameters) == 0 || strings.HasPrefix(a.Parameters[0].Type, "Collection(") {
				continue
			}
			// Overloads bind to different types; the one bound to a directoryObject is kept.
			if _, seen := m.actions[name]; !seen || strings.HasSuffix(a.Parameters[0].Type, ".directoryObject") {
				m.actions[name] = a
			}
		}
	}
	return m
}

// qualify turns "graph.user" or "Collection(graph.user)" into its namespace-qualified form.
func (m model) qualify(t string) string {
	if inner, ok := strings.CutPrefix(t, "Collection("); ok {
		return "Collection(" + m.qualify(strings.TrimSuffix(inner, ")")) + ")"
	}
	if strings.HasPrefix(t, "Edm.") {
		return t
	}
	if i := strings.Index(t, "."); i > 0 {
		if ns, ok := m.aliases[t[:i]]; ok {
			return ns + t[i:]
		}
	}
	return t
}

func elem(t string) string {
	return strings.TrimSuffix(strings.TrimPrefix(t, "Collection("), ")")
}

func extract(doc edmx, commit string) (*graphmock.CSDLFacts, error) {
	m := index(doc)
	f := &graphmock.CSDLFacts{Source: "microsoftgraph/msgraph-metadata clean_v10_metadata/cleanMetadata.xml", Commit: commit,
		Types: map[string]*graphmock.CSDLType{}, Enums: map[string][]string{}, Actions: map[string]*graphmock.CSDLType{}}
	var errs []error
	useEnum := func(t string) {
		if members, ok := m.enums[elem(t)]; ok {
			f.Enums[elem(t)] = members
		}
	}
	for _, name := range roots {
		t, ok := m.types[name]
		if !ok {
			errs = append(errs, fmt.Errorf("no type %s in the CSDL", name))
			continue
		}
		out := &graphmock.CSDLType{Kind: m.kinds[name], BaseType: m.qualify(t.BaseType), Abstract: t.Abstract, Properties: map[string]*graphmock.CSDLProperty{}}
		// Walk up the base types; a derived type's property wins over its base's.
		for cur, seen := t, map[string]bool{}; ; {
			for _, p := range cur.Properties {
				if _, dup := out.Properties[p.Name]; !dup {
					out.Properties[p.Name] = &graphmock.CSDLProperty{Type: m.qualify(p.Type), Nullable: p.Nullable != "false"}
					useEnum(m.qualify(p.Type))
				}
			}
			for _, p := range cur.Navigation {
				if _, dup := out.Properties[p.Name]; !dup {
					out.Properties[p.Name] = &graphmock.CSDLProperty{Type: m.qualify(p.Type), Nullable: p.Nullable != "false", Navigation: true}
				}
			}
			base := m.qualify(cur.BaseType)
			if base == "" || seen[base] {
				break
			}
			seen[base] = true
			if cur, ok = m.types[base]; !ok {
				errs = append(errs, fmt.Errorf("%s: no base type %s", name, base))
				break
			}
		}
		f.Types[name] = out
	}
	for _, name := range actions {
		a, ok := m.actions[name]
		if !ok {
			errs = append(errs, fmt.Errorf("no action %s in the CSDL", name))
			continue
		}
		out := &graphmock.CSDLType{Kind: "action", BaseType: m.qualify(a.Parameters[0].Type), Properties: map[string]*graphmock.CSDLProperty{}}
		if a.Returns != nil {
			out.Returns = m.qualify(a.Returns.Type)
		}
		for _, p := range a.Parameters[1:] {
			out.Properties[p.Name] = &graphmock.CSDLProperty{Type: m.qualify(p.Type), Nullable: p.Nullable != "false"}
			useEnum(m.qualify(p.Type))
		}
		f.Actions[name] = out
	}
	return f, errors.Join(errs...)
}
