import assert from "node:assert/strict";
import { useStack } from "../support/stack.js";
import { assertError, fill, routesOf, snapshotTables, type CheckResponse, type ConsentEvent, type Route } from "../support/api-helpers.js";
import { paperConsent, DEMO_SCHOOL_ID } from "../reliability/support.js";
import { defaultPolicy } from "../../server/directory/domain.js";
import type { SchoolScope } from "../../contract/route.js";

/**
 * Issue 16, item 5: schools inside a tenant. A coordinator and a viewer of school A (the demo school)
 * ask for school B's records on every route of the OpenAPI document: 404 (as if absent) or a list
 * without B, never B's data, and nothing written.
 */
const B = "school-b";
const B_STUDENT = {
  id: "sb-1", schoolId: B, givenName: "Berend", familyName: "Buitenschools", studentNumber: "B0001", birthDate: "2015-04-01", className: "5",
  guardians: [{ id: "sb-1-g1", name: "Bea Buitenschools", emails: ["bea.buiten@mail.example"], relation: "mother", hasAuthority: true }],
};

describe("Schools inside a tenant: a user of school A never sees school B", function () {
  this.timeout(120_000);
  const stack = useStack({ env: { RATE_LIMIT_PER_MINUTE_USER: "1000000", RATE_LIMIT_PER_MINUTE_TENANT: "1000000" } });
  let routes: Route[];
  let coordA: string;
  let viewerA: string;
  const ids = { consentId: "", checkId: "", requestId: "", approvalId: "", breachId: "" };

  before(async () => {
    routes = await routesOf(stack);
    const imp = await stack.api("POST", "/api/import", { schools: [{ id: B, name: "Andere School", brin: "55BB" }], students: [B_STUDENT] });
    assert.equal(imp.status, 200, JSON.stringify(imp.json));
    const c = await stack.api<ConsentEvent>("POST", "/api/consents", paperConsent("sb-1", "2026-09-01T08:00:00Z"));
    assert.equal(c.status, 201, JSON.stringify(c.json));
    ids.consentId = c.json.id;
    const chk = await stack.api<CheckResponse>("POST", "/api/check", { to: ["jgz@ggd-voorbeeldregio.example"], subject: "Verslag Berend Buitenschools", body: "" });
    assert.equal(chk.status, 200);
    assert.deepEqual(chk.json.students.map((s) => s.id), ["sb-1"]);
    ids.checkId = chk.json.checkId;
    const req = await stack.api<{ requestId: string }>("POST", "/api/consent-requests", { studentId: "sb-1", partyId: "ggd", purposeId: "jgz-consult" });
    assert.equal(req.status, 201, JSON.stringify(req.json));
    ids.requestId = req.json.requestId;
    const prop = await stack.api<{ id: string }>("POST", "/api/approvals", {
      kind: "retention-change", schoolId: B, reason: "Korter bij school B", retention: { ...defaultPolicy(B).retention, consentYears: 1 },
    });
    assert.equal(prop.status, 201, JSON.stringify(prop.json));
    ids.approvalId = prop.json.id;
    const breach = await stack.api<{ id: string }>("POST", "/api/breaches", { what: "Verslag van Berend naar de verkeerde GGD", studentIds: ["sb-1"], recipients: ["jgz@ggd-elders.example"] });
    assert.equal(breach.status, 201, JSON.stringify(breach.json));
    ids.breachId = breach.json.id;
    coordA = await stack.token("ib-a@demo", ["coordinator"], stack.tenantId, [DEMO_SCHOOL_ID]);
    viewerA = await stack.token("kijker-a@demo", ["viewer"], stack.tenantId, [DEMO_SCHOOL_ID]);
  });

  /** A valid request naming school B's records, for each route whose scope names a record. */
  const requests = (): Record<string, { path: string; body?: unknown; raw?: string; headers?: Record<string, string> }> => {
    const p = (r: string) => fill(r, { id: "sb-1", schoolId: B, guardianId: "sb-1-g1" });
    return {
      "POST /api/import/csv": { path: `/api/import/csv?schoolId=${B}`, raw: "x", headers: { "content-type": "text/csv" } },
      "POST /api/evidence/graph": { path: "/api/evidence/graph", body: { graphMessageId: "AAMk-b", studentId: "sb-1" } },
      "POST /api/import": { path: "/api/import", body: { students: [{ ...B_STUDENT, className: "6" }] } },
      "GET /api/students/{id}": { path: p("/api/students/{id}") },
      "PUT /api/students/{id}/guardians/{guardianId}/authority": { path: p("/api/students/{id}/guardians/{guardianId}/authority"), body: { hasAuthority: false, source: "other" } },
      "PUT /api/students/{id}/guardians/{guardianId}": { path: p("/api/students/{id}/guardians/{guardianId}"), body: { name: "School A", emails: ["a@example.nl"], relation: "parent" } },
      "GET /api/policies/{schoolId}": { path: p("/api/policies/{schoolId}") },
      "PUT /api/policies/{schoolId}": { path: p("/api/policies/{schoolId}"), body: { ...defaultPolicy(B), sendMode: "block" } },
      "POST /api/consents": { path: "/api/consents", body: paperConsent("sb-1", "2026-09-02T08:00:00Z") },
      "POST /api/consents/{id}/withdraw": { path: `/api/consents/${ids.consentId}/withdraw`, body: { by: { guardianId: "sb-1-g1" }, at: "2026-09-03T08:00:00Z" } },
      "POST /api/students/{id}/restrictions": { path: p("/api/students/{id}/restrictions"), body: { partyId: "ggd", purposeId: "jgz-consult", reason: "School A schermt af bij B" } },
      "POST /api/notices": { path: "/api/notices", body: { studentId: "sb-1", partyId: "leerplicht", purposeId: "verzuim", informedAt: "2026-09-01T08:00:00Z", method: "letter" } },
      "POST /api/consent-requests": { path: "/api/consent-requests", body: { studentId: "sb-1", partyId: "ggd", purposeId: "jgz-consult" } },
      "POST /api/consent-requests/{id}/send": { path: `/api/consent-requests/${ids.requestId}/send` },
      "POST /api/consent-requests/{id}/remind": { path: `/api/consent-requests/${ids.requestId}/remind` },
      "GET /api/consent-requests/{id}": { path: `/api/consent-requests/${ids.requestId}` },
      "POST /api/consent-requests/{id}/reply": {
        path: `/api/consent-requests/${ids.requestId}/reply`,
        body: { decision: "granted", evidence: { messageId: "<antwoord-b@mail.example>", sender: "bea.buiten@mail.example", date: "2026-09-02T08:00:00Z", sha256: "a".repeat(64) } },
      },
      "POST /api/renewals": { path: "/api/renewals", body: { items: [{ studentId: "sb-1", partyId: "ggd", purposeId: "jgz-consult" }] } },
      "GET /api/students/{id}/register": { path: p("/api/students/{id}/register") },
      "GET /api/students/{id}/export": { path: p("/api/students/{id}/export") },
      "GET /api/students/{id}/export.pdf": { path: p("/api/students/{id}/export.pdf") },
      "GET /api/register/class.pdf": { path: `/api/register/class.pdf?schoolId=${B}&className=5` },
      "GET /api/consent-requests/{id}/form.pdf": { path: `/api/consent-requests/${ids.requestId}/form.pdf` },
      "GET /api/checks/{id}": { path: `/api/checks/${ids.checkId}` },
      "POST /api/checks/{id}/override": { path: `/api/checks/${ids.checkId}/override`, body: { reason: "School A overrulet school B" } },
      "GET /api/students/{id}/legal-hold": { path: p("/api/students/{id}/legal-hold") },
      "PUT /api/students/{id}/legal-hold": { path: p("/api/students/{id}/legal-hold"), body: { hold: true, reason: "School A zet B vast" } },
      "GET /api/students/{id}/views": { path: p("/api/students/{id}/views") },
      "POST /api/approvals": { path: "/api/approvals", body: { kind: "retention-change", schoolId: B, reason: "School A verlaagt B", retention: defaultPolicy(B).retention } },
      "POST /api/approvals/{id}/approve": { path: `/api/approvals/${ids.approvalId}/approve`, body: { reason: "School A keurt B goed" } },
      "POST /api/review/{id}/decision": { path: "/api/review/rv-b/decision", body: { decision: "breach", note: "School A beslist over B" } },
      "POST /api/breaches": { path: "/api/breaches", body: { what: "School A meldt over B", studentIds: ["sb-1"] } },
      "POST /api/breaches/{id}/decisions": { path: `/api/breaches/${ids.breachId}/decisions`, body: { followUp: "School A volgt B op" } },
      "POST /api/checks/{id}/breach": { path: `/api/checks/${ids.checkId}/breach`, body: {} },
      "POST /api/approvals/{id}/reject": { path: `/api/approvals/${ids.approvalId}/reject`, body: { reason: "School A wijst B af" } },
    };
  };
  const scopeOf = (r: Route): SchoolScope => (r.op as unknown as { "x-school-scope": SchoolScope })["x-school-scope"];
  const noB = (json: unknown, where: string) => assert.doesNotMatch(JSON.stringify(json), /sb-1|Buitenschools|school-b|Andere School/, `${where} leaks school B`);

  for (const who of ["coordinator", "viewer"] as const) {
    it(`When a ${who} of school A names school B's records on every route of the OpenAPI document, then it is 404 (or 403 by role), lists hold no B, and nothing is written`, async () => {
      const token = who === "coordinator" ? coordA : viewerA;
      const before = await snapshotTables(stack);
      const table = requests();
      let refused = 0;
      for (const r of routes) {
        const scope = scopeOf(r);
        const route = `${r.method} ${r.path}`;
        if (scope.from === "none") continue;
        if (scope.from === "tenant") {
          const res = await stack.api(r.method, r.path, r.method === "GET" ? undefined : {}, { token });
          assert.ok(res.status === 403 || res.status === 400, `${route}: ${res.status}`);
          continue;
        }
        if (scope.from === "own-schools" || ("via" in scope && scope.via === "mail-content")) {
          if (r.method !== "GET") continue; // the send check (judged against the whole board, see docs/SECURITY.md)
          const res = await stack.api(r.method, r.path.replace("/api/guardians/lookup", "/api/guardians/lookup?email=bea.buiten%40mail.example").replace("/api/students", "/api/students?query=Buitenschools"), undefined, { token });
          if (res.status === 403) continue;
          assert.equal(res.status, 200, `${route}: ${JSON.stringify(res.json).slice(0, 200)}`);
          noB(res.json, route);
          continue;
        }
        const req = table[route];
        assert.ok(req, `no request for ${route}: add one (every route naming a record is tested)`);
        const res = await stack.api(r.method, req.path, req.body, { token, ...(req.raw ? { raw: req.raw } : {}), ...(req.headers ? { headers: req.headers } : {}) });
        if (who === "viewer" && r.role !== "viewer") assertError(res, 403, "FORBIDDEN");
        else assertError(res, 404, "NOT_FOUND");
        noB(res.json, route);
        refused++;
      }
      assert.ok(refused >= 20, `only ${refused} routes were tried`);
      // Nothing written but the view log's bulk reads (the lists asked above).
      const after = await snapshotTables(stack);
      for (const [t, v] of Object.entries(before)) if (t !== "Views") assert.deepEqual(after[t as keyof typeof after], v, `table ${t} changed`);
    });
  }

  it("When the same routes are asked by a user who sees every school, then school B's student is there and the lists are in the view log", async () => {
    const token = await stack.token("fg@demo", ["privacy-officer"]);
    assert.equal((await stack.api("GET", "/api/students/sb-1", undefined, { token })).status, 200);
    const list = await stack.api<{ students: { id: string }[] }>("GET", "/api/students?query=Buitenschools", undefined, { token });
    assert.deepEqual(list.json.students.map((s) => s.id), ["sb-1"]);
    const breaches = await stack.api<{ breaches: { id: string }[] }>("GET", "/api/breaches", undefined, { token });
    assert.ok(breaches.json.breaches.some((b) => b.id === ids.breachId), "school B's breach is in the privacy officer's register");
    const views = await stack.api<{ views: { by: string; what: string; count: number }[] }>("GET", "/api/audit/views", undefined, { token });
    assert.ok(views.json.views.some((v) => v.by === "fg@demo" && v.what === "student-list" && v.count === 1), JSON.stringify(views.json));
    assert.ok(views.json.views.some((v) => v.by === "kijker-a@demo" && v.what === "overview"));
    const me = await stack.api<{ schools: unknown }>("GET", "/api/me", undefined, { token: viewerA });
    assert.deepEqual(me.json.schools, [DEMO_SCHOOL_ID]);
  });
});
