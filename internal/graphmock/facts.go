package graphmock

// Microsoft's machine-readable contract: the facts cmd/csdlfacts extracts from the v1.0 CSDL
// (microsoftgraph/msgraph-metadata clean_v10_metadata/cleanMetadata.xml, commit in the file)
// for every type the mock serves. One checker walks a JSON value against them; request
// decoding (decode.go) and the schema-conformance test (csdl_test.go) both use it.

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

//go:embed testdata/csdl-v1.0-facts.json
var csdlFactsJSON []byte

// CSDLFacts is the facts file: cmd/csdlfacts writes it, the mock reads it.
type CSDLFacts struct {
	Source  string               `json:"source"`
	Commit  string               `json:"commit"`
	Types   map[string]*CSDLType `json:"types"`
	Enums   map[string][]string  `json:"enums"`
	Actions map[string]*CSDLType `json:"actions"`
}

// CSDLType is an entity or complex type with its base types' properties merged in, or an
// action's parameters (Kind "action", BaseType the type it is bound to, Returns its result).
type CSDLType struct {
	Kind       string                   `json:"kind"` // entity, complex or action
	BaseType   string                   `json:"baseType,omitempty"`
	Abstract   bool                     `json:"abstract,omitempty"`
	Returns    string                   `json:"returns,omitempty"`
	Properties map[string]*CSDLProperty `json:"properties"`
}

// CSDLProperty is one property (or parameter); Nullable is the CSDL's (absent there: true).
type CSDLProperty struct {
	Type       string `json:"type"`
	Nullable   bool   `json:"nullable"`
	Navigation bool   `json:"navigation,omitempty"`
}

// csdl is the facts, read once at start (a broken file is a build defect: panic).
var csdl = func() *CSDLFacts {
	var f CSDLFacts
	if err := json.Unmarshal(csdlFactsJSON, &f); err != nil {
		panic("graphmock: testdata/csdl-v1.0-facts.json: " + err.Error())
	}
	return &f
}()

const graphNS = "microsoft.graph."

// The problems a value can have against the facts.
const (
	edmUnknownProperty = "unknown property"
	edmWrongType       = "wrong type"
	edmNull            = "null where the CSDL says Nullable=\"false\" (or a collection)"
	edmNotMember       = "not a member of the enum"
	edmNoFacts         = "no facts for the type"
	edmNotDerived      = "@odata.type not derived from the declared type"
)

// edmProblem is one way a JSON value breaks the facts.
type edmProblem struct {
	Path  string // where, e.g. "includeTargets[0].targetType"
	Kind  string // one of the edm* constants above
	Type  string // the EDM type expected there
	Value any    // the value found (nil for an unknown property or a null)
}

func (p edmProblem) String() string {
	if p.Kind == edmNotMember {
		return fmt.Sprintf("%s: %s (want one of %s's %s, got %q)", p.Path, p.Kind, p.Type, strings.Join(csdl.Enums[p.Type], ", "), p.Value)
	}
	return fmt.Sprintf("%s: %s (want %s, got %s)", p.Path, p.Kind, p.Type, JSONType(p.Value))
}

// edmMembers are an enum type's members, in the CSDL's order (nil: no such enum in the facts).
func edmMembers(enum string) []string { return csdl.Enums[enum] }

// edmCheck walks v (decoded with json.Decoder.UseNumber) against the EDM type typ ("Edm.Int32",
// "microsoft.graph.user", "Collection(...)") and reports each problem; report returns false to
// stop. allowNull accepts null for a non-nullable property (a request body: null is "not
// given"). OData annotations ("@odata.type", "state@odata.type") are not properties; an
// object's "@odata.type" picks a derived type.
func edmCheck(typ string, v any, path string, allowNull bool, report func(edmProblem) bool) bool {
	if inner, ok := strings.CutPrefix(typ, "Collection("); ok {
		inner = strings.TrimSuffix(inner, ")")
		list, ok := v.([]any)
		if !ok {
			return report(edmProblem{Path: path, Kind: edmWrongType, Type: typ, Value: v})
		}
		for i, e := range list {
			at := fmt.Sprintf("%s[%d]", path, i)
			if e == nil {
				if !allowNull && !report(edmProblem{Path: at, Kind: edmNull, Type: inner}) {
					return false
				}
				continue
			}
			if !edmCheck(inner, e, at, allowNull, report) {
				return false
			}
		}
		return true
	}
	if strings.HasPrefix(typ, "Edm.") {
		if !edmPrimitive(typ, v) {
			return report(edmProblem{Path: path, Kind: edmWrongType, Type: typ, Value: v})
		}
		return true
	}
	if members, ok := csdl.Enums[typ]; ok {
		s, isString := v.(string)
		switch {
		case !isString:
			return report(edmProblem{Path: path, Kind: edmWrongType, Type: typ, Value: v})
		case !slices.Contains(members, s):
			return report(edmProblem{Path: path, Kind: edmNotMember, Type: typ, Value: v})
		}
		return true
	}
	t := csdl.Types[typ]
	if t == nil {
		return report(edmProblem{Path: path, Kind: edmNoFacts, Type: typ, Value: v})
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return report(edmProblem{Path: path, Kind: edmWrongType, Type: typ, Value: v})
	}
	if cast, ok := obj["@odata.type"].(string); ok {
		actual := graphNS + strings.TrimPrefix(strings.TrimPrefix(cast, "#"), graphNS)
		switch {
		case csdl.Types[actual] == nil:
			return report(edmProblem{Path: path + "@odata.type", Kind: edmNoFacts, Type: actual, Value: cast})
		case !edmDerives(actual, typ):
			return report(edmProblem{Path: path + "@odata.type", Kind: edmNotDerived, Type: typ, Value: cast})
		}
		t, typ = csdl.Types[actual], actual
	}
	return edmCheckProperties(t, typ, obj, path, allowNull, report)
}

