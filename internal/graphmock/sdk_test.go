package graphmock

// The mock driven through the real msgraph-sdk-go request builders and azidentity credentials.

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	abstractions "github.com/microsoft/kiota-abstractions-go"
	absser "github.com/microsoft/kiota-abstractions-go/serialization"
	kiotaauth "github.com/microsoft/kiota-authentication-azure-go"
	khttp "github.com/microsoft/kiota-http-go"
	formser "github.com/microsoft/kiota-serialization-form-go"
	jsonser "github.com/microsoft/kiota-serialization-json-go"
	multipartser "github.com/microsoft/kiota-serialization-multipart-go"
	textser "github.com/microsoft/kiota-serialization-text-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"github.com/microsoftgraph/msgraph-sdk-go/policies"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// graphClient is what msgraph-sdk-go's root package would build, without importing it.
type graphClient struct {
	users    *users.UsersRequestBuilder
	policies *policies.PoliciesRequestBuilder
}

func (g graphClient) tapPolicy() *policies.AuthenticationMethodsPolicyAuthenticationMethodConfigurationsAuthenticationMethodConfigurationItemRequestBuilder {
	return g.policies.AuthenticationMethodsPolicy().AuthenticationMethodConfigurations().ByAuthenticationMethodConfigurationId("TemporaryAccessPass")
}

func (g graphClient) passes(user string) *users.ItemAuthenticationTemporaryAccessPassMethodsRequestBuilder {
	return g.users.ByUserId(user).Authentication().TemporaryAccessPassMethods()
}

// registerSerializers does what the root package's client constructor does.
func registerSerializers() {
	abstractions.RegisterDefaultSerializer(func() absser.SerializationWriterFactory { return jsonser.NewJsonSerializationWriterFactory() })
	abstractions.RegisterDefaultSerializer(func() absser.SerializationWriterFactory { return textser.NewTextSerializationWriterFactory() })
	abstractions.RegisterDefaultSerializer(func() absser.SerializationWriterFactory { return formser.NewFormSerializationWriterFactory() })
	abstractions.RegisterDefaultSerializer(func() absser.SerializationWriterFactory { return multipartser.NewMultipartSerializationWriterFactory() })
	abstractions.RegisterDefaultDeserializer(func() absser.ParseNodeFactory { return jsonser.NewJsonParseNodeFactory() })
	abstractions.RegisterDefaultDeserializer(func() absser.ParseNodeFactory { return textser.NewTextParseNodeFactory() })
	abstractions.RegisterDefaultDeserializer(func() absser.ParseNodeFactory { return formser.NewFormParseNodeFactory() })
}

// clientOptions points azidentity at the mock, trusting its CA.
func clientOptions(t *testing.T, s *Server) azcore.ClientOptions {
	return azcore.ClientOptions{
		Cloud:     cloud.Configuration{ActiveDirectoryAuthorityHost: s.URL + "/"},
		Transport: httpClient(t, s),
		Retry:     policy.RetryOptions{MaxRetries: -1},
	}
}

// newGraphClient builds the SDK's adapter (Graph middleware: retry, gzip bodies, ...) over cred.
// validHosts nil means the mock's host (127.0.0.1).
func newGraphClient(t *testing.T, s *Server, cred azcore.TokenCredential, validHosts []string) graphClient {
	t.Helper()
	registerSerializers()
	if validHosts == nil {
		validHosts = []string{"127.0.0.1"}
	}
	auth, err := kiotaauth.NewAzureIdentityAuthenticationProviderWithScopesAndValidHosts(cred, []string{s.URL + "/.default"}, validHosts)
	if err != nil {
		t.Fatal(err)
	}
	opts := msgraphcore.GraphClientOptions{GraphServiceLibraryVersion: "1.89.0"}
	base := httpClient(t, s).Transport
	hc := &http.Client{Transport: khttp.NewCustomTransportWithParentTransport(base, msgraphcore.GetDefaultMiddlewaresWithOptions(&opts)...), Timeout: 60 * time.Second}
	adapter, err := msgraphcore.NewGraphRequestAdapterBaseWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(auth, opts, nil, nil, hc)
	if err != nil {
		t.Fatal(err)
	}
	adapter.SetBaseUrl(s.URL + "/v1.0")
	adapter.EnableBackingStore(nil)
	// The *Internal constructors with "baseurl": NewUsersRequestBuilder(rawUrl) would pin every
	// request built from it to that one raw URL.
	return graphClient{
		users:    users.NewUsersRequestBuilderInternal(map[string]string{"baseurl": s.URL + "/v1.0"}, adapter),
		policies: policies.NewPoliciesRequestBuilderInternal(map[string]string{"baseurl": s.URL + "/v1.0"}, adapter),
	}
}

