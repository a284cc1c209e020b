package graphmock

// Registered authentication methods: what a new hire registers with a Temporary Access Pass
// (a passkey, Microsoft Authenticator, Windows Hello for Business) and the other methods Graph
// lists beside it. Sources: docs-contrib api-reference/v1.0/resources/authenticationmethods-overview.md
// (the method types and their collections), api-reference/v1.0/api/authentication-list-methods.md
// (GET .../authentication/methods, its permissions acting on self and on others), the typed
// method pages (fido2authenticationmethod-list.md, microsoftauthenticatorauthenticationmethod-list.md,
// windowshelloforbusinessauthenticationmethod-list.md, authentication-list-phonemethods.md,
// authentication-list-emailmethods.md, authentication-list-softwareoathmethods.md,
// authentication-list-passwordmethods.md), and the v1.0 CSDL (msgraph-metadata
// schemas/v1.0-Prod.csdl) for each type's properties. No property holds a secret: Graph
// answers a password's `password` and a software token's `secretKey` with null.

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
)

// The method kinds, by the name of their typed collection without "Methods" (fido2Methods, ...).
const (
	MethodFido2                   = "fido2"
	MethodMicrosoftAuthenticator  = "microsoftAuthenticator"
	MethodWindowsHelloForBusiness = "windowsHelloForBusiness"
	MethodPhone                   = "phone"
	MethodEmail                   = "email"
	MethodSoftwareOath            = "softwareOath"
	MethodPassword                = "password"
)

// methodKinds are the kinds the mock serves, in the order the overview lists them.
var methodKinds = []string{MethodFido2, MethodMicrosoftAuthenticator, MethodWindowsHelloForBusiness,
	MethodPhone, MethodEmail, MethodSoftwareOath, MethodPassword}

// registrationWindow is how long after a sign-in with a pass the user may register a method:
// the one-time pass's registration window (Entra how-to, "Temporary Access Pass": "the user
// must complete the registration of a passwordless method within 10 minutes of signing in").
const registrationWindow = 10 * time.Minute

// Method is a registered authentication method, as the seed, POST /_mock/users and
// /_mock/state give it. A pass is not one: passes live beside them.
type Method struct {
	ID string `json:"id,omitempty"` // "": a new GUID
	// Kind is one of methodKinds.
	Kind        string `json:"kind"`
	DisplayName string `json:"displayName,omitempty"`
	// CreatedDateTime on the tenant clock; zero: when the user or method was added.
	CreatedDateTime time.Time `json:"createdDateTime"`
}

func validMethodKind(kind string) bool {
	for _, k := range methodKinds {
		if k == kind {
			return true
		}
	}
	return false
}

// normalizeMethods checks kinds and fills ids and creation times.
func normalizeMethods(ms []Method, now time.Time) ([]Method, error) {
	out := make([]Method, 0, len(ms))
	for i, m := range ms {
		if !validMethodKind(m.Kind) {
			return nil, fmt.Errorf("methods[%d]: kind %q is not one of %s", i, m.Kind, strings.Join(methodKinds, ", "))
		}
		if m.ID == "" {
			m.ID = uuid.NewString()
		}
		if m.CreatedDateTime.IsZero() {
			m.CreatedDateTime = now
		}
		m.CreatedDateTime = m.CreatedDateTime.UTC()
		out = append(out, m)
	}
	return out, nil
}

// methodJSON renders a method with its type's properties (CSDL, v1.0), none secret.
func methodJSON(m Method) map[string]any {
	b := map[string]any{
		"@odata.type":     "#microsoft.graph." + m.Kind + "AuthenticationMethod",
		"id":              m.ID,
		"createdDateTime": formatTime(m.CreatedDateTime),
	}
	switch m.Kind {
	case MethodFido2:
		b["displayName"], b["aaGuid"], b["model"] = m.DisplayName, "2fc0579f-8113-47ea-b116-555a8db9202a", "Passkey"
		b["attestationCertificates"], b["attestationLevel"] = []string{}, "notAttested"
	case MethodMicrosoftAuthenticator:
		b["displayName"], b["deviceTag"], b["phoneAppVersion"] = m.DisplayName, "SoftwareTokenActivated", "6.2401.0119"
	case MethodWindowsHelloForBusiness:
		b["displayName"], b["keyStrength"] = m.DisplayName, "normal"
	case MethodPhone:
		b["phoneNumber"], b["phoneType"], b["smsSignInState"] = "+1 2065550100", "mobile", "notEnabled"
	case MethodEmail:
		b["emailAddress"] = "recovery@example.org"
	case MethodSoftwareOath:
		b["secretKey"] = nil
	case MethodPassword:
		b["password"] = nil
	}
	return b
}

