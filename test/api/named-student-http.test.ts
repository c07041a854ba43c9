import assert from "node:assert/strict";
import { useStack } from "../support/stack.js";
import { codesOf, DEMO_ADDRESS, grant, importStudent, registerOf, type CheckResponse, type ErrorBody } from "../support/api-helpers.js";

/**
 * A mail with an attachment in which the check recognises no student, to an outside care party: the
 * user names the student in the task pane (docs/RULES.md R-ATTACH-PICK), then the mail is checked as
 * being about that student. Over real HTTP and Azurite.
 */

const { ggd: GGD } = DEMO_ADDRESS;
const GIVEN = "2026-09-01T08:00:00.000Z";
const SENT = "2026-10-01T10:00:00.000Z";

describe("Naming the student of a mail about nobody", function () {
  const stack = useStack();

  const check = async (mail: Record<string, unknown>): Promise<CheckResponse> => {
    const r = await stack.api<CheckResponse>("POST", "/api/check", { subject: "Zie bijlage", body: "", attachments: [{ name: "scan001.pdf" }], sentAt: SENT, ...mail });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json;
  };

  it("[R-ATTACH-PICK] When the user names the student of an attachment the check could not place, then the mail is judged as being about that student", async () => {
    const s = await importStudent(stack);
    const nobody = await check({ to: [GGD] });
    assert.deepEqual(codesOf(nobody, GGD), ["ATTACHMENT_WITHOUT_STUDENT"]);
    assert.match(nobody.message, /Kies de leerling in het taakvenster/);

    // Named, without consent: judged as any mail about the student (blocked), nothing logged.
    const unconsented = await check({ to: [GGD], studentIds: [s.id] });
    assert.equal(unconsented.verdict, "block");
    assert.deepEqual(unconsented.students.map((x) => x.id), [s.id]);
    assert.ok(codesOf(unconsented, GGD).includes("NO_CONSENT"));
    assert.ok(!codesOf(unconsented, GGD).includes("ATTACHMENT_WITHOUT_STUDENT"));

    // With consent: allowed on that consent (a check is a query: the log is written when Sent Items confirms the send).
    await grant(stack, { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", by: { guardianId: s.guardians[0]?.id ?? "" }, givenAt: GIVEN });
    const allowed = await check({ to: [GGD], studentIds: [s.id] });
    assert.equal(allowed.verdict, "allow");
    assert.ok(codesOf(allowed, GGD).includes("CONSENT_VALID"));
    assert.equal((await registerOf(stack, s.id)).disclosures.length, 0);
  });

  it("[R-ATTACH-PICK] When a named student does not exist, then 422 in the user's language and nothing is logged", async () => {
    const r = await stack.api<ErrorBody>("POST", "/api/check", { to: [GGD], subject: "Zie bijlage", attachments: [{ name: "scan001.pdf" }], studentIds: ["bestaat-niet"] });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.code, "UNPROCESSABLE");
    assert.match(r.json.error.message, /Deze leerling bestaat niet/);
  });
});
