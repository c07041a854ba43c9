import assert from "node:assert/strict";
import { verifyChain } from "../../server/register/domain.js";
import { useStack } from "../support/stack.js";
import { assertError, type RegisterView } from "../support/api-helpers.js";
import { leaver, paperConsent, DEMO_SCHOOL_ID } from "../reliability/support.js";
import { defaultPolicy } from "../../server/directory/domain.js";
import { key } from "../../server/shared/storage.js";
import type { AdminLogResponse, ApprovalRecord } from "../../contract/admin.js";
import type { PurgeReport } from "../../contract/retention.js";

/**
 * Issue 16, written as the attack: one coordinator erases and rewrites a student's history (re-import
 * with an old leftDate, retention to nothing, purge, re-import without leftDate, a new consent).
 */
describe("Four eyes on destruction: the erase-and-rewrite attack", function () {
  this.timeout(120_000);
  const stack = useStack();
  let a: string; // the coordinator who attacks
  let a2: string; // another coordinator of the school
  let po: string; // the board's privacy officer
  let viewer: string;
  const SID = "fe-victim";
  /** A 10-year-old: the parents decide. */
  const student = (leftDate: string | undefined) => ({ ...leaver(SID, leftDate), birthDate: "2015-03-01" });
  const refusal = { ...paperConsent(SID, "2024-09-01T10:00:00Z"), decision: "refused" };
  const policyOf = async () => (await stack.api<ReturnType<typeof defaultPolicy>>("GET", `/api/policies/${DEMO_SCHOOL_ID}`, undefined, { token: a })).json;
  const register = async () => (await stack.api<RegisterView>("GET", `/api/students/${SID}/register`, undefined, { token: a })).json;
  const adminLog = async () => (await stack.api<AdminLogResponse>("GET", "/api/admin-log", undefined, { token: po })).json;

  before(async () => {
    a = await stack.token("ib@demo", ["coordinator"], stack.tenantId, [DEMO_SCHOOL_ID]);
    a2 = await stack.token("ib2@demo", ["coordinator"], stack.tenantId, [DEMO_SCHOOL_ID]);
    po = await stack.token("fg@demo", ["privacy-officer"]);
    viewer = await stack.token("kijker@demo", ["viewer"], stack.tenantId, [DEMO_SCHOOL_ID]);
    const imp = await stack.api("POST", "/api/import", { students: [student(undefined)] }, { token: a });
    assert.equal(imp.status, 200, JSON.stringify(imp.json));
    const r = await stack.api("POST", "/api/consents", refusal, { token: a });
    assert.equal(r.status, 201, JSON.stringify(r.json));
  });

  it("[R-RETENTION-FLOOR] [R-RETENTION-CLOCK] [R-FOUR-EYES] When one coordinator runs the whole sequence alone, then retention cannot go to 0 or down, the purge is refused and the refusal stays on record", async () => {
    const old = await stack.api<{ leftDatesRecorded?: number }>("POST", "/api/import", { students: [student("2015-07-31")] }, { token: a });
    assert.equal(old.status, 200);
    assert.equal(old.json.leftDatesRecorded, 1);
    const policy = await policyOf();
    const zero = { ...policy, retention: { ...policy.retention, consentYears: 0, disclosureLogYears: 0 } };
    assertError(await stack.api("PUT", `/api/policies/${DEMO_SCHOOL_ID}`, zero, { token: a }), 400, "VALIDATION_FAILED");
    const lower = { ...policy, retention: { ...policy.retention, consentYears: 1 } };
    assertError(await stack.api("PUT", `/api/policies/${DEMO_SCHOOL_ID}`, lower, { token: a }), 409, "APPROVAL_REQUIRED");
    assertError(await stack.api("POST", "/api/import", { policies: [lower] }, { token: a }), 409, "APPROVAL_REQUIRED");
    // The purge touches every school: a school's coordinator may not start it, and one who sees every school needs an approval.
    assertError(await stack.api("POST", "/api/retention/purge", { dryRun: false }, { token: a }), 403, "FORBIDDEN");
    assertError(await stack.api("POST", "/api/retention/purge", { dryRun: false }, { token: po }), 409, "APPROVAL_REQUIRED");
    // The old leftDate started the clock today: even a dry run finds nothing of this student due.
    const dry = await stack.api<PurgeReport>("POST", "/api/retention/purge", { dryRun: true }, { token: po });
    assert.equal(dry.status, 200);
    // A proposal the proposer approves alone is refused.
    const prop = await stack.api<ApprovalRecord>("POST", "/api/approvals", { kind: "retention-change", schoolId: DEMO_SCHOOL_ID, retention: lower.retention, reason: "Korter bewaren" }, { token: a });
    assert.equal(prop.status, 201, JSON.stringify(prop.json));
    assertError(await stack.api("POST", `/api/approvals/${prop.json.id}/approve`, { reason: "Akkoord van mijzelf" }, { token: a }), 403, "SECOND_PERSON_REQUIRED");
    assertError(await stack.api("POST", `/api/approvals/${prop.json.id}/approve`, { reason: "Akkoord als kijker" }, { token: viewer }), 403, "FORBIDDEN");
    // A school coordinator cannot propose a purge of the whole board.
    assertError(await stack.api("POST", "/api/approvals", { kind: "purge", reason: "Opschonen" }, { token: a }), 403, "FORBIDDEN");
    const back = await stack.api("POST", "/api/import", { students: [student(undefined)] }, { token: a });
    assert.equal(back.status, 200);
    const consent = await stack.api("POST", "/api/consents", paperConsent(SID, new Date().toISOString()), { token: a });
    assert.equal(consent.status, 201, JSON.stringify(consent.json));
    const reg = await register();
    assert.ok(reg.events.some((e) => e.type === "consent" && e.decision === "refused"), "the refusal is still in the register");
    assert.equal(reg.chain.verified, true);
    assert.deepEqual((await policyOf()).retention, policy.retention);
    // Every step is in the administrative log, which verifies.
    const log = await adminLog();
    assert.equal(log.verified, true, JSON.stringify(log.problems));
    assert.ok(log.entries.filter((e) => e.action === "import" && e.by === "ib@demo").length >= 3);
    assert.ok(log.entries.some((e) => e.action === "proposal" && e.target === prop.json.id && e.reason === "Korter bewaren"));
  });

  it("[R-FOUR-EYES] [R-ADMIN-LOG] When a second person approves, then the purge removes the due events, and the tombstone, the report and the administrative log name both people and the reason", async () => {
    const policy = await policyOf();
    const lower = { ...policy.retention, consentYears: 1, disclosureLogYears: 1 };
    const prop = await stack.api<ApprovalRecord>("POST", "/api/approvals", { kind: "retention-change", schoolId: DEMO_SCHOOL_ID, retention: lower, reason: "Bestuursbesluit bewaartermijnen" }, { token: a });
    assert.equal(prop.status, 201, JSON.stringify(prop.json));
    const ok = await stack.api<ApprovalRecord>("POST", `/api/approvals/${prop.json.id}/approve`, { reason: "Akkoord FG" }, { token: po });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(ok.json.state, "executed");
    assert.equal((await policyOf()).retention.consentYears, 1);

    const left = await stack.api("POST", "/api/import", { students: [student("2015-07-31")] }, { token: a });
    assert.equal(left.status, 200);
    // Time passes: the leftDate was recorded two years ago (the clock row aged as the calendar would).
    const clockPk = key(stack.tenantId, "left-clock");
    const row = await stack.running.storage.getOrUndefined("Meta", clockPk, key(SID));
    assert.ok(row, "the leftDate's recording is kept");
    await stack.running.storage.run("Meta", (t) => t.updateEntity({ partitionKey: clockPk, rowKey: key(SID), leftDate: "2015-07-31", recordedAt: "2023-01-01T00:00:00.000Z" }, "Replace"));

    const purge = await stack.api<ApprovalRecord>("POST", "/api/approvals", { kind: "purge", reason: "Jaarlijkse opschoning" }, { token: po });
    assert.equal(purge.status, 201);
    assertError(await stack.api("POST", `/api/approvals/${purge.json.id}/approve`, { reason: "Zelf gedaan" }, { token: po }), 403, "SECOND_PERSON_REQUIRED");
    const board = await stack.token("ib-bestuur@demo", ["coordinator"]);
    const done = await stack.api<ApprovalRecord>("POST", `/api/approvals/${purge.json.id}/approve`, { reason: "Gecontroleerd" }, { token: board });
    assert.equal(done.status, 200, JSON.stringify(done.json));
    assert.equal(done.json.state, "executed");
    assert.ok(Number(done.json.result?.eventsRemoved) >= 1, JSON.stringify(done.json.result));

    // Read from the register itself: when the chain is only its tombstone and the student file period
    // passed, the directory record goes with the purge (R-RETAIN-DIRECTORY) and the register view with it.
    const reg = await stack.running.services.registerRepo.read(stack.tenantId, SID);
    const tomb = reg.events.find((e) => e.type === "tombstone");
    assert.ok(tomb && tomb.type === "tombstone", JSON.stringify(reg.events.map((e) => e.type)));
    assert.equal(tomb.purgedBy, "fg@demo");
    assert.equal(tomb.approvedBy, "ib-bestuur@demo");
    assert.equal(tomb.reason, "Jaarlijkse opschoning");
    assert.deepEqual(verifyChain(SID, reg.events, reg.head), []);
    const reports = await stack.api<{ reports: PurgeReport[] }>("GET", "/api/retention/reports", undefined, { token: po });
    assert.equal(reports.json.reports[0]?.purgedBy, "fg@demo");
    assert.equal(reports.json.reports[0]?.approvedBy, "ib-bestuur@demo");

    const log = await adminLog();
    assert.equal(log.verified, true);
    const entry = log.entries.find((e) => e.action === "purge" && e.target === purge.json.id);
    assert.ok(entry, "the purge is in the administrative log");
    assert.equal(entry.by, "fg@demo");
    assert.equal(entry.approvedBy, "ib-bestuur@demo");
    assert.equal(entry.reason, "Jaarlijkse opschoning");
    assert.ok(Number(entry.details["removed.consent"]) >= 1, JSON.stringify(entry.details));
    // The earlier refusal attempt and the retention change stay on record.
    assert.ok(log.entries.some((e) => e.action === "policy-change" && e.by === "ib@demo" && e.approvedBy === "fg@demo"));
  });

  it("[R-FOUR-EYES] When HEAD rows were written before the keyed MAC, then only an approved reseal seals them again, and only those whose SHA-256 chain verifies", async () => {
    const ids = ["fe-oud-1", "fe-oud-2"];
    const imp = await stack.api("POST", "/api/import", { students: ids.map((id) => ({ ...leaver(id, undefined), birthDate: "2015-03-01" })) }, { token: a });
    assert.equal(imp.status, 200, JSON.stringify(imp.json));
    for (const id of ids) assert.equal((await stack.api("POST", "/api/consents", paperConsent(id, "2026-09-01T10:00:00Z"), { token: a })).status, 201);
    // As written before the MAC existed: no mac, no key id. The second one's chain was also tampered with (HEAD moved).
    for (const id of ids) {
      const pk = key(stack.tenantId, id);
      const head = await stack.running.storage.getOrUndefined("Events", pk, "HEAD");
      assert.ok(head);
      const { etag: _e, timestamp: _t, mac: _m, macKeyId: _k, ...rest } = head;
      const row = { ...rest, partitionKey: pk, rowKey: "HEAD", ...(id === "fe-oud-2" ? { hash: "0".repeat(64) } : {}) };
      await stack.running.storage.run("Events", (t) => t.updateEntity(row, "Replace"));
    }
    const unsealed = async (): Promise<string[]> => {
      const v = await stack.api<{ problems: { studentId: string; problem: string }[] }>("GET", "/api/audit/verify", undefined, { token: po });
      return v.json.problems.filter((p) => p.problem === "head-mac-invalid").map((p) => p.studentId).sort();
    };
    assert.deepEqual(await unsealed(), ids);
    assertError(await stack.api("POST", "/api/consents", paperConsent("fe-oud-1", "2026-09-02T10:00:00Z"), { token: a }), 503, "REGISTER_INTEGRITY");
    const prop = await stack.api<ApprovalRecord>("POST", "/api/approvals", { kind: "reseal", reason: "Koppen van voor de MAC opnieuw verzegelen" }, { token: po });
    assert.equal(prop.status, 201, JSON.stringify(prop.json));
    assert.deepEqual(await unsealed(), ids, "nothing is sealed before the approval");
    const board = await stack.token("ib-bestuur@demo", ["coordinator"]);
    const ok = await stack.api<ApprovalRecord>("POST", `/api/approvals/${prop.json.id}/approve`, { reason: "Keten gecontroleerd" }, { token: board });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(ok.json.result?.resealed, 1);
    assert.equal(ok.json.result?.refused, 1);
    assert.deepEqual(await unsealed(), ["fe-oud-2"], "a chain that does not verify stays unsealed");
    assert.equal((await stack.api("POST", "/api/consents", paperConsent("fe-oud-1", "2026-09-02T10:00:00Z"), { token: a })).status, 201);
    const entry = (await adminLog()).entries.find((e) => e.action === "reseal" && e.target === prop.json.id);
    assert.ok(entry);
    assert.equal(entry.by, "fg@demo");
    assert.equal(entry.approvedBy, "ib-bestuur@demo");
  });

  it("When a row of the administrative log is changed in the table, then reading the log reports it", async () => {
    const pk = key(stack.tenantId);
    const rowKey = "0000000001";
    const row = await stack.running.storage.getOrUndefined("AdminLog", pk, rowKey);
    assert.ok(row);
    const data = JSON.parse(String(row.data)) as { by: string };
    await stack.running.storage.run("AdminLog", (t) => t.updateEntity({ partitionKey: pk, rowKey, data: JSON.stringify({ ...data, by: "iemand-anders" }) }, "Replace"));
    const log = await adminLog();
    assert.equal(log.verified, false);
    assert.ok(log.problems.some((p) => p.seq === 1 && p.problem === "hash-mismatch"));
  });
});
