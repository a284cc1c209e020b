package graphmock

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// conformanceCase is one representative request of a Graph route and the EDM type of its
// answer: an entity or complex type, "Collection(T)" for a collection answer's "value", or ""
// for an answer without a body.
type conformanceCase struct {
	token  string // "app" (the admin app); delegated: "bob" (a member), "globaladmin", "reader" (Global Reader, AuditLog.Read.All)
	path   string // under the service root, ids filled in
	body   any
	status int
	answer string
	batch  []string // for $batch: the cases (by route key) sent inside it, whose answers are checked too
	header http.Header
}

// countAnswer marks an OData $count answer: a bare integer, text/plain.
const countAnswer = "$count"

// eventual is the header of Graph's advanced queries (concepts/aad-advanced-queries.md).
var eventual = http.Header{"Consistencylevel": {"eventual"}}

// conformanceCases holds one representative request for every route of graphRoutes, by
// "METHOD pattern". A route added to routes.go without one here fails TestCSDLConformance.
var conformanceCases = map[string]conformanceCase{
	"GET " + policyPath:      {token: "app", path: stripVersion(policyPath), status: 200, answer: "microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration"},
	"PATCH " + policyPath:    {token: "app", path: stripVersion(policyPath), status: 204, body: map[string]any{"@odata.type": policyODataType, "defaultLifetimeInMinutes": 60}},
	"DELETE " + policyPath:   {token: "globaladmin", path: stripVersion(policyPath), status: 204},
	"GET /v1.0/users/{user}": {token: "app", path: "/users/" + url.PathEscape(GuestUPN) + "?$select=*", status: 200, answer: "microsoft.graph.user"},
	"POST /v1.0/users/{user}/checkMemberGroups": {token: "app", path: "/users/" + AliceID + "/checkMemberGroups", status: 200,
		body: map[string]any{"groupIds": []string{OnboardingGroupID, NewHiresGroupID}}, answer: csdl.Actions[graphNS+"checkMemberGroups"].Returns},
	"GET /v1.0/users/{user}/memberOf":            {token: "app", path: "/users/" + AliceID + "/memberOf", status: 200, answer: "Collection(microsoft.graph.directoryObject)"},
	"GET /v1.0/users":                            {token: "app", path: "/users?$top=3", status: 200, answer: "Collection(microsoft.graph.user)"},
	"GET /v1.0/groups/{group}":                   {token: "app", path: "/groups/" + OnboardingGroupID, status: 200, answer: "microsoft.graph.group"},
	"GET /v1.0/groups/{group}/transitiveMembers": {token: "app", path: "/groups/" + OnboardingGroupID + "/transitiveMembers", status: 200, answer: "Collection(microsoft.graph.directoryObject)"},
	"GET /v1.0/groups/{group}/transitiveMembers/{cast}": {token: "app", path: "/groups/" + OnboardingGroupID + "/transitiveMembers/microsoft.graph.user?$count=true",
		header: eventual, status: 200, answer: "Collection(microsoft.graph.user)"},
	// A count is a bare integer (text/plain), no JSON: countAnswer.
	"GET /v1.0/groups/{group}/transitiveMembers/{cast}/$count": {token: "app", path: "/groups/" + OnboardingGroupID + "/transitiveMembers/microsoft.graph.group/$count", header: eventual, status: 200, answer: countAnswer},
	"POST " + passesPath: {token: "app", path: "/users/" + CarolID + "/authentication/temporaryAccessPassMethods", status: 201,
		body: map[string]any{"lifetimeInMinutes": 60, "isUsableOnce": false}, answer: "microsoft.graph.temporaryAccessPassAuthenticationMethod"},
	"GET " + passesPath:                                                {token: "app", path: "/users/" + AliceID + "/authentication/temporaryAccessPassMethods", status: 200, answer: "Collection(microsoft.graph.temporaryAccessPassAuthenticationMethod)"},
	"GET " + passesPath + "/{pass}":                                    {token: "app", path: "/users/" + AliceID + "/authentication/temporaryAccessPassMethods/{alicePass}", status: 200, answer: "microsoft.graph.temporaryAccessPassAuthenticationMethod"},
	"DELETE " + passesPath + "/{pass}":                                 {token: "app", path: "/users/" + NoraID + "/authentication/temporaryAccessPassMethods/{noraPass}", status: 204},
	"GET /v1.0/me":                                                     {token: "bob", path: "/me", status: 200, answer: "microsoft.graph.user"},
	"GET /v1.0/me/authentication/temporaryAccessPassMethods":           {token: "bob", path: "/me/authentication/temporaryAccessPassMethods", status: 200, answer: "Collection(microsoft.graph.temporaryAccessPassAuthenticationMethod)"},
	"GET /v1.0/roleManagement/directory/roleAssignments":               {token: "bob", path: "/roleManagement/directory/roleAssignments?$filter=" + url.QueryEscape("principalId eq '"+GlobalReaderID+"'"), status: 200, answer: "Collection(microsoft.graph.unifiedRoleAssignment)"},
	"GET " + methodsPath + "/methods":                                  {token: "app", path: "/users/" + BobID + "/authentication/methods", status: 200, answer: "Collection(microsoft.graph.authenticationMethod)"},
	"GET " + methodsPath + "/fido2Methods":                             typedMethods("fido2"),
	"GET " + methodsPath + "/microsoftAuthenticatorMethods":            typedMethods("microsoftAuthenticator"),
	"GET " + methodsPath + "/windowsHelloForBusinessMethods":           typedMethods("windowsHelloForBusiness"),
	"GET " + methodsPath + "/phoneMethods":                             typedMethods("phone"),
	"GET " + methodsPath + "/emailMethods":                             typedMethods("email"),
	"GET " + methodsPath + "/softwareOathMethods":                      typedMethods("softwareOath"),
	"GET " + methodsPath + "/passwordMethods":                          typedMethods("password"),
	"GET /v1.0/me/authentication/temporaryAccessPassMethods/{pass}":    {token: "bob", path: "/me/authentication/temporaryAccessPassMethods/{bobPass}", status: 200, answer: "microsoft.graph.temporaryAccessPassAuthenticationMethod"},
	"DELETE /v1.0/me/authentication/temporaryAccessPassMethods/{pass}": {token: "bob", path: "/me/authentication/temporaryAccessPassMethods/{bobPass}", status: 204},
	"GET /v1.0/me/authentication/methods":                              {token: "bob", path: "/me/authentication/methods", status: 200, answer: "Collection(microsoft.graph.authenticationMethod)"},
	"GET /v1.0/reports/authenticationMethods/userRegistrationDetails":  {token: "reader", path: "/reports/authenticationMethods/userRegistrationDetails", status: 200, answer: "Collection(microsoft.graph.userRegistrationDetails)"},
	"POST /v1.0/$batch":                                                {token: "app", path: "/$batch", status: 200, batch: []string{"GET " + policyPath, "GET /v1.0/users/{user}", "GET " + passesPath}},
}