// edmCheckProperties checks each property of obj against the type t (named typ).
func edmCheckProperties(t *CSDLType, typ string, obj map[string]any, path string, allowNull bool, report func(edmProblem) bool) bool {
	names := make([]string, 0, len(obj))
	for k := range obj {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if strings.HasPrefix(k, "@") || strings.Contains(k, "@odata.") {
			continue
		}
		at := k
		if path != "" {
			at = path + "." + k
		}
		p := t.Properties[k]
		switch {
		case p == nil:
			if !report(edmProblem{Path: at, Kind: edmUnknownProperty, Type: typ, Value: obj[k]}) {
				return false
			}
		case obj[k] == nil:
			// A collection is never null, its Nullable speaks of its elements (OData CSDL XML 4.01, 7.2.1 Nullable).
			nonNull := !p.Nullable || strings.HasPrefix(p.Type, "Collection(")
			if nonNull && !allowNull && !report(edmProblem{Path: at, Kind: edmNull, Type: p.Type}) {
				return false
			}
		case !edmCheck(p.Type, obj[k], at, allowNull, report):
			return false
		}
	}
	return true
}

// unsetProperty finds a structural property of typ by name, case-insensitively (as $select
// matches), and returns its CSDL name and the JSON of an unset value: [] for a collection,
// else nil (the caller leaves out a non-nullable one). ok is false for no such property.
func unsetProperty(typ, name string) (canonical string, unset any, ok bool) {
	t := csdl.Types[typ]
	if t == nil {
		return "", nil, false
	}
	for k, p := range t.Properties {
		if strings.EqualFold(k, name) && !p.Navigation {
			if strings.HasPrefix(p.Type, "Collection(") {
				return k, []any{}, true
			}
			return k, nil, true
		}
	}
	return "", nil, false
}

// edmDerives reports whether typ is base or derives from it.
func edmDerives(typ, base string) bool {
	for seen := 0; typ != "" && seen < 16; seen++ {
		if typ == base {
			return true
		}
		t := csdl.Types[typ]
		if t == nil {
			return false
		}
		typ = t.BaseType
	}
	return false
}

// intRanges are the integer EDM types' bounds.
var intRanges = map[string][2]int64{"Edm.Int64": {math.MinInt64, math.MaxInt64}, "Edm.Int32": {math.MinInt32, math.MaxInt32},
	"Edm.Int16": {math.MinInt16, math.MaxInt16}, "Edm.Byte": {0, math.MaxUint8}}

// edmPrimitive reports whether v is a JSON value of the primitive EDM type typ (OData JSON
// format: strings for Guid, DateTimeOffset, Duration, Binary; numbers for the numeric types).
func edmPrimitive(typ string, v any) bool {
	switch typ {
	case "Edm.String", "Edm.Guid", "Edm.Duration", "Edm.Binary", "Edm.Date", "Edm.TimeOfDay":
		_, ok := v.(string)
		return ok
	case "Edm.DateTimeOffset":
		s, ok := v.(string)
		if !ok {
			return false
		}
		_, err := time.Parse(time.RFC3339Nano, s)
		return err == nil
	case "Edm.Boolean":
		_, ok := v.(bool)
		return ok
	case "Edm.Int32", "Edm.Int64", "Edm.Int16", "Edm.Byte":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil {
			return false
		}
		r := intRanges[typ]
		return i >= r[0] && i <= r[1]
	case "Edm.Double", "Edm.Single", "Edm.Decimal":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		f, err := n.Float64()
		return err == nil && !math.IsInf(f, 0)
	}
	return false // an EDM type the facts do not use yet: refuse until it is handled here
}

// JSONType names the JSON type of a decoded value (null, string, boolean, integer, number,
// array, object), numbers as json.Number or float64; cmd/graphdiff records answers with it.
func JSONType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		if _, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return "integer"
		}
		return "number"
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}
