package graphmock

// Strict decoding of request bodies with encoding/json: one JSON object, then either
//   - a Graph body (decodeGraphJSON): checked against the CSDL facts of its type (facts.go:
//     unknown property, wrong JSON type for the EDM type, enum member), its OData annotations
//     dropped, then decoded into a request struct, which reads only what the handler uses;
//   - a control body (decodeJSON, /_mock/...): annotations dropped, then decoded with
//     DisallowUnknownFields.
// Anything else is a 400 in Graph's shape. Never panics.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
)

// parseObject reads body as one JSON object (numbers keep their text, so 10.0 is still no
// Edm.Int32) and returns it with its top-level "@odata.type" ("" when absent).
func parseObject(body []byte) (obj map[string]any, odataType string, gerr *graphError) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, "", badRequest("The request body is empty; a JSON object is required.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, "", badRequest("The request body is not a valid JSON object.")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, "", badRequest("The request body is not a valid JSON object.")
	}
	if t, ok := obj["@odata.type"]; ok {
		if odataType, ok = t.(string); !ok {
			return nil, "", badRequest("Cannot convert the value of property '@odata.type' to the expected type 'Edm.String'.")
		}
	}
	return obj, odataType, nil
}

// decodeGraphJSON decodes a Graph request body whose CSDL type is edm (an entity type, or a
// bound action for its parameters) into v. The facts decide what is refused; v's fields are
// what the handler reads (a property the CSDL defines and v lacks, such as a read-only one the
// SDK echoes, is checked for its type and ignored). A null stands for "not given".
func decodeGraphJSON(body []byte, edm string, v any) (odataType string, gerr *graphError) {
	obj, odataType, gerr := parseObject(body)
	if gerr != nil {
		return "", gerr
	}
	var first *edmProblem
	report := func(p edmProblem) bool { first = &p; return false }
	if action := csdl.Actions[edm]; action != nil {
		edmCheckProperties(action, edm, obj, "", true, report)
	} else {
		edmCheck(edm, obj, "", true, report)
	}
	if first != nil {
		return "", first.badRequest()
	}
	dropAnnotations(obj)
	return odataType, decodeInto(obj, v, false)
}

// decodeJSON decodes a control's body into v, a pointer to a request struct.
func decodeJSON(body []byte, v any) *graphError {
	obj, _, gerr := parseObject(body)
	if gerr != nil {
		return gerr
	}
	if gerr := stripAnnotations(obj, reflect.TypeOf(v)); gerr != nil {
		return gerr
	}
	return decodeInto(obj, v, true)
}

// decodeInto decodes the cleaned object into v.
func decodeInto(obj map[string]any, v any, strict bool) *graphError {
	clean, err := json.Marshal(obj)
	if err != nil {
		return badRequest("The request body is not a valid JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(clean))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	return nil
}

func isAnnotation(k string) bool { return strings.HasPrefix(k, "@") || strings.Contains(k, "@odata.") }

// dropAnnotations takes the OData annotations out of obj and every object below it.
func dropAnnotations(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			if isAnnotation(k) {
				delete(x, k)
				continue
			}
			dropAnnotations(child)
		}
	case []any:
		for _, child := range x {
			dropAnnotations(child)
		}
	}
}

var arrayIndex = regexp.MustCompile(`\[\d+\]`)

