import assert from "node:assert/strict";
import { useStack } from "../support/stack.js";
import { recordingCheck, sendAndConfirm, useSentStack, sweep } from "../support/sent-items.js";
import {
  aboutStudent,
  assertError,
  DEMO_ADDRESS,
  guardianActor,
  check,
  codesOf,
  grant,
  importSchool,
  importStudent,
  postConsent,
  registerOf,
  setPolicy,
  type CheckResponse,
  type ErrorBody,
} from "../support/api-helpers.js";
import { CLASS_LIST_GROUP, demoImport } from "../../server/demo/data.js";
import { tourExamples } from "../../src/playground/demo.js";

/**
 * DOMAIN.md sections 2 and 3, rule by rule, through the real HTTP API and real Azurite: each situation
 * is set up with the register and directory endpoints, then judged by POST /api/check.
 */

const { ggd: GGD, wijkteam: WIJKTEAM, smw: SMW, leerplicht: LEERPLICHT, inspectie: INSPECTIE, dyslexie: DYSLEXIE, fotograaf: FOTOGRAAF, colleague: COLLEAGUE } = DEMO_ADDRESS;

// Dates are set per request (givenAt, sentAt), so the rules never depend on today's date.
const GIVEN = "2026-09-01T08:00:00.000Z";
const SENT = "2026-10-01T10:00:00.000Z";

