package graphmock

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestState_SurvivesRestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	m, err := New(Options{StatePath: path, CA: testCA})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("state file not written at start: %v", err)
	}
	enablePolicy(t, m, map[string]any{"defaultLength": 10})
	dave, err := m.AddUser(NewUser{UserPrincipalName: "dave@" + Domain, Groups: []string{OnboardingGroupID}})
	if err != nil {
		t.Fatal(err)
	}
	st, raw := m.GraphRequest("POST", "/users/"+dave.ID+"/authentication/temporaryAccessPassMethods", map[string]any{"lifetimeInMinutes": 120})
	if st != 201 {
		t.Fatalf("create: %d %s", st, raw)
	}
	var created map[string]any
	_ = json.Unmarshal(raw, &created)
	code := created["temporaryAccessPass"].(string)
	m.AdvanceClock(30 * time.Minute)

	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(file, []byte(code)) {
		t.Fatal("the code is in the state file")
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode %v", info.Mode().Perm())
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".state.json.tmp-*")); len(leftovers) != 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}

	// A new mock on the same file: same tenant, same pass (its code still signs in), same clock.
	m2, err := New(Options{StatePath: path, CA: testCA})
	if err != nil {
		t.Fatal(err)
	}
	s1, s2 := m.Snapshot(), m2.Snapshot()
	s1.Now, s2.Now = "", ""
	j1, _ := json.Marshal(s1)
	j2, _ := json.Marshal(s2)
	if !bytes.Equal(j1, j2) {
		t.Fatalf("state differs after restart:\n%s\n%s", j1, j2)
	}
	if d := time.Until(m2.Now()); d < 29*time.Minute {
		t.Fatalf("clock offset lost: %v", d)
	}
	if err := m2.SignIn("dave@"+Domain, code); err != nil {
		t.Fatalf("sign-in after restart: %v", err)
	}
}

func TestState_UnreadableFileIsAnErrorAndUntouched(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, content := range map[string]string{
		"not JSON":       "{ this is not json",
		"unknown field":  `{"version":1,"tenant":{"tenantId":"x"},"passes":[],"clockOffset":"0s","extra":1}`,
		"bad version":    `{"version":99,"tenant":{"tenantId":"x"}}`,
		"no tenant id":   `{"version":1,"tenant":{},"passes":[]}`,
		"pass of nobody": `{"version":1,"tenant":{"tenantId":"x"},"passes":[{"id":"p","userId":"u","codeSalt":"s","codeHash":"h"}]}`,
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".json")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := New(Options{StatePath: path})
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Fatalf("%s: want an error naming the file, got %v", name, err)
		}
		if got, _ := os.ReadFile(path); string(got) != content {
			t.Fatalf("%s: the file was changed", name)
		}
	}
	// A directory where the file should be.
	if _, err := New(Options{StatePath: dir}); err == nil {
		t.Fatal("a directory as state file was accepted")
	}
}

func TestSeed_ReplacesTheDefaultTenant(t *testing.T) {
	t.Parallel()
	seed := Seed{
		TenantID: "11111111-2222-4333-8444-555555555555",
		Domain:   "fabrikam.example",
		Apps:     []App{{ClientID: "app", Secrets: []string{"pw"}, Roles: []string{PermPolicyReadWrite, PermUserAuthMethodReadWrite, PermUserRead}}},
		Users:    []User{{ID: "u1", UserPrincipalName: "zoe@fabrikam.example", DisplayName: "Zoe"}},
		Groups:   []Group{{ID: "g1", DisplayName: "G", Members: []string{"u1"}}},
		Policy: &Policy{State: "enabled", DefaultLifetimeInMinutes: 15, MinimumLifetimeInMinutes: 10, MaximumLifetimeInMinutes: 30, DefaultLength: 9,
			IncludeTargets: []IncludeTarget{{ID: "g1", TargetType: "group"}}},
	}
	s := startServer(t, Options{Seed: &seed})
	env := s.Env()
	if env["ARM_TENANT_ID"] != seed.TenantID || env["ARM_CLIENT_ID"] != "app" || env["ARM_CLIENT_SECRET"] != "pw" {
		t.Fatalf("env: %v", env)
	}
	c := httpClient(t, s)
	form := "grant_type=client_credentials&client_id=app&client_secret=pw&scope=https://graph.microsoft.com/.default"
	resp, err := c.Post(s.URL+"/"+seed.TenantID+"/oauth2/v2.0/token", "application/x-www-form-urlencoded", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	r := decodeResponse(resp)
	_ = resp.Body.Close()
	tok, _ := r.json["access_token"].(string)
	r = do(t, c, "POST", s.URL+"/v1.0/users/zoe@fabrikam.example/authentication/temporaryAccessPassMethods", tok, map[string]any{})
	if r.status != 201 || r.json["lifetimeInMinutes"] != 15.0 || len(r.json["temporaryAccessPass"].(string)) != 9 || r.json["isUsable"] != true {
		t.Fatalf("pass in the seeded tenant: %d %s", r.status, r.raw)
	}
	// The default tenant's apps are gone.
	if r := do(t, c, "GET", s.URL+"/"+TenantID+"/v2.0/.well-known/openid-configuration", "", nil); r.status != 400 {
		t.Fatalf("old tenant: %d", r.status)
	}

	for name, bad := range map[string]Seed{
		"no tenant":       {},
		"duplicate users": {TenantID: "t", Users: []User{{ID: "a", UserPrincipalName: "a@x"}, {ID: "a", UserPrincipalName: "b@x"}}},
		"duplicate UPN":   {TenantID: "t", Users: []User{{ID: "a", UserPrincipalName: "a@x"}, {ID: "b", UserPrincipalName: "A@x"}}},
		"unknown member":  {TenantID: "t", Groups: []Group{{ID: "g", Members: []string{"nobody"}}}},
		"bad policy":      {TenantID: "t", Policy: &Policy{State: "enabled", DefaultLength: 3}},
		"app without id":  {TenantID: "t", Apps: []App{{}}},
	} {
		if _, err := New(Options{Seed: &bad}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestServer_EnvFile(t *testing.T) {
	t.Parallel()
	// A CA of its own, in a temporary file that Close removes.
	s, err := Start("127.0.0.1:0", Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	path := filepath.Join(t.TempDir(), "graphmock.env")
	if err := s.WriteEnvFile(path); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"export ARM_TENANT_ID='" + TenantID + "'",
		"export ARM_CLIENT_ID='" + AdminClientID + "'",
		"export ARM_CLIENT_SECRET='" + AdminClientSecret + "'",
		"export ENTRATAP_GRAPH_ENDPOINT='" + s.URL + "'",
		"export ENTRATAP_AUTHORITY_HOST='" + s.URL + "'",
		"export SSL_CERT_FILE='" + s.CAFile + "'",
		"export ENTRATAP_MOCK_URL='" + s.URL + "/_mock'",
	} {
		if !strings.Contains(string(raw), want+"\n") {
			t.Errorf("env file lacks %s:\n%s", want, raw)
		}
	}
	if ca, err := os.ReadFile(s.CAFile); err != nil || !bytes.Equal(ca, s.CAPEM) {
		t.Fatalf("CA file: %v", err)
	}
	if !strings.HasPrefix(s.URL, "https://127.0.0.1:") {
		t.Fatalf("URL %s", s.URL)
	}
	if shellQuote("it's") != `'it'\''s'` {
		t.Fatal(shellQuote("it's"))
	}
	_ = s.Close()
	if _, err := os.Stat(s.CAFile); !os.IsNotExist(err) {
		t.Fatalf("temporary CA file left after Close: %v", err)
	}
}
