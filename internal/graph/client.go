package graph

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoft/kiota-abstractions-go/serialization"
	azauth "github.com/microsoft/kiota-authentication-azure-go"
	khttp "github.com/microsoft/kiota-http-go"
	jsonserialization "github.com/microsoft/kiota-serialization-json-go"
	textserialization "github.com/microsoft/kiota-serialization-text-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/policies"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// Config describes the client to build.
type Config struct {
	// GraphEndpoint is the Graph base URL without the version, e.g. https://graph.microsoft.com.
	GraphEndpoint string
	// AuthorityHost is kept for callers; the credential knows its own (Credential.AuthorityHost).
	AuthorityHost string
	Credential    *Credential
	// UserAgent is sent before the SDK's own product tokens.
	UserAgent string
	// Backoff is the one back-off policy of every retry (zero fields: DefaultBackoff).
	Backoff Backoff
	// ReplicationGrace is how long a plan-time user lookup (LookupUser)
	// waits out a 404 (0: 10 s): a user created moments ago may not have
	// replicated yet.
	ReplicationGrace time.Duration
	// YoungPassGrace is how long a read of a pass created moments ago waits
	// out a 404 (0: 30 s), always bounded by the call's context.
	YoungPassGrace time.Duration
	// Getenv is where the provider reads its ARM_*, AZURE_* and ENTRATAP_* settings (nil: the
	// process environment). Tests pass a map, and so run in parallel.
	Getenv func(string) string
	// ProgressEvery is the least time between two progress lines at INFO (progress.go; 0: 5 s,
	// negative: a line for every request settled and every wait). Tests pass a negative one.
	ProgressEvery time.Duration
}

var registerSerializers sync.Once

// Client talks to Microsoft Graph v1.0. It is safe for concurrent use.
type Client struct {
	cfg     Config
	backoff Backoff // cfg.Backoff with the defaults filled in
	baseURL string
	adapter *msgraphcore.GraphRequestAdapterBase
	cache   cache
	who     callerCache // who the client runs as (caller.go)
	pacer   *pacer      // throttling state shared by every call

	// Requests and Retries count HTTP attempts, for diagnostics and benchmarks.
	Requests atomic.Int64
	Retries  atomic.Int64
}

// New builds the client. It does no network I/O: the first token is fetched
// when the first request needs it.
func New(cfg Config) (*Client, error) {
	if cfg.Credential == nil {
		return nil, errors.New("graph: no credential")
	}
	endpoint := strings.TrimSuffix(cfg.GraphEndpoint, "/")
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("graph endpoint %q is not a URL", cfg.GraphEndpoint)
	}
	// The auth provider only attaches a token for allowed hosts: without the
	// configured host, requests to it would silently go out unauthenticated.
	auth, err := azauth.NewAzureIdentityAuthenticationProviderWithScopesAndValidHosts(
		cfg.Credential, []string{endpoint + "/.default"}, []string{u.Hostname()})
	if err != nil {
		return nil, fmt.Errorf("graph: auth provider: %w", err)
	}
	registerSerializers.Do(func() {
		// What the root msgraph-sdk-go package does at construction; we import
		// only subpackages (the root one builds a 165 MB binary).
		abstractions.RegisterDefaultSerializer(func() serialization.SerializationWriterFactory {
			return jsonserialization.NewJsonSerializationWriterFactory()
		})
		abstractions.RegisterDefaultSerializer(func() serialization.SerializationWriterFactory {
			return textserialization.NewTextSerializationWriterFactory()
		})
		abstractions.RegisterDefaultDeserializer(func() serialization.ParseNodeFactory { return jsonserialization.NewJsonParseNodeFactory() })
		abstractions.RegisterDefaultDeserializer(func() serialization.ParseNodeFactory { return textserialization.NewTextParseNodeFactory() })
	})
	if cfg.ReplicationGrace <= 0 {
		cfg.ReplicationGrace = defaultReplicationGrace
	}
	if cfg.YoungPassGrace <= 0 {
		cfg.YoungPassGrace = defaultYoungPassGrace
	}
	c := &Client{cfg: cfg, backoff: cfg.Backoff.withDefaults(), baseURL: endpoint + "/v1.0", pacer: newPacer()}
	opts := msgraphcore.GraphClientOptions{GraphServiceLibraryVersion: "entratap"}
	// A fixed chain, not kiota's defaults: those come out of a map, so their
	// order changes from run to run, and with the retry handler outside the
	// compression handler a retried POST goes out with a broken gzip body.
	// Our own retry handler, not kiota's: one back-off policy for every retry
	// (Config.Backoff), fractional Retry-After ("0.5" is 0 s to kiota), and
	// no wait that outlasts the call's deadline.
	// No compression at all: our bodies are a few hundred bytes, and gzip's
	// writer allocates ~900 KB per request (make bench: GC time and RSS).
	middleware := []khttp.Middleware{
		msgraphcore.NewGraphTelemetryHandler(&opts),
		&retryMiddleware{client: c},
		khttp.NewRedirectHandler(),
		khttp.NewParametersNameDecodingHandler(),
		khttp.NewUserAgentHandler(),
		// Innermost, so that every attempt, retries included, is counted and logged.
		&logMiddleware{client: c},
	}
	httpClient := msgraphcore.GetDefaultClient(&opts, middleware...)
	httpClient.Timeout = 0 // every call carries its own context deadline
	adapter, err := msgraphcore.NewGraphRequestAdapterBaseWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(auth, opts, nil, nil, httpClient)
	if err != nil {
		return nil, fmt.Errorf("graph: request adapter: %w", err)
	}
	adapter.SetBaseUrl(c.baseURL)
	c.adapter = adapter
	return c, nil
}

