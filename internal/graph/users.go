package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoft/kiota-abstractions-go/serialization"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

const (
	permUserRead = "User.Read.All"
	// checkMemberGroups needs both a user and a group read permission, or a directory one.
	permMemberGroups = "User.Read.All together with GroupMember.Read.All (or Group.Read.All), or Directory.Read.All"
)

// User is the part of a directory user the provider needs.
type User struct {
	ID                string
	UserPrincipalName string
	DisplayName       string
	UserType          string // Member or Guest
	ExternalUserState string // set for a B2B guest (PendingAcceptance, Accepted)
	CreationType      string // "Invitation" for a B2B guest
}

// userSelect is what GetUser and the user lists ask for: userType and the guest fields are not
// in Graph's default property set.
const userSelect = "id,userPrincipalName,displayName,userType,externalUserState,creationType"

// ExternalGuest reports whether the user is a B2B guest, to whom Graph refuses a pass; an
// internal guest (userType Guest, a local account) can hold one.
func (u *User) ExternalGuest() bool {
	return strings.EqualFold(u.UserType, "Guest") && (u.ExternalUserState != "" || strings.EqualFold(u.CreationType, "Invitation"))
}

var errorMapping = abstractions.ErrorMappings{"XXX": odataerrors.CreateODataErrorFromDiscriminatorValue}

// GetUser looks a user up by object id or user principal name. It always
// answers from the user cache when it can: a user found is remembered for a
// couple of minutes, since an id or UPN does not change meaning within one
// Terraform command. A 404 is not remembered.
func (c *Client) GetUser(ctx context.Context, idOrUPN string) (*User, error) {
	if u, ok := c.cachedUser(idOrUPN); ok {
		return u, nil
	}
	if err := CheckUserKey(idOrUPN); err != nil {
		return nil, &Error{Kind: KindUnknown, Op: "read user", Message: err.Error()}
	}
	var out *User
	err := c.retry(ctx, retryOn{transport: true}, func() error {
		// A request of our own with $select and a four-field model: the SDK's
		// models.User would link hundreds of other models into the binary.
		ri := abstractions.NewRequestInformationWithMethodAndUrlTemplateAndPathParameters(abstractions.GET,
			"{+baseurl}/users/{user%2Did}{?%24select}", map[string]string{"baseurl": c.baseURL, "user%2Did": idOrUPN})
		ri.QueryParameters["%24select"] = userSelect
		ri.Headers.TryAdd("Accept", "application/json")
		res, err := c.adapter.Send(ctx, ri, func(serialization.ParseNode) (serialization.Parsable, error) { return &userModel{}, nil }, errorMapping)
		if err != nil {
			return c.classifyCall("read user "+idOrUPN, permUserRead, err)
		}
		u, _ := res.(*userModel)
		if u == nil {
			return &Error{Kind: KindUnknown, Op: "read user " + idOrUPN, Message: "Graph answered with no user"}
		}
		out = u.user()
		c.rememberUser(idOrUPN, out)
		return nil
	})
	return out, err
}

// CheckUserKey refuses a user id or UPN that would not stay one path segment
// of /users/{id}: empty, "." or ".." (dot segments, which no escaping
// hides), or holding "/" or "\\". ("#" is legal: guests' UPNs hold #EXT#.)
func CheckUserKey(idOrUPN string) error {
	switch {
	case idOrUPN == "":
		return errors.New("a user id must not be empty")
	case idOrUPN == "." || idOrUPN == "..":
		return fmt.Errorf("%q is not a user: it must be an object id (GUID) or a user principal name such as alice@contoso.com", idOrUPN)
	case strings.ContainsAny(idOrUPN, "/\\"):
		return fmt.Errorf("%q is not a user: object ids and user principal names hold no / or \\", Truncate(idOrUPN, 120))
	}
	return nil
}

// WaitForUser is GetUser, waiting out a 404 until ctx ends: a user created
// moments ago is not visible everywhere in Graph at once. It returns the
// 404 rather than start a wait that would end after ctx's deadline.
func (c *Client) WaitForUser(ctx context.Context, idOrUPN string) (*User, error) {
	return c.waitForUser(ctx, idOrUPN, 0)
}

// LookupUser is GetUser for a plan-time check: a 404 is waited out for
// Config.ReplicationGrace at most, since Terraform plans again during apply,
// when a user created in the same apply is known but may not have replicated.
func (c *Client) LookupUser(ctx context.Context, idOrUPN string) (*User, error) {
	return c.waitForUser(ctx, idOrUPN, c.cfg.ReplicationGrace)
}

func (c *Client) waitForUser(ctx context.Context, idOrUPN string, grace time.Duration) (*User, error) {
	var out *User
	err := c.retry(ctx, retryOn{notFound: true, server: true, grace: grace}, func() error {
		u, err := c.GetUser(ctx, idOrUPN)
		out = u
		return err
	})
	return out, err
}

// userModel is the kiota model of the fields GetUser selects.
type userModel struct{ id, upn, displayName, userType, externalUserState, creationType *string }

