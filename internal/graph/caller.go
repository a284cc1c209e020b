package graph

// Who the client runs as: an application or a signed-in user, read from the access token's
// claims (decoded, not verified: Graph verifies it; we only need to know who we are), and the
// directory roles a signed-in user needs for each operation.

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/golang-jwt/jwt/v5"
	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoft/kiota-abstractions-go/serialization"
)

// Caller kinds.
const (
	CallerApplication = "application"
	CallerUser        = "user"
)

// Microsoft Entra built-in roles this provider reasons about, with Microsoft's published
// template ids (the ids a token's wids claim and a role assignment's roleDefinitionId carry).
const (
	RoleGlobalAdministrator                   = "Global Administrator"
	RoleGlobalReader                          = "Global Reader"
	RoleAuthenticationAdministrator           = "Authentication Administrator"
	RolePrivilegedAuthenticationAdministrator = "Privileged Authentication Administrator"
	RoleAuthenticationPolicyAdministrator     = "Authentication Policy Administrator"
	RoleDirectoryReaders                      = "Directory Readers"
)

var roleNames = map[string]string{
	"62e90394-69f5-4237-9190-012177145e10": RoleGlobalAdministrator,
	"f2ef992c-3afb-46b9-b7cf-a126ee74c451": RoleGlobalReader,
	"c4e39bd9-1100-46d3-8c65-fb160da0071f": RoleAuthenticationAdministrator,
	"7be44c8a-adaf-4e2a-84d6-ab2649e08a13": RolePrivilegedAuthenticationAdministrator,
	"0526716b-113d-4c15-b2c8-68e3c22b9f80": RoleAuthenticationPolicyAdministrator,
	"88d8e3e3-8f55-4a1e-953a-9b9898b8876b": RoleDirectoryReaders,
	// Roles an Authentication Administrator may still act on (Entra "who can reset passwords").
	"95e79109-95c0-4d8e-aee3-d01accf2d47b": "Guest Inviter",
	"790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b": "Message Center Reader",
	"4a5d8f65-41da-4de4-8968-e035b65339cf": "Reports Reader",
	"966707d0-3269-4727-9be2-8c3a10f19b9d": "Password Administrator",
	"75934031-6c7e-415a-99d7-48dbd49e875e": "Usage Summary Reports Reader",
	"27460883-1df1-4691-b032-3b79643e5e63": "User Experience Success Manager",
}

// authAdminCoverable are the roles a target may hold and still be in an Authentication
// Administrator's reach; any other role needs a Privileged Authentication Administrator.
var authAdminCoverable = map[string]bool{
	RoleAuthenticationAdministrator: true, RoleDirectoryReaders: true, "Guest Inviter": true, "Message Center Reader": true,
	"Reports Reader": true, "Password Administrator": true, "Usage Summary Reports Reader": true, "User Experience Success Manager": true,
}

// RoleName is the name of a role template id, or the id itself for a role we do not list.
func RoleName(templateID string) string {
	if n, ok := roleNames[strings.ToLower(templateID)]; ok {
		return n
	}
	return templateID
}

// Caller is who the client runs as.
type Caller struct {
	Kind              string // CallerApplication or CallerUser
	ObjectID          string // the service principal's or the user's object id (oid)
	UserPrincipalName string // a user's UPN ("" for an application)
	ClientID          string // the application (appid)
	TenantID          string
	// Roles are a user's directory roles by name (from wids; an unlisted role by its template id).
	Roles []string
	// Permissions are the token's Graph permissions: application roles, or a user's scopes (scp).
	Permissions []string
}

// IsUser reports whether a user is signed in (a delegated token).
func (c *Caller) IsUser() bool { return c != nil && c.Kind == CallerUser }

// Name is how messages name the caller.
func (c *Caller) Name() string {
	if c.IsUser() {
		return fmt.Sprintf("user %s (object id %s)", c.UserPrincipalName, c.ObjectID)
	}
	return fmt.Sprintf("application %s", c.ClientID)
}

// HasRole reports whether the caller holds any of the roles.
func (c *Caller) HasRole(roles ...string) bool {
	for _, have := range c.Roles {
		for _, want := range roles {
			if have == want {
				return true
			}
		}
	}
	return false
}

