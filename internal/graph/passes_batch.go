package graph

// The pass operations over $batch (batch.go): many users' passes created, read, listed or
// deleted at once, each answer turned into a Pass or an *Error as the single-pass calls of
// passes.go do.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// passPath is the pass collection of a user, relative to the version.
func passPath(userID string) string {
	return "/users/" + url.PathEscape(userID) + "/authentication/temporaryAccessPassMethods"
}

// passWire is a pass as Graph sends it.
type passWire struct {
	ID                    string     `json:"id"`
	TemporaryAccessPass   *string    `json:"temporaryAccessPass"`
	CreatedDateTime       *time.Time `json:"createdDateTime"`
	StartDateTime         *time.Time `json:"startDateTime"`
	LifetimeInMinutes     int32      `json:"lifetimeInMinutes"`
	IsUsableOnce          bool       `json:"isUsableOnce"`
	IsUsable              bool       `json:"isUsable"`
	MethodUsabilityReason string     `json:"methodUsabilityReason"`
}

func (w passWire) pass(userID string) *Pass {
	p := &Pass{ID: w.ID, UserID: userID, Code: deref(w.TemporaryAccessPass), LifetimeInMinutes: w.LifetimeInMinutes,
		IsUsableOnce: w.IsUsableOnce, IsUsable: w.IsUsable, MethodUsabilityReason: w.MethodUsabilityReason}
	if w.CreatedDateTime != nil {
		p.CreatedDateTime = w.CreatedDateTime.UTC()
	}
	if w.StartDateTime != nil {
		p.StartDateTime = w.StartDateTime.UTC()
	}
	if p.StartDateTime.IsZero() {
		p.StartDateTime = p.CreatedDateTime
	}
	return p
}

// PassResult is one user's outcome in a many-pass call: Pass, or Err.
type PassResult struct {
	Pass *Pass
	Err  error
}

// CreatePasses issues one pass per request, through $batch; results are in the order of in.
// A user's earlier pass is replaced, as with CreatePass.
func (c *Client) CreatePasses(ctx context.Context, userIDs []string, in []NewPass) []PassResult {
	ops := make([]batchOp, len(userIDs))
	for i, u := range userIDs {
		body := map[string]any{}
		if v := in[i].StartDateTime; v != nil {
			body["startDateTime"] = v.UTC().Format(time.RFC3339)
		}
		if v := in[i].LifetimeInMinutes; v != nil {
			body["lifetimeInMinutes"] = *v
		}
		if v := in[i].IsUsableOnce; v != nil {
			body["isUsableOnce"] = *v
		}
		ops[i] = batchOp{method: http.MethodPost, url: passPath(u), body: body,
			op: "create a Temporary Access Pass for user " + u, permission: permPassWrite, user: u, write: true}
	}
	out := make([]PassResult, len(ops))
	c.runBatch(ctx, "create Temporary Access Passes", ops, func(i int, a batchAnswer, err error) {
		out[i] = passAnswer(ops[i].op, userIDs[i], a, err)
	})
	return out
}

// PassRef names one pass.
type PassRef struct{ UserID, PassID string }

// GetPasses reads passes through $batch; a pass that is gone has an Err for which IsNotFound holds.
func (c *Client) GetPasses(ctx context.Context, refs []PassRef) []PassResult {
	ops := make([]batchOp, len(refs))
	for i, r := range refs {
		ops[i] = batchOp{method: http.MethodGet, url: passPath(r.UserID) + "/" + url.PathEscape(r.PassID),
			op: fmt.Sprintf("read Temporary Access Pass %s of user %s", r.PassID, r.UserID), permission: permPassRead, user: r.UserID}
	}
	out := make([]PassResult, len(ops))
	c.runBatch(ctx, "read Temporary Access Passes", ops, func(i int, a batchAnswer, err error) {
		out[i] = passAnswer(ops[i].op, refs[i].UserID, a, err)
	})
	return out
}

// passAnswer is the pass a batched create or read answered, or why there is none (err).
func passAnswer(op, userID string, a batchAnswer, err error) PassResult {
	if err != nil {
		return PassResult{Err: err}
	}
	var w passWire
	if err := json.Unmarshal(a.body, &w); err != nil || w.ID == "" {
		return PassResult{Err: &Error{Kind: KindUnknown, Op: op, Message: "Graph answered with no pass"}}
	}
	return PassResult{Pass: w.pass(userID)}
}

// ListPassesOf lists the passes of many users through $batch, in the order of userIDs.
func (c *Client) ListPassesOf(ctx context.Context, userIDs []string) ([][]*Pass, []error) {
	return c.listPassesOf(ctx, userIDs, false)
}

// listPassesOf is ListPassesOf; with toDelete, a 403 names the role that deletes the pass
// rather than the one that reads it (the passes are listed to be revoked).
func (c *Client) listPassesOf(ctx context.Context, userIDs []string, toDelete bool) ([][]*Pass, []error) {
	ops := make([]batchOp, len(userIDs))
	for i, u := range userIDs {
		ops[i] = batchOp{method: http.MethodGet, url: passPath(u),
			op: "list the Temporary Access Passes of user " + u, permission: permPassRead, user: u, write: toDelete}
	}
	out, errs := make([][]*Pass, len(ops)), make([]error, len(ops))
	c.runBatch(ctx, "list Temporary Access Passes", ops, func(i int, a batchAnswer, err error) {
		op := ops[i].op
		if err != nil {
			errs[i] = err
			return
		}
		var page struct {
			Value []passWire `json:"value"`
		}
		if err := json.Unmarshal(a.body, &page); err != nil {
			errs[i] = &Error{Kind: KindUnknown, Op: op, Message: "Graph answered with no pass list"}
			return
		}
		for _, w := range page.Value {
			out[i] = append(out[i], w.pass(userIDs[i]))
		}
	})
	return out, errs
}

// LookupPassesOf is LookupPasses for many users, through $batch, for a plan-time check: the
// list proves the user exists, and a user Graph does not find is listed again on its own
// through LookupPasses's replication grace.
func (c *Client) LookupPassesOf(ctx context.Context, userIDs []string) ([][]*Pass, []error) {
	out, errs := c.ListPassesOf(ctx, userIDs)
	for i, err := range errs {
		if IsNotFound(err) {
			out[i], errs[i] = c.LookupPasses(ctx, userIDs[i])
		}
	}
	return out, errs
}

// DeletePasses deletes passes through $batch; one already gone counts as deleted.
func (c *Client) DeletePasses(ctx context.Context, refs []PassRef) []error {
	ops := make([]batchOp, len(refs))
	for i, r := range refs {
		ops[i] = batchOp{method: http.MethodDelete, url: passPath(r.UserID) + "/" + url.PathEscape(r.PassID),
			op: fmt.Sprintf("delete Temporary Access Pass %s of user %s", r.PassID, r.UserID), permission: permPassWrite, user: r.UserID, write: true}
	}
	out := make([]error, len(ops))
	c.runBatch(ctx, "delete Temporary Access Passes", ops, func(i int, _ batchAnswer, err error) {
		if IsNotFound(err) {
			err = nil
		}
		out[i] = err
	})
	return out
}
