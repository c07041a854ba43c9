import assert from "node:assert/strict";
import { useStack } from "../support/stack.js";
import { importStudent, registerOf } from "../support/api-helpers.js";

/**
 * Forms that cannot be wrong (issue 17, item 5), on the server: a date in the future is refused, and
 * every problem of a request comes back at once, each at its field, in the user's language.
 */
describe("Consent, withdrawal and notice dates in the future, and every problem in one answer", function () {
  const stack = useStack();

  const future = new Date(Date.now() + 3 * 86_400_000).toISOString();
  type Problem = { error: { code: string; message: string; details?: { path: string; message: string }[] } };

  it("When a consent is dated in the future, then it is refused with DATE_IN_FUTURE at givenAt and nothing is written", async () => {
    const s = await importStudent(stack);
    const r = await stack.api<Problem>("POST", "/api/consents", {
      studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", decision: "granted",
      givenBy: { guardianId: s.guardians[0]?.id }, method: "paper", givenAt: future,
    });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.code, "DATE_IN_FUTURE");
    assert.deepEqual(r.json.error.details, [{ path: "givenAt", message: "mag niet in de toekomst liggen" }]);
    assert.equal((await registerOf(stack, s.id)).events.length, 0);
  });

  it("When a consent is dated in the future and given by a parent without authority, then both problems come back at once, in English when asked", async () => {
    const s = await importStudent(stack, { guardians: [{ hasAuthority: true }, { hasAuthority: false }] });
    const r = await stack.api<Problem>(
      "POST",
      "/api/consents",
      { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", decision: "granted", givenBy: { guardianId: s.guardians[1]?.id }, method: "paper", givenAt: future },
      { headers: { "accept-language": "en" } },
    );
    assert.equal(r.status, 422);
    assert.equal(r.json.error.code, "DATE_IN_FUTURE");
    assert.deepEqual(r.json.error.details?.map((d) => d.path), ["givenAt", "givenBy"]);
    assert.equal(r.json.error.details?.[0]?.message, "must not be in the future");
    assert.match(r.json.error.details?.[1]?.message ?? "", /does not hold parental authority/);
  });

  it("When 'the student' consents at age 8, then it is refused at givenBy with the student's age rule in Dutch", async () => {
    const s = await importStudent(stack, { birthDate: new Date(Date.now() - 8 * 365.25 * 86_400_000).toISOString().slice(0, 10) });
    const r = await stack.api<Problem>("POST", "/api/consents", {
      studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", decision: "granted", givenBy: { student: true }, method: "paper", givenAt: new Date().toISOString(),
    });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.code, "STUDENT_TOO_YOUNG");
    assert.equal(r.json.error.details?.[0]?.path, "givenBy");
    assert.match(r.json.error.details?.[0]?.message ?? "", /Onder de 16 jaar/);
  });

  it("When a notice or a withdrawal is dated in the future, then it is refused at its date field", async () => {
    const s = await importStudent(stack);
    const n = await stack.api<Problem>("POST", "/api/notices", { studentId: s.id, partyId: "leerplicht", purposeId: "verzuimmelding", informedAt: future, method: "letter" });
    assert.equal(n.status, 422);
    assert.deepEqual(n.json.error.details?.map((d) => d.path), ["informedAt"]);
    const c = await stack.api<{ id: string }>("POST", "/api/consents", {
      studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", decision: "granted", givenBy: { guardianId: s.guardians[0]?.id }, method: "paper", givenAt: new Date(Date.now() - 86_400_000).toISOString(),
    });
    assert.equal(c.status, 201, JSON.stringify(c.json));
    const w = await stack.api<Problem>("POST", `/api/consents/${c.json.id}/withdraw`, { by: { guardianId: s.guardians[0]?.id }, at: future });
    assert.equal(w.status, 422);
    assert.equal(w.json.error.code, "DATE_IN_FUTURE");
    assert.deepEqual(w.json.error.details?.map((d) => d.path), ["at"]);
  });
});
