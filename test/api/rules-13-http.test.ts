import assert from "node:assert/strict";
import { useStack } from "../support/stack.js";
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
  uniq,
  type CheckResponse,
  type ErrorBody,
  type FreshStudent,
  type ImportResult,
} from "../support/api-helpers.js";
import { DEMO_SCHOOL_ID, DEMO_STUDENT_DOMAIN } from "../../server/demo/data.js";
import type { ConsentRequestRecord } from "../../server/register/requests.js";

/**
 * The rules of issue 13 (docs/RULES.md), each over the real HTTP API and Azurite: bases per (party,
 * purpose), ages on the Dutch calendar and authority, students' accounts, Veilig Thuis, students who
 * left, oral consent, validity, the consent request letters and errors in the user's language.
 * Test names carry the rule id.
 */

const { leerplicht: LEERPLICHT, smw: SMW, wijkteam: WIJKTEAM, dyslexie: DYSLEXIE, veiligThuis: VEILIG_THUIS, nieuweSchool: NIEUWE_SCHOOL, colleague: COLLEAGUE } = DEMO_ADDRESS;

const GIVEN = "2026-09-01T08:00:00.000Z";
const SENT = "2026-10-01T10:00:00.000Z";

describe("Rules of issue 13 over HTTP", function () {
  const stack = useStack();

  const about = aboutStudent;
  const g = guardianActor;
  const reasonsOf = (c: CheckResponse, address: string): string[] =>
    (c.recipients.find((r) => r.address === address.toLowerCase())?.reasons ?? []).map((r) => r.message);

  /** A student imported with any field the helper does not offer (leftDate, unconfirmed authority). */
  async function rawStudent(extra: { leftDate?: string; birthDate?: string; confirmed?: boolean[] } = {}): Promise<FreshStudent & { studentNumber: string }> {
    const tag = uniq();
    const id = `r13-${tag}`;
    const family = `Regel${tag}`;
    const studentNumber = `N${tag}`;
    const guardians = (extra.confirmed ?? [true, true]).map((c, i) => ({
      id: `${id}-o${i + 1}`,
      name: `Ouder${i + 1} ${family}`,
      emails: [`ouder${i + 1}.${tag}@ouders.example`],
      relation: i === 0 ? ("mother" as const) : ("father" as const),
      hasAuthority: true,
      ...(c ? {} : { authorityConfirmed: false }),
    }));
    const r = await stack.api<ImportResult>("POST", "/api/import", {
      students: [
        {
          id,
          schoolId: DEMO_SCHOOL_ID,
          givenName: "Kim",
          familyName: family,
          studentNumber,
          birthDate: extra.birthDate ?? "2015-05-05",
          className: "groep 6",
          ...(extra.leftDate ? { leftDate: extra.leftDate } : {}),
          guardians,
        },
      ],
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return {
      id,
      name: `Kim ${family}`,
      schoolId: DEMO_SCHOOL_ID,
      studentNumber,
      guardians: guardians.map((x) => ({ id: x.id, email: x.emails[0] ?? "", hasAuthority: true })),
    };
  }

  describe("Bases per (party, purpose)", function () {
    it("[R-BASIS-PURPOSE] When a mail to Leerplicht is about a dyslexia referral, then the legal basis does not cover it: PURPOSE_NOT_COVERED blocks until the parents consent", async () => {
      const s = await importStudent(stack);
      const absence = await check(stack, { to: [LEERPLICHT], ...about(s), sentAt: SENT, purposeId: "verzuimmelding" });
      assert.ok(codesOf(absence, LEERPLICHT).includes("LEGAL_BASIS"));
      const referral = await check(stack, { to: [LEERPLICHT], ...about(s), sentAt: SENT, purposeId: "onderzoek-dyslexie" });
      assert.equal(referral.verdict, "block");
      assert.deepEqual(codesOf(referral, LEERPLICHT), ["PURPOSE_NOT_COVERED", "NO_CONSENT"]);
      assert.match(referral.message, /geldt alleen voor Verzuimmelding, niet voor „Onderzoek naar dyslexie/);
      // Judged as consent: with both parents' consent (far-reaching) the mail may go, on the basis of consent.
      for (const i of [0, 1]) await grant(stack, { studentId: s.id, partyId: "leerplicht", purposeId: "onderzoek-dyslexie", by: g(s, i), givenAt: GIVEN });
      const consented = await check(stack, { to: [LEERPLICHT], ...about(s), sentAt: SENT, purposeId: "onderzoek-dyslexie" });
      assert.equal(consented.verdict, "allow");
      assert.deepEqual(codesOf(consented, LEERPLICHT), ["CONSENT_VALID"]);
      assert.equal(consented.recipients[0]?.basis, "consent");
      assert.equal(consented.purposeId, "onderzoek-dyslexie");
      // A check is a query: the disclosure is logged only once Sent Items confirms the send (test/api/sent-items.test.ts).
      assert.equal((await registerOf(stack, s.id)).disclosures.length, 0);
    });

    it("[R-GGD-CLASS-LIST] When the class list goes to the GGD with its purpose, then the Wet publieke gezondheid covers it, while a consult still needs consent, a BSN in the list is blocked, and a wijkteam cannot list a legal purpose unconfirmed", async () => {
      const GGD = DEMO_ADDRESS.ggd;
      const s = await importStudent(stack);
      const list = { subject: "Klassenlijst groep 6", body: `Naam\tGeboortedatum\tKlas\n${s.name}\t2015-05-05\tgroep 6` };
      const classList = await check(stack, { to: [GGD], ...list, sentAt: SENT, purposeId: "klassenlijst-jgz" });
      assert.ok(codesOf(classList, GGD).includes("LEGAL_BASIS"), JSON.stringify(classList.recipients));
      assert.equal(classList.recipients[0]?.basis, "legal");
      // Without a chosen purpose the GGD's default (a consult) is judged: consent, and no ambiguity warning for the class list.
      const consult = await check(stack, { to: [GGD], ...about(s), sentAt: SENT });
      assert.equal(consult.verdict, "block");
      assert.ok(codesOf(consult, GGD).includes("NO_CONSENT"));
      assert.ok(!codesOf(consult, GGD).includes("PURPOSE_AMBIGUOUS"));
      // Never a BSN, also not in the class list.
      const withBsn = await check(stack, { to: [GGD], subject: list.subject, body: `${list.body}\nBSN: 111222333`, sentAt: SENT, purposeId: "klassenlijst-jgz" });
      assert.equal(withBsn.verdict, "block");
      assert.ok(codesOf(withBsn, GGD).includes("BSN_IN_MAIL"));
      // Consent by nature: a legal purpose on a wijkteam needs a statute and the explicit confirmation.
      const wijk = { id: "wijkteam-c", name: "Wijkteam Oost", kind: "wijkteam", domains: ["wijkteam-oost.example"], addresses: [], defaultBasis: "consent", defaultPurposeId: "jeugdhulp", legalPurposeIds: ["jeugdhulp"], informParents: true };
      assertError(await stack.api<ErrorBody>("PUT", "/api/parties/wijkteam-c", wijk), 422, "LEGAL_BASIS_NOT_CONFIRMED");
    });

    it("[R-NOTICE-PURPOSE] When parents were informed of one purpose of a legal party, then another purpose of that party still warns PARENTS_NOT_INFORMED, reported together with LEGAL_BASIS", async () => {
      const put = await stack.api("PUT", "/api/parties/swv-twee", {
        id: "swv-twee", name: "SWV Tweede Regio", kind: "swv", domains: ["swv-tweede.example"], defaultBasis: "legal", statute: "art. 18a WPO",
        defaultPurposeId: "tlv-aanvraag", legalPurposeIds: ["tlv-aanvraag", "onderwijskundig-rapport"], informParents: true,
      });
      assert.equal(put.status, 200, JSON.stringify(put.json));
      const s = await importStudent(stack);
      const n = await stack.api("POST", "/api/notices", { studentId: s.id, partyId: "swv-twee", purposeId: "tlv-aanvraag", informedAt: "2026-09-15T09:00:00Z", method: "letter" });
      assert.equal(n.status, 201, JSON.stringify(n.json));
      const informed = await check(stack, { to: ["loket@swv-tweede.example"], ...about(s), sentAt: SENT, purposeId: "tlv-aanvraag" });
      assert.equal(informed.verdict, "allow");
      assert.deepEqual(codesOf(informed, "loket@swv-tweede.example"), ["LEGAL_BASIS"]);
      const other = await check(stack, { to: ["loket@swv-tweede.example"], ...about(s), sentAt: SENT, purposeId: "onderwijskundig-rapport" });
      assert.equal(other.verdict, "warn");
      assert.deepEqual(codesOf(other, "loket@swv-tweede.example"), ["LEGAL_BASIS", "PARENTS_NOT_INFORMED"]);
    });

    it("[R-PURPOSE-DEFAULT] When no purpose is chosen, then the party's default purpose decides and the message names it", async () => {
      const s = await importStudent(stack);
      await stack.api("POST", "/api/notices", { studentId: s.id, partyId: "leerplicht", purposeId: "verzuimmelding", informedAt: "2026-09-15T09:00:00Z", method: "letter" });
      const c = await check(stack, { to: [LEERPLICHT], ...about(s), sentAt: SENT });
      assert.equal(c.verdict, "allow");
      assert.deepEqual(codesOf(c, LEERPLICHT), ["LEGAL_BASIS", "PURPOSE_ASSUMED"]);
      assert.match(c.message, /beoordeeld als: Verzuimmelding, het standaarddoel van Leerplicht Voorbeeldstad/i);
      const en = await check(stack, { to: [LEERPLICHT], ...about(s), sentAt: SENT }, { headers: { "accept-language": "en" } });
      assert.match(en.message, /Judged as: Verzuimmelding, the default purpose of Leerplicht Voorbeeldstad/);
      // With the purpose chosen nothing is assumed.
      const chosen = await check(stack, { to: [LEERPLICHT], ...about(s), sentAt: SENT, purposeId: "verzuimmelding" });
      assert.doesNotMatch(chosen.message, /beoordeeld als/i);
    });

    it("[R-PURPOSE-AMBIGUOUS] When the register holds consents for a party under two purposes and none is chosen, then the check warns and asks for the purpose", async () => {
      const s = await importStudent(stack);
      await grant(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: g(s, 0), givenAt: GIVEN });
      const one = await check(stack, { to: [SMW], ...about(s), sentAt: SENT });
      assert.equal(one.verdict, "allow");
      await grant(stack, { studentId: s.id, partyId: "smw", purposeId: "voortgang", by: g(s, 0), givenAt: GIVEN });
      const two = await check(stack, { to: [SMW], ...about(s), sentAt: SENT });
      assert.equal(two.verdict, "warn");
      assert.ok(codesOf(two, SMW).includes("PURPOSE_AMBIGUOUS"));
      assert.match(reasonsOf(two, SMW).join(" "), /Kies het doel/);
      const chosen = await check(stack, { to: [SMW], ...about(s), sentAt: SENT, purposeId: "voortgang" });
      assert.equal(chosen.verdict, "allow");
      // Veilig Thuis: its legal basis covers advice and report, so without a choice the check asks.
      const vt = await check(stack, { to: [VEILIG_THUIS], ...about(s), sentAt: SENT });
      assert.ok(codesOf(vt, VEILIG_THUIS).includes("PURPOSE_AMBIGUOUS"));
    });

    it("[R-DIR-LEGAL-GUARD] When a school makes the wijkteam legal without a statute and an explicit confirmation, then 422 LEGAL_BASIS_NOT_CONFIRMED in Dutch and nothing changes", async () => {
      const wijkteam = { id: "wijkteam-b", name: "Wijkteam Noord", kind: "wijkteam", domains: ["wijkteam-noord.example"], addresses: [], defaultBasis: "legal", defaultPurposeId: "jeugdhulp", informParents: true };
      const put = await stack.api<ErrorBody>("PUT", "/api/parties/wijkteam-b", wijkteam);
      assertError(put, 422, "LEGAL_BASIS_NOT_CONFIRMED");
      assert.match(put.json.error.message, /toestemming/);
      const imp = await stack.api<ErrorBody>("POST", "/api/import", { parties: [{ ...wijkteam, statute: "Jeugdwet" }] });
      assertError(imp, 422, "LEGAL_BASIS_NOT_CONFIRMED");
      const parties = await stack.api<{ parties: { id: string }[] }>("GET", "/api/parties");
      assert.ok(!parties.json.parties.some((p) => p.id === "wijkteam-b"));
      const confirmed = await stack.api("PUT", "/api/parties/wijkteam-b", { ...wijkteam, statute: "Jeugdwet art. 7.3.11", legalBasisConfirmed: true });
      assert.equal(confirmed.status, 200, JSON.stringify(confirmed.json));
    });

    it("[R-DIR-DOMAIN] When a second party on another basis claims Leerplicht's municipal domain, then 422 DOMAIN_CONFLICT; listed by its addresses it is accepted and each address resolves to its own party", async () => {
      const wijk = { id: "wijkteam-gemeente", name: "Wijkteam Gemeente", kind: "wijkteam", domains: ["leerplicht.voorbeeldstad.example"], addresses: [], defaultBasis: "consent", defaultPurposeId: "jeugdhulp", informParents: true };
      const clash = await stack.api<ErrorBody>("PUT", "/api/parties/wijkteam-gemeente", wijk);
      assertError(clash, 422, "DOMAIN_CONFLICT");
      // The field's own message in the user's language (R-ERR-LANG).
      assert.deepEqual(clash.json.error.details, [
        { path: "body.domains", message: "het domein leerplicht.voorbeeldstad.example hoort ook bij Leerplicht Voorbeeldstad, met een andere grondslag: geef bij een van beide de losse adressen op" },
      ]);
      const byAddress = await stack.api("PUT", "/api/parties/wijkteam-gemeente", { ...wijk, domains: [], addresses: ["wijkteam@leerplicht.voorbeeldstad.example"] });
      assert.equal(byAddress.status, 200, JSON.stringify(byAddress.json));
      const s = await importStudent(stack);
      const c = await check(stack, { to: ["wijkteam@leerplicht.voorbeeldstad.example", LEERPLICHT], ...about(s), sentAt: SENT });
      assert.equal(c.recipients.find((r) => r.address === "wijkteam@leerplicht.voorbeeldstad.example")?.party?.id, "wijkteam-gemeente");
      assert.equal(c.recipients.find((r) => r.address === LEERPLICHT)?.party?.id, "leerplicht");
    });
  });

  describe("Ages and authority", function () {
    it("[R-AGE-DUTCH] When it is just past Dutch midnight of the 16th birthday (still the day before in UTC), then the student is 16: the parent's consent has lapsed and a parent can no longer consent", async () => {
      const s = await importStudent(stack, { birthDate: "2010-10-15" });
      const c = await grant(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: g(s, 0), givenAt: GIVEN });
      assert.ok(c.id);
      // 2026-10-14T21:59:59Z is 23:59:59 on 14 October in Amsterdam (summer time); 22:00:00Z is midnight.
      const before = await check(stack, { to: [SMW], ...about(s), sentAt: "2026-10-14T21:59:59Z" });
      assert.deepEqual(codesOf(before, SMW), ["CONSENT_VALID", "PURPOSE_ASSUMED"]);
      const midnight = await check(stack, { to: [SMW], ...about(s), sentAt: "2026-10-14T22:00:00Z" });
      assert.equal(midnight.verdict, "block");
      assert.equal(codesOf(midnight, SMW)[0], "STUDENT_CONSENT_REQUIRED");
      const late = await postConsent(stack, { studentId: s.id, partyId: "smw", purposeId: "voortgang", by: g(s, 1), givenAt: "2026-10-14T22:30:00Z" });
      assertError(late, 422, "STUDENT_DECIDES");
      await grant(stack, { studentId: s.id, partyId: "smw", purposeId: "voortgang", by: g(s, 1), givenAt: "2026-10-14T21:30:00Z" });
    });

    it("[R-AGE-16-PARENTS] When a mail about a 17-year-old goes to a parent, then progress is the parent's own right, care content needs the student's consent, and with no purpose chosen it warns", async () => {
      const s = await importStudent(stack, { birthDate: "2009-03-01" });
      const to = s.guardians[0]?.email ?? "";
      const progress = await check(stack, { to: [to], ...about(s), sentAt: SENT, purposeId: "voortgang" });
      assert.equal(progress.verdict, "allow");
      assert.deepEqual(codesOf(progress, to), ["OWN_GUARDIAN"]);
      const absence = await check(stack, { to: [to], ...about(s), sentAt: SENT, purposeId: "verzuimmelding" });
      assert.equal(absence.verdict, "allow");
      const care = await check(stack, { to: [to], ...about(s), sentAt: SENT, purposeId: "smw-begeleiding" });
      assert.equal(care.verdict, "block");
      assert.deepEqual(codesOf(care, to), ["STUDENT_CONSENT_FOR_PARENTS"]);
      const none = await check(stack, { to: [to], ...about(s), sentAt: SENT });
      assert.equal(none.verdict, "warn");
      assert.deepEqual(codesOf(none, to), ["PARENT_OF_16_NO_PURPOSE"]);
      // The student's own consent to inform the parents ("ouders") about the care.
      await grant(stack, { studentId: s.id, partyId: "ouders", purposeId: "smw-begeleiding", by: { student: true }, givenAt: GIVEN });
      const consented = await check(stack, { to: [to], ...about(s), sentAt: SENT, purposeId: "smw-begeleiding" });
      assert.equal(consented.verdict, "allow");
      assert.deepEqual(codesOf(consented, to), ["CONSENT_VALID"]);
    });

    it("[R-AGE-18] When the student is 18, then nobody holds authority: a mail to a parent needs the student's consent, even about progress", async () => {
      const s = await importStudent(stack, { birthDate: "2008-01-10" });
      const to = s.guardians[0]?.email ?? "";
      const progress = await check(stack, { to: [to], ...about(s), sentAt: SENT, purposeId: "voortgang" });
      assert.equal(progress.verdict, "block");
      assert.deepEqual(codesOf(progress, to), ["ADULT_STUDENT_CONSENT_REQUIRED"]);
      await grant(stack, { studentId: s.id, partyId: "ouders", purposeId: "voortgang", by: { student: true }, givenAt: GIVEN });
      const ok = await check(stack, { to: [to], ...about(s), sentAt: SENT, purposeId: "voortgang" });
      assert.equal(ok.verdict, "allow");
      assertError(await postConsent(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: g(s, 0), givenAt: GIVEN }), 422, "STUDENT_DECIDES");
    });

    it("[R-AGE-16-DECIDES] When a parent withdraws a 16-year-old's own consent, then 422 STUDENT_DECIDES with a Dutch message and nothing is written; the student can withdraw", async () => {
      const s = await importStudent(stack, { birthDate: "2010-03-01" });
      const own = await grant(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: { student: true }, givenAt: GIVEN });
      const before = await registerOf(stack, s.id);
      const byParent = await stack.api<ErrorBody>("POST", `/api/consents/${own.id}/withdraw`, { by: g(s, 0), at: "2026-09-20T10:00:00Z" });
      assertError(byParent, 422, "STUDENT_DECIDES");
      assert.match(byParent.json.error.message, /alleen de leerling zelf trekt toestemming in/);
      assert.deepEqual((await registerOf(stack, s.id)).events, before.events);
      const byStudent = await stack.api("POST", `/api/consents/${own.id}/withdraw`, { by: { student: true }, at: "2026-09-20T10:00:00Z" });
      assert.equal(byStudent.status, 201, JSON.stringify(byStudent.json));
      const c = await check(stack, { to: [SMW], ...about(s), sentAt: SENT });
      assert.equal(codesOf(c, SMW)[0], "CONSENT_WITHDRAWN");
    });

    it("[R-AGE-16-POLICY] When the school keeps a parent's consent until the student acts, then it stays valid after the 16th birthday until the student decides; the default lets it lapse", async () => {
      const school = await importSchool(stack);
      await setPolicy(stack, school.id, { parentalConsentAtAge: "stays-until-student-acts" });
      const s = await importStudent(stack, { schoolId: school.id, birthDate: "2010-09-10" });
      await grant(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: g(s, 0), givenAt: GIVEN });
      const stays = await check(stack, { to: [SMW], ...about(s), sentAt: SENT });
      assert.equal(stays.verdict, "allow");
      assert.equal(codesOf(stays, SMW)[0], "CONSENT_VALID");
      await grant(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: { student: true }, givenAt: "2026-09-20T08:00:00Z", decision: "refused" });
      const acted = await check(stack, { to: [SMW], ...about(s), sentAt: SENT });
      assert.equal(codesOf(acted, SMW)[0], "CONSENT_REFUSED");
      // The default policy: the same history at De Regenboog lapses on the birthday.
      const t = await importStudent(stack, { birthDate: "2010-09-10" });
      await grant(stack, { studentId: t.id, partyId: "smw", purposeId: "smw-begeleiding", by: g(t, 0), givenAt: GIVEN });
      assert.equal(codesOf(await check(stack, { to: [SMW], ...about(t), sentAt: SENT }), SMW)[0], "STUDENT_CONSENT_REQUIRED");
    });

    it("[R-AUTH-CONFIRMED] When a guardian's authority is unconfirmed, then the guardian counts as without authority until the school confirms it", async () => {
      const s = await rawStudent({ confirmed: [true, false] });
      const unconfirmed = s.guardians[1];
      assert.ok(unconfirmed);
      const refused = await postConsent(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: { guardianId: unconfirmed.id }, givenAt: GIVEN });
      assertError(refused, 422, "AUTHORITY_UNCONFIRMED");
      const mail = await check(stack, { to: [unconfirmed.email], ...about(s), sentAt: SENT });
      assert.deepEqual(codesOf(mail, unconfirmed.email), ["GUARDIAN_WITHOUT_AUTHORITY"]);
      // The confirmed parent alone suffices for a far-reaching purpose while the other is unconfirmed.
      await grant(stack, { studentId: s.id, partyId: "wijkteam", purposeId: "jeugdhulp", by: g(s, 0), givenAt: GIVEN });
      assert.equal(codesOf(await check(stack, { to: [WIJKTEAM], ...about(s), sentAt: SENT }), WIJKTEAM)[0], "CONSENT_VALID");
      const view = await stack.api<{ guardians: { id: string; authorityConfirmed: boolean }[] }>("PUT", `/api/students/${s.id}/guardians/${unconfirmed.id}/authority`, { hasAuthority: true, source: "gezagsregister" });
      assert.equal(view.status, 200, JSON.stringify(view.json));
      assert.equal(view.json.guardians.find((x) => x.id === unconfirmed.id)?.authorityConfirmed, true);
      await grant(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: { guardianId: unconfirmed.id }, givenAt: GIVEN });
      // Now both hold authority: the far-reaching referral needs the second parent too.
      assert.equal(codesOf(await check(stack, { to: [WIJKTEAM], ...about(s), sentAt: SENT }), WIJKTEAM)[0], "SECOND_GUARDIAN_REQUIRED");
    });
  });

  describe("Recipients", function () {
    it("[R-RCPT-STUDENT-ACCOUNT] When a mail goes to students' school accounts, then another student's account is a misdirected mail, the own account under 16 warns and from 16 is allowed", async () => {
      const young = await rawStudent();
      const other = await rawStudent();
      const own = `${young.studentNumber.toLowerCase()}@${DEMO_STUDENT_DOMAIN}`;
      const wrong = `${other.studentNumber.toLowerCase()}@${DEMO_STUDENT_DOMAIN}`;
      const onSchoolDomain = `${other.studentNumber.toLowerCase()}@regenboog.school.example`;
      const c = await check(stack, { to: [own, wrong, onSchoolDomain, COLLEAGUE], ...about(young), sentAt: SENT });
      assert.equal(c.verdict, "block");
      assert.deepEqual(codesOf(c, own), ["OWN_STUDENT_ACCOUNT_UNDER_16"]);
      assert.deepEqual(codesOf(c, wrong), ["OTHER_STUDENTS_ACCOUNT"]);
      assert.deepEqual(codesOf(c, onSchoolDomain), ["OTHER_STUDENTS_ACCOUNT"]);
      assert.deepEqual(codesOf(c, COLLEAGUE), ["INTERNAL"]);
      assert.equal(c.recipients.find((r) => r.address === wrong)?.kind, "student");
      const older = await rawStudent({ birthDate: "2009-02-02" });
      const olderOwn = `${older.studentNumber.toLowerCase()}@${DEMO_STUDENT_DOMAIN}`;
      const ok = await check(stack, { to: [olderOwn], ...about(older), sentAt: SENT });
      assert.equal(ok.verdict, "allow");
      assert.deepEqual(codesOf(ok, olderOwn), ["OWN_STUDENT_ACCOUNT"]);
    });

    it("[R-RCPT-NO-AUTHORITY-16] When care content about a 16+ student goes to a parent without authority, then it is blocked as for any parent; progress only warns", async () => {
      const s = await importStudent(stack, { birthDate: "2009-06-01", guardians: [{ hasAuthority: true }, { hasAuthority: false }] });
      const to = s.guardians[1]?.email ?? "";
      const care = await check(stack, { to: [to], ...about(s), sentAt: SENT, purposeId: "smw-begeleiding" });
      assert.equal(care.verdict, "block");
      assert.deepEqual(codesOf(care, to), ["STUDENT_CONSENT_FOR_PARENTS"]);
      const progress = await check(stack, { to: [to], ...about(s), sentAt: SENT, purposeId: "voortgang" });
      assert.equal(progress.verdict, "warn");
      assert.deepEqual(codesOf(progress, to), ["GUARDIAN_WITHOUT_AUTHORITY"]);
    });
  });

  describe("Veilig Thuis, students who left, oral consent", function () {
    it("[R-VT-ADVICE] When advice is asked from Veilig Thuis about a named student, then the check warns: vraag advies zonder naam", async () => {
      const s = await importStudent(stack);
      const c = await check(stack, { to: [VEILIG_THUIS], ...about(s), sentAt: SENT, purposeId: "vt-advies" });
      assert.equal(c.verdict, "warn");
      assert.deepEqual(codesOf(c, VEILIG_THUIS), ["ADVICE_WITHOUT_NAME", "LEGAL_BASIS"]);
      assert.match(c.message, /vraag advies zonder naam/);
    });

    it("[R-VT-REPORT-UNSAFE] When a report to Veilig Thuis is made and informing the parents is unsafe, then recording 'not informed' with a reason satisfies the informing rule, and the warning says so", async () => {
      const s = await importStudent(stack);
      const before = await check(stack, { to: [VEILIG_THUIS], ...about(s), sentAt: SENT, purposeId: "melding-veilig-thuis" });
      assert.deepEqual(codesOf(before, VEILIG_THUIS), ["LEGAL_BASIS", "PARENTS_NOT_INFORMED"]);
      assert.match(before.message, /tenzij dat het kind of een ander in gevaar brengt/);
      assert.match(before.message, /niet informeert en waarom/);
      const noReason = await stack.api<ErrorBody>("POST", "/api/notices", {
        studentId: s.id, partyId: "veilig-thuis", purposeId: "melding-veilig-thuis", informedAt: "2026-09-30T09:00:00Z", method: "meeting", notInformed: {},
      });
      assertError(noReason, 400, "VALIDATION_FAILED");
      const n = await stack.api("POST", "/api/notices", {
        studentId: s.id, partyId: "veilig-thuis", purposeId: "melding-veilig-thuis", informedAt: "2026-09-30T09:00:00Z", method: "meeting",
        notInformed: { reason: "Vermoeden van geweld door een ouder: informeren brengt het kind in gevaar" },
      });
      assert.equal(n.status, 201, JSON.stringify(n.json));
      const after = await check(stack, { to: [VEILIG_THUIS], ...about(s), sentAt: SENT, purposeId: "melding-veilig-thuis" });
      assert.equal(after.verdict, "allow");
      assert.deepEqual(codesOf(after, VEILIG_THUIS), ["LEGAL_BASIS"]);
    });

    it("[R-EXPORT-RESTRICT] When a Veilig Thuis report is restricted, then the parents' access export leaves it out while the register keeps the reason and who decided; lifting brings it back", async () => {
      const s = await importStudent(stack);
      await stack.api("POST", "/api/notices", {
        studentId: s.id, partyId: "veilig-thuis", purposeId: "melding-veilig-thuis", informedAt: "2026-09-30T09:00:00Z", method: "meeting",
        notInformed: { reason: "Informeren brengt het kind in gevaar" },
      });
      await check(stack, { to: [VEILIG_THUIS], ...about(s), sentAt: SENT, purposeId: "melding-veilig-thuis" });
      const exportText = async () => JSON.stringify((await stack.api("GET", `/api/students/${s.id}/export`)).json);
      assert.match(await exportText(), /Veilig Thuis/);
      const r = await stack.api("POST", `/api/students/${s.id}/restrictions`, {
        partyId: "veilig-thuis", purposeId: "melding-veilig-thuis", reason: "Inzage brengt het kind in gevaar zolang het onderzoek loopt", reviewBy: "2027-01-01",
      });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      assert.doesNotMatch(await exportText(), /Veilig Thuis|in gevaar/);
      const reg = await registerOf(stack, s.id);
      const restriction = reg.events.find((e) => e.type === "restriction");
      assert.ok(restriction && restriction.type === "restriction");
      assert.equal(restriction.decidedBy, "ib@demo");
      assert.match(restriction.reason, /in gevaar/);
      assert.equal(reg.chain.verified, true);
      await stack.api("POST", `/api/students/${s.id}/restrictions`, { partyId: "veilig-thuis", purposeId: "melding-veilig-thuis", reason: "Onderzoek afgerond, gevaar geweken", lifted: true });
      assert.match(await exportText(), /Veilig Thuis/);
    });

    it("[R-LEFT] When a legal-basis mail is about a student who left, then it warns STUDENT_LEFT, except the onderwijskundig rapport to the new school around the leaving date", async () => {
      const s = await rawStudent({ leftDate: "2026-07-17" });
      const lp = await check(stack, { to: [LEERPLICHT], ...about(s), sentAt: SENT, purposeId: "verzuimmelding" });
      assert.ok(codesOf(lp, LEERPLICHT).includes("STUDENT_LEFT"));
      const rapport = await check(stack, { to: [NIEUWE_SCHOOL], ...about(s), sentAt: "2026-08-20T10:00:00Z", purposeId: "onderwijskundig-rapport" });
      assert.ok(!codesOf(rapport, NIEUWE_SCHOOL).includes("STUDENT_LEFT"), JSON.stringify(codesOf(rapport, NIEUWE_SCHOOL)));
      assert.ok(codesOf(rapport, NIEUWE_SCHOOL).includes("LEGAL_BASIS"));
      const muchLater = await check(stack, { to: [NIEUWE_SCHOOL], ...about(s), sentAt: "2027-03-01T10:00:00Z", purposeId: "onderwijskundig-rapport" });
      assert.ok(codesOf(muchLater, NIEUWE_SCHOOL).includes("STUDENT_LEFT"));
      // Before the leaving date nothing is said.
      const before = await check(stack, { to: [LEERPLICHT], ...about(s), sentAt: "2026-07-01T10:00:00Z", purposeId: "verzuimmelding" });
      assert.ok(!codesOf(before, LEERPLICHT).includes("STUDENT_LEFT"));
    });

    it("[R-CONSENT-ORAL] When consent for a far-reaching or health purpose was only given orally, then it does not count until a written confirmation is recorded; for other purposes oral consent counts", async () => {
      const s = await importStudent(stack);
      const oral = (guardianId: string, extra: Record<string, unknown> = {}) =>
        stack.api("POST", "/api/consents", {
          studentId: s.id, partyId: "dyslexiepraktijk", purposeId: "onderzoek-dyslexie", decision: "granted", givenBy: { guardianId },
          method: "oral", heardBy: "ib@regenboog.school.example", givenAt: GIVEN, ...extra,
        });
      for (const i of [0, 1]) assert.equal((await oral(g(s, i).guardianId)).status, 201);
      const c = await check(stack, { to: [DYSLEXIE], ...about(s), sentAt: SENT });
      assert.equal(c.verdict, "block");
      assert.equal(codesOf(c, DYSLEXIE)[0], "ORAL_CONSENT_UNCONFIRMED");
      for (const i of [0, 1]) assert.equal((await oral(g(s, i).guardianId, { givenAt: "2026-09-02T08:00:00Z", writtenConfirmation: { method: "email", at: "2026-09-02T09:00:00Z" } })).status, 201);
      assert.equal(codesOf(await check(stack, { to: [DYSLEXIE], ...about(s), sentAt: SENT }), DYSLEXIE)[0], "CONSENT_VALID");
      const smw = await stack.api("POST", "/api/consents", {
        studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", decision: "granted", givenBy: g(s, 0), method: "oral", heardBy: "ib", givenAt: GIVEN,
      });
      assert.equal(smw.status, 201);
      assert.equal(codesOf(await check(stack, { to: [SMW], ...about(s), sentAt: SENT }), SMW)[0], "CONSENT_VALID");
    });
  });

  describe("Consent: validity and each holder's latest decision", function () {
    it("[R-VALIDITY-LATE] When consent is given from 1 June (Dutch date), then it runs to the end of the next school year; on 31 May to the end of this one", async () => {
      const s = await importStudent(stack);
      const may = await grant(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: g(s, 0), givenAt: "2026-05-31T21:59:00Z" });
      assert.equal(may.validUntil, "2026-07-31T21:59:59.000Z");
      // 22:30 UTC on 31 May is 00:30 on 1 June in Amsterdam.
      const june = await grant(stack, { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", by: g(s, 0), givenAt: "2026-05-31T22:30:00Z" });
      assert.equal(june.validUntil, "2027-07-31T21:59:59.000Z");
    });

    it("[R-CONSENT-UNTIL] When a consent is valid until exactly the moment of sending, then it counts; a millisecond later it has expired", async () => {
      const s = await importStudent(stack);
      await grant(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: g(s, 0), givenAt: GIVEN, validUntil: SENT });
      assert.equal(codesOf(await check(stack, { to: [SMW], ...about(s), sentAt: SENT }), SMW)[0], "CONSENT_VALID");
      assert.equal(codesOf(await check(stack, { to: [SMW], ...about(s), sentAt: "2026-10-01T10:00:00.001Z" }), SMW)[0], "CONSENT_EXPIRED");
    });

    it("[R-CONSENT-LATEST] When a parent first refuses and later consents, then the later consent counts (and a later refusal wins again)", async () => {
      const s = await importStudent(stack);
      await grant(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: g(s, 0), givenAt: GIVEN, decision: "refused" });
      assert.equal(codesOf(await check(stack, { to: [SMW], ...about(s), sentAt: "2026-09-05T10:00:00Z" }), SMW)[0], "CONSENT_REFUSED");
      await grant(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: g(s, 0), givenAt: "2026-09-10T08:00:00Z" });
      assert.equal(codesOf(await check(stack, { to: [SMW], ...about(s), sentAt: SENT }), SMW)[0], "CONSENT_VALID");
      await grant(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: g(s, 0), givenAt: "2026-09-20T08:00:00Z", decision: "refused" });
      assert.equal(codesOf(await check(stack, { to: [SMW], ...about(s), sentAt: SENT }), SMW)[0], "CONSENT_REFUSED");
    });

    it("[R-CONSENT-WITHDRAW-OTHER] When the other parent withdraws a far-reaching consent, then mails before the withdrawal were lawful and mails after it are blocked", async () => {
      const s = await importStudent(stack);
      const first = await grant(stack, { studentId: s.id, partyId: "wijkteam", purposeId: "jeugdhulp", by: g(s, 0), givenAt: GIVEN });
      await grant(stack, { studentId: s.id, partyId: "wijkteam", purposeId: "jeugdhulp", by: g(s, 1), givenAt: GIVEN });
      const w = await stack.api("POST", `/api/consents/${first.id}/withdraw`, { by: g(s, 1), at: "2026-09-20T12:00:00Z" });
      assert.equal(w.status, 201, JSON.stringify(w.json));
      assert.equal(codesOf(await check(stack, { to: [WIJKTEAM], ...about(s), sentAt: "2026-09-20T11:59:59Z" }), WIJKTEAM)[0], "CONSENT_VALID");
      assert.equal(codesOf(await check(stack, { to: [WIJKTEAM], ...about(s), sentAt: "2026-09-20T12:00:00Z" }), WIJKTEAM)[0], "CONSENT_WITHDRAWN");
    });
  });

  describe("Letters and language", function () {
    it("[R-LETTER-PER-HOLDER] When consent is requested for a child with two parents with authority, then there is one letter per parent, in B1 Dutch, with the date written out and the board named as controller", async () => {
      const r = await stack.api<ConsentRequestRecord>("POST", "/api/consent-requests", { studentId: "lln-002", partyId: "dyslexiepraktijk", purposeId: "onderzoek-dyslexie" });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      assert.deepEqual(r.json.letters.map((l) => l.to), ["marieke.vdberg@mail.example", "erik.hoekstra@mail.example"]);
      assert.equal(r.json.addressedTo, "parents");
      const [a, b] = r.json.letters;
      assert.ok(a && b);
      assert.match(a.bodyText, /^Beste Marieke van der Berg,/);
      assert.match(b.bodyText, /^Beste Erik Hoekstra,/);
      for (const l of r.json.letters) {
        assert.match(l.bodyText, /Stichting Openbaar Onderwijs Voorbeeldstad \(het schoolbestuur\), voor OBS De Regenboog/);
        assert.match(l.bodyText, /tot en met \d{1,2} juli 20\d\d\./);
        assert.match(l.bodyText, /binnen een maand/);
        assert.match(l.bodyText, /„Ik geef toestemming”/);
        assert.match(l.bodyText, /apart naar elke ouder met gezag/);
        assert.doesNotMatch(l.bodyText, /ouder\/verzorger|\d{4}-\d{2}-\d{2}/);
      }
    });

    it("[R-LETTER-PER-HOLDER] When consent is requested for a child with a voogd, then the one letter asks the voogd as voogd, never as the parent of \"uw kind\"", async () => {
      const r = await stack.api<ConsentRequestRecord>("POST", "/api/consent-requests", { studentId: "lln-028", partyId: "smw", purposeId: "smw-begeleiding" });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      assert.deepEqual(r.json.letters.map((l) => l.to), ["f.elamrani@mail.example"]);
      assert.match(r.json.bodyText, /^Beste Fatima el Amrani,\n\nWij willen graag informatie over Yara delen met Schoolmaatschappelijk werk Voorbeeldstad\. Daarvoor vragen wij u als voogd van Yara om toestemming\. Hieronder/);
      assert.match(r.json.bodyText, /u mag de gegevens van Yara inzien/);
      assert.doesNotMatch(r.json.bodyText, /uw kind|elke ouder met gezag/);
    });

    it("[R-LETTER-STUDENT] When consent is requested for a 16-year-old, then one letter goes to the student's own account, addressed to the student", async () => {
      const r = await stack.api<ConsentRequestRecord>("POST", "/api/consent-requests", { studentId: "lln-030", partyId: "smw", purposeId: "smw-begeleiding" });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      assert.equal(r.json.addressedTo, "student");
      assert.equal(r.json.letters.length, 1);
      assert.deepEqual(r.json.to, [`240130@${DEMO_STUDENT_DOMAIN}`]);
      assert.match(r.json.bodyText, /^Beste Hüseyin,/);
      assert.match(r.json.bodyText, /vragen wij jou zelf om toestemming/);
      assert.doesNotMatch(r.json.bodyText, /uw kind/);
    });

    it("[R-ERR-LANG] When a parent without authority is recorded as consenting, then the error is in Dutch for a Dutch user and in English for an English one", async () => {
      const s = await importStudent(stack, { guardians: [{ hasAuthority: true }, { hasAuthority: false }] });
      const body = { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", decision: "granted", givenBy: g(s, 1), method: "paper", givenAt: GIVEN };
      const nl = await stack.api<ErrorBody>("POST", "/api/consents", body, { headers: { "accept-language": "nl-NL" } });
      assertError(nl, 422, "NO_AUTHORITY");
      assert.match(nl.json.error.message, /geen gezag/);
      const en = await stack.api<ErrorBody>("POST", "/api/consents", body, { headers: { "accept-language": "en-GB" } });
      assert.match(en.json.error.message, /does not hold parental authority/);
      const before = await stack.api<ErrorBody>("POST", "/api/consents", { ...body, givenBy: g(s, 0), validUntil: "2026-08-01T00:00:00Z" });
      assertError(before, 400, "VALIDATION_FAILED");
      assert.match(JSON.stringify(before.json.error.details), /moet na het moment van toestemming liggen/);
    });
  });
});
