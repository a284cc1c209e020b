package graphmock

import (
	"bytes"
	"compress/gzip"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// maxBodyBytes bounds a request body, compressed or not: past it, 413.
const maxBodyBytes = 1 << 20

// Options configure a Mock.
type Options struct {
	Seed          *Seed         // nil: the default tenant (DefaultSeed)
	StatePath     string        // "": memory only; else the tenant survives restarts in this file
	TokenLifetime time.Duration // 0: 1h; access-token expiry uses wall time, not the tenant clock
	FaultSeed     int64         // seeds the fault generator
	Logf          func(format string, args ...any)
	// CAFile is where Start writes the CA PEM; "": CA.File, or a file in a temporary directory.
	CAFile string
	// CA signs the server certificate and lends its keys; nil: a CA and keys of the mock's own.
	CA    *CA
	Quota Quota // Graph's throttling limits; the zero value: none
	// ReadTimeout bounds reading a whole request, body included (a body that
	// trickles in is cut); 0: 30 s.
	ReadTimeout time.Duration
	// ControlSecret, when set, is required in the ControlSecretHeader of every control
	// (/_mock/...) but the stand-ins (routes.go standIn): the controls hand out tokens for any
	// user, reset the tenant and show the seed with its secrets. Start requires it for an
	// address other than loopback, together with AllowRemote.
	ControlSecret string
	// AllowRemote lets Start listen on an address other than loopback.
	AllowRemote bool
}

// ControlSecretHeader carries Options.ControlSecret (Client sends it).
const ControlSecretHeader = "X-Graphmock-Control-Secret"

// Mock is the fake Graph and login service: an http.Handler over an in-memory tenant.
type Mock struct {
	opts      Options
	mu        sync.Mutex // guards t, lag and base
	t         *tenant
	lag       map[string]int  // object key ("user:ID", "pass:ID") -> reads still to answer 404
	revoked   map[string]bool // access-token ids (uti) revoked by a CAE claims challenge
	base      string          // https://HOST[:PORT], set by Start/SetBaseURL or learned from the first request
	audiences map[string]bool // more accepted token audiences (AllowAudience), lower case
	faults    *faultInjector
	quota     *quotaMeter
	log       *requestLog
	tokens    *signer // signs access tokens (jwks_uri)
	oidc      *signer // the mock OIDC issuer for federated tokens (/_mock/oidc)
	adminCert *clientCertificate
	gates     gates
	// held signals each committed write whose answer holdAfterCommitMs holds (HeldAfterCommit).
	held    chan struct{}
	devices deviceCodes // device-code sign-ins under way (delegated.go)
	// tokenLifetime overrides opts.TokenLifetime when set (SetTokenLifetime), in nanoseconds.
	tokenLifetime atomic.Int64
}

// New makes a Mock. With Options.StatePath set, an existing state file is loaded (an
// unreadable one is an error and is left untouched), else the seed is written there.
func New(opts Options) (*Mock, error) {
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = time.Hour
	}
	if err := opts.Quota.Validate(); err != nil {
		return nil, fmt.Errorf("graphmock: quota: %w", err)
	}
	t, fromState, err := openTenant(opts)
	if err != nil {
		return nil, err
	}
	m := &Mock{
		opts:    opts,
		t:       t,
		lag:     map[string]int{},
		revoked: map[string]bool{},
		faults:  newFaultInjector(opts.FaultSeed),
		held:    make(chan struct{}, gateBuffer),
		quota:   newQuotaMeter(opts.Quota),
		log:     newRequestLog(),
	}
	if m.tokens, m.oidc, m.adminCert, err = opts.CA.keys(); err != nil {
		return nil, err
	}
	if !fromState {
		m.mu.Lock()
		defer m.mu.Unlock()
		if err := m.saveLocked(); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// openTenant loads the state file if there is one, else builds the tenant from the seed.
func openTenant(opts Options) (t *tenant, fromState bool, err error) {
	if t, err = loadState(opts.StatePath); err != nil || t != nil {
		return t, t != nil, err
	}
	seed := DefaultSeed()
	if opts.Seed != nil {
		seed = *opts.Seed
	}
	if t, err = newTenant(seed); err != nil {
		return nil, false, fmt.Errorf("graphmock: seed: %w", err)
	}
	return t, false, nil
}

func (m *Mock) logf(format string, args ...any) {
	if m.opts.Logf != nil {
		m.opts.Logf(format, args...)
	}
}

// SetBaseURL fixes the mock's own base URL (https://HOST:PORT): the issuer host of
// tokens minted outside a request. Start sets it; otherwise it is learned from the first request.
func (m *Mock) SetBaseURL(u string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.base = strings.TrimSuffix(u, "/")
}

func (m *Mock) baseURL() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.base == "" {
		return "https://localhost"
	}
	return m.base
}

// call is one request being served.
type call struct {
	m         *Mock
	w         http.ResponseWriter
	r         *http.Request
	body      []byte
	base      string            // scheme://host of this request
	params    map[string]string // path captures
	principal *principal
	user      *User // the {user} of a Graph route, resolved by dispatch
	entry     *RequestLogEntry
	outOfBand bool // GraphRequest: no token, faults, replication lag or dropped answers
}

// ServeHTTP serves login (/{tenant}/...), Graph (/v1.0/...) and the controls (/_mock/...).
func (m *Mock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rid := uuid.NewString()
	crid := r.Header.Get("client-request-id")
	if crid == "" {
		crid = rid
	}
	w.Header().Set("request-id", rid)
	w.Header().Set("client-request-id", crid)
	if strings.HasPrefix(r.URL.Path, "/v1.0/") {
		// Graph's answers carry its own time (RFC 9110 section 6.6.1, Date): the tenant clock,
		// so that a client can tell an object's age by Graph's time, whatever its own clock says.
		w.Header().Set("Date", m.Now().UTC().Format(http.TimeFormat))
	}
	rec := &statusRecorder{ResponseWriter: w}
	// URI: the path as sent (escaped), with its query: what a client really asked for.
	entry := &RequestLogEntry{Method: r.Method, Path: r.URL.Path, URI: r.URL.RequestURI(), Time: time.Now().UTC(), Batched: inBatch(r)}
	defer func() {
		p := recover()
		if p != nil && !errAbort(p) {
			m.logf("graphmock: panic serving %s %s: %v", r.Method, r.URL.Path, p)
			if rec.status == 0 {
				writeGraphError(rec, &graphError{Status: 500, Code: codeGeneralException, Message: "Internal error in graphmock."})
			}
		}
		if entry.Status == 0 {
			entry.Status = rec.status
		}
		if entry.Status == 0 {
			entry.Status = http.StatusOK
		}
		m.log.add(*entry)
		m.logf("graphmock: %s %s -> %d %s", r.Method, r.URL.Path, entry.Status, entry.Fault)
		if errAbort(p) {
			panic(p) // net/http closes the connection with no answer
		}
	}()

	defer m.gates.hold(r)() // a test may hold the request here (gate.go)

	c := &call{m: m, w: rec, r: r, base: requestBase(r), entry: entry}
	m.mu.Lock()
	if m.base == "" {
		m.base = c.base
	}
	m.mu.Unlock()
	a := areaOf(r.URL.Path)
	body, gerr := readBody(r)
	if gerr != nil {
		if a == loginArea {
			writeOAuthError(rec, &oauthError{Status: gerr.Status, Code: "invalid_request", AADSTS: 90014, Description: gerr.Message})
		} else {
			writeGraphError(rec, gerr)
		}
		return
	}
	c.body = body
	m.dispatch(c, a)
}

// dispatch routes a request, runs it and writes its answer or its error; a committed Graph
// write may instead lose its answer (dropAfterCommit).
func (m *Mock) dispatch(c *call, a *area) {
	rt, rep, err := m.run(c, a)
	if d := m.faults.holdAfterCommit(); d > 0 && err == nil && rt.write && rep.status < 300 && !c.outOfBand {
		// Committed, answer held (the lock is released): the client may die meanwhile.
		c.entry.Fault = "holdAfterCommit"
		signal(m.held, struct{}{})
		select {
		case <-time.After(d):
		case <-c.r.Context().Done():
		}
	}
	switch {
	case errors.Is(err, errClientGone):
	case err != nil:
		writeError(c.w, err)
	case rt.write && rep.status < 300 && !c.outOfBand && !inBatch(c.r) && m.faults.dropAfterCommit():
		c.entry.Status, c.entry.Fault = rep.status, "dropAfterCommit"
		dropConnection(c.w)
	default:
		rep.write(c.w)
	}
}

// run is the one pipeline of every request: for Graph, latency, injected faults and the
// bearer token; the route; for login, the tenant; for Graph, the permission, the lock and
// the {user}; then the handler.
func (m *Mock) run(c *call, a *area) (*route, reply, error) {
	if a.graph && !c.outOfBand {
		if err := m.admit(c); err != nil {
			return nil, reply{}, err
		}
	}
	rt, err := a.match(c)
	if err != nil {
		return nil, reply{}, err
	}
	switch a {
	case controlArea:
		if err := m.checkControlSecret(c, rt); err != nil {
			return rt, reply{}, err
		}
	case loginArea:
		if !m.knownTenant(c.params["tenant"]) && !multiTenantAlias(c.params["tenant"]) {
			return rt, reply{}, &oauthError{Status: http.StatusBadRequest, Code: "invalid_request", AADSTS: 90002,
				Description: fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID.", c.params["tenant"])}
		}
	case graphArea, betaArea:
		if rt.batch {
			break // each of its requests passes here on its own
		}
		if !c.principal.hasAny(rt.perms) {
			return rt, reply{}, forbidden(rt.pattern, rt.perms)
		}
		if err := checkContentType(c); err != nil {
			return rt, reply{}, err
		}
		if err := checkQuery(c, rt); err != nil {
			return rt, reply{}, err
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		if rt.user {
			if c.user, err = c.findUser(); err != nil {
				return rt, reply{}, err
			}
		}
		if err := c.checkDelegated(rt); err != nil {
			return rt, reply{}, err
		}
	}
	rep, err := rt.handle(c)
	return rt, rep, err
}

// checkControlSecret refuses a control without the secret, when the mock has one.
func (m *Mock) checkControlSecret(c *call, rt *route) error {
	want := m.opts.ControlSecret
	if want == "" || rt.standIn {
		return nil
	}
	if subtle.ConstantTimeCompare([]byte(c.r.Header.Get(ControlSecretHeader)), []byte(want)) == 1 {
		return nil
	}
	return &graphError{Status: http.StatusUnauthorized, Code: "controlSecretRequired",
		Message: "This graphmock listens beyond loopback: its controls need the header " + ControlSecretHeader + " with the control secret (ENTRATAP_MOCK_CONTROL_SECRET in its env file)."}
}

// checkContentType refuses a Graph write whose body is not declared JSON,
// with 415 as Graph does.
func checkContentType(c *call) error {
	if c.outOfBand || len(c.body) == 0 {
		return nil
	}
	switch c.r.Method {
	case http.MethodPost, http.MethodPatch, http.MethodPut:
	default:
		return nil
	}
	mt, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err == nil && strings.EqualFold(mt, "application/json") {
		return nil
	}
	return &graphError{Status: http.StatusUnsupportedMediaType, Code: "UnsupportedMediaType",
		Message: fmt.Sprintf("The content type '%s' is not supported: send application/json.", c.r.Header.Get("Content-Type"))}
}

// reply is a handler's answer.
type reply struct {
	status      int
	body        any    // sent as JSON; nil: no body
	raw         []byte // sent as is with contentType, instead of body
	contentType string
	location    string
}

func ok(body any) reply { return reply{status: http.StatusOK, body: body} }

func noContent() reply { return reply{status: http.StatusNoContent} }

func (rep reply) write(w http.ResponseWriter) {
	if rep.location != "" {
		w.Header().Set("Location", rep.location)
	}
	switch {
	case rep.raw != nil:
		w.Header().Set("Content-Type", rep.contentType)
		w.WriteHeader(rep.status)
		_, _ = w.Write(rep.raw)
	case rep.body != nil:
		writeJSON(w, rep.status, rep.body)
	default:
		w.WriteHeader(rep.status)
	}
}

// requestBase is scheme://host of the request, as the client addressed it.
func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// readBody reads the body (gunzipping Content-Encoding: gzip), at most maxBodyBytes.
func readBody(r *http.Request) ([]byte, *graphError) {
	if r.Body == nil {
		return nil, nil
	}
	tooLarge := &graphError{Status: http.StatusRequestEntityTooLarge, Code: codeTooLarge,
		Message: fmt.Sprintf("The request body is larger than %d bytes.", maxBodyBytes)}
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, badRequest("Could not read the request body.")
	}
	if len(raw) > maxBodyBytes {
		return nil, tooLarge
	}
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, badRequest("The request body is not valid gzip.")
		}
		raw, err = io.ReadAll(io.LimitReader(zr, maxBodyBytes+1))
		if err != nil {
			return nil, badRequest("The request body is not valid gzip.")
		}
		if len(raw) > maxBodyBytes {
			return nil, tooLarge
		}
	default:
		return nil, &graphError{Status: http.StatusUnsupportedMediaType, Code: codeBadRequest,
			Message: fmt.Sprintf("Content-Encoding '%s' is not supported; use gzip or none.", enc)}
	}
	r.Header.Del("Content-Encoding")
	r.Body = io.NopCloser(bytes.NewReader(raw))
	r.ContentLength = int64(len(raw))
	return raw, nil
}

