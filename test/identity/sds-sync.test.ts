import assert from "node:assert/strict";
import { randomBytes, createHash } from "node:crypto";
import express from "express";
import { pino } from "pino";
import { AzuriteProcess } from "../../server/shared/azurite.js";
import { Storage } from "../../server/shared/storage.js";
import { DirectoryRepository } from "../../server/directory/repository.js";
import { DirectoryService } from "../../server/directory/service.js";
import { defaultPolicy } from "../../server/directory/domain.js";
import { loadConfig } from "../../server/config.js";
import { authenticate, DevIssuer } from "../../server/identity/auth.js";
import { errorMiddleware } from "../../server/shared/errors.js";
import { GraphAuth, GraphClients } from "../../server/graph/client.js";
import { ApiBuilder } from "../../server/http/api.js";
import { createGraphServices } from "../../server/graph/services.js";
import { graphRoutes } from "../../server/graph/routes.js";
import { createSyncServices } from "../../server/sync/service.js";
import { syncRoutes } from "../../server/sync/routes.js";
import { SdsSync } from "../../server/sync/sds-sync.js";
import { guardianIdFor } from "../../server/sync/merge.js";
import { FakeAuthority, SAMPLE_CSV, listen, sendJson, startGraphStub, type GraphRoute, type Listening } from "./support.js";

const TENANT = "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa";
const CLIENT_ID = "6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f";
const SILENT = pino({ level: "silent" });

/** SDS as Graph's Education API shows it: two schools (one without BRIN), users over two pages. */
function sdsRoutes(base: () => string): GraphRoute[] {
  const school = { id: "9b3c0a1e-0000-4000-8000-000000000001", displayName: "OBS De Linde", schoolNumber: "12AB00" };
  const noBrin = { id: "9b3c0a1e-0000-4000-8000-000000000002", displayName: "Nevenvestiging", schoolNumber: "" };
  const page1 = [
    {
      id: "u1",
      primaryRole: "student",
      givenName: "Jan",
      middleName: "de",
      surname: "Vries",
      student: { studentNumber: "1001", birthDate: "2014-05-03", externalId: "X1", grade: "groep 7" },
      relatedContacts: [
        { displayName: "Anna de Vries", emailAddress: "Anna@Example.nl", relationship: "parent", accessConsent: true },
        { displayName: "Kees Voogd", emailAddress: "kees@example.nl", relationship: "guardian", accessConsent: false },
        { displayName: "Dr. Huisarts", emailAddress: "huisarts@example.nl", relationship: "doctor", accessConsent: false },
      ],
    },
    { id: "t1", primaryRole: "teacher", givenName: "Juf", surname: "Ank", student: null, relatedContacts: [] },
  ];
  const page2 = [
    {
      id: "u2",
      primaryRole: "student",
      givenName: "Noor",
      surname: "Berg",
      student: { studentNumber: null, externalId: "EXT22", birthDate: "2011-01-31T00:00:00Z", grade: null },
      relatedContacts: [{ displayName: "Els Berg", emailAddress: "els@example.nl", relationship: "parent" }],
    },
    { id: "u3", primaryRole: "student", givenName: "Geen", surname: "Datum", student: { studentNumber: "1003" }, relatedContacts: [] },
  ];
  return [
    (c, res) => (c.path.startsWith("/v1.0/education/schools?") || c.path === "/v1.0/education/schools" ? sendJson(res, 200, { value: [school, noBrin] }) : false),
    (c, res) => {
      if (!c.path.startsWith(`/v1.0/education/schools/${school.id}/users`)) return false;
      if (c.path.includes("page=2")) return sendJson(res, 200, { value: page2 });
      return sendJson(res, 200, { value: page1, "@odata.nextLink": `${base()}/education/schools/${school.id}/users?page=2` });
    },
  ];
}

