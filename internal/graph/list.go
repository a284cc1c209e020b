package graph

// Listing across the tenant, for the entratap_pass list resource and the
// group-wide revoke action: users page by page (@odata.nextLink), a group's
// transitive members, and each page's passes through $batch (ListPassesOf).

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoft/kiota-abstractions-go/serialization"
)

const permGroupMembersRead = "GroupMember.Read.All"

// ListPageSize is the $top asked of Graph when paging users (Graph's maximum).
const ListPageSize = 999

// UserSelection says whose passes to list: the transitive members of a
// group, explicit users (object ids or user principal names), or, with
// neither, every user of the tenant.
type UserSelection struct {
	GroupID string
	UserIDs []string
	// ToDelete: the passes are listed to be revoked, so a user whose passes
	// the signed-in user may not read is explained by the role that deletes them.
	ToDelete bool
	// WithMethods: the registered methods of each user holding a pass are read too, through
	// $batch with the page's passes (methods.go): the finish line of each pass.
	WithMethods bool
}

// UserPasses is one user's passes, or why they could not be read.
type UserPasses struct {
	User   User
	Passes []*Pass
	// Err is set when the user's passes could not be listed; a user Graph
	// no longer finds (deleted while the listing ran) gives a NotFound error,
	// a user out of a signed-in caller's reach an error DeniedForUser explains.
	Err error
	// Methods (with WithMethods, for a user holding a pass): the user's registered methods,
	// or MethodsErr when they could not be read.
	Methods    []Method
	MethodsErr error
}

// ScanPasses lists the passes of the selected users and calls emit with each
// user in listing order. Users come a page (ListPageSize) at a time and each
// page's passes through $batch: for 5,000 users, 6 pages and 250 batches.
// emit returning false stops the scan. An error is returned for what stops the
// listing as a whole (an unknown group, a missing permission); a failure for
// one user is in its UserPasses.Err.
func (c *Client) ScanPasses(ctx context.Context, sel UserSelection, emit func(UserPasses) bool) error {
	stopped := false
	batch := func(users []User) error {
		ids := make([]string, len(users))
		for i, u := range users {
			ids[i] = u.ID
		}
		lists, errs := c.listPassesOf(ctx, ids, sel.ToDelete)
		methods, merrs := make([][]Method, len(users)), make([]error, len(users))
		if sel.WithMethods {
			var holders []string
			var at []int
			for i := range users {
				if errs[i] == nil && len(lists[i]) > 0 {
					holders, at = append(holders, ids[i]), append(at, i)
				}
			}
			ms, mes := c.MethodsOf(ctx, holders)
			for k, i := range at {
				methods[i], merrs[i] = ms[k], mes[k]
			}
		}
		for i, u := range users {
			if !emit(UserPasses{User: u, Passes: lists[i], Err: errs[i], Methods: methods[i], MethodsErr: merrs[i]}) {
				stopped = true
				return errStop
			}
		}
		return ctx.Err()
	}
	var err error
	switch {
	case sel.GroupID != "":
		err = c.pageUsers(ctx, "{+baseurl}/groups/{group%2Did}/transitiveMembers{?%24select,%24top}", map[string]string{"group%2Did": sel.GroupID},
			"list the transitive members of group "+sel.GroupID, permGroupMembersRead, batch)
	case len(sel.UserIDs) > 0:
		var users []User
		for _, ref := range sel.UserIDs {
			u, gerr := c.GetUser(ctx, ref)
			if gerr != nil {
				if !IsNotFound(gerr) {
					return gerr
				}
				// Reported in order with the others: one missing user does not hide the rest.
				if len(users) > 0 {
					if err = batch(users); err != nil {
						break
					}
					users = users[:0]
				}
				if !emit(UserPasses{User: User{ID: ref}, Err: gerr}) {
					stopped = true
					break
				}
				continue
			}
			users = append(users, *u)
		}
		if err == nil && !stopped && len(users) > 0 {
			err = batch(users)
		}
	default:
		err = c.pageUsers(ctx, "{+baseurl}/users{?%24select,%24top}", nil, "list the users of the tenant", permUserRead, batch)
	}
	if stopped || err == errStop {
		return nil
	}
	return err
}

type stopError struct{}

func (stopError) Error() string { return "stopped" }

var errStop error = stopError{}

// pageUsers follows @odata.nextLink through a user collection, handing each
// page's users (other member types dropped) to fn.
func (c *Client) pageUsers(ctx context.Context, template string, params map[string]string, op, permission string, fn func([]User) error) error {
	return c.pageObjects(ctx, template, params, userSelect, op, permission, func(page []*memberModel) error {
		users := make([]User, 0, len(page))
		for _, m := range page {
			if t := deref(m.odataType); t != "" && !strings.EqualFold(t, "#microsoft.graph.user") {
				continue // a nested group: its members are listed too (transitive)
			}
			users = append(users, *m.user())
		}
		if len(users) == 0 {
			return nil
		}
		return fn(users)
	})
}

