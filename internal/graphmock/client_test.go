package graphmock

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestClient drives a started mock through the Client built from its env file.
func TestClient(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	envFile := filepath.Join(t.TempDir(), "mock.env")
	if err := s.WriteEnvFile(envFile); err != nil {
		t.Fatal(err)
	}
	c, err := NewClientFromEnvFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if c.URL != s.URL || c.Env["ARM_CLIENT_SECRET"] != AdminClientSecret || c.Env["SSL_CERT_FILE"] != s.CAFile || len(c.Env) != len(s.Env()) {
		t.Fatalf("client %s, env %v", c.URL, c.Env)
	}

	st, err := c.State(ctx)
	if err != nil || st.TenantID != TenantID || len(st.Users) != len(DefaultSeed().Users) || st.Groups[0].ID != OnboardingGroupID {
		t.Fatalf("State: %+v %v", st, err)
	}
	dana, err := c.AddUser(ctx, NewUser{UserPrincipalName: "dana@" + Domain, Groups: []string{OnboardingGroupID}})
	if err != nil || dana.ID == "" || dana.DisplayName != "dana" {
		t.Fatalf("AddUser: %+v %v", dana, err)
	}
	if _, err := c.AddUser(ctx, NewUser{UserPrincipalName: "dana@" + Domain}); err == nil {
		t.Fatal("AddUser of a duplicate UPN succeeded")
	}

	enablePolicy(t, s.Mock, nil)
	status, raw := s.GraphRequest("POST", "/users/"+dana.ID+"/authentication/temporaryAccessPassMethods", map[string]any{"isUsableOnce": true})
	var created struct {
		Code string `json:"temporaryAccessPass"`
	}
	if status != 201 || json.Unmarshal(raw, &created) != nil {
		t.Fatalf("create: %d %s", status, raw)
	}
	var se *SignInError
	if err := c.SignIn(ctx, dana.UserPrincipalName, created.Code+"x"); !errors.As(err, &se) || se.Reason != "WrongCode" {
		t.Fatalf("wrong code: %v", err)
	}
	if err := c.SignIn(ctx, dana.UserPrincipalName, created.Code); err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	if err := c.SignIn(ctx, dana.ID, created.Code); !errors.As(err, &se) || se.Reason != reasonOneTimeUsed {
		t.Fatalf("second sign-in of a one-time pass: %v", err)
	}
	if err := c.SignIn(ctx, "nobody@"+Domain, "x"); !errors.As(err, &se) || se.Reason != reasonUserNotFound {
		t.Fatalf("unknown user: %v", err)
	}
	if st, _ := c.State(ctx); len(st.Passes) != 1 || st.Passes[0].MethodUsabilityReason != reasonOneTimeUsed || st.Passes[0].CodeHash != "" {
		t.Fatalf("state after sign-in: %+v", st.Passes)
	}

	retry := 2.0
	if err := c.SetFaults(ctx, Faults{Rate: 0.5, Statuses: []int{503}, RetryAfterSeconds: &retry}); err != nil {
		t.Fatal(err)
	}
	if f, err := c.Faults(ctx); err != nil || f.Rate != 0.5 || *f.RetryAfterSeconds != 2 || s.Faults().Statuses[0] != 503 {
		t.Fatalf("Faults: %+v %v", f, err)
	}
	if err := c.SetFaults(ctx, Faults{Rate: 2}); err == nil {
		t.Fatal("an invalid fault setting was accepted")
	}
	if err := c.SetFaults(ctx, Faults{}); err != nil || s.Faults().Rate != 0 {
		t.Fatalf("faults off: %v", err)
	}

	before := s.Now()
	now, err := c.AdvanceClock(ctx, 90*time.Minute)
	if err != nil || now.Sub(before) < 90*time.Minute || s.Now().Sub(before) < 90*time.Minute {
		t.Fatalf("AdvanceClock: %v %v", now, err)
	}
}

func TestClient_EnvFileAndCA(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "env")
	content := "# comment\n\nexport A='it'\\''s'\nexport B=''\nexport C='x=y'\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	env, err := ReadEnvFile(path)
	if err != nil || env["A"] != "it's" || env["B"] != "" || env["C"] != "x=y" || len(env) != 3 {
		t.Fatalf("ReadEnvFile: %v %v", env, err)
	}
	for _, bad := range []string{"export A='open\n", "export A=bare\n", "no equals sign\n"} {
		if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadEnvFile(path); err == nil {
			t.Errorf("%q was read", bad)
		}
	}
	if err := os.WriteFile(path, []byte("export ENTRATAP_MOCK_URL='https://127.0.0.1:1/_mock'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := NewClientFromEnvFile(path); err == nil {
		t.Fatal("an env file without SSL_CERT_FILE made a client")
	}
	if _, err := NewClient("https://127.0.0.1:1", []byte("not PEM")); err == nil {
		t.Fatal("a CA without a certificate made a client")
	}
}