// badRequest is Graph's 400 for the problem (texts unverified against a live answer; the
// wrong-type one follows OData's "Cannot convert ..." family).
func (p edmProblem) badRequest() *graphError {
	name := arrayIndex.ReplaceAllString(p.Path, "")
	switch {
	case p.Kind == edmUnknownProperty:
		return unknownProperty(name[strings.LastIndex(name, ".")+1:])
	case p.Kind == edmNotMember:
		return badRequest("Invalid value '%v' for property '%s': must be one of '%s' (%s).", p.Value, name,
			strings.Join(edmMembers(p.Type), "', '"), strings.TrimPrefix(p.Type, graphNS))
	case strings.HasSuffix(p.Path, "@odata.type"):
		return badRequest("Invalid @odata.type '%v': it is not '%s' or a type derived from it.", p.Value, p.Type)
	case p.Type == "Edm.DateTimeOffset" && JSONType(p.Value) == "string":
		return badRequest("Cannot convert the value '%v' of property '%s' to the expected type 'Edm.DateTimeOffset'.", p.Value, name)
	}
	return badRequest("Cannot convert the value of property '%s' to the expected type '%s'.", name, p.Type)
}

// stripAnnotations takes the OData annotations ("@odata.type", "state@odata.type") out of obj
// and of the objects below it that t describes. A property that names a field of t only in
// another case is refused here, as encoding/json would take it.
func stripAnnotations(obj map[string]any, t reflect.Type) *graphError {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	fields := map[string]reflect.Type{}
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); f.IsExported() && name != "" && name != "-" {
			fields[name] = f.Type
		}
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if isAnnotation(k) {
			delete(obj, k)
			continue
		}
		ft, known := fields[k]
		if !known {
			for name := range fields {
				if strings.EqualFold(name, k) {
					return unknownProperty(k)
				}
			}
			continue // DisallowUnknownFields names it
		}
		children := []any{obj[k]}
		if list, ok := obj[k].([]any); ok {
			children = list
		}
		for _, child := range children {
			if o, ok := child.(map[string]any); ok {
				if gerr := stripAnnotations(o, ft); gerr != nil {
					return gerr
				}
			}
		}
	}
	return nil
}

func unknownProperty(name string) *graphError {
	return badRequest("Invalid property '%s': it does not exist on this type.", name)
}

// decodeError turns encoding/json's error into Graph's 400.
func decodeError(err error) *graphError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		edm := map[reflect.Kind]string{reflect.String: "Edm.String", reflect.Int: "Edm.Int32", reflect.Bool: "Edm.Boolean",
			reflect.Float64: "Edm.Double", reflect.Slice: "Collection", reflect.Struct: "Object"}[te.Type.Kind()]
		return badRequest("Cannot convert the value of property '%s' to the expected type '%s'.", te.Field, edm)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return unknownProperty(strings.Trim(name, `"`))
	}
	return badRequest("The request body is not a valid JSON object.")
}

// parseTime parses an Edm.DateTimeOffset property.
func parseTime(name string, s *string) (*time.Time, *graphError) {
	if s == nil {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		return nil, badRequest("Cannot convert the value '%s' of property '%s' to the expected type 'Edm.DateTimeOffset'.", *s, name)
	}
	return &t, nil
}

// policyPatch is a PATCH of the TAP policy (nil: not in the body).
type policyPatch struct {
	ID                       *string          `json:"id"`
	State                    *string          `json:"state"`
	DefaultLifetimeInMinutes *int             `json:"defaultLifetimeInMinutes"`
	MinimumLifetimeInMinutes *int             `json:"minimumLifetimeInMinutes"`
	MaximumLifetimeInMinutes *int             `json:"maximumLifetimeInMinutes"`
	DefaultLength            *int             `json:"defaultLength"`
	IsUsableOnce             *bool            `json:"isUsableOnce"`
	IncludeTargets           *[]IncludeTarget `json:"includeTargets"`
	ExcludeTargets           *[]ExcludeTarget `json:"excludeTargets"`
}

// decodePolicyPatch decodes a PATCH of the policy; "@odata.type" is required.
func decodePolicyPatch(body []byte) (policyPatch, *graphError) {
	var p policyPatch
	typ, gerr := decodeGraphJSON(body, graphNS+"temporaryAccessPassAuthenticationMethodConfiguration", &p)
	switch {
	case gerr != nil:
		return p, gerr
	case typ == "":
		return p, badRequest("The request body must carry \"@odata.type\": \"%s\".", policyODataType)
	case !strings.EqualFold(typ, policyODataType):
		return p, badRequest("Invalid @odata.type '%s': expected '%s'.", typ, policyODataType)
	case p.ID != nil && !strings.EqualFold(*p.ID, policyID):
		return p, badRequest("The id '%s' in the body does not match '%s'.", *p.ID, policyID)
	}
	return p, nil
}

