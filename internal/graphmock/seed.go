package graphmock

// The default tenant. All of these values are fixed and public: they are test fixtures,
// not secrets.
const (
	TenantID = "7e4a4700-c0de-4000-8000-00000000e1d0"
	Domain   = "contoso.example"

	// The admin app: client secret, the generated certificate and a federated credential;
	// holds Policy.ReadWrite.AuthenticationMethod and UserAuthenticationMethod.ReadWrite.All.
	AdminClientID     = "ad0a1000-0000-4000-8000-00000000ad01"
	AdminClientSecret = "graphmock-admin-secret~not-a-real-secret"
	// The least-privileged app: what a security team grants (UserAuthMethod-TAP.ReadWrite.All,
	// User.Read.All, Policy.Read.AuthenticationMethod), and no group or policy-write permission.
	LeastPrivilegedClientID     = "1ea57000-0000-4000-8000-00000000ad04"
	LeastPrivilegedClientSecret = "graphmock-leastprivileged-secret~not-a-real-secret"
	// The read-only app: only the read permissions.
	ReadOnlyClientID     = "4ead0000-0000-4000-8000-00000000ad02"
	ReadOnlyClientSecret = "graphmock-readonly-secret~not-a-real-secret"
	// The managed identity behind /_mock/msi/token (App Service style), with the admin permissions.
	ManagedIdentityClientID = "0a1d0000-0000-4000-8000-00000000ad03"
	// IdentityHeader is the IDENTITY_HEADER value /_mock/msi/token requires in X-IDENTITY-HEADER.
	IdentityHeader = "graphmock-identity-header"

	// CertificatePassword protects AdminCertificatePFX.
	CertificatePassword = "graphmock"
	// FederatedSubject and FederatedAudience are the admin app's federated credential
	// (issuer: this mock's OIDC issuer, https://HOST/_mock/oidc).
	FederatedSubject  = "repo:entratap/demo:ref:refs/heads/main"
	FederatedAudience = "api://AzureADTokenExchange"
	// GitHubRequestToken is the bearer /_mock/oidc/github requires
	// (ACTIONS_ID_TOKEN_REQUEST_TOKEN; the URL is ENTRATAP_MOCK_URL + "/oidc/github").
	GitHubRequestToken = "graphmock-github-request-token"
	// MockOIDCIssuer in a FederatedCredential stands for this mock's issuer, https://HOST/_mock/oidc.
	MockOIDCIssuer = "{mock}/_mock/oidc"

	// OnboardingGroupID is the group "TAP Onboarding"; it holds alice and the group NewHiresGroupID.
	OnboardingGroupID = "0b0a4d00-0000-4000-8000-0000000000a1"
	// NewHiresGroupID is the group "New hires", nested in "TAP Onboarding"; it holds nora, who is
	// therefore targeted by a policy that includes TAP Onboarding (checkMemberGroups is transitive).
	NewHiresGroupID = "0b0a4d00-0000-4000-8000-0000000000a2"

	AliceID = "a11ce000-0000-4000-8000-000000000001"
	BobID   = "b0b00000-0000-4000-8000-000000000002"
	CarolID = "ca401000-0000-4000-8000-000000000003"
	GuestID = "90e57000-0000-4000-8000-000000000004"
	NoraID  = "40a40000-0000-4000-8000-000000000005"
	// InternalGuestID is an internal guest: userType Guest, a local account of this tenant (no
	// invitation): it can hold a pass.
	InternalGuestID = "16e57000-0000-4000-8000-000000000006"
	AliceUPN        = "alice@" + Domain
	BobUPN          = "bob@" + Domain
	CarolUPN        = "carol@" + Domain
	NoraUPN         = "nora@" + Domain
	// GuestUPN is an external guest (userType Guest, creationType Invitation, externalUserState
	// Accepted): no pass can be added to it.
	GuestUPN = "guest_fabrikam.example#EXT#@" + Domain
	// InternalGuestUPN is an internal guest (userType Guest, no invitation).
	InternalGuestUPN = "contractor@" + Domain

	// Admins, each holding one directory role, to sign in as (delegated tokens: /_mock/token?user=...
	// or the device-code flow); alice, bob and carol are members with no role.
	AuthAdminID      = "ad000000-0000-4000-8000-0000000000a1"
	PrivAuthAdminID  = "ad000000-0000-4000-8000-0000000000a2"
	PolicyAdminID    = "ad000000-0000-4000-8000-0000000000a3"
	GlobalReaderID   = "ad000000-0000-4000-8000-0000000000a4"
	GlobalAdminID    = "ad000000-0000-4000-8000-0000000000a5"
	AuthAdminUPN     = "authadmin@" + Domain     // Authentication Administrator
	PrivAuthAdminUPN = "privauthadmin@" + Domain // Privileged Authentication Administrator
	PolicyAdminUPN   = "policyadmin@" + Domain   // Authentication Policy Administrator
	GlobalReaderUPN  = "reader@" + Domain        // Global Reader
	GlobalAdminUPN   = "globaladmin@" + Domain   // Global Administrator
)