// HasPermission reports whether the token carries any of the permissions (roles or scp).
func (c *Caller) HasPermission(perms ...string) bool {
	for _, have := range c.Permissions {
		for _, want := range perms {
			if strings.EqualFold(have, want) {
				return true
			}
		}
	}
	return false
}

// RolesText lists the caller's roles for messages.
func (c *Caller) RolesText() string {
	if len(c.Roles) == 0 {
		return "no directory role"
	}
	return "directory roles: " + strings.Join(c.Roles, ", ")
}

// IsSelf reports whether a user reference (object id or UPN) is the signed-in user.
func (c *Caller) IsSelf(idOrUPN string) bool {
	return c.IsUser() && idOrUPN != "" && (strings.EqualFold(idOrUPN, c.ObjectID) || strings.EqualFold(idOrUPN, c.UserPrincipalName))
}

// callerCache holds the caller once known: who a credential is does not change within a run.
type callerCache struct {
	mu     sync.Mutex
	caller *Caller
}

// Caller reads who the client runs as from its access token (the credential's; no Graph call).
func (c *Client) Caller(ctx context.Context) (*Caller, error) {
	c.who.mu.Lock()
	defer c.who.mu.Unlock()
	if c.who.caller != nil {
		return c.who.caller, nil
	}
	scope := strings.TrimSuffix(c.baseURL, "/v1.0") + "/.default"
	tok, err := c.cfg.Credential.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{scope}})
	if err != nil {
		return nil, c.classifyCall("find out who the provider runs as", "", err)
	}
	caller, err := CallerFromToken(tok.Token)
	if err != nil {
		return nil, err
	}
	c.who.caller = caller
	return caller, nil
}

// tokenClaims are the claims of an Entra access token that say who it is for.
type tokenClaims struct {
	jwt.RegisteredClaims
	OID   string   `json:"oid"`
	UPN   string   `json:"upn"`
	PUN   string   `json:"preferred_username"`
	AppID string   `json:"appid"`
	AZP   string   `json:"azp"`
	TID   string   `json:"tid"`
	SCP   string   `json:"scp"`
	Roles []string `json:"roles"`
	WIDs  []string `json:"wids"`
	IDTyp string   `json:"idtyp"`
}

// CallerFromToken reads an access token's claims into a Caller, without verifying the token:
// the token comes from our own credential, and Graph verifies it.
func CallerFromToken(token string) (*Caller, error) {
	var claims tokenClaims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &claims); err != nil {
		return nil, errors.New("the access token is not a JWT with readable claims: cannot tell who the provider runs as")
	}
	c := &Caller{Kind: CallerApplication, ObjectID: claims.OID, ClientID: claims.AppID, TenantID: claims.TID}
	if c.ClientID == "" {
		c.ClientID = claims.AZP
	}
	if claims.SCP == "" && claims.IDTyp != "user" {
		c.Permissions = append([]string{}, claims.Roles...)
		sort.Strings(c.Permissions)
		return c, nil
	}
	c.Kind = CallerUser
	c.UserPrincipalName = claims.UPN
	if c.UserPrincipalName == "" {
		c.UserPrincipalName = claims.PUN
	}
	c.Permissions = strings.Fields(claims.SCP)
	sort.Strings(c.Permissions)
	for _, id := range claims.WIDs {
		// b79fbf4d-...: "member of the tenant", a wids entry of every member; not a role.
		if strings.EqualFold(id, "b79fbf4d-3ef9-4689-8143-76b194e85509") {
			continue
		}
		c.Roles = append(c.Roles, RoleName(id))
	}
	sort.Strings(c.Roles)
	return c, nil
}

// --- what each operation needs of a signed-in user ---

// PassRoleNeeded is the least-privileged directory role that lets a signed-in user create or
// delete (write) or read the pass of a user holding targetRoles.
func PassRoleNeeded(targetRoles []string, write bool) string {
	if !write {
		return RoleGlobalReader
	}
	if AuthAdminCovers(targetRoles) {
		return RoleAuthenticationAdministrator
	}
	return RolePrivilegedAuthenticationAdministrator
}

// AuthAdminCovers reports whether an Authentication Administrator may act on a user holding targetRoles.
func AuthAdminCovers(targetRoles []string) bool {
	for _, r := range targetRoles {
		if !authAdminCoverable[r] {
			return false
		}
	}
	return true
}

