package graphmock

// Serving the mock over HTTPS on loopback with a CA generated at start or shared (Options.CA).

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Server is a Mock listening on HTTPS.
type Server struct {
	*Mock
	URL    string // "https://127.0.0.1:PORT": the Graph endpoint base (without /v1.0) and the authority host
	CAFile string // PEM file of the CA
	CAPEM  []byte

	srv       *http.Server
	tmpDir    string // removed by Close
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// Start makes a Mock and serves it on addr ("127.0.0.1:0" picks a port) with TLS. The server
// certificate is valid for 127.0.0.1, ::1 and localhost; its CA (Options.CA, else a new one)
// is written to CAFile (Options.CAFile, else the shared CA's file or a temporary one).
func Start(addr string, opts Options) (*Server, error) {
	m, err := New(opts)
	if err != nil {
		return nil, err
	}
	if err := checkListenAddr(addr, opts); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("graphmock: listen on %s: %w", addr, err)
	}
	host, _, _ := net.SplitHostPort(ln.Addr().String())
	ca := opts.CA
	if ca == nil {
		ca, err = newCA()
	}
	var cert tls.Certificate
	if err == nil {
		cert, err = ca.serverCertificate(host)
	}
	if err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("graphmock: TLS certificates: %w", err)
	}
	s := &Server{Mock: m, URL: "https://" + ln.Addr().String(), CAPEM: ca.PEM, CAFile: opts.CAFile, done: make(chan struct{})}
	if s.CAFile == "" && opts.CA != nil {
		s.CAFile = opts.CA.File
	} else {
		if s.CAFile == "" {
			if s.tmpDir, err = os.MkdirTemp("", "graphmock-"); err != nil {
				_ = ln.Close()
				return nil, err
			}
			s.CAFile = filepath.Join(s.tmpDir, "ca.pem")
		}
		if err := writeFileAtomic(s.CAFile, ca.PEM, 0o644); err != nil {
			_ = ln.Close()
			s.removeTemp()
			return nil, fmt.Errorf("graphmock: write CA file: %w", err)
		}
	}
	m.SetBaseURL(s.URL)
	readTimeout := opts.ReadTimeout
	if readTimeout <= 0 {
		readTimeout = 30 * time.Second
	}
	s.srv = &http.Server{
		Handler:           m,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       readTimeout,
		ErrorLog:          log.New(io.Discard, "", 0), // dropped connections (faults) are expected
	}
	go func() {
		defer close(s.done)
		if err := s.srv.ServeTLS(ln, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.logf("graphmock: serve: %v", err)
		}
	}()
	return s, nil
}

// Close stops the server at once (connections in flight are cut) and removes the temporary
// CA file. Closing twice is harmless.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.closeErr = s.srv.Close()
		<-s.done
		s.removeTemp()
	})
	return s.closeErr
}

// Shutdown stops the server gracefully: no new connections, requests in flight finish (until
// ctx ends, then Close). HTTP/2 clients get a GOAWAY, which takes about a second.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	return err
}

func (s *Server) removeTemp() {
	if s.tmpDir != "" {
		_ = os.RemoveAll(s.tmpDir)
	}
}

// Env returns the variables the env file sets: the admin app's credentials, the endpoints and the CA.
func (s *Server) Env() map[string]string {
	env := map[string]string{
		"ARM_TENANT_ID":           s.tenantID(),
		"ENTRATAP_GRAPH_ENDPOINT": s.URL,
		"ENTRATAP_AUTHORITY_HOST": s.URL,
		"SSL_CERT_FILE":           s.CAFile,
		"ENTRATAP_MOCK_URL":       s.URL + "/_mock",
	}
	if s.opts.ControlSecret != "" {
		env["ENTRATAP_MOCK_CONTROL_SECRET"] = s.opts.ControlSecret
	}
	if app := s.adminApp(); app != nil {
		env["ARM_CLIENT_ID"] = app.ClientID
		if len(app.Secrets) > 0 {
			env["ARM_CLIENT_SECRET"] = app.Secrets[0]
		}
	}
	return env
}

// adminApp is the app the env file names: the first with a secret and the policy write
// permission, else the first with a secret.
func (m *Mock) adminApp() *App {
	m.mu.Lock()
	defer m.mu.Unlock()
	var first *App
	for i := range m.t.apps {
		a := m.t.apps[i]
		if a.ManagedIdentity || len(a.Secrets) == 0 {
			continue
		}
		for _, r := range a.Roles {
			if r == PermPolicyReadWrite {
				return &a
			}
		}
		if first == nil {
			first = &a
		}
	}
	return first
}

// WriteEnvFile writes Env as shell `export NAME='value'` lines (atomically, mode 0600).
func (s *Server) WriteEnvFile(path string) error {
	env := s.Env()
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("# written by graphmock: the mock's endpoints and its admin app (test fixtures, not secrets)\n")
	for _, k := range names {
		fmt.Fprintf(&b, "export %s=%s\n", k, shellQuote(env[k]))
	}
	return writeFileAtomic(path, []byte(b.String()), 0o600)
}

// checkListenAddr refuses an address other than loopback unless opts allow it and protect
// the controls with a secret: they hand out tokens for any user and reset the tenant.
func checkListenAddr(addr string, opts Options) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("graphmock: listen address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); (ip != nil && ip.IsLoopback()) || strings.EqualFold(host, "localhost") {
		return nil
	}
	if !opts.AllowRemote {
		return fmt.Errorf("graphmock: listen address %q is not loopback: the controls (/_mock) hand out tokens for any user, reset the tenant "+
			"and show the seed with its secrets; allow it explicitly (graphmock --allow-remote, Options.AllowRemote), which also requires a control secret", addr)
	}
	if opts.ControlSecret == "" {
		return fmt.Errorf("graphmock: listen address %q is not loopback: a control secret is required (graphmock --control-secret, Options.ControlSecret)", addr)
	}
	return nil
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