// typedMethods is the case of a typed list of registered methods (bob holds one of each kind).
func typedMethods(kind string) conformanceCase {
	return conformanceCase{token: "app", path: "/users/" + BobID + "/authentication/" + kind + "Methods", status: 200,
		answer: "Collection(microsoft.graph." + kind + "AuthenticationMethod)"}
}

// undeclared are properties Microsoft's own answers carry that the v1.0 CSDL does not define,
// each with the page that shows it. Nothing else outside the CSDL may appear in an answer.
var undeclared = map[string]string{
	"microsoft.graph.unifiedRoleAssignment.resourceScope": "docs-contrib api-reference/v1.0/api/rbacapplication-list-roleassignments.md (examples 1 and 2 answer resourceScope \"/\")",
}

// TestCSDLConformance sends every Graph route its representative request over HTTPS and checks
// each answer against the CSDL facts: no property Graph does not define, no JSON type that is
// not the property's EDM type, no null where the CSDL says Nullable="false".
func TestCSDLConformance(t *testing.T) {
	t.Parallel()
	seed := DefaultSeed()
	for i := range seed.Users {
		if seed.Users[i].ID == BobID { // one registered method of each kind, for the methods' lists
			for _, kind := range methodKinds {
				seed.Users[i].Methods = append(seed.Users[i].Methods, Method{Kind: kind, DisplayName: kind})
			}
		}
	}
	s := startServer(t, Options{Seed: &seed})
	c := httpClient(t, s)
	enablePolicy(t, s.Mock, nil)
	ids := map[string]string{}
	for name, user := range map[string]string{"{alicePass}": AliceID, "{noraPass}": NoraID, "{bobPass}": BobID} {
		st, raw := s.GraphRequest(http.MethodPost, "/users/"+user+"/authentication/temporaryAccessPassMethods", map[string]any{"lifetimeInMinutes": 60})
		var p struct{ ID string }
		if st != http.StatusCreated || json.Unmarshal(raw, &p) != nil {
			t.Fatalf("pass for %s: %d %s", user, st, raw)
		}
		ids[name] = p.ID
	}
	tokens := map[string]string{
		"app":         tokenFor(t, s, AdminClientID, AdminClientSecret),
		"bob":         userToken(t, s, BobUPN),
		"globaladmin": userToken(t, s, GlobalAdminUPN),
		"reader":      userToken(t, s, GlobalReaderUPN, PermAuditLogRead),
	}
	fill := func(p string) string {
		for k, v := range ids {
			p = strings.ReplaceAll(p, k, v)
		}
		return p
	}

	var keys []string
	for _, rt := range graphRoutes {
		key := rt.method + " " + rt.pattern
		if _, ok := conformanceCases[key]; !ok {
			t.Errorf("route %s has no representative request: add one to conformanceCases (csdl_test.go)", key)
			continue
		}
		keys = append(keys, key)
	}
	for key := range conformanceCases {
		if !slices.ContainsFunc(graphRoutes, func(rt route) bool { return rt.method+" "+rt.pattern == key }) {
			t.Errorf("conformanceCases has %s, which is no route", key)
		}
	}
	// Deletions last: the others need the policy and the passes.
	slices.SortStableFunc(keys, func(a, b string) int {
		return boolInt(strings.HasPrefix(a, "DELETE ")) - boolInt(strings.HasPrefix(b, "DELETE "))
	})
	for _, key := range keys {
		cc := conformanceCases[key]
		body := cc.body
		if cc.batch != nil {
			var reqs []map[string]any
			for i, inner := range cc.batch {
				ic := conformanceCases[inner]
				reqs = append(reqs, map[string]any{"id": string(rune('1' + i)), "method": strings.Fields(inner)[0], "url": fill(ic.path)})
			}
			body = map[string]any{"requests": reqs}
		}
		r := doWith(t, c, strings.Fields(key)[0], s.URL+"/v1.0"+fill(cc.path), tokens[cc.token], body, cc.header)
		if r.status != cc.status {
			t.Errorf("%s: status %d, want %d: %s", key, r.status, cc.status, r.raw)
			continue
		}
		if cc.batch != nil {
			var out struct {
				Responses []struct {
					ID     string          `json:"id"`
					Status int             `json:"status"`
					Body   json.RawMessage `json:"body"`
				} `json:"responses"`
			}
			if err := json.Unmarshal(r.raw, &out); err != nil || len(out.Responses) != len(cc.batch) {
				t.Errorf("%s: %v %s", key, err, r.raw)
				continue
			}
			for _, resp := range out.Responses {
				inner := cc.batch[resp.ID[0]-'1']
				if want := conformanceCases[inner].status; resp.Status != want {
					t.Errorf("%s (in $batch): status %d, want %d: %s", inner, resp.Status, want, resp.Body)
					continue
				}
				for _, p := range csdlProblems(conformanceCases[inner].answer, resp.Body) {
					t.Errorf("%s (in $batch): %s", inner, p)
				}
			}
			continue
		}
		for _, p := range csdlProblems(cc.answer, r.raw) {
			t.Errorf("%s: %s", key, p)
		}
	}
}