// passRequest is a POST of a pass (nil: omitted). The read-only properties the SDK may send
// (id, createdDateTime, isUsable, ...) are checked against the CSDL, then ignored.
type passRequest struct {
	StartDateTime     *string `json:"startDateTime"`
	LifetimeInMinutes *int    `json:"lifetimeInMinutes"`
	IsUsableOnce      *bool   `json:"isUsableOnce"`

	start *time.Time // StartDateTime, parsed
}

func decodePassRequest(body []byte) (passRequest, *graphError) {
	var r passRequest
	typ, gerr := decodeGraphJSON(body, graphNS+"temporaryAccessPassAuthenticationMethod", &r)
	if gerr != nil {
		return r, gerr
	}
	if typ != "" && !strings.EqualFold(typ, passODataType) {
		return r, badRequest("Invalid @odata.type '%s': expected '%s'.", typ, passODataType)
	}
	r.start, gerr = parseTime("startDateTime", r.StartDateTime)
	return r, gerr
}

// decodeCheckMemberGroups decodes {"groupIds": [...]}.
func decodeCheckMemberGroups(body []byte) ([]string, *graphError) {
	var r struct {
		GroupIDs *[]string `json:"groupIds"`
	}
	if _, gerr := decodeGraphJSON(body, graphNS+"checkMemberGroups", &r); gerr != nil {
		return nil, gerr
	}
	if r.GroupIDs == nil {
		return nil, badRequest("The property 'groupIds' is required.")
	}
	if len(*r.GroupIDs) > maxCheckGroupIDs {
		return nil, badRequest("Too many groupIds: at most %d are allowed.", maxCheckGroupIDs)
	}
	return *r.GroupIDs, nil
}

// signInRequest is the body of POST /_mock/signin.
type signInRequest struct {
	User *string `json:"user"`
	Code *string `json:"temporaryAccessPass"`
}

func decodeSignIn(body []byte) (signInRequest, *graphError) {
	var r signInRequest
	if gerr := decodeJSON(body, &r); gerr != nil {
		return r, gerr
	}
	if r.User == nil || r.Code == nil {
		return r, badRequest("Both 'user' and 'temporaryAccessPass' are required.")
	}
	return r, nil
}

// decodeClock decodes {"advance": "90m"}: a non-negative Go duration.
func decodeClock(body []byte) (time.Duration, *graphError) {
	var r struct {
		Advance *string `json:"advance"`
	}
	if gerr := decodeJSON(body, &r); gerr != nil {
		return 0, gerr
	}
	if r.Advance == nil {
		return 0, badRequest("The property 'advance' is required (a duration such as \"90m\").")
	}
	d, err := time.ParseDuration(*r.Advance)
	if err != nil || d < 0 {
		return 0, badRequest("Invalid 'advance' value '%s': a non-negative duration such as \"90m\" or \"48h\" is required.", *r.Advance)
	}
	return d, nil
}

// decodeFaults decodes a whole fault setting; fields left out are off.
func decodeFaults(body []byte) (Faults, *graphError) {
	var f Faults
	if gerr := decodeJSON(body, &f); gerr != nil {
		return f, gerr
	}
	if msg := f.validate(); msg != "" {
		return f, badRequest("%s", msg)
	}
	return f, nil
}

// decodeNewUser decodes the body of POST /_mock/users.
func decodeNewUser(body []byte) (NewUser, *graphError) {
	var u NewUser
	gerr := decodeJSON(body, &u)
	return u, gerr
}
