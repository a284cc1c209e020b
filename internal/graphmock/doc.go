// Package graphmock is a fake Microsoft Graph and Entra ID login service for the Temporary
// Access Pass (TAP) API: an http.Handler over an in-memory tenant, usable in-process from
// tests (New, or Start for HTTPS on loopback) and served by the command
// internal/graphmock/cmd/graphmock.
//
// # Layout
//
//   - routes.go: every endpoint, in three tables (login, Graph, controls) matched by net/http's ServeMux.
//   - mock.go: the handler: ServeHTTP (request ids, body, request log) and Mock.run, the one
//     pipeline every request takes (faults, token, route, permission, lock, {user}, handler).
//   - tenant.go: the in-memory tenant and the types of the seed and the state (one Pass).
//   - rules.go: the TAP API's rules, each in one place (policy ranges, targets, one pass per
//     user, pass creation, usability, codes, sign-in).
//   - decode.go: strict decoding of request bodies (encoding/json on typed request structs).
//   - graph.go, login.go, controls.go: the handlers; api.go and reset.go: the Go equivalents of the controls.
//   - client.go: Client, the controls from another process (built from the env file).
//   - faults.go: fault injection; persist.go: the state file; server.go: HTTPS; certs.go: keys.
//
// # Transport
//
// Start serves HTTPS (HTTP/2 and HTTP/1.1) on loopback with a CA generated at start; its
// PEM is Server.CAPEM and the file Server.CAFile (SSL_CERT_FILE in the env file). Request
// bodies may be gzip-compressed (Content-Encoding: gzip), as msgraph-sdk-go sends them; a body
// over 1 MiB, compressed or not, is answered 413 requestEntityTooLarge. Every response
// carries a request-id header and echoes client-request-id (the request-id when none is sent).
//
// # Login (what azidentity and MSAL call)
//
//   - GET /{tenant}/v2.0/.well-known/openid-configuration: issuer https://HOST/{tenantId}/v2.0,
//     authorization_endpoint, token_endpoint, jwks_uri. {tenant} is the tenant id or its domain.
//   - GET /{tenant}/discovery/v2.0/keys: the key that signs access tokens.
//   - POST /{tenant}/oauth2/v2.0/token, grant_type=client_credentials, scope RESOURCE/.default
//     (RESOURCE: https://graph.microsoft.com or the mock's own https://HOST:PORT), with
//     client_secret, or client_assertion: a JWT signed (RS256 or PS256, as MSAL does) with a
//     certificate registered on the app (aud = this token endpoint, iss = sub = client id), or a
//     federated token whose issuer and subject match a federated credential of the app and whose
//     audience is one of the credential's (default api://AzureADTokenExchange). Errors use
//     Entra's shape: {"error":"invalid_client","error_description":"AADSTS7000215: ...","error_codes":[7000215]}
//     (401 for a wrong secret, an unknown client or a bad assertion).
//   - GET /_mock/msi/token: the App Service managed-identity endpoint (IDENTITY_ENDPOINT),
//     requiring X-IDENTITY-HEADER: IdentityHeader; answers access_token, expires_on, resource,
//     token_type and client_id for the seeded managed identity (ManagedIdentityClientID).
//   - The mock OIDC issuer https://HOST/_mock/oidc: /.well-known/openid-configuration, /keys,
//     and GET /_mock/oidc/github?audience=... with Authorization: Bearer GitHubRequestToken,
//     answering {"value":"<federated JWT>"} for subject FederatedSubject, like GitHub Actions'
//     ACTIONS_ID_TOKEN_REQUEST_URL. MintFederatedToken mints such tokens in-process. Only this
//     issuer's tokens can be verified (the mock has no network).
//
// Access tokens are RS256 JWTs signed by the mock with iss, tid, appid, azp, oid, roles (the
// app's permissions), aud, iat, nbf and exp. Their expiry uses wall time, not the tenant clock
// (Options.TokenLifetime, default 1h), so AdvanceClock never expires a token.
//
// # Graph v1.0
//
// Every /v1.0 request needs a valid bearer token (signature, expiry, tenant, audience), else
// 401 InvalidAuthenticationToken; then the permission in the token's roles, else 403
// {"error":{"code":"accessDenied","message":"Request Authorization failed. Missing permission: ..."}}.
// Errors always have Graph's shape {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}.
// Bodies are decoded strictly: not a JSON object, a wrong type or an unknown property (also
// one in the wrong case) is a 400 badRequest; OData annotations such as "@odata.type" or
// "state@odata.type" are accepted at any depth ("@odata.type" must be a string). Paths match
// in any case ("/V1.0/users/..." too); a trailing slash is ignored.
//
//   - GET|PATCH|DELETE /v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass
//     (id case-insensitive). GET: Policy.Read.AuthenticationMethod or ...ReadWrite...; PATCH and
//     DELETE: Policy.ReadWrite.AuthenticationMethod. PATCH needs "@odata.type":
//     "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration", answers 204, and
//     keeps min and max in 10–43200, min ≤ default ≤ max, defaultLength in 8–48, targets of type
//     user or group that exist (all_users as a group in includeTargets only), no duplicates.
//     DELETE restores DefaultPolicy (disabled, 60/60/480, length 8, all_users).
//   - GET /v1.0/users/{id|userPrincipalName} (UPN case-insensitive; User.Read.All or Directory.Read.All).
//   - GET /v1.0/groups/{id} and POST /v1.0/users/{id|upn}/checkMemberGroups {"groupIds":[...]}
//     → {"value":[ids the user is a member of]} (GroupMember.Read.All, Group.Read.All or Directory.Read.All).
//   - POST|GET /v1.0/users/{id|upn}/authentication/temporaryAccessPassMethods and
//     GET|DELETE .../temporaryAccessPassMethods/{id}. POST and DELETE need
//     UserAuthenticationMethod.ReadWrite.All; GET ...Read.All or ...ReadWrite.All. One pass per
//     user: a POST replaces the pass, whose id then answers 404. lifetimeInMinutes (default: the
//     policy's) must lie within the policy's range, else 400 "Invalid LifetimeInMinutes specified.
//     The valid range between MIN and MAX."; isUsableOnce defaults to the policy's, and a multi-use
//     pass under a one-time policy is 400; startDateTime defaults to now. External guests: 400
//     "Temporary Access Pass cannot be added to an external guest user". Unknown user: 404
//     Request_ResourceNotFound. The code (defaultLength characters of letters, digits and
//     #+-!@$%&*=?, from crypto/rand) is only in the 201 answer; the mock keeps a salted SHA-256.
//     isUsable and methodUsabilityReason come from the tenant clock, in this precedence:
//     OneTimeUsed, Expired, DisabledByPolicy (policy disabled, or the user not in includeTargets
//     or in excludeTargets; creation still succeeds), NotYetValid, EnabledByPolicy.
//
// Choices Graph does not document (unverified; each is in one place): the 400 for a multi-use
// pass under a one-time policy (rules.go msgOneTimeRequired), itemNotFound for an unknown pass id
// (errors.go codeItemNotFound), targetType defaulting to group when omitted (rules.go),
// 400 for a target that does not exist, and 400 "Resource not found for the segment" for an
// unknown path.
//
// # Controls (/_mock/, no auth, never faulted)
//
//   - POST /_mock/signin {"user":"<id or upn>","temporaryAccessPass":"<code>"}: 200 when the code
//     signs the user in now (a one-time pass becomes OneTimeUsed); 401 with the reason as the
//     error code otherwise: NoPass, WrongCode, Expired, NotYetValid, OneTimeUsed, DisabledByPolicy
//     (404 UserNotFound for an unknown user). Go: Mock.SignIn.
//   - GET|POST /_mock/clock {"advance":"90m"}: read or move the tenant clock forward (at most MaxClockOffset from wall time). Go: AdvanceClock, Now.
//   - GET|POST /_mock/faults {"rate":0.2,"statuses":[429,503],"retryAfterSeconds":0,"latencyMs":5,
//     "replicationLagReads":2,"dropAfterCommitRate":0,"holdAfterCommitMs":0}: see Faults. Each POST replaces the whole
//     setting (fields left out are off; {"rate":0} turns everything off). Faults apply to /v1.0/
//     only; randomness is seeded by Options.FaultSeed. Go: SetFaults, Faults.
//   - GET /_mock/requests: the request log [{"method","path","status","time","fault"}], every
//     request including login and failures (the newest 100,000); DELETE empties it. Go: Requests, ResetRequests.
//   - GET /_mock/state: the tenant (State): policy, users, groups with members, passes without codes. Go: Snapshot.
//   - POST /_mock/users {"userPrincipalName","displayName","userType":"Member"|"Guest","groups":[ids]}:
//     201 with the new user and its id. Go: AddUser.
//   - GET /_mock/token?clientId=...: an access token as `az account get-access-token` prints it
//     (for a fake az CLI). Go: MintAccessToken.
//   - GET /_mock/certificate.pem (certificate and PKCS#8 key) and /_mock/certificate.pfx
//     (password CertificatePassword): the admin app's certificate, generated at each start.
//   - GET /_mock/seed: the seed (SeedInfo): tenant id, apps with their first secret and roles, groups,
//     users, and the fixed values for the certificate, OIDC and managed-identity methods; the
//     command prints the same at start.
//   - POST /_mock/reset: Reset over HTTP (the seed again, clock, faults and request log included).
//   - GET /_mock: the list of controls.
//
// Reset puts the mock back to its seed (no faults, clock at wall time, empty log) while keys,
// certificates and the listener stay, for tests that share one server.
//
// GraphRequest runs a /v1.0 request through the routing and handlers with every permission,
// bypassing tokens, faults, replication lag and the request log, for out-of-band changes.
//
// # Default tenant
//
// Tenant TenantID (domain contoso.example). Apps: the admin app AdminClientID (secret
// AdminClientSecret, the generated certificate, a federated credential for issuer
// https://HOST/_mock/oidc, subject FederatedSubject, audience FederatedAudience) holding
// Policy.ReadWrite.AuthenticationMethod, UserAuthenticationMethod.ReadWrite.All, User.Read.All
// and GroupMember.Read.All; the read-only app ReadOnlyClientID (ReadOnlyClientSecret) holding
// Policy.Read.AuthenticationMethod, UserAuthenticationMethod.Read.All, User.Read.All and
// GroupMember.Read.All; the managed identity ManagedIdentityClientID with the admin's
// permissions. Users: alice (AliceID, AliceUPN), bob, carol (members) and an external guest
// (GuestUPN, userType Guest). Group "TAP Onboarding" (OnboardingGroupID) holds alice. The TAP
// policy starts at DefaultPolicy, which is disabled. Options.Seed (or --seed FILE, a Seed as
// JSON) replaces all of it.
//
// # State
//
// With Options.StatePath (--state) the tenant (directory, policy, passes with their codes'
// salted hashes, clock offset) is written to a temporary file and renamed over the state file
// on every change, and loaded at start; an unreadable state file is an error and is left as it
// is. Keys, certificates and the CA are new at every start.
package graphmock
