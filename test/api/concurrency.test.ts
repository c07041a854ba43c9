import assert from "node:assert/strict";
import { startStack, useStack } from "../support/stack.js";
import { importStudent, registerOf, type ConsentEvent, type VerifyResult } from "../support/api-helpers.js";

/** Many writers on one student's register at once: every write lands, in one unbroken chain. */

describe("Concurrent writes to one register", function () {
  const stack = useStack({ env: { RATE_LIMIT_PER_MINUTE_USER: "1000000", RATE_LIMIT_PER_MINUTE_TENANT: "1000000" } });

  const consent = (studentId: string, guardianId: string, i: number) =>
    stack.api<ConsentEvent>("POST", "/api/consents", {
      studentId, partyId: i % 2 ? "ggd" : "wijkteam", purposeId: i % 2 ? "jgz-consult" : "jeugdhulp", decision: "granted",
      givenBy: { guardianId }, method: "paper", givenAt: new Date(Date.UTC(2026, 8, 1, 8, 0, i)).toISOString(),
    });
  const notice = (studentId: string, i: number) =>
    stack.api<ConsentEvent>("POST", "/api/notices", {
      studentId, partyId: "leerplicht", purposeId: "verzuimmelding", informedAt: new Date(Date.UTC(2026, 8, 2, 8, 0, i)).toISOString(), method: "letter",
    });

  const assertChain = async (studentId: string, ids: string[]): Promise<void> => {
    const reg = await registerOf(stack, studentId);
    assert.equal(reg.events.length, ids.length);
    assert.deepEqual(reg.events.map((e) => e.seq), Array.from({ length: ids.length }, (_, i) => i + 1), "seq 1..N without gaps");
    assert.deepEqual(new Set(reg.events.map((e) => e.id)), new Set(ids), "every answered write is in the register");
    assert.equal(reg.chain.verified, true);
    const v = await stack.api<VerifyResult>("GET", "/api/audit/verify");
    assert.equal(v.status, 200);
    assert.equal(v.json.ok, true, JSON.stringify(v.json.problems));
  };

  it("When 30 consents are posted in parallel for one student, then all answer 201 and the register holds all 30 with seq 1..30 and the audit verifies", async () => {
    const s = await importStudent(stack);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => consent(s.id, s.guardians[i % 2]?.id ?? "", i)));
    for (const a of answers) assert.equal(a.status, 201, JSON.stringify(a.json));
    assert.equal(new Set(answers.map((a) => a.json.seq)).size, 30, "each write got its own place");
    await assertChain(s.id, answers.map((a) => a.json.id));
  });

  it("When 30 consents and notices are posted in parallel for one student, then all answer 201 and the register holds all of them in one unbroken chain", async () => {
    const s = await importStudent(stack);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? notice(s.id, i) : consent(s.id, s.guardians[0]?.id ?? "", i))),
    );
    for (const a of answers) assert.equal(a.status, 201, JSON.stringify(a.json));
    await assertChain(s.id, answers.map((a) => a.json.id));
  });

  it("When two server instances on the same tables take 30 parallel writes for one student, then all answer 201 and the chain stays unbroken", async () => {
    const prefix = stack.running.storage.tableName("Events").replace(/Events$/, "");
    const second = await startStack({ seedDemo: false, env: { TABLE_PREFIX: prefix, RATE_LIMIT_PER_MINUTE_USER: "1000000", RATE_LIMIT_PER_MINUTE_TENANT: "1000000" } });
    try {
      const s = await importStudent(stack);
      const token = await second.token();
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => {
          const body = {
            studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", decision: "granted", givenBy: { guardianId: s.guardians[1]?.id ?? "" },
            method: "paper", givenAt: new Date(Date.UTC(2026, 8, 3, 8, 0, i)).toISOString(),
          };
          return (i % 2 ? second : stack).api<ConsentEvent>("POST", "/api/consents", body, i % 2 ? { token } : {});
        }),
      );
      for (const a of answers) assert.equal(a.status, 201, JSON.stringify(a.json));
      await assertChain(s.id, answers.map((a) => a.json.id));
    } finally {
      await second.stop();
    }
  });
});
