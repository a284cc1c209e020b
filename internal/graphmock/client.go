package graphmock

// Client: the controls (/_mock/) of a mock running in another process, for demos, benchmarks
// and tests that start the command.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Client talks to a running mock's controls over HTTPS, trusting only the mock's CA.
type Client struct {
	// URL is the mock's base, https://HOST:PORT (Graph is URL/v1.0, the controls URL/_mock).
	URL string
	// Env holds the env file's variables (NewClientFromEnvFile), or nil.
	Env map[string]string
	// ControlSecret is sent in ControlSecretHeader with every control request: a mock
	// listening beyond loopback requires it (ENTRATAP_MOCK_CONTROL_SECRET in its env file).
	ControlSecret string
	http          *http.Client
}

// NewClient makes a Client for the mock at baseURL (https://HOST:PORT) whose CA is caPEM.
func NewClient(baseURL string, caPEM []byte) (*Client, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, errors.New("graphmock: the CA PEM holds no certificate")
	}
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2: true,
	}
	return &Client{URL: strings.TrimSuffix(baseURL, "/"), http: &http.Client{Transport: tr, Timeout: 30 * time.Second}}, nil
}

// NewClientFromEnvFile makes a Client from the env file a mock wrote (Server.WriteEnvFile,
// graphmock --env-file): its ENTRATAP_MOCK_URL and SSL_CERT_FILE.
func NewClientFromEnvFile(path string) (*Client, error) {
	env, err := ReadEnvFile(path)
	if err != nil {
		return nil, err
	}
	mockURL, caFile := env["ENTRATAP_MOCK_URL"], env["SSL_CERT_FILE"]
	if mockURL == "" || caFile == "" {
		return nil, fmt.Errorf("graphmock: env file %s lacks ENTRATAP_MOCK_URL or SSL_CERT_FILE", path)
	}
	ca, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("graphmock: the mock's CA: %w", err)
	}
	c, err := NewClient(strings.TrimSuffix(strings.TrimSuffix(mockURL, "/"), "/_mock"), ca)
	if err != nil {
		return nil, err
	}
	c.Env = env
	c.ControlSecret = env["ENTRATAP_MOCK_CONTROL_SECRET"]
	return c, nil
}

// ReadEnvFile reads the `export NAME='value'` lines WriteEnvFile writes.
func ReadEnvFile(path string) (map[string]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("graphmock: env file: %w", err)
	}
	env := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, quoted, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		value, uok := shellUnquote(quoted)
		if !ok || !uok || name == "" {
			return nil, fmt.Errorf("graphmock: env file %s, line %d: not an `export NAME='value'` line", path, n)
		}
		env[name] = value
	}
	return env, nil
}

// shellUnquote undoes shellQuote: '...' pieces joined by \'.
func shellUnquote(s string) (string, bool) {
	var b strings.Builder
	for s != "" {
		switch {
		case strings.HasPrefix(s, `\'`):
			b.WriteByte('\'')
			s = s[2:]
		case strings.HasPrefix(s, "'"):
			end := strings.IndexByte(s[1:], '\'')
			if end < 0 {
				return "", false
			}
			b.WriteString(s[1 : 1+end])
			s = s[end+2:]
		default:
			return "", false
		}
	}
	return b.String(), true
}

// State returns the tenant as /_mock/state shows it.
func (c *Client) State(ctx context.Context) (State, error) {
	var s State
	return s, c.do(ctx, http.MethodGet, "/state", nil, http.StatusOK, &s)
}

// AddUser adds a user (POST /_mock/users) and returns it with its id.
func (c *Client) AddUser(ctx context.Context, u NewUser) (User, error) {
	var out User
	return out, c.do(ctx, http.MethodPost, "/users", u, http.StatusCreated, &out)
}

// RemoveUser offboards a user (DELETE /_mock/users/{id or UPN}).
func (c *Client) RemoveUser(ctx context.Context, user string) error {
	return c.do(ctx, http.MethodDelete, "/users/"+url.PathEscape(user), nil, http.StatusNoContent, nil)
}

