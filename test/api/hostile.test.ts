import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { useStack } from "../support/stack.js";
import { routesOf, snapshotTables, uniq } from "../support/api-helpers.js";

/**
 * Issue 16, item 6: hostile input is the client's mistake (a 4xx with a stable code), never a 500,
 * and API answers are never cached.
 */
describe("Hostile input over HTTP: a 4xx, never a 500", function () {
  const stack = useStack();

  const post = async (path: string, body: Buffer | string, headers: Record<string, string>): Promise<{ status: number; json: { error?: { code: string } } }> => {
    const res = await fetch(`${stack.baseUrl}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${await stack.token()}`, "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : new Uint8Array(body),
    });
    return { status: res.status, json: (await res.json()) as { error?: { code: string } } };
  };

  it("When the API answers (ok, error, or unauthenticated), then it says Cache-Control: no-store", async () => {
    for (const r of [await stack.api("GET", "/api/me"), await stack.api("GET", "/api/students/nobody/register"), await stack.api("GET", "/api/me", undefined, { token: "" })]) {
      assert.equal(r.headers.get("cache-control"), "no-store", String(r.status));
    }
  });

  it("When a body claims brotli, gzip or deflate but is not, then 400 BAD_JSON-like client error and nothing is written", async () => {
    const before = await snapshotTables(stack);
    for (const encoding of ["br", "gzip", "deflate"]) {
      const r = await post("/api/check", Buffer.from('{"to":["a@b.example"],"subject":"x","body":"y"}'), { "content-encoding": encoding, "idempotency-key": uniq("enc") });
      assert.ok(r.status >= 400 && r.status < 500, `${encoding}: ${r.status}`);
      assert.ok(r.json.error?.code, encoding);
    }
    // A genuine gzip body still works.
    const ok = await post("/api/check", gzipSync(JSON.stringify({ to: ["a@b.example"], subject: "x", body: "y" })), { "content-encoding": "gzip" });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.deepEqual(await snapshotTables(stack), before);
  });

  it("When a name holds CR/LF, NUL, a C1 control or a direction override, then the import, a party and a purpose are refused with 400 naming the field, and nothing is written", async () => {
    const before = await snapshotTables(stack);
    const school = { id: "s-ctl", name: "School", brin: "12AB" };
    const student = (over: Record<string, string>) => ({
      id: "l-ctl",
      schoolId: "s-ctl",
      givenName: "Jan",
      familyName: "Jansen",
      studentNumber: "900001",
      birthDate: "2015-05-05",
      ...over,
    });
    const hostile = ["Jan\r\nBcc: x@evil.example", "Jan\u0000", "Jan\u0085", "Jan\u202Eexe.pdf", "Jan\u2066x"];
    for (const bad of hostile) {
      for (const [field, body] of [
        ["students.0.givenName", { schools: [school], students: [student({ givenName: bad })] }],
        ["students.0.tussenvoegsel", { schools: [school], students: [student({ tussenvoegsel: bad })] }],
        ["students.0.className", { schools: [school], students: [student({ className: bad })] }],
        ["schools.0.name", { schools: [{ ...school, name: bad }] }],
      ] as const) {
        const r = await stack.api<{ error: { code: string; details?: { path: string }[] } }>("POST", "/api/import", body);
        assert.equal(r.status, 400, `${field} ${JSON.stringify(bad)}`);
        assert.equal(r.json.error.code, "VALIDATION_FAILED");
        assert.ok(r.json.error.details?.some((d) => d.path === `body.${field}`), JSON.stringify(r.json.error.details));
      }
      const party = await stack.api<{ error: { details?: { path: string }[] } }>("PUT", "/api/parties/p-ctl", { id: "p-ctl", name: bad, kind: "specialist", defaultBasis: "consent" });
      assert.equal(party.status, 400, JSON.stringify(bad));
      assert.deepEqual(party.json.error.details?.map((d) => d.path), ["body.name"]);
      const purpose = await stack.api<{ error: { details?: { path: string }[] } }>("PUT", "/api/purposes/d-ctl", { id: "d-ctl", label: bad, farReaching: false });
      assert.equal(purpose.status, 400, JSON.stringify(bad));
      assert.deepEqual(purpose.json.error.details?.map((d) => d.path), ["body.label"]);
    }
    assert.deepEqual(await snapshotTables(stack), before);
    // The same party and purpose with ordinary names are accepted (so the refusals above were the names).
    assert.equal((await stack.api("PUT", "/api/parties/p-ctl", { id: "p-ctl", name: "Praktijk Één", kind: "specialist", defaultBasis: "consent" })).status, 200);
    assert.equal((await stack.api("PUT", "/api/purposes/d-ctl", { id: "d-ctl", label: "Onderzoek", farReaching: false })).status, 200);
    // Ordinary Dutch names with diacritics and apostrophes pass.
    const ok = await stack.api("POST", "/api/import", { schools: [school], students: [student({ givenName: "Zoë", familyName: "D'Hondt", tussenvoegsel: "van 't" })] });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
  });

  it("When JSON nested 150,000 deep arrives with an Idempotency-Key, then 400 and nothing is written", async () => {
    const before = await snapshotTables(stack);
    const deep = `${"[".repeat(150_000)}${"]".repeat(150_000)}`;
    for (const body of [deep, `{"to":${deep}}`]) {
      const r = await post("/api/consents", body, { "idempotency-key": uniq("deep") });
      assert.equal(r.status, 400, JSON.stringify(r.json));
    }
    assert.deepEqual(await snapshotTables(stack), before);
  });

  it("When a path id is 101 to 200 characters long, then every route with an id answers 400, not 500", async () => {
    const routes = (await routesOf(stack)).filter((r) => r.path.includes("{"));
    assert.ok(routes.length >= 10);
    for (const len of [101, 150, 200]) {
      const longId = "a".repeat(len);
      for (const r of routes) {
        const path = r.path.replace(/\{[A-Za-z]+\}/g, longId);
        const res = await stack.api(r.method, path, r.method === "GET" ? undefined : {});
        assert.ok(res.status >= 400 && res.status < 500, `${r.method} ${r.path} (${len}): ${res.status}`);
      }
    }
  });
});
