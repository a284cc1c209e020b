package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

// checkCallerForPass checks, at plan time, that a signed-in user may issue this pass: never
// for themselves, a role that issues passes, and a role that covers the target. userRef is
// user_id as written; user is the looked-up user (nil when unknown). An application is not
// checked here: its permissions are Graph's to judge.
func checkCallerForPass(ctx context.Context, c *graph.Client, userRef string, user *graph.User) diag.Diagnostics {
	var diags diag.Diagnostics
	caller, err := c.Caller(ctx)
	if err != nil || !caller.IsUser() {
		return diags // a token failure is reported by the call that needs it
	}
	if caller.IsSelf(userRef) || (user != nil && caller.IsSelf(user.ID)) {
		diags.AddAttributeError(path.Root("user_id"), "A Temporary Access Pass for the signed-in user themselves",
			fmt.Sprintf("user_id %q is %s, the user this provider is signed in as. Microsoft Entra lets no one, whatever their directory role, "+
				"create, read the details of or delete their own Temporary Access Pass. Have another administrator issue it, or issue it to another user.",
				userRef, caller.Name()))
		return diags
	}
	issuers := graph.RoleAuthenticationAdministrator + " (for users without admin roles) or " + graph.RolePrivilegedAuthenticationAdministrator + " (for any user)"
	if !caller.MayWritePasses() {
		diags.AddAttributeError(path.Root("user_id"), "The signed-in user cannot issue Temporary Access Passes",
			fmt.Sprintf("The provider runs as %s, with %s. Issuing a Temporary Access Pass needs the Microsoft Entra role %s. "+
				"Activate or request one of them (e.g. in Privileged Identity Management), sign in again (az login), then run again; nothing was created.",
				caller.Name(), caller.RolesText(), issuers))
		return diags
	}
	if user == nil || caller.HasRole(graph.RolePrivilegedAuthenticationAdministrator, graph.RoleGlobalAdministrator) {
		return diags // covers every target, or the target is not known yet
	}
	roles, err := c.UserRoles(ctx, user.ID)
	if err != nil {
		diags.AddAttributeWarning(path.Root("user_id"), "Could not check the target's directory roles",
			fmt.Sprintf("The provider runs as %s, an %s, who may issue passes only to users without admin roles, but it could not read the directory roles "+
				"of user %s to check this one (reading them needs the delegated permission %s). If the user holds an admin role, the create fails "+
				"at apply with a 403: that user needs a %s.\n\n%s",
				caller.Name(), graph.RoleAuthenticationAdministrator, user.UserPrincipalName, "RoleManagement.Read.Directory",
				graph.RolePrivilegedAuthenticationAdministrator, err))
		return diags
	}
	if !caller.CanWritePass(roles) {
		diags.AddAttributeError(path.Root("user_id"), "The target holds an admin role",
			fmt.Sprintf("User %s holds the directory role %s. The provider runs as %s, with %s: an %s may issue passes only to users without admin roles. "+
				"A pass for this user needs the Microsoft Entra role %s; nothing was created.",
				user.UserPrincipalName, strings.Join(roles, ", "), caller.Name(), caller.RolesText(), graph.RoleAuthenticationAdministrator,
				graph.PassRoleNeeded(roles, true)))
	}
	return diags
}