// statusRecorder remembers the status written.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (to hijack it).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// RequestLogEntry is one served request, as /_mock/requests lists it.
type RequestLogEntry struct {
	Method string `json:"method"`
	Path   string `json:"path"` // decoded, without the query
	// URI is the request target as sent: the escaped path and the query string.
	URI    string    `json:"uri"`
	Status int       `json:"status"`
	Time   time.Time `json:"time"`
	// Fault is "injected" (a fault status), "dropAfterCommit" (response dropped),
	// "holdAfterCommit" (answer held), "throttled" (the quota's 429), or empty.
	Fault string `json:"fault,omitempty"`
	// Batched: a request inside a $batch (the batch itself is logged too).
	Batched bool `json:"batched,omitempty"`
}

// requestLogLimit bounds the log; past it the oldest entries go.
const requestLogLimit = 100000

type requestLog struct {
	mu      sync.Mutex
	entries []RequestLogEntry
}

func newRequestLog() *requestLog { return &requestLog{} }

func (l *requestLog) add(e RequestLogEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.entries) >= requestLogLimit {
		// Drop the oldest tenth at once, so a full log costs one copy per 10,000 requests.
		l.entries = append(l.entries[:0], l.entries[requestLogLimit/10:]...)
	}
	l.entries = append(l.entries, e)
}

func (l *requestLog) list() []RequestLogEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]RequestLogEntry{}, l.entries...)
}

func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = nil
}

// errAbort reports whether err is the sentinel net/http uses to drop a connection.
func errAbort(err any) bool {
	e, ok := err.(error)
	return ok && errors.Is(e, http.ErrAbortHandler)
}
