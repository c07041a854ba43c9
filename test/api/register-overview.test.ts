import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { startStack, type Stack } from "../support/stack.js";
import { twoSchoolImport } from "../support/api-helpers.js";
import type { Overview, RegisterPage, Stats } from "../../contract/index.js";
import { RegisterRepository } from "../../server/register/repository.js";
import { newEventId } from "../../server/register/ids.js";
import type { NewEvent } from "../../server/register/domain.js";

/**
 * Board scale (issue 17, item 3): GET /api/register/overview is the register in numbers (never every row)
 * and, with GET /api/stats, answers from the projection kept in memory: the rows' states and each
 * student's disclosures and overrides, extended on each append of this instance and read again for a
 * student whose HEAD another instance moved. The students behind a number are paged through
 * GET /api/register/rows; every read stays in the bulk-read log.
 */
describe("The register overview in numbers and the statistics from the kept projection", function () {
  let stack: Stack;
  let token: string;
  const tenant = randomUUID();
  const DAY = 86_400_000;
  const api = <T>(method: string, path: string, body?: unknown, t = token) => stack.api<T>(method, path, body, { token: t });
  const get = async <T>(path: string, t = token): Promise<T> => {
    const r = await api<T>("GET", path, undefined, t);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json;
  };
  const give = async (studentId: string, validUntil: Date, decision: "granted" | "refused" = "granted") => {
    const c = await api("POST", "/api/consents", {
      studentId,
      partyId: "ggd",
      purposeId: "zorg",
      decision,
      givenBy: { guardianId: `${studentId}-o1` },
      method: "paper",
      givenAt: new Date(Date.now() - 3_600_000).toISOString(),
      validUntil: validUntil.toISOString(),
    });
    assert.equal(c.status, 201, JSON.stringify(c.json));
  };
  const event = (studentId: string, type: "override" | "disclosure", checkId: string): NewEvent => {
    const at = new Date().toISOString();
    const base = { id: newEventId(studentId), studentId, recordedBy: "test", recordedAt: at };
    return type === "override"
      ? { ...base, type, checkId, reason: "De ouder vroeg er zelf om", by: "mentor@demo", at }
      : { ...base, type, checkId, partyId: "ggd", recipient: "zorg@ggd.example", basis: "consent", purposeId: "zorg", verdict: "allow", sentBy: "mentor@demo", at };
  };

  before(async () => {
    // DIRECTORY_CACHE_SECONDS 0: the projection re-reads the HEAD rows after every call (what another instance wrote).
    stack = await startStack({ seedDemo: false, env: { DIRECTORY_CACHE_SECONDS: "0" } });
    token = await stack.token("ib@overview", ["coordinator"], tenant);
    const body = twoSchoolImport(["Noor", "Sem", "Lotte", "Daan"].map((given, i) => ({
      id: `o-${i}`,
      schoolId: i === 3 ? "s-b" : "s-a",
      givenName: given,
      familyName: "Jansen",
      aliases: [],
      studentNumber: String(200 + i),
      birthDate: "2016-03-03",
      className: "groep 4",
      guardians: [{ id: `o-${i}-o1`, name: "Ouder Jansen", emails: [`o${i}@ouders.example`], relation: "mother", hasAuthority: true }],
    })));
    const r = await api("POST", "/api/import", body);
    assert.equal(r.status, 200, JSON.stringify(r.json));
  });
  after(async () => stack.stop());

  it("When consents are recorded, then the overview counts the students per state and the expiring consents at once, names only the soonest, and the students behind a number page through the rows; every read is in the bulk-read log", async () => {
    const empty = await get<Overview>("/api/register/overview");
    assert.equal(empty.students, 4);
    assert.deepEqual(empty.states, { valid: 0, expiring: 0, missing: 4, "refused-or-withdrawn": 0 });
    assert.ok(!("rows" in empty), "the overview never lists every row");

    await give("o-0", new Date(Date.now() + 200 * DAY));
    await give("o-1", new Date(Date.now() + 10 * DAY));
    await give("o-3", new Date(Date.now() + 200 * DAY), "refused");
    const o = await get<Overview>("/api/register/overview");
    assert.deepEqual(o.states, { valid: 1, expiring: 1, missing: 1, "refused-or-withdrawn": 1 });
    assert.equal(o.expiring.days, 30);
    assert.equal(o.expiring.consents, 1);
    assert.equal(o.expiring.students, 1);
    assert.deepEqual(o.expiring.perWeek, [{ week: 2, consents: 1 }]);
    assert.deepEqual(o.expiring.soonest.map((e) => [e.studentId, e.name, e.partyId]), [["o-1", "Sem Jansen", "ggd"]]);
    // The students behind the number "expiring": the register filtered on that state.
    const behind = await get<RegisterPage>("/api/register/rows?state=expiring");
    assert.deepEqual(behind.rows.map((r) => r.studentId), ["o-1"]);
    // A viewer of school B sees the numbers of school B only.
    const viewerB = await stack.token("kijker-b@overview", ["viewer"], tenant, ["s-b"]);
    const b = await get<Overview>("/api/register/overview", viewerB);
    assert.equal(b.students, 1);
    assert.deepEqual(b.states, { valid: 0, expiring: 0, missing: 0, "refused-or-withdrawn": 1 });
    assert.equal(b.expiring.consents, 0);

    const views = await get<{ views: { what: string; count: number; by: string }[] }>("/api/audit/views");
    assert.deepEqual(views.views.filter((v) => v.what === "overview").map((v) => [v.by, v.count]), [["kijker-b@overview", 1], ["ib@overview", 4], ["ib@overview", 4]]);
    assert.ok(views.views.some((v) => v.what === "student-list" && v.by === "ib@overview" && v.count === 1), "a page of rows is a bulk read of its rows");
  });

  it("When a disclosure and an override are appended by this instance, then the overview and the statistics count them at once; when another instance appends, then they count it after the re-read of the HEAD rows", async () => {
    const services = stack.running.services;
    const before = await get<Overview>("/api/register/overview");
    assert.deepEqual(before.disclosuresPerParty, []);
    assert.equal(before.overrides.count, 0);

    await services.registerRepo.append(tenant, "o-2", () => [event("o-2", "disclosure", "chk-1"), event("o-2", "override", "chk-1")]);
    const now = await get<Overview>("/api/register/overview");
    assert.deepEqual(now.disclosuresPerParty, [{ partyId: "ggd", name: "GGD", count: 1 }]);
    assert.deepEqual(now.overrides.latest.map((x) => [x.studentId, x.checkId, x.reason]), [["o-2", "chk-1", "De ouder vroeg er zelf om"]]);
    const stats = await get<Stats>("/api/stats");
    assert.deepEqual(stats.disclosuresPerParty, [{ partyId: "ggd", name: "GGD", count: 1 }]);
    assert.equal(stats.overrides.length, 1);
    assert.deepEqual(stats.expiringThisMonth.map((e) => e.studentId), ["o-1"]);

    // Another instance of the backend: the same tables, its appends are not told to this projection.
    const other = new RegisterRepository(stack.running.storage, services.registerRepo.keys);
    await other.append(tenant, "o-0", () => [event("o-0", "disclosure", "chk-2"), event("o-0", "disclosure", "chk-3")]);
    await other.append(tenant, "o-2", () => [event("o-2", "override", "chk-4")]);
    let seen: Overview | undefined;
    for (let i = 0; i < 100; i++) {
      seen = await get<Overview>("/api/register/overview"); // each call starts the re-read (TTL 0), the next sees it
      if (seen.overrides.count === 2 && seen.disclosuresPerParty[0]?.count === 3) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(seen?.disclosuresPerParty, [{ partyId: "ggd", name: "GGD", count: 3 }]);
    assert.deepEqual(seen?.overrides.latest.map((x) => x.checkId).sort(), ["chk-1", "chk-4"]);
    // This instance appends after the other one: the kept activity reads the student again instead of extending it.
    await services.registerRepo.append(tenant, "o-0", () => [event("o-0", "disclosure", "chk-5")]);
    let after: Stats | undefined;
    for (let i = 0; i < 100; i++) {
      after = await get<Stats>("/api/stats");
      if (after.disclosuresPerParty[0]?.count === 4) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(after?.disclosuresPerParty, [{ partyId: "ggd", name: "GGD", count: 4 }]);
  });

  it("When the Dutch date moves on, then a consent that ends in 30.5 days turns from valid to expiring without any append", async () => {
    await give("o-2", new Date(Date.now() + 30.5 * DAY));
    const today = await get<Overview>("/api/register/overview");
    assert.equal(today.expiring.consents, 1);
    // Tomorrow, in this process (the server runs in it): Date and Date.now one day on.
    const RealDate = Date;
    class Tomorrow extends RealDate {
      constructor(value?: number | string | Date) {
        if (value === undefined) super(RealDate.now() + DAY);
        else super(value);
      }
      static override now(): number {
        return RealDate.now() + DAY;
      }
    }
    globalThis.Date = Tomorrow as DateConstructor;
    try {
      const tomorrowToken = await stack.token("ib@overview-tomorrow", ["coordinator"], tenant);
      const tomorrow = await get<Overview>("/api/register/overview", tomorrowToken);
      assert.equal(tomorrow.expiring.consents, 2);
      assert.deepEqual(tomorrow.expiring.soonest.map((e) => e.studentId), ["o-1", "o-2"]);
      assert.equal(tomorrow.states.expiring, 2);
    } finally {
      globalThis.Date = RealDate;
    }
  });
});
