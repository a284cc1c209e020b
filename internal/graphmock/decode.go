package graphmock

// Strict decoding of request bodies: a JSON object, known fields of the right type,
// @odata annotations allowed, anything else a 400 in Graph's shape. Never panics.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// object is a JSON object being decoded field by field.
type object struct {
	fields map[string]json.RawMessage
	taken  map[string]bool
	where  string // "" at the top level, else e.g. "includeTargets[0]"
}

func decodeObject(body []byte, where string) (*object, *graphError) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, badRequest("The request body is empty; a JSON object is required.")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return nil, badRequest("The request body%s is not a valid JSON object.", at(where))
	}
	return &object{fields: fields, taken: map[string]bool{}, where: where}, nil
}

func at(where string) string {
	if where == "" {
		return ""
	}
	return " at '" + where + "'"
}

// get decodes the field name into dst (a pointer). It reports whether the field was present
// and not null; a value of the wrong type is a 400 naming the field and the expected type.
func (o *object) get(name string, dst any, typeName string) (bool, *graphError) {
	o.taken[name] = true
	raw, ok := o.fields[name]
	if !ok || string(bytes.TrimSpace(raw)) == "null" {
		return false, nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return false, badRequest("Cannot convert the value of property '%s'%s to the expected type '%s'.", name, at(o.where), typeName)
	}
	return true, nil
}

func (o *object) str(name string) (*string, *graphError) {
	var s string
	ok, err := o.get(name, &s, "Edm.String")
	if !ok || err != nil {
		return nil, err
	}
	return &s, nil
}

func (o *object) int32(name string) (*int, *graphError) {
	var n int32
	ok, err := o.get(name, &n, "Edm.Int32")
	if !ok || err != nil {
		return nil, err
	}
	v := int(n)
	return &v, nil
}

func (o *object) boolean(name string) (*bool, *graphError) {
	var b bool
	ok, err := o.get(name, &b, "Edm.Boolean")
	if !ok || err != nil {
		return nil, err
	}
	return &b, nil
}

func (o *object) float(name string) (*float64, *graphError) {
	var f float64
	ok, err := o.get(name, &f, "Edm.Double")
	if !ok || err != nil {
		return nil, err
	}
	return &f, nil
}

func (o *object) timestamp(name string) (*time.Time, *graphError) {
	s, err := o.str(name)
	if s == nil || err != nil {
		return nil, err
	}
	t, perr := time.Parse(time.RFC3339Nano, *s)
	if perr != nil {
		return nil, badRequest("Cannot convert the value '%s' of property '%s'%s to the expected type 'Edm.DateTimeOffset'.", *s, name, at(o.where))
	}
	return &t, nil
}

func (o *object) strings(name string) ([]string, bool, *graphError) {
	var ss []string
	ok, err := o.get(name, &ss, "Collection(Edm.String)")
	return ss, ok, err
}

// objects decodes an array of objects.
func (o *object) objects(name string) ([]*object, bool, *graphError) {
	var raws []json.RawMessage
	ok, err := o.get(name, &raws, "Collection")
	if !ok || err != nil {
		return nil, ok, err
	}
	out := make([]*object, 0, len(raws))
	for i, raw := range raws {
		child, err := decodeObject(raw, fmt.Sprintf("%s[%d]", name, i))
		if err != nil {
			return nil, true, err
		}
		out = append(out, child)
	}
	return out, true, nil
}

