import assert from "node:assert/strict";
import { checkResponse, type CheckResponse } from "../../contract/index.js";
import { CHECK_CUSTOM_PROPERTY, CHECK_HEADER } from "../../contract/sendcheck.js";
import { isCheckResponse } from "../../src/addin/onsend/validate.js";
import { CHECK_HEADER_NAME, CHECK_PROPERTY_NAME } from "../../src/addin/onsend/office.js";

/**
 * The on-send handler keeps a hand-written guard of the POST /api/check answer (zod would not fit its
 * 30 KB); the contract's schema is the source of truth. Both run over the same samples.
 */
const ggd = { address: "jgz@ggd.example", kind: "party", party: { id: "ggd", name: "GGD", kind: "ggd" }, verdict: "block", basis: "consent" } as const;
const colleague = { address: "juf@school.example", kind: "internal", verdict: "allow", basis: "internal", reasons: [{ code: "INTERNAL", message: "Collega" }] } as const;
const valid: CheckResponse = {
  checkId: "chk-1", verdict: "block", message: "Daan Jansen: geen toestemming voor de GGD.", purposeId: "jgz-consult",
  students: [{ id: "lln-001", name: "Daan Jansen" }],
  recipients: [{ ...ggd, reasons: [{ code: "NO_CONSENT", message: "Geen toestemming", studentId: "lln-001" }] }, { ...colleague, reasons: [...colleague.reasons] }],
  policy: { sendMode: "soft-block", failMode: "block", sendBudgetSeconds: 20 },
};
const v = valid as unknown as Record<string, unknown>;
const recipient0 = valid.recipients[0] as unknown as Record<string, unknown>;

const samples: [string, unknown][] = [
  ["a full answer", valid],
  ["a recording check's answer (stamp, pending, digest)", { ...valid, stamp: "chk_0123.AAAAAAAAAAAAAAAAAAAAAA", pendingUntil: "2026-12-06T10:00:00.000Z", digest: "ab12" }],
  ["a stamp that is not a string", { ...valid, stamp: 42 }],
  ["a stamp without its MAC", { ...valid, stamp: "chk_0123" }],
  ["no students, no recipients", { ...valid, students: [], recipients: [], verdict: "allow", message: "" }],
  ["a 500-character message", { ...valid, message: "x".repeat(500) }],
  ["prompt-user with fail mode prompt", { ...valid, policy: { sendMode: "prompt-user", failMode: "prompt", sendBudgetSeconds: 30 } }],
  ["not an object", "block"],
  ["null", null],
  ["an array", [valid]],
  ["no checkId", { ...v, checkId: undefined }],
  ["an empty checkId", { ...v, checkId: "" }],
  ["an unknown verdict", { ...v, verdict: "maybe" }],
  ["a 501-character message", { ...v, message: "x".repeat(501) }],
  ["students not a list", { ...v, students: "lln-001" }],
  ["a student without a name", { ...v, students: [{ id: "lln-001" }] }],
  ["recipients missing", { ...v, recipients: undefined }],
  ["a recipient with an unknown verdict", { ...v, recipients: [{ ...recipient0, verdict: "ok" }] }],
  ["a reason without a message", { ...v, recipients: [{ ...recipient0, reasons: [{ code: "NO_CONSENT" }] }] }],
  ["no policy", { ...v, policy: undefined }],
  ["an unknown fail mode", { ...v, policy: { sendMode: "block", failMode: "allow", sendBudgetSeconds: 20 } }],
  ["an unknown send mode", { ...v, policy: { sendMode: "warn", failMode: "block", sendBudgetSeconds: 20 } }],
  ["no send budget", { ...v, policy: { sendMode: "block", failMode: "block" } }],
  ["a send budget of 2 s (below the policy's 5)", { ...v, policy: { sendMode: "block", failMode: "block", sendBudgetSeconds: 2 } }],
  ["a send budget that is not whole", { ...v, policy: { sendMode: "block", failMode: "block", sendBudgetSeconds: 7.5 } }],
];

describe("On-send guard and the contract", () => {
  for (const [name, sample] of samples) {
    it(`When the answer is ${name}, then the handler's guard and the contract's CheckResponse schema agree`, () => {
      const schema = checkResponse.safeParse(sample).success;
      assert.equal(isCheckResponse(sample), schema, `guard ${isCheckResponse(sample)}, schema ${schema}`);
    });
  }

  it("When a newer server sends a reason code or recipient kind this handler does not know, then the guard still accepts it (the schema, stricter, does not): the mail is still decided by its verdict", () => {
    const newer = { ...v, recipients: [{ ...recipient0, kind: "colleague-board", reasons: [{ code: "NEW_RULE", message: "Nieuw" }] }] };
    assert.equal(isCheckResponse(newer), true);
    assert.equal(checkResponse.safeParse(newer).success, false);
  });

  it("When the handler stamps a mail, then it uses the contract's header name", () => {
    assert.equal(CHECK_HEADER_NAME, CHECK_HEADER);
  });

  it("When the handler stamps a meeting, then it uses the contract's custom property name", () => {
    assert.equal(CHECK_PROPERTY_NAME, CHECK_CUSTOM_PROPERTY);
  });
});
