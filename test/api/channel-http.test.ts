import assert from "node:assert/strict";
import { useStack } from "../support/stack.js";
import { aboutStudent, check, codesOf, DEMO_ADDRESS, grant, guardianActor, importStudent, setPolicy, type CheckResponse } from "../support/api-helpers.js";
import { DEMO_SCHOOL_ID } from "../../server/demo/data.js";

/**
 * The agreed channel (docs/RULES.md R-CHANNEL, R-CHANNEL-ENCRYPTED) over real HTTP and Azurite, with the
 * demo directory: the Inspectie's agreed channel is its secure channel, the dyslexia practice's is
 * encrypted mail, the GGD's and Leerplicht's none (plain email).
 */

const { inspectie: INSPECTIE, dyslexie: DYSLEXIE, ggd: GGD, leerplicht: LEERPLICHT } = DEMO_ADDRESS;
const LABEL = "8a1b2c3d-0000-4000-8000-00000000e2e2";
const SENT = "2026-10-01T10:00:00.000Z";
const GIVEN = "2026-09-01T08:00:00.000Z";

describe("The agreed channel over HTTP", function () {
  const stack = useStack();

  const reasonOf = (c: CheckResponse, address: string, code: string): string | undefined =>
    c.recipients.find((r) => r.address === address)?.reasons.find((r) => r.code === code)?.message;

  it("[R-CHANNEL] When a mail about a student goes to a party whose agreed channel is not plain email, then it warns AGREED_CHANNEL naming the channel; parties without one get no such warning", async () => {
    const s = await importStudent(stack);
    const c = await check(stack, { to: [INSPECTIE], ...aboutStudent(s), sentAt: SENT, purposeId: "toezicht" });
    assert.equal(c.verdict, "warn");
    assert.deepEqual(codesOf(c, INSPECTIE), ["LEGAL_BASIS", "AGREED_CHANNEL"]);
    assert.match(reasonOf(c, INSPECTIE, "AGREED_CHANNEL") ?? "", /ander kanaal afgesproken dan gewone e-mail: beveiligd kanaal van de inspectie\. Verstuur de gegevens via dat kanaal/);
    assert.equal(c.recipients.find((r) => r.address === INSPECTIE)?.party?.channel, "other");
    // The warning is a warning: the disclosure is still lawful and logged on its basis.
    assert.equal(c.recipients.find((r) => r.address === INSPECTIE)?.basis, "legal");
    const plain = await check(stack, { to: [GGD, LEERPLICHT], ...aboutStudent(s), sentAt: SENT });
    for (const a of [GGD, LEERPLICHT]) {
      assert.ok(!codesOf(plain, a).includes("AGREED_CHANNEL"), a);
      assert.equal(plain.recipients.find((r) => r.address === a)?.party?.channel, undefined);
    }
    // A mail about nobody discloses nothing: no channel warning.
    const nobody = await check(stack, { to: [INSPECTIE], subject: "Afspraak", body: "Tot dinsdag." });
    assert.deepEqual(codesOf(nobody, INSPECTIE), ["NO_STUDENT"]);
    // In English too.
    const en = await check(stack, { to: [INSPECTIE], ...aboutStudent(s), sentAt: SENT, purposeId: "toezicht" }, { headers: { "accept-language": "en" } });
    assert.match(reasonOf(en, INSPECTIE, "AGREED_CHANNEL") ?? "", /agreed on another channel than plain email/);
  });

  it("[R-CHANNEL-ENCRYPTED] When the school's Purview label for encrypted mail is applied, then the warning of a party whose channel is encrypted mail clears; another label, or a portal channel, still warns", async () => {
    const s = await importStudent(stack);
    for (const i of [0, 1]) await grant(stack, { studentId: s.id, partyId: "dyslexiepraktijk", purposeId: "onderzoek-dyslexie", by: guardianActor(s, i), givenAt: GIVEN });
    const mail = { to: [DYSLEXIE], ...aboutStudent(s), sentAt: SENT, purposeId: "onderzoek-dyslexie" };

    // Without Purview: the warning, which offers encrypted sending, and no label in the answer.
    const before = await check(stack, mail);
    assert.deepEqual(codesOf(before, DYSLEXIE), ["CONSENT_VALID", "AGREED_CHANNEL"]);
    assert.match(reasonOf(before, DYSLEXIE, "AGREED_CHANNEL") ?? "", /versleutelde mail\. Verstuur versleuteld \(in het taakvenster: „Versleuteld verzenden”\)/);
    assert.equal(before.recipients[0]?.party?.channel, "encrypted-mail");
    assert.equal(before.policy.encryptedMailLabelId, undefined);

    await setPolicy(stack, DEMO_SCHOOL_ID, { encryptedMailLabelId: LABEL });
    const offered = await check(stack, mail);
    assert.equal(offered.policy.encryptedMailLabelId, LABEL);
    assert.equal(offered.verdict, "warn");

    const encrypted = await check(stack, { ...mail, sensitivityLabelId: LABEL });
    assert.equal(encrypted.verdict, "allow");
    assert.deepEqual(codesOf(encrypted, DYSLEXIE), ["CONSENT_VALID"]);

    const otherLabel = await check(stack, { ...mail, sensitivityLabelId: "00000000-0000-4000-8000-000000000001" });
    assert.ok(codesOf(otherLabel, DYSLEXIE).includes("AGREED_CHANNEL"));

    const portal = await check(stack, { to: [INSPECTIE], ...aboutStudent(s), sentAt: SENT, purposeId: "toezicht", sensitivityLabelId: LABEL });
    assert.ok(codesOf(portal, INSPECTIE).includes("AGREED_CHANNEL"));
  });

  it("[R-CHANNEL-ENCRYPTED] When a school sets a label id that is not an id, then 400 and the policy is unchanged", async () => {
    const before = await stack.api<{ encryptedMailLabelId?: string }>("GET", `/api/policies/${DEMO_SCHOOL_ID}`);
    const r = await stack.api("PUT", `/api/policies/${DEMO_SCHOOL_ID}`, { ...before.json, encryptedMailLabelId: "label <script>" });
    assert.equal(r.status, 400);
    const after = await stack.api<{ encryptedMailLabelId?: string }>("GET", `/api/policies/${DEMO_SCHOOL_ID}`);
    assert.deepEqual(after.json, before.json);
  });
});