describe("Rules of DOMAIN.md sections 2 and 3 over HTTP", function () {
  const stack = useStack();

  const about = aboutStudent;
  const g = guardianActor;
  // The one reason that decides on the basis; PURPOSE_ASSUMED (the default purpose named) and
  // AGREED_CHANNEL (a party's channel other than plain email, test/api/channel-http.test.ts) accompany it.
  const only = (c: CheckResponse, address: string): string => {
    const codes = codesOf(c, address).filter((x) => x !== "PURPOSE_ASSUMED" && x !== "AGREED_CHANNEL");
    assert.equal(codes.length, 1, JSON.stringify(codes));
    return codes[0] ?? "";
  };

  describe("Section 2: parties and their default basis", function () {
    it("[R-INTERNAL] When a mail about a student goes to a colleague inside the school, then it is allowed as INTERNAL", async () => {
      const s = await importStudent(stack);
      const c = await check(stack, { to: [COLLEAGUE], ...about(s), sentAt: SENT });
      assert.equal(c.verdict, "allow");
      assert.equal(only(c, COLLEAGUE), "INTERNAL");
      assert.equal(c.recipients[0]?.basis, "internal");
      assert.deepEqual(c.students.map((x) => x.id), [s.id]);
    });

    it("[R-GUARDIAN-OWN] When a mail about a child goes to that child's own guardian, then it is allowed as OWN_GUARDIAN", async () => {
      const s = await importStudent(stack);
      const to = s.guardians[1]?.email ?? "";
      const c = await check(stack, { to: [to], ...about(s), sentAt: SENT });
      assert.equal(c.verdict, "allow");
      assert.equal(only(c, to), "OWN_GUARDIAN");
      assert.equal(c.recipients[0]?.basis, "guardian");
    });

    it("[R-GUARDIAN-OTHER] When a mail about a child goes to the guardian of another child, then it is blocked as OTHER_STUDENTS_GUARDIAN", async () => {
      const a = await importStudent(stack);
      const b = await importStudent(stack);
      const to = b.guardians[0]?.email ?? "";
      const c = await check(stack, { to: [to], ...about(a), sentAt: SENT });
      assert.equal(c.verdict, "block");
      assert.equal(only(c, to), "OTHER_STUDENTS_GUARDIAN");
      assert.equal(c.recipients[0]?.basis, "none");
    });

    // Issue 13 changed this outcome: a parent without authority is a warning naming art. 1:377c BW (was: allow).
    it("[R-RCPT-NO-AUTHORITY] When a mail about a child goes to its parent without parental authority, then it warns with GUARDIAN_WITHOUT_AUTHORITY (art. 1:377c BW)", async () => {
      const s = await importStudent(stack, { guardians: [{ hasAuthority: true }, { hasAuthority: false }] });
      const to = s.guardians[1]?.email ?? "";
      const c = await check(stack, { to: [to], ...about(s), sentAt: SENT });
      assert.equal(c.verdict, "warn");
      assert.match(c.message, /1:377c BW/);
      assert.equal(only(c, to), "GUARDIAN_WITHOUT_AUTHORITY");
      // The demo's father without authority (lln-003).
      const demo = await check(stack, { to: ["ron.verhoef@mail.example"], subject: "Daan Jansen", sentAt: SENT });
      assert.equal(only(demo, "ron.verhoef@mail.example"), "GUARDIAN_WITHOUT_AUTHORITY");
    });

    it("[R-NO-PURPOSE] When a consent party has no default purpose and none is chosen, then NO_PURPOSE blocks; an unknown purpose is 422", async () => {
      const party = { id: "orthopedagoog", name: "Orthopedagogenpraktijk Inzicht", kind: "specialist", domains: ["inzicht-ortho.example"], addresses: [], defaultBasis: "consent", informParents: true };
      const put = await stack.api("PUT", "/api/parties/orthopedagoog", party);
      assert.equal(put.status, 200, JSON.stringify(put.json));
      const s = await importStudent(stack);
      const c = await check(stack, { to: ["intake@inzicht-ortho.example"], ...about(s), sentAt: SENT });
      assert.equal(c.verdict, "block");
      assert.equal(only(c, "intake@inzicht-ortho.example"), "NO_PURPOSE");
      const chosen = await check(stack, { to: ["intake@inzicht-ortho.example"], ...about(s), sentAt: SENT, purposeId: "onderzoek-dyslexie" });
      assert.equal(only(chosen, "intake@inzicht-ortho.example"), "NO_CONSENT");
      const unknown = await stack.api<ErrorBody>("POST", "/api/check", { to: ["intake@inzicht-ortho.example"], ...about(s), purposeId: "bestaat-niet" });
      assertError(unknown, 422, "UNPROCESSABLE");
    });

    it("[R-LEGAL-NOTICE] When a legal-basis party gets a mail before the parents were informed, then it is allowed on LEGAL_BASIS with a PARENTS_NOT_INFORMED warning, and after a notice it is allowed", async () => {
      const s = await importStudent(stack);
      const before = await check(stack, { to: [LEERPLICHT], ...about(s), sentAt: SENT });
      assert.equal(before.verdict, "warn");
      assert.equal(before.recipients[0]?.basis, "legal");
      // Issue 13: both the basis and the missing notice are reported (was: only PARENTS_NOT_INFORMED).
      assert.deepEqual(codesOf(before, LEERPLICHT), ["LEGAL_BASIS", "PARENTS_NOT_INFORMED", "PURPOSE_ASSUMED"]);
      assert.match(before.message, /Leerplichtwet 1969/);

      const n = await stack.api<{ type: string }>("POST", "/api/notices", {
        studentId: s.id, partyId: "leerplicht", purposeId: "verzuimmelding", informedAt: "2026-09-15T09:00:00Z", method: "letter",
      });
      assert.equal(n.status, 201, JSON.stringify(n.json));
      assert.equal(n.json.type, "notice");

      const after = await check(stack, { to: [LEERPLICHT], ...about(s), sentAt: SENT });
      assert.equal(after.verdict, "allow");
      assert.equal(only(after, LEERPLICHT), "LEGAL_BASIS");
      // A notice given after the mail was sent does not count for that mail.
      const earlier = await check(stack, { to: [LEERPLICHT], ...about(s), sentAt: "2026-09-10T09:00:00Z" });
      assert.ok(codesOf(earlier, LEERPLICHT).includes("PARENTS_NOT_INFORMED"));
    });

    it("[R-INSPECTIE] When a mail goes to the Inspectie, then it is lawful on LEGAL_BASIS without any notice to parents; the one warning is its agreed secure channel", async () => {
      const s = await importStudent(stack);
      const c = await check(stack, { to: [INSPECTIE], ...about(s), sentAt: SENT });
      assert.equal(c.verdict, "warn");
      assert.equal(only(c, INSPECTIE), "LEGAL_BASIS");
      assert.ok(codesOf(c, INSPECTIE).includes("AGREED_CHANNEL"));
      assert.equal(c.recipients[0]?.basis, "legal");
    });

    it("[R-UNKNOWN] When a mail about a student goes to an unknown external address, then it is blocked as UNKNOWN_RECIPIENT", async () => {
      const s = await importStudent(stack);
      const to = "iemand@onbekend-bureau.example";
      const c = await check(stack, { to: [COLLEAGUE], cc: [to], ...about(s), sentAt: SENT });
      assert.equal(c.verdict, "block");
      assert.equal(only(c, to), "UNKNOWN_RECIPIENT");
      assert.equal(only(c, COLLEAGUE), "INTERNAL");
    });

    it("[R-NO-STUDENT] When no student is recognised in the mail, then it is allowed as NO_STUDENT for any recipient", async () => {
      const c = await check(stack, { to: ["iemand@onbekend-bureau.example", FOTOGRAAF], subject: "Vergadering dinsdag", body: "Tot dan." });
      assert.equal(c.verdict, "allow");
      assert.deepEqual(c.students, []);
      for (const r of c.recipients) assert.deepEqual(r.reasons.map((x) => x.code), ["NO_STUDENT"]);
    });

    it("[R-PROCESSOR] When a mail about a student goes to a processor (the photographer), then it is blocked as PROCESSOR_NOT_A_RECIPIENT", async () => {
      const s = await importStudent(stack);
      await grant(stack, { studentId: s.id, partyId: "fotograaf", purposeId: "jgz-consult", by: g(s, 0), givenAt: GIVEN });
      const c = await check(stack, { to: [FOTOGRAAF], ...about(s), sentAt: SENT, purposeId: "jgz-consult" });
      assert.equal(c.verdict, "block");
      assert.equal(only(c, FOTOGRAAF), "PROCESSOR_NOT_A_RECIPIENT");
    });
  });

  describe("Section 3: consent", function () {
    it("[R-CONSENT-ONE] When one holder of authority gave valid consent for this party and purpose, then the consent party is allowed with CONSENT_VALID", async () => {
      const s = await importStudent(stack);
      await grant(stack, { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", by: g(s, 1), givenAt: GIVEN });
      const c = await check(stack, { to: [GGD], ...about(s), sentAt: SENT });
      assert.equal(c.verdict, "allow");
      assert.equal(only(c, GGD), "CONSENT_VALID");
      assert.equal(c.recipients[0]?.basis, "consent");
      // Before the consent was given, the same mail had no consent.
      const earlier = await check(stack, { to: [GGD], ...about(s), sentAt: "2026-08-20T10:00:00Z" });
      assert.equal(only(earlier, GGD), "NO_CONSENT");
    });

    it("[R-CONSENT-FAR-REACHING] When a purpose is far-reaching and one holder consented, then SECOND_GUARDIAN_REQUIRED blocks, and after the second holder consents it is allowed", async () => {
      const s = await importStudent(stack);
      await grant(stack, { studentId: s.id, partyId: "dyslexiepraktijk", purposeId: "onderzoek-dyslexie", by: g(s, 0), givenAt: GIVEN });
      const one = await check(stack, { to: [DYSLEXIE], ...about(s), sentAt: SENT });
      assert.equal(one.verdict, "block");
      assert.equal(only(one, DYSLEXIE), "SECOND_GUARDIAN_REQUIRED");
      assert.match(one.message, new RegExp(`Ouder2 Proef`));

      await grant(stack, { studentId: s.id, partyId: "dyslexiepraktijk", purposeId: "onderzoek-dyslexie", by: g(s, 1), givenAt: "2026-09-10T08:00:00Z" });
      const both = await check(stack, { to: [DYSLEXIE], ...about(s), sentAt: SENT });
      // Lawful on consent; the practice's agreed channel (encrypted mail) is the one remaining warning.
      assert.equal(both.verdict, "warn");
      assert.equal(only(both, DYSLEXIE), "CONSENT_VALID");
      assert.deepEqual(codesOf(both, DYSLEXIE).filter((x) => x !== "CONSENT_VALID" && x !== "PURPOSE_ASSUMED"), ["AGREED_CHANNEL"]);
    });

    it("[R-CONSENT-REFUSAL-WINS] When one holder consented and the other refused, then the refusal wins (CONSENT_REFUSED)", async () => {
      const s = await importStudent(stack);
      await grant(stack, { studentId: s.id, partyId: "wijkteam", purposeId: "jeugdhulp", by: g(s, 0), givenAt: GIVEN });
      await grant(stack, { studentId: s.id, partyId: "wijkteam", purposeId: "jeugdhulp", by: g(s, 1), givenAt: "2026-09-05T08:00:00Z", decision: "refused" });
      const c = await check(stack, { to: [WIJKTEAM], ...about(s), sentAt: SENT });
      assert.equal(c.verdict, "block");
      assert.equal(only(c, WIJKTEAM), "CONSENT_REFUSED");
    });

    it("[R-CONSENT-WITHDRAWN] When a consent was withdrawn, then the withdrawal wins from its moment on (CONSENT_WITHDRAWN), even if the other holder still consents", async () => {
      const s = await importStudent(stack);
      const c1 = await grant(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: g(s, 0), givenAt: GIVEN });
      await grant(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: g(s, 1), givenAt: GIVEN });
      const w = await stack.api<{ type: string; consentId: string }>("POST", `/api/consents/${c1.id}/withdraw`, {
        by: g(s, 1), at: "2026-09-20T12:00:00Z", reason: "Wil eerst zelf contact",
      });
      assert.equal(w.status, 201, JSON.stringify(w.json));
      assert.equal(w.json.consentId, c1.id);

      const after = await check(stack, { to: [SMW], ...about(s), sentAt: SENT });
      assert.equal(after.verdict, "block");
      assert.equal(only(after, SMW), "CONSENT_WITHDRAWN");
      const before = await check(stack, { to: [SMW], ...about(s), sentAt: "2026-09-15T12:00:00Z" });
      assert.equal(only(before, SMW), "CONSENT_VALID");
      // Withdrawing twice is refused, and the consent itself stays on record.
      const again = await stack.api<ErrorBody>("POST", `/api/consents/${c1.id}/withdraw`, { by: g(s, 0), at: "2026-09-21T12:00:00Z" });
      assertError(again, 409, "ALREADY_WITHDRAWN");
      const reg = await registerOf(stack, s.id);
      assert.ok(reg.events.some((e) => e.id === c1.id && e.type === "consent"));
    });

    it("[R-CONSENT-EXPIRED] When the consent has ended, then the check blocks with CONSENT_EXPIRED", async () => {
      const s = await importStudent(stack);
      // Given in the previous school year: by default it ended on 31 July.
      const last = await grant(stack, { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", by: g(s, 0), givenAt: "2025-10-01T08:00:00Z" });
      assert.equal(last.validUntil.slice(0, 10), "2026-07-31");
      const c = await check(stack, { to: [GGD], ...about(s), sentAt: SENT });
      assert.equal(c.verdict, "block");
      assert.equal(only(c, GGD), "CONSENT_EXPIRED");
      // An explicit end date counts as well.
      const t = await importStudent(stack);
      await grant(stack, { studentId: t.id, partyId: "ggd", purposeId: "jgz-consult", by: g(t, 0), givenAt: GIVEN, validUntil: "2026-09-15T00:00:00Z" });
      const c2 = await check(stack, { to: [GGD], ...about(t), sentAt: SENT });
      assert.equal(only(c2, GGD), "CONSENT_EXPIRED");
    });

    it("[R-CONSENT-SPECIFIC] When the only consent is for another party or another purpose, then it does not count (NO_CONSENT)", async () => {
      const s = await importStudent(stack);
      await grant(stack, { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", by: g(s, 0), givenAt: GIVEN });
      const otherParty = await check(stack, { to: [WIJKTEAM], ...about(s), sentAt: SENT, purposeId: "jgz-consult" });
      assert.equal(otherParty.verdict, "block");
      assert.equal(only(otherParty, WIJKTEAM), "NO_CONSENT");
      const otherPurpose = await check(stack, { to: [GGD], ...about(s), sentAt: SENT, purposeId: "jeugdhulp" });
      assert.equal(otherPurpose.verdict, "block");
      assert.equal(only(otherPurpose, GGD), "NO_CONSENT");
      const same = await check(stack, { to: [GGD], ...about(s), sentAt: SENT, purposeId: "jgz-consult" });
      assert.equal(only(same, GGD), "CONSENT_VALID");
    });

    it("[R-CONSENT-NO-AUTHORITY] When a parent without parental authority tries to consent, then POST /api/consents answers 422 NO_AUTHORITY and nothing is written", async () => {
      const s = await importStudent(stack, { guardians: [{ hasAuthority: true }, { hasAuthority: false }] });
      const before = await registerOf(stack, s.id);
      const r = await postConsent(stack, { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", by: g(s, 1), givenAt: GIVEN });
      assertError(r, 422, "NO_AUTHORITY");
      const after = await registerOf(stack, s.id);
      assert.deepEqual(after.events, before.events);
      assert.equal(after.events.length, 0);
      const c = await check(stack, { to: [GGD], ...about(s), sentAt: SENT });
      assert.equal(only(c, GGD), "NO_CONSENT");
      // The demo's father without authority (lln-003) is refused in the same way.
      const demo = await postConsent(stack, { studentId: "lln-003", partyId: "ggd", purposeId: "jgz-consult", by: { guardianId: "lln-003-o2" }, givenAt: GIVEN });
      assertError(demo, 422, "NO_AUTHORITY");
    });

    it("[R-AGE-16-STUDENT] When the student is 16 or older, then a parent cannot consent, STUDENT_CONSENT_REQUIRED blocks, and the student's own consent allows", async () => {
      const s = await importStudent(stack, { birthDate: "2009-03-01" });
      const byParent = await postConsent(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: g(s, 0), givenAt: GIVEN });
      assertError(byParent, 422);
      const none = await check(stack, { to: [SMW], ...about(s), sentAt: SENT });
      assert.equal(none.verdict, "block");
      assert.equal(only(none, SMW), "STUDENT_CONSENT_REQUIRED");

      await grant(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: { student: true }, givenAt: GIVEN });
      const own = await check(stack, { to: [SMW], ...about(s), sentAt: SENT });
      assert.equal(own.verdict, "allow");
      assert.equal(only(own, SMW), "CONSENT_VALID");
      // A younger student cannot consent alone.
      const young = await importStudent(stack);
      const tooYoung = await postConsent(stack, { studentId: young.id, partyId: "smw", purposeId: "smw-begeleiding", by: { student: true }, givenAt: GIVEN });
      assertError(tooYoung, 422, "STUDENT_TOO_YOUNG");
    });

    it("[R-AGE-16-LAPSE] When the student turns 16 after a parent consented, then the parent's consent lapses on the birthday", async () => {
      const s = await importStudent(stack, { birthDate: "2010-10-15" });
      await grant(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: g(s, 0), givenAt: GIVEN });
      const at15 = await check(stack, { to: [SMW], ...about(s), sentAt: "2026-10-14T10:00:00Z" });
      assert.equal(at15.verdict, "allow");
      assert.equal(only(at15, SMW), "CONSENT_VALID");
      const at16 = await check(stack, { to: [SMW], ...about(s), sentAt: "2026-10-15T10:00:00Z" });
      assert.equal(at16.verdict, "block");
      assert.equal(only(at16, SMW), "STUDENT_CONSENT_REQUIRED");
    });
  });

  describe("School policy settings", function () {
    it("[R-POLICY-FAR-REACHING] When the school sets farReachingNeedsAllHolders to false, then one holder's consent allows a far-reaching purpose", async () => {
      const school = await importSchool(stack);
      await setPolicy(stack, school.id, { farReachingNeedsAllHolders: false });
      const s = await importStudent(stack, { schoolId: school.id });
      await grant(stack, { studentId: s.id, partyId: "dyslexiepraktijk", purposeId: "onderzoek-dyslexie", by: g(s, 0), givenAt: GIVEN });
      const c = await check(stack, { to: [DYSLEXIE], ...about(s), sentAt: SENT });
      // Lawful on consent; the practice's agreed channel (encrypted mail) is the one remaining warning.
      assert.equal(c.verdict, "warn");
      assert.equal(only(c, DYSLEXIE), "CONSENT_VALID");
    });

    it("[R-POLICY-CONSENT-AGE] When the school sets studentConsentAge to 18, then a 17-year-old's parent consents and the student alone cannot", async () => {
      const school = await importSchool(stack);
      await setPolicy(stack, school.id, { studentConsentAge: 18 });
      const s = await importStudent(stack, { schoolId: school.id, birthDate: "2009-03-01" });
      const own = await postConsent(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: { student: true }, givenAt: GIVEN });
      assertError(own, 422, "STUDENT_TOO_YOUNG");
      const none = await check(stack, { to: [SMW], ...about(s), sentAt: SENT });
      assert.equal(only(none, SMW), "NO_CONSENT");
      await grant(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: g(s, 0), givenAt: GIVEN });
      const c = await check(stack, { to: [SMW], ...about(s), sentAt: SENT });
      assert.equal(c.verdict, "allow");
      assert.equal(only(c, SMW), "CONSENT_VALID");
    });

    it("[R-POLICY-VALIDITY-DAYS] When the school sets a default validity of 30 days, then a consent without an end date ends after 30 days", async () => {
      const school = await importSchool(stack);
      await setPolicy(stack, school.id, { defaultValidity: "days", defaultValidityDays: 30 });
      const s = await importStudent(stack, { schoolId: school.id });
      const ev = await grant(stack, { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", by: g(s, 0), givenAt: GIVEN });
      assert.equal(ev.validUntil, "2026-10-01T08:00:00.000Z");
      const within = await check(stack, { to: [GGD], ...about(s), sentAt: "2026-09-30T10:00:00Z" });
      assert.equal(only(within, GGD), "CONSENT_VALID");
      const after = await check(stack, { to: [GGD], ...about(s), sentAt: "2026-10-02T10:00:00Z" });
      assert.equal(after.verdict, "block");
      assert.equal(only(after, GGD), "CONSENT_EXPIRED");
    });
  });

  describe("The disclosure log and overrides (logged when Sent Items shows the mail was sent)", function () {
    const sent = useSentStack();
    const reg = (id: string) => registerOf(sent.stack, id);
    const fresh = () => importStudent(sent.stack);

    it("[R-LOG-DISCLOSURE] When an allowed mail is sent and Sent Items confirms it, then the disclosure is logged in the student's register with the real send time", async () => {
      const s = await fresh();
      // The GGD with consent: allowed (the Inspectie would warn about its agreed secure channel).
      await grant(sent.stack, { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", by: g(s, 0), givenAt: GIVEN });
      const at = new Date(Date.now() + 60_000).toISOString();
      const { check: c, message } = await sendAndConfirm(sent, { to: [GGD, COLLEAGUE], ...about(s) }, at);
      assert.equal(c.verdict, "allow");
      const r = await reg(s.id);
      assert.equal(r.disclosures.length, 1, "one disclosure: the GGD, not the colleague");
      const d = r.disclosures[0];
      assert.ok(d && d.type === "disclosure");
      assert.equal(d.checkId, c.checkId);
      assert.equal(d.partyId, "ggd");
      assert.equal(d.recipient, GGD);
      assert.equal(d.basis, "consent");
      assert.equal(d.purposeId, "jgz-consult");
      assert.equal(d.at, at);
      assert.equal(d.internetMessageId, message.internetMessageId);
      assert.equal(r.chain.verified, true);
    });

    it("[R-RCPT-NO-AUTHORITY] When a mail to a parent without parental authority is sent and Sent Items confirms it, then it is logged on the basis information-right", async () => {
      const s = await importStudent(sent.stack, { guardians: [{ hasAuthority: true }, { hasAuthority: false }] });
      const to = s.guardians[1]?.email ?? "";
      const { check: c, message } = await sendAndConfirm(sent, { to: [to], ...about(s) });
      assert.equal(c.verdict, "warn");
      const d = (await reg(s.id)).disclosures[0];
      assert.ok(d && d.type === "disclosure");
      assert.equal(d.basis, "information-right");
      assert.equal(d.recipient, to);
      assert.equal(d.internetMessageId, message.internetMessageId);
    });

    it("[R-LOG-NOT-SENT] When a check is blocked, then nothing is logged; the recording check can be read back without the mail, a query check is not kept", async () => {
      const s = await fresh();
      const q = await check(sent.stack, { to: [INSPECTIE, "iemand@onbekend-bureau.example"], ...about(s), sentAt: SENT });
      assert.equal(q.verdict, "block");
      assertError(await sent.stack.api<ErrorBody>("GET", `/api/checks/${q.checkId}`), 404, "NOT_FOUND");
      const c = await recordingCheck(sent.stack, { to: [INSPECTIE, "iemand@onbekend-bureau.example"], ...about(s) });
      await sweep(sent.stack);
      const r = await reg(s.id);
      assert.equal(r.disclosures.length, 0);
      assert.equal(r.events.length, 0);
      const stored = await sent.stack.api<CheckResponse>("GET", `/api/checks/${c.checkId}`);
      assert.equal(stored.status, 200);
      assert.equal(stored.json.verdict, "block");
      assert.ok(!JSON.stringify(stored.json).includes("Zie bijlage"));
    });

    it("[R-OVERRIDE] When a blocked check is overridden with a reason and the mail is sent, then the override and the disclosure are recorded, and a second override is 409", async () => {
      const s = await fresh();
      const mail = { to: [GGD], ...about(s) };
      const c = await recordingCheck(sent.stack, mail);
      assert.equal(c.verdict, "block");
      const short = await sent.stack.api<ErrorBody>("POST", `/api/checks/${c.checkId}/override`, { reason: "kort" });
      assertError(short, 400, "VALIDATION_FAILED");
      const o = await sent.stack.api<{ checkId: string; disclosures: number }>("POST", `/api/checks/${c.checkId}/override`, {
        reason: "Ouders hebben telefonisch ingestemd; schriftelijk volgt",
      });
      assert.equal(o.status, 201, JSON.stringify(o.json));
      assert.equal((await reg(s.id)).events.length, 0, "nothing is logged before the mail is sent");
      await sendAndConfirm(sent, { ...mail, overrideOf: c.checkId });
      const r = await reg(s.id);
      const overrides = r.events.filter((e) => e.type === "override");
      assert.equal(overrides.length, 1);
      assert.equal(r.disclosures.length, 1);
      const d = r.disclosures[0];
      assert.ok(d && d.type === "disclosure");
      assert.equal(d.basis, "override");
      assert.equal(d.recipient, GGD);
      assert.equal(r.chain.verified, true);

      const again = await sent.stack.api<ErrorBody>("POST", `/api/checks/${c.checkId}/override`, { reason: "Nogmaals, per ongeluk dubbel" });
      assertError(again, 409, "CONFLICT");
      assert.equal((await reg(s.id)).events.length, r.events.length);
      // An allowed query check has nothing to override: no check record is kept for it.
      const ok = await check(sent.stack, { to: [COLLEAGUE], ...about(s), sentAt: SENT });
      assert.equal(ok.verdict, "allow");
      const none = await sent.stack.api<ErrorBody>("POST", `/api/checks/${ok.checkId}/override`, { reason: "Er is niets om te overrulen" });
      assertError(none, 404, "NOT_FOUND");
    });

    it("When a mail about a student goes to 120 addresses of a legal-basis party, then the check succeeds and the sent mail logs all 120 disclosures in one unbroken chain", async () => {
      const s = await fresh();
      const to = Array.from({ length: 120 }, (_, i) => `lpa${i}@leerplicht.voorbeeldstad.example`);
      const { check: c } = await sendAndConfirm(sent, { to, ...about(s) });
      assert.equal(c.verdict, "warn");
      const r = await reg(s.id);
      assert.equal(r.disclosures.length, 120);
      assert.deepEqual(r.events.map((e) => e.seq), Array.from({ length: 120 }, (_, i) => i + 1));
      assert.equal(r.chain.verified, true);
    });

    it("When a blocked check to 120 unknown recipients is overridden and sent, then the override and all 120 disclosures are recorded", async () => {
      const s = await fresh();
      const to = Array.from({ length: 120 }, (_, i) => `iemand${i}@onbekend${i}.example`);
      const c = await recordingCheck(sent.stack, { to, ...about(s) });
      assert.equal(c.verdict, "block");
      const o = await sent.stack.api<{ disclosures: number }>("POST", `/api/checks/${c.checkId}/override`, { reason: "Verzonden aan de hele werkgroep, met akkoord" });
      assert.equal(o.status, 201, JSON.stringify(o.json));
      await sendAndConfirm(sent, { to, ...about(s), overrideOf: c.checkId });
      const r = await reg(s.id);
      assert.equal(r.events.filter((e) => e.type === "override").length, 1);
      assert.equal(r.disclosures.length, 120);
      assert.equal(r.chain.verified, true);
      assertError(await sent.stack.api("POST", `/api/checks/${c.checkId}/override`, { reason: "Verzonden aan de hele werkgroep, met akkoord" }), 409, "CONFLICT");
    });
  });

  describe("The message", function () {
    it("[R-MESSAGE-LENGTH] When a mail names every demo student and has many problem recipients, then the message is at most 500 characters", async () => {
      const all = await stack.api<{ students: { name: string }[] }>("GET", "/api/students?limit=1000");
      const names = all.json.students.map((s) => s.name).join(", ");
      const allowed = await check(stack, { to: [COLLEAGUE], subject: "Groepsoverzicht", body: names, sentAt: SENT });
      assert.equal(allowed.verdict, "allow");
      assert.ok(allowed.students.length >= 30);
      assert.ok(allowed.message.length <= 500, `${allowed.message.length}`);
      assert.match(allowed.message, /…$/, "the list of 30 names was cut");
      const to = Array.from({ length: 12 }, (_, i) => `persoon${i}@onbekend${i}.example`);
      const blocked = await recordingCheck(stack, { to: [...to, GGD, DYSLEXIE], subject: "Groepsoverzicht", body: names });
      assert.equal(blocked.verdict, "block");
      assert.ok(blocked.message.length <= 500, `${blocked.message.length}`);
      assert.match(blocked.message, /\(\+\d+ andere problemen\)$/);
      // The large check record is kept (a class list to many recipients) and can be read and overridden.
      const stored = await stack.api<CheckResponse>("GET", `/api/checks/${blocked.checkId}`);
      assert.equal(stored.status, 200, JSON.stringify(stored.json).slice(0, 300));
      assert.deepEqual(stored.json, blocked);
      const o = await stack.api<{ disclosures: number }>("POST", `/api/checks/${blocked.checkId}/override`, { reason: "Groepsoverzicht aan de netwerkpartners" });
      assert.equal(o.status, 201, JSON.stringify(o.json));
      const again = await stack.api<ErrorBody>("POST", `/api/checks/${blocked.checkId}/override`, { reason: "Groepsoverzicht aan de netwerkpartners" });
      assertError(again, 409, "CONFLICT");
    });

    it("[R-MESSAGE-LANG] When the request says Accept-Language en, then the message and reasons are in English; otherwise Dutch", async () => {
      const s = await importStudent(stack);
      const en = await check(stack, { to: [GGD], ...about(s), sentAt: SENT }, { headers: { "accept-language": "en-GB,en;q=0.9" } });
      assert.match(en.message, /^Do not send\./);
      assert.match(en.recipients[0]?.reasons[0]?.message ?? "", /^No consent for/);
      const nl = await check(stack, { to: [GGD], ...about(s), sentAt: SENT });
      assert.match(nl.message, /^Niet verzenden\./);
      assert.match(nl.recipients[0]?.reasons[0]?.message ?? "", /^Geen toestemming/);
    });
  });

  it("[R-DEMO] When the demo school is seeded, then its particular situations are judged as DOMAIN.md says", async () => {
    // Noor (lln-002): only the mother consented to the far-reaching dyslexia assessment.
    const noor = await check(stack, { to: [DYSLEXIE], subject: "Noor van der Berg" });
    assert.equal(only(noor, DYSLEXIE), "SECOND_GUARDIAN_REQUIRED");
    // Daan (lln-003): refused for the wijkteam.
    const daan = await check(stack, { to: [WIJKTEAM], subject: "Daan Jansen" });
    assert.equal(only(daan, WIJKTEAM), "CONSENT_REFUSED");
    // Zoë (lln-004): withdrawn.
    const zoe = await check(stack, { to: [SMW], subject: "Zoë Bakker" });
    assert.equal(only(zoe, SMW), "CONSENT_WITHDRAWN");
    // Hüseyin (lln-030, 16): his own consent.
    const h = await check(stack, { to: [SMW], subject: "Huseyin Yilmaz" });
    assert.equal(only(h, SMW), "CONSENT_VALID");
    // Issue 13. The transfer from this primary school to the VO school is the legal duty of art. 42 WPO.
    const vo = await check(stack, { to: ["administratie@voorbeeldcollege.example"], subject: "Onderwijskundig rapport Jan de Vries" });
    assert.equal(vo.recipients[0]?.basis, "legal");
    assert.ok(codesOf(vo, "administratie@voorbeeldcollege.example").includes("LEGAL_BASIS"));
    assert.match(vo.message, /art\. 42 WPO/);
    // A referral to jeugdhulp is far-reaching: Lotte (lln-006) has both parents' consent.
    const purposes = await stack.api<{ purposes: { id: string; farReaching: boolean }[] }>("GET", "/api/purposes");
    assert.equal(purposes.json.purposes.find((p) => p.id === "jeugdhulp")?.farReaching, true);
    assert.equal(only(await check(stack, { to: [WIJKTEAM], subject: "Lotte Visser" }), WIJKTEAM), "CONSENT_VALID");
    // The students' own accounts: another student's account is a misdirected mail.
    const account = await check(stack, { to: ["240101@leerling.regenboog.school.example"], subject: "Zoë Bakker" });
    assert.equal(only(account, "240101@leerling.regenboog.school.example"), "OTHER_STUDENTS_ACCOUNT");
    // Two students named Lucas Mulder at the board (De Regenboog and De Vlieger).
    const lucas = await stack.api<{ students: { schoolId: string }[] }>("GET", "/api/students?query=Lucas%20Mulder");
    assert.deepEqual(lucas.json.students.map((x) => x.schoolId).sort(), ["obs-de-regenboog", "obs-de-vlieger"]);
    // Julia de Graaf (lln-010): the Veilig Thuis report with parents not informed because that is unsafe.
    const vt = await check(stack, { to: ["advies@veiligthuis-voorbeeldregio.example"], subject: "Julia de Graaf", purposeId: "melding-veilig-thuis" });
    assert.deepEqual(codesOf(vt, "advies@veiligthuis-voorbeeldregio.example"), ["LEGAL_BASIS"]);
    const exported = await stack.api("GET", "/api/students/lln-010/export");
    assert.doesNotMatch(JSON.stringify(exported.json), /Veilig Thuis/);
    // Groep 7's class list to the GGD: the Wet publieke gezondheid covers it (the parents were told by
    // letter); sent without its purpose it is judged as a consult, which needs consent (R-GGD-CLASS-LIST).
    const group = (demoImport().students ?? []).filter((x) => x.className === CLASS_LIST_GROUP && !x.leftDate);
    assert.ok(group.length >= 5);
    const list = {
      to: [GGD],
      subject: `Klassenlijst ${CLASS_LIST_GROUP} voor het JGZ-onderzoek`,
      body: ["Naam;Geboortedatum;Klas", ...group.map((x) => `${[x.givenName, x.tussenvoegsel, x.familyName].filter(Boolean).join(" ")};${x.birthDate};${x.className}`)].join("\n"),
    };
    const classList = await check(stack, { ...list, purposeId: "klassenlijst-jgz" });
    assert.equal(classList.verdict, "allow", classList.message);
    assert.deepEqual(classList.students.map((x) => x.id).sort(), group.map((x) => x.id).sort());
    assert.deepEqual([...new Set(codesOf(classList, GGD))], ["LEGAL_BASIS"], "covered and the parents were informed");
    const asConsult = await check(stack, list);
    assert.equal(asConsult.verdict, "block");
  });

  it("[R-DEMO] When the playground's guided examples are checked by the real server, then each gets the verdict and the reason it teaches, in both languages", async () => {
    for (const lang of ["nl", "en"] as const) {
      for (const ex of tourExamples(lang)) {
        const { to, cc, bcc, subject, body, attachments } = ex.mail;
        const r = await stack.api<CheckResponse>("POST", "/api/check", { to, cc, bcc, subject, body, attachments: attachments.map((a) => ({ name: a.name, size: a.size })) });
        assert.equal(r.status, 200, JSON.stringify(r.json));
        assert.equal(r.json.verdict, ex.expected, `${lang} ${ex.id}: ${r.json.message}`);
        assert.ok(r.json.recipients.some((x) => x.reasons.some((q) => q.code === ex.code)), `${lang} ${ex.id}: ${ex.code} in ${JSON.stringify(r.json.recipients.map((x) => x.reasons.map((q) => q.code)))}`);
      }
    }
  });
});
