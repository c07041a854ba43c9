import assert from "node:assert/strict";
import { useStack } from "../support/stack.js";
import { assertError, fill, routesOf, snapshotTables, type Policy, type Route } from "../support/api-helpers.js";

/**
 * Hostile input on every route that takes a body (from the OpenAPI document), and on every path id:
 * the answer is always a 4xx in the one error shape, and nothing is written to any table.
 */

const MB = 1024 * 1024;

describe("Input validation on every route with a body", function () {
  const stack = useStack({ env: { RATE_LIMIT_PER_MINUTE_USER: "1000000", RATE_LIMIT_PER_MINUTE_TENANT: "1000000" } });
  let routes: Route[];
  let withBody: Route[];
  let csvRoutes: Route[];
  let policy: Policy;
  let consentId: string;
  const params = (): Record<string, string> => ({ id: "lln-001", schoolId: "obs-de-regenboog", guardianId: "lln-001-o1" });

  before(async () => {
    routes = await routesOf(stack);
    withBody = routes.filter((r) => r.op.requestBody?.content["application/json"]);
    csvRoutes = routes.filter((r) => r.op.requestBody?.content["text/csv"]);
    const p = await stack.api<Policy>("GET", "/api/policies/obs-de-regenboog");
    policy = p.json;
    const reg = await stack.api<{ events: { id: string; type: string }[] }>("GET", "/api/students/lln-001/register");
    consentId = reg.json.events.find((e) => e.type === "consent")?.id ?? "";
    assert.ok(consentId);
  });

  /** A valid body per route: every test below breaks it in one way. */
  const valid = (): Record<string, Record<string, unknown>> => ({
    "POST /api/import": { schools: [{ id: "s-x", name: "School X", brin: "12AB", internalDomains: [] }], students: [], parties: [], purposes: [], policies: [] },
    "PUT /api/parties/{id}": { id: "lln-001", name: "Partij", kind: "ggd", domains: [], addresses: [], defaultBasis: "consent", informParents: true },
    "PUT /api/purposes/{id}": { id: "lln-001", label: "Doel", farReaching: false },
    "PUT /api/policies/{schoolId}": { ...policy },
    "POST /api/consents": {
      studentId: "lln-001", partyId: "ggd", purposeId: "jgz-consult", decision: "granted", givenBy: { guardianId: "lln-001-o2" },
      method: "paper", givenAt: "2026-09-01T08:00:00Z",
    },
    "POST /api/consents/{id}/withdraw": { by: { guardianId: "lln-001-o2" }, at: "2026-09-03T08:00:00Z", reason: "x" },
    "POST /api/notices": { studentId: "lln-001", partyId: "leerplicht", purposeId: "verzuimmelding", informedAt: "2026-09-02T08:00:00Z", method: "letter" },
    "POST /api/consent-requests": { studentId: "lln-001", partyId: "ggd", purposeId: "jgz-consult", lang: "nl" },
    "POST /api/consent-requests/{id}/reply": { decision: "granted", evidence: { messageId: "<a@b.example>", sender: "ouder@mail.example", date: "2026-09-01T08:00:00Z", sha256: "a".repeat(64) } },
    "POST /api/renewals": { items: [{ studentId: "lln-001", partyId: "ggd", purposeId: "jgz-consult" }], send: false },
    "POST /api/check": { to: ["jgz@ggd-voorbeeldregio.example"], cc: [], bcc: [], subject: "Jan de Vries", body: "", attachments: [], sentAt: "2026-10-01T10:00:00Z" },
    "POST /api/checks/{id}/override": { reason: "Een reden van voldoende lengte" },
    "POST /api/retention/purge": { dryRun: true },
    "POST /api/approvals": { kind: "purge", reason: "Jaarlijkse opschoning" },
    "POST /api/approvals/{id}/approve": { reason: "Gecontroleerd en akkoord" },
    "POST /api/approvals/{id}/reject": { reason: "Nog niet, eerst overleg" },
    "PUT /api/students/{id}/legal-hold": { hold: true, reason: "Lopend inzageverzoek" },
    "POST /api/evidence/graph": { graphMessageId: "AAMkAD-x", studentId: "lln-001" },
    "PUT /api/students/{id}/guardians/{guardianId}/authority": { hasAuthority: true, source: "declaration" },
    "PUT /api/students/{id}/guardians/{guardianId}": { name: "Sanne Jansen", emails: ["ouder1.jansen@mail.example"], relation: "mother" },
    "POST /api/students/{id}/restrictions": { partyId: "veilig-thuis", purposeId: "melding-veilig-thuis", reason: "Inzage brengt het kind in gevaar" },
    "POST /api/sent-items/mailboxes": { mailbox: "ib@demo", since: "2026-10-01T10:00:00Z" },
    "POST /api/review/{id}/decision": { decision: "breach", note: "Verkeerde ontvanger", categories: ["verslag"] },
    "POST /api/breaches/{id}/decisions": { notifyAuthority: { decision: "not-notify", reason: "Ontvanger heeft de mail aantoonbaar verwijderd" } },
    "POST /api/breaches": { what: "Verslag naar de verkeerde GGD gestuurd", studentIds: ["lln-001"], recipients: ["jgz@ggd-elders.example"] },
    "POST /api/checks/{id}/breach": { what: "Doorgezonden ondanks de blokkade", categories: ["verslag"] },
  });
  const keyOf = (r: Route): string => `${r.method} ${r.path}`;
  const urlOf = (r: Route): string => fill(r.path, params());

  /** A value of another JSON type than `v`. */
  const wrongType = (v: unknown): unknown => {
    if (typeof v === "string") return 12345;
    if (typeof v === "number") return "12";
    if (typeof v === "boolean") return "true";
    if (Array.isArray(v)) return "not-an-array";
    if (v === null) return 1;
    return 42;
  };

  it("When the OpenAPI document lists routes with a body, then each has a valid example here", () => {
    assert.ok(withBody.length >= 10);
    const known = valid();
    assert.deepEqual(withBody.map(keyOf).filter((k) => !(k in known)), []);
  });

  it("When a body is malformed JSON, missing, of the wrong type or has missing or unknown fields, then every route answers 400 and writes nothing", async () => {
    const before = await snapshotTables(stack);
    const known = valid();
    for (const r of withBody) {
      const url = urlOf(r);
      const ok = known[keyOf(r)] ?? {};
      const label = keyOf(r);
      for (const raw of ['{"a":', "{'single':'quotes'}", '{"a":1,}', "nul", "\u0000"]) {
        const res = await stack.api(r.method, url, undefined, { raw });
        assertError(res, 400, "BAD_JSON");
      }
      // No body at all.
      assertError(await stack.api(r.method, url), 400, "VALIDATION_FAILED");
      // Not an object: an array fails validation; a bare scalar is refused by the (strict) JSON parser.
      assertError(await stack.api(r.method, url, []), 400, "VALIDATION_FAILED");
      for (const body of ["text", 42, null, true]) assertError(await stack.api(r.method, url, body), 400, "BAD_JSON");
      // Unknown field (the schemas are strict).
      assertError(await stack.api(r.method, url, { ...ok, unexpected: 1 }), 400, "VALIDATION_FAILED");
      // Each required field missing, each field of the wrong type.
      const required = r.op.requestBody?.content["application/json"]?.schema.required ?? [];
      for (const field of required) {
        const { [field]: _gone, ...rest } = ok;
        const res = await stack.api<{ error: { details?: { path: string }[] } }>(r.method, url, rest);
        assertError(res, 400, "VALIDATION_FAILED");
        assert.ok(JSON.stringify(res.json.error.details).includes(`body.${field}`), `${label} missing ${field}: ${JSON.stringify(res.json)}`);
      }
      for (const [field, value] of Object.entries(ok)) {
        const res = await stack.api(r.method, url, { ...ok, [field]: wrongType(value) });
        assertError(res, 400, "VALIDATION_FAILED");
      }
    }
    assert.deepEqual(await snapshotTables(stack), before);
  });

  it("When a body is larger than 1 MB (the import: 50 MB), then every route answers 413 BODY_TOO_LARGE and writes nothing", async () => {
    const before = await snapshotTables(stack);
    const over1 = `{"subject":"${"x".repeat(MB + 1024)}"}`;
    for (const r of withBody) {
      if (r.path === "/api/import") continue;
      const res = await stack.api(r.method, urlOf(r), undefined, { raw: over1 });
      assertError(res, 413, "BODY_TOO_LARGE");
    }
    // The import accepts more than 1 MB ...
    const import1 = await stack.api("POST", "/api/import", undefined, { raw: `{"schools":[],"x":"${"x".repeat(2 * MB)}"}` });
    assertError(import1, 400, "VALIDATION_FAILED");
    // ... but not more than 50 MB.
    const big = await stack.api("POST", "/api/import", undefined, { raw: `{"schools":[],"x":"${"x".repeat(51 * MB)}"}` });
    assertError(big, 413, "BODY_TOO_LARGE");
    assert.deepEqual(await snapshotTables(stack), before);
  });

  it("When the CSV import gets JSON, nothing, an empty text or more than 50 MB, then it answers 400 or 413 and writes nothing", async () => {
    assert.deepEqual(csvRoutes.map(keyOf), ["POST /api/import/csv"]);
    const before = await snapshotTables(stack);
    const url = "/api/import/csv?schoolId=obs-de-regenboog";
    assertError(await stack.api("POST", url, { leerlingnummer: 1 }), 400, "VALIDATION_FAILED");
    assertError(await stack.api("POST", url), 400, "VALIDATION_FAILED");
    assertError(await stack.api("POST", url, undefined, { raw: "", headers: { "content-type": "text/csv" } }), 400, "VALIDATION_FAILED");
    assertError(await stack.api("POST", "/api/import/csv", undefined, { raw: "a;b\n1;2\n", headers: { "content-type": "text/csv" } }), 400, "VALIDATION_FAILED");
    const big = await stack.api("POST", url, undefined, { raw: "x".repeat(51 * MB), headers: { "content-type": "text/csv" } });
    assertError(big, 413, "BODY_TOO_LARGE");
    assert.deepEqual(await snapshotTables(stack), before);
  });

  it("When an oversized body is streamed without a Content-Length, then the answer is still 413 BODY_TOO_LARGE", async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"subject":"'));
      },
      pull(c) {
        if (sent > 2 * MB) {
          c.enqueue(new TextEncoder().encode('"}'));
          c.close();
          return;
        }
        sent += chunk.length;
        c.enqueue(chunk);
      },
    });
    const token = await stack.token();
    const res = await fetch(`${stack.baseUrl}/api/check`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit & { duplex: "half" });
    assert.equal(res.status, 413);
    const json = (await res.json()) as { error: { code: string } };
    assert.equal(json.error.code, "BODY_TOO_LARGE");
  });

  it("When a path id holds a forbidden character (/ # ? ' | \\ control characters, bad escapes, too long), then every route answers 400 or 404, never 500, and writes nothing", async () => {
    const before = await snapshotTables(stack);
    const known = valid();
    const bad = [
      "%2F", "a%2Fb", "%2F..%2F", "%23", "a%23b", "a%3Fb", "%3F", "'", "%27", "a'b", "%7C", "a%7Cb", "%5C", "%00", "a%00b", "%01",
      "%1F", "%7F", "%0A", "%0D%0A", "%C2%85", "%E0%A4%A", "%", "%ZZ", "..", "%2E%2E", "x".repeat(300), "%F0%9F%98%80", "tenant%7Cother",
    ];
    const seen = new Set<string>();
    for (const r of routes.filter((x) => x.path.includes("{"))) {
      for (const b of bad) {
        const url = r.path.replace(/\{[A-Za-z]+\}/g, b);
        const res = await stack.api(r.method, url, r.op.requestBody ? (known[keyOf(r)] ?? {}) : undefined);
        assert.ok(res.status === 400 || res.status === 404, `${r.method} ${url}: ${res.status} ${JSON.stringify(res.json).slice(0, 200)}`);
        assertError(res, res.status);
        seen.add(keyOf(r));
      }
    }
    assert.ok(seen.size >= 9, `${seen.size} routes with a path id`);
    // Query values are checked as well.
    for (const q of ["schoolId=%00", "schoolId=a%2Fb", "limit=abc", "limit=-1", "unknown=1", "query=" + "q".repeat(300)]) {
      const res = await stack.api("GET", `/api/students?${q}`);
      assertError(res, 400, "VALIDATION_FAILED");
    }
    assert.deepEqual(await snapshotTables(stack), before);
    // A withdraw of a real consent id with one bad character next to it is not found, not withdrawn.
    assertError(await stack.api("POST", `/api/consents/${consentId}%27/withdraw`, known["POST /api/consents/{id}/withdraw"]), 400);
  });
});
