import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { useStack } from "../support/stack.js";
import {
  approvedPurge,
  assertError,
  fill,
  routesOf,
  snapshotTables,
  tableClient,
  type CheckResponse,
  type ConsentEvent,
  type ImportRequest,
  type RegisterView,
  type Route,
  type VerifyResult,
} from "../support/api-helpers.js";
import type { Role } from "../../server/identity/auth.js";

/**
 * Tenant isolation on every route of the OpenAPI document: a token of tenant A, given tenant B's ids,
 * never reads or changes B's data. And the roles: viewer reads, staff checks, no token nothing.
 */

const TENANT_B = randomUUID();
// Words that occur only in tenant B's data: no answer to tenant A may contain them.
const MARKERS = ["Geheimhouder", "Bettina", "b-tenant.example", "Geheime Partij", "Geheim doel", "Geheime School", "b-partij.example", TENANT_B];

const B_IMPORT: ImportRequest = {
  schools: [{ id: "b-school", name: "Geheime School", brin: "77BB", internalDomains: ["b-school.example"] }],
  purposes: [{ id: "b-purpose", label: "Geheim doel", farReaching: false }],
  parties: [
    {
      id: "b-party", name: "Geheime Partij", kind: "ggd", domains: ["b-partij.example"], addresses: [], defaultBasis: "consent",
      defaultPurposeId: "b-purpose", informParents: true,
    },
  ],
  policies: [],
  students: [
    {
      id: "b-lln-001", schoolId: "b-school", givenName: "Bettina", familyName: "Geheimhouder", aliases: [], studentNumber: "990001",
      birthDate: "2015-02-02", className: "groep 4",
      guardians: [{ id: "b-lln-001-o1", name: "Moeder Geheimhouder", emails: ["geheim.ouder@b-tenant.example"], relation: "mother", hasAuthority: true }],
    },
    // The same student id as tenant A's Jan de Vries: ids are only unique within a tenant.
    {
      id: "lln-001", schoolId: "b-school", givenName: "Bartholomeus", familyName: "Geheimhouder", aliases: [], studentNumber: "990002",
      birthDate: "2014-03-03", className: "groep 5",
      guardians: [{ id: "lln-001-o1", name: "Vader Geheimhouder", emails: ["vader.geheim@b-tenant.example"], relation: "father", hasAuthority: true }],
    },
  ],
};

