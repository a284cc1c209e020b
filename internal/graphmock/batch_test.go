package graphmock

import (
	"fmt"
	"strings"
	"testing"
)

func TestBatch_StatusPerRequestDependsOnAndQuota(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{Quota: Quota{Enabled: true}})
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	enablePolicy(t, s.Mock, nil)
	s.ResetRequests()

	r := do(t, c, "POST", s.URL+"/v1.0/$batch", admin, map[string]any{"requests": []map[string]any{
		{"id": "1", "method": "POST", "url": "/users/" + AliceID + "/authentication/temporaryAccessPassMethods",
			"headers": map[string]string{"Content-Type": "application/json"}, "body": map[string]any{"lifetimeInMinutes": 60}},
		{"id": "2", "method": "GET", "url": "/users/" + AliceID + "/authentication/temporaryAccessPassMethods", "dependsOn": []string{"1"}},
		{"id": "3", "method": "GET", "url": "/users/nobody@contoso.example", "dependsOn": []string{"2"}}, // serial: one dependency each
		{"id": "4", "method": "DELETE", "url": "/users/" + BobID + "/authentication/temporaryAccessPassMethods/x", "dependsOn": []string{"3"}},
	}})
	if r.status != 200 {
		t.Fatalf("batch: %d %s", r.status, r.raw)
	}
	got := map[string]map[string]any{}
	for _, x := range r.json["responses"].([]any) {
		e := x.(map[string]any)
		got[e["id"].(string)] = e
	}
	want := map[string]float64{"1": 201, "2": 200, "3": 404, "4": 424}
	for id, st := range want {
		if got[id]["status"] != st {
			t.Errorf("request %s: status %v, want %v: %v", id, got[id]["status"], st, got[id])
		}
	}
	body1, _ := got["1"]["body"].(map[string]any)
	if code, _ := body1["temporaryAccessPass"].(string); code == "" {
		t.Errorf("the created pass has no code: %v", got["1"])
	}
	// The list of passes is not in the base cost table: 1 unit (concepts/throttling-limits.md).
	if h, _ := got["2"]["headers"].(map[string]any); h["x-ms-resource-unit"] != "1" {
		t.Errorf("the list in a batch is not charged on its own: headers %v", h)
	}
	// The batch and its three requests that ran are each in the log; the 424 never ran.
	count := map[string]int{}
	for _, e := range s.Requests() {
		count[e.Method+" "+fmt.Sprint(e.Status)]++
	}
	if count["POST 200"] != 1 || count["POST 201"] != 1 || count["GET 200"] != 1 || count["GET 404"] != 1 || count["DELETE 404"] != 0 {
		t.Errorf("request log: %v", count)
	}
}

func TestBatch_Limits(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	var reqs []map[string]any
	for i := range 21 {
		reqs = append(reqs, map[string]any{"id": fmt.Sprint(i), "method": "GET", "url": "/users/" + AliceID})
	}
	checkGraphError(t, do(t, c, "POST", s.URL+"/v1.0/$batch", admin, map[string]any{"requests": reqs}), 400, codeBadRequest)
	r := do(t, c, "POST", s.URL+"/v1.0/$batch", admin, map[string]any{"requests": reqs[:20]})
	if r.status != 200 || len(r.json["responses"].([]any)) != 20 {
		t.Fatalf("20 requests: %d %s", r.status, r.raw)
	}
	for _, bad := range []map[string]any{
		{"requests": []map[string]any{{"id": "1", "method": "GET", "url": "/users/" + AliceID}, {"id": "1", "method": "GET", "url": "/users/" + AliceID}}},
		{"requests": []map[string]any{{"id": "1", "method": "GET", "url": "/users/" + AliceID, "dependsOn": []string{"2"}}}},
		{"requests": []map[string]any{{"id": "1", "method": "GET", "url": "/v1.0/users/" + AliceID}}},
		{"requests": []map[string]any{{"id": "1", "method": "GET", "url": "/users/" + AliceID, "extra": 1}}},
	} {
		checkGraphError(t, do(t, c, "POST", s.URL+"/v1.0/$batch", admin, bad), 400, codeBadRequest)
	}
	// Without a token the requests inside answer 401 each.
	r = do(t, c, "POST", s.URL+"/v1.0/$batch", "", map[string]any{"requests": reqs[:1]})
	if r.status != 401 {
		t.Fatalf("batch without a token: %d %s", r.status, r.raw)
	}
}