// SignIn signs user (id or UPN) in with a pass code now: nil on success, a *SignInError
// whose Reason says why not, or another error when the mock could not be asked.
func (c *Client) SignIn(ctx context.Context, user, code string) error {
	err := c.do(ctx, http.MethodPost, "/signin", map[string]string{"user": user, "temporaryAccessPass": code}, http.StatusOK, nil)
	var ce *controlError
	if errors.As(err, &ce) && (ce.status == http.StatusUnauthorized || ce.status == http.StatusNotFound) {
		return &SignInError{Reason: ce.code, Message: ce.message}
	}
	return err
}

// UserToken returns a delegated token of user (id or UPN), as GET /_mock/token?user=... gives
// it to a stand-in az; no scopes: DefaultDelegatedScopes.
func (c *Client) UserToken(ctx context.Context, user string, scopes ...string) (string, error) {
	q := url.Values{"user": {user}}
	if len(scopes) > 0 {
		q.Set("scope", strings.Join(scopes, ","))
	}
	var out struct {
		AccessToken string `json:"accessToken"`
	}
	return out.AccessToken, c.do(ctx, http.MethodGet, "/token?"+q.Encode(), nil, http.StatusOK, &out)
}

// ApproveDeviceCode signs user in for the pending device-code sign-in userCode (POST /_mock/devicecode).
func (c *Client) ApproveDeviceCode(ctx context.Context, userCode, user string) error {
	return c.do(ctx, http.MethodPost, "/devicecode", deviceCodeApproval{UserCode: userCode, User: user}, http.StatusOK, nil)
}

// Faults returns the fault setting.
func (c *Client) Faults(ctx context.Context) (Faults, error) {
	var f Faults
	return f, c.do(ctx, http.MethodGet, "/faults", nil, http.StatusOK, &f)
}

// SetFaults replaces the whole fault setting (the zero Faults turns every fault off).
func (c *Client) SetFaults(ctx context.Context, f Faults) error {
	return c.do(ctx, http.MethodPost, "/faults", f, http.StatusOK, nil)
}

// AdvanceClock moves the tenant clock forward by d and returns the tenant's time.
func (c *Client) AdvanceClock(ctx context.Context, d time.Duration) (time.Time, error) {
	var out struct {
		Now time.Time `json:"now"`
	}
	err := c.do(ctx, http.MethodPost, "/clock", map[string]string{"advance": d.String()}, http.StatusOK, &out)
	return out.Now, err
}

// controlError is a control's answer other than the one expected.
type controlError struct {
	method, path  string
	status        int
	code, message string
}

func (e *controlError) Error() string {
	return fmt.Sprintf("graphmock: %s /_mock%s: HTTP %d %s: %s", e.method, e.path, e.status, e.code, e.message)
}

// do sends body (JSON) to the control at /_mock+path and decodes the answer into out.
func (c *Client) do(ctx context.Context, method, path string, body any, want int, out any) error {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.URL+"/_mock"+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.ControlSecret != "" {
		req.Header.Set(ControlSecretHeader, c.ControlSecret)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("graphmock: %s /_mock%s: %w", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("graphmock: %s /_mock%s: %w", method, path, err)
	}
	if resp.StatusCode != want {
		var e odataErrorBody
		_ = json.Unmarshal(raw, &e)
		return &controlError{method: method, path: path, status: resp.StatusCode, code: e.Error.Code, message: e.Error.Message}
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("graphmock: %s /_mock%s: %w", method, path, err)
		}
	}
	return nil
}

// Register registers a method ("fido2", "microsoftAuthenticator", ...) for user (id or UPN),
// as the user does after signing in with a pass (POST /_mock/register).
func (c *Client) Register(ctx context.Context, user, method string) error {
	return c.do(ctx, http.MethodPost, "/register", registerRequest{User: &user, Method: &method}, http.StatusCreated, nil)
}