// done rejects any field not read, except OData annotations ("@odata.type", "x@odata.context").
func (o *object) done() *graphError {
	var unknown []string
	for name := range o.fields {
		if o.taken[name] || strings.Contains(name, "@odata.") || strings.HasPrefix(name, "@") {
			continue
		}
		unknown = append(unknown, name)
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return badRequest("Invalid property '%s'%s: it does not exist on this type.", unknown[0], at(o.where))
}

// odataType reads the "@odata.type" annotation ("" when absent).
func (o *object) odataType() (string, *graphError) {
	s, err := o.str("@odata.type")
	if s == nil || err != nil {
		return "", err
	}
	return *s, nil
}

// policyPatch is a decoded PATCH of the TAP policy (nil: not in the body).
type policyPatch struct {
	State                    *string
	DefaultLifetimeInMinutes *int
	MinimumLifetimeInMinutes *int
	MaximumLifetimeInMinutes *int
	DefaultLength            *int
	IsUsableOnce             *bool
	IncludeTargets           *[]IncludeTarget
	ExcludeTargets           *[]ExcludeTarget
}

// decodePolicyPatch decodes a PATCH of the policy; "@odata.type" is required.
func decodePolicyPatch(body []byte) (policyPatch, *graphError) {
	var p policyPatch
	o, err := decodeObject(body, "")
	if err != nil {
		return p, err
	}
	typ, err := o.odataType()
	if err != nil {
		return p, err
	}
	if typ == "" {
		return p, badRequest("The request body must carry \"@odata.type\": \"%s\".", policyODataType)
	}
	if !strings.EqualFold(typ, policyODataType) {
		return p, badRequest("Invalid @odata.type '%s': expected '%s'.", typ, policyODataType)
	}
	id, err := o.str("id")
	if err != nil {
		return p, err
	}
	if id != nil && !strings.EqualFold(*id, policyID) {
		return p, badRequest("The id '%s' in the body does not match '%s'.", *id, policyID)
	}
	if p.State, err = o.str("state"); err != nil {
		return p, err
	}
	for _, f := range []struct {
		name string
		dst  **int
	}{
		{"defaultLifetimeInMinutes", &p.DefaultLifetimeInMinutes},
		{"minimumLifetimeInMinutes", &p.MinimumLifetimeInMinutes},
		{"maximumLifetimeInMinutes", &p.MaximumLifetimeInMinutes},
		{"defaultLength", &p.DefaultLength},
	} {
		if *f.dst, err = o.int32(f.name); err != nil {
			return p, err
		}
	}
	if p.IsUsableOnce, err = o.boolean("isUsableOnce"); err != nil {
		return p, err
	}
	incs, ok, err := o.objects("includeTargets")
	if err != nil {
		return p, err
	}
	if ok {
		list := []IncludeTarget{}
		for _, c := range incs {
			tg, err := decodeTarget(c, true)
			if err != nil {
				return p, err
			}
			list = append(list, IncludeTarget{ID: tg.ID, TargetType: tg.TargetType, IsRegistrationRequired: tg.IsRegistrationRequired})
		}
		p.IncludeTargets = &list
	}
	excs, ok, err := o.objects("excludeTargets")
	if err != nil {
		return p, err
	}
	if ok {
		list := []ExcludeTarget{}
		for _, c := range excs {
			tg, err := decodeTarget(c, false)
			if err != nil {
				return p, err
			}
			list = append(list, ExcludeTarget{ID: tg.ID, TargetType: tg.TargetType})
		}
		p.ExcludeTargets = &list
	}
	return p, o.done()
}

// decodeTarget decodes an authenticationMethodTarget (include) or an excludeTarget.
// targetType defaults to group when omitted (unverified; Graph documents no default).
func decodeTarget(o *object, include bool) (IncludeTarget, *graphError) {
	var tg IncludeTarget
	if _, err := o.odataType(); err != nil {
		return tg, err
	}
	id, err := o.str("id")
	if err != nil {
		return tg, err
	}
	if id != nil {
		tg.ID = *id
	}
	tt, err := o.str("targetType")
	if err != nil {
		return tg, err
	}
	tg.TargetType = targetTypeGroup
	if tt != nil {
		tg.TargetType = *tt
	}
	if include {
		reg, err := o.boolean("isRegistrationRequired")
		if err != nil {
			return tg, err
		}
		tg.IsRegistrationRequired = reg != nil && *reg
	}
	return tg, o.done()
}

// decodePassRequest decodes a POST of a pass. Read-only properties the SDK may send
// (id, createdDateTime, isUsable, methodUsabilityReason, temporaryAccessPass) are ignored.
func decodePassRequest(body []byte) (passRequest, *graphError) {
	var r passRequest
	o, err := decodeObject(body, "")
	if err != nil {
		return r, err
	}
	typ, err := o.odataType()
	if err != nil {
		return r, err
	}
	if typ != "" && !strings.EqualFold(typ, passODataType) {
		return r, badRequest("Invalid @odata.type '%s': expected '%s'.", typ, passODataType)
	}
	if r.StartDateTime, err = o.timestamp("startDateTime"); err != nil {
		return r, err
	}
	if r.LifetimeInMinutes, err = o.int32("lifetimeInMinutes"); err != nil {
		return r, err
	}
	if r.IsUsableOnce, err = o.boolean("isUsableOnce"); err != nil {
		return r, err
	}
	// Read-only properties: checked for their type, then ignored.
	for _, name := range []string{"id", "methodUsabilityReason", "temporaryAccessPass"} {
		if _, err := o.str(name); err != nil {
			return r, err
		}
	}
	if _, err := o.timestamp("createdDateTime"); err != nil {
		return r, err
	}
	if _, err := o.boolean("isUsable"); err != nil {
		return r, err
	}
	return r, o.done()
}

// decodeCheckMemberGroups decodes {"groupIds": [...]}.
func decodeCheckMemberGroups(body []byte) ([]string, *graphError) {
	o, err := decodeObject(body, "")
	if err != nil {
		return nil, err
	}
	ids, ok, err := o.strings("groupIds")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, badRequest("The property 'groupIds' is required.")
	}
	if len(ids) > 20 {
		return nil, badRequest("Too many groupIds: at most 20 are allowed.")
	}
	return ids, o.done()
}

