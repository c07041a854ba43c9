import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { startStack, type Stack } from "../support/stack.js";
import type { ImportRequest, OverviewRow } from "../../contract/index.js";

/**
 * Board scale (issue 17, item 3): GET /api/register/overview is serialised once per state of the register
 * (PreparedJson, kept in the projection per school scope) instead of per request. What was kept must
 * never outlive what it says: an append changes it at once, and so does the next Dutch day ("expiring"
 * is counted from the date, without any append).
 */
describe("The register overview kept between requests (GET /api/register/overview)", function () {
  let stack: Stack;
  let token: string;
  const tenant = randomUUID();
  const DAY = 86_400_000;
  const api = <T>(method: string, path: string, body?: unknown, t = token) => stack.api<T>(method, path, body, { token: t });
  const overview = async (t = token): Promise<{ rows: OverviewRow[]; etag: string | null }> => {
    const r = await api<{ rows: OverviewRow[] }>("GET", "/api/register/overview", undefined, t);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return { rows: r.json.rows, etag: r.headers.get("etag") };
  };
  const stateOf = (rows: OverviewRow[], id: string): string | undefined => rows.find((r) => r.studentId === id)?.state;
  const give = async (studentId: string, validUntil: Date) => {
    const c = await api("POST", "/api/consents", {
      studentId,
      partyId: "ggd",
      purposeId: "zorg",
      decision: "granted",
      givenBy: { guardianId: `${studentId}-o1` },
      method: "paper",
      givenAt: new Date(Date.now() - 3_600_000).toISOString(),
      validUntil: validUntil.toISOString(),
    });
    assert.equal(c.status, 201, JSON.stringify(c.json));
  };

  before(async () => {
    stack = await startStack({ seedDemo: false });
    token = await stack.token("ib@overview", ["coordinator"], tenant);
    const body: ImportRequest = {
      schools: [{ id: "s-a", name: "School A", brin: "11AA", internalDomains: ["a.school.example"] }],
      purposes: [{ id: "zorg", label: "Zorg", farReaching: false }],
      parties: [{ id: "ggd", name: "GGD", kind: "ggd", domains: ["ggd.example"], addresses: [], defaultBasis: "consent", informParents: true }],
      policies: [],
      students: ["Noor", "Sem", "Lotte"].map((given, i) => ({
        id: `o-${i}`,
        schoolId: "s-a",
        givenName: given,
        familyName: "Jansen",
        aliases: [],
        studentNumber: String(200 + i),
        birthDate: "2016-03-03",
        className: "groep 4",
        guardians: [{ id: `o-${i}-o1`, name: "Ouder Jansen", emails: [`o${i}@ouders.example`], relation: "mother", hasAuthority: true }],
      })),
    };
    const r = await api("POST", "/api/import", body);
    assert.equal(r.status, 200, JSON.stringify(r.json));
  });
  after(async () => stack.stop());

  it("When nothing changed, then the overview is the same answer (same ETag) and each read is still logged with its count; after a consent is recorded it changes at once", async () => {
    const first = await overview();
    const again = await overview();
    assert.ok(first.etag, "the kept answer carries an ETag");
    assert.equal(again.etag, first.etag);
    assert.deepEqual(again.rows, first.rows);
    assert.equal(stateOf(first.rows, "o-0"), "missing");
    // The bulk-read log counts the students of a kept answer as of any other.
    const views = await api<{ views: { what: string; count: number }[] }>("GET", "/api/audit/views");
    assert.equal(views.status, 200, JSON.stringify(views.json));
    assert.deepEqual(views.json.views.filter((v) => v.what === "overview").map((v) => v.count), [3, 3]);

    await give("o-0", new Date(Date.now() + 200 * DAY));
    const after = await overview();
    assert.notEqual(after.etag, first.etag);
    assert.equal(stateOf(after.rows, "o-0"), "valid");
    assert.equal(after.rows.find((r) => r.studentId === "o-0")?.eventCount, 1);
  });

  it("When the Dutch date moves on, then a consent that ends in 30.5 days turns from valid to expiring without any append", async () => {
    await give("o-1", new Date(Date.now() + 30.5 * DAY));
    const today = await overview();
    assert.equal(stateOf(today.rows, "o-1"), "valid");
    assert.equal(stateOf((await overview()).rows, "o-1"), "valid"); // kept: the same answer
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
      const tomorrow = await overview(tomorrowToken);
      assert.equal(stateOf(tomorrow.rows, "o-1"), "expiring");
      assert.notEqual(tomorrow.etag, today.etag);
      assert.equal(stateOf(tomorrow.rows, "o-0"), "valid");
    } finally {
      globalThis.Date = RealDate;
    }
  });
});
