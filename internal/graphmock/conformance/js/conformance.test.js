// graphmock driven by Microsoft's JavaScript libraries: @azure/identity for tokens,
// @microsoft/microsoft-graph-client for the calls. Run by conformance_test.go, which starts the
// mock and sets GRAPHMOCK_URL, NODE_EXTRA_CA_CERTS and the fixture ids below.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { ClientSecretCredential } from "@azure/identity";
import { Client } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set: run through conformance_test.go`);
  return v;
};
const base = env("GRAPHMOCK_URL");
// The hostname only: graph-client matches customHosts without the port, and for a host not in
// the set it sends the request with no token at all (as kiota does: TestSDK_Authorization in
// internal/graphmock/sdk_test.go).
const host = new URL(base).hostname;
const tenant = env("GRAPHMOCK_TENANT_ID");
const apps = JSON.parse(env("GRAPHMOCK_APPS")); // name -> {id, secret}
const fx = JSON.parse(env("GRAPHMOCK_FIXTURES")); // users, groups, messages
const policyPath = "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass";
const tapType = "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration";

const credential = (app, secret) =>
  new ClientSecretCredential(tenant, apps[app].id, secret ?? apps[app].secret, {
    authorityHost: base,
    disableInstanceDiscovery: true,
  });

const graph = (app, version = "v1.0") =>
  Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential(app), { scopes: [`${base}/.default`] }),
    baseUrl: `${base}/`,
    defaultVersion: version,
    customHosts: new Set([host]),
  });

// expectGraphError runs fn and checks the GraphError it throws.
async function expectGraphError(fn, status, code, message) {
  await assert.rejects(fn, (e) => {
    assert.equal(e.statusCode, status, `status of ${e.message}`);
    if (code) assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });
}

const control = (path, init) => fetch(`${base}/_mock${path}`, init);

beforeEach(async () => {
  const r = await control("/reset", { method: "POST" });
  assert.equal(r.status, 200);
});

test("token: client credentials from the mock's login endpoints", async () => {
  const t = await credential("admin").getToken(`${base}/.default`);
  assert.ok(t.token.split(".").length === 3);
  await assert.rejects(credential("admin", "wrong").getToken(`${base}/.default`), /AADSTS7000215/);
  const unknown = new ClientSecretCredential(tenant, "11111111-1111-4111-8111-111111111111", "x", {
    authorityHost: base, disableInstanceDiscovery: true });
  await assert.rejects(unknown.getToken(`${base}/.default`), /AADSTS700016/);
});

test("policy: read, PATCH needs @odata.type and answers 204, DELETE resets", async () => {
  const g = graph("admin");
  const p = await g.api(policyPath).get();
  assert.equal(p.id, "TemporaryAccessPass");
  assert.equal(p.state, "disabled");
  assert.deepEqual([p.minimumLifetimeInMinutes, p.defaultLifetimeInMinutes, p.maximumLifetimeInMinutes, p.defaultLength], [60, 60, 480, 8]);
  assert.equal(p.includeTargets[0].id, "all_users");
  await expectGraphError(() => g.api(policyPath).patch({ state: "enabled" }), 400);
  await g.api(policyPath).patch({ "@odata.type": tapType, state: "enabled", defaultLength: 12 });
  assert.equal((await g.api(policyPath).get()).defaultLength, 12);
  await expectGraphError(() => g.api(policyPath).patch({ "@odata.type": tapType, minimumLifetimeInMinutes: 5 }), 400);
  await g.api(policyPath).delete();
  assert.equal((await g.api(policyPath).get()).state, "disabled");
});

test("passes: one per user, code only in the 201, range checked, guests", async () => {
  const g = graph("admin");
  await g.api(policyPath).patch({ "@odata.type": tapType, state: "enabled" });
  const passes = (u) => `/users/${encodeURIComponent(u)}/authentication/temporaryAccessPassMethods`;
  const first = await g.api(passes(fx.alice)).post({ lifetimeInMinutes: 60 });
  assert.equal(typeof first.temporaryAccessPass, "string");
  assert.equal(first.temporaryAccessPass.length, 8);
  assert.equal(first.isUsable, true);
  assert.equal(first.methodUsabilityReason, "EnabledByPolicy");
  const read = await g.api(`${passes(fx.alice)}/${first.id}`).get();
  assert.equal(read.temporaryAccessPass, null);
  const second = await g.api(passes(fx.alice)).post({});
  assert.notEqual(second.id, first.id);
  await expectGraphError(() => g.api(`${passes(fx.alice)}/${first.id}`).get(), 404);
  assert.equal((await g.api(passes(fx.alice)).get()).value.length, 1);
  await expectGraphError(() => g.api(passes(fx.bob)).post({ lifetimeInMinutes: 5 }), 400, "badRequest",
    /^Invalid LifetimeInMinutes specified\. The valid range between 60 and 480\.$/);
  await expectGraphError(() => g.api(passes(fx.externalGuest)).post({}), 400, "badRequest",
    /^Temporary Access Pass cannot be added to an external guest user$/);
  const internal = await g.api(passes(fx.internalGuest)).post({});
  assert.equal(internal.isUsable, true);
  await g.api(`${passes(fx.alice)}/${second.id}`).delete();
  assert.equal((await g.api(passes(fx.alice)).get()).value.length, 0);
  // /beta serves the same endpoints.
  const beta = await graph("admin", "beta").api(passes(fx.bob)).post({});
  assert.match(beta["@odata.context"], /\/beta\/\$metadata#/);
});

test("users: default property set, $select, $filter, paging, unsupported options", async () => {
  const g = graph("admin");
  const u = await g.api(`/users/${encodeURIComponent(fx.externalGuest)}`).get();
  assert.equal(u.userPrincipalName, fx.externalGuest);
  assert.ok(!("userType" in u), "userType is not in Graph's default property set");
  assert.ok(Array.isArray(u.businessPhones));
  const sel = await g.api(`/users/${encodeURIComponent(fx.externalGuest)}`).select(["userType", "externalUserState", "creationType"]).get();
  assert.deepEqual([sel.userType, sel.externalUserState, sel.creationType], ["Guest", "Accepted", "Invitation"]);
  const byUPN = await g.api("/users").filter(`userPrincipalName eq '${fx.alice}'`).get();
  assert.equal(byUPN.value.length, 1);
  const seen = [];
  let page = await g.api("/users").top(2).select(["id"]).get();
  for (;;) {
    seen.push(...page.value.map((v) => v.id));
    if (!page["@odata.nextLink"]) break;
    page = await g.api(page["@odata.nextLink"]).get();
  }
  assert.equal(seen.length, fx.userCount);
  await expectGraphError(() => g.api("/users").orderby("displayName").get(), 400);
  await expectGraphError(() => g.api(`/users/${fx.alice}`).select(["colour"]).get(), 400);
  // nested groups count in checkMemberGroups
  const cm = await g.api(`/users/${fx.nora}/checkMemberGroups`).post({ groupIds: [fx.onboardingGroup] });
  assert.deepEqual(cm.value, [fx.onboardingGroup]);
});

test("errors: OData shape everywhere, /me, 401 with WWW-Authenticate, 429", async () => {
  const g = graph("admin");
  await expectGraphError(() => g.api("/nothing/here").get(), 400, "badRequest", /Resource not found for the segment 'here'/);
  await expectGraphError(() => g.api("/me/authentication/temporaryAccessPassMethods").get(), 400, "badRequest",
    /^\/me request is only valid with delegated authentication flow\.$/);
  const raw = await fetch(`${base}/beta/users`);
  assert.equal(raw.status, 401);
  assert.match(raw.headers.get("www-authenticate"), /^Bearer realm="", authorization_uri="https:\/\/login\.microsoftonline\.com\/common\/oauth2\/authorize", client_id="00000003-0000-0000-c000-000000000000"/);
  const body = await raw.json();
  assert.equal(body.error.code, "InvalidAuthenticationToken");
  assert.match(body.error.innerError.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  const other = await fetch(`${base}/v2.0/nothing`);
  assert.equal((await other.json()).error.code, "BadRequest");
  await control("/faults", { method: "POST", body: JSON.stringify({ rate: 1, statuses: [429], retryAfterSeconds: 0 }) });
  const t = (await credential("admin").getToken(`${base}/.default`)).token;
  const throttled = await fetch(`${base}/v1.0/users`, { headers: { Authorization: `Bearer ${t}` } });
  assert.equal(throttled.status, 429);
  assert.equal(throttled.headers.get("retry-after"), "0");
  const tb = await throttled.json();
  assert.deepEqual([tb.error.code, tb.error.innerError.code, tb.error.innerError.status], ["TooManyRequests", "429", "429"]);
});

test("permissions: TAP-only least-privileged app, 403 names the least-privileged permission first (the directory's names none)", async () => {
  await graph("admin").api(policyPath).patch({ "@odata.type": tapType, state: "enabled" });
  const lp = graph("leastPrivileged");
  const passes = `/users/${fx.carol}/authentication/temporaryAccessPassMethods`;
  const p = await lp.api(passes).post({});
  await lp.api(`${passes}/${p.id}`).get();
  await lp.api(policyPath).get();
  await lp.api(`/users/${fx.carol}`).get();
  await lp.api(`${passes}/${p.id}`).delete();
  await expectGraphError(() => lp.api(policyPath).patch({ "@odata.type": tapType, state: "disabled" }), 403, "accessDenied",
    /Missing permission: Policy\.ReadWrite\.AuthenticationMethod/);
  // The directory's own 403 names no permission.
  await expectGraphError(() => lp.api(`/users/${fx.nora}/checkMemberGroups`).post({ groupIds: [fx.onboardingGroup] }), 403, "Authorization_RequestDenied",
    /^Insufficient privileges to complete the operation\.$/);
  await expectGraphError(() => graph("readOnly").api(passes).post({}), 403, "accessDenied",
    /Missing permission: UserAuthMethod-TAP\.ReadWrite\.All \(or UserAuthenticationMethod\.ReadWrite\.All\)/);
});

test("methods: registered after a sign-in with a pass, listed with when, typed lists, who may read", async () => {
  const g = graph("admin");
  await g.api(policyPath).patch({ "@odata.type": tapType, state: "enabled" });
  const auth = (u) => `/users/${encodeURIComponent(u)}/authentication`;
  const pass = await g.api(`${auth(fx.bob)}/temporaryAccessPassMethods`).post({ isUsableOnce: true });
  const register = () => control("/register", { method: "POST", body: JSON.stringify({ user: fx.bob, method: "fido2" }) });
  assert.equal((await register()).status, 403); // no sign-in yet
  const signin = await control("/signin", { method: "POST", body: JSON.stringify({ user: fx.bob, temporaryAccessPass: pass.temporaryAccessPass }) });
  assert.equal(signin.status, 200);
  assert.equal((await register()).status, 201);
  const all = await g.api(`${auth(fx.bob)}/methods`).get();
  const types = all.value.map((m) => m["@odata.type"]).sort();
  assert.deepEqual(types, ["#microsoft.graph.fido2AuthenticationMethod", "#microsoft.graph.temporaryAccessPassAuthenticationMethod"]);
  for (const m of all.value) {
    assert.ok(!Number.isNaN(Date.parse(m.createdDateTime)));
    assert.equal(m.temporaryAccessPass ?? null, null);
  }
  assert.equal((await g.api(`${auth(fx.bob)}/fido2Methods`).get()).value.length, 1);
  assert.equal((await g.api(`${auth(fx.bob)}/windowsHelloForBusinessMethods`).get()).value.length, 0);
  assert.equal((await graph("readOnly").api(`${auth(fx.bob)}/methods`).get()).value.length, 2);
  await expectGraphError(() => graph("leastPrivileged").api(`${auth(fx.bob)}/methods`).get(), 403, "accessDenied",
    /Missing permission: UserAuthenticationMethod\.Read\.All/);
  await expectGraphError(() => g.api("/reports/authenticationMethods/userRegistrationDetails").get(), 403, "accessDenied",
    /AuditLog\.Read\.All/);
});