// A batch cannot hold another batch (no recursion), and its requests run as the batch's
// caller: an item's own Authorization header is ignored.
func TestBatch_NoNestingNoBorrowedToken(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	readOnly := tokenFor(t, s, ReadOnlyClientID, ReadOnlyClientSecret)
	enablePolicy(t, s.Mock, nil)

	nested := map[string]any{"requests": []map[string]any{{"id": "1", "method": "GET", "url": "/users/" + AliceID}}}
	for _, url := range []string{"/$batch", "/$BATCH?x=1"} {
		r := do(t, c, "POST", s.URL+"/v1.0/$batch", admin, map[string]any{"requests": []map[string]any{
			{"id": "1", "method": "POST", "url": url, "headers": map[string]string{"Content-Type": "application/json"}, "body": nested},
		}})
		if r.status != 400 {
			t.Errorf("a batch inside a batch (%s): %d %s, want 400", url, r.status, r.raw)
		}
	}

	r := do(t, c, "POST", s.URL+"/v1.0/$batch", readOnly, map[string]any{"requests": []map[string]any{
		{"id": "1", "method": "POST", "url": "/users/" + AliceID + "/authentication/temporaryAccessPassMethods",
			"headers": map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + admin}, "body": map[string]any{}},
	}})
	if r.status != 200 {
		t.Fatalf("batch: %d %s", r.status, r.raw)
	}
	e := r.json["responses"].([]any)[0].(map[string]any)
	if e["status"] != float64(403) {
		t.Errorf("a create with the read-only app's batch and an admin token in the item: status %v, want 403", e["status"])
	}
	if len(s.Snapshot().Passes) != 0 {
		t.Error("a pass was created with a token borrowed from a batch item")
	}
}

// The batching rules of docs-contrib concepts/json-batching.md: one dependency per request in a
// parallel, serial or same shape (no tree, no ["1","2"]); a url with or without its leading
// slash; ids case-insensitive and unique; /beta/$batch runs its requests on beta.
func TestBatch_RulesAsDocumented(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	c := httpClient(t, s)
	admin := tokenFor(t, s, AdminClientID, AdminClientSecret)
	get := func(id, url string, deps ...string) map[string]any {
		r := map[string]any{"id": id, "method": "GET", "url": url}
		if len(deps) > 0 {
			r["dependsOn"] = deps
		}
		return r
	}
	batch := func(version string, reqs ...map[string]any) response {
		return do(t, c, "POST", s.URL+"/"+version+"/$batch", admin, map[string]any{"requests": reqs})
	}
	alice, bob, carol := "/users/"+AliceID, "/users/"+BobID, "/users/"+CarolID
	for name, reqs := range map[string][]map[string]any{
		"two dependencies":           {get("1", alice), get("2", bob), get("3", carol, "1", "2")},
		"a tree":                     {get("1", alice), get("2", bob, "1"), get("3", carol, "1"), get("4", alice, "2")},
		"ids differing in case only": {get("a", alice), get("A", bob)},
	} {
		if r := batch("v1.0", reqs...); r.status != 400 || r.errCode() != codeBadRequest {
			t.Fatalf("%s: %d %s, want 400", name, r.status, r.raw)
		}
	}
	for name, reqs := range map[string][]map[string]any{
		"parallel":                           {get("1", alice), get("2", bob)},
		"serial":                             {get("1", alice), get("2", bob, "1"), get("3", carol, "2")},
		"same":                               {get("1", alice), get("2", bob, "1"), get("3", carol, "1")},
		"no slash and an id in another case": {get("a", strings.TrimPrefix(alice, "/")), get("b", bob, "A")},
	} {
		r := batch("v1.0", reqs...)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", name, r.status, r.raw)
		}
		for _, x := range r.json["responses"].([]any) {
			if st := x.(map[string]any)["status"]; st != float64(200) {
				t.Fatalf("%s: a request answered %v: %s", name, st, r.raw)
			}
		}
	}
	r := batch("beta", get("1", alice))
	body := r.json["responses"].([]any)[0].(map[string]any)["body"].(map[string]any)
	if r.status != 200 || !strings.HasPrefix(body["@odata.context"].(string), s.URL+"/beta/$metadata#") {
		t.Fatalf("/beta/$batch ran its request elsewhere: %d %s", r.status, r.raw)
	}
}
