import assert from "node:assert/strict";
import { createLocalJWKSet, type JWTVerifyGetKey } from "jose";
import { createJwtVerifier, VERIFIED_TOKEN_MS, type Principal } from "../../server/identity/auth.js";
import { AppError } from "../../server/shared/errors.js";
import { makeKey, mint, type TestKey } from "./support.js";

const TENANT = "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa";
const ISSUER = "https://issuer.example/v2.0";
const AUDIENCE = "api://zorgvuldig-test";

/**
 * A verified token is kept (the on-send handler sends every check with the same token): its signature is
 * checked once, and a kept token is refused as soon as a fresh verification would refuse it for its time.
 */
describe("Verified access tokens are kept until their expiry", () => {
  let key: TestKey;
  let clock: number;
  let lookups: number;
  let verifier: ReturnType<typeof createJwtVerifier>;

  before(async () => {
    key = await makeKey();
  });
  beforeEach(() => {
    clock = Date.now();
    lookups = 0;
    const keys = createLocalJWKSet({ keys: [key.jwk] });
    const getKey: JWTVerifyGetKey = (header, token) => {
      lookups++;
      return keys(header, token);
    };
    verifier = createJwtVerifier({ getKey, issuerFor: () => ISSUER, audience: AUDIENCE, allowedTenants: [], now: () => clock });
  });

  const token = (o: { exp?: number; roles?: string[] } = {}): Promise<string> =>
    mint(key, { issuer: ISSUER, audience: AUDIENCE, tid: TENANT, oid: "mentor", roles: o.roles ?? ["staff"], ...(o.exp !== undefined ? { exp: o.exp } : {}) });
  const refusal = (p: Promise<Principal>): Promise<string> =>
    p.then(
      () => "accepted",
      (e: unknown) => (e instanceof AppError ? e.code : String(e)),
    );

  it("When one token is verified twice, then its signature is checked once and both give the same principal", async () => {
    const t = await token();
    const first = await verifier.verify(t);
    const second = await verifier.verify(t);
    assert.equal(lookups, 1, "the second use of the token needs no signature check");
    assert.deepEqual(second, first);
    assert.equal(second.userId, "mentor");
  });

  it("When a request changes its principal, then the next request of that token sees the principal as verified", async () => {
    const t = await token();
    const first = await verifier.verify(t);
    first.roles.push("coordinator");
    first.userId = "someone-else";
    const second = await verifier.verify(t);
    assert.deepEqual(second.roles, ["staff"]);
    assert.equal(second.userId, "mentor");
  });

  it("When a kept token's expiry has passed (beyond the 60 s leeway), then it is refused as expired", async () => {
    const t = await token({ exp: 120 });
    assert.equal((await verifier.verify(t)).userId, "mentor");
    clock += 181_000;
    assert.equal(await refusal(verifier.verify(t)), "TOKEN_EXPIRED");
  });

  it("When a token is used longer than the keeping time, then it is verified again", async () => {
    const t = await token({ exp: 3600 });
    await verifier.verify(t);
    clock += VERIFIED_TOKEN_MS + 1;
    await verifier.verify(t);
    assert.equal(lookups, 2);
  });

  it("When a token's signature does not match, then it is refused every time and never kept", async () => {
    const t = await token();
    const [h, , s] = t.split(".") as [string, string, string];
    const forged = `${h}.${Buffer.from(JSON.stringify({ tid: TENANT, oid: "mentor", roles: ["coordinator"], iss: ISSUER, aud: AUDIENCE, iat: Math.floor(clock / 1000), exp: Math.floor(clock / 1000) + 600 })).toString("base64url")}.${s}`;
    assert.equal(await refusal(verifier.verify(forged)), "TOKEN_INVALID");
    assert.equal(await refusal(verifier.verify(forged)), "TOKEN_INVALID");
    assert.equal(lookups, 2);
  });
});
