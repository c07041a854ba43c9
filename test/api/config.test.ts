import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { ConfigError, loadConfig, normalizeOrigin } from "../../server/config.js";
import { ENTRA_TEST_SECURITY, startStack, type Stack } from "../support/stack.js";
import { assertError } from "../support/api-helpers.js";

/** Configuration fails fast and names the variable; dev-only conveniences stay off outside dev mode. */

describe("Configuration", function () {
  const fails = (env: Record<string, string>, variable: string): void => {
    assert.throws(
      () => loadConfig(env),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError, `a ConfigError, got ${String(err)}`);
        assert.match(err.message, new RegExp(`\\b${variable}\\b`), err.message);
        return true;
      },
    );
  };

  it("When PORT is not a number, then loadConfig fails naming PORT", () => {
    fails({ PORT: "abc" }, "PORT");
    fails({ PORT: "70000" }, "PORT");
  });

  it("When TABLE_PREFIX holds a dash, then loadConfig fails naming TABLE_PREFIX", () => {
    fails({ TABLE_PREFIX: "zv-test" }, "TABLE_PREFIX");
    fails({ TABLE_PREFIX: "1zv" }, "TABLE_PREFIX");
  });

  it("When ENTRA_CLIENT_ID is not a uuid, then loadConfig fails naming ENTRA_CLIENT_ID", () => {
    fails({ ENTRA_CLIENT_ID: "my-app" }, "ENTRA_CLIENT_ID");
  });

  it("When several variables are bad, then each one is named", () => {
    assert.throws(() => loadConfig({ PORT: "abc", TABLE_PREFIX: "a-b", LOG_LEVEL: "loud" }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      for (const v of ["PORT", "TABLE_PREFIX", "LOG_LEVEL"]) assert.match(err.message, new RegExp(v));
      return true;
    });
  });

  it("When dev mode (no ENTRA_CLIENT_ID) is asked to listen on a non-loopback HOST, then loadConfig refuses naming HOST", () => {
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "example.com"]) fails({ HOST: host }, "HOST");
    for (const host of ["127.0.0.1", "localhost", "::1"]) assert.equal(loadConfig({ HOST: host }).devMode, true);
    // With Entra ID configured the server may listen anywhere.
    const c = loadConfig({ HOST: "0.0.0.0", ENTRA_CLIENT_ID: randomUUID(), ...ENTRA_TEST_SECURITY });
    assert.equal(c.devMode, false);
  });

  it("When Entra ID is configured without PUBLIC_URL, or with an http PUBLIC_URL, then loadConfig refuses naming PUBLIC_URL", () => {
    fails({ ENTRA_CLIENT_ID: randomUUID() }, "PUBLIC_URL");
    fails({ ENTRA_CLIENT_ID: randomUUID(), PUBLIC_URL: "http://zorg.example.nl" }, "PUBLIC_URL");
    assert.equal(loadConfig({ ENTRA_CLIENT_ID: randomUUID(), ...ENTRA_TEST_SECURITY, PUBLIC_URL: "https://zorg.example.nl/" }).devMode, false);
  });

  it("When origins are normalised, then a trailing slash, case and the default port do not matter, and null is no origin", () => {
    const origins: [string, string | undefined][] = [
      ["https://Zorg.Example.nl/", "https://zorg.example.nl"], ["https://zorg.example.nl:443", "https://zorg.example.nl"], ["http://127.0.0.1:3000/", "http://127.0.0.1:3000"],
      ["null", undefined], ["file:///c:/x", undefined],
    ];
    for (const [given, origin] of origins) assert.equal(normalizeOrigin(given), origin, given);
  });

  it("When the environment is empty, then the defaults are valid and dev mode is on", () => {
    const c = loadConfig({});
    assert.equal(c.devMode, true);
    assert.equal(c.HOST, "127.0.0.1");
    assert.equal(c.BODY_LIMIT, "1mb");
  });

  it("When dev mode (no ENTRA_CLIENT_ID) is configured for production (NODE_ENV=production, or storage off this machine), then loadConfig refuses and says why", () => {
    fails({ NODE_ENV: "production" }, "NODE_ENV");
    const remote = "DefaultEndpointsProtocol=https;AccountName=zv;AccountKey=eA==;EndpointSuffix=core.windows.net";
    fails({ STORAGE_CONNECTION_STRING: remote }, "STORAGE_CONNECTION_STRING");
    fails({ STORAGE_CONNECTION_STRING: "DefaultEndpointsProtocol=http;AccountName=a;AccountKey=eA==;TableEndpoint=http://10.0.0.4:10002/a;" }, "STORAGE_CONNECTION_STRING");
    // Loopback storage (Azurite on this machine) stays allowed in dev mode.
    const local = "DefaultEndpointsProtocol=http;AccountName=a;AccountKey=eA==;TableEndpoint=http://127.0.0.1:10002/a;BlobEndpoint=http://localhost:10000/a;";
    assert.equal(loadConfig({ STORAGE_CONNECTION_STRING: local }).devMode, true);
  });

  it("When Entra mode has no tenant allow-list or no integrity keys, then loadConfig refuses naming the variable", () => {
    const entra = { ENTRA_CLIENT_ID: randomUUID(), ...ENTRA_TEST_SECURITY };
    fails({ ...entra, ENTRA_ALLOWED_TENANTS: "" }, "ENTRA_ALLOWED_TENANTS");
    fails({ ...entra, ENTRA_ALLOWED_TENANTS: "contoso.onmicrosoft.com" }, "ENTRA_ALLOWED_TENANTS");
    fails({ ...entra, INTEGRITY_KEYS: "" }, "INTEGRITY_KEYS");
    fails({ ...entra, INTEGRITY_KEYS: "k1:c2hvcnQ=" }, "INTEGRITY_KEYS");
    assert.equal(loadConfig(entra).devMode, false);
  });

  it("When the server is started as in production without ENTRA_CLIENT_ID, then it refuses to start (exit 2) and says why", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "server/run.ts"], {
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", PORT: "0", SEED_DEMO: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    assert.equal(code, 2, err);
    assert.match(err, /NODE_ENV: dev mode .* never runs with NODE_ENV=production/);
  });

  describe("Dev mode answers only to a loopback Host (DNS rebinding)", function () {
    let dev: Stack;
    before(async () => {
      dev = await startStack({ seedDemo: false });
    });
    after(async () => dev.stop());

    const withHost = (host: string, method = "POST", pathname = "/dev/token"): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        const u = new URL(dev.baseUrl);
        const req = httpRequest({ host: u.hostname, port: u.port, method, path: pathname, headers: { host, "content-type": "application/json" } }, (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("error", reject);
        req.end(method === "POST" ? JSON.stringify({ user: "ib@demo" }) : undefined);
      });

    it("When a request names a foreign Host (a rebound DNS name), then it is refused with 421 HOST_NOT_ALLOWED and no token is issued", async () => {
      for (const host of ["evil.example", "evil.example:3000", "127.0.0.1.nip.io", "localhost.evil.example"]) {
        const r = await withHost(host);
        assert.equal(r.status, 421, `${host}: ${r.body}`);
        assert.equal((JSON.parse(r.body) as { error: { code: string } }).error.code, "HOST_NOT_ALLOWED");
        assert.doesNotMatch(r.body, /token/i);
      }
      assert.equal((await withHost("evil.example", "GET", "/api/me")).status, 421);
    });

    it("When the Host is localhost, 127.0.0.1 or [::1] (with a port), then dev mode answers", async () => {
      const port = new URL(dev.baseUrl).port;
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, "localhost"]) assert.equal((await withHost(host)).status, 201, host);
    });
  });

  describe("Dev tokens", function () {
    let entra: Stack;
    let dev: Stack;
    before(async () => {
      [entra, dev] = await Promise.all([startStack({ env: { ENTRA_CLIENT_ID: randomUUID(), PUBLIC_URL: "https://zorg.example.nl" } }), startStack({ seedDemo: false })]);
    });
    after(async () => {
      await Promise.all([entra.stop(), dev.stop()]);
    });

    const devToken = (s: Stack) =>
      fetch(`${s.baseUrl}/dev/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ user: "ib@demo" }) });

    it("When ENTRA_CLIENT_ID is set, then POST /dev/token does not exist (404) and no dev issuer runs", async () => {
      assert.equal(entra.running.devIssuer, undefined);
      const res = await devToken(entra);
      assert.equal(res.status, 404);
      assertError({ status: res.status, json: await res.json() }, 404, "NOT_FOUND");
      // The API itself is there, behind Entra sign-in (no network needed to refuse a missing token).
      const me = await entra.api("GET", "/api/me", undefined, { token: "" });
      assertError(me, 401, "UNAUTHENTICATED");
      const doc = await entra.api("GET", "/api/openapi.json", undefined, { token: "" });
      assert.equal(doc.status, 200);
    });

    it("When ENTRA_CLIENT_ID is not set (dev mode), then POST /dev/token issues a working token", async () => {
      const res = await devToken(dev);
      assert.equal(res.status, 201);
      const body = (await res.json()) as { token: string; tenantId: string };
      const me = await dev.api<{ user: string; devMode: boolean }>("GET", "/api/me", undefined, { token: body.token });
      assert.equal(me.status, 200);
      assert.equal(me.json.user, "ib@demo");
      assert.equal(me.json.devMode, true);
    });
  });
});
