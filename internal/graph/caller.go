package graph

// Who the client runs as: an application or a signed-in user, read from the access token's
// claims (decoded, not verified: Graph verifies it; we only need to know who we are).

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/golang-jwt/jwt/v5"
)

// Caller kinds.
const (
	CallerApplication = "application"
	CallerUser        = "user"
)

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
		return fmt.Sprintf("user %s (object id %s)", Printable(c.UserPrincipalName), c.ObjectID)
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
		// b79fbf4d-... (User) and 10dae51f-... (Guest User): the default role of every member
		// and every guest, in their wids (entra-docs docs/identity-platform/access-token-claims-reference.md); not directory roles.
		if strings.EqualFold(id, "b79fbf4d-3ef9-4689-8143-76b194e85509") || strings.EqualFold(id, "10dae51f-b6af-4016-8d66-8c2a99b929b3") {
			continue
		}
		c.Roles = append(c.Roles, RoleName(id))
	}
	sort.Strings(c.Roles)
	return c, nil
}
