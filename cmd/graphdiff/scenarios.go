package main

// The scenarios of a run, in order: the conformance suite's (token, policy read and write,
// pass create/read/list/delete, and the errors: lifetime out of range, past start, external
// guest, missing permission, unknown user). Every pass created is deleted before the run ends.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

const policyPath = "/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass"

// options are a run's safety switches.
type options struct {
	maxUsers        int  // refuse a tenant with more users than this
	replaceExisting bool // allow replacing the test user's existing pass
}

// runner runs the scenarios against one target.
type runner struct {
	ctx     context.Context
	t       *target
	rec     *Record
	token   string
	created map[string]string // pass id -> user, deleted at the end unless the run deleted it
}

// record runs every scenario against t and returns the record.
func record(ctx context.Context, t *target, opts options) (rec *Record, err error) {
	r := &runner{ctx: ctx, t: t, rec: &Record{Target: t.kind}, created: map[string]string{}}
	tok, err := t.token(ctx, t.admin)
	if err != nil {
		return nil, fmt.Errorf("token for the admin app: %w", err)
	}
	r.token = tok
	r.add(tokenScenario("token", tok, t))
	if err := r.guard(opts); err != nil {
		return nil, err
	}
	defer r.cleanup()

	policy := r.call("policy.read", r.token, http.MethodGet, policyPath, nil)
	var pol struct {
		Default   int  `json:"defaultLifetimeInMinutes"`
		Max       int  `json:"maximumLifetimeInMinutes"`
		UsableOne bool `json:"isUsableOnce"`
	}
	_ = json.Unmarshal(policy, &pol)
	// A write that changes nothing: the default lifetime the policy already has.
	r.call("policy.write", r.token, http.MethodPatch, policyPath, map[string]any{
		"@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration", "defaultLifetimeInMinutes": pol.Default})

	passes := "/v1.0/users/" + url.PathEscape(t.user) + "/authentication/temporaryAccessPassMethods"
	id := r.createPass("pass.create", r.token, t.user, map[string]any{"lifetimeInMinutes": pol.Default})
	if id == "" {
		id = uuid.NewString() // the reads still run, to record what a missing pass answers
	}
	r.call("pass.read", r.token, http.MethodGet, passes+"/"+id, nil)
	r.call("pass.list", r.token, http.MethodGet, passes, nil)
	r.call("pass.delete", r.token, http.MethodDelete, passes+"/"+id, nil)
	delete(r.created, id)
	r.call("pass.readDeleted", r.token, http.MethodGet, passes+"/"+id, nil)

	r.createPass("error.lifetimeOutOfRange", r.token, t.user, map[string]any{"lifetimeInMinutes": pol.Max + 1})
	r.createPass("error.pastStart", r.token, t.user, map[string]any{"lifetimeInMinutes": pol.Default,
		"startDateTime": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)})
	if t.guest == "" {
		r.add(&Scenario{Name: "error.externalGuest", Skipped: envGuest + " not set"})
	} else {
		r.createPass("error.externalGuest", r.token, t.guest, map[string]any{"lifetimeInMinutes": pol.Default})
	}
	if t.readOnly == nil {
		r.add(&Scenario{Name: "error.missingPermission", Skipped: envReadOnlyClientID + " not set"})
	} else if ro, err := t.token(ctx, t.readOnly); err != nil {
		r.add(&Scenario{Name: "error.missingPermission", Skipped: "no token for the read-only app: " + firstLine(err.Error())})
	} else {
		r.createPass("error.missingPermission", ro, t.user, map[string]any{"lifetimeInMinutes": pol.Default})
	}
	r.createPass("error.unknownUser", r.token, uuid.NewString(), map[string]any{"lifetimeInMinutes": pol.Default})
	return r.rec, nil
}