// CanWritePass reports whether the caller's roles let it create or delete the pass of a user
// holding targetRoles (never its own: checked apart, see IsSelf).
func (c *Caller) CanWritePass(targetRoles []string) bool {
	if c.HasRole(RolePrivilegedAuthenticationAdministrator, RoleGlobalAdministrator) {
		return true
	}
	return c.HasRole(RoleAuthenticationAdministrator) && AuthAdminCovers(targetRoles)
}

// MayWritePasses reports whether the caller holds any role that writes some user's pass.
func (c *Caller) MayWritePasses() bool {
	return c.HasRole(RoleAuthenticationAdministrator, RolePrivilegedAuthenticationAdministrator, RoleGlobalAdministrator)
}

// explainPassDenied turns a 403 on a pass of targetUser, for a signed-in user, into what the
// user lacks: the role for this target, or "never for yourself". Other errors pass through.
func (c *Client) explainPassDenied(ctx context.Context, err error, targetUser string, write bool) error {
	var ge *Error
	if !errors.As(err, &ge) || ge.Kind != KindPermissionDenied {
		return err
	}
	caller, cerr := c.Caller(ctx)
	if cerr != nil || !caller.IsUser() {
		return err
	}
	out := *ge
	verb := "reading"
	if write {
		verb = "creating or deleting"
	}
	scopes := []string{"UserAuthenticationMethod.ReadWrite.All", "UserAuthMethod-TAP.ReadWrite.All"}
	if !write {
		scopes = append(scopes, "UserAuthenticationMethod.Read.All", "UserAuthMethod-TAP.Read.All")
	}
	switch {
	case !caller.HasPermission(scopes...):
		out.Delegated = fmt.Sprintf("signed in as %s, whose token lacks the delegated permission %s (it carries %s): sign in again consenting to it",
			caller.Name(), scopes[0], strings.Join(caller.Permissions, " "))
	case caller.IsSelf(targetUser):
		out.Delegated = fmt.Sprintf("you are signed in as %s: Microsoft Entra lets no one, whatever their role, create, read the details of or delete their own Temporary Access Pass; another administrator must do it", caller.Name())
		out.ForTarget = "is the signed-in user: Microsoft Entra lets no one, whatever their role, create, read the details of or delete their own Temporary Access Pass; another administrator must do it"
	case !caller.reachesPasses(write):
		// No role of the caller reaches anyone's pass: the target's roles change nothing (and
		// are not read: over a batch of denials, that would be one more request per user).
		out.Delegated = fmt.Sprintf("signed in as %s with %s; %s the Temporary Access Pass of user %s needs the Microsoft Entra role %s",
			caller.Name(), caller.RolesText(), verb, targetUser, passRolesText(nil, false, write))
	default:
		roles, rerr := c.UserRoles(ctx, targetUser)
		needed, detail, holds := passRolesText(roles, rerr == nil, write), "", ""
		if len(roles) > 0 {
			detail = fmt.Sprintf(" (the user holds %s)", strings.Join(roles, ", "))
			holds = fmt.Sprintf("holds %s; ", strings.Join(roles, ", "))
		}
		out.Delegated = fmt.Sprintf("signed in as %s with %s; %s the Temporary Access Pass of user %s%s needs the Microsoft Entra role %s",
			caller.Name(), caller.RolesText(), verb, targetUser, detail, needed)
		out.ForTarget = fmt.Sprintf("%s%s their Temporary Access Pass needs the Microsoft Entra role %s", holds, verb, needed)
	}
	return &out
}

// reachesPasses reports whether the caller holds a role that reads (or, with write, creates
// and deletes) the pass of at least some users.
func (c *Caller) reachesPasses(write bool) bool {
	if write {
		return c.MayWritePasses()
	}
	return c.MayWritePasses() || c.HasRole(RoleGlobalReader)
}

