import assert from "node:assert/strict";
import { useStack, type Stack } from "../support/stack.js";
import type { Storage } from "../../server/shared/storage.js";
import { purgeExpiredIdempotency } from "../../server/shared/idempotency.js";
import { sha256Hex } from "../../server/shared/hash.js";
import { changedTables, leaver, paperConsent, snapshot } from "./support.js";

const eventsOf = async (stack: Stack, studentId: string): Promise<number> =>
  (await stack.running.services.registerRepo.read(stack.tenantId, studentId)).events.length;

describe("Idempotency-Key on creating POSTs", function () {
  this.timeout(60_000);
  const stack = useStack();
  before(async () => {
    await stack.api("POST", "/api/import", { students: [leaver("idem-1", undefined), leaver("idem-2", undefined)] });
  });

  it("When a consent is posted twice with the same key, then it is recorded once and the retry gets the same answer", async () => {
    const body = paperConsent("idem-1", "2019-09-01T10:00:00Z");
    const h = { "idempotency-key": "consent-aaa-1" };
    const a = await stack.api<{ id: string }>("POST", "/api/consents", body, { headers: h });
    const b = await stack.api<{ id: string }>("POST", "/api/consents", body, { headers: h });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.deepEqual(b.json, a.json);
    assert.equal(b.headers.get("idempotent-replayed"), "true");
    assert.equal(a.headers.get("idempotent-replayed"), null);
    assert.equal(await eventsOf(stack, "idem-1"), 1);
  });

  it("When the same key comes with another body, then it is 422 and nothing is created", async () => {
    const r = await stack.api<{ error: { code: string } }>("POST", "/api/consents", paperConsent("idem-1", "2019-09-02T10:00:00Z"), {
      headers: { "idempotency-key": "consent-aaa-1" },
    });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.code, "UNPROCESSABLE");
    assert.equal(await eventsOf(stack, "idem-1"), 1);
  });

  it("When a stored answer is older than 24 hours, then the key counts as unused, and the retention schedule's purge removes expired answers only", async () => {
    const storage = stack.running.storage;
    const h = { "idempotency-key": "consent-ttl-1" };
    const first = await stack.api("POST", "/api/consents", paperConsent("idem-2", "2019-09-03T10:00:00Z"), { headers: h });
    assert.equal(first.status, 201);
    const fresh = await stack.api("POST", "/api/consents", paperConsent("idem-2", "2019-09-04T10:00:00Z"), { headers: { "idempotency-key": "consent-ttl-2" } });
    assert.equal(fresh.status, 201);
    // Age the first answer by 25 hours, as if the retry came a day later.
    const pk = stack.tenantId;
    const rows = await storage.list("Idempotency", `PartitionKey eq '${pk}'`);
    const aged = rows.find((r) => r.rowKey === sha256Hex("consent-ttl-1"));
    assert.ok(aged, "the first answer is stored");
    await storage.run("Idempotency", (t) => t.updateEntity({ partitionKey: String(aged.partitionKey), rowKey: String(aged.rowKey), createdAt: Date.now() - 25 * 3600_000 }, "Merge"));
    // The expired key with another body is a new request (not 422), and it is done.
    const again = await stack.api("POST", "/api/consents", paperConsent("idem-2", "2019-09-05T10:00:00Z"), { headers: h });
    assert.equal(again.status, 201, JSON.stringify(again.json));
    assert.equal(again.headers.get("idempotent-replayed"), null);
    // The purge removes what is older than 24 hours and keeps the fresh answers.
    const before = (await storage.list("Idempotency", `PartitionKey eq '${pk}'`)).length;
    assert.equal(await purgeExpiredIdempotency(storage, stack.tenantId, Date.now() + 23 * 3600_000), 0);
    assert.equal(await purgeExpiredIdempotency(storage, stack.tenantId, Date.now() + 25 * 3600_000), before);
    assert.equal((await storage.list("Idempotency", `PartitionKey eq '${pk}'`)).length, 0);
  });

  it("When a request with a key fails with a 4xx, then the store is unchanged and the key can be used again", async () => {
    const before = await snapshot(stack.running.storage);
    const bad = await stack.api("POST", "/api/consents", paperConsent("bestaat-niet", "2019-09-01T10:00:00Z"), { headers: { "idempotency-key": "k-fail" } });
    assert.equal(bad.status, 404);
    assert.deepEqual(changedTables(before, await snapshot(stack.running.storage)), []);
    const ok = await stack.api("POST", "/api/consents", paperConsent("idem-2", "2019-09-01T10:00:00Z"), { headers: { "idempotency-key": "k-fail" } });
    assert.equal(ok.status, 201);
  });

  it("When two requests with the same key race, then one does the work and the other gets 409 while it runs; the work is done once", async () => {
    const storage: Storage = stack.running.storage;
    const original = storage.run.bind(storage);
    storage.run = ((name, op) =>
      name === "Events" ? new Promise((r) => setTimeout(r, 300)).then(() => original(name, op)) : original(name, op)) as Storage["run"];
    try {
      const before = await eventsOf(stack, "idem-2");
      const body = paperConsent("idem-2", "2019-10-01T10:00:00Z");
      const h = { headers: { "idempotency-key": "race-1" } };
      const [a, b] = await Promise.all([stack.api("POST", "/api/consents", body, h), stack.api("POST", "/api/consents", body, h)]);
      assert.deepEqual([a.status, b.status].sort(), [201, 409]);
      const loser = a.status === 409 ? a : b;
      assert.equal(loser.headers.get("retry-after"), "1");
      const c = await stack.api("POST", "/api/consents", body, h);
      assert.equal(c.status, 201);
      assert.equal(c.headers.get("idempotent-replayed"), "true");
      assert.equal(await eventsOf(stack, "idem-2"), before + 1);
    } finally {
      storage.run = original;
    }
  });

  it("When a consent request, a check, an override, a notice, a withdrawal and an import are retried with their keys, then each is done once", async () => {
    const once = async <T>(path: string, body: unknown, k: string, token?: string): Promise<T> => {
      const o = { headers: { "idempotency-key": k }, ...(token ? { token } : {}) };
      const a = await stack.api<T>("POST", path, body, o);
      const b = await stack.api<T>("POST", path, body, o);
      assert.ok(a.status < 300, `${path}: ${a.status} ${JSON.stringify(a.json)}`);
      assert.equal(b.status, a.status);
      assert.deepEqual(b.json, a.json, path);
      assert.equal(b.headers.get("idempotent-replayed"), "true");
      return a.json;
    };
    const req = await once<{ requestId: string }>("/api/consent-requests", { studentId: "idem-1", partyId: "ggd", purposeId: "jgz-consult" }, "cr-1");
    const metaRows = await stack.running.storage.list("Meta", "PartitionKey ne ''");
    // One request row (its parents'-page links are rows of their own, one per letter, in another partition).
    assert.equal(metaRows.filter((r) => String(r.partitionKey).endsWith("|request") && String(r.data ?? "").includes(req.requestId)).length, 1);
    const staff = await stack.token("leerkracht@demo", ["staff"]);
    // The on-send handler's recording check owns its key: the check id derives from it and the one
    // pending record answers a retry (no idempotency marker row for /api/check).
    const checkBody = { to: ["iemand@elders.example"], subject: "Gerritidem1 Oudleerling", body: "", mode: "send" };
    const c1 = await stack.api<{ checkId: string; verdict: string }>("POST", "/api/check", checkBody, { headers: { "idempotency-key": "chk-1" }, token: staff });
    const c2 = await stack.api<{ checkId: string; verdict: string }>("POST", "/api/check", checkBody, { headers: { "idempotency-key": "chk-1" }, token: staff });
    assert.equal(c1.status, 200, JSON.stringify(c1.json));
    assert.deepEqual(c2.json, c1.json);
    const check = c1.json;
    assert.equal(check.verdict, "block");
    const before = await eventsOf(stack, "idem-1");
    await once(`/api/checks/${check.checkId}/override`, { reason: "Dringend, met de ouders afgestemd" }, "ovr-1", staff);
    // The override binds to the mail's digest; it is logged (with its disclosures) once Sent Items shows the mail.
    assert.equal(await eventsOf(stack, "idem-1"), before);
    await once("/api/notices", { studentId: "idem-1", partyId: "swv", purposeId: "tlv-aanvraag", informedAt: "2019-10-01T10:00:00Z", method: "letter" }, "not-1");
    const consent = (await stack.running.services.registerRepo.read(stack.tenantId, "idem-1")).events.find((e) => e.type === "consent");
    await once(`/api/consents/${consent?.id ?? "x"}/withdraw`, { by: { guardianId: "idem-1-g1" }, at: "2019-10-02T10:00:00Z" }, "wd-1");
    await once("/api/import", { students: [leaver("idem-3", undefined)] }, "imp-1");
    assert.equal(await eventsOf(stack, "idem-1"), before + 2); // the notice and the withdrawal
  });

  it("When the key is not 1 to 200 visible characters, then it is 400", async () => {
    for (const k of ["x".repeat(201), "met spatie", "é"]) {
      const r = await stack.api("POST", "/api/consents", paperConsent("idem-1", "2019-09-01T10:00:00Z"), { headers: { "idempotency-key": k } }).catch(() => ({ status: 400 }));
      assert.equal(r.status, 400, k);
    }
  });
});

