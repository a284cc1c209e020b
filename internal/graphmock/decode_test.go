package graphmock

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

// decoders are every request-body decoder of the mock.
var decoders = []func([]byte) *graphError{
	func(b []byte) *graphError { _, e := decodePolicyPatch(b); return e },
	func(b []byte) *graphError { _, e := decodePassRequest(b); return e },
	func(b []byte) *graphError { _, e := decodeCheckMemberGroups(b); return e },
	func(b []byte) *graphError { _, e := decodeSignIn(b); return e },
	func(b []byte) *graphError { _, e := decodeClock(b); return e },
	func(b []byte) *graphError { _, e := decodeFaults(b); return e },
	func(b []byte) *graphError { _, e := decodeNewUser(b); return e },
}

// FuzzDecodeRequestBody feeds arbitrary bytes to every decoder and, through the whole
// handler, to the endpoints that take a body: no panic, and every refusal is a 4xx in Graph's
// shape. The seeds run in plain `go test`.
func FuzzDecodeRequestBody(f *testing.F) {
	for _, seed := range []string{
		``, `null`, `{}`, `[]`, `"x"`, `1`, `{"a":`, `{"@odata.type":1}`,
		`{"@odata.type":"#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration","state":"enabled","defaultLength":12}`,
		`{"@odata.type":"#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration","includeTargets":[{"@odata.type":"#microsoft.graph.authenticationMethodTarget","id":"all_users","targetType":"group","isRegistrationRequired":false}],"excludeTargets":[{"id":"x","targetType":"user"}]}`,
		`{"@odata.type":"#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration","includeTargets":[null,1,{"id":{}}]}`,
		`{"@odata.type":"#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration","minimumLifetimeInMinutes":1e999}`,
		`{"@odata.type":"#microsoft.graph.temporaryAccessPassAuthenticationMethod","startDateTime":"2030-01-01T00:00:00Z","lifetimeInMinutes":60,"isUsableOnce":true}`,
		`{"startDateTime":"2030-13-45T99:00:00Z","lifetimeInMinutes":2147483648}`,
		`{"groupIds":["a","b"]}`, `{"groupIds":[1]}`,
		`{"user":"alice@contoso.example","temporaryAccessPass":"abc"}`,
		`{"advance":"90m"}`, `{"advance":"-5h"}`,
		`{"rate":0.2,"statuses":[429,503],"retryAfterSeconds":0,"latencyMs":5,"replicationLagReads":2,"dropAfterCommitRate":0}`,
		`{"rate":1e308,"statuses":[null]}`,
		`{"userPrincipalName":"x@y","groups":["g"],"userType":"Guest"}`,
		"{\"a\":\"\xff\xfe\"}", `{"a":1,"a":2}`, `{"x@odata.context":"y"}`,
	} {
		f.Add([]byte(seed))
	}
	m, err := New(Options{CA: testCA})
	if err != nil {
		f.Fatal(err)
	}
	enable := []byte(`{"@odata.type":"#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration","state":"enabled"}`)
	if st, raw := m.GraphRequest("PATCH", policyPath, enable); st != 204 {
		f.Fatalf("enable: %d %s", st, raw)
	}
	token, _, err := m.MintAccessToken(AdminClientID)
	if err != nil {
		f.Fatal(err)
	}
	endpoints := []struct{ method, path string }{
		{"PATCH", policyPath},
		{"POST", "/v1.0/users/" + AliceID + "/authentication/temporaryAccessPassMethods"},
		{"POST", "/v1.0/users/" + AliceID + "/checkMemberGroups"},
		{"PATCH", "/beta" + stripVersion(policyPath)},
		{"POST", "/beta/users/" + AliceID + "/authentication/temporaryAccessPassMethods"},
		{"POST", "/_mock/signin"},
		{"POST", "/_mock/clock"},
		{"POST", "/_mock/faults"},
		{"POST", "/_mock/users"},
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for i, decode := range decoders {
			if e := decode(body); e != nil && (e.Status != 400 || e.Code == "" || e.Message == "") {
				t.Fatalf("decoder %d: %+v", i, e)
			}
		}
		for _, gz := range []bool{false, true} {
			for _, ep := range endpoints {
				payload := body
				req := httptest.NewRequest(ep.method, "https://localhost"+ep.path, nil)
				if gz {
					var b bytes.Buffer
					w := gzip.NewWriter(&b)
					_, _ = w.Write(body)
					_ = w.Close()
					payload = b.Bytes()
					req.Header.Set("Content-Encoding", "gzip")
				}
				req.Body = io.NopCloser(bytes.NewReader(payload))
				req.Header.Set("Authorization", "Bearer "+token)
				rec := httptest.NewRecorder()
				m.ServeHTTP(rec, req)
				if rec.Code >= 500 {
					t.Fatalf("%s %s: %d %s", ep.method, ep.path, rec.Code, rec.Body.Bytes())
				}
				if rec.Code >= 400 && !bytes.Contains(rec.Body.Bytes(), []byte(`"message":`)) {
					t.Fatalf("%s %s: %d without a Graph error: %s", ep.method, ep.path, rec.Code, rec.Body.Bytes())
				}
				// Keep the tenant from drifting: faults off (a fuzzed setting could add latency
				// or drop responses), clock back.
				m.SetFaults(Faults{})
				m.mu.Lock()
				m.t.clockOffset = 0
				m.mu.Unlock()
			}
		}
	})
}

