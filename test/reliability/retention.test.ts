import assert from "node:assert/strict";
import { startStack, useStack } from "../support/stack.js";
import { chainEvent, verifyChain, type NewEvent, type RegisterEvent } from "../../server/register/domain.js";
import { makeTombstone, planPurge, studentState } from "../../server/retention/domain.js";
import { defaultPolicy } from "../../server/directory/domain.js";
import type { PurgeReport } from "../../server/retention/domain.js";
import { changedTables, leaver, paperConsent, snapshot, DEMO_SCHOOL_ID } from "./support.js";
import { ageLeftClocks, approvedPurge } from "../support/api-helpers.js";
import { chain } from "../unit/fixtures.js";

const retention = defaultPolicy("x").retention;

function notice(studentId: string, i: number): NewEvent {
  const at = new Date(Date.UTC(2016, 0, 1 + i)).toISOString();
  return { type: "notice", id: `n${i}`, studentId, partyId: "swv", purposeId: "tlv-aanvraag", informedAt: at, method: "letter", recordedBy: "u1", recordedAt: at };
}
function disclosure(studentId: string, i: number): NewEvent {
  const at = new Date(Date.UTC(2016, 0, 1 + i)).toISOString();
  return { type: "disclosure", id: `d${i}`, studentId, checkId: `chk_${i}`, partyId: "ggd", recipient: "jgz@ggd-voorbeeldregio.example", basis: "consent", purposeId: "jgz-consult", verdict: "allow", sentBy: "u1", at, recordedBy: "u1", recordedAt: at };
}
describe("Retention: tombstones keep the chain verifiable", () => {
  const events = chain([notice("s", 1), notice("s", 2), notice("s", 3), notice("s", 4)]);
  const last = events[3] as RegisterEvent;
  const head = { seq: last.seq, hash: last.hash };

  it("When the first events are replaced by one tombstone, then verifyChain accepts the rest", () => {
    const t = makeTombstone("s", events.slice(0, 2), undefined, new Date());
    assert.equal(t.seq, 2);
    assert.deepEqual(verifyChain("s", [t, ...events.slice(2)], head), []);
  });

  it("When a second purge replaces the tombstone and more events, then the chain still verifies", () => {
    const t1 = makeTombstone("s", events.slice(0, 1), undefined, new Date());
    const t2 = makeTombstone("s", events.slice(1, 3), t1, new Date());
    assert.equal(t2.removedCount, 3);
    assert.deepEqual(verifyChain("s", [t2, last], head), []);
  });

  it("When a tombstone is altered, then verifyChain reports a hash mismatch", () => {
    const t = makeTombstone("s", events.slice(0, 2), undefined, new Date());
    const forged = { ...t, removedCount: 1 };
    assert.ok(verifyChain("s", [forged, ...events.slice(2)], head).some((p) => p.problem === "hash-mismatch"));
  });

  it("When the tombstone carries another hash than the last removed event's, then the next event is a broken link", () => {
    const t = makeTombstone("s", events.slice(0, 1), undefined, new Date()); // covers seq 1 only
    const moved = chainEvent({ ...t, coversUpToSeq: 2 } as NewEvent, 2, t.prevHash); // placed at seq 2 with seq 1's hash
    assert.ok(verifyChain("s", [moved, ...events.slice(2)], head).some((p) => p.problem === "broken-link"));
  });

  it("When an event after the tombstone is missing, then verifyChain reports it", () => {
    const t = makeTombstone("s", events.slice(0, 1), undefined, new Date());
    assert.ok(verifyChain("s", [t, ...events.slice(2)], head).some((p) => p.problem === "missing-event"));
  });

  it("When a student has not left or left in the future, then the student counts as enrolled", () => {
    const now = new Date("2030-01-01T00:00:00Z");
    assert.equal(studentState({}, false, now), "enrolled");
    assert.equal(studentState({ leftDate: "2031-07-31" }, false, now), "enrolled");
    assert.equal(studentState({ leftDate: "2020-07-31" }, true, now), "on-hold");
    assert.equal(studentState({ leftDate: "2020-07-31" }, false, now), "left");
  });

  it("When a disclosure is not due yet, then only the due events before it go and the rest are deferred", () => {
    const evs = chain([notice("s", 1), disclosure("s", 2), notice("s", 3)]);
    const plan = planPurge(evs, "2018-07-31", { ...retention, consentYears: 2, disclosureLogYears: 20 }, new Date("2025-01-01T00:00:00Z"));
    assert.deepEqual(plan.remove.map((e) => e.seq), [1]);
    assert.equal(plan.deferred, 1);
    assert.equal(plan.all, false);
  });
});