func (u *userModel) user() *User {
	return &User{ID: deref(u.id), UserPrincipalName: deref(u.upn), DisplayName: deref(u.displayName), UserType: deref(u.userType),
		ExternalUserState: deref(u.externalUserState), CreationType: deref(u.creationType)}
}

func (u *userModel) Serialize(serialization.SerializationWriter) error { return nil }

func (u *userModel) GetFieldDeserializers() map[string]func(serialization.ParseNode) error {
	str := func(dst **string) func(serialization.ParseNode) error {
		return func(n serialization.ParseNode) error {
			v, err := n.GetStringValue()
			*dst = v
			return err
		}
	}
	return map[string]func(serialization.ParseNode) error{
		"id": str(&u.id), "userPrincipalName": str(&u.upn), "displayName": str(&u.displayName), "userType": str(&u.userType),
		"externalUserState": str(&u.externalUserState), "creationType": str(&u.creationType),
	}
}

// MemberGroups returns those of groupIDs the user is a (transitive) member of.
func (c *Client) MemberGroups(ctx context.Context, userID string, groupIDs []string) ([]string, error) {
	if len(groupIDs) == 0 {
		return nil, nil
	}
	var out []string
	err := c.retry(ctx, retryOn{transport: true}, func() error {
		body := users.NewItemCheckMemberGroupsPostRequestBody()
		body.SetGroupIds(groupIDs)
		b := users.NewItemCheckMemberGroupsRequestBuilderInternal(map[string]string{"baseurl": c.baseURL, "user%2Did": userID}, c.adapter)
		res, err := b.PostAsCheckMemberGroupsPostResponse(ctx, body, nil)
		if err != nil {
			return c.classifyCall("check the group memberships of user "+userID, permMemberGroups, err)
		}
		out = res.GetValue()
		return nil
	})
	return out, err
}

// LookupUsers is LookupUser for many users at once, through $batch, in the order of ids: a
// user the cache holds costs nothing, the others are read 20 to a request, and one Graph does
// not find is looked up again on its own through LookupUser's replication grace.
func (c *Client) LookupUsers(ctx context.Context, ids []string) ([]*User, []error) {
	out, errs := make([]*User, len(ids)), make([]error, len(ids))
	var ops []batchOp
	var at []int
	for i, id := range ids {
		if u, ok := c.cachedUser(id); ok {
			out[i] = u
			continue
		}
		if err := CheckUserKey(id); err != nil {
			errs[i] = &Error{Kind: KindUnknown, Op: "read user", Message: err.Error()}
			continue
		}
		ops = append(ops, batchOp{method: http.MethodGet, url: "/users/" + url.PathEscape(id) + "?$select=" + userSelect, op: "read user " + id, permission: permUserRead})
		at = append(at, i)
	}
	var missing []int
	c.runBatch(ctx, "read users", ops, func(k int, a batchAnswer, err error) {
		i := at[k]
		op := ops[k].op
		if err != nil {
			errs[i] = err
			if IsNotFound(err) {
				missing = append(missing, i)
			}
			return
		}
		m, err := decodeObject(a.body, func() serialization.Parsable { return &userModel{} })
		if u, _ := m.(*userModel); err == nil && u != nil && deref(u.id) != "" {
			out[i] = u.user()
			c.rememberUser(ids[i], out[i])
			return
		}
		errs[i] = &Error{Kind: KindUnknown, Op: op, Message: "Graph answered with no user"}
	})
	for _, i := range missing {
		out[i], errs[i] = c.LookupUser(ctx, ids[i])
	}
	return out, errs
}

// MemberGroupsOf is MemberGroups for many users at once, through $batch (checkMemberGroups
// reads: it is paced as a read), in the order of userIDs.
func (c *Client) MemberGroupsOf(ctx context.Context, userIDs, groupIDs []string) ([][]string, []error) {
	out, errs := make([][]string, len(userIDs)), make([]error, len(userIDs))
	if len(groupIDs) == 0 {
		return out, errs
	}
	ops := make([]batchOp, len(userIDs))
	for i, u := range userIDs {
		ops[i] = batchOp{method: http.MethodPost, url: "/users/" + url.PathEscape(u) + "/checkMemberGroups", body: map[string]any{"groupIds": groupIDs}, reads: true,
			op: "check the group memberships of user " + u, permission: permMemberGroups}
	}
	c.runBatch(ctx, "check group memberships", ops, func(i int, a batchAnswer, err error) {
		op := ops[i].op
		if err != nil {
			errs[i] = err
			return
		}
		m, err := decodeObject(a.body, func() serialization.Parsable { return users.NewItemCheckMemberGroupsPostResponse() })
		res, _ := m.(users.ItemCheckMemberGroupsPostResponseable)
		if err != nil || res == nil {
			errs[i] = &Error{Kind: KindUnknown, Op: op, Message: "Graph answered with no group list"}
			return
		}
		out[i] = res.GetValue()
	})
	return out, errs
}