// signInRequest is the body of POST /_mock/signin.
type signInRequest struct {
	User string
	Code string
}

func decodeSignIn(body []byte) (signInRequest, *graphError) {
	var r signInRequest
	o, err := decodeObject(body, "")
	if err != nil {
		return r, err
	}
	u, err := o.str("user")
	if err != nil {
		return r, err
	}
	c, err := o.str("temporaryAccessPass")
	if err != nil {
		return r, err
	}
	if u == nil || c == nil {
		return r, badRequest("Both 'user' and 'temporaryAccessPass' are required.")
	}
	r.User, r.Code = *u, *c
	return r, o.done()
}

// decodeClock decodes {"advance": "90m"}: a positive Go duration.
func decodeClock(body []byte) (time.Duration, *graphError) {
	o, err := decodeObject(body, "")
	if err != nil {
		return 0, err
	}
	s, err := o.str("advance")
	if err != nil {
		return 0, err
	}
	if s == nil {
		return 0, badRequest("The property 'advance' is required (a duration such as \"90m\").")
	}
	d, perr := time.ParseDuration(*s)
	if perr != nil || d < 0 {
		return 0, badRequest("Invalid 'advance' value '%s': a non-negative duration such as \"90m\" or \"48h\" is required.", *s)
	}
	return d, o.done()
}

// decodeFaults decodes a whole fault setting; fields left out are off.
func decodeFaults(body []byte) (Faults, *graphError) {
	var f Faults
	o, err := decodeObject(body, "")
	if err != nil {
		return f, err
	}
	if v, err := o.float("rate"); err != nil {
		return f, err
	} else if v != nil {
		f.Rate = *v
	}
	var statuses []int
	if _, err := o.get("statuses", &statuses, "Collection(Edm.Int32)"); err != nil {
		return f, err
	}
	f.Statuses = statuses
	if f.RetryAfterSeconds, err = o.float("retryAfterSeconds"); err != nil {
		return f, err
	}
	if v, err := o.int32("latencyMs"); err != nil {
		return f, err
	} else if v != nil {
		f.LatencyMs = *v
	}
	if v, err := o.int32("replicationLagReads"); err != nil {
		return f, err
	} else if v != nil {
		f.ReplicationLagReads = *v
	}
	if v, err := o.float("dropAfterCommitRate"); err != nil {
		return f, err
	} else if v != nil {
		f.DropAfterCommitRate = *v
	}
	if err := o.done(); err != nil {
		return f, err
	}
	if msg := f.validate(); msg != "" {
		return f, badRequest("%s", msg)
	}
	return f, nil
}

// decodeNewUser decodes the body of POST /_mock/users.
func decodeNewUser(body []byte) (NewUser, *graphError) {
	var u NewUser
	o, err := decodeObject(body, "")
	if err != nil {
		return u, err
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"id", &u.ID}, {"userPrincipalName", &u.UserPrincipalName}, {"displayName", &u.DisplayName}, {"userType", &u.UserType}} {
		s, err := o.str(f.name)
		if err != nil {
			return u, err
		}
		if s != nil {
			*f.dst = *s
		}
	}
	groups, _, err := o.strings("groups")
	if err != nil {
		return u, err
	}
	u.Groups = groups
	return u, o.done()
}