// pageObjects follows @odata.nextLink through a directory-object collection (template takes
// $select and $top), handing each page to fn.
func (c *Client) pageObjects(ctx context.Context, template string, params map[string]string, sel, op, permission string, fn func([]*memberModel) error) error {
	next := ""
	for first := true; first || next != ""; first = false {
		var page *pageModel
		err := c.retry(ctx, retryOn{transport: true}, func() error {
			var ri *abstractions.RequestInformation
			if next == "" {
				p := map[string]string{"baseurl": c.baseURL}
				for k, v := range params {
					p[k] = v
				}
				ri = abstractions.NewRequestInformationWithMethodAndUrlTemplateAndPathParameters(abstractions.GET, template, p)
				ri.QueryParameters["%24select"] = sel
				ri.QueryParameters["%24top"] = strconv.Itoa(ListPageSize)
			} else {
				u, perr := url.Parse(next)
				if perr != nil {
					return &Error{Kind: KindUnknown, Op: op, Message: "Graph answered with an invalid @odata.nextLink"}
				}
				ri = abstractions.NewRequestInformation()
				ri.Method = abstractions.GET
				// The next link is complete, query and all: used as it is.
				ri.SetUri(*u)
			}
			ri.Headers.TryAdd("Accept", "application/json")
			res, err := c.adapter.Send(ctx, ri, func(serialization.ParseNode) (serialization.Parsable, error) { return &pageModel{}, nil }, errorMapping)
			if err != nil {
				return c.classifyCall(op, permission, err)
			}
			page, _ = res.(*pageModel)
			if page == nil {
				page = &pageModel{}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := fn(page.value); err != nil {
			return err
		}
		next = deref(page.nextLink)
	}
	return nil
}

// pageModel is one page of a directory-object collection.
type pageModel struct {
	value    []*memberModel
	nextLink *string
}

func (p *pageModel) Serialize(serialization.SerializationWriter) error { return nil }

func (p *pageModel) GetFieldDeserializers() map[string]func(serialization.ParseNode) error {
	return map[string]func(serialization.ParseNode) error{
		"value": func(n serialization.ParseNode) error {
			vs, err := n.GetCollectionOfObjectValues(func(serialization.ParseNode) (serialization.Parsable, error) { return &memberModel{}, nil })
			for _, v := range vs {
				if m, ok := v.(*memberModel); ok {
					p.value = append(p.value, m)
				}
			}
			return err
		},
		"@odata.nextLink": func(n serialization.ParseNode) error {
			v, err := n.GetStringValue()
			p.nextLink = v
			return err
		},
	}
}

// memberModel is a user, or another directory object in a group's members or a user's memberships.
type memberModel struct {
	userModel
	odataType          *string
	isAssignableToRole *bool // a group's
}

func (m *memberModel) GetFieldDeserializers() map[string]func(serialization.ParseNode) error {
	f := m.userModel.GetFieldDeserializers()
	f["@odata.type"] = func(n serialization.ParseNode) error {
		v, err := n.GetStringValue()
		m.odataType = v
		return err
	}
	f["isAssignableToRole"] = func(n serialization.ParseNode) error {
		v, err := n.GetBoolValue()
		m.isAssignableToRole = v
		return err
	}
	return f
}

// Group is the part of a directory group the provider needs.
type Group struct {
	ID          string
	DisplayName string
}

// GetGroup reads a group by object id.
func (c *Client) GetGroup(ctx context.Context, id string) (*Group, error) {
	var out *Group
	err := c.retry(ctx, retryOn{transport: true}, func() error {
		ri := abstractions.NewRequestInformationWithMethodAndUrlTemplateAndPathParameters(abstractions.GET,
			"{+baseurl}/groups/{group%2Did}{?%24select}", map[string]string{"baseurl": c.baseURL, "group%2Did": id})
		ri.QueryParameters["%24select"] = "id,displayName"
		ri.Headers.TryAdd("Accept", "application/json")
		res, err := c.adapter.Send(ctx, ri, func(serialization.ParseNode) (serialization.Parsable, error) { return &memberModel{}, nil }, errorMapping)
		if err != nil {
			return c.classifyCall("read group "+id, permGroupMembersRead, err)
		}
		m, _ := res.(*memberModel)
		if m == nil {
			return &Error{Kind: KindUnknown, Op: "read group " + id, Message: "Graph answered with no group"}
		}
		out = &Group{ID: deref(m.id), DisplayName: deref(m.displayName)}
		return nil
	})
	return out, err
}
