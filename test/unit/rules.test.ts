import assert from "node:assert/strict";
import { defaultPolicy, type Policy, type Student } from "../../server/directory/domain.js";
import type { RegisterEvent } from "../../server/register/domain.js";
import { consentStatus, evaluate, type RulesOutput } from "../../server/sendcheck/rules.js";
import {
  bioFather,
  consent,
  directory,
  father,
  jan,
  mother,
  noor,
  noorsMother,
  notice,
  parties,
  registers,
  sam,
  samsParent,
  SENT_AT,
  withdrawal,
} from "./fixtures.js";

interface Check {
  to: string[];
  students?: Student[];
  events?: RegisterEvent[];
  purposeId?: string;
  sentAt?: Date;
  lang?: "nl" | "en";
  policy?: Partial<Policy>;
}

function check(c: Check): RulesOutput {
  return evaluate({
    recipients: c.to.map((address) => ({ address, field: "to" as const })),
    studentIds: (c.students ?? [jan]).map((s) => s.id),
    directory: directory(c.policy),
    registers: registers(...(c.events ?? [])),
    purposeId: c.purposeId,
    sentAt: c.sentAt ?? SENT_AT,
    lang: c.lang ?? "nl",
  });
}

/** The only recipient's result. */
function only(out: RulesOutput) {
  assert.equal(out.recipients.length, 1);
  const r = out.recipients[0];
  assert.ok(r);
  return r;
}

// PURPOSE_ASSUMED (issue 13) names the default purpose next to the deciding reason; left out here.
const codes = (out: RulesOutput) => out.recipients.flatMap((r) => r.reasons.map((x) => x.code)).filter((c) => c !== "PURPOSE_ASSUMED");

describe("rules: recipients inside the school and guardians", () => {
  it("When a colleague at the school's domain (or a subdomain, or the board's) receives it, then it is allowed as internal", () => {
    const out = check({ to: ["ib@regenboog.nl", "mt@locatie.regenboog.nl", "Jurist@Stichting-Bestuur.nl"] });
    assert.equal(out.verdict, "allow");
    for (const r of out.recipients) {
      assert.equal(r.kind, "internal");
      assert.equal(r.basis, "internal");
      assert.deepEqual(r.reasons.map((x) => x.code), ["INTERNAL"]);
    }
    assert.deepEqual(out.disclosures, []);
  });

  it("When a parent with authority receives mail about their own child, then it is allowed on the guardian basis and not logged", () => {
    const out = check({ to: ["Piet.DeVries@example.com"] });
    const r = only(out);
    assert.equal(r.kind, "guardian");
    assert.equal(r.verdict, "allow");
    assert.equal(r.basis, "guardian");
    assert.deepEqual(r.reasons, [{ code: "OWN_GUARDIAN", message: r.reasons[0]?.message, studentId: jan.id }]);
    assert.deepEqual(out.disclosures, []);
  });

  // Issue 13 changed this outcome (was: allow): a warning naming art. 1:377c BW, never a block on its own.
  it("[R-RCPT-NO-AUTHORITY] When a parent without authority receives mail about their child, then it warns with the right to information (1:377c BW)", () => {
    const r = only(check({ to: ["kees.bakker@example.com"] }));
    assert.equal(r.verdict, "warn");
    assert.equal(r.basis, "guardian");
    assert.equal(r.reasons[0]?.code, "GUARDIAN_WITHOUT_AUTHORITY");
    assert.match(r.reasons[0]?.message ?? "", /1:377c BW/);
  });

  it("When a parent of another child receives mail about Jan, then it is blocked as misdirected without naming their own child", () => {
    const out = check({ to: ["ayse.yilmaz@example.com"] });
    const r = only(out);
    assert.equal(r.kind, "guardian");
    assert.equal(r.verdict, "block");
    assert.equal(r.basis, "none");
    assert.equal(r.reasons[0]?.code, "OTHER_STUDENTS_GUARDIAN");
    assert.match(r.reasons[0]?.message ?? "", /Verwijder deze ontvanger/);
    assert.doesNotMatch(out.message + r.reasons.map((x) => x.message).join(" "), /Noor|Berg/);
  });

  it("When a mail is about two children and goes to the parent of only one, then it is blocked", () => {
    const r = only(check({ to: ["els.devries@example.com"], students: [jan, noor] }));
    assert.equal(r.verdict, "block");
    assert.deepEqual(
      r.reasons.map((x) => [x.code, x.studentId]),
      [
        ["OWN_GUARDIAN", jan.id],
        ["OTHER_STUDENTS_GUARDIAN", noor.id],
      ],
    );
  });
});