func secretClient(t *testing.T, s *Server, clientID, secret string) graphClient {
	t.Helper()
	cred, err := azidentity.NewClientSecretCredential(TenantID, clientID, secret,
		&azidentity.ClientSecretCredentialOptions{ClientOptions: clientOptions(t, s), DisableInstanceDiscovery: true})
	if err != nil {
		t.Fatal(err)
	}
	return newGraphClient(t, s, cred, nil)
}

// odataErr asserts err is an ODataError with the status and code, and returns its message.
func odataErr(t *testing.T, err error, status int, code string) string {
	t.Helper()
	var oe *odataerrors.ODataError
	if !errors.As(err, &oe) {
		t.Fatalf("want *ODataError %d %s, got %T %v", status, code, err, err)
	}
	main := oe.GetErrorEscaped()
	if oe.ResponseStatusCode != status || main == nil || main.GetCode() == nil || *main.GetCode() != code || main.GetMessage() == nil || *main.GetMessage() == "" {
		t.Fatalf("ODataError %d %v, want %d %s", oe.ResponseStatusCode, oe.Error(), status, code)
	}
	return *main.GetMessage()
}

func ptr[T any](v T) *T { return &v }

func TestSDK_PolicyWithClientSecret(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	g := secretClient(t, s, AdminClientID, AdminClientSecret)
	ctx := context.Background()

	got, err := g.tapPolicy().Get(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	tap, ok := got.(*models.TemporaryAccessPassAuthenticationMethodConfiguration)
	if !ok {
		t.Fatalf("GET deserialized as %T, want the TAP configuration", got)
	}
	if *tap.GetState() != models.DISABLED_AUTHENTICATIONMETHODSTATE || *tap.GetDefaultLifetimeInMinutes() != 60 || *tap.GetMaximumLifetimeInMinutes() != 480 ||
		*tap.GetDefaultLength() != 8 || *tap.GetIsUsableOnce() || len(tap.GetIncludeTargets()) != 1 || *tap.GetIncludeTargets()[0].GetId() != "all_users" {
		t.Fatalf("defaults: %+v", tap)
	}

	// PATCH with targets built from the SDK's models; the mock must accept what the SDK serializes.
	body := models.NewTemporaryAccessPassAuthenticationMethodConfiguration()
	body.SetState(ptr(models.ENABLED_AUTHENTICATIONMETHODSTATE))
	body.SetMinimumLifetimeInMinutes(ptr(int32(10)))
	body.SetMaximumLifetimeInMinutes(ptr(int32(1440)))
	body.SetDefaultLifetimeInMinutes(ptr(int32(480)))
	body.SetDefaultLength(ptr(int32(12)))
	body.SetIsUsableOnce(ptr(false))
	inc := models.NewAuthenticationMethodTarget()
	inc.SetId(ptr(OnboardingGroupID))
	inc.SetTargetType(ptr(models.GROUP_AUTHENTICATIONMETHODTARGETTYPE))
	inc.SetIsRegistrationRequired(ptr(false))
	body.SetIncludeTargets([]models.AuthenticationMethodTargetable{inc})
	exc := models.NewExcludeTarget()
	exc.SetId(ptr(BobID))
	exc.SetTargetType(ptr(models.USER_AUTHENTICATIONMETHODTARGETTYPE))
	body.SetExcludeTargets([]models.ExcludeTargetable{exc})
	if _, err := g.tapPolicy().Patch(ctx, body, nil); err != nil {
		t.Fatalf("PATCH: %v", err)
	}
	got, err = g.tapPolicy().Get(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	tap = got.(*models.TemporaryAccessPassAuthenticationMethodConfiguration)
	if *tap.GetState() != models.ENABLED_AUTHENTICATIONMETHODSTATE || *tap.GetDefaultLength() != 12 || *tap.GetMaximumLifetimeInMinutes() != 1440 ||
		*tap.GetIncludeTargets()[0].GetId() != OnboardingGroupID || *tap.GetIncludeTargets()[0].GetTargetType() != models.GROUP_AUTHENTICATIONMETHODTARGETTYPE ||
		*tap.GetExcludeTargets()[0].GetId() != BobID || *tap.GetExcludeTargets()[0].GetTargetType() != models.USER_AUTHENTICATIONMETHODTARGETTYPE {
		t.Fatalf("after PATCH: state %v length %v", tap.GetState(), *tap.GetDefaultLength())
	}
	// A partial PATCH changes only what it carries.
	partial := models.NewTemporaryAccessPassAuthenticationMethodConfiguration()
	partial.SetIsUsableOnce(ptr(true))
	if _, err := g.tapPolicy().Patch(ctx, partial, nil); err != nil {
		t.Fatalf("partial PATCH: %v", err)
	}
	if p := s.Snapshot().Policy; !p.IsUsableOnce || p.DefaultLength != 12 || p.State != "enabled" {
		t.Fatalf("after partial PATCH: %+v", p)
	}

	// Rule violations come back as ODataError with Graph's code and message.
	bad := models.NewTemporaryAccessPassAuthenticationMethodConfiguration()
	bad.SetDefaultLength(ptr(int32(7)))
	_, err = g.tapPolicy().Patch(ctx, bad, nil)
	if msg := odataErr(t, err, 400, codeBadRequest); !strings.Contains(msg, "defaultLength") {
		t.Fatalf("message: %s", msg)
	}
	bad = models.NewTemporaryAccessPassAuthenticationMethodConfiguration()
	bad.SetDefaultLifetimeInMinutes(ptr(int32(5000)))
	_, err = g.tapPolicy().Patch(ctx, bad, nil)
	odataErr(t, err, 400, codeBadRequest)

	if err := g.tapPolicy().Delete(ctx, nil); err != nil {
		t.Fatalf("DELETE: %v", err)
	}
	if p := s.Snapshot().Policy; p.State != "disabled" || p.DefaultLength != 8 || p.MaximumLifetimeInMinutes != 480 {
		t.Fatalf("after DELETE: %+v", p)
	}
}

func TestSDK_PassesUsersAndGroups(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	g := secretClient(t, s, AdminClientID, AdminClientSecret)
	ctx := context.Background()
	enablePolicy(t, s.Mock, map[string]any{"maximumLifetimeInMinutes": 600})

	// userType is not in Graph's default property set: asked for with $select.
	withType := &users.UserItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.UserItemRequestBuilderGetQueryParameters{Select: []string{"id", "userType"}}}
	u, err := g.users.ByUserId(AliceUPN).Get(ctx, withType)
	if err != nil || *u.GetId() != AliceID || *u.GetUserType() != "Member" {
		t.Fatalf("user: %v", err)
	}
	u, err = g.users.ByUserId(GuestUPN).Get(ctx, withType)
	if err != nil || *u.GetId() != GuestID || *u.GetUserType() != "Guest" {
		t.Fatalf("guest by UPN with #EXT#: %v", err)
	}
	_, err = g.users.ByUserId("nobody@"+Domain).Get(ctx, nil)
	odataErr(t, err, 404, codeNotFound)

	cm := users.NewItemCheckMemberGroupsPostRequestBody()
	cm.SetGroupIds([]string{OnboardingGroupID})
	res, err := g.users.ByUserId(AliceID).CheckMemberGroups().PostAsCheckMemberGroupsPostResponse(ctx, cm, nil)
	if err != nil || len(res.GetValue()) != 1 || res.GetValue()[0] != OnboardingGroupID {
		t.Fatalf("checkMemberGroups: %v %v", res, err)
	}

	// Create: the code only in this answer; start, lifetime and one-time as asked.
	start := s.Now().Add(time.Hour).Truncate(time.Second)
	req := models.NewTemporaryAccessPassAuthenticationMethod()
	req.SetStartDateTime(&start)
	req.SetLifetimeInMinutes(ptr(int32(120)))
	req.SetIsUsableOnce(ptr(true))
	created, err := g.passes(AliceUPN).Post(ctx, req, nil)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	if created.GetTemporaryAccessPass() == nil || len(*created.GetTemporaryAccessPass()) != 8 || *created.GetLifetimeInMinutes() != 120 ||
		!*created.GetIsUsableOnce() || !created.GetStartDateTime().Equal(start) || *created.GetMethodUsabilityReason() != reasonNotYetValid || *created.GetIsUsable() {
		t.Fatalf("created: %+v", created)
	}
	code := *created.GetTemporaryAccessPass()
	first := *created.GetId()

	got, err := g.passes(AliceUPN).ByTemporaryAccessPassAuthenticationMethodId(first).Get(ctx, nil)
	if err != nil || got.GetTemporaryAccessPass() != nil || *got.GetId() != first {
		t.Fatalf("GET: %v", err)
	}
	list, err := g.passes(AliceID).Get(ctx, nil)
	if err != nil || len(list.GetValue()) != 1 || list.GetValue()[0].GetTemporaryAccessPass() != nil {
		t.Fatalf("list: %v", err)
	}

	// Sign in: not yet valid, then fine once, then used.
	if err := s.SignIn(AliceUPN, code); err == nil || err.(*SignInError).Reason != reasonNotYetValid {
		t.Fatalf("sign-in before start: %v", err)
	}
	s.AdvanceClock(time.Hour)
	if err := s.SignIn(AliceUPN, "wrong-code"); err == nil || err.(*SignInError).Reason != "WrongCode" {
		t.Fatalf("wrong code: %v", err)
	}
	if err := s.SignIn(strings.ToUpper(AliceUPN), code); err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	if err := s.SignIn(AliceID, code); err == nil || err.(*SignInError).Reason != reasonOneTimeUsed || strings.Contains(err.Error(), code) {
		t.Fatalf("second sign-in: %v", err)
	}
	got, _ = g.passes(AliceUPN).ByTemporaryAccessPassAuthenticationMethodId(first).Get(ctx, nil)
	if *got.GetMethodUsabilityReason() != reasonOneTimeUsed || *got.GetIsUsable() {
		t.Fatalf("after use: %v", *got.GetMethodUsabilityReason())
	}

	// Omitted fields take the policy's values; the new pass replaces the old one.
	created, err = g.passes(AliceUPN).Post(ctx, models.NewTemporaryAccessPassAuthenticationMethod(), nil)
	if err != nil || *created.GetLifetimeInMinutes() != 60 || *created.GetIsUsableOnce() || *created.GetMethodUsabilityReason() != reasonEnabled {
		t.Fatalf("POST defaults: %v", err)
	}
	_, err = g.passes(AliceUPN).ByTemporaryAccessPassAuthenticationMethodId(first).Get(ctx, nil)
	odataErr(t, err, 404, codeItemNotFound)

	// Lifetime outside the range, guest, unknown user.
	req = models.NewTemporaryAccessPassAuthenticationMethod()
	req.SetLifetimeInMinutes(ptr(int32(601)))
	_, err = g.passes(BobUPN).Post(ctx, req, nil)
	if msg := odataErr(t, err, 400, codeBadRequest); msg != "Invalid LifetimeInMinutes specified. The valid range between 60 and 600." {
		t.Fatalf("lifetime message: %s", msg)
	}
	_, err = g.passes(GuestUPN).Post(ctx, models.NewTemporaryAccessPassAuthenticationMethod(), nil)
	if msg := odataErr(t, err, 400, codeBadRequest); msg != msgGuest {
		t.Fatalf("guest message: %s", msg)
	}
	_, err = g.passes("nobody@"+Domain).Post(ctx, models.NewTemporaryAccessPassAuthenticationMethod(), nil)
	odataErr(t, err, 404, codeNotFound)

	// Delete, then 404.
	second := *created.GetId()
	if err := g.passes(AliceUPN).ByTemporaryAccessPassAuthenticationMethodId(second).Delete(ctx, nil); err != nil {
		t.Fatalf("DELETE: %v", err)
	}
	err = g.passes(AliceUPN).ByTemporaryAccessPassAuthenticationMethodId(second).Delete(ctx, nil)
	odataErr(t, err, 404, codeItemNotFound)
}

func TestSDK_Authorization(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	ctx := context.Background()
	ro := secretClient(t, s, ReadOnlyClientID, ReadOnlyClientSecret)
	if _, err := ro.tapPolicy().Get(ctx, nil); err != nil {
		t.Fatalf("read-only GET: %v", err)
	}
	body := models.NewTemporaryAccessPassAuthenticationMethodConfiguration()
	body.SetDefaultLength(ptr(int32(10)))
	_, err := ro.tapPolicy().Patch(ctx, body, nil)
	if msg := odataErr(t, err, 403, codeAccessDenied); !strings.Contains(msg, PermPolicyReadWrite) {
		t.Fatalf("403 message: %s", msg)
	}
	_, err = ro.passes(AliceUPN).Post(ctx, models.NewTemporaryAccessPassAuthenticationMethod(), nil)
	if msg := odataErr(t, err, 403, codeAccessDenied); !strings.Contains(msg, PermUserAuthMethodReadWrite) {
		t.Fatalf("403 message: %s", msg)
	}

	// A host outside the provider's allowed list goes out with no token: 401.
	cred, err := azidentity.NewClientSecretCredential(TenantID, AdminClientID, AdminClientSecret,
		&azidentity.ClientSecretCredentialOptions{ClientOptions: clientOptions(t, s), DisableInstanceDiscovery: true})
	if err != nil {
		t.Fatal(err)
	}
	noToken := newGraphClient(t, s, cred, []string{"graph.microsoft.com"})
	_, err = noToken.tapPolicy().Get(ctx, nil)
	odataErr(t, err, 401, codeInvalidToken)

	// A wrong secret fails at the credential with AADSTS7000215.
	bad := secretClient(t, s, AdminClientID, "wrong")
	_, err = bad.tapPolicy().Get(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "AADSTS7000215") {
		t.Fatalf("wrong secret: %v", err)
	}
}

func TestSDK_CertificateCredential(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	ctx := context.Background()
	certPEM, keyPEM := s.AdminCertificatePEM()
	for name, parse := range map[string]func() ([]byte, []byte){
		"PFX": func() ([]byte, []byte) { return s.AdminCertificatePFX(), []byte(CertificatePassword) },
		"PEM": func() ([]byte, []byte) { return append(append([]byte{}, certPEM...), keyPEM...), nil },
	} {
		data, pw := parse()
		certs, key, err := azidentity.ParseCertificates(data, pw)
		if err != nil {
			t.Fatalf("%s: ParseCertificates: %v", name, err)
		}
		cred, err := azidentity.NewClientCertificateCredential(TenantID, AdminClientID, certs, key,
			&azidentity.ClientCertificateCredentialOptions{ClientOptions: clientOptions(t, s), DisableInstanceDiscovery: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := newGraphClient(t, s, cred, nil).tapPolicy().Get(ctx, nil); err != nil {
			t.Fatalf("%s: GET with certificate: %v", name, err)
		}
	}

	// Another app's certificate (here: the generated one of another mock) is refused.
	other, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	certs, key, err := azidentity.ParseCertificates(other.AdminCertificatePFX(), []byte(CertificatePassword))
	if err != nil {
		t.Fatal(err)
	}
	cred, err := azidentity.NewClientCertificateCredential(TenantID, AdminClientID, certs, key,
		&azidentity.ClientCertificateCredentialOptions{ClientOptions: clientOptions(t, s), DisableInstanceDiscovery: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = newGraphClient(t, s, cred, nil).tapPolicy().Get(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("foreign certificate: %v", err)
	}
	// The read-only app has no certificate.
	cred, _ = azidentity.NewClientCertificateCredential(TenantID, ReadOnlyClientID, certs, key,
		&azidentity.ClientCertificateCredentialOptions{ClientOptions: clientOptions(t, s), DisableInstanceDiscovery: true})
	if _, err := newGraphClient(t, s, cred, nil).tapPolicy().Get(ctx, nil); err == nil {
		t.Fatal("certificate accepted for an app without one")
	}
}

func TestSDK_FederatedCredential(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{})
	ctx := context.Background()
	hc := httpClient(t, s)

	// GitHub-Actions style: fetch the token from the request URL with the request token.
	githubToken := func(ctx context.Context) (string, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/_mock/oidc/github?audience="+FederatedAudience, nil)
		req.Header.Set("Authorization", "Bearer "+GitHubRequestToken)
		resp, err := hc.Do(req)
		if err != nil {
			return "", err
		}
		defer func() { _ = resp.Body.Close() }()
		r := decodeResponse(resp)
		if r.status != 200 {
			return "", errors.New(string(r.raw))
		}
		return r.json["value"].(string), nil
	}
	cred, err := azidentity.NewClientAssertionCredential(TenantID, AdminClientID, githubToken,
		&azidentity.ClientAssertionCredentialOptions{ClientOptions: clientOptions(t, s), DisableInstanceDiscovery: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newGraphClient(t, s, cred, nil).tapPolicy().Get(ctx, nil); err != nil {
		t.Fatalf("GET with federated token: %v", err)
	}
	if r := do(t, hc, "GET", s.URL+"/_mock/oidc/github", "wrong", nil); r.status != 401 {
		t.Fatalf("github endpoint without the request token: %d", r.status)
	}

	// Workload identity style: a token file.
	tok, err := s.MintFederatedToken(FederatedSubject, FederatedAudience, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte(tok), 0o600); err != nil {
		t.Fatal(err)
	}
	wi, err := azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{
		ClientOptions: clientOptions(t, s), ClientID: AdminClientID, TenantID: TenantID, TokenFilePath: file, DisableInstanceDiscovery: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newGraphClient(t, s, wi, nil).tapPolicy().Get(ctx, nil); err != nil {
		t.Fatalf("GET with workload identity: %v", err)
	}

	// Wrong subject, wrong audience, another issuer's signature: refused.
	for name, mint := range map[string]func() (string, error){
		"subject": func() (string, error) {
			return s.MintFederatedToken("repo:evil/repo:ref:refs/heads/main", FederatedAudience, time.Hour)
		},
		"audience": func() (string, error) { return s.MintFederatedToken(FederatedSubject, "api://other", time.Hour) },
		"signer": func() (string, error) {
			other, err := New(Options{})
			if err != nil {
				return "", err
			}
			other.SetBaseURL(s.URL)
			return other.MintFederatedToken(FederatedSubject, FederatedAudience, time.Hour)
		},
	} {
		cred, err := azidentity.NewClientAssertionCredential(TenantID, AdminClientID, func(context.Context) (string, error) { return mint() },
			&azidentity.ClientAssertionCredentialOptions{ClientOptions: clientOptions(t, s), DisableInstanceDiscovery: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := newGraphClient(t, s, cred, nil).tapPolicy().Get(ctx, nil); err == nil || !strings.Contains(err.Error(), "invalid_client") {
			t.Fatalf("%s: %v", name, err)
		}
	}
}

// Serial: azidentity's managed identity credential reads IDENTITY_ENDPOINT from the process environment (t.Setenv).
func TestSDK_ManagedIdentity(t *testing.T) {
	s := startServer(t, Options{})
	// Passes for users the policy does not target: the allow setting (TestPolicyScope covers refuse).
	s.SetSettings(Settings{PolicyScope: PolicyScopeAllow})
	t.Setenv("IDENTITY_ENDPOINT", s.URL+"/_mock/msi/token")
	t.Setenv("IDENTITY_HEADER", IdentityHeader)
	cred, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{ClientOptions: clientOptions(t, s)})
	if err != nil {
		t.Fatal(err)
	}
	g := newGraphClient(t, s, cred, nil)
	if _, err := g.passes(BobUPN).Post(context.Background(), models.NewTemporaryAccessPassAuthenticationMethod(), nil); err != nil {
		t.Fatalf("POST with managed identity: %v", err)
	}
	// With a user-assigned client id.
	cred, err = azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{
		ClientOptions: clientOptions(t, s), ID: azidentity.ClientID(ManagedIdentityClientID)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newGraphClient(t, s, cred, nil).tapPolicy().Get(context.Background(), nil); err != nil {
		t.Fatalf("GET with user-assigned id: %v", err)
	}
	// A wrong header is refused (on a new mock: MSAL caches managed-identity tokens per process).
	s2 := startServer(t, Options{})
	t.Setenv("IDENTITY_ENDPOINT", s2.URL+"/_mock/msi/token")
	t.Setenv("IDENTITY_HEADER", "wrong")
	cred, err = azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{ClientOptions: clientOptions(t, s2)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newGraphClient(t, s2, cred, nil).tapPolicy().Get(context.Background(), nil); err == nil {
		t.Fatal("wrong identity header accepted")
	}
	r := do(t, httpClient(t, s2), "GET", s2.URL+"/_mock/msi/token?api-version=2019-08-01&resource="+s2.URL, "", nil)
	if r.status != 401 {
		t.Fatalf("msi without header: %d %s", r.status, r.raw)
	}
}

func TestSDK_Faults(t *testing.T) {
	t.Parallel()
	s := startServer(t, Options{FaultSeed: 1})
	g := secretClient(t, s, AdminClientID, AdminClientSecret)
	ctx := context.Background()
	if _, err := g.tapPolicy().Get(ctx, nil); err != nil { // get a token before the faults
		t.Fatal(err)
	}
	enablePolicy(t, s.Mock, nil)

	// Every request throttled: kiota retries 3 times, honouring Retry-After: 0, then gives up.
	zero := 0.0
	s.SetFaults(Faults{Rate: 1, Statuses: []int{429}, RetryAfterSeconds: &zero})
	s.ResetRequests()
	_, err := g.tapPolicy().Get(ctx, nil)
	odataErr(t, err, 429, codeTooManyRequests)
	log := s.Requests()
	if len(log) != 4 {
		t.Fatalf("want 4 attempts, got %d: %+v", len(log), log)
	}
	for _, e := range log {
		if e.Status != 429 || e.Fault != "injected" {
			t.Fatalf("log entry: %+v", e)
		}
	}
	// Half the requests fail with 503: the retries get through.
	s.SetFaults(Faults{Rate: 0.5, Statuses: []int{503}, RetryAfterSeconds: &zero})
	for range 5 {
		if _, err := g.tapPolicy().Get(ctx, nil); err != nil {
			t.Fatalf("with 50%% faults and retries: %v", err)
		}
	}

	// Replication lag: the first two reads of a new pass 404.
	s.SetFaults(Faults{ReplicationLagReads: 2})
	created, err := g.passes(AliceUPN).Post(ctx, models.NewTemporaryAccessPassAuthenticationMethod(), nil)
	if err != nil {
		t.Fatal(err)
	}
	item := g.passes(AliceUPN).ByTemporaryAccessPassAuthenticationMethodId(*created.GetId())
	for i := range 2 {
		_, err := item.Get(ctx, nil)
		if err == nil {
			t.Fatalf("read %d of a new pass did not 404", i)
		}
		odataErr(t, err, 404, codeItemNotFound)
	}
	if _, err := item.Get(ctx, nil); err != nil {
		t.Fatalf("third read: %v", err)
	}

	// Drop after commit: the pass exists but the client gets no answer.
	s.SetFaults(Faults{DropAfterCommitRate: 1})
	before := s.Snapshot().Passes
	_, err = g.passes(BobUPN).Post(ctx, models.NewTemporaryAccessPassAuthenticationMethod(), nil)
	if err == nil {
		t.Fatal("dropped response gave no error")
	}
	var oe *odataerrors.ODataError
	if errors.As(err, &oe) {
		t.Fatalf("dropped response gave an HTTP answer: %v", err)
	}
	if after := s.Snapshot().Passes; len(after) != len(before)+1 {
		t.Fatalf("the change was not committed: %d -> %d passes", len(before), len(after))
	}
	log = s.Requests()
	if last := log[len(log)-1]; last.Fault != "dropAfterCommit" || last.Status != 201 {
		t.Fatalf("log of the dropped write: %+v", last)
	}
	// Reads are never dropped.
	if _, err := g.tapPolicy().Get(ctx, nil); err != nil {
		t.Fatalf("read under dropAfterCommit: %v", err)
	}
	s.SetFaults(Faults{})
}
