package graphmock

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
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

// Issue 26 item 11: an address other than loopback is refused unless allowed with a control
// secret; with a secret, every control but the stand-ins needs it, and the env file and the
// Client carry it.
func TestControlSecret(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		addr string
		opts Options
		want string
	}{
		{"0.0.0.0:0", Options{}, "not loopback"},
		{"[::]:0", Options{ControlSecret: "s"}, "--allow-remote"},
		{"192.0.2.1:0", Options{AllowRemote: true}, "control secret is required"},
	} {
		if s, err := Start(tc.addr, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			if s != nil {
				_ = s.Close()
			}
			t.Errorf("Start(%q, %+v): %v, want an error saying %q", tc.addr, tc.opts, err, tc.want)
		}
	}

	const secret = "control-secret-5b1f"
	s, err := Start("127.0.0.1:0", Options{ControlSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	ctx := context.Background()
	bare, err := NewClient(s.URL, s.CAPEM)
	if err != nil {
		t.Fatal(err)
	}
	var ce *controlError
	if _, err := bare.UserToken(ctx, AliceUPN); !errors.As(err, &ce) || ce.status != http.StatusUnauthorized || ce.code != "controlSecretRequired" {
		t.Fatalf("a token for alice without the secret: %v", err)
	}
	bare.ControlSecret = "wrong"
	if err := bare.RemoveUser(ctx, AliceUPN); !errors.As(err, &ce) || ce.status != http.StatusUnauthorized {
		t.Fatalf("offboarding with a wrong secret: %v", err)
	}
	// The stand-in for a CI's token endpoint answers with its own bearer only, as GitHub's does.
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/_mock/oidc/github?audience="+FederatedAudience, nil)
	req.Header.Set("Authorization", "Bearer "+GitHubRequestToken)
	if resp, err := bare.http.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the OIDC stand-in: %v %v", resp, err)
	} else {
		_ = resp.Body.Close()
	}

	path := filepath.Join(t.TempDir(), "env")
	if err := s.WriteEnvFile(path); err != nil {
		t.Fatal(err)
	}
	c, err := NewClientFromEnvFile(path)
	if err != nil || c.ControlSecret != secret || c.Env["ENTRATAP_MOCK_CONTROL_SECRET"] != secret {
		t.Fatalf("client from the env file: %+v %v", c, err)
	}
	if _, err := c.UserToken(ctx, AliceUPN); err != nil {
		t.Fatalf("a token with the secret: %v", err)
	}
	if err := c.RemoveUser(ctx, BobUPN); err != nil {
		t.Fatalf("offboarding with the secret: %v", err)
	}
}
