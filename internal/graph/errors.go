package graph

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"time"
)

// Kind classifies a failed Graph call by what the caller should do about it.
type Kind int

const (
	KindUnknown          Kind = iota
	KindNotFound              // 404: the object does not exist (or not yet, right after a create)
	KindBadRequest            // 400: Graph refused the input; Message says why
	KindUnauthorized          // 401: no or a bad token
	KindPermissionDenied      // 403: the app lacks Permission
	KindThrottled             // 429 after the SDK's own retries
	KindServer                // 5xx after the SDK's own retries
	KindTransport             // no HTTP answer at all (connection reset, TLS, DNS)
	KindCanceled              // the call's context was cancelled (Terraform interrupted)
	KindTimeout               // the call's context deadline passed (the operation's timeout)
	// KindPolicyRefused: a 400 refusing a pass because the policy does not (yet) let the user
	// sign in with one: disabled, not targeting the user, or a change not replicated yet.
	KindPolicyRefused
)

// policyRefusalText is what Graph's message says when it refuses a pass for the policy's scope
// (MicrosoftDocs/azure-docs#111778).
const policyRefusalText = "Converged UserCredentialPolicy does not allow"

func (k Kind) String() string {
	switch k {
	case KindNotFound:
		return "not found"
	case KindBadRequest:
		return "bad request"
	case KindUnauthorized:
		return "unauthorized"
	case KindPermissionDenied:
		return "permission denied"
	case KindThrottled:
		return "throttled"
	case KindServer:
		return "server error"
	case KindTransport:
		return "transport error"
	case KindCanceled:
		return "interrupted"
	case KindTimeout:
		return "timed out"
	case KindPolicyRefused:
		return "refused by the policy"
	}
	return "error"
}

// Error is every failure a Client method returns (wrapped or not).
type Error struct {
	Kind       Kind
	Op         string // what we tried, in the user's words: "read the Temporary Access Pass policy"
	StatusCode int    // 0 for a transport error
	Code       string // Graph's error code, e.g. badRequest, Request_ResourceNotFound
	Message    string // Graph's message
	RequestID  string
	// Date is Graph's clock when it answered (its Date header; zero when unknown): an object's
	// age is judged by it, never by this machine's clock.
	Date       time.Time
	Permission string // for KindPermissionDenied: the application permission the call needs
	// Delegated, for KindPermissionDenied with a signed-in user: who is signed in and the
	// directory role this call needs for its target (roles.go).
	Delegated string
	// ForTarget, with Delegated, says why this target user in particular is out of the
	// signed-in user's reach, in words that follow the user's name ("holds Global
	// Administrator; deleting their Temporary Access Pass needs ..."): the caller's role
	// reaches other users, so a call over many users can skip this one and go on. Empty when
	// the denial is the caller's as a whole (a missing scope, no role that reaches any pass).
	ForTarget string
	Err       error // the underlying error
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "could not %s", e.Op)
	switch {
	case e.Kind == KindPermissionDenied && e.Delegated != "":
		fmt.Fprintf(&b, ": permission denied: %s", e.Delegated)
	case e.Kind == KindPermissionDenied && e.Permission != "":
		fmt.Fprintf(&b, ": permission denied: the application needs the Microsoft Graph permission %s (grant it with admin consent)", e.Permission)
	case e.Kind == KindTransport:
		fmt.Fprintf(&b, ": no answer from Microsoft Graph: %v", e.Err)
	case e.Kind == KindCanceled || e.Kind == KindTimeout:
		fmt.Fprintf(&b, ": %s: %v", e.Kind, e.Err)
	case e.Message != "":
		fmt.Fprintf(&b, ": %s", e.Message)
	default:
		fmt.Fprintf(&b, ": %s", e.Kind)
	}
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, " (HTTP %d", e.StatusCode)
		if e.Code != "" {
			fmt.Fprintf(&b, ", code %s", e.Code)
		}
		if e.RequestID != "" {
			fmt.Fprintf(&b, ", request-id %s", e.RequestID)
		}
		b.WriteString(")")
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// IsNotFound reports whether err says the object does not exist.
func IsNotFound(err error) bool { return kindOf(err) == KindNotFound }

// IsPermissionDenied reports whether err is a 403.
func IsPermissionDenied(err error) bool { return kindOf(err) == KindPermissionDenied }

// DeniedForUser is, for a 403 that concerns only its target user (a delegated caller whose
// role does not cover that user, or the user themselves), why: Error.ForTarget. It is "" for
// every other error, a 403 that would deny any user included.
func DeniedForUser(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind == KindPermissionDenied {
		return e.ForTarget
	}
	return ""
}

