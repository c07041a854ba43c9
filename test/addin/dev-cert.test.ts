import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { X509Certificate } from "node:crypto";
import { ensureDevCert } from "../../scripts/dev-cert.js";

describe("local HTTPS certificate (scripts/dev-cert.ts)", function () {
  this.timeout(30_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), "zv-cert-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("When no certificate exists, then one for localhost is made, kept private, and reused the next time", () => {
    const a = ensureDevCert(dir);
    const x = new X509Certificate(a.cert);
    assert.ok(x.checkHost("localhost"));
    assert.ok(x.checkIP("127.0.0.1"));
    assert.equal(statSync(path.join(dir, "localhost.key")).mode & 0o077, 0);
    const b = ensureDevCert(dir);
    assert.equal(b.cert, a.cert);
  });

  it("When an https server uses it, then a client trusting it connects", async () => {
    const { key, cert } = ensureDevCert(dir);
    const server = https.createServer({ key, cert }, (_req, res) => res.end("ok"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get({ host: "127.0.0.1", servername: "localhost", port, path: "/", ca: cert }, (res) => {
          let s = "";
          res.on("data", (c: Buffer) => (s += c.toString()));
          res.on("end", () => resolve(s));
        })
        .on("error", reject);
    });
    server.close();
    assert.equal(body, "ok");
  });
});
