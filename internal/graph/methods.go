package graph

// A user's registered authentication methods (GET /users/{id}/authentication/methods), read
// for many users at once through $batch (batch.go): how the provider tells that a user given a
// pass went on to register a strong method. The reports endpoint
// (/reports/authenticationMethods/userRegistrationDetails) would say which methods a user
// has, but not when each was registered, and it is held to 5 requests per 10 seconds per app
// (docs-contrib concepts/throttling-limits.md, "Identity and access reports"): the per-user
// list gives every method's createdDateTime, and 20 users cost one request.

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// permMethodsRead names what reading registered methods needs (authentication-list-methods.md):
// no Temporary-Access-Pass-only permission reads them.
const permMethodsRead = "UserAuthenticationMethod.Read.All (or UserAuthenticationMethod.ReadWrite.All)"

// The kinds of method, as Graph's types name them without "AuthenticationMethod".
const (
	MethodFido2                   = "fido2"
	MethodMicrosoftAuthenticator  = "microsoftAuthenticator"
	MethodWindowsHelloForBusiness = "windowsHelloForBusiness"
	MethodPhone                   = "phone"
	MethodEmail                   = "email"
	MethodSoftwareOath            = "softwareOath"
	MethodPassword                = "password"
	MethodTemporaryAccessPass     = "temporaryAccessPass"
)

// MethodKinds are the kinds Graph v1.0 lists (authenticationmethods-overview.md), passes aside.
var MethodKinds = []string{MethodFido2, MethodMicrosoftAuthenticator, MethodWindowsHelloForBusiness,
	MethodPhone, MethodEmail, MethodSoftwareOath, MethodPassword}

// Method is a registered authentication method; no secret is ever read.
type Method struct {
	ID              string
	Kind            string // one of MethodKinds, or another type Graph adds
	DisplayName     string
	CreatedDateTime time.Time // zero when Graph does not say
}

type methodWire struct {
	Type            string     `json:"@odata.type"`
	ID              string     `json:"id"`
	DisplayName     string     `json:"displayName"`
	CreatedDateTime *time.Time `json:"createdDateTime"`
}

// methodsPath is the method list of a user, relative to the version.
func methodsPath(userID string) string {
	return "/users/" + url.PathEscape(userID) + "/authentication/methods"
}

// MethodsOf lists the registered methods of many users through $batch, in the order of
// userIDs, oldest first; a user's pass is not among them (passes are read on their own).
func (c *Client) MethodsOf(ctx context.Context, userIDs []string) ([][]Method, []error) {
	ops := make([]batchOp, len(userIDs))
	for i, u := range userIDs {
		ops[i] = batchOp{method: http.MethodGet, url: methodsPath(u),
			op: "list the authentication methods of user " + u, permission: permMethodsRead, user: u}
	}
	out, errs := make([][]Method, len(ops)), make([]error, len(ops))
	c.runBatch(ctx, "list authentication methods", ops, func(i int, a batchAnswer, err error) {
		if err != nil {
			errs[i] = err
			return
		}
		var page struct {
			Value []methodWire `json:"value"`
		}
		if err := json.Unmarshal(a.body, &page); err != nil {
			errs[i] = &Error{Kind: KindUnknown, Op: ops[i].op, Message: "Graph answered with no method list"}
			return
		}
		for _, w := range page.Value {
			kind := strings.TrimSuffix(strings.TrimPrefix(w.Type, "#microsoft.graph."), "AuthenticationMethod")
			if kind == MethodTemporaryAccessPass {
				continue
			}
			m := Method{ID: w.ID, Kind: kind, DisplayName: w.DisplayName}
			if w.CreatedDateTime != nil {
				m.CreatedDateTime = w.CreatedDateTime.UTC()
			}
			out[i] = append(out[i], m)
		}
		sort.SliceStable(out[i], func(a, b int) bool { return out[i][a].CreatedDateTime.Before(out[i][b].CreatedDateTime) })
	})
	return out, errs
}

// FirstRegistered is the earliest method of one of the kinds strong registered at or after
// since, or nil: the finish line of a pass that started at since. A method registered before
// the pass started (a user recovering a lost device had one) does not count.
func FirstRegistered(methods []Method, strong []string, since time.Time) *Method {
	for i := range methods {
		m := &methods[i]
		if m.CreatedDateTime.IsZero() || m.CreatedDateTime.Before(since) {
			continue
		}
		for _, k := range strong {
			if strings.EqualFold(k, m.Kind) {
				return m
			}
		}
	}
	return nil
}