// IsBadRequest reports whether Graph refused the input.
func IsBadRequest(err error) bool { return kindOf(err) == KindBadRequest }

// IsStartRefused reports whether Graph refused a pass's startDateTime: a time in the past by
// Graph's clock ("Invalid StartDateTime specified. It can not be a time in the past.",
// captured in microsoftgraph/msgraph-sdk-dotnet#2724).
func IsStartRefused(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == KindBadRequest && strings.Contains(e.Message, "StartDateTime")
}

// IsPolicyRefused reports whether Graph refused a pass because the policy does not
// (yet) let its user sign in with one.
func IsPolicyRefused(err error) bool { return kindOf(err) == KindPolicyRefused }

// IsCanceled reports whether the call was interrupted (its context cancelled).
func IsCanceled(err error) bool { return kindOf(err) == KindCanceled }

// IsThrottled reports whether Graph still answered 429 when the client stopped retrying.
func IsThrottled(err error) bool { return kindOf(err) == KindThrottled }

// IsTimeout reports whether the call ran out of time (its context deadline).
func IsTimeout(err error) bool { return kindOf(err) == KindTimeout }

// IsUnreachable reports whether the call never got to Graph's judgement: no token (the
// credential could not get one, or Entra refused it) or no answer at all.
func IsUnreachable(err error) bool {
	switch kindOf(err) {
	case KindUnauthorized, KindTransport:
		return true
	}
	return false
}

// IsTransient reports whether trying the same call again may succeed.
func IsTransient(err error) bool {
	switch kindOf(err) {
	case KindThrottled, KindServer, KindTransport:
		return true
	}
	return false
}

func kindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnknown
}

// classify turns what the SDK returned into an *Error. permission is the
// application permission the operation needs, named in a 403.
func classify(op, permission string, err error) error {
	if err == nil {
		return nil
	}
	if k := ctxKind(err); k != KindUnknown {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the method and URL say nothing Op does not
		}
		return &Error{Kind: k, Op: op, Err: err}
	}
	out := &Error{Op: op, Err: err}
	var odata *odataerrors.ODataError
	var api *abstractions.ApiError
	switch {
	case errors.As(err, &odata):
		out.StatusCode = odata.ResponseStatusCode
		if main := odata.GetErrorEscaped(); main != nil {
			out.Code = deref(main.GetCode())
			out.Message = deref(main.GetMessage())
			if inner := main.GetInnerError(); inner != nil {
				out.RequestID = deref(inner.GetRequestId())
			}
		}
		if odata.ResponseHeaders != nil {
			if out.RequestID == "" {
				out.RequestID = firstHeader(odata.ResponseHeaders, "request-id")
			}
			out.Date = headerDate(odata.ResponseHeaders)
		}
	case errors.As(err, &api):
		out.StatusCode = api.ResponseStatusCode
		if api.ResponseHeaders != nil {
			out.RequestID = firstHeader(api.ResponseHeaders, "request-id")
			out.Date = headerDate(api.ResponseHeaders)
		}
	default:
		out.Kind = KindTransport
		return out
	}
	out.setKind(permission)
	return out
}

// setKind types an HTTP error answer by its status (and, for a 400, by
// Graph's message): one mapping for direct calls and requests in a $batch.
func (e *Error) setKind(permission string) {
	switch s := e.StatusCode; {
	case s == http.StatusNotFound:
		e.Kind = KindNotFound
	case s == http.StatusBadRequest && strings.Contains(e.Message, policyRefusalText):
		e.Kind = KindPolicyRefused
	case s == http.StatusBadRequest:
		e.Kind = KindBadRequest
	case s == http.StatusUnauthorized:
		e.Kind = KindUnauthorized
	case s == http.StatusForbidden:
		e.Kind = KindPermissionDenied
		e.Permission = permission
	case s == http.StatusTooManyRequests:
		e.Kind = KindThrottled
	case s >= 500:
		e.Kind = KindServer
	}
}

// headerDate is an answer's Date header (RFC 9110 section 6.6.1), zero when absent or unreadable.
func headerDate(h *abstractions.ResponseHeaders) time.Time {
	t, err := http.ParseTime(firstHeader(h, "Date"))
	if err != nil {
		return time.Time{}
	}
	return t
}

func firstHeader(h *abstractions.ResponseHeaders, name string) string {
	if v := h.Get(name); len(v) > 0 {
		return v[0]
	}
	return ""
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
