package graphmock

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// graphError is an error the mock answers in Graph's OData error shape:
// {"error":{"code":"...","message":"...","innerError":{"date":"...","request-id":"...","client-request-id":"..."}}}.
// message is always present: the SDK's ODataError.Error() panics on a body without it.
type graphError struct {
	Status  int
	Code    string
	Message string
	header  http.Header // extra response headers (Retry-After)
}

func (e *graphError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// The error codes the mock uses, in one place.
const (
	codeBadRequest        = "badRequest"
	codeNotFound          = "Request_ResourceNotFound"
	codeItemNotFound      = "itemNotFound" // unknown pass id (unverified: Graph's exact code for an unknown method id)
	codeAccessDenied      = "accessDenied"
	codeRequestDenied     = "Authorization_RequestDenied"
	codeRequestBadRequest = "Request_BadRequest"
	codeUnsupportedQuery  = "Request_UnsupportedQuery" // group-list-transitivemembers.md: a cast to an unsupported member type
	codeInvalidToken      = "InvalidAuthenticationToken"
	codeMethodNotAllowed  = "methodNotAllowed"
	codeTooLarge          = "requestEntityTooLarge"
	codeTooManyRequests   = "TooManyRequests"
	codeServiceNotAvail   = "serviceNotAvailable"
	codeGeneralException  = "generalException"
	codeGatewayTimeout    = "gatewayTimeout"
)

func badRequest(format string, args ...any) *graphError {
	return &graphError{Status: http.StatusBadRequest, Code: codeBadRequest, Message: fmt.Sprintf(format, args...)}
}

// forbidden is the 403 of a Graph route whose permissions the token lacks.
// forbidden is the 403 for a token without the permission of the route pattern: the
// authentication-method endpoints answer accessDenied naming it; the directory's (users,
// groups, role assignments) Authorization_RequestDenied "Insufficient privileges to complete
// the operation.", naming nothing, as captured in microsoftgraph/msgraph-sdk-powershell#84 and
// Microsoft Q&A 866703 (learn.microsoft.com/answers/questions/866703).
func forbidden(pattern string, perms []string) *graphError {
	if directoryPath(pattern) {
		return &graphError{Status: http.StatusForbidden, Code: codeRequestDenied, Message: "Insufficient privileges to complete the operation."}
	}
	names := make([]string, len(perms))
	for i, p := range perms {
		names[i] = strings.ReplaceAll(p, "+", " and ")
	}
	msg := "Request Authorization failed. Missing permission: " + names[0]
	if len(names) > 1 {
		msg += " (or " + strings.Join(names[1:], ", ") + ")"
	}
	return &graphError{Status: http.StatusForbidden, Code: codeAccessDenied, Message: msg}
}

func notFound(id string) *graphError {
	return &graphError{Status: http.StatusNotFound, Code: codeNotFound,
		Message: fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", id)}
}

func unauthorized(msg string) *graphError {
	return &graphError{Status: http.StatusUnauthorized, Code: codeInvalidToken, Message: msg,
		header: http.Header{"Www-Authenticate": {wwwAuthenticate}}}
}

// claimsChallenge is Continuous Access Evaluation's 401: the token was revoked; a client asks
// the token endpoint again with these claims (base64 JSON, as Entra sends them).
func claimsChallenge(now time.Time) *graphError {
	claims := base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf(`{"access_token":{"nbf":{"essential":true,"value":"%d"}}}`, now.Unix())))
	return &graphError{Status: http.StatusUnauthorized, Code: codeInvalidToken,
		Message: "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp",
		header:  http.Header{"Www-Authenticate": {wwwAuthenticate + `, error="insufficient_claims", claims="` + claims + `"`}}}
}

// faultError is the error of an injected fault status.
func faultError(status int) *graphError {
	e := &graphError{Status: status}
	switch status {
	case http.StatusTooManyRequests:
		e.Code, e.Message = codeTooManyRequests, "Too many requests (injected by graphmock)."
	case http.StatusServiceUnavailable:
		e.Code, e.Message = codeServiceNotAvail, "Service unavailable (injected by graphmock)."
	case http.StatusGatewayTimeout:
		e.Code, e.Message = codeGatewayTimeout, "Gateway timeout (injected by graphmock)."
	default:
		e.Code, e.Message = codeGeneralException, "Internal server error (injected by graphmock)."
	}
	return e
}

type odataErrorBody struct {
	Error odataError `json:"error"`
}

type odataError struct {
	Code       string          `json:"code"`
	Message    string          `json:"message"`
	InnerError odataInnerError `json:"innerError"`
}

