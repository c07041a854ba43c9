import assert from "node:assert/strict";
import type { Party, Student } from "../../server/directory/domain.js";
import {
  attachmentAboutNobodyRule,
  bsnRule,
  containsBsn,
  contentFacts,
  homonymRule,
  looksLikeWholeFile,
  passesElevenTest,
  unreadableAttachmentRule,
  wholeFileRule,
  type ContentFacts,
  type ContentRecipient,
} from "../../server/sendcheck/content-rules.js";
import { StudentDetector } from "../../server/directory/detect.js";
import { evaluate } from "../../server/sendcheck/rules.js";
import { directory, jan, parties, registers, sam, SENT_AT } from "./fixtures.js";

/** DOMAIN.md section 5: the rules about what a mail contains (homonyms, BSN, whole file, attachment about nobody). */

const BSN = "111222333"; // passes the eleven-test
const NOT_BSN = "111222334";

const none: ContentFacts = { homonyms: [], bsn: false, wholeFiles: [], attachmentsAboutNobody: [], unreadAttachments: [] };
const party = (p: Pick<Party, "name" | "kind" | "defaultBasis">): ContentRecipient => ({ kind: "party", party: p });
const ggd = party(parties.ggd);
const duo = party({ name: "DUO", kind: "duo", defaultBasis: "legal" });
const transfer = party({ name: "De Vlinder", kind: "new-school-primary", defaultBasis: "legal" });
const codes = (f: { code: string }[]) => f.map((x) => x.code);
const ids = (found: { studentId: string }[]) => found.map((d) => d.studentId);

describe("content rules: BSN", () => {
  it("When a 9-digit number passes the eleven-test, then passesElevenTest says so; a changed digit or all zeros fail", () => {
    assert.equal(passesElevenTest(BSN), true);
    assert.equal(passesElevenTest("123456782"), true);
    assert.equal(passesElevenTest(NOT_BSN), false);
    assert.equal(passesElevenTest("000000000"), false);
    assert.equal(passesElevenTest("12345678"), false);
  });

  it("When an eleven-test number stands next to BSN, burgerservicenummer, sofinummer or PGN, then it is a BSN", () => {
    for (const text of [
      `BSN: ${BSN}`,
      `bsn-nummer ${BSN}`,
      `Burgerservicenummer van de leerling: ${BSN}`,
      `sofinummer ${BSN}`,
      `PGN ${BSN}`,
      `${BSN} (BSN)`,
      "BSN 1112.22.333",
      "<p>BSN:&nbsp;<b>111 222 333</b></p>",
    ]) {
      assert.equal(containsBsn(text), true, text);
    }
  });

  it("When a 9-digit number stands alone, fails the eleven-test, or the label is far away, then it is no BSN", () => {
    assert.equal(containsBsn(`Ordernummer ${BSN}`), false);
    assert.equal(containsBsn(`BSN: ${NOT_BSN}`), false);
    assert.equal(containsBsn(`BSN volgt later; het dossier heeft zaaknummer ${BSN}`), false);
    assert.equal(containsBsn(`BSN ${BSN}0`), false);
  });

  it("When an eleven-test number stands in a column headed BSN (HTML table or a list with ;), then it is a BSN", () => {
    const rows = Array.from({ length: 8 }, (_, i) => `<tr><td><p>Leerling ${i}</p></td><td>groep ${i}</td><td>${i === 6 ? BSN : "-"}</td></tr>`).join("");
    assert.equal(containsBsn(`<table><tr><td><p>Naam</p></td><td>Klas</td><td><p>BSN</p></td></tr>${rows}</table>`), true);
    assert.equal(containsBsn(`Naam;Klas;Burgerservicenummer\nA;1;-\nB;2;-\nC;3;-\nD;4;-\nE;5;${BSN}`), true);
    assert.equal(containsBsn(`Naam;Klas;Ordernummer\nA;1;-\nB;2;-\nC;3;-\nD;4;-\nE;5;${BSN}`), false);
  });

  it("When a mail holds a BSN, then it is blocked for a colleague, a guardian, a care party and an unknown recipient, not for DUO or the statutory transfer", () => {
    const facts = { ...none, bsn: true };
    for (const r of [{ kind: "internal" } as const, { kind: "guardian" } as const, ggd, { kind: "unknown" } as const]) {
      assert.deepEqual(codes(bsnRule(r, facts)), ["BSN_IN_MAIL"], r.kind);
    }
    assert.deepEqual(bsnRule(duo, facts), []);
    assert.deepEqual(bsnRule(transfer, facts), []);
    assert.deepEqual(codes(bsnRule(party({ name: "VO", kind: "new-school-secondary", defaultBasis: "consent" }), facts)), ["BSN_IN_MAIL"]);
    assert.deepEqual(bsnRule(ggd, none), []);
  });
});

