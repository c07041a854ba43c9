import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { useStack } from "../support/stack.js";
import { assertError } from "../support/api-helpers.js";
import { SlidingWindowLimiter } from "../../server/shared/ratelimit.js";
import { isSafeKey, key } from "../../server/shared/storage.js";
import { AppError } from "../../server/shared/errors.js";

const OTHER_TENANT = "0b9d3f1a-2c4e-4a6b-8d0f-1e2a3b4c5d6e";

describe("Abuse: rate limits", function () {
  this.timeout(60_000);
  const stack = useStack({ seedDemo: false, env: { RATE_LIMIT_PER_MINUTE_USER: "5", RATE_LIMIT_PER_MINUTE_TENANT: "8" } });

  /** `allowed` requests with the token pass; the next one is limited (429 RATE_LIMITED): its answer. */
  const limitedAfter = async (token: string, allowed: number): Promise<{ headers: Headers }> => {
    for (let i = 0; i < allowed; i++) assert.equal((await stack.api("GET", "/api/schools", undefined, { token })).status, 200);
    const r = await stack.api("GET", "/api/schools", undefined, { token });
    assertError(r, 429, "RATE_LIMITED");
    return r;
  };

  it("When one user sends more than the per-user limit, then the next request is 429 RATE_LIMITED with Retry-After", async () => {
    const r = await limitedAfter(await stack.token("snel@demo", ["viewer"]), 5);
    const retry = Number(r.headers.get("retry-after"));
    assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 60, String(retry));
  });

  it("When the users of one tenant together pass the tenant limit, then others of that tenant are limited too, and another tenant is not", async () => {
    await limitedAfter(await stack.token("tweede@demo", ["viewer"]), 3);
    const other = await stack.token("ander@elders", ["viewer"], OTHER_TENANT);
    assert.equal((await stack.api("GET", "/api/schools", undefined, { token: other })).status, 200);
  });

  it("When the window slides on, then the limiter allows again and says how long to wait before that", () => {
    const l = new SlidingWindowLimiter(2, 60_000);
    const t0 = 60_000 * 100; // start of a window
    assert.equal(l.take("u", t0), 0);
    assert.equal(l.take("u", t0 + 1000), 0);
    assert.equal(l.take("u", t0 + 2000), 58); // the current window is full: wait for its end
    // One second into the next window the previous one still weighs 59/60: wait until half of it slid out.
    assert.equal(l.take("u", t0 + 60_000 + 1000), 29);
    assert.equal(l.take("u", t0 + 60_000 + 30_000), 0);
    assert.equal(l.take("u", t0 + 180_000), 0); // long after: fresh
  });
});