// The request builders are made for the leaf paths directly: going through
// the generated parents (users.ByUserId) would link models.User and, through
// its navigation properties, most of the SDK's 2,000 models into the binary.
func (c *Client) tapMethods(userID string) *users.ItemAuthenticationTemporaryAccessPassMethodsRequestBuilder {
	return users.NewItemAuthenticationTemporaryAccessPassMethodsRequestBuilderInternal(
		map[string]string{"baseurl": c.baseURL, "user%2Did": userID}, c.adapter)
}

func (c *Client) tapMethod(userID, passID string) *users.ItemAuthenticationTemporaryAccessPassMethodsTemporaryAccessPassAuthenticationMethodItemRequestBuilder {
	return users.NewItemAuthenticationTemporaryAccessPassMethodsTemporaryAccessPassAuthenticationMethodItemRequestBuilderInternal(
		map[string]string{"baseurl": c.baseURL, "user%2Did": userID, "temporaryAccessPassAuthenticationMethod%2Did": passID}, c.adapter)
}

func (c *Client) tapPolicy() *policies.AuthenticationMethodsPolicyAuthenticationMethodConfigurationsAuthenticationMethodConfigurationItemRequestBuilder {
	return policies.NewAuthenticationMethodsPolicyAuthenticationMethodConfigurationsAuthenticationMethodConfigurationItemRequestBuilderInternal(
		map[string]string{"baseurl": c.baseURL, "authenticationMethodConfiguration%2Did": policyID}, c.adapter)
}

// Method is the authentication method in use, for messages.
func (c *Client) Method() string { return c.cfg.Credential.Method }

// logMiddleware logs each HTTP attempt (never bodies or headers other than
// request ids: a POST 201 body holds a TAP code) and sets the User-Agent.
type logMiddleware struct{ client *Client }

func (m *logMiddleware) Intercept(p khttp.Pipeline, idx int, req *http.Request) (*http.Response, error) {
	if ua := m.client.cfg.UserAgent; ua != "" {
		req.Header.Set("User-Agent", strings.TrimSpace(ua+" "+req.Header.Get("User-Agent")))
	}
	attempt := req.Header.Get("Retry-Attempt")
	m.client.Requests.Add(1)
	if attempt != "" {
		m.client.Retries.Add(1)
	}
	start := time.Now()
	resp, err := p.Next(req, idx)
	fields := map[string]any{
		"method":      req.Method,
		"path":        req.URL.Path,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if attempt != "" {
		fields["retry_attempt"] = attempt
	}
	if err != nil {
		fields["error"] = err.Error()
		tflog.Debug(req.Context(), "Microsoft Graph request failed", fields)
		return resp, err
	}
	fields["status"] = resp.StatusCode
	if id := resp.Header.Get("request-id"); id != "" {
		fields["request_id"] = id
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		fields["retry_after"] = ra
	}
	tflog.Debug(req.Context(), "Microsoft Graph request", fields)
	return resp, nil
}

// classifyCall is classify plus the token failures, which the credential
// wrapper (Credential.GetToken) has already typed: only the operation is
// named here.
func (c *Client) classifyCall(op, permission string, err error) error {
	if err == nil {
		return nil
	}
	var tokErr *Error
	if errors.As(err, &tokErr) {
		out := *tokErr
		out.Op = op
		return &out
	}
	return classify(op, permission, err)
}

// transportCause finds a transport failure (refused, unresolvable, timed out,
// TLS) in an azidentity message: MSAL hands it through as text only.
func transportCause(msg string) (string, bool) {
	markers := []string{"connection refused", "no such host", "i/o timeout", "connection reset", "network is unreachable",
		"tls: ", "x509: ", "dial tcp", "context deadline exceeded", "EOF"}
	for _, line := range strings.Split(msg, "\n") {
		for _, mk := range markers {
			i := strings.Index(line, mk)
			if i < 0 {
				continue
			}
			if d := strings.Index(line, "dial "); d >= 0 && d <= i {
				i = d
			} else {
				i = strings.LastIndex(line[:i], ": ") + 1
			}
			cause := line[i:]
			if j := strings.Index(cause, ". To troubleshoot"); j >= 0 {
				cause = cause[:j]
			}
			return strings.TrimSpace(cause), true
		}
	}
	return "", false
}

// authorityHostName is the host[:port] of the authority URL, for messages.
func authorityHostName(authority string) string {
	if u, err := url.Parse(authority); err == nil && u.Host != "" {
		return u.Host
	}
	return authority
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

// decodeObject decodes a JSON body (a batched answer) with the kiota model the direct call
// uses: one decoder per Graph entity.
func decodeObject(body []byte, model func() serialization.Parsable) (serialization.Parsable, error) {
	n, err := jsonserialization.NewJsonParseNode(body)
	if err != nil {
		return nil, err
	}
	return n.GetObjectValue(func(serialization.ParseNode) (serialization.Parsable, error) { return model(), nil })
}
