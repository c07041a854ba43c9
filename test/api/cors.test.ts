import assert from "node:assert/strict";
import http from "node:http";
import { startStack, type Stack } from "../support/stack.js";

/** GET with a chosen Host header (fetch does not let a caller set Host). */
function getWithHost(base: string, path: string, host: string): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path, method: "GET", headers: { host } }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("CORS for classic Outlook and the add-in's own origin", function () {
  this.timeout(60_000);
  let withPublic: Stack;
  let devOnly: Stack;

  before(async () => {
    [withPublic, devOnly] = await Promise.all([
      startStack({ seedDemo: false, env: { PUBLIC_URL: "https://zorg.example.nl", CORS_ORIGINS: "https://Outlook.Example/" } }),
      startStack({ seedDemo: false }),
    ]);
  });
  after(async () => {
    await Promise.all([withPublic?.stop(), devOnly?.stop()]);
  });

  const preflight = (base: string, origin: string) =>
    fetch(`${base}/api/check`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });

  for (const origin of ["https://zorg.example.nl/", "https://zorg.example.nl"]) {
    it(`When classic Outlook's runtime sends a preflight with Origin: ${origin}, then it is allowed with the origin echoed, the headers and the methods`, async () => {
      const res = await preflight(withPublic.baseUrl, origin);
      assert.equal(res.status, 204);
      assert.equal(res.headers.get("access-control-allow-origin"), origin);
      assert.match(res.headers.get("access-control-allow-headers") ?? "", /authorization/);
      assert.match(res.headers.get("access-control-allow-headers") ?? "", /content-type/);
      assert.match(res.headers.get("access-control-allow-methods") ?? "", /POST/);
      assert.match(res.headers.get("vary") ?? "", /Origin/i);
    });

    it(`When the check itself is posted with Origin: ${origin}, then the answer carries Access-Control-Allow-Origin too`, async () => {
      const r = await withPublic.api("POST", "/api/check", { to: ["a@b.example"], subject: "x", body: "y" }, { headers: { origin } });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get("access-control-allow-origin"), origin);
    });
  }

  it("When a configured extra origin is written with capitals and a slash, then its normalised form is allowed", async () => {
    const res = await preflight(withPublic.baseUrl, "https://outlook.example");
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("access-control-allow-origin"), "https://outlook.example");
  });

  it("When a foreign origin (or null) asks, then the preflight is 403 without CORS headers and answers carry none", async () => {
    for (const origin of ["https://zorg.example.nl.evil.example", "https://evil.example/", "null"]) {
      const res = await preflight(withPublic.baseUrl, origin);
      assert.equal(res.status, 403, origin);
      assert.equal(res.headers.get("access-control-allow-origin"), null, origin);
    }
    const r = await withPublic.api("GET", "/api/me", undefined, { headers: { origin: "https://evil.example" } });
    assert.equal(r.headers.get("access-control-allow-origin"), null);
  });

  it("When there is no PUBLIC_URL (dev mode), then the server's own listening origin is allowed", async () => {
    const res = await preflight(devOnly.baseUrl, `${devOnly.baseUrl}/`);
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("access-control-allow-origin"), `${devOnly.baseUrl}/`);
  });

  it("When onsend.js or the allowed-scripts list is fetched with another Host header, then they name PUBLIC_URL (or the listening address), never the Host", async () => {
    // Dev mode answers only loopback Host names (a foreign one is 421): another loopback name and port stands in.
    const forged = "localhost:9";
    const js = await getWithHost(withPublic.baseUrl, "/addin/onsend.js", forged);
    assert.equal(js.status, 200, "dist/addin/onsend.js is built (npm test builds first)");
    assert.match(js.body, /^var __ZV_CONFIG__=\{"apiBaseUrl":"https:\/\/zorg\.example\.nl"/);
    assert.doesNotMatch(js.body.slice(0, 200), /localhost:9/);
    const wk = await getWithHost(withPublic.baseUrl, "/.well-known/microsoft-officeaddins-allowed.json", forged);
    assert.equal(wk.status, 200);
    assert.deepEqual(JSON.parse(wk.body), { allowed: ["https://zorg.example.nl/addin/onsend.js", "https://zorg.example.nl/addin/commands.html"] });
    const dev = await getWithHost(devOnly.baseUrl, "/.well-known/microsoft-officeaddins-allowed.json", forged);
    assert.equal(JSON.parse(dev.body).allowed[0], `${devOnly.baseUrl}/addin/onsend.js`);
  });
});
