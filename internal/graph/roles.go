package graph

// The directory roles this provider reasons about, the ones a signed-in user (a Caller,
// caller.go) needs for each operation, what a 403 means in those terms, and the read of a
// user's roles.

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoft/kiota-abstractions-go/serialization"
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
		out.Delegated = fmt.Sprintf("you are signed in as %s: Microsoft Entra lets no one, whatever their role, create their own Temporary Access Pass (a user may only read and delete their own); another administrator must do it", caller.Name())
		out.ForTarget = "is the signed-in user: Microsoft Entra lets no one, whatever their role, create their own Temporary Access Pass (a user may only read and delete their own); another administrator must do it"
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

// UserRoles lists the directory roles assigned to a user (by name), from its role assignments,
// and its memberships of role-assignable groups, each as one more "role": a member of such a
// group is out of an Authentication Administrator's reach like a holder of a privileged role
// (entra-docs docs/identity/role-based-access-control/privileged-roles-permissions.md, "Who can
// reset passwords"). It needs RoleManagement.Read.Directory (or Directory.Read.All) and
// GroupMember.Read.All.
func (c *Client) UserRoles(ctx context.Context, userID string) ([]string, error) {
	roles, err := c.assignedRoles(ctx, userID)
	if err != nil {
		return nil, err
	}
	groups, err := c.roleAssignableGroups(ctx, userID)
	if err != nil {
		return nil, err
	}
	return append(roles, groups...), nil
}

// roleAssignableMembership is how UserRoles names a membership of a role-assignable group.
func roleAssignableMembership(group string) string {
	return fmt.Sprintf("membership of the role-assignable group %q", group)
}

// roleAssignableGroups lists the user's direct memberships of role-assignable groups (such a
// group holds no groups), as roleAssignableMembership names them: GET /users/{id}/memberOf
// (docs-contrib api-reference/v1.0/api/user-list-memberof.md), every page.
func (c *Client) roleAssignableGroups(ctx context.Context, userID string) ([]string, error) {
	var out []string
	err := c.pageObjects(ctx, "{+baseurl}/users/{id}/memberOf{?%24select,%24top}", map[string]string{"id": userID},
		"id,displayName,isAssignableToRole", "read the group memberships of user "+userID, permGroupMembersRead,
		func(page []*memberModel) error {
			for _, m := range page {
				if m.isAssignableToRole != nil && *m.isAssignableToRole {
					out = append(out, roleAssignableMembership(deref(m.displayName)))
				}
			}
			return nil
		})
	sort.Strings(out)
	return out, err
}

// assignedRoles lists the directory roles assigned to a user (by name), from its role assignments.
func (c *Client) assignedRoles(ctx context.Context, userID string) ([]string, error) {
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
