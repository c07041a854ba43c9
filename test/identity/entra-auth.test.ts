import assert from "node:assert/strict";
import express from "express";
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { authenticate, entraVerifier, principalOf } from "../../server/identity/auth.js";
import { errorMiddleware } from "../../server/shared/errors.js";
import { listen, makeKey, mint, startJwks, type Listening, type TestKey } from "./support.js";

const CLIENT_ID = "6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f";
const TENANT_A = "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa";
const TENANT_B = "bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb";
const TENANT_C = "cccccccc-3333-4333-8333-cccccccccccc";

describe("Entra ID access tokens through the real middleware over HTTP", () => {
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  let api: Listening;
  let key: TestKey;
  const iss = (tid: string): string => `${jwks.url}/${tid}/v2.0`;

  before(async () => {
    jwks = await startJwks();
    key = await makeKey();
    jwks.keys.push(key.jwk);
    const app = express();
    app.get(
      "/api/me",
      authenticate(entraVerifier({ clientId: CLIENT_ID, authorityHost: jwks.url, allowedTenants: [TENANT_A, TENANT_B], jwksCooldownMs: 0 })),
      (req, res) => {
        res.json(principalOf(req));
      },
    );
    app.use(errorMiddleware(pino({ level: "silent" })));
    api = await listen(app);
  });
  after(async () => {
    await api.close();
    await jwks.close();
  });

  async function call(token: string): Promise<{ status: number; body: { error?: { code: string; message: string }; tenantId?: string; userId?: string; roles?: string[] } }> {
    const r = await fetch(`${api.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    return { status: r.status, body: (await r.json()) as { error?: { code: string; message: string } } };
  }
  function expect401(r: Awaited<ReturnType<typeof call>>, code: string): void {
    assert.equal(r.status, 401, JSON.stringify(r.body));
    assert.equal(r.body.error?.code, code);
    assert.ok((r.body.error?.message ?? "").length > 10, "a clear message");
  }

  it("When a valid v2 token for tenant A arrives, then the principal is tenant A with the token's roles", async () => {
    const token = await mint(key, { issuer: iss(TENANT_A), audience: CLIENT_ID, tid: TENANT_A, roles: ["Coordinator", "unknown-role"], oid: "oid-a" });
    const r = await call(token);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.tenantId, TENANT_A);
    assert.equal(r.body.userId, "oid-a");
    assert.deepEqual(r.body.roles, ["coordinator"]);
    assert.ok(jwks.fetches.includes(`/${TENANT_A}/discovery/v2.0/keys`), "keys come from the tenant's own key set");
  });

  it("When the audience is api://{client id}, then the token is accepted too", async () => {
    const token = await mint(key, { issuer: iss(TENANT_B), audience: `api://${CLIENT_ID}`, tid: TENANT_B, roles: ["viewer"] });
    const r = await call(token);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.tenantId, TENANT_B);
    assert.deepEqual(r.body.roles, ["viewer"]);
  });

  it("When the token has expired, then 401 TOKEN_EXPIRED", async () => {
    expect401(await call(await mint(key, { issuer: iss(TENANT_A), audience: CLIENT_ID, tid: TENANT_A, exp: -600, nbf: -3600 })), "TOKEN_EXPIRED");
  });

  it("When the token is not valid yet, then 401 TOKEN_NOT_YET_VALID", async () => {
    expect401(await call(await mint(key, { issuer: iss(TENANT_A), audience: CLIENT_ID, tid: TENANT_A, nbf: 600 })), "TOKEN_NOT_YET_VALID");
  });

  it("When the token is meant for another API, then 401 TOKEN_WRONG_AUDIENCE", async () => {
    expect401(await call(await mint(key, { issuer: iss(TENANT_A), audience: "https://graph.microsoft.com", tid: TENANT_A })), "TOKEN_WRONG_AUDIENCE");
  });

  it("When the issuer is not the token's tenant v2 issuer, then 401 TOKEN_WRONG_ISSUER (v1 issuer, other tenant)", async () => {
    expect401(await call(await mint(key, { issuer: `https://sts.windows.net/${TENANT_A}/`, audience: CLIENT_ID, tid: TENANT_A })), "TOKEN_WRONG_ISSUER");
    expect401(await call(await mint(key, { issuer: iss(TENANT_B), audience: CLIENT_ID, tid: TENANT_A })), "TOKEN_WRONG_ISSUER");
  });

  it("When the tenant is not on the allow-list, then 401 TENANT_NOT_ALLOWED", async () => {
    expect401(await call(await mint(key, { issuer: iss(TENANT_C), audience: CLIENT_ID, tid: TENANT_C })), "TENANT_NOT_ALLOWED");
  });

  it("When tokens of tenants not on the list arrive (random tids), then each is refused without any request to the key server", async () => {
    const before = jwks.fetches.length;
    for (let i = 0; i < 5; i++) {
      const tid = randomUUID();
      expect401(await call(await mint(key, { issuer: iss(tid), audience: CLIENT_ID, tid })), "TENANT_NOT_ALLOWED");
    }
    assert.equal(jwks.fetches.length, before, "no outbound key fetch for a tenant not on the list");
  });

  it("When Entra mode is set up without a tenant allow-list, then the verifier refuses to be made", () => {
    assert.throws(() => entraVerifier({ clientId: CLIENT_ID, authorityHost: jwks.url, allowedTenants: [] }), /allow-list/);
    assert.throws(() => entraVerifier({ clientId: CLIENT_ID, authorityHost: jwks.url, allowedTenants: [" "] }), /allow-list/);
  });

  it("When an app-only token (client credentials: roles, no scp, idtyp app) arrives, then 401 TOKEN_INVALID", async () => {
    const appOnly = await mint(key, { issuer: iss(TENANT_A), audience: CLIENT_ID, tid: TENANT_A, extra: { scp: undefined, idtyp: "app" } });
    expect401(await call(appOnly), "TOKEN_INVALID");
    const noScope = await mint(key, { issuer: iss(TENANT_A), audience: CLIENT_ID, tid: TENANT_A, extra: { scp: "User.Read" } });
    expect401(await call(noScope), "TOKEN_INVALID");
  });

  it("When the token was issued to an app not allowed to call the API (azp), then 401 TOKEN_INVALID", async () => {
    expect401(await call(await mint(key, { issuer: iss(TENANT_A), audience: CLIENT_ID, tid: TENANT_A, extra: { azp: randomUUID() } })), "TOKEN_INVALID");
    // The API's own client (nested app authentication from the add-in) may.
    const own = await call(await mint(key, { issuer: iss(TENANT_A), audience: CLIENT_ID, tid: TENANT_A, extra: { azp: CLIENT_ID } }));
    assert.equal(own.status, 200, JSON.stringify(own.body));
  });

  it("When a token is valid for 50 years (or just over 24 hours), then 401 TOKEN_INVALID; 24 hours is accepted", async () => {
    for (const exp of [50 * 365 * 86400, 24 * 3600 + 60]) {
      const r = await call(await mint(key, { issuer: iss(TENANT_A), audience: CLIENT_ID, tid: TENANT_A, exp }));
      expect401(r, "TOKEN_INVALID");
      assert.match(r.body.error?.message ?? "", /24 hours/);
    }
    const day = await call(await mint(key, { issuer: iss(TENANT_A), audience: CLIENT_ID, tid: TENANT_A, exp: 24 * 3600 - 10 }));
    assert.equal(day.status, 200, JSON.stringify(day.body));
  });

  it("When the key is unknown, then 401 TOKEN_UNKNOWN_KEY; when that key then appears in the JWKS, then it is picked up", async () => {
    const rolled = await makeKey();
    const token = await mint(rolled, { issuer: iss(TENANT_A), audience: CLIENT_ID, tid: TENANT_A });
    expect401(await call(token), "TOKEN_UNKNOWN_KEY");
    const before = jwks.fetches.length;
    jwks.keys.push(rolled.jwk);
    const r = await call(token);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(jwks.fetches.length > before, "the key set was fetched again for the unknown kid");
  });

  it("When the token says alg none, then 401 TOKEN_INVALID", async () => {
    const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${enc({ alg: "none", typ: "JWT" })}.${enc({ iss: iss(TENANT_A), aud: CLIENT_ID, tid: TENANT_A, oid: "x", roles: ["coordinator"], iat: now, nbf: now, exp: now + 600 })}.`;
    expect401(await call(unsigned), "TOKEN_INVALID");
  });

  it("When the signature does not match the content (roles changed), then 401 TOKEN_INVALID", async () => {
    const token = await mint(key, { issuer: iss(TENANT_A), audience: CLIENT_ID, tid: TENANT_A, roles: ["viewer"] });
    const [h, p, s] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
    claims.roles = ["coordinator"];
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${s}`;
    expect401(await call(tampered), "TOKEN_INVALID");
  });

  it("When no token is sent, then 401 UNAUTHENTICATED", async () => {
    const r = await fetch(`${api.url}/api/me`);
    assert.equal(r.status, 401);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, "UNAUTHENTICATED");
  });
});