describe("Guardian sync from School Data Sync, and the identity/Graph routes (real directory on Azurite)", function () {
  this.timeout(60_000);
  let azurite: AzuriteProcess;
  let storage: Storage;
  let directory: DirectoryService;
  let stub: Awaited<ReturnType<typeof startGraphStub>>;
  let authority: FakeAuthority;
  let clients: GraphClients;
  const extra: GraphRoute[] = [];

  before(async () => {
    azurite = new AzuriteProcess();
    await azurite.start();
    storage = new Storage(azurite.connectionString, "t" + randomBytes(4).toString("hex"), 4000);
    await storage.ensureTables();
    directory = new DirectoryService(new DirectoryRepository(storage), 0);
    stub = await startGraphStub([(c, res) => extra.some((r) => r(c, res) === true), ...sdsRoutes(() => stub.base)]);
    authority = new FakeAuthority();
    clients = new GraphClients(
      new GraphAuth({ clientId: CLIENT_ID, authorityHost: "https://login.microsoftonline.com", clientSecret: "s", networkClient: authority }),
      stub.base,
      { maxRetries: 1, maxRetryAfterSeconds: 1, sleep: async () => undefined },
    );
  });
  after(async () => {
    await stub?.close();
    await azurite?.stop();
  });

  it("When the sync runs, then SDS's students and guardians are imported; when it runs again, then nothing changes", async () => {
    const sync = new SdsSync((t) => clients.forApp(t), directory, { newGuardianHasAuthority: true, graphBaseUrl: stub.base });
    const first = await sync.run(TENANT);
    assert.deepEqual(first.result.schools, { created: 1, updated: 0, unchanged: 0 });
    assert.deepEqual(first.result.students, { created: 2, updated: 0, unchanged: 0 });
    assert.equal(first.schoolsRead, 2);
    assert.equal(first.studentsRead, 3);
    assert.deepEqual(
      first.skipped.map((s) => `${s.kind}:${s.ref}`).sort(),
      ["contact:u1", "school:9b3c0a1e-0000-4000-8000-000000000002", "student:u3"],
    );
    assert.ok(!JSON.stringify(first).includes("Vries"), "the report names no people");

    const snap = await directory.snapshot(TENANT);
    const school = snap.directory.schools[0];
    assert.equal(school?.brin, "12AB");
    const jan = snap.studentById.get(`${school?.id}:1001`);
    assert.ok(jan, "student id is {schoolId}:{studentNumber}");
    assert.equal(jan.tussenvoegsel, "de");
    assert.equal(jan.birthDate, "2014-05-03");
    assert.equal(jan.className, "groep 7");
    assert.deepEqual(
      jan.guardians.map((g) => [g.name, g.emails, g.relation, g.hasAuthority]),
      [
        ["Anna de Vries", ["anna@example.nl"], "parent", true],
        ["Kees Voogd", ["kees@example.nl"], "guardian", true],
      ],
      "parent and guardian imported (with authority by default); the doctor is not a guardian",
    );
    const noor = snap.studentById.get(`${school?.id}:EXT22`);
    assert.equal(noor?.birthDate, "2011-01-31");
    assert.ok(stub.calls.every((c) => c.authorization === "Bearer graph-token-1"), "app-only token on every call");
    assert.equal(authority.tokenCalls[0]?.grantType, "client_credentials");

    const second = await sync.run(TENANT);
    assert.deepEqual(second.result.schools, { created: 0, updated: 0, unchanged: 1 });
    assert.deepEqual(second.result.students, { created: 0, updated: 0, unchanged: 2 });
    assert.equal(authority.tokenCalls.length, 1, "the app token was cached");
  });

  it("When a coordinator corrected a guardian's authority and added a guardian, then the next sync keeps both (nothing changes)", async () => {
    const snap = await directory.snapshot(TENANT);
    const schoolId = snap.directory.schools[0]?.id ?? "";
    const jan = snap.studentById.get(`${schoolId}:1001`);
    assert.ok(jan);
    const corrected = {
      ...jan,
      guardians: [
        ...jan.guardians.map((g) => (g.name === "Kees Voogd" ? { ...g, hasAuthority: false } : g)),
        { id: "manual-1", name: "Opa Vries", emails: ["opa@example.nl"], relation: "other" as const, hasAuthority: false },
      ],
    };
    const manual = await directory.import(TENANT, { schools: [], students: [corrected], parties: [], purposes: [], policies: [] });
    assert.equal(manual.students.updated, 1);
    const sync = new SdsSync((t) => clients.forApp(t), directory, { newGuardianHasAuthority: true, graphBaseUrl: stub.base });
    const again = await sync.run(TENANT);
    assert.deepEqual(again.result.students, { created: 0, updated: 0, unchanged: 2 });
    assert.equal(again.guardiansKept, 1);
    const after = (await directory.snapshot(TENANT)).studentById.get(`${schoolId}:1001`);
    assert.equal(after?.guardians.find((g) => g.name === "Kees Voogd")?.hasAuthority, false, "the correction stands");
    assert.ok(after?.guardians.some((g) => g.id === "manual-1"), "the hand-added guardian stays");
  });

  it("[R-AUTH-CONFIRMED] When SDS brings a new parent, then the parent's authority starts unconfirmed (SDS carries no custody); once the school confirms it, a later sync keeps the confirmation", async () => {
    const snap = await directory.snapshot(TENANT);
    const schoolId = snap.directory.schools[0]?.id ?? "";
    const jan = snap.studentById.get(`${schoolId}:1001`);
    const anna = jan?.guardians.find((g) => g.name === "Anna de Vries");
    assert.ok(jan && anna);
    assert.equal(anna.authorityConfirmed, false, "new from SDS: unconfirmed");
    await directory.confirmAuthority({ tenantId: TENANT, userId: "ib@school" }, jan.id, anna.id, { hasAuthority: true, source: "declaration" });
    const sync = new SdsSync((t) => clients.forApp(t), directory, { newGuardianHasAuthority: true, graphBaseUrl: stub.base });
    const again = await sync.run(TENANT);
    assert.deepEqual(again.result.students, { created: 0, updated: 0, unchanged: 2 });
    const after = (await directory.snapshot(TENANT)).studentById.get(jan.id)?.guardians.find((g) => g.id === anna.id);
    assert.notEqual(after?.authorityConfirmed, false, "the confirmation stands");
    assert.equal(after?.authoritySource?.source, "declaration");
  });

  describe("routes over HTTP (graphRouter behind authenticate)", () => {
    let api: Listening;
    let issuer: DevIssuer;
    before(async () => {
      issuer = await DevIssuer.create();
      const config = loadConfig({ NODE_ENV: "test", GRAPH_BASE_URL: stub.base, GRAPH_MAX_RETRIES: "0" });
      const app = express();
      // The Graph and sync routes on their own router, behind authenticate, answers checked against the contract.
      const graph = createGraphServices({ config, directory, log: SILENT, auth: new GraphAuth({ clientId: CLIENT_ID, authorityHost: "https://login.microsoftonline.com", clientSecret: "s", networkClient: authority }) });
      const routes = new ApiBuilder({ defaultBodyLimit: config.BODY_LIMIT, validateResponses: true });
      graphRoutes(routes, graph, directory);
      syncRoutes(routes, createSyncServices({ clients: graph.clients, directory, config, log: SILENT, schedule: false }), directory, config.IMPORT_BODY_LIMIT);
      app.use("/api", authenticate(issuer.verifier()), routes.router);
      app.use(errorMiddleware(SILENT));
      api = await listen(app);
    });
    after(async () => api?.close());

    async function post(path: string, token: string, body: string, type = "application/json"): Promise<{ status: number; json: Record<string, unknown> }> {
      const r = await fetch(`${api.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": type }, body });
      return { status: r.status, json: (await r.json()) as Record<string, unknown> };
    }

    it("When a coordinator asks for a sync, then the answer holds the import counts; when a viewer asks, then 403", async () => {
      const coord = await issuer.issue("ib", TENANT, ["coordinator"]);
      const r = await post("/api/sync/sds", coord, "{}");
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.deepEqual((r.json.result as { students: unknown }).students, { created: 0, updated: 0, unchanged: 2 });
      const viewer = await issuer.issue("v", TENANT, ["viewer"]);
      assert.equal((await post("/api/sync/sds", viewer, "{}")).status, 403);
    });

    it("When a coordinator posts a CSV export for a school, then the students are imported and a repeat changes nothing", async () => {
      const coord = await issuer.issue("ib", TENANT, ["coordinator"]);
      const schoolId = (await directory.snapshot(TENANT)).directory.schools[0]?.id ?? "";
      const r = await post(`/api/import/csv?schoolId=${encodeURIComponent(schoolId)}`, coord, SAMPLE_CSV, "text/csv; charset=utf-8");
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const counts = (r.json.result as { students: { created: number; updated: number; unchanged: number } }).students;
      // 1001 exists from SDS: merged (Anna matched by address, Piet added, gezag from the CSV); 1002 and 1004 are new.
      assert.deepEqual(counts, { created: 2, updated: 1, unchanged: 0 });
      assert.equal((r.json.errors as unknown[]).length, 1);
      const jan = (await directory.snapshot(TENANT)).studentById.get(`${schoolId}:1001`);
      const anna = jan?.guardians.find((g) => g.emails.includes("anna@example.nl"));
      assert.equal(anna?.id, guardianIdFor(`${schoolId}:1001`, "anna@example.nl"), "matched guardian keeps its id");
      assert.equal(jan?.guardians.find((g) => g.emails.includes("piet@example.nl"))?.hasAuthority, false);
      const again = await post(`/api/import/csv?schoolId=${encodeURIComponent(schoolId)}`, coord, SAMPLE_CSV, "text/csv");
      assert.deepEqual((again.json.result as { students: unknown }).students, { created: 0, updated: 0, unchanged: 3 });
      const unknown = await post(`/api/import/csv?schoolId=nope`, coord, SAMPLE_CSV, "text/csv");
      assert.equal(unknown.status, 404);
    });

    it("When a coordinator records evidence by Outlook id, then the server's hash of Graph's MIME comes back, and the MIME is not kept unless the policy says so", async () => {
      const mime = Buffer.from("From: a@example.nl\r\nMessage-ID: <m1@example.nl>\r\n\r\nJa.\r\n");
      extra.push((c, res) => {
        if (c.path.startsWith("/v1.0/me/messages/msg-1/$value")) {
          res.setHeader("content-type", "text/plain");
          res.end(mime);
          return true;
        }
        if (c.path.startsWith("/v1.0/me/messages/msg-1"))
          return sendJson(res, 200, { internetMessageId: "<m1@example.nl>", from: { emailAddress: { address: "a@example.nl" } }, receivedDateTime: "2025-02-01T08:00:00Z" });
        return false;
      });
      const schoolId = (await directory.snapshot(TENANT)).directory.schools[0]?.id ?? "";
      await directory.putPolicy(TENANT, { ...defaultPolicy(schoolId), keepOriginalMessages: false });
      const coord = await issuer.issue("ib", TENANT, ["coordinator"]);
      const r = await post("/api/evidence/graph", coord, JSON.stringify({ graphMessageId: "msg-1", schoolId }));
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.sha256, createHash("sha256").update(mime).digest("hex"));
      assert.equal(r.json.hashSource, "server-mime");
      assert.equal(r.json.messageId, "<m1@example.nl>");
      assert.equal(r.json.kept, false);
      assert.equal(r.json.mime, undefined);
      const obo = authority.tokenCalls.find((c) => c.grantType === "urn:ietf:params:oauth:grant-type:jwt-bearer");
      assert.equal(obo?.assertion, coord, "OBO with the caller's own token");
      const bad = await post("/api/evidence/graph", coord, JSON.stringify({ graphMessageId: "../../x" }));
      assert.equal(bad.status, 400);
    });
  });
});
