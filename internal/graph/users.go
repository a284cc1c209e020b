package graph

import (
	"context"

	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

const permUserRead = "User.Read.All"

// User is the part of a directory user the provider needs.
type User struct {
	ID                string
	UserPrincipalName string
	DisplayName       string
	UserType          string // Member or Guest
}

// GetUser looks a user up by object id or user principal name.
func (c *Client) GetUser(ctx context.Context, idOrUPN string) (*User, error) {
	var out *User
	err := retryTransient(ctx, func() error {
		res, err := c.users.ByUserId(idOrUPN).Get(ctx, &users.UserItemRequestBuilderGetRequestConfiguration{
			QueryParameters: &users.UserItemRequestBuilderGetQueryParameters{Select: []string{"id", "userPrincipalName", "displayName", "userType"}},
		})
		if err != nil {
			return c.classifyCall("read user "+idOrUPN, permUserRead, err)
		}
		out = &User{ID: deref(res.GetId()), UserPrincipalName: deref(res.GetUserPrincipalName()), DisplayName: deref(res.GetDisplayName()), UserType: deref(res.GetUserType())}
		return nil
	})
	return out, err
}

// MemberGroups returns those of groupIDs the user is a (transitive) member of.
func (c *Client) MemberGroups(ctx context.Context, userID string, groupIDs []string) ([]string, error) {
	if len(groupIDs) == 0 {
		return nil, nil
	}
	var out []string
	err := retryTransient(ctx, func() error {
		body := users.NewItemCheckMemberGroupsPostRequestBody()
		body.SetGroupIds(groupIDs)
		res, err := c.users.ByUserId(userID).CheckMemberGroups().PostAsCheckMemberGroupsPostResponse(ctx, body, nil)
		if err != nil {
			return c.classifyCall("check the group memberships of user "+userID, "GroupMember.Read.All", err)
		}
		out = res.GetValue()
		return nil
	})
	return out, err
}