describe("rules: parties with a legal basis", () => {
  it("When leerplicht receives it and the parents were informed, then it is allowed on the legal basis with the statute", () => {
    const out = check({ to: ["leerplicht@gemeente.nl"], events: [notice(jan, parties.leerplicht.id, "verzuim")] });
    const r = only(out);
    assert.equal(r.kind, "party");
    assert.deepEqual(r.party, { id: parties.leerplicht.id, name: parties.leerplicht.name, kind: "leerplicht" });
    assert.equal(r.verdict, "allow");
    assert.equal(r.basis, "legal");
    assert.equal(r.reasons[0]?.code, "LEGAL_BASIS");
    assert.match(r.reasons[0]?.message ?? "", /Leerplichtwet 1969/);
  });

  it("When leerplicht receives it before the parents were informed, then it warns PARENTS_NOT_INFORMED with the way out", () => {
    const out = check({ to: ["leerplicht@gemeente.nl"] });
    const r = only(out);
    assert.equal(out.verdict, "warn");
    assert.equal(r.verdict, "warn");
    assert.equal(r.basis, "legal");
    // Issue 13: the basis and the missing notice are both reported.
    assert.deepEqual(codes(out), ["LEGAL_BASIS", "PARENTS_NOT_INFORMED"]);
    assert.match(out.message, /Informeer de ouders/);
  });

  // Issue 13 changed this outcome (was: allow): notices are per (party, purpose).
  it("[R-NOTICE-PURPOSE] When the parents were informed for another purpose of the same party, then that notice does not count", () => {
    const out = check({ to: ["leerplicht@gemeente.nl"], events: [notice(jan, parties.leerplicht.id, "iets-anders")] });
    assert.equal(out.verdict, "warn");
    assert.deepEqual(codes(out), ["LEGAL_BASIS", "PARENTS_NOT_INFORMED"]);
  });

  it("When the notice is dated after sending, then the parents count as not informed yet", () => {
    const out = check({ to: ["leerplicht@gemeente.nl"], events: [notice(jan, parties.leerplicht.id, "verzuim", "2026-04-01T00:00:00Z")] });
    assert.equal(out.verdict, "warn");
  });

  it("When the policy does not warn about uninformed parents, then a legal-basis party is allowed without a notice", () => {
    const out = check({ to: ["leerplicht@gemeente.nl"], policy: { warnWhenParentsNotInformed: false } });
    assert.equal(out.verdict, "allow");
  });

  it("When the Inspectie receives it, then no notice is needed", () => {
    const r = only(check({ to: ["toezicht@owinsp.nl"] }));
    assert.equal(r.verdict, "allow");
    assert.equal(r.reasons[0]?.code, "LEGAL_BASIS");
  });

  it("When a party is a processor, then it is blocked as not a recipient of care reports", () => {
    const out = check({ to: ["support@lvs-leverancier.nl"] });
    const r = only(out);
    assert.equal(r.kind, "party");
    assert.equal(r.verdict, "block");
    assert.equal(r.basis, "none");
    assert.deepEqual(codes(out), ["PROCESSOR_NOT_A_RECIPIENT"]);
    assert.deepEqual(out.disclosures, []);
  });

  it("When an address is a party's own address inside another party's domain, then the exact address wins; the most specific domain wins", () => {
    const out = check({ to: ["leerplicht@gemeente.nl", "balie@gemeente.nl", "coach@jeugd.gemeente.nl", "x@team.jeugd.gemeente.nl"] });
    assert.deepEqual(
      out.recipients.map((r) => r.party?.id),
      [parties.leerplicht.id, parties.wijkteam.id, parties.jeugdteam.id, parties.jeugdteam.id],
    );
  });
});