describe("Accountability: views of a register or export", function () {
  this.timeout(60_000);
  const stack = useStack();

  it("When users view a register and an export, then each view is listed (who, when, what) for coordinators, outside the chain", async () => {
    const viewer = await stack.token("mentor@demo", ["viewer"]);
    assert.equal((await stack.api("GET", "/api/students/lln-001/register", undefined, { token: viewer })).status, 200);
    assert.equal((await stack.api("GET", "/api/students/lln-001/register")).status, 200);
    assert.equal((await stack.api("GET", "/api/students/lln-001/export")).status, 200);
    assert.equal((await stack.api("GET", "/api/students/bestaat-niet/register")).status, 404);
    const r = await stack.api<{ views: { by: string; at: string; what: string }[] }>("GET", "/api/students/lln-001/views");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.views.map((v) => [v.by, v.what]), [["ib@demo", "export"], ["ib@demo", "register"], ["mentor@demo", "register"]]);
    assert.ok(r.json.views.every((v) => !Number.isNaN(Date.parse(v.at))));
    assert.equal((await stack.api<{ views: unknown[] }>("GET", "/api/students/bestaat-niet/views")).json.views.length, 0);
    assert.equal((await stack.api("GET", "/api/students/lln-001/views", undefined, { token: viewer })).status, 403);
    const verify = await stack.api<{ ok: boolean }>("GET", "/api/audit/verify");
    assert.equal(verify.json.ok, true);
  });
});
