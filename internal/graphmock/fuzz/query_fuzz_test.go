// Package fuzz fuzzes graphmock through its http.Handler alone: a package of its own, so the
// fuzzing build instruments the mock and not the Graph SDK that graphmock's own tests import.
package fuzz

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/entratap/terraform-provider-entratap/internal/graphmock"
)

// FuzzQueryAndPath sends arbitrary query strings and path tails to the Graph endpoints, on
// /v1.0 and /beta: no panic, no 5xx, and every refusal off the login paths in Graph's shape.
func FuzzQueryAndPath(f *testing.F) {
	for _, seed := range []struct{ path, query string }{
		{"/users", "$filter=userPrincipalName eq 'alice@contoso.example'&$select=id,userType"},
		{"/users", "$filter=id in ('a','b')&$top=2&$skiptoken=1"},
		{"/users", "$top=0"}, {"/users", "$top=99999999999999999999"}, {"/users", "$skiptoken=-1"},
		{"/users", "$filter=id in (" + strings.Repeat("'x',", 20) + "'y')"},
		{"/users/" + graphmock.AliceID, "$select=*"}, {"/users/" + graphmock.AliceID, "$select=,,"}, {"/users/" + graphmock.AliceID, "$expand=manager"},
		{"/users/" + graphmock.AliceID, "%zz=1&$select=%ff"}, {"/users/" + graphmock.GuestUPN, ";;&&=="},
		{"/groups/" + graphmock.OnboardingGroupID + "/transitiveMembers", "$select=id&$top=1"},
		{"/users/" + graphmock.AliceID + "/authentication/temporaryAccessPassMethods", "$filter=x"},
		{"/me/authentication", ""}, {"/../_mock/state", ""}, {"/users/%2e%2e", ""}, {"", "$bogus"},
		{"/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass", "$select=id"},
	} {
		f.Add(seed.path, seed.query)
	}
	m, err := graphmock.New(graphmock.Options{})
	if err != nil {
		f.Fatal(err)
	}
	token, _, err := m.MintAccessToken(graphmock.AdminClientID)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, tail, query string) {
		for _, prefix := range []string{"/v1.0", "/beta"} {
			req := httptest.NewRequest("GET", "https://localhost/", nil)
			req.URL.Path = prefix + tail
			req.URL.RawPath = ""
			req.URL.RawQuery = query
			req.RequestURI = req.URL.RequestURI()
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			m.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("GET %s?%s: %d %s", req.URL.Path, query, rec.Code, rec.Body.Bytes())
			}
			if rec.Code >= 400 && !strings.HasPrefix(strings.ToLower(req.URL.Path), "/_mock") {
				var body struct {
					Error struct{ Code, Message string }
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code == "" || body.Error.Message == "" ||
					!bytes.Contains(rec.Body.Bytes(), []byte(`"innerError"`)) {
					t.Fatalf("GET %s?%s: %d without a Graph error: %s", req.URL.Path, query, rec.Code, rec.Body.Bytes())
				}
			}
		}
	})
}