// passRolesText names the roles that read or write the pass of a user holding targetRoles
// (known: whether the roles could be read at all).
func passRolesText(targetRoles []string, known, write bool) string {
	authAdmin := RoleAuthenticationAdministrator + " (users without admin roles)"
	switch {
	case known && !AuthAdminCovers(targetRoles) && write:
		return RolePrivilegedAuthenticationAdministrator
	case known && !AuthAdminCovers(targetRoles):
		return RoleGlobalReader + " or " + RolePrivilegedAuthenticationAdministrator
	case known && write:
		return RoleAuthenticationAdministrator + " or " + RolePrivilegedAuthenticationAdministrator
	case write:
		return authAdmin + " or " + RolePrivilegedAuthenticationAdministrator
	}
	return RoleGlobalReader + ", " + authAdmin + " or " + RolePrivilegedAuthenticationAdministrator
}

// explainPolicyDenied does the same for the policy: reads by Global Reader or Authentication
// Policy Administrator, writes by Authentication Policy Administrator.
func (c *Client) explainPolicyDenied(ctx context.Context, err error, write bool) error {
	var ge *Error
	if !errors.As(err, &ge) || ge.Kind != KindPermissionDenied {
		return err
	}
	caller, cerr := c.Caller(ctx)
	if cerr != nil || !caller.IsUser() {
		return err
	}
	out := *ge
	needed, verb := RoleGlobalReader+" or "+RoleAuthenticationPolicyAdministrator, "reading"
	if write {
		needed, verb = RoleAuthenticationPolicyAdministrator, "changing"
	}
	out.Delegated = fmt.Sprintf("signed in as %s with %s; %s the Temporary Access Pass policy needs the Microsoft Entra role %s",
		caller.Name(), caller.RolesText(), verb, needed)
	return &out
}

const permRoleRead = "RoleManagement.Read.Directory"

// UserRoles lists the directory roles assigned to a user (by name), from its role assignments.
// It needs RoleManagement.Read.Directory (or Directory.Read.All).
func (c *Client) UserRoles(ctx context.Context, userID string) ([]string, error) {
	op := "read the directory roles of user " + userID
	var out []string
	err := c.retry(ctx, retryOn{transport: true}, func() error {
		ri := abstractions.NewRequestInformationWithMethodAndUrlTemplateAndPathParameters(abstractions.GET,
			"{+baseurl}/roleManagement/directory/roleAssignments{?%24filter}", map[string]string{"baseurl": c.baseURL})
		ri.QueryParameters["%24filter"] = fmt.Sprintf("principalId eq '%s'", strings.ReplaceAll(userID, "'", "''"))
		ri.Headers.TryAdd("Accept", "application/json")
		res, err := c.adapter.Send(ctx, ri, func(serialization.ParseNode) (serialization.Parsable, error) { return &roleAssignmentsModel{}, nil }, errorMapping)
		if err != nil {
			return c.classifyCall(op, permRoleRead, err)
		}
		out = nil
		if m, _ := res.(*roleAssignmentsModel); m != nil {
			for _, id := range m.roleIDs {
				out = append(out, RoleName(id))
			}
		}
		sort.Strings(out)
		return nil
	})
	return out, err
}

// roleAssignmentsModel reads the roleDefinitionId of each unifiedRoleAssignment.
type roleAssignmentsModel struct{ roleIDs []string }

func (m *roleAssignmentsModel) Serialize(serialization.SerializationWriter) error { return nil }

func (m *roleAssignmentsModel) GetFieldDeserializers() map[string]func(serialization.ParseNode) error {
	return map[string]func(serialization.ParseNode) error{
		"value": func(n serialization.ParseNode) error {
			items, err := n.GetCollectionOfObjectValues(func(serialization.ParseNode) (serialization.Parsable, error) { return &roleAssignmentModel{}, nil })
			for _, it := range items {
				if a, _ := it.(*roleAssignmentModel); a != nil && a.roleID != "" {
					m.roleIDs = append(m.roleIDs, a.roleID)
				}
			}
			return err
		},
	}
}

type roleAssignmentModel struct{ roleID string }

func (a *roleAssignmentModel) Serialize(serialization.SerializationWriter) error { return nil }

func (a *roleAssignmentModel) GetFieldDeserializers() map[string]func(serialization.ParseNode) error {
	return map[string]func(serialization.ParseNode) error{
		"roleDefinitionId": func(n serialization.ParseNode) error {
			v, err := n.GetStringValue()
			a.roleID = deref(v)
			return err
		},
	}
}