describe("Retention: the purge over HTTP", function () {
  this.timeout(90_000);
  const stack = useStack();
  // A real purge needs a second person's approval (issue 16); a dry run does not.
  const purge = (dryRun: boolean) => (dryRun ? stack.api<PurgeReport>("POST", "/api/retention/purge", { dryRun }) : approvedPurge(stack));
  const verify = async () => (await stack.api<{ ok: boolean; problems: unknown[] }>("GET", "/api/audit/verify")).json;

  before(async () => {
    const imp = await stack.api("POST", "/api/import", {
      schools: [{ id: "slow-school", name: "School Lang Bewaren", brin: "98YY" }],
      policies: [{ ...defaultPolicy("slow-school"), retention: { ...retention, consentYears: 2, disclosureLogYears: 50 } }],
      students: [
        leaver("ret-gone", "2018-07-31"),
        leaver("ret-all", "2018-07-31"),
        leaver("ret-recent", "2099-07-31"),
        leaver("ret-enrolled", undefined),
        leaver("ret-held", "2018-07-31"),
        leaver("ret-imphold", "2018-07-31", { legalHold: true }),
        leaver("ret-deferred", "2018-07-31", { schoolId: "slow-school" }),
        leaver("ret-many", "2018-07-31"),
      ],
    });
    assert.equal(imp.status, 200, JSON.stringify(imp.json));
    for (const id of ["ret-gone", "ret-all", "ret-recent", "ret-enrolled", "ret-held", "ret-imphold", "ret-deferred"]) {
      const r = await stack.api("POST", "/api/consents", paperConsent(id, "2016-09-01T10:00:00Z"));
      assert.equal(r.status, 201, JSON.stringify(r.json));
    }
    const repo = stack.running.services.registerRepo;
    await repo.append(stack.tenantId, "ret-deferred", () => [disclosure("ret-deferred", 5), notice("ret-deferred", 6)]);
    // ret-gone keeps one event past the purge: a consent recorded for a student who left in the future.
    // 250 events: the purge needs three transactions.
    for (let i = 0; i < 250; i += 50) await repo.append(stack.tenantId, "ret-many", () => Array.from({ length: 50 }, (_, j) => notice("ret-many", i + j)));
    // The leftDates were recorded years ago (the retention clock starts at the recording, issue 16).
    await ageLeftClocks(stack);
    const hold = await stack.api("PUT", "/api/students/ret-held/legal-hold", { hold: true, reason: "Lopende klacht bij de geschillencommissie" });
    assert.equal(hold.status, 200, JSON.stringify(hold.json));
  });

  it("When a dry run is asked, then it reports what is due and changes nothing", async () => {
    const before = await snapshot(stack.running.storage);
    const r = await purge(true);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.dryRun, true);
    assert.equal(r.json.eventsRemoved, 0);
    // ret-gone 1, ret-all 1, ret-deferred 1 (the consent; the disclosure is not due), ret-many 250
    assert.equal(r.json.eventsDue, 253);
    assert.equal(r.json.eventsDeferred, 1);
    assert.equal(r.json.studentsOnHold, 2);
    assert.deepEqual(changedTables(before, await snapshot(stack.running.storage)), []);
    const reports = await stack.api<{ reports: PurgeReport[] }>("GET", "/api/retention/reports");
    assert.equal(reports.json.reports.length, 0);
  });

  it("When the purge runs, then it removes only what is due, writes a report of counts and every chain still verifies", async () => {
    const beforeEnrolled = await stack.running.services.registerRepo.read(stack.tenantId, "ret-enrolled");
    const beforeMany = await stack.running.services.registerRepo.read(stack.tenantId, "ret-many");
    const r = await purge(false);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.eventsRemoved, 253);
    assert.equal(r.json.failures, 0);
    assert.equal(r.json.chainsVerified, true);
    assert.deepEqual(r.json.removedByType, { consent: 3, notice: 250 });
    assert.deepEqual(await verify(), { ...(await verify()), ok: true, problems: [] });

    const repo = stack.running.services.registerRepo;
    // Enrolled, recent leavers and held students keep everything.
    assert.deepEqual(await repo.read(stack.tenantId, "ret-enrolled"), beforeEnrolled);
    for (const id of ["ret-recent", "ret-held", "ret-imphold"]) assert.equal((await repo.read(stack.tenantId, id)).events[0]?.type, "consent");
    // Deferred: the consent went, the disclosure (50 years) and the notice behind it stay.
    const deferred = await repo.read(stack.tenantId, "ret-deferred");
    assert.deepEqual(deferred.events.map((e) => e.type), ["tombstone", "disclosure", "notice"]);
    // All gone: one tombstone, and HEAD points at it.
    const all = await repo.read(stack.tenantId, "ret-all");
    assert.deepEqual(all.events.map((e) => e.type), ["tombstone"]);
    assert.equal(all.head?.hash, all.events[0]?.hash);
    const many = await repo.read(stack.tenantId, "ret-many");
    assert.deepEqual(many.events.map((e) => e.type), ["tombstone"]);
    assert.equal(many.events[0]?.type === "tombstone" ? many.events[0].removedCount : 0, 250);
    assert.notEqual(many.head?.etag, beforeMany.head?.etag);

    const reports = await stack.api<{ reports: PurgeReport[] }>("GET", "/api/retention/reports");
    assert.equal(reports.json.reports.length, 1);
    assert.equal(reports.json.reports[0]?.eventsRemoved, 253);
    assert.doesNotMatch(JSON.stringify(reports.json), /Gerrit|Oudleerling|ret-/);
  });

  it("When the purge runs again, then nothing more is removed and the register view still verifies", async () => {
    const r = await purge(false);
    assert.equal(r.json.eventsRemoved, 0);
    const reg = await stack.api<{ chain: { verified: boolean } }>("GET", "/api/students/ret-deferred/register");
    assert.equal(reg.json.chain.verified, true);
  });

  it("When a purged student gets a new event, then it links to the tombstone and the chain verifies", async () => {
    // Its directory record went with the purge (R-RETAIN-DIRECTORY): the student comes back enrolled first.
    assert.equal((await stack.api("POST", "/api/consents", paperConsent("ret-all", "2017-09-01T10:00:00Z"))).status, 404);
    assert.equal((await stack.api("POST", "/api/import", { students: [leaver("ret-all", undefined)] })).status, 200);
    const r = await stack.api("POST", "/api/consents", paperConsent("ret-all", "2017-09-01T10:00:00Z"));
    assert.equal(r.status, 201);
    assert.equal((await verify()).ok, true);
  });

  it("When a legal hold is lifted, then the next purge removes that student's due events", async () => {
    const held = await stack.api<{ legalHold: boolean }>("GET", "/api/students/ret-imphold/legal-hold");
    assert.equal(held.json.legalHold, true);
    // An import without the flag does not lift a hold set through the API.
    await stack.api("POST", "/api/import", { students: [leaver("ret-held", "2018-07-31")] });
    assert.equal((await purge(true)).json.studentsOnHold, 2);
    const lift = await stack.api("PUT", "/api/students/ret-imphold/legal-hold", { hold: false, reason: "Klacht afgehandeld" });
    assert.equal(lift.status, 200);
    const r = await purge(false);
    assert.equal(r.json.studentsOnHold, 1);
    assert.ok(r.json.eventsRemoved >= 1);
    assert.equal((await stack.running.services.registerRepo.read(stack.tenantId, "ret-imphold")).events[0]?.type, "tombstone");
    assert.equal((await stack.running.services.registerRepo.read(stack.tenantId, "ret-held")).events[0]?.type, "consent");
    assert.equal((await verify()).ok, true);
  });

  it("When a viewer asks for a purge or a hold, then it is forbidden", async () => {
    const token = await stack.token("kijker@demo", ["viewer"]);
    assert.equal((await stack.api("POST", "/api/retention/purge", { dryRun: true }, { token })).status, 403);
    assert.equal((await stack.api("PUT", "/api/students/ret-held/legal-hold", { hold: false, reason: "zomaar" }, { token })).status, 403);
  });
});

describe("Retention: the schedule", function () {
  this.timeout(30_000);
  it("When the interval passes, then the server purges on its own and reports it", async () => {
    const stack = await startStack({ env: { RETENTION_INTERVAL_SECONDS: "1" } });
    try {
      await stack.api("POST", "/api/import", { students: [leaver("sch-1", "2018-07-31")] });
      await ageLeftClocks(stack);
      await stack.api("POST", "/api/consents", paperConsent("sch-1", "2016-09-01T10:00:00Z"));
      let reports: PurgeReport[] = [];
      const logged = (): boolean => stack.logs.some((l) => l.includes("retention purge"));
      // The report is stored before the run logs it: wait for both.
      for (let i = 0; i < 40 && !(reports.some((r) => r.eventsRemoved > 0) && logged()); i++) {
        await new Promise((r) => setTimeout(r, 250));
        reports = (await stack.api<{ reports: PurgeReport[] }>("GET", "/api/retention/reports")).json.reports;
      }
      const done = reports.find((r) => r.eventsRemoved > 0);
      assert.equal(done?.trigger, "schedule");
      assert.ok(logged());
    } finally {
      await stack.stop();
    }
  });
});

export { DEMO_SCHOOL_ID };