// methodsOf are the user's registered methods, oldest first (m.mu held).
func (t *tenant) methodsOf(u *User) []Method {
	out := append([]Method{}, u.Methods...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedDateTime.Before(out[j].CreatedDateTime) })
	return out
}

// handleListMethods answers GET .../authentication/methods: every registered method and the
// user's pass (never its code), as authentication-list-methods.md shows.
func handleListMethods(c *call) (reply, error) {
	list := []any{}
	for _, m := range c.m.t.methodsOf(c.user) {
		list = append(list, methodJSON(m))
	}
	if p := c.m.t.passes[strings.ToLower(c.user.ID)]; p != nil {
		list = append(list, c.passJSON(p, nil, false))
	}
	return ok(map[string]any{"@odata.context": c.methodsContext("methods"), "value": list}), nil
}

// handleListTyped answers GET .../authentication/{kind}Methods.
func handleListTyped(kind string) handler {
	return func(c *call) (reply, error) {
		list := []any{}
		for _, m := range c.m.t.methodsOf(c.user) {
			if m.Kind == kind {
				list = append(list, methodJSON(m))
			}
		}
		return ok(map[string]any{"@odata.context": c.methodsContext(kind + "Methods"), "value": list}), nil
	}
}

func (c *call) methodsContext(collection string) string {
	return c.root() + "/$metadata#users('" + url.PathEscape(c.user.ID) + "')/authentication/" + collection
}

// registerRequest is the body of POST /_mock/register.
type registerRequest struct {
	User        *string `json:"user"`
	Method      *string `json:"method"`
	DisplayName string  `json:"displayName,omitempty"`
}

// handleRegister is a new hire registering a method at the security-info page: allowed within
// registrationWindow of a successful sign-in with a pass (POST /_mock/signin), refused otherwise.
func handleRegister(c *call) (reply, error) {
	var req registerRequest
	if gerr := decodeJSON(c.body, &req); gerr != nil {
		return reply{}, gerr
	}
	if req.User == nil || req.Method == nil {
		return reply{}, badRequest("user and method are required.")
	}
	m, err := c.m.Register(*req.User, *req.Method, req.DisplayName)
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusCreated, body: m}, nil
}

// Register adds a method for user (id or UPN), as the user does at the security-info page
// after signing in with a pass. It is refused (403 registrationNotAllowed) unless the user
// signed in with a usable pass within the last 10 minutes of the tenant clock.
func (m *Mock) Register(user, kind, displayName string) (Method, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u := m.t.user(user)
	if u == nil {
		return Method{}, notFound(user)
	}
	if !validMethodKind(kind) || kind == MethodPassword {
		return Method{}, badRequest("method '%s' cannot be registered; use one of %s.", kind, strings.Join(methodKinds[:len(methodKinds)-1], ", "))
	}
	now := m.t.now()
	at, signedIn := m.t.passSignIns[strings.ToLower(u.ID)]
	if !signedIn || now.Sub(at) > registrationWindow {
		return Method{}, &graphError{Status: http.StatusForbidden, Code: "registrationNotAllowed",
			Message: fmt.Sprintf("User '%s' has not signed in with a Temporary Access Pass in the last %d minutes: sign in first (POST /_mock/signin).",
				u.UserPrincipalName, int(registrationWindow.Minutes()))}
	}
	if displayName == "" {
		displayName = kind
	}
	ms, _ := normalizeMethods([]Method{{Kind: kind, DisplayName: displayName, CreatedDateTime: now.Truncate(time.Second)}}, now)
	u.Methods = append(u.Methods, ms[0])
	m.commitLocked()
	return ms[0], nil
}

// --- the registration report ---

// PermAuditLogRead reads the authentication-methods reports (authenticationmethodsroot-list-userregistrationdetails.md).
const PermAuditLogRead = "AuditLog.Read.All"

// reportMethodNames are the report's names for the mock's kinds (userregistrationdetails.md:
// methodsRegistered "such as mobilePhone, email, fido2").
var reportMethodNames = map[string]string{
	MethodFido2: "fido2", MethodMicrosoftAuthenticator: "microsoftAuthenticatorPush", MethodWindowsHelloForBusiness: "windowsHelloForBusiness",
	MethodPhone: "mobilePhone", MethodEmail: "email", MethodSoftwareOath: "softwareOneTimePasscode",
}