type odataInnerError struct {
	// Code, Message and Status appear on a 429 (Graph's throttling docs: "429", "Please retry after").
	Code            string `json:"code,omitempty"`
	Message         string `json:"message,omitempty"`
	Status          string `json:"status,omitempty"`
	Date            string `json:"date"` // no zone suffix, as Graph writes it
	RequestID       string `json:"request-id"`
	ClientRequestID string `json:"client-request-id"`
}

// wwwAuthenticate is what Graph sends with a 401 (entra-docs docs/identity-platform/claims-challenge.md);
// a CAE challenge adds error="insufficient_claims" and the claims.
const wwwAuthenticate = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`

// errClientGone: the client went away while the request waited; nothing is answered.
var errClientGone = errors.New("graphmock: the client went away")

// writeError answers an error in its own shape; an error of no known shape is a 500.
func writeError(w http.ResponseWriter, err error) {
	var (
		ge *graphError
		oe *oauthError
		me *msiError
	)
	switch {
	case errors.As(err, &ge):
		writeGraphError(w, ge)
	case errors.As(err, &oe):
		writeOAuthError(w, oe)
	case errors.As(err, &me):
		writeJSON(w, me.Status, map[string]any{"statusCode": me.Status, "message": me.Message, "correlationId": w.Header().Get("request-id")})
	default:
		writeGraphError(w, &graphError{Status: 500, Code: codeGeneralException, Message: "Internal error in graphmock."})
	}
}

// msiError is an error of the managed-identity endpoint, in App Service's shape.
type msiError struct {
	Status  int
	Message string
}

func (e *msiError) Error() string { return fmt.Sprintf("%d: %s", e.Status, e.Message) }

// writeGraphError answers e in Graph's shape. The request-id headers were set by ServeHTTP.
func writeGraphError(w http.ResponseWriter, e *graphError) {
	for k, vs := range e.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	body := odataErrorBody{Error: odataError{
		Code:    e.Code,
		Message: e.Message,
		InnerError: odataInnerError{
			Date:            time.Now().UTC().Format("2006-01-02T15:04:05"),
			RequestID:       w.Header().Get("request-id"),
			ClientRequestID: w.Header().Get("client-request-id"),
		},
	}}
	if e.Code == codeBadRequest {
		// The authentication-method service repeats its message in innerError (captured in
		// microsoftgraph/microsoft-graph-docs#12187: the lifetime 400).
		body.Error.InnerError.Message = e.Message
	}
	if e.Status == http.StatusTooManyRequests {
		body.Error.InnerError.Code, body.Error.InnerError.Status, body.Error.InnerError.Message = "429", "429", "Please retry after"
	}
	writeJSON(w, e.Status, body)
}

// writeJSON answers v as JSON with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Every value the mock answers is marshalable; this is a bug, not an input problem.
		panic(fmt.Sprintf("graphmock: marshal response: %v", err))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// oauthError is an error of the login endpoints, in the OAuth 2.0 / Entra shape:
// {"error":"invalid_client","error_description":"AADSTS7000215: ...","error_codes":[7000215]}.
type oauthError struct {
	Status      int
	Code        string
	AADSTS      int
	Description string
}

func (e *oauthError) Error() string {
	return fmt.Sprintf("%s: AADSTS%d: %s", e.Code, e.AADSTS, e.Description)
}

// writeOAuthError answers as Entra's token endpoint does (the identity platform's error-code
// reference; MSAL's oauth error parsing): the description ends with CRLF-separated Trace ID,
// Correlation ID and Timestamp lines, repeated as fields, and error_uri points at the code.
func writeOAuthError(w http.ResponseWriter, e *oauthError) {
	trace, corr := w.Header().Get("request-id"), w.Header().Get("client-request-id")
	ts := time.Now().UTC().Format("2006-01-02 15:04:05Z")
	writeJSON(w, e.Status, map[string]any{
		"error": e.Code,
		"error_description": fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s",
			e.AADSTS, e.Description, trace, corr, ts),
		"error_codes":    []int{e.AADSTS},
		"timestamp":      ts,
		"trace_id":       trace,
		"correlation_id": corr,
		"error_uri":      fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", e.AADSTS),
	})
}

// directoryPath: a route of the directory (users, groups, role assignments) rather than of
// authentication methods or policies, whose errors take the directory's codes.
func directoryPath(pattern string) bool {
	p := strings.ToLower(stripVersion(pattern))
	if strings.Contains(p, "/authentication/") || strings.HasPrefix(p, "/policies/") {
		return false
	}
	for _, root := range []string{"/users", "/groups", "/me", "/rolemanagement/"} {
		if p == root || strings.HasPrefix(p, strings.TrimSuffix(root, "/")+"/") {
			return true
		}
	}
	return false
}
