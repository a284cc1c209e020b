// Package graphmock is a fake Microsoft Graph and Entra ID login service for the Temporary
// Access Pass (TAP) API: an http.Handler over an in-memory tenant, usable in-process from
// tests (New, or Start for HTTPS on loopback) and served by the command cmd/graphmock.
//
// # Layout
//
//   - routes.go: every endpoint, in three tables (login, Graph, controls) matched by net/http's ServeMux.
//   - mock.go: the handler: ServeHTTP (request ids, body, request log) and Mock.run, the one
//     pipeline every request takes (faults, token, route, permission, lock, {user}, handler).
//   - admit.go: what comes before routing a Graph request: latency, faults, the bearer token.
//   - tenant.go: the in-memory tenant and the types of the seed and the state (one Pass).
//   - rules.go: the TAP API's rules, each in one place (policy ranges, targets, one pass per
//     user, pass creation, usability, codes, sign-in, directory roles of delegated calls).
//   - delegated.go: delegated tokens (the az control, the device-code flow), /me and role assignments.
//   - decode.go: strict decoding of request bodies: Graph's by the CSDL facts, the controls' by typed structs.
//   - facts.go: the facts of Microsoft's v1.0 CSDL (testdata/csdl-v1.0-facts.json, written by
//     cmd/csdlfacts) and the one checker that walks a JSON value against them.
//   - graph.go, login.go, controls.go: the handlers; api.go and reset.go: the Go equivalents of the controls.
//   - client.go: Client, the controls from another process (built from the env file).
//   - users.go: users' property sets and $select; query.go: the query options each path serves.
//   - faults.go: fault injection; persist.go: the state file; server.go: HTTPS; certs.go: keys.
//   - gate.go: gates that hold matching requests until a test releases them.
//   - conformance/: Microsoft's JavaScript libraries drive the mock (node --test, from go test).
//
// # Transport
//
// Start serves HTTPS (HTTP/2 and HTTP/1.1) on loopback with a CA generated at start, or the
// one of Options.CA (NewCA: one CA and one set of keys for every mock of a process); its
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
//     audience is one of the credential's (default api://AzureADTokenExchange). A `claims`
//     parameter carrying a CAE challenge's claims gets a token that satisfies them.
//   - Errors in Entra's shape: {"error","error_description":"AADSTSn: ...\r\nTrace ID: ...\r\n
//     Correlation ID: ...\r\nTimestamp: 2026-11-28 12:51:51Z","error_codes":[n],"timestamp",
//     "trace_id","correlation_id" (the client-request-id),"error_uri":"https://login.microsoftonline.com/error?code=n"}.
//     Wrong secret 401 invalid_client AADSTS7000215; unknown client id 400 unauthorized_client
//     AADSTS700016; unknown tenant 400 invalid_request AADSTS90002; federated token: app without
//     federated credentials AADSTS70021, no credential with its issuer AADSTS700211, none with
//     its subject AADSTS700213, wrong audience AADSTS700212 (all 401 invalid_client).
//   - GET /_mock/msi/token: the App Service managed-identity endpoint (IDENTITY_ENDPOINT),
//     requiring X-IDENTITY-HEADER: IdentityHeader; answers access_token, expires_on, resource,
//     token_type and client_id for the seeded managed identity (ManagedIdentityClientID).
//   - The mock OIDC issuer https://HOST/_mock/oidc: /.well-known/openid-configuration, /keys,
//     and GET /_mock/oidc/github?audience=... with Authorization: Bearer GitHubRequestToken,
//     answering {"value":"<federated JWT>"} for subject FederatedSubject, like GitHub Actions'
//     ACTIONS_ID_TOKEN_REQUEST_URL. MintFederatedToken mints such tokens in-process. Only this
//     issuer's tokens can be verified (the mock has no network).
//
// Access tokens are v1.0 RS256 JWTs signed by the mock with iss (https://sts.windows.net/<tenant>/),
// ver 1.0, tid, appid, azp, oid, roles (the app's permissions), aud, uti (a token id), iat, nbf and
// exp, and xms_cc when the client declared capabilities. Their expiry uses wall time, not
// the tenant clock (Options.TokenLifetime, default 1h), so AdvanceClock never expires a token.
//
// # Delegated access (an admin signed in as themselves)
//
// Users may hold directory roles (User.Roles, by name or Microsoft's template id; seeded: one
// admin per role, see AuthAdminUPN and the others; alice, bob and carol hold none). A user's
// token carries scp (the delegated permissions), oid, upn and wids (the roles' template ids),
// from GET /_mock/token?user=UPN[&scope=a,b] (what a stand-in az calls) or from the device-code
// flow: POST /{tenant}/oauth2/v2.0/devicecode, then POST /_mock/devicecode {"userCode","user"}
// approves it, and the token endpoint (grant_type device_code) answers authorization_pending
// until then (expired_token AADSTS70019 after 15 minutes); with offline_access it also returns a
// refresh_token for grant_type=refresh_token. /organizations and /common serve the Azure CLI client. On Graph, such a token needs the scope and a role covering the target (delegated.go
// classifies the route; rules.go holds the rules and their sources); /me and
// /me/authentication/temporaryAccessPassMethods serve the signed-in user (an application token
// gets Graph's 400); GET /v1.0/roleManagement/directory/roleAssignments?$filter=principalId eq '<id>'
// lists a user's roles (roleDefinitionId eq, $expand=principal and $select too).
//
// # Graph (/v1.0 and /beta)
//
// /beta serves exactly the /v1.0 endpoints (its annotations name /beta). Every request needs a
// valid bearer token (signature, expiry, tenant, audience), else 401 InvalidAuthenticationToken
// with WWW-Authenticate: Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize",
// client_id="00000003-0000-0000-c000-000000000000"; then the permission in the token's roles,
// else 403 {"error":{"code":"accessDenied","message":"Request Authorization failed. Missing
// permission: <least-privileged> (or <others>)"}} (on users, groups and role assignments:
// Authorization_RequestDenied "Insufficient privileges to complete the operation."). Errors always have Graph's shape
// {"error":{"code","message","innerError":{"date":"2026-11-28T12:51:51" (no zone),"request-id","client-request-id"}}}
// (a badRequest's innerError also repeats the message);
// a 429's innerError also has code "429", status "429" and message. Every path outside login
// and /_mock answers in that shape: an unknown Graph path 400 "Resource not found for the
// segment '...'", another version 400 "Invalid version: ...", /me/... with an application token
// 400 "/me request is only valid with delegated authentication flow.". Bodies are decoded
// strictly: not a JSON object is a 400 badRequest, and a Graph body is checked against the
// CSDL facts of its type (a property the type does not define, also one in the wrong case; a
// JSON type that is not the property's EDM type; a value outside an enum: 400 naming the
// property); a null stands for "not given"; OData annotations such as "@odata.type" or
// "state@odata.type" are accepted at any depth. Paths match in any case; a trailing slash is ignored. A "$" query
// option a path does not serve is 400 ("Query option 'OrderBy' is not allowed...", or
// "Unrecognized query argument specified: '$x'."); other parameters are ignored.
//
//   - GET|PATCH|DELETE .../policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass
//     (id case-insensitive). GET: Policy.Read.AuthenticationMethod, Policy.ReadWrite.AuthenticationMethod
//     or Policy.Read.All; PATCH and DELETE: Policy.ReadWrite.AuthenticationMethod. PATCH needs
//     "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration",
//     answers 204, and keeps min and max in 10–43200, min ≤ default ≤ max, defaultLength in 8–48,
//     targets of type user or group that exist (all_users as a group in includeTargets only; a
//     deleted group's id is kept unless missingGroupTargets is "refuse"), no
//     duplicates. DELETE restores DefaultPolicy (disabled, 60/60/480, length 8, all_users).
//   - GET /users/{id|userPrincipalName} (UPN case-insensitive) and GET /users: User.Read.All or
//     Directory.Read.All. Graph's default property set (id, displayName, userPrincipalName, mail,
//     givenName, surname, jobTitle, mobilePhone, officeLocation, preferredLanguage, businessPhones;
//     no userType); $select honoured (userType, externalUserState, creationType, accountEnabled
//     too; any other property of user in the CSDL comes back unset, null or []; a name the CSDL
//     does not define, or a navigation property, is 400). GET /users: $filter userPrincipalName eq '...' or id in
//     ('...', ...) (at most 15), $top 1–999 (default 100), @odata.nextLink with $skiptoken.
//   - GET /groups/{id} ($select) and GET /groups/{id}/transitiveMembers (nested groups followed,
//     paged): GroupMember.Read.All, Group.Read.All or Directory.Read.All. OData casts
//     (/transitiveMembers/microsoft.graph.user, .group; other member types empty; anything else 400
//     Request_UnsupportedQuery) and /$count (text/plain) with ConsistencyLevel: eventual, else 400
//     "$count is not currently supported."; ?$count=true adds @odata.count only with that header
//     (group-list-transitivemembers.md, concepts/aad-advanced-queries.md; list.go).
//   - POST /users/{id|upn}/checkMemberGroups {"groupIds":[...]} → {"value":[ids the user is a
//     transitive member of]}: User.Read.All with GroupMember.Read.All (or Group.Read.All), or Directory.Read.All.
//   - POST|GET /users/{id|upn}/authentication/temporaryAccessPassMethods and
//     GET|DELETE .../temporaryAccessPassMethods/{id}. POST and DELETE need
//     UserAuthMethod-TAP.ReadWrite.All or UserAuthenticationMethod.ReadWrite.All; GET also
//     UserAuthMethod-TAP.Read.All or UserAuthenticationMethod.Read.All. One pass per
//     user: a POST replaces the pass, whose id then answers 404. lifetimeInMinutes (default: the
//     policy's) must lie within the policy's range, else 400 "Invalid LifetimeInMinutes specified.
//     The valid range between MIN and MAX."; isUsableOnce defaults to the policy's, and a multi-use
//     pass under a one-time policy is 400; startDateTime defaults to now, and one in the past is
//     400 "Invalid StartDateTime specified. It can not be a time in the past.". External guests
//     (userType Guest with externalUserState set or creationType Invitation): 400 "Temporary
//     Access Pass cannot be added to an external guest user"; internal guests (userType Guest, a
//     local account) get a pass. Unknown user: 404 Request_ResourceNotFound. The code
//     (defaultLength characters of letters, digits and #+-!@$%&*=?, from crypto/rand) is only in
//     the 201 answer; the mock keeps a salted SHA-256. isUsable and methodUsabilityReason come
//     from the tenant clock, in this precedence: OneTimeUsed, Expired, DisabledByPolicy (policy
//     disabled, or the user not in includeTargets or in excludeTargets; creation still
//     succeeds), NotYetValid, EnabledByPolicy.
//   - GET /users/{id|upn}/authentication/methods (every registered method and the pass, without its
//     code) and the typed lists fido2Methods, microsoftAuthenticatorMethods,
//     windowsHelloForBusinessMethods, phoneMethods, emailMethods, softwareOathMethods,
//     passwordMethods: UserAuthenticationMethod.Read.All or .ReadWrite.All (no TAP-only permission
//     reads them); delegated, the reach of reading passes (rules.go). Each method carries its
//     CSDL properties and createdDateTime on the tenant clock, never a secret (password and
//     secretKey are null). methods.go; its sources are at its top.
//   - Acting on self (delegated): GET /me/authentication/methods, GET|DELETE
//     /me/authentication/temporaryAccessPassMethods/{id}, and the same through /users/{own id}.
//     The self-only scopes UserAuthMethod-TAP.Read and UserAuthenticationMethod.Read read,
//     UserAuthenticationMethod.ReadWrite deletes; they reach no one else (403). Nobody creates a
//     pass for themselves. An unserved /me/... path with a user's token is the unknown-segment 400.
//   - POST /_mock/register {"user","method"} registers a method (fido2, microsoftAuthenticator,
//     windowsHelloForBusiness, phone, email, softwareOath) as the user does at the security-info
//     page: only within 10 minutes (tenant clock) of a successful POST /_mock/signin with a pass,
//     else 403 registrationNotAllowed. The seed and POST /_mock/users may give users methods.
//   - GET /reports/authenticationMethods/userRegistrationDetails: AuditLog.Read.All; each user's
//     row (userregistrationdetails.md) with methodsRegistered from the user's methods and pass;
//     $filter: a Boolean property eq true|false, userPrincipalName or id eq '...',
//     methodsRegistered/any(m:m eq '...'); no $top. Delegated report roles are not modelled.
//     The reports throttling limit applies by path prefix (quota.go).
//
// # Sources
//
// Where each behaviour comes from. Repositories are on GitHub; "docs-contrib" is
// microsoftgraph/microsoft-graph-docs-contrib, "entra-docs" is MicrosoftDocs/entra-docs.
//
//   - Policy resource, defaults, ranges, PATCH 204 with @odata.type, DELETE: docs-contrib
//     api-reference/v1.0/resources/temporaryaccesspassauthenticationmethodconfiguration.md and
//     api-reference/v1.0/api/temporaryaccesspassauthenticationmethodconfiguration-update.md; targetType
//     non-nullable, so a target without it is a 400: microsoftgraph/msgraph-metadata
//     clean_v10_metadata/cleanMetadataWithDescriptionsv1.0.xml.
//   - Policy permissions (Policy.Read.All too): docs-contrib api-reference/v1.0/api/authenticationmethodconfiguration-get.md
//     and includes/permissions/authenticationmethodconfiguration-get-permissions.md.
//   - Pass create/list/get/delete, one pass per user, code only in the 201, lifetime 400 text,
//     usability reasons: docs-contrib api-reference/v1.0/api/authentication-post-temporaryaccesspassmethods.md,
//     authentication-list-temporaryaccesspassmethods.md, temporaryaccesspassauthenticationmethod-get.md,
//     temporaryaccesspassauthenticationmethod-delete.md, resources/temporaryaccesspassauthenticationmethod.md.
//   - TAP-only permissions UserAuthMethod-TAP.Read.All / .ReadWrite.All: docs-contrib
//     includes/permissions/authentication-post-temporaryaccesspassmethods-permissions.md (and the
//     list/get/delete ones) and concepts/permissions-reference.md.
//   - Guests (only external refused; how to tell them apart): entra-docs
//     docs/identity/authentication/howto-authentication-temporary-access-pass.md ("Guest access");
//     docs-contrib api-reference/v1.0/resources/user.md (userType, externalUserState, creationType).
//   - checkMemberGroups transitive, its permissions: docs-contrib api-reference/v1.0/api/directoryobject-checkmembergroups.md.
//   - Users' default property set, $select, $filter, 'in' (15 values), paging: docs-contrib
//     api-reference/v1.0/api/user-get.md, user-list.md, concepts/query-parameters.md, concepts/paging.md.
//   - Error shape, innerError date, 429 body, Retry-After: docs-contrib concepts/errors.md and
//     concepts/throttling.md.
//   - WWW-Authenticate on 401 and the CAE claims challenge: entra-docs
//     docs/identity-platform/app-resilience-continuous-access-evaluation.md; answered by
//     microsoft/kiota-http-go nethttp_request_adapter.go (retryCAEResponseIfRequired) and
//     microsoft/kiota-authentication-azure-go azure_identity_access_token_provider.go (Claims).
//   - /beta serving the same endpoints: docs-contrib api-reference/beta/api/authentication-post-temporaryaccesspassmethods.md.
//   - /me with an application token: docs-contrib concepts/auth-v2-service.md (app-only: no /me)
//     and the error text reported in the issue thread (issue 13).
//   - Login discovery, token request and response: AzureAD/microsoft-authentication-library-for-go
//     apps/internal/oauth/ops/authority/authority.go and apps/internal/oauth/ops/internal/comm;
//     Azure/azure-sdk-for-go sdk/azidentity (DisableInstanceDiscovery, claims).
//   - AADSTS codes and the error body fields: entra-docs docs/identity-platform/reference-error-codes.md;
//     federated mismatches: entra-docs docs/workload-id/workload-identity-federation-considerations.md.
//   - Default tenant (least-privileged app, nested group, internal and external guests): issue 13.
//   - Throttling headers: x-ms-throttle-scope <Scope>/<Limit>/<ApplicationId>/<TenantId> with
//     Limit Read, Write or ReadWrite (resource units: ReadWrite) and the app's GUID, also for the
//     tenant's write limit; x-ms-throttle-information WriteLimitExceeded or
//     ResourceUnitLimitExceeded: docs-contrib concepts/throttling-limits.md ("Throttled responses requests").
//   - Request costs: GET users 2 units, groups/{id}/members 3, groups/{id}/transitiveMembers 5,
//     POST checkMemberGroups 4 and no write, any other GET 1, any other write 1 and 1 write;
//     $select and $top under 20 take 1 off, $expand adds 1, never under 1: docs-contrib
//     concepts/throttling-limits.md (base cost table and "Other factors that affect a request cost").
//   - The reports limit, 5 requests per 10 s per app and tenant, on every /reports/... path:
//     docs-contrib concepts/throttling-limits.md ("Identity and access reports service limits").
//   - A pass whose startDateTime lies before the tenant's now (to the second): 400 badRequest
//     "Invalid StartDateTime specified. It can not be a time in the past.", captured in
//     microsoftgraph/msgraph-sdk-dotnet#2724.
//   - Device code: /organizations and /common accepted for the multi-tenant Azure CLI client
//     (azidentity's DeviceCodeCredential default), single-tenant apps there refused AADSTS50194;
//     offline_access in the scope gets a refresh_token, grant_type=refresh_token redeems it for its
//     client; an expired code is expired_token AADSTS70019: entra-docs
//     docs/identity-platform/v2-oauth2-device-code.md, v2-protocols.md and reference-error-codes.md.
//   - Whom an Authentication Administrator reaches: users without admin roles or holding only
//     Authentication Administrator, Directory Readers, Guest Inviter, Message Center Reader,
//     Password Administrator, Reports Reader, Usage Summary Reports Reader or User Experience
//     Success Manager, and in no role-assignable group (Group.isAssignableToRole; seed or POST
//     /_mock/groups): entra-docs docs/identity/role-based-access-control/privileged-roles-permissions.md
//     ("Who can reset passwords"). GET /users/{id}/memberOf lists a user's direct groups:
//     docs-contrib api-reference/v1.0/api/user-list-memberof.md.
//   - 403 on the directory (users, groups, role assignments): Authorization_RequestDenied
//     "Insufficient privileges to complete the operation." (captured in
//     microsoftgraph/msgraph-sdk-powershell#84 and Microsoft Q&A 866703); the authentication-method
//     and policy endpoints keep accessDenied. 405: Request_BadRequest "Specified HTTP method is not
//     allowed for the request target." (captured in issue 25's probe of Graph).
//   - CAE: a token request's claims {"access_token":{"xms_cc":{"values":["CP1"]}}} puts xms_cc in
//     the token, and only such a token is ever claims-challenged: entra-docs
//     docs/identity-platform/app-resilience-continuous-access-evaluation.md.
//   - Role assignments: $filter principalId or roleDefinitionId eq (joined by and), $expand=principal,
//     $select, resourceScope and directoryScopeId "/": docs-contrib
//     api-reference/v1.0/api/rbacapplication-list-roleassignments.md.
//   - $batch: ids case-insensitive and unique, url with or without its leading slash, one
//     dependsOn per request in a parallel, serial or same shape (else 400), /beta/$batch runs its
//     requests on beta, no nested batch: docs-contrib concepts/json-batching.md.
//   - Shapes: a badRequest's innerError repeats its message (captured in
//     microsoftgraph/microsoft-graph-docs#12187); createdDateTime has seven fractional digits and
//     the policy carries includeTargets@odata.context (docs-contrib
//     authentication-post-temporaryaccesspassmethods.md and
//     temporaryaccesspassauthenticationmethodconfiguration-get.md, the responses); access tokens
//     are v1.0 (ver 1.0, iss https://sts.windows.net/<tenant>/) and a user's wids hold the default
//     User (or Guest User) role: entra-docs docs/identity-platform/access-tokens.md and
//     access-token-claims-reference.md.
//
// Checked against Microsoft's machine-readable contract (the v1.0 CSDL, microsoftgraph/msgraph-metadata
// clean_v10_metadata/cleanMetadata.xml at commit f54f11b60956ea7b185ca0447b2b80805836ec7b, extracted
// by cmd/csdlfacts into testdata/csdl-v1.0-facts.json):
//
//   - Every answer of every Graph route (TestCSDLConformance sends each route of routes.go a
//     representative request; a route without one fails): no property the CSDL does not define
//     (the exceptions, each with its page, are csdl_test.go's undeclared: unifiedRoleAssignment's
//     resourceScope, in docs-contrib rbacapplication-list-roleassignments.md's examples, not in the
//     CSDL), the JSON type of each property's EDM type, no null where Nullable="false".
//   - Request bodies of PATCH policy, POST pass and checkMemberGroups (decode.go), and the
//     policy's state values (rules.go validatePolicy: authenticationMethodState).
//   - What the CSDL does not hold (error bodies, headers, statuses, token claims) is what
//     cmd/graphdiff records and compares against a live tenant (docs/guides/testing-offline.md,
//     "Check the mock against your own tenant").
//   - The CSDL types methodUsabilityReason as Edm.String, not an enum: its values
//     (EnabledByPolicy, DisabledByPolicy, Expired, NotYetValid, OneTimeUsed) come from docs-contrib
//     resources/temporaryaccesspassauthenticationmethod.md.
//
// Disputed, with the switch that covers them:
//
//   - Which limit governs the pass endpoints: the reports limit's resource list names
//     authenticationMethod (docs-contrib includes/throttling-aad-reports.md), the identity and
//     access quota's does not name it. Quota.TAPQuota ("tapQuota", --tap-quota): "directory"
//     (default) or "reports". The reports limit's x-ms-throttle-information is ours.
//   - A policy target naming a well-formed id of a group that does not exist (deleted): kept, as
//     public reports show Graph keeping it (Microsoft365DSC#5420); Settings.MissingGroupTargets
//     ("missingGroupTargets" at /_mock/settings): "keep" (default) or "refuse" (400).
//   - A pass for a user outside the policy's targets, or under a disabled policy: the Entra
//     how-to says it is created (and reads DisabledByPolicy); admins report a 400 "Converged
//     UserCredentialPolicy does not allow creating or updating this authentication method"
//     (MicrosoftDocs/azure-docs issue 111778). Switch: Settings.PolicyScope (--policy-scope,
//     POST /_mock/settings): refuse (the default) or allow. How long a refusal lasts after the
//     policy is enabled or retargeted: Settings.PolicyReplicationSeconds (default 0).
//
// Unverified choices (each in one place): a cast on the transitive members list served without
// ConsistencyLevel (aad-advanced-queries.md lists it among advanced queries but documents no
// error), the text of the cast's Request_UnsupportedQuery (list.go), the texts of the 400s for a body that breaks the
// CSDL facts (decode.go edmProblem.badRequest), the 400 for a multi-use pass under a one-time policy
// (rules.go msgOneTimeRequired), itemNotFound for an unknown pass id (errors.go
// codeItemNotFound), the text of the 400 for a target without targetType (rules.go
// validateTarget; the refusal itself follows the non-nullable property), 400 for a target that does not exist,
// the texts of the query-option 400s (query.go, OData WebAPI's), "Invalid version" for a path
// outside /v1.0 and /beta, the 401 invalid_client status of the federated mismatches, and the
// CAE challenge message text.
//
// # Controls (/_mock/, never faulted)
//
// No auth on loopback. A mock listening beyond loopback (Options.AllowRemote, graphmock
// --allow-remote) requires Options.ControlSecret in the X-Graphmock-Control-Secret header of
// every control but the stand-ins for outside services (/_mock/msi/token, /_mock/oidc/...);
// its env file holds it as ENTRATAP_MOCK_CONTROL_SECRET, and Client sends it.
//
//   - POST /_mock/signin {"user":"<id or upn>","temporaryAccessPass":"<code>"}: 200 when the code
//     signs the user in now (a one-time pass becomes OneTimeUsed); 401 with the reason as the
//     error code otherwise: NoPass, WrongCode, Expired, NotYetValid, OneTimeUsed, DisabledByPolicy
//     (404 UserNotFound for an unknown user). Go: Mock.SignIn.
//   - GET|POST /_mock/clock {"advance":"90m"}: read or move the tenant clock forward (at most MaxClockOffset from wall time). Go: AdvanceClock, Now.
//   - GET|POST /_mock/faults {"rate":0.2,"statuses":[429,503],"retryAfterSeconds":0,"latencyMs":5,
//     "replicationLagReads":2,"dropAfterCommitRate":0,"claimsChallenges":1,"holdAfterCommitMs":0}: see Faults. Each POST replaces the whole
//     setting (fields left out are off; {"rate":0} turns everything off). Faults apply to Graph (/v1.0/, /beta/)
//     only; randomness is seeded by Options.FaultSeed. Go: SetFaults, Faults.
//   - GET|POST /_mock/quota {"enabled":true,"tenantSize":"small"|"medium"|"large","timeScale":10,"tapQuota":"directory"|"reports"}:
//     Graph's published throttling limits (quota.go): resource units per 10 s by tenant size, 3,000
//     writes per 2 min 30 s per app, 18,000 per 5 min per tenant; x-ms-throttle-limit-percentage
//     from 80%, 429 with x-ms-throttle-scope and Retry-After from the window (whole seconds,
//     RFC 9110 delay-seconds; whole scaled seconds under a scale); windows divided by timeScale; 5 requests per 10 s per app on /reports/... (and the pass endpoints under tapQuota
//     "reports"). Flags --quota, --quota-tenant-size, --quota-time-scale, --tap-quota. Go: SetQuota, Quota.
//   - POST /v1.0/$batch (and /beta/$batch): JSON batching (batch.go), at most 20 requests, each through the whole
//     pipeline and the quota, dependsOn answered 424 after a failure.
//   - Go only: SetTokenLifetime makes access tokens minted from then on short-lived.
//   - Go only: HeldAfterCommit signals each committed write whose answer holdAfterCommitMs holds.
//   - GET /_mock/requests: the request log [{"method","path","status","time","fault","batched"}], every
//     request including login and failures (the newest 100,000); DELETE empties it. Go: Requests, ResetRequests.
//   - GET /_mock/state: the tenant (State): policy, users, groups with members, passes without codes. Go: Snapshot.
//   - POST /_mock/groups {"id","displayName","members":[ids],"isAssignableToRole":true}: 201 with
//     the group (a role-assignable group holds no groups). Go: AddGroup.
//   - POST /_mock/users {"userPrincipalName","displayName","userType":"Member"|"Guest",
//     "creationType":"Invitation","externalUserState":"Accepted","groups":[ids]} (a Guest is
//     external with either of the last two):
//     201 with the new user and its id. Go: AddUser.
//   - DELETE /_mock/users/{id or UPN}: offboards the user (its pass and memberships go too); 204,
//     or 404. A user added again with the same UPN is a new object id (a re-hire). Go: RemoveUser.
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
// and GroupMember.Read.All; the least-privileged app LeastPrivilegedClientID
// (LeastPrivilegedClientSecret) holding UserAuthMethod-TAP.ReadWrite.All, User.Read.All and
// Policy.Read.AuthenticationMethod, what a security team grants; the read-only app
// ReadOnlyClientID (ReadOnlyClientSecret) holding Policy.Read.AuthenticationMethod,
// UserAuthenticationMethod.Read.All, User.Read.All and GroupMember.Read.All; the managed identity
// ManagedIdentityClientID with the admin's permissions. Users: alice (AliceID, AliceUPN), bob,
// carol, nora (members), an external guest (GuestUPN: userType Guest, creationType Invitation,
// externalUserState Accepted) and an internal guest (InternalGuestUPN: userType Guest, no
// invitation). Group "TAP Onboarding" (OnboardingGroupID) holds alice and the nested group "New
// hires" (NewHiresGroupID), which holds nora. The TAP policy starts at DefaultPolicy, which is
// disabled. Options.Seed (or --seed FILE, a Seed as JSON) replaces all of it.
//
// # State
//
// With Options.StatePath (--state) the tenant (directory, policy, passes with their codes'
// salted hashes, clock offset) is written to a temporary file and renamed over the state file
// on every change, and loaded at start; an unreadable state file is an error and is left as it
// is. Keys, certificates and the CA are new at every start.
package graphmock