describe("content rules: whole file and attachments about nobody", () => {
  it("When an attachment is named leerlingdossier, volledig dossier or an export, then it looks like a complete file; an OPP does not", () => {
    for (const name of ["Leerlingdossier_Kim.pdf", "volledig-dossier.pdf", "Compleet dossier Kim.docx", "export_ParnasSys_2026.csv", "LeerlingDossierKim.pdf"]) {
      assert.equal(looksLikeWholeFile(name), true, name);
    }
    for (const name of ["OPP_Kim.pdf", "verslag.docx", "dossiernummer.txt"]) assert.equal(looksLikeWholeFile(name), false, name);
  });

  it("When a complete file goes to an outside party, then it warns, also with consent; a guardian or colleague gets no such warning", () => {
    const facts = { ...none, wholeFiles: ["leerlingdossier.pdf"] };
    const f = wholeFileRule(ggd, facts);
    assert.deepEqual(f.map((x) => [x.verdict, x.code, x.params.attachment]), [["warn", "WHOLE_FILE", "leerlingdossier.pdf"]]);
    assert.deepEqual(wholeFileRule({ kind: "guardian" }, facts), []);
    assert.deepEqual(wholeFileRule({ kind: "internal" }, facts), []);
  });

  it("When an attachment of a mail about nobody goes to a care party, then it warns asking which student; not to leerplicht, Veilig Thuis or a guardian", () => {
    const facts = { ...none, attachmentsAboutNobody: ["scan001.pdf"] };
    assert.deepEqual(codes(attachmentAboutNobodyRule(ggd, facts)), ["ATTACHMENT_WITHOUT_STUDENT"]);
    assert.deepEqual(codes(attachmentAboutNobodyRule(party(parties.swv), facts)), ["ATTACHMENT_WITHOUT_STUDENT"]);
    assert.deepEqual(attachmentAboutNobodyRule(party(parties.leerplicht), facts), []);
    assert.deepEqual(attachmentAboutNobodyRule(party({ name: "VT", kind: "veilig-thuis", defaultBasis: "legal" }), facts), []);
    assert.deepEqual(attachmentAboutNobodyRule({ kind: "guardian" }, facts), []);
  });

  it("When contentFacts reads a mail, then attachments count as about nobody only when no student (nor homonym) is recognised", () => {
    const detector = new StudentDetector([jan, sam]);
    const students = new Map([jan, sam].map((s) => [s.id, s]));
    const mail = (subject: string) => ({ subject, body: "Zie bijlage.", attachments: [{ name: "scan001.pdf" }, { name: "Leerlingdossier.pdf" }] });
    const aboutNobody = contentFacts(mail("Verslag"), detector.scan(["Verslag"]), students);
    assert.deepEqual(aboutNobody, {
      homonyms: [],
      bsn: false,
      wholeFiles: ["Leerlingdossier.pdf"],
      attachmentsAboutNobody: ["scan001.pdf", "Leerlingdossier.pdf"],
      unreadAttachments: [],
    });
    const aboutJan = contentFacts(mail("Verslag Jan de Vries"), detector.scan(["Verslag Jan de Vries"]), students);
    assert.deepEqual(aboutJan.attachmentsAboutNobody, []);
  });

  it("When attachment contents were read, then a student found in them makes the mail about someone, a BSN in them counts, and an unread one is named once (unreadable rule, not about-nobody)", () => {
    const detector = new StudentDetector([jan, sam]);
    const students = new Map([jan, sam].map((s) => [s.id, s]));
    const mail = { subject: "Verslag", body: "Zie bijlage.", attachments: [{ name: "verslag.pdf" }, { name: "scan001.pdf" }] };
    const scan = detector.scan(["Verslag", "Zie bijlage."]);
    const read = contentFacts(mail, scan, students, [
      { name: "verslag.pdf", status: "read", studentIds: [jan.id], bsn: true },
      { name: "scan001.pdf", status: "unreadable", reason: "no-text", studentIds: [] },
    ]);
    assert.equal(read.bsn, true);
    assert.deepEqual(read.attachmentsAboutNobody, []);
    assert.deepEqual(read.unreadAttachments, [{ name: "scan001.pdf", why: "no-text" }]);
    const nobody = contentFacts(mail, scan, students, [
      { name: "verslag.pdf", status: "read", studentIds: [] },
      { name: "scan001.pdf", status: "cloud", url: "https://x.example/s", studentIds: [] },
    ]);
    assert.deepEqual(nobody.attachmentsAboutNobody, ["verslag.pdf"]);
    assert.deepEqual(nobody.unreadAttachments, [{ name: "scan001.pdf", why: "cloud", url: "https://x.example/s" }]);
    // To a care party or an unknown address a warning; to a colleague, a parent or a processor nothing.
    assert.deepEqual(codes(unreadableAttachmentRule(ggd, nobody)), ["ATTACHMENT_UNREADABLE"]);
    assert.deepEqual(codes(unreadableAttachmentRule({ kind: "unknown" }, nobody)), ["ATTACHMENT_UNREADABLE"]);
    assert.deepEqual(unreadableAttachmentRule({ kind: "internal" }, nobody), []);
    assert.deepEqual(unreadableAttachmentRule({ kind: "guardian" }, nobody), []);
    assert.deepEqual(unreadableAttachmentRule(party({ name: "Fotograaf", kind: "processor", defaultBasis: "consent" }), nobody), []);
  });
});