describe("rules: parties that need consent (child under 16)", () => {
  it("When one parent with authority gave valid consent for the party and purpose, then it is allowed until the consent's end", () => {
    const out = check({ to: ["jgz@ggd.nl"], events: [consent(jan, mother)] });
    const r = only(out);
    assert.equal(r.verdict, "allow");
    assert.equal(r.basis, "consent");
    assert.equal(r.reasons[0]?.code, "CONSENT_VALID");
    assert.equal(r.reasons[0]?.studentId, jan.id);
    assert.match(r.reasons[0]?.message ?? "", /31 juli 2026/);
    assert.match(r.reasons[0]?.message ?? "", /Els de Vries/);
  });

  it("When there is no consent at all, then it is blocked NO_CONSENT with the way out", () => {
    const out = check({ to: ["jgz@ggd.nl"] });
    assert.equal(out.verdict, "block");
    assert.deepEqual(codes(out), ["NO_CONSENT"]);
    assert.match(out.message, /Vraag de ouders met gezag \(of de voogd\) om toestemming/);
  });

  it("When a far-reaching purpose has the consent of only one of two holders, then it is blocked SECOND_GUARDIAN_REQUIRED naming the missing parent", () => {
    const out = check({ to: ["test@orthopraktijk.nl"], events: [consent(jan, mother, { partyId: parties.specialist.id, purposeId: "onderzoek" })] });
    const r = only(out);
    assert.equal(r.verdict, "block");
    assert.equal(r.reasons[0]?.code, "SECOND_GUARDIAN_REQUIRED");
    assert.match(r.reasons[0]?.message ?? "", /Piet de Vries/);
    assert.doesNotMatch(r.reasons[0]?.message ?? "", /Kees Bakker/);
  });

  it("When a far-reaching purpose has the consent of both holders, then it is allowed", () => {
    const o = { partyId: parties.specialist.id, purposeId: "onderzoek" };
    const out = check({ to: ["test@orthopraktijk.nl"], events: [consent(jan, mother, o), consent(jan, father, o)] });
    assert.equal(out.verdict, "allow");
    assert.deepEqual(codes(out), ["CONSENT_VALID"]);
  });

  it("When the policy does not require all holders for far-reaching purposes, then one holder is enough", () => {
    const out = check({
      to: ["test@orthopraktijk.nl"],
      events: [consent(jan, mother, { partyId: parties.specialist.id, purposeId: "onderzoek" })],
      policy: { farReachingNeedsAllHolders: false },
    });
    assert.equal(out.verdict, "allow");
  });

  it("When one holder refused and the other consented, then the refusal wins", () => {
    const out = check({ to: ["jgz@ggd.nl"], events: [consent(jan, mother), consent(jan, father, { decision: "refused" })] });
    assert.deepEqual(codes(out), ["CONSENT_REFUSED"]);
    assert.equal(out.verdict, "block");
  });

  it("When a later consent replaces an earlier refusal by the same holder, then the latest decision counts", () => {
    const out = check({
      to: ["jgz@ggd.nl"],
      events: [consent(jan, mother, { givenAt: "2026-02-01T00:00:00Z" }), consent(jan, mother, { decision: "refused", givenAt: "2026-01-01T00:00:00Z" })],
    });
    assert.equal(out.verdict, "allow");
  });

  it("When one holder withdrew their consent before sending, then the withdrawal wins over the other's consent", () => {
    const c = consent(jan, mother);
    const out = check({ to: ["jgz@ggd.nl"], events: [c, consent(jan, father), withdrawal(c, "2026-03-01T12:00:00Z")] });
    assert.deepEqual(codes(out), ["CONSENT_WITHDRAWN"]);
    assert.equal(out.verdict, "block");
  });

  it("When a withdrawal is dated after sending, then it does not count yet", () => {
    const c = consent(jan, mother);
    const out = check({ to: ["jgz@ggd.nl"], events: [c, withdrawal(c, "2026-03-16T00:00:00Z")] });
    assert.equal(out.verdict, "allow");
  });

  it("When the consent ended before sending, then it is blocked CONSENT_EXPIRED with the end date", () => {
    const out = check({ to: ["jgz@ggd.nl"], events: [consent(jan, mother, { givenAt: "2025-01-10T00:00:00Z", validUntil: "2025-07-31" })] });
    assert.deepEqual(codes(out), ["CONSENT_EXPIRED"]);
    assert.match(out.message, /31 juli 2025/);
  });

  it("When consent starts only after sending, then there is no consent yet", () => {
    const out = check({ to: ["jgz@ggd.nl"], events: [consent(jan, mother, { givenAt: "2026-03-01T00:00:00Z", validFrom: "2026-04-01T00:00:00Z" })] });
    assert.deepEqual(codes(out), ["NO_CONSENT"]);
  });

  it("When the consent is for another party, then it does not count", () => {
    const out = check({ to: ["jgz@ggd.nl"], events: [consent(jan, mother, { partyId: parties.wijkteam.id })] });
    assert.deepEqual(codes(out), ["NO_CONSENT"]);
  });

  it("When the consent is for another purpose of the same party, then it does not count (and the check asks which purpose)", () => {
    const out = check({ to: ["jgz@ggd.nl"], events: [consent(jan, mother, { purposeId: "jeugdhulp" })] });
    assert.deepEqual(codes(out), ["NO_CONSENT", "PURPOSE_AMBIGUOUS"]);
  });

  it("When the chosen purpose differs from the party's default, then consent for the chosen purpose decides", () => {
    const events = [consent(jan, mother, { purposeId: "jeugdhulp" })];
    assert.equal(check({ to: ["jgz@ggd.nl"], events, purposeId: "jeugdhulp" }).verdict, "allow");
    assert.equal(check({ to: ["jgz@ggd.nl"], events }).verdict, "block");
  });

  it("When a parent without authority consented, then it does not count", () => {
    const out = check({ to: ["jgz@ggd.nl"], events: [consent(jan, bioFather)] });
    assert.deepEqual(codes(out), ["NO_CONSENT"]);
  });

  it("When a consent party has no default purpose and none was chosen, then it is blocked NO_PURPOSE", () => {
    const out = check({ to: ["maatschappelijk@smw.nl"] });
    assert.deepEqual(codes(out), ["NO_PURPOSE"]);
    assert.match(out.message, /Kies het doel/);
  });
});