// The Graph application permissions the mock knows.
const (
	PermPolicyRead              = "Policy.Read.AuthenticationMethod"
	PermPolicyReadWrite         = "Policy.ReadWrite.AuthenticationMethod"
	PermPolicyReadAll           = "Policy.Read.All"
	PermTAPRead                 = "UserAuthMethod-TAP.Read.All" // the least-privileged pass read
	PermTAPReadWrite            = "UserAuthMethod-TAP.ReadWrite.All"
	PermUserAuthMethodRead      = "UserAuthenticationMethod.Read.All"
	PermUserAuthMethodReadWrite = "UserAuthenticationMethod.ReadWrite.All"
	PermUserRead                = "User.Read.All"
	PermGroupMemberRead         = "GroupMember.Read.All"
	PermGroupRead               = "Group.Read.All"
	PermDirectoryRead           = "Directory.Read.All"
	// Delegated scopes acting on the signed-in user only.
	PermTAPReadSelf                 = "UserAuthMethod-TAP.Read"
	PermTAPReadWriteSelf            = "UserAuthMethod-TAP.ReadWrite"
	PermUserAuthMethodReadSelf      = "UserAuthenticationMethod.Read"
	PermUserAuthMethodReadWriteSelf = "UserAuthenticationMethod.ReadWrite"
)

// DefaultSeed returns the default tenant (a fresh copy each call, to change in tests).
func DefaultSeed() Seed {
	adminRoles := []string{PermPolicyReadWrite, PermUserAuthMethodReadWrite, PermUserRead, PermGroupMemberRead}
	return Seed{
		TenantID: TenantID,
		Domain:   Domain,
		Apps: []App{
			{
				ClientID:                AdminClientID,
				DisplayName:             "entratap admin",
				Secrets:                 []string{AdminClientSecret},
				UseGeneratedCertificate: true,
				FederatedCredentials: []FederatedCredential{{
					Issuer: MockOIDCIssuer, Subject: FederatedSubject, Audiences: []string{FederatedAudience},
				}},
				Roles: adminRoles,
			},
			{
				ClientID:    ReadOnlyClientID,
				DisplayName: "entratap read-only",
				Secrets:     []string{ReadOnlyClientSecret},
				Roles:       []string{PermPolicyRead, PermUserAuthMethodRead, PermUserRead, PermGroupMemberRead},
			},
			{
				ClientID:    LeastPrivilegedClientID,
				DisplayName: "entratap least-privileged",
				Secrets:     []string{LeastPrivilegedClientSecret},
				Roles:       []string{PermTAPReadWrite, PermUserRead, PermPolicyRead},
			},
			{
				ClientID:        ManagedIdentityClientID,
				DisplayName:     "entratap managed identity",
				ManagedIdentity: true,
				Roles:           adminRoles,
			},
		},
		Users: []User{
			{ID: AliceID, UserPrincipalName: AliceUPN, DisplayName: "Alice Example", UserType: userTypeMember},
			{ID: BobID, UserPrincipalName: BobUPN, DisplayName: "Bob Example", UserType: userTypeMember},
			{ID: CarolID, UserPrincipalName: CarolUPN, DisplayName: "Carol Example", UserType: userTypeMember},
			{ID: GuestID, UserPrincipalName: GuestUPN, DisplayName: "Guest (fabrikam.example)", UserType: userTypeGuest,
				CreationType: creationInvitation, ExternalUserState: "Accepted"},
			{ID: NoraID, UserPrincipalName: NoraUPN, DisplayName: "Nora Example", UserType: userTypeMember},
			{ID: InternalGuestID, UserPrincipalName: InternalGuestUPN, DisplayName: "Contractor (internal guest)", UserType: userTypeGuest},
			{ID: AuthAdminID, UserPrincipalName: AuthAdminUPN, DisplayName: "Authentication Admin", UserType: userTypeMember, Roles: []string{RoleAuthenticationAdministrator}},
			{ID: PrivAuthAdminID, UserPrincipalName: PrivAuthAdminUPN, DisplayName: "Privileged Authentication Admin", UserType: userTypeMember, Roles: []string{RolePrivilegedAuthenticationAdministrator}},
			{ID: PolicyAdminID, UserPrincipalName: PolicyAdminUPN, DisplayName: "Authentication Policy Admin", UserType: userTypeMember, Roles: []string{RoleAuthenticationPolicyAdministrator}},
			{ID: GlobalReaderID, UserPrincipalName: GlobalReaderUPN, DisplayName: "Global Reader", UserType: userTypeMember, Roles: []string{RoleGlobalReader}},
			{ID: GlobalAdminID, UserPrincipalName: GlobalAdminUPN, DisplayName: "Global Admin", UserType: userTypeMember, Roles: []string{RoleGlobalAdministrator}},
		},
		Groups: []Group{
			{ID: OnboardingGroupID, DisplayName: "TAP Onboarding", Members: []string{AliceID, NewHiresGroupID}},
			{ID: NewHiresGroupID, DisplayName: "New hires", Members: []string{NoraID}},
		},
	}
}