describe("content rules: homonyms", () => {
  const twin: Student = { ...jan, id: "st-jan-2", studentNumber: "999111", className: "groep 3", guardians: [] };

  it("When a name fits two students, then every recipient outside the school gets a warning naming both with their class", () => {
    const facts = contentFacts({ subject: "Jan de Vries", body: "", attachments: [] }, new StudentDetector([jan, twin]).scan(["Jan de Vries"]), new Map([jan, twin].map((s) => [s.id, s])));
    assert.deepEqual(facts.homonyms, [["Jan de Vries (6b)", "Jan de Vries (groep 3)"]]);
    assert.deepEqual(codes(homonymRule({ kind: "guardian" }, facts)), ["AMBIGUOUS_STUDENT"]);
    assert.deepEqual(codes(homonymRule(ggd, facts)), ["AMBIGUOUS_STUDENT"]);
    assert.deepEqual(homonymRule({ kind: "internal" }, facts), []);
  });

  it("When a homonym goes to one candidate's parent, then evaluate warns (not a misdirected-mail block) and the message asks for the number or class", () => {
    const dir = { ...directory(), students: [jan, twin, sam] };
    const facts = contentFacts({ subject: "Jan de Vries", body: "", attachments: [] }, new StudentDetector(dir.students).scan(["Jan de Vries"]), new Map(dir.students.map((s) => [s.id, s])));
    const out = evaluate({ recipients: [{ address: "els.devries@example.com", field: "to" }], studentIds: [], directory: dir, registers: registers(), sentAt: SENT_AT, lang: "nl", content: facts });
    assert.equal(out.verdict, "warn");
    assert.deepEqual(out.recipients[0]?.reasons.map((r) => r.code), ["AMBIGUOUS_STUDENT"]);
    assert.match(out.message, /^Let op\. els\.devries@example\.com: .*Jan de Vries \(6b\) of Jan de Vries \(groep 3\).*leerlingnummer of de klas/);
    const en = evaluate({ recipients: [{ address: "els.devries@example.com", field: "to" }], studentIds: [], directory: dir, registers: registers(), sentAt: SENT_AT, lang: "en", content: facts });
    assert.match(en.message, /Jan de Vries \(6b\) or Jan de Vries \(groep 3\).*student number or the class/);
  });

  it("When a BSN is in a mail about a student to a consenting party, then evaluate blocks with BSN_IN_MAIL leading the message", () => {
    const out = evaluate({
      recipients: [{ address: "jgz@ggd.nl", field: "to" }],
      studentIds: [jan.id],
      directory: directory(),
      registers: registers(),
      sentAt: SENT_AT,
      lang: "nl",
      content: { ...none, bsn: true },
    });
    assert.equal(out.verdict, "block");
    assert.deepEqual(out.recipients[0]?.reasons.map((r) => r.code).filter((c) => c !== "PURPOSE_ASSUMED"), ["NO_CONSENT", "BSN_IN_MAIL"]);
    assert.match(out.message, /burgerservicenummer/);
  });
});

describe("content rules: hostile input", () => {
  it("When a long body is made of labels, digit groups, unclosed tags, table cells and broken names, then the BSN test and the detector answer right (linear work, no timing asserted)", function () {
    this.timeout(60_000);
    const hostile = "BSN 1 2 3 4 5 6 7 8 9 <a\t;".repeat(20_000);
    assert.equal(containsBsn(hostile), false);
    assert.equal(containsBsn(`${hostile} BSN ${BSN}`), true);
    const detector = new StudentDetector([jan, sam]);
    assert.deepEqual(ids(detector.scan([`${"Jan de <b".repeat(50_000)} Sam Jansen`]).students), [sam.id]);
    assert.deepEqual(detector.detect(["Jan de. ".repeat(50_000)]), []);
  });
});
