import assert from "node:assert/strict";
import { projectState, verifyChain, type NewEvent } from "../../server/register/domain.js";
import { chain } from "./fixtures.js";

const base = { studentId: "s1", recordedBy: "u", recordedAt: "2026-09-01T00:00:00.000Z" };
const fresh: NewEvent[] = [
  {
    ...base, type: "consent", id: "c1", decision: "granted", partyId: "ggd", purposeId: "jgz", givenBy: { guardianId: "g1" }, method: "email",
    givenAt: "2026-09-01T00:00:00.000Z", validFrom: "2026-09-01T00:00:00.000Z", validUntil: "2027-07-31T21:59:59.000Z",
    informationShown: "Lange tekst die ouders zagen", evidence: { messageId: "<m@x>", sender: "a@b.example", date: "2026-09-01T00:00:00.000Z", sha256: "0".repeat(64) },
  },
  { ...base, type: "disclosure", id: "d1", checkId: "chk", partyId: "ggd", recipient: "x@ggd.example", basis: "consent", verdict: "allow", sentBy: "u", at: "2026-09-02T00:00:00.000Z" },
  { ...base, type: "withdrawal", id: "w1", consentId: "c1", partyId: "ggd", purposeId: "jgz", by: { guardianId: "g2" }, at: "2026-09-03T00:00:00.000Z", reason: "Persoonlijke reden" },
  { ...base, type: "notice", id: "n1", partyId: "leerplicht", purposeId: "verzuim", informedAt: "2026-09-04T00:00:00.000Z", method: "letter" },
];
describe("The send check's state in the head row", () => {
  const events = chain(fresh);
  const last = events[events.length - 1];

  it("When a register is projected, then only consents, withdrawals and notices remain, without texts, evidence or reasons", () => {
    const state = projectState(events);
    assert.deepEqual(state.map((e) => e.type), ["consent", "withdrawal", "notice"]);
    const text = JSON.stringify(state);
    for (const gone of ["Lange tekst", "<m@x>", "Persoonlijke reden", "x@ggd.example"]) assert.ok(!text.includes(gone), gone);
  });

  it("When a projection is projected again, then it is unchanged (so an append may start from the state alone)", () => {
    assert.deepEqual(projectState(projectState(events)), projectState(events));
  });

  it("When the head's state matches the events, then the chain verifies; when it differs, then state-mismatch", () => {
    assert.ok(last);
    const head = { seq: last.seq, hash: last.hash, state: projectState(events) };
    assert.deepEqual(verifyChain("s1", events, head), []);
    const forged = { ...head, state: head.state.filter((e) => e.type !== "withdrawal") };
    assert.deepEqual(verifyChain("s1", events, forged), [{ studentId: "s1", seq: last.seq, problem: "state-mismatch" }]);
  });
});
