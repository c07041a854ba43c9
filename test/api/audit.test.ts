import assert from "node:assert/strict";
import { useStack } from "../support/stack.js";
import { grant, importStudent, registerOf, tableClient, type ChainProblem, type FreshStudent, type RegisterView, type VerifyResult } from "../support/api-helpers.js";
import { hashEvent, type RegisterEvent } from "../../server/register/domain.js";

/**
 * Tampering with the Events table behind the server's back (straight through the Table API) is found
 * by GET /api/audit/verify and shown in the student's register view.
 */

describe("Audit: tampering with the register is detected", function () {
  const stack = useStack();

  const rowKey = (seq: number): string => String(seq).padStart(10, "0");
  const pk = (s: FreshStudent): string => `${stack.tenantId}|${s.id}`;

  /** A student with three consents in the register. */
  const withThreeEvents = async (): Promise<FreshStudent> => {
    const s = await importStudent(stack);
    for (const [i, party, purpose] of [[0, "ggd", "jgz-consult"], [1, "wijkteam", "jeugdhulp"], [0, "smw", "smw-begeleiding"]] as const) {
      await grant(stack, { studentId: s.id, partyId: party, purposeId: purpose, by: { guardianId: s.guardians[i]?.id ?? "" }, givenAt: "2026-09-01T08:00:00Z" });
    }
    const reg = await registerOf(stack, s.id);
    assert.equal(reg.events.length, 3);
    assert.equal(reg.chain.verified, true);
    return s;
  };

  const problemsOf = async (s: FreshStudent): Promise<{ verify: VerifyResult; mine: ChainProblem[] }> => {
    const r = await stack.api<VerifyResult>("GET", "/api/audit/verify");
    assert.equal(r.status, 200);
    return { verify: r.json, mine: r.json.problems.filter((p) => p.studentId === s.id) };
  };

  /** The audit fails with exactly `problems` ([seq, problem]) for the student, and the register shows the chain unverified. */
  const assertTampered = async (s: FreshStudent, problems: [number, string][]): Promise<{ mine: ChainProblem[]; reg: RegisterView }> => {
    const { verify, mine } = await problemsOf(s);
    assert.equal(verify.ok, false);
    assert.deepEqual(mine, problems.map(([seq, problem]) => ({ studentId: s.id, seq, problem })));
    const reg = await registerOf(stack, s.id);
    assert.equal(reg.chain.verified, false);
    return { mine, reg };
  };

  const readEvent = async (s: FreshStudent, seq: number): Promise<RegisterEvent> => {
    const e = await tableClient(stack, "Events").getEntity<{ data: string }>(pk(s), rowKey(seq));
    return JSON.parse(e.data) as RegisterEvent;
  };
  const writeEvent = async (s: FreshStudent, e: RegisterEvent): Promise<void> => {
    await tableClient(stack, "Events").updateEntity({ partitionKey: pk(s), rowKey: rowKey(e.seq), data: JSON.stringify(e) }, "Merge");
  };

  it("When nothing was touched, then the audit of the seeded tenant is ok", async () => {
    const r = await stack.api<VerifyResult>("GET", "/api/audit/verify");
    assert.equal(r.status, 200);
    assert.equal(r.json.ok, true, JSON.stringify(r.json.problems));
    assert.ok(r.json.studentsChecked >= 7);
  });

  it("When an event's data is changed in the table, then the audit reports hash-mismatch for that student and the register shows the chain unverified", async () => {
    const s = await withThreeEvents();
    const e = await readEvent(s, 2);
    assert.equal(e.type, "consent");
    await writeEvent(s, { ...e, partyId: "inspectie" } as RegisterEvent);
    // The consent changed, so the state the send check reads (in the head row) no longer matches either.
    const { mine, reg } = await assertTampered(s, [[2, "hash-mismatch"], [3, "state-mismatch"]]);
    assert.deepEqual(reg.chain.problems, mine);
  });

  it("When an event is changed and its hash recomputed, then the next event's link breaks (broken-link)", async () => {
    const s = await withThreeEvents();
    const e = await readEvent(s, 2);
    const changed = { ...e, givenAt: "2026-01-01T00:00:00.000Z" } as RegisterEvent;
    const rehashed = { ...changed, hash: hashEvent(changed) } as RegisterEvent;
    await writeEvent(s, rehashed);
    await assertTampered(s, [[3, "broken-link"], [3, "state-mismatch"]]);
  });

  it("When an event in the middle is deleted, then the audit reports it (missing-event)", async () => {
    const s = await withThreeEvents();
    await tableClient(stack, "Events").deleteEntity(pk(s), rowKey(2));
    const { verify, mine } = await problemsOf(s);
    assert.equal(verify.ok, false);
    assert.ok(mine.some((p) => p.seq === 2 && p.problem === "missing-event"), JSON.stringify(mine));
    const reg = await registerOf(stack, s.id);
    assert.equal(reg.chain.verified, false);
    assert.equal(reg.events.length, 2);
  });

  it("When the last event is deleted, then the audit reports head-mismatch", async () => {
    const s = await withThreeEvents();
    await tableClient(stack, "Events").deleteEntity(pk(s), rowKey(3));
    await assertTampered(s, [[3, "head-mismatch"], [3, "state-mismatch"]]);
  });

  it("When every event of a student is deleted but the head row remains, then the audit reports head-mismatch", async () => {
    const s = await withThreeEvents();
    for (const seq of [1, 2, 3]) await tableClient(stack, "Events").deleteEntity(pk(s), rowKey(seq));
    await assertTampered(s, [[3, "head-mismatch"], [3, "state-mismatch"]]);
  });

  it("When the head row's state is changed so the send check would see a consent that was never given, then the audit reports state-mismatch", async () => {
    const s = await importStudent(stack);
    await grant(stack, { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", by: { guardianId: s.guardians[0]?.id ?? "" }, givenAt: "2026-09-01T08:00:00Z" });
    const head = await tableClient(stack, "Events").getEntity<{ s0: string }>(pk(s), "HEAD");
    const state = JSON.parse(head.s0) as RegisterEvent[];
    const forged = state.map((e) => (e.type === "consent" ? { ...e, partyId: "dyslexiepraktijk", purposeId: "onderzoek-dyslexie" } : e));
    await tableClient(stack, "Events").updateEntity({ partitionKey: pk(s), rowKey: "HEAD", s0: JSON.stringify(forged) }, "Merge");
    // Without the integrity key the forger could not re-seal the head either.
    await assertTampered(s, [[1, "state-mismatch"], [1, "head-mac-invalid"]]);
  });

  it("When a tampered register gets a new event, then the tampering stays visible", async () => {
    const s = await withThreeEvents();
    const e = await readEvent(s, 1);
    await writeEvent(s, { ...e, decision: "refused" } as RegisterEvent);
    await grant(stack, { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", by: { guardianId: s.guardians[1]?.id ?? "" }, givenAt: "2026-09-02T08:00:00Z" });
    const { mine } = await problemsOf(s);
    assert.deepEqual(mine, [{ studentId: s.id, seq: 1, problem: "hash-mismatch" }]);
  });
});