// registrationDetails is a user's row of the report (api-reference/v1.0/resources/userregistrationdetails.md).
func (c *call) registrationDetails(u *User) map[string]any {
	methods := []string{}
	passwordless, mfa := false, false
	last := time.Time{}
	for _, m := range c.m.t.methodsOf(u) {
		if n, ok := reportMethodNames[m.Kind]; ok {
			methods = append(methods, n)
			mfa = true
		}
		switch m.Kind {
		case MethodFido2, MethodWindowsHelloForBusiness, MethodMicrosoftAuthenticator:
			passwordless = true
		}
		if m.CreatedDateTime.After(last) {
			last = m.CreatedDateTime
		}
	}
	if p := c.m.t.passes[strings.ToLower(u.ID)]; p != nil {
		methods = append(methods, "temporaryAccessPass")
	}
	userType := "member"
	if u.UserType == userTypeGuest {
		userType = "guest"
	}
	row := map[string]any{
		"id": u.ID, "userPrincipalName": u.UserPrincipalName, "userDisplayName": u.DisplayName, "userType": userType,
		"isAdmin": len(u.Roles) > 0, "isMfaRegistered": mfa, "isMfaCapable": mfa, "isPasswordlessCapable": passwordless,
		"isSsprRegistered": false, "isSsprEnabled": false, "isSsprCapable": false,
		"isSystemPreferredAuthenticationMethodEnabled": false, "systemPreferredAuthenticationMethods": []string{},
		"userPreferredMethodForSecondaryAuthentication": "none", "methodsRegistered": methods,
	}
	// "When the record was last updated" (docs-contrib resources/userregistrationdetails.md) is
	// non-nullable in the v1.0 CSDL: a user who registered nothing has a record too, read now.
	if last.IsZero() {
		last = c.m.t.now()
	}
	row["lastUpdatedDateTime"] = formatTime(last)
	return row
}

// handleRegistrationDetails answers GET /reports/authenticationMethods/userRegistrationDetails
// with the $filter forms its properties document (userregistrationdetails.md): a Boolean
// property eq true|false, userPrincipalName or id eq '...', methodsRegistered/any(m:m eq '...').
// Its throttling is the reports limit (quota.go applies it by path prefix).
func handleRegistrationDetails(c *call) (reply, error) {
	keep, gerr := registrationFilter(c.r.URL.Query().Get("$filter"))
	if gerr != nil {
		return reply{}, gerr
	}
	list := []any{}
	for _, id := range c.m.t.userOrder {
		row := c.registrationDetails(c.m.t.users[strings.ToLower(id)])
		if keep(row) {
			list = append(list, row)
		}
	}
	return ok(map[string]any{"@odata.context": c.root() + "/$metadata#reports/authenticationMethods/userRegistrationDetails", "value": list}), nil
}

// registrationFilter parses the report's $filter into a row test.
func registrationFilter(f string) (func(map[string]any) bool, *graphError) {
	f = strings.TrimSpace(f)
	if f == "" {
		return func(map[string]any) bool { return true }, nil
	}
	bad := badRequest("Invalid filter clause: graphmock supports <Boolean property> eq true|false, userPrincipalName eq '...', id eq '...' and methodsRegistered/any(m:m eq '...') on userRegistrationDetails.")
	if rest, ok := strings.CutPrefix(f, "methodsRegistered/any("); ok {
		v, _, _ := strings.Cut(rest, ":")
		want, found := strings.CutPrefix(strings.TrimSpace(strings.TrimSuffix(rest[len(v)+1:], ")")), strings.TrimSpace(v)+" eq '")
		if !found || !strings.HasSuffix(want, "'") {
			return nil, bad
		}
		want = strings.TrimSuffix(want, "'")
		return func(row map[string]any) bool {
			ms, _ := row["methodsRegistered"].([]string)
			for _, m := range ms {
				if strings.EqualFold(m, want) {
					return true
				}
			}
			return false
		}, nil
	}
	prop, value, ok := strings.Cut(f, " eq ")
	if !ok {
		return nil, bad
	}
	prop, value = strings.TrimSpace(prop), strings.TrimSpace(value)
	switch {
	case (prop == "userPrincipalName" || prop == "id") && strings.HasPrefix(value, "'") && strings.HasSuffix(value, "'") && len(value) >= 2:
		want := value[1 : len(value)-1]
		return func(row map[string]any) bool { got, _ := row[prop].(string); return strings.EqualFold(got, want) }, nil
	case strings.HasPrefix(prop, "is") && (value == "true" || value == "false"):
		return func(row map[string]any) bool { b, isBool := row[prop].(bool); return isBool && b == (value == "true") }, nil
	}
	return nil, bad
}
