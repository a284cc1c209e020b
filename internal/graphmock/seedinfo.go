package graphmock

// The seeded tenant as a newcomer needs it (GET /_mock/seed, printed at start),
// and POST /_mock/reset, so nobody reads the source for an id or restarts the mock.

import (
	"fmt"
	"strings"
)

// SeedInfo is what the mock starts from: the tenant's ids, its apps with their
// secrets (test fixtures), groups and users, and the fixed values of the other
// sign-in methods.
type SeedInfo struct {
	TenantID string     `json:"tenantId"`
	Domain   string     `json:"domain"`
	Apps     []SeedApp  `json:"apps"`
	Groups   []Group    `json:"groups"`
	Users    []User     `json:"users"`
	Methods  SeedMethod `json:"methods"`
}

// SeedApp is an app of the seed with its first client secret.
type SeedApp struct {
	ClientID        string   `json:"clientId"`
	DisplayName     string   `json:"displayName"`
	ClientSecret    string   `json:"clientSecret,omitempty"`
	Certificate     bool     `json:"certificate,omitempty"`
	ManagedIdentity bool     `json:"managedIdentity,omitempty"`
	Roles           []string `json:"roles"`
}

// SeedMethod holds the fixed values for trying each authentication method.
type SeedMethod struct {
	CertificatePFXPath  string `json:"certificatePfxPath"`
	CertificatePassword string `json:"certificatePassword"`
	OIDCRequestPath     string `json:"oidcRequestPath"`
	OIDCRequestToken    string `json:"oidcRequestToken"`
	FederatedSubject    string `json:"federatedSubject"`
	MSIEndpointPath     string `json:"msiEndpointPath"`
	IdentityHeader      string `json:"identityHeader"`
}

// SeedInfo describes the seed the mock was started with (and resets to).
func (m *Mock) SeedInfo() SeedInfo {
	seed := DefaultSeed()
	if m.opts.Seed != nil {
		seed = *m.opts.Seed
	}
	info := SeedInfo{TenantID: seed.TenantID, Domain: seed.Domain, Groups: seed.Groups, Users: seed.Users,
		Methods: SeedMethod{
			CertificatePFXPath: "/_mock/certificate.pfx", CertificatePassword: CertificatePassword,
			OIDCRequestPath: "/_mock/oidc/github", OIDCRequestToken: GitHubRequestToken, FederatedSubject: FederatedSubject,
			MSIEndpointPath: "/_mock/msi/token", IdentityHeader: IdentityHeader,
		}}
	for _, a := range seed.Apps {
		sa := SeedApp{ClientID: a.ClientID, DisplayName: a.DisplayName, Certificate: a.UseGeneratedCertificate,
			ManagedIdentity: a.ManagedIdentity, Roles: a.Roles}
		if len(a.Secrets) > 0 {
			sa.ClientSecret = a.Secrets[0]
		}
		info.Apps = append(info.Apps, sa)
	}
	return info
}

// String is the summary the command prints at start.
func (i SeedInfo) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "tenant   %s (%s)\n", i.TenantID, i.Domain)
	for _, a := range i.Apps {
		switch {
		case a.ManagedIdentity:
			fmt.Fprintf(&b, "app      %s %q managed identity (GET %s, X-IDENTITY-HEADER %s)\n", a.ClientID, a.DisplayName, i.Methods.MSIEndpointPath, i.Methods.IdentityHeader)
		default:
			fmt.Fprintf(&b, "app      %s %q secret %s\n", a.ClientID, a.DisplayName, a.ClientSecret)
		}
		fmt.Fprintf(&b, "           roles %s\n", strings.Join(a.Roles, ", "))
	}
	for _, g := range i.Groups {
		fmt.Fprintf(&b, "group    %s %q members %s\n", g.ID, g.DisplayName, strings.Join(g.Members, ", "))
	}
	for _, u := range i.Users {
		fmt.Fprintf(&b, "user     %s %s (%s)", u.ID, u.UserPrincipalName, u.UserType)
		if len(u.Roles) > 0 {
			fmt.Fprintf(&b, " roles %s", strings.Join(u.Roles, ", "))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "methods  certificate GET %s (password %s); OIDC GET %s (Authorization: Bearer %s)\n",
		i.Methods.CertificatePFXPath, i.Methods.CertificatePassword, i.Methods.OIDCRequestPath, i.Methods.OIDCRequestToken)
	return b.String()
}

func handleGetSeed(c *call) (reply, error) { return ok(c.m.SeedInfo()), nil }

// handleReset is POST /_mock/reset: the seed again, clock, faults and request log included.
func handleReset(c *call) (reply, error) {
	c.m.Reset()
	return ok(map[string]any{"now": formatTime(c.m.Now())}), nil
}