describe("rules: students of 16 and older", () => {
  const parentConsentAt15 = () => consent(noor, noorsMother, { givenAt: "2026-01-10T09:00:00Z" });

  it("When a parent consented while the student was 15, then it counts the day before the 16th birthday", () => {
    const out = check({ to: ["jgz@ggd.nl"], students: [noor], events: [parentConsentAt15()], sentAt: new Date("2026-04-30T15:00:00Z") });
    assert.equal(out.verdict, "allow");
  });

  it("When the student turns 16 on the day of sending, then the parent's consent has lapsed and the student's own consent is required", () => {
    const out = check({ to: ["jgz@ggd.nl"], students: [noor], events: [parentConsentAt15()], sentAt: new Date("2026-05-01T08:00:00Z") });
    assert.deepEqual(codes(out), ["STUDENT_CONSENT_REQUIRED"]);
    assert.match(out.message, /Noor van der Berg/);
  });

  it("When a student of 17 gave their own consent, then it is allowed", () => {
    const out = check({ to: ["jgz@ggd.nl"], students: [sam], events: [consent(sam, { student: true })] });
    assert.equal(out.verdict, "allow");
    assert.deepEqual(codes(out), ["CONSENT_VALID"]);
  });

  it("When only the parent of a student of 17 consented, then the student's own consent is required", () => {
    const out = check({ to: ["jgz@ggd.nl"], students: [sam], events: [consent(sam, samsParent)] });
    assert.deepEqual(codes(out), ["STUDENT_CONSENT_REQUIRED"]);
  });

  it("When a student of 17 refused or withdrew, then CONSENT_REFUSED or CONSENT_WITHDRAWN", () => {
    assert.deepEqual(codes(check({ to: ["jgz@ggd.nl"], students: [sam], events: [consent(sam, { student: true }, { decision: "refused" })] })), [
      "CONSENT_REFUSED",
    ]);
    const c = consent(sam, { student: true });
    assert.deepEqual(codes(check({ to: ["jgz@ggd.nl"], students: [sam], events: [c, withdrawal(c, "2026-02-01T00:00:00Z")] })), ["CONSENT_WITHDRAWN"]);
  });

  it("When the policy sets the consent age to 18, then a parent's consent counts for a student of 17", () => {
    const out = check({ to: ["jgz@ggd.nl"], students: [sam], events: [consent(sam, samsParent)], policy: { studentConsentAge: 18 } });
    assert.equal(out.verdict, "allow");
  });
});