// guard refuses a tenant with more than a handful of users, and a test user who already
// holds a pass (a create would replace it), unless the options allow it.
func (r *runner) guard(opts options) error {
	raw, status, err := r.send(r.token, http.MethodGet, fmt.Sprintf("/v1.0/users?$select=id&$top=%d", opts.maxUsers+1), nil)
	if err != nil || status != http.StatusOK {
		return fmt.Errorf("counting the tenant's users (User.Read.All needed): %d %v", status, err)
	}
	var users struct {
		Value []any  `json:"value"`
		Next  string `json:"@odata.nextLink"`
	}
	_ = json.Unmarshal(raw, &users)
	if len(users.Value) > opts.maxUsers || users.Next != "" {
		return fmt.Errorf("the tenant has more than %d users: run this against a test tenant, or pass -max-users to allow it", opts.maxUsers)
	}
	raw, status, err = r.send(r.token, http.MethodGet, "/v1.0/users/"+url.PathEscape(r.t.user)+"/authentication/temporaryAccessPassMethods", nil)
	if err != nil || status != http.StatusOK {
		return fmt.Errorf("listing the test user's passes: %d %v", status, err)
	}
	var have struct {
		Value []any `json:"value"`
	}
	_ = json.Unmarshal(raw, &have)
	if len(have.Value) > 0 && !opts.replaceExisting {
		return fmt.Errorf("the test user (%s) holds a Temporary Access Pass, which the run would replace: delete it, or pass -replace-existing-pass", envUser)
	}
	return nil
}

// createPass records a POST of a pass and remembers what it created, to delete it.
func (r *runner) createPass(name, token, user string, body map[string]any) string {
	raw := r.call(name, token, http.MethodPost, "/v1.0/users/"+url.PathEscape(user)+"/authentication/temporaryAccessPassMethods", body)
	var p struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &p) == nil && p.ID != "" {
		r.created[p.ID] = user
	}
	return p.ID
}

// cleanup deletes every pass the run created and did not delete itself.
func (r *runner) cleanup() {
	for id, user := range r.created {
		_, _, _ = r.send(r.token, http.MethodDelete, "/v1.0/users/"+url.PathEscape(user)+"/authentication/temporaryAccessPassMethods/"+id, nil)
	}
}

func (r *runner) add(sc *Scenario) { r.rec.Scenarios = append(r.rec.Scenarios, sc) }

// call sends one request, records it as the scenario name, and returns the body.
func (r *runner) call(name, token, method, path string, body any) []byte {
	resp, err := r.do(token, method, path, body)
	if err != nil {
		r.add(&Scenario{Name: name, Skipped: "no answer: " + firstLine(err.Error())})
		return nil
	}
	sc, raw := scenarioOf(name, resp)
	r.add(sc)
	return raw
}

func (r *runner) send(token, method, path string, body any) ([]byte, int, error) {
	resp, err := r.do(token, method, path, body)
	if err != nil {
		return nil, 0, err
	}
	_, raw := scenarioOf("", resp)
	return raw, resp.StatusCode, nil
}

func (r *runner) do(token, method, path string, body any) (*http.Response, error) {
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(r.ctx, method, r.t.graphURL+path, http.NoBody)
	if rd != nil {
		req, err = http.NewRequestWithContext(r.ctx, method, r.t.graphURL+path, rd)
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return r.t.http.Do(req)
}

// tokenScenario records an access token's claims: names and JSON types, and the values that
// say which token format and issuer Graph is given (ver, aud, the issuer's shape).
func tokenScenario(name, tok string, t *target) *Scenario {
	sc := &Scenario{Name: name, Status: http.StatusOK, Properties: map[string]string{}, Values: map[string]string{}}
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(tok, claims); err != nil {
		sc.Message = "not a JWT"
		return sc
	}
	shape(map[string]any(claims), "", sc.Properties)
	for _, k := range []string{"ver", "aud"} {
		if v, ok := claims[k].(string); ok {
			sc.Values[k] = v
		}
	}
	if iss, ok := claims["iss"].(string); ok {
		iss = strings.ReplaceAll(iss, t.tenantID, "<tenant>")
		sc.Values["iss"] = strings.Replace(iss, t.authority, "<authority>", 1)
	}
	return sc
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