describe("Tenancy and roles on every route", function () {
  const stack = useStack({ env: { RATE_LIMIT_PER_MINUTE_USER: "1000000", RATE_LIMIT_PER_MINUTE_TENANT: "1000000" } });
  let routes: Route[];
  let tokenB: string;
  const b = { consentId: "", sharedConsentId: "", checkId: "", requestId: "", reportId: "" };

  before(async () => {
    routes = await routesOf(stack);
    tokenB = await stack.token("b-coordinator", ["coordinator"], TENANT_B);
    const opt = { token: tokenB };
    const imp = await stack.api("POST", "/api/import", B_IMPORT, opt);
    assert.equal(imp.status, 200, JSON.stringify(imp.json));
    const consent = (studentId: string, guardianId: string) =>
      stack.api<ConsentEvent>("POST", "/api/consents", {
        studentId, partyId: "b-party", purposeId: "b-purpose", decision: "granted", givenBy: { guardianId }, method: "paper",
        givenAt: "2026-09-01T08:00:00Z",
      }, opt);
    const c1 = await consent("b-lln-001", "b-lln-001-o1");
    assert.equal(c1.status, 201, JSON.stringify(c1.json));
    b.consentId = c1.json.id;
    const c2 = await consent("lln-001", "lln-001-o1");
    assert.equal(c2.status, 201, JSON.stringify(c2.json));
    b.sharedConsentId = c2.json.id;
    const n = await stack.api("POST", "/api/notices", {
      studentId: "b-lln-001", partyId: "b-party", purposeId: "b-purpose", informedAt: "2026-09-02T08:00:00Z", method: "letter",
    }, opt);
    assert.equal(n.status, 201);
    // A blocked check (unknown recipient) leaves a check record in B.
    const chk = await stack.api<CheckResponse>("POST", "/api/check", {
      to: ["iemand@nergens.example"], subject: "Bettina Geheimhouder", body: "",
    }, opt);
    assert.equal(chk.status, 200);
    assert.equal(chk.json.verdict, "block");
    b.checkId = chk.json.checkId;
    const req = await stack.api<{ requestId: string }>("POST", "/api/consent-requests", {
      studentId: "b-lln-001", partyId: "b-party", purposeId: "b-purpose",
    }, opt);
    assert.equal(req.status, 201, JSON.stringify(req.json));
    b.requestId = req.json.requestId;
    const pol = await stack.api<Record<string, unknown>>("GET", "/api/policies/b-school", undefined, opt);
    const put = await stack.api("PUT", "/api/policies/b-school", { ...pol.json, studentConsentAge: 17 }, opt);
    assert.equal(put.status, 200, JSON.stringify(put.json));
    const hold = await stack.api("PUT", "/api/students/b-lln-001/legal-hold", { hold: true, reason: "Klacht in behandeling" }, opt);
    assert.equal(hold.status, 200, JSON.stringify(hold.json));
    const purge = await stack.api<{ id: string }>("POST", "/api/retention/purge", { dryRun: true }, opt);
    assert.equal(purge.status, 200, JSON.stringify(purge.json));
    b.reportId = purge.json.id;
    // B's coordinator looks at the register (a recorded view).
    assert.equal((await stack.api("GET", "/api/students/b-lln-001/register", undefined, opt)).status, 200);
  });

  const noMarkers = (json: unknown, route: string): void => {
    const text = JSON.stringify(json);
    for (const m of MARKERS) assert.ok(!text.includes(m), `${route} leaked "${m}" of tenant B: ${text.slice(0, 300)}`);
  };

  /** Per route: tenant A's request with tenant B's ids, and what A must get. */
  type Case = (route: string) => Promise<void>;
  const cases = (): Record<string, Case> => {
    const get = async (path: string) => stack.api<Record<string, unknown>>("GET", path);
    const notFound = (path: string, method = "GET", body?: unknown): Case => async (route) => {
      const r = await stack.api<Record<string, unknown>>(method, path, body);
      assertError(r, 404, "NOT_FOUND");
      noMarkers(r.json, route);
    };
    const listed = (path: string, more?: (json: Record<string, unknown>) => void): Case => async (route) => {
      const r = await get(path);
      assert.equal(r.status, 200, `${route}: ${JSON.stringify(r.json).slice(0, 300)}`);
      noMarkers(r.json, route);
      more?.(r.json);
    };
    return {
      "GET /api/me": listed("/api/me", (j) => assert.equal(j.tenantId, stack.tenantId)),
      // Issue 16: the administrative log, bulk views and approvals are per tenant too.
      "GET /api/admin-log": listed("/api/admin-log?limit=1000"),
      "GET /api/audit/views": listed("/api/audit/views"),
      // The last audit's outcome is the caller's own tenant's (tenant B's audit never shows here).
      "GET /api/audit/status": listed("/api/audit/status", (j) => assert.notEqual(j.state, "failed")),
      "GET /api/approvals": listed("/api/approvals"),
      "POST /api/approvals": notFound("/api/approvals", "POST", {
        kind: "retention-change", schoolId: "b-school", reason: "Tenant A verlaagt bij B",
        retention: { studentFileYears: 1, absenceYears: 5, referralYears: 1, consentYears: 1, disclosureLogYears: 1 },
      }),
      "POST /api/approvals/{id}/approve": notFound("/api/approvals/ap-van-b/approve", "POST", { reason: "Tenant A keurt goed" }),
      "POST /api/approvals/{id}/reject": notFound("/api/approvals/ap-van-b/reject", "POST", { reason: "Tenant A wijst af" }),
      // Stored backups are listed per tenant from their headers (test/reliability/backup.test.ts lists them with another tenant's beside).
      "GET /api/backups": listed("/api/backups", (j) => assert.deepEqual(j.backups, [])),
      "GET /api/schools": listed("/api/schools"),
      "GET /api/students": listed("/api/students?query=Geheimhouder", (j) => assert.deepEqual(j.students, [])),
      "GET /api/guardians/lookup": listed(`/api/guardians/lookup?email=${encodeURIComponent("geheim.ouder@b-tenant.example")}`, (j) => assert.deepEqual(j.matches, [])),
      "GET /api/register/overview": listed("/api/register/overview"),
      "GET /api/register/rows": listed("/api/register/rows"),
      "GET /api/students/{id}": async (route) => {
        await notFound("/api/students/b-lln-001")(route);
        const r = await get("/api/students/lln-001");
        assert.equal(r.status, 200);
        assert.equal(r.json.name, "Jan de Vries");
        noMarkers(r.json, route);
      },
      "GET /api/students/{id}/register": async (route) => {
        await notFound("/api/students/b-lln-001/register")(route);
        // The shared id shows tenant A's own student and none of B's events.
        const r = await stack.api<RegisterView>("GET", "/api/students/lln-001/register");
        assert.equal(r.status, 200);
        assert.equal(r.json.student.name, "Jan de Vries");
        assert.ok(!r.json.events.some((e) => e.id === b.sharedConsentId));
        noMarkers(r.json, route);
      },
      "GET /api/students/{id}/export": async (route) => {
        await notFound("/api/students/b-lln-001/export")(route);
        const r = await get("/api/students/lln-001/export");
        assert.equal(r.status, 200);
        noMarkers(r.json, route);
      },
      // Documents for parents (issue 17 item 7): B's student, school and request are not A's.
      "GET /api/students/{id}/export.pdf": async (route) => {
        await notFound("/api/students/b-lln-001/export.pdf")(route);
        const r = await get("/api/students/lln-001/export.pdf");
        assert.equal(r.status, 200);
        noMarkers(r.json, route);
      },
      "GET /api/register/class.pdf": notFound("/api/register/class.pdf?schoolId=b-school&className=groep%204"),
      "GET /api/consent-requests/{id}/form.pdf": async (route) => notFound(`/api/consent-requests/${b.requestId}/form.pdf`)(route),
      "GET /api/parties": listed("/api/parties"),
      "PUT /api/parties/{id}": async (route) => {
        // B's purpose does not exist for A.
        const r = await stack.api<Record<string, unknown>>("PUT", "/api/parties/b-party", {
          id: "b-party", name: "Partij van A", kind: "ggd", domains: ["a-partij.example"], defaultBasis: "consent", defaultPurposeId: "b-purpose",
        });
        assertError(r, 422, "UNPROCESSABLE");
        noMarkers(r.json, route);
      },
      "GET /api/purposes": listed("/api/purposes"),
      "PUT /api/purposes/{id}": async (route) => {
        // A may use the same id for its own purpose; that is A's record, B's is untouched (checked below).
        const r = await stack.api<Record<string, unknown>>("PUT", "/api/purposes/b-purpose", { id: "b-purpose", label: "Doel van A", farReaching: false });
        assert.equal(r.status, 200);
        noMarkers(r.json, route);
        const mine = await get("/api/purposes");
        noMarkers(mine.json, route);
      },
      "GET /api/policies/{schoolId}": notFound("/api/policies/b-school"),
      "PUT /api/policies/{schoolId}": async (route) => {
        const def = await get(`/api/policies/obs-de-regenboog`);
        await notFound("/api/policies/b-school", "PUT", { ...def.json, schoolId: "b-school", studentConsentAge: 12 })(route);
      },
      "GET /api/stats": listed("/api/stats"),
      "POST /api/import": async (route) => {
        const r = await stack.api<Record<string, unknown>>("POST", "/api/import", {
          students: [{ ...B_IMPORT.students[0], givenName: "Overschreven" }],
          policies: [],
        });
        assertError(r, 422, "UNPROCESSABLE");
        noMarkers(r.json, route);
      },
      "POST /api/consents": notFound("/api/consents", "POST", {
        studentId: "b-lln-001", partyId: "ggd", purposeId: "jgz-consult", decision: "granted", givenBy: { guardianId: "b-lln-001-o1" },
        method: "paper", givenAt: "2026-09-01T08:00:00Z",
      }),
      "POST /api/consents/{id}/withdraw": async (route) => {
        await notFound(`/api/consents/${b.consentId}/withdraw`, "POST", { by: { guardianId: "b-lln-001-o1" }, at: "2026-09-03T08:00:00Z" })(route);
        // B's consent on the shared student id is not A's to withdraw either.
        await notFound(`/api/consents/${b.sharedConsentId}/withdraw`, "POST", { by: { guardianId: "lln-001-o1" }, at: "2026-09-03T08:00:00Z" })(route);
      },
      "POST /api/notices": notFound("/api/notices", "POST", {
        studentId: "b-lln-001", partyId: "leerplicht", purposeId: "verzuimmelding", informedAt: "2026-09-02T08:00:00Z", method: "letter",
      }),
      "POST /api/consent-requests": notFound("/api/consent-requests", "POST", { studentId: "b-lln-001", partyId: "ggd", purposeId: "jgz-consult" }),
      "GET /api/consent-requests/{id}": async (route) => notFound(`/api/consent-requests/${b.requestId}`)(route),
      "POST /api/consent-requests/{id}/send": async (route) => notFound(`/api/consent-requests/${b.requestId}/send`, "POST")(route),
      "POST /api/consent-requests/{id}/remind": async (route) => notFound(`/api/consent-requests/${b.requestId}/remind`, "POST")(route),
      "GET /api/consent-requests": listed("/api/consent-requests"),
      "GET /api/consent-reminders": listed("/api/consent-reminders", (j) => assert.deepEqual(j.automaticSchools, [])),
      "POST /api/consent-reminders": async (route) => {
        // Only the caller's own tenant's due reminders are ever tried (the demo's one; none of B's). Without
        // Graph (dev mode) the round stops at the first with 503, before it claims anything (no row rewritten).
        const rows = async (): Promise<string[]> => {
          const out: string[] = [];
          for await (const e of tableClient(stack, "Meta").listEntities()) out.push(`${e.partitionKey}|${e.rowKey}|${e.etag}`);
          return out.sort();
        };
        const before = await rows();
        const r = await stack.api<{ error?: { code: string } }>("POST", "/api/consent-reminders");
        assert.deepEqual([r.status, r.json.error?.code], [503, "GRAPH_ERROR"], JSON.stringify(r.json));
        assert.deepEqual(await rows(), before, "a round this server cannot send rewrote a request");
        noMarkers(r.json, route);
      },
      "POST /api/consent-requests/{id}/reply": async (route) =>
        notFound(`/api/consent-requests/${b.requestId}/reply`, "POST", {
          decision: "granted", evidence: { messageId: "<b@b-tenant.example>", sender: "ouder@b-tenant.example", date: "2026-09-01T08:00:00Z", sha256: "a".repeat(64) },
        })(route),
      "GET /api/renewals": listed("/api/renewals"),
      "POST /api/renewals": async (route) => {
        // B's student is not A's: nothing is made, the item fails as not found.
        const r = await stack.api<{ created: unknown[]; failed: { code: string }[] }>("POST", "/api/renewals", { items: [{ studentId: "b-lln-001", partyId: "b-party", purposeId: "b-purpose" }] });
        assert.equal(r.status, 200, JSON.stringify(r.json));
        assert.deepEqual(r.json.created, []);
        assert.equal(r.json.failed[0]?.code, "NOT_FOUND");
        noMarkers(r.json, route);
      },
      "POST /api/import/csv": async (route) => {
        const csv = "leerlingnummer,voornaam,achternaam,geboortedatum\n990001,Overschreven,Geheimhouder,2015-02-02\n";
        const r = await stack.api("POST", "/api/import/csv?schoolId=b-school", undefined, { raw: csv, headers: { "content-type": "text/csv" } });
        assertError(r, 404, "NOT_FOUND");
        noMarkers(r.json, route);
      },
      "POST /api/evidence/graph": notFound("/api/evidence/graph", "POST", { graphMessageId: "AAMkAD-b", studentId: "b-lln-001" }),
      "POST /api/sent-items/mailboxes": async (route) => {
        // A's own list of mailboxes to sweep: B's store is untouched (checked below).
        const r = await stack.api<Record<string, unknown>>("POST", "/api/sent-items/mailboxes", { mailbox: "ib@b-school.example" });
        assert.equal(r.status, 201);
        noMarkers(r.json, route);
      },
      "POST /api/sent-items/sweep": async (route) => {
        // Dev mode: Graph is not configured, so nobody's Sent Items are read.
        const r = await stack.api("POST", "/api/sent-items/sweep");
        assertError(r, 503, "GRAPH_ERROR");
        noMarkers(r.json, route);
      },
      "POST /api/sent-items/subscriptions": async (route) => {
        // Dev mode without PUBLIC_URL or Graph: nobody's mailbox is subscribed.
        const r = await stack.api("POST", "/api/sent-items/subscriptions");
        assertError(r, 503, "GRAPH_ERROR");
        noMarkers(r.json, route);
      },
      "POST /api/graph/notifications": async (route) => {
        // Anonymous (Graph calls it): a notification naming B's tenant without B's clientState does nothing.
        const r = await fetch(`${stack.baseUrl}/api/graph/notifications`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ value: [{ subscriptionId: "b-sub", clientState: "guess", tenantId: "b-tenant", changeType: "created" }] }),
        });
        assert.equal(r.status, 200);
        noMarkers(await r.text(), route);
      },
      "POST /api/breaches/{id}/decisions": notFound("/api/breaches/b-breach-1/decisions", "POST", { followUp: "Nagaan" }),
      "GET /api/review": listed("/api/review"),
      "POST /api/review/{id}/decision": notFound("/api/review/b-review-1/decision", "POST", { decision: "breach" }),
      "GET /api/breaches": listed("/api/breaches"),
      "POST /api/breaches": notFound("/api/breaches", "POST", { what: "Tenant A meldt over B", studentIds: ["b-lln-001"] }),
      "POST /api/checks/{id}/breach": async (route) => notFound(`/api/checks/${b.checkId}/breach`, "POST", {})(route),
      "POST /api/sync/sds": async (route) => {
        // Dev mode: Graph is not configured, so nothing of anyone is synced.
        const r = await stack.api("POST", "/api/sync/sds");
        assertError(r, 503, "GRAPH_ERROR");
        noMarkers(r.json, route);
      },
      "POST /api/check": async (route) => {
        const r = await stack.api<CheckResponse>("POST", "/api/check", { to: ["info@b-partij.example"], subject: "Bettina Geheimhouder 990001", body: "" });
        assert.equal(r.status, 200);
        assert.deepEqual(r.json.students, []);
        assert.equal(r.json.recipients[0]?.kind, "unknown");
        noMarkers({ ...r.json, recipients: r.json.recipients.map((x) => ({ ...x, address: "" })) }, route);
      },
      "POST /api/check/attachments": async (route) => {
        // An attachment naming tenant B's student, uploaded by tenant A: nobody of B is recognised.
        const r = await stack.api<{ students: number }>("POST", "/api/check/attachments", undefined, {
          raw: "Verslag over Bettina Geheimhouder 990001",
          headers: { "content-type": "text/plain", "x-zv-check": "corr-tenancy-0001", "x-zv-name": "verslag.txt" },
        });
        assert.equal(r.status, 200, JSON.stringify(r.json));
        assert.equal(r.json.students, 0);
        noMarkers({ ...r.json, receipt: "" }, route);
      },
      "GET /api/checks/{id}": async (route) => notFound(`/api/checks/${b.checkId}`)(route),
      "POST /api/checks/{id}/override": async (route) =>
        notFound(`/api/checks/${b.checkId}/override`, "POST", { reason: "Tenant A probeert tenant B te overrulen" })(route),
      "POST /api/retention/purge": async (route) => {
        // A real purge of tenant A: it must not reach tenant B (B's store is compared below).
        const r = await approvedPurge(stack);
        assert.equal(r.status, 200, JSON.stringify(r.json));
        assert.equal(r.json.eventsRemoved, 0);
        noMarkers(r.json, route);
      },
      "GET /api/retention/reports": listed("/api/retention/reports", (j) => {
        const reports = j.reports as { id: string }[];
        assert.ok(!reports.some((x) => x.id === b.reportId), "tenant B's purge report is not listed");
      }),
      "GET /api/students/{id}/legal-hold": notFound("/api/students/b-lln-001/legal-hold"),
      "PUT /api/students/{id}/legal-hold": notFound("/api/students/b-lln-001/legal-hold", "PUT", { hold: false, reason: "Tenant A heft op" }),
      "PUT /api/students/{id}/guardians/{guardianId}/authority": notFound("/api/students/b-lln-001/guardians/b-lln-001-o1/authority", "PUT", { hasAuthority: false, source: "other" }),
      "PUT /api/students/{id}/guardians/{guardianId}": notFound("/api/students/b-lln-001/guardians/b-lln-001-o1", "PUT", { name: "Tenant A", emails: ["a@example.nl"], relation: "parent" }),
      "POST /api/students/{id}/restrictions": notFound("/api/students/b-lln-001/restrictions", "POST", {
        partyId: "veilig-thuis", purposeId: "melding-veilig-thuis", reason: "Tenant A schermt af bij tenant B",
      }),
      "GET /api/students/{id}/views": async (route) => {
        const r = await get("/api/students/b-lln-001/views");
        if (r.status === 404) assertError(r, 404, "NOT_FOUND");
        else assert.deepEqual(r.json, { views: [] }, "no views of tenant B's student");
        noMarkers(r.json, route);
      },
      "GET /api/audit/verify": listed("/api/audit/verify", (j) => {
        const v = j as unknown as VerifyResult;
        assert.equal(v.ok, true);
        assert.ok(!v.problems.some((p) => p.studentId === "b-lln-001"));
      }),
    };
  };

  it("When tenant A uses tenant B's ids on every route of the OpenAPI document, then it gets 404/422 or its own data, never B's, and B's store is unchanged", async () => {
    const isB = (pk: string): boolean => pk.startsWith(TENANT_B);
    const before = await snapshotTables(stack, isB);
    assert.ok((before.Events ?? []).length >= 4, "tenant B has events");
    const table = cases();
    const documented = routes.map((r) => `${r.method} ${r.path}`);
    const uncovered = documented.filter((k) => !(k in table));
    assert.deepEqual(uncovered, [], "every documented route needs a tenancy case");
    for (const k of new Set([...documented, "GET /api/me"])) {
      const run = table[k];
      assert.ok(run);
      await run(k);
    }
    assert.deepEqual(await snapshotTables(stack, isB), before);
    // Tenant B still sees its own data.
    const reg = await stack.api<RegisterView>("GET", "/api/students/b-lln-001/register", undefined, { token: tokenB });
    assert.equal(reg.status, 200);
    assert.equal(reg.json.student.name, "Bettina Geheimhouder");
    assert.equal(reg.json.chain.verified, true);
    const purposes = await stack.api<{ purposes: { id: string; label: string }[] }>("GET", "/api/purposes", undefined, { token: tokenB });
    assert.equal(purposes.json.purposes.find((p) => p.id === "b-purpose")?.label, "Geheim doel");
  });

  it("When tenant A calls the identity routes (CSV import, SDS sync, Graph evidence) with tenant B's ids and a text body, then B is untouched and the roles hold", async () => {
    const isB = (pk: string): boolean => pk.startsWith(TENANT_B);
    const before = await snapshotTables(stack, isB);
    const csv = "leerlingnummer,voornaam,achternaam,geboortedatum\n990001,Overschreven,Geheimhouder,2015-02-02\n";
    const headers = { "content-type": "text/csv" };
    assertError(await stack.api("POST", "/api/import/csv?schoolId=b-school", undefined, { raw: csv, headers }), 404, "NOT_FOUND");
    const ev = await stack.api("POST", "/api/evidence/graph", { graphMessageId: "AAMkAD-b", studentId: "b-lln-001" });
    assert.ok(ev.status === 404 || ev.status === 503, `${ev.status} ${JSON.stringify(ev.json)}`);
    assertError(ev, ev.status);
    const viewer = await stack.token("viewer@demo", ["viewer"], stack.tenantId);
    const staff = await stack.token("staff@demo", ["staff"], stack.tenantId);
    for (const [path, raw, h] of [
      ["/api/import/csv?schoolId=obs-de-regenboog", csv, headers],
      ["/api/sync/sds", "{}", {}],
      ["/api/evidence/graph", '{"graphMessageId":"x"}', {}],
    ] as const) {
      assertError(await stack.api("POST", path, undefined, { raw, headers: h, token: "" }), 401, "UNAUTHENTICATED");
      assertError(await stack.api("POST", path, undefined, { raw, headers: h, token: viewer }), 403, "FORBIDDEN");
      assertError(await stack.api("POST", path, undefined, { raw, headers: h, token: staff }), 403, "FORBIDDEN");
    }
    assert.deepEqual(await snapshotTables(stack, isB), before);
  });

  describe("Roles", function () {
    const body = (r: Route): unknown => (r.op.requestBody?.content["application/json"] ? {} : undefined);
    const pathOf = (r: Route): string => fill(r.path, { id: "lln-001", schoolId: "obs-de-regenboog", guardianId: "lln-001-o1" });
    const ALLOWED: Record<Role, Role[]> = { "privacy-officer": ["privacy-officer", "coordinator", "staff", "viewer"], coordinator: ["coordinator", "staff", "viewer"], staff: ["staff"], viewer: ["viewer"] };

    it("When a request carries no token, then every /api route but the OpenAPI document answers 401 UNAUTHENTICATED", async () => {
      for (const r of routes) {
        const res = await stack.api(r.method, pathOf(r), body(r), { token: "" });
        assertError(res, 401, "UNAUTHENTICATED");
        assert.equal(res.headers.get("www-authenticate"), "Bearer");
      }
      assertError(await stack.api("GET", "/api/me", undefined, { token: "" }), 401, "UNAUTHENTICATED");
      assertError(await stack.api("GET", "/api/schools", undefined, { token: "not.a.jwt" }), 401, "TOKEN_INVALID");
    });

    for (const role of ["viewer", "staff"] as const) {
      it(`When a ${role} calls a route that needs another role, then it is 403 FORBIDDEN and nothing is written; its own routes work`, async () => {
        const token = await stack.token(`${role}@demo`, [role], stack.tenantId);
        const before = await snapshotTables(stack);
        let forbidden = 0;
        for (const r of routes) {
          if (r.role === "any" || ALLOWED[role].includes(r.role as Role)) continue;
          const res = await stack.api(r.method, pathOf(r), body(r), { token });
          assertError(res, 403, "FORBIDDEN");
          forbidden++;
        }
        assert.ok(forbidden >= (role === "viewer" ? 10 : 18), `${forbidden} routes were forbidden`);
        assert.deepEqual(await snapshotTables(stack), before);
        if (role === "viewer") {
          for (const r of routes.filter((x) => (x.role === "viewer" || x.role === "any") && x.method === "GET")) {
            const res = await stack.api(r.method, pathOf(r), undefined, { token });
            assert.equal(res.status, 200, `${r.method} ${r.path}: ${JSON.stringify(res.json).slice(0, 200)}`);
          }
        } else {
          const res = await stack.api<CheckResponse>("POST", "/api/check", { to: ["juf.anna@regenboog.school.example"], subject: "Jan de Vries" }, { token });
          assert.equal(res.status, 200);
          assert.equal(res.json.verdict, "allow");
        }
      });
    }
  });
});