// csdlProblems checks one answer body against the facts for the EDM type answer.
func csdlProblems(answer string, raw []byte) []string {
	if answer == countAnswer {
		if _, err := strconv.ParseUint(string(raw), 10, 31); err != nil {
			return []string{"a count that is not a bare integer: " + string(raw)}
		}
		return nil
	}
	if answer == "" {
		if len(bytes.TrimSpace(raw)) != 0 {
			return []string{"a body where Graph answers none: " + string(raw)}
		}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return []string{"not a JSON object: " + string(raw)}
	}
	var out []string
	report := func(p edmProblem) bool {
		if p.Kind == edmUnknownProperty {
			name := p.Path[strings.LastIndex(p.Path, ".")+1:]
			if _, ok := undeclared[p.Type+"."+name]; ok {
				return true
			}
		}
		out = append(out, p.String())
		return true
	}
	if strings.HasPrefix(answer, "Collection(") {
		for k := range obj {
			if k != "value" && !strings.HasPrefix(k, "@") {
				out = append(out, k+": a collection answer holds only value and annotations")
			}
		}
		edmCheck(answer, obj["value"], "value", false, report)
		return out
	}
	edmCheck(answer, obj, "", false, report)
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestCSDLCheckerCatches proves the checker fails what it must (each problem kind once).
func TestCSDLCheckerCatches(t *testing.T) {
	t.Parallel()
	pass := "microsoft.graph.temporaryAccessPassAuthenticationMethod"
	for _, tc := range []struct{ typ, body, want string }{
		{pass, `{"id":"x","lifetimeInMinutes":"60"}`, "lifetimeInMinutes: wrong type (want Edm.Int32, got string)"},
		{pass, `{"id":"x","lifetimeInMinutes":60.5}`, "lifetimeInMinutes: wrong type (want Edm.Int32, got number)"},
		{pass, `{"id":"x","expiresDateTime":"2030-01-01T00:00:00Z"}`, "expiresDateTime: unknown property"},
		{pass, `{"id":null}`, "id: null where the CSDL says"},
		{pass, `{"id":"x","startDateTime":"tomorrow"}`, "startDateTime: wrong type (want Edm.DateTimeOffset"},
		{"microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration", `{"state":"on"}`, "state: not a member of the enum"},
		{"microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration", `{"includeTargets":[{"id":"g","targetType":"group","isRegistrationRequired":"no"}]}`,
			"includeTargets[0].isRegistrationRequired: wrong type"},
		{"microsoft.graph.directoryObject", `{"@odata.type":"#microsoft.graph.servicePrincipal","id":"x"}`, "no facts for the type"},
		{"microsoft.graph.user", `{"@odata.type":"#microsoft.graph.group","id":"x"}`, "not derived"},
		{"microsoft.graph.user", `{"id":"x","businessPhones":"555"}`, "businessPhones: wrong type (want Collection(Edm.String)"},
		{"microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration", `{"excludeTargets":null}`, "excludeTargets: null where"},
	} {
		got := strings.Join(csdlProblems(tc.typ, []byte(tc.body)), "; ")
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s %s: got %q, want %q", tc.typ, tc.body, got, tc.want)
		}
	}
	if got := csdlProblems("microsoft.graph.temporaryAccessPassAuthenticationMethod", []byte(`{"@odata.context":"x","id":"x","isUsable@odata.type":"y","isUsable":true,"temporaryAccessPass":null}`)); got != nil {
		t.Errorf("a good answer: %v", got)
	}
}

// $select names what the CSDL defines on user: a property the mock does not hold comes back
// unset (null, [] for a collection), a name the CSDL lacks or a navigation property is a 400.
func TestUserSelectFollowsCSDL(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c, tok := httpClient(t, s), tokenFor(t, s, AdminClientID, AdminClientSecret)
	r := do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID+"?$select=id,Department,otherMails,birthday", tok, nil)
	if r.status != 200 || r.json["department"] != nil || r.json["id"] != AliceID {
		t.Fatalf("unset properties: %d %s", r.status, r.raw)
	}
	if v, ok := r.json["otherMails"].([]any); !ok || len(v) != 0 {
		t.Fatalf("an unset collection is []: %s", r.raw)
	}
	if _, has := r.json["department"]; !has {
		t.Fatalf("a nullable unset property is null, not left out: %s", r.raw)
	}
	if p := csdlProblems("microsoft.graph.user", r.raw); p != nil {
		t.Fatalf("the answer breaks the CSDL: %v", p)
	}
	for _, sel := range []string{"colour", "manager"} {
		r := do(t, c, "GET", s.URL+"/v1.0/users/"+AliceID+"?$select="+sel, tok, nil)
		checkGraphError(t, r, 400, codeBadRequest)
	}
}