describe("rules: unknown recipients, no student, overall result", () => {
  it("When an unknown external address receives mail about a student, then it is blocked with the way out", () => {
    const out = check({ to: ["iemand@gmail.com"] });
    const r = only(out);
    assert.equal(r.kind, "unknown");
    assert.equal(r.verdict, "block");
    assert.equal(r.basis, "none");
    assert.equal(r.reasons[0]?.code, "UNKNOWN_RECIPIENT");
    assert.match(out.message, /iemand@gmail\.com/);
    assert.match(out.message, /Verwijder deze ontvanger/);
  });

  it("When no student is detected, then every recipient is allowed with NO_STUDENT and nothing is logged", () => {
    const out = check({ to: ["iemand@gmail.com", "ib@regenboog.nl", "leerplicht@gemeente.nl", "els.devries@example.com"], students: [] });
    assert.equal(out.verdict, "allow");
    assert.deepEqual(out.students, []);
    assert.deepEqual(out.disclosures, []);
    assert.deepEqual(
      out.recipients.map((r) => [r.kind, r.verdict, r.basis, r.reasons.map((x) => x.code).join()]),
      [
        ["unknown", "allow", "none", "NO_STUDENT"],
        ["internal", "allow", "internal", "NO_STUDENT"],
        ["party", "allow", "legal", "NO_STUDENT"],
        ["guardian", "allow", "guardian", "NO_STUDENT"],
      ],
    );
  });

  it("When recipients differ, then the overall verdict is the worst and the message leads with the most serious problem", () => {
    const out = check({ to: ["ib@regenboog.nl", "leerplicht@gemeente.nl", "iemand@gmail.com"] });
    assert.deepEqual(
      out.recipients.map((r) => r.verdict),
      ["allow", "warn", "block"],
    );
    assert.equal(out.verdict, "block");
    assert.match(out.message, /^Niet verzenden\. iemand@gmail\.com/);
    assert.match(out.message, /\+1 ander probleem/);
  });

  it("When the same address appears twice in different case and fields, then it is evaluated once in input order", () => {
    const out = evaluate({
      recipients: [
        { address: " IB@Regenboog.nl ", field: "to" },
        { address: "leerplicht@gemeente.nl", field: "cc" },
        { address: "ib@regenboog.nl", field: "bcc" },
      ],
      studentIds: [jan.id, jan.id],
      directory: directory(),
      registers: new Map(),
      sentAt: SENT_AT,
      lang: "nl",
    });
    assert.deepEqual(
      out.recipients.map((r) => r.address),
      ["ib@regenboog.nl", "leerplicht@gemeente.nl"],
    );
    assert.deepEqual(out.students, [{ id: jan.id, name: "Jan de Vries" }]);
  });

  it("When lang is en, then the message is English and at most 500 characters, also with many problems", () => {
    const to = ["iemand@gmail.com", "jgz@ggd.nl", "test@orthopraktijk.nl", ...Array.from({ length: 30 }, (_, i) => `x${i}@elders.example`)];
    const out = check({ to, students: [jan, noor, sam], lang: "en" });
    assert.ok(out.message.length <= 500, `${out.message.length}`);
    assert.match(out.message, /^Do not send\./);
    assert.match(out.message, /Remove this recipient/);
    for (const r of out.recipients) for (const x of r.reasons) assert.doesNotMatch(x.message, /Verwijder|toestemming/);
    const allowed = check({ to: ["ib@regenboog.nl"], lang: "en" });
    assert.match(allowed.message, /^All clear/);
  });

  it("When the summary is too long, then it is cut to 500 characters ending in an ellipsis", () => {
    const long: Student = { ...jan, id: "st-long", givenName: "Jan".repeat(200) };
    const dir = directory();
    dir.students.push(long);
    const out = evaluate({
      recipients: [{ address: "jgz@ggd.nl", field: "to" }],
      studentIds: [long.id],
      directory: dir,
      registers: new Map(),
      sentAt: SENT_AT,
      lang: "nl",
    });
    assert.equal(out.message.length, 500);
    assert.ok(out.message.endsWith("…"));
  });

  it("When a mail goes to parties, then disclosures list each allowed or warned student-party pair with basis and purpose", () => {
    const out = check({
      to: ["ib@regenboog.nl", "els.devries@example.com", "leerplicht@gemeente.nl", "jgz@ggd.nl", "toezicht@owinsp.nl"],
      students: [jan, noor],
      events: [consent(jan, mother), notice(noor, parties.leerplicht.id, "verzuim")],
    });
    assert.deepEqual(out.disclosures, [
      { studentId: jan.id, recipient: "leerplicht@gemeente.nl", partyId: parties.leerplicht.id, basis: "legal", purposeId: "verzuim" },
      { studentId: noor.id, recipient: "leerplicht@gemeente.nl", partyId: parties.leerplicht.id, basis: "legal", purposeId: "verzuim" },
      { studentId: jan.id, recipient: "jgz@ggd.nl", partyId: parties.ggd.id, basis: "consent", purposeId: "jgz" },
      { studentId: jan.id, recipient: "toezicht@owinsp.nl", partyId: parties.inspectie.id, basis: "legal" },
      { studentId: noor.id, recipient: "toezicht@owinsp.nl", partyId: parties.inspectie.id, basis: "legal" },
    ]);
    const ggd = out.recipients.find((r) => r.address === "jgz@ggd.nl");
    assert.deepEqual(
      ggd?.reasons.filter((x) => x.code !== "PURPOSE_ASSUMED").map((x) => [x.code, x.studentId]),
      [
        ["CONSENT_VALID", jan.id],
        ["NO_CONSENT", noor.id],
      ],
    );
    assert.equal(ggd?.verdict, "block");
  });
});

