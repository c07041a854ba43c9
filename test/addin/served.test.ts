import assert from "node:assert/strict";
import { parse } from "acorn";
import { ensureBuilt } from "../support/built.js";
import { startStack, type Stack } from "../support/stack.js";

describe("The on-send script as the server serves it", function () {
  this.timeout(120_000);
  let stack: Stack;
  before(async () => {
    await ensureBuilt();
    stack = await startStack({ seedDemo: false });
  });
  after(async () => stack.stop());

  it("When classic Outlook loads /addin/onsend.js, then the script names this backend and is still ES2016 and under 30 KB", async () => {
    const res = await fetch(`${stack.baseUrl}/addin/onsend.js`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /javascript/);
    const js = await res.text();
    const first = js.split("\n")[0] ?? "";
    assert.equal(first, `var __ZV_CONFIG__=${JSON.stringify({ apiBaseUrl: stack.baseUrl, devMode: true })};`);
    assert.doesNotThrow(() => parse(js, { ecmaVersion: 2016, sourceType: "script" }));
    assert.ok(Buffer.byteLength(js) <= 30 * 1024, `size ${Buffer.byteLength(js)}`);
  });

  it("When the allow-list of add-in scripts is asked for, then it names the script on this host", async () => {
    const res = await fetch(`${stack.baseUrl}/.well-known/microsoft-officeaddins-allowed.json`);
    const body = (await res.json()) as { allowed: string[] };
    assert.ok(body.allowed.includes(`${stack.baseUrl}/addin/onsend.js`));
  });
});