describe("Abuse: headers, CORS, body size, identifiers, filters", function () {
  this.timeout(60_000);
  const stack = useStack({ seedDemo: false, env: { CORS_ORIGINS: "https://toegestaan.example" } });

  it("When any page is fetched, then the security headers are set: CSP with frame-ancestors for Teams/Outlook, nosniff, no X-Frame-Options, no X-Powered-By", async () => {
    for (const p of ["/healthz", "/api/openapi.json", "/tab/"]) {
      const res = await fetch(`${stack.baseUrl}${p}`);
      const csp = res.headers.get("content-security-policy") ?? "";
      assert.match(csp, /frame-ancestors 'self' https:\/\/teams\.microsoft\.com/);
      assert.match(csp, /https:\/\/outlook\.office\.com/);
      assert.match(csp, /object-src 'none'/);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      assert.equal(res.headers.get("x-frame-options"), null);
      assert.equal(res.headers.get("x-powered-by"), null);
      assert.ok(res.headers.get("strict-transport-security"));
      await res.arrayBuffer();
    }
  });

  it("When a configured origin asks, then CORS allows it; any other origin gets no CORS headers and its preflight is 403", async () => {
    const pre = (origin: string) =>
      fetch(`${stack.baseUrl}/api/check`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST" } });
    const ok = await pre("https://toegestaan.example");
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get("access-control-allow-origin"), "https://toegestaan.example");
    assert.match(ok.headers.get("access-control-allow-headers") ?? "", /idempotency-key/);
    const bad = await pre("https://kwaadwillend.example");
    assert.equal(bad.status, 403);
    assert.equal(bad.headers.get("access-control-allow-origin"), null);
    const get = await stack.api("GET", "/api/schools", undefined, { headers: { origin: "https://kwaadwillend.example" } });
    assert.equal(get.headers.get("access-control-allow-origin"), null);
    const get2 = await stack.api("GET", "/api/schools", undefined, { headers: { origin: "null" } });
    assert.equal(get2.headers.get("access-control-allow-origin"), null);
  });

  it("When a body is larger than BODY_LIMIT, then it is 413 BODY_TOO_LARGE and nothing is read", async () => {
    const r = await stack.api<{ error: { code: string } }>("POST", "/api/consents", undefined, { raw: JSON.stringify({ x: "a".repeat(1_100_000) }) });
    assert.equal(r.status, 413);
    assert.equal(r.json.error.code, "BODY_TOO_LARGE");
  });

  it("When an identifier holds a character Azure Tables forbids in keys, then key() refuses it and the route answers 400", async () => {
    for (const bad of ["a/b", "a\\b", "a#b", "a?b", "a\u0000b", "a\u001fb", "a\u007fb", "a\u0085b", "a|b", "", "x".repeat(256)]) {
      assert.equal(isSafeKey(bad) && !bad.includes("|"), false, JSON.stringify(bad));
      assert.throws(() => key("tenant", bad), (e: unknown) => e instanceof AppError && e.status === 400);
    }
    assert.equal(key("t", "lln-001"), "t|lln-001");
    for (const enc of ["a%2Fb", "a%5Cb", "a%23b", "a%3Fb", "a%00b", "a%7Cb", "%27%20or%201%20eq%201"]) {
      const r = await stack.api<{ error: { code: string } }>("GET", `/api/students/${enc}/register`);
      assert.equal(r.status, 400, enc);
      assert.equal(r.json.error.code, "VALIDATION_FAILED");
    }
  });

  it("When the server code builds a table filter, then it is always the SDK's odata template, never string concatenation", () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const f of readdirSync(dir)) {
        const p = path.join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith(".ts")) files.push(p);
      }
    };
    walk(path.resolve(import.meta.dirname, "../../server"));
    assert.ok(files.length > 20);
    const offences: string[] = [];
    let filters = 0;
    for (const f of files) {
      const src = readFileSync(f, "utf8");
      // storage.list(table, FILTER, ...): the filter must be an odata`` template or a helper returning one (tenantFilter, filterOf).
      for (const m of src.matchAll(/\.list\(\s*(?:"[A-Za-z]+"|KIND_TABLE\[kind\]|table|name|t),\s*([^\n]+)/g)) {
        filters++;
        const arg = (m[1] ?? "").trim();
        if (!/^(odata`|tenantFilter\(|this\.filterOf\()/.test(arg)) offences.push(`${path.basename(f)}: ${arg.slice(0, 60)}`);
      }
      // listEntities({ queryOptions: { filter: ... } }): only a variable or an odata template.
      for (const m of src.matchAll(/filter\s*:\s*([^,}\n]+)/g)) {
        filters++;
        const arg = (m[1] ?? "").trim();
        // A callback (an unzip entry filter, say) is no table filter: it cannot carry OData text.
        if (!/^(odata`|filter$|string\b|\(?\w+\)?\s*=>)/.test(arg)) offences.push(`${path.basename(f)}: filter: ${arg.slice(0, 60)}`);
      }
      // No filter text glued together by hand.
      if (/(PartitionKey|RowKey)\s+(eq|ne|gt|ge|lt|le)\s+'?\s*["'`]\s*\+/.test(src) || /["'`]\s*\+\s*["']\s*(and|or)\s/.test(src))
        offences.push(`${path.basename(f)}: concatenated filter`);
      for (const m of src.matchAll(/(?<!odata)`[^`]*(PartitionKey|RowKey) (eq|ne|gt|ge|lt|le)[^`]*`/g)) {
        const before = src.slice(Math.max(0, (m.index ?? 0) - 5), m.index ?? 0);
        if (!before.endsWith("odata")) offences.push(`${path.basename(f)}: untagged template ${m[0].slice(0, 50)}`);
      }
    }
    assert.ok(filters >= 8, `found ${filters} filters`);
    assert.deepEqual(offences, []);
  });
});