func TestDecodeAcceptsAnnotationsOnly(t *testing.T) {
	t.Parallel()
	good := []byte(`{"@odata.type":"` + policyODataType + `","@odata.context":"x","state@odata.type":"y","state":"enabled"}`)
	if _, e := decodePolicyPatch(good); e != nil {
		t.Fatalf("annotations refused: %v", e)
	}
	if _, e := decodePolicyPatch([]byte(`{"@odata.type":"` + policyODataType + `","State":"enabled"}`)); e == nil {
		t.Fatal("a property in the wrong case was accepted")
	}
	if p, e := decodePassRequest([]byte(`{"id":null,"isUsable":true,"temporaryAccessPass":null,"lifetimeInMinutes":null}`)); e != nil || p.LifetimeInMinutes != nil {
		t.Fatalf("read-only properties and nulls: %+v %v", p, e)
	}
	if _, e := decodePassRequest([]byte(`{"isUsable":"yes"}`)); e == nil {
		t.Fatal("a read-only property of the wrong type was accepted")
	}
}

// Graph bodies are checked against the CSDL facts: what the schema does not define, the wrong
// JSON type for a property's EDM type and a value outside an enum are refused, naming the property.
func TestDecodeFollowsCSDL(t *testing.T) {
	t.Parallel()
	pol := `{"@odata.type":"` + policyODataType + `",`
	for _, tc := range []struct {
		name string
		err  *graphError
		want string // "" accepted
	}{
		{"pass: property the CSDL lacks", second(decodePassRequest([]byte(`{"expirationDateTime":"2030-01-01T00:00:00Z"}`))), "Invalid property 'expirationDateTime'"},
		{"pass: Int32 as text", second(decodePassRequest([]byte(`{"lifetimeInMinutes":"60"}`))), "'lifetimeInMinutes' to the expected type 'Edm.Int32'"},
		{"pass: Int32 past its range", second(decodePassRequest([]byte(`{"lifetimeInMinutes":2147483648}`))), "'Edm.Int32'"},
		{"pass: read-only DateTimeOffset not a time", second(decodePassRequest([]byte(`{"createdDateTime":"yesterday"}`))), "'createdDateTime' to the expected type 'Edm.DateTimeOffset'"},
		{"pass: read-only string property", second(decodePassRequest([]byte(`{"methodUsabilityReason":"EnabledByPolicy"}`))), ""},
		{"pass: another method's @odata.type", second(decodePassRequest([]byte(`{"@odata.type":"#microsoft.graph.fido2AuthenticationMethod"}`))), "Invalid @odata.type"},
		{"policy: state outside the enum", second(decodePolicyPatch([]byte(pol + `"state":"on"}`))), "'state': must be one of 'enabled', 'disabled'"},
		{"policy: target type outside the enum", second(decodePolicyPatch([]byte(pol + `"includeTargets":[{"id":"x","targetType":"device"}]}`))), "'includeTargets.targetType'"},
		{"policy: Boolean as text in a target", second(decodePolicyPatch([]byte(pol + `"includeTargets":[{"id":"x","targetType":"group","isRegistrationRequired":"false"}]}`))), "'includeTargets.isRegistrationRequired' to the expected type 'Edm.Boolean'"},
		{"policy: excludeTarget has no isRegistrationRequired", second(decodePolicyPatch([]byte(pol + `"excludeTargets":[{"id":"x","targetType":"group","isRegistrationRequired":false}]}`))), "Invalid property 'isRegistrationRequired'"},
		{"policy: a property of the base type", second(decodePolicyPatch([]byte(pol + `"excludeTargets":[]}`))), ""},
		{"checkMemberGroups: ids not strings", second(decodeCheckMemberGroups([]byte(`{"groupIds":[1]}`))), "'groupIds' to the expected type 'Edm.String'"},
		{"checkMemberGroups: a parameter the action lacks", second(decodeCheckMemberGroups([]byte(`{"groupIds":[],"securityEnabledOnly":true}`))), "Invalid property 'securityEnabledOnly'"},
	} {
		switch {
		case tc.want == "" && tc.err != nil:
			t.Errorf("%s: refused: %v", tc.name, tc.err)
		case tc.want != "" && (tc.err == nil || tc.err.Status != 400 || !strings.Contains(tc.err.Message, tc.want)):
			t.Errorf("%s: got %v, want a 400 containing %q", tc.name, tc.err, tc.want)
		}
	}
}

func second[T any](_ T, e *graphError) *graphError { return e }
