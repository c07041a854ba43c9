import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { parse } from "acorn";
import { ensureBuilt } from "../support/built.js";
import { assertEs2016, findEs2017Uses } from "../../scripts/check-es2016.js";
import { checkAnswer, startCannedApi, type CannedApi } from "./support/canned-api.js";
import { makeEvent, makeOffice } from "./support/fake-office.js";

const root = path.resolve(import.meta.dirname, "../..");
const OUT = path.join(root, "dist/addin/onsend.js");

describe("on-send bundle (dist/addin/onsend.js)", function () {
  this.timeout(30_000);
  let code = "";
  let api: CannedApi;

  before(async () => {
    // Built by scripts/build.ts (npm test builds first; alone, the file builds when dist/ is stale).
    await ensureBuilt();
    code = readFileSync(OUT, "utf8");
    api = await startCannedApi();
  });
  after(async () => api?.close());

  it("When the handler is built, then it is one ES2016 script (acorn parses it with ecmaVersion 2016)", () => {
    assert.doesNotThrow(() => parse(code, { ecmaVersion: 2016, sourceType: "script" }));
    assert.doesNotMatch(code, /\bimport\s*\(|^\s*import\s|^\s*export\s/m);
  });

  it("When the handler is built, then it is at most 30 KB minified", () => {
    const size = statSync(OUT).size;
    assert.ok(size <= 30 * 1024, `${size} bytes`);
  });

  it("When the handler is built, then it uses no DOM and no localStorage", () => {
    assert.doesNotMatch(code, /localStorage|sessionStorage|document\.|window\./);
  });

  it("When the bundle runs in a bare context with only Office, fetch, timers, JSON and Promise, then it registers and completes an event", async () => {
    api.next = { kind: "json", body: checkAnswer("block") };
    const office = makeOffice({ to: ["jgz@ggd-regio.nl"], subject: "Verslag", body: "tekst" });
    const sandbox: Record<string, unknown> = {
      Office: office,
      fetch,
      setTimeout,
      clearTimeout,
      JSON,
      Promise,
      // The global commands.html (or the server) sets for runtimes without a page origin.
      __ZV_CONFIG__: { apiBaseUrl: api.baseUrl, devMode: true },
    };
    const ctx = vm.createContext(sandbox);
    for (const absent of ["window", "document", "localStorage", "location", "AbortController"])
      assert.equal(vm.runInContext(`typeof ${absent}`, ctx), "undefined", absent);
    vm.runInContext(code, ctx, { filename: "onsend.js" });
    const handler = office.associated.get("onMessageSendHandler");
    assert.equal(typeof handler, "function");
    const ev = makeEvent();
    (handler as unknown as (e: unknown) => void)(ev);
    const first = await ev.first;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(ev.calls.length, 1);
    assert.equal(first.allowEvent, false);
    assert.equal(first.commandId, "msgComposeCheckButton");
    assert.deepEqual(JSON.parse(String(first.contextData)), { checkId: "chk_0123456789abcdef01234567" });
  });

  it("When the bundle runs in a bare context and the backend is unreachable, then it still completes once (block)", async () => {
    const office = makeOffice({ to: ["jgz@ggd-regio.nl"], subject: "Verslag", body: "tekst" });
    const ctx = vm.createContext({ Office: office, fetch, setTimeout, clearTimeout, JSON, Promise, __ZV_CONFIG__: { apiBaseUrl: "http://127.0.0.1:9", devMode: true } });
    vm.runInContext(code, ctx);
    const handler = office.associated.get("onMessageSendHandler") as unknown as (e: unknown) => void;
    const ev = makeEvent();
    handler(ev);
    await ev.first;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(ev.calls.length, 1);
    assert.equal(ev.calls[0]?.allowEvent, false);
  });
});

describe("The build's ES2016 guard (scripts/check-es2016.ts)", () => {
  it("When a built handler uses an ES2017+ global or built-in without a typeof guard, then the check names each one", () => {
    const code = [
      "var g = globalThis;",
      "var a = Object.entries(o), b = Object.values(o), c = Object.fromEntries(o);",
      'var d = "1".padStart(2), e = "1".padEnd(2), f = "x".matchAll(/x/g), h = "x".replaceAll("x", "y");',
      "p.finally(fn); Promise.allSettled([]); [1].flat(); [1].flatMap(fn); [1].at(-1);",
    ].join("\n");
    const found = findEs2017Uses(code).map((p) => p.what);
    assert.deepEqual(found, [
      "globalThis",
      "Object.entries",
      "Object.values",
      "Object.fromEntries",
      ".padStart",
      ".padEnd",
      ".matchAll",
      ".replaceAll",
      ".finally",
      "Promise.allSettled",
      ".flat",
      ".flatMap",
      ".at",
    ]);
    assert.throws(() => assertEs2016(code, "onsend.js"), /globalThis at offset/);
  });

  it("When the same uses stand behind a typeof test, or are only property names, then the check passes", () => {
    const code = [
      'var g = typeof globalThis !== "undefined" ? globalThis : this;',
      'if (typeof Object.entries === "function") Object.entries(o);',
      'var d = typeof s.padStart === "function" && s.padStart(2);',
      "var o2 = { at: 1, flat: 2 }; var k = Object.keys(o2); var i = [1].includes(1);",
    ].join("\n");
    assert.deepEqual(findEs2017Uses(code), []);
  });

  it("When the code is newer syntax than ES2016 (async, object spread), then the check refuses to parse it", () => {
    assert.throws(() => assertEs2016("async function f() { await 1 }", "x.js"), /not ECMAScript 2016 syntax/);
    assert.throws(() => assertEs2016("var a = { ...b };", "x.js"), /not ECMAScript 2016 syntax/);
  });
});