describe("consentStatus", () => {
  const ggdJgz = { id: "jgz", label: "jeugdgezondheidszorg", farReaching: false };
  const onderzoek = { id: "onderzoek", label: "onderzoek", farReaching: true };

  it("When a parent's consent runs past the 16th birthday, then it is valid only until the day before", () => {
    const s = consentStatus(noor, parties.ggd.id, ggdJgz, [consent(noor, noorsMother)], defaultPolicy("sch-1"), SENT_AT);
    assert.equal(s.state, "valid");
    assert.equal(s.validUntil?.slice(0, 10), "2026-04-30");
    assert.deepEqual(s.holdersConsented, ["g-noor-mother"]);
  });

  it("When one of two holders consented to a far-reaching purpose, then the state is partial and names who is missing", () => {
    const s = consentStatus(
      jan,
      parties.specialist.id,
      onderzoek,
      [consent(jan, father, { partyId: parties.specialist.id, purposeId: "onderzoek" })],
      defaultPolicy("sch-1"),
      SENT_AT,
    );
    assert.deepEqual(
      { state: s.state, code: s.code, consented: s.holdersConsented, missing: s.holdersMissing },
      { state: "partial", code: "SECOND_GUARDIAN_REQUIRED", consented: ["g-jan-father"], missing: ["g-jan-mother"] },
    );
  });

  it("When a student of 16+ has no own consent, then the state is student-required", () => {
    const s = consentStatus(sam, parties.ggd.id, ggdJgz, [consent(sam, samsParent)], defaultPolicy("sch-1"), SENT_AT);
    assert.equal(s.state, "student-required");
    assert.equal(s.code, "STUDENT_CONSENT_REQUIRED");
    assert.deepEqual(s.holdersMissing, [sam.id]);
  });

  it("When a consent's validUntil is a date, then it is valid through that whole day", () => {
    const s = consentStatus(jan, parties.ggd.id, ggdJgz, [consent(jan, mother, { validUntil: "2026-03-15" })], defaultPolicy("sch-1"), SENT_AT);
    assert.equal(s.state, "valid");
  });
});
