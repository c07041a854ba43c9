import assert from "node:assert/strict";
import { useStack } from "../support/stack.js";
import { codesOf, grant, importStudent, registerOf, uniq, type CheckResponse, type FreshStudent, type ImportResult } from "../support/api-helpers.js";
import { DEMO_SCHOOL_ID } from "../../server/demo/data.js";

/**
 * DOMAIN.md section 5 through the real HTTP API and Azurite: homonyms, a BSN, a complete student file,
 * an attachment about nobody, and a name split by HTML markup, each judged by POST /api/check.
 */

const GGD = "jgz@ggd-voorbeeldregio.example";
const LEERPLICHT = "lpa@leerplicht.voorbeeldstad.example";
const NEW_SCHOOL = "ib@devlinder.school.example";
const DUO = "leerlingen@duo-test.example";
const GIVEN = "2026-09-01T08:00:00.000Z";
const SENT = "2026-10-01T10:00:00.000Z";
const BSN = "111222333"; // passes the eleven-test

interface Mail {
  to: string[];
  subject?: string;
  body?: string;
  attachments?: { name: string }[];
  purposeId?: string;
}

describe("Content rules of DOMAIN.md section 5 over HTTP", function () {
  const stack = useStack();
  before(async () => {
    const duo = { id: "duo", name: "DUO", kind: "duo", domains: ["duo-test.example"], addresses: [], defaultBasis: "legal", statute: "Wet register onderwijsdeelnemers", informParents: false };
    const put = await stack.api("PUT", "/api/parties/duo", duo);
    assert.equal(put.status, 200, JSON.stringify(put.json));
  });

  const check = async (mail: Mail): Promise<CheckResponse> => {
    const r = await stack.api<CheckResponse>("POST", "/api/check", { subject: "", body: "", sentAt: SENT, ...mail });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json;
  };
  const withGgdConsent = async (): Promise<FreshStudent> => {
    const s = await importStudent(stack);
    const guardian = s.guardians[0];
    assert.ok(guardian);
    await grant(stack, { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", by: { guardianId: guardian.id }, givenAt: GIVEN });
    return s;
  };

  /** Two students with the same name in groep 6 and groep 8, each with one parent. */
  async function homonyms(): Promise<{ name: string; a: { id: string; number: string; parent: string }; b: { id: string; number: string; parent: string } }> {
    const tag = uniq();
    const family = `Dubbel${tag}`;
    const make = (x: string, className: string) => ({
      id: `t-${tag}-${x}`,
      schoolId: DEMO_SCHOOL_ID,
      givenName: "Kim",
      familyName: family,
      aliases: [],
      studentNumber: `H${tag}${x}`,
      birthDate: "2015-05-05",
      className,
      guardians: [{ id: `t-${tag}-${x}-o1`, name: `Ouder ${family}`, emails: [`ouder.${tag}.${x}@ouders.example`], relation: "mother", hasAuthority: true }],
    });
    const r = await stack.api<ImportResult>("POST", "/api/import", { students: [make("a", "groep 6"), make("b", "groep 8")] });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const who = (x: string) => ({ id: `t-${tag}-${x}`, number: `H${tag}${x}`, parent: `ouder.${tag}.${x}@ouders.example` });
    return { name: `Kim ${family}`, a: who("a"), b: who("b") };
  }

  describe("Homonyms", function () {
    it("When a name fits two students and the mail goes to one's parent, then it warns AMBIGUOUS_STUDENT naming both classes, not a misdirected-mail block", async () => {
      const h = await homonyms();
      const c = await check({ to: [h.a.parent], subject: `Verslag ${h.name}` });
      assert.equal(c.verdict, "warn");
      assert.deepEqual(codesOf(c, h.a.parent), ["AMBIGUOUS_STUDENT"]);
      assert.deepEqual(c.students, []);
      assert.match(c.message, /groep 6\) of Kim .*\(groep 8\).*leerlingnummer of de klas/);
      // A check from the pane is a query and is not kept; the on-send handler's recording check of a mail
      // about nobody with something to act on is kept, so "Take action" can open the pane on it.
      assert.equal((await stack.api("GET", `/api/checks/${c.checkId}`)).status, 404);
      const rec = await stack.api<CheckResponse>("POST", "/api/check", { to: [h.a.parent], subject: `Verslag ${h.name}`, mode: "send" }, { headers: { "idempotency-key": `homonym-${h.a.id}` } });
      assert.equal(rec.status, 200, JSON.stringify(rec.json));
      const again = await stack.api<CheckResponse>("GET", `/api/checks/${rec.json.checkId}`);
      assert.equal(again.status, 200);
      assert.equal(again.json.verdict, "warn");
    });

    it("When the mail also gives the class or the student number, then the homonym is resolved: the own parent is allowed, the other's parent blocked", async () => {
      const h = await homonyms();
      const ownClass = await check({ to: [h.a.parent], subject: `Verslag ${h.name} (groep 6)` });
      assert.equal(ownClass.verdict, "allow");
      assert.deepEqual(codesOf(ownClass, h.a.parent), ["OWN_GUARDIAN"]);
      assert.deepEqual(ownClass.students.map((s) => s.id), [h.a.id]);
      const otherClass = await check({ to: [h.a.parent], subject: `Verslag ${h.name}`, body: `Het gaat om ${h.name} uit groep 8.` });
      assert.equal(otherClass.verdict, "block");
      assert.deepEqual(codesOf(otherClass, h.a.parent), ["OTHER_STUDENTS_GUARDIAN"]);
      const byNumber = await check({ to: [h.b.parent], subject: `Verslag ${h.name}`, body: `Leerlingnummer ${h.b.number}` });
      assert.equal(byNumber.verdict, "allow");
      assert.deepEqual(byNumber.students.map((s) => s.id), [h.b.id]);
    });
  });

  describe("BSN", function () {
    it("When a BSN stands next to its label in a mail to a consenting party, then it is blocked and nothing is logged; a bare 9-digit number passes", async () => {
      const s = await withGgdConsent();
      const blocked = await check({ to: [GGD], subject: `Verslag ${s.name}`, body: `<p>BSN:&nbsp;${BSN}</p>` });
      assert.equal(blocked.verdict, "block");
      assert.deepEqual(codesOf(blocked, GGD), ["CONSENT_VALID", "PURPOSE_ASSUMED", "BSN_IN_MAIL"]);
      assert.match(blocked.message, /^Niet verzenden\. .*burgerservicenummer/);
      assert.equal((await registerOf(stack, s.id)).disclosures.length, 0);
      const bare = await check({ to: [GGD], subject: `Verslag ${s.name}`, body: `Ordernummer ${BSN}` });
      assert.equal(bare.verdict, "allow");
      assert.deepEqual(codesOf(bare, GGD), ["CONSENT_VALID", "PURPOSE_ASSUMED"]);
    });

    it("When a BSN goes to DUO or with the statutory transfer to the new school, then it is not blocked for them, but still for a colleague in Cc", async () => {
      const s = await importStudent(stack);
      const colleague = "juf.anna@regenboog.school.example";
      const c = await check({ to: [DUO, NEW_SCHOOL, colleague], subject: `Onderwijskundig rapport ${s.name}`, body: `Burgerservicenummer: ${BSN}` });
      assert.ok(!codesOf(c, DUO).includes("BSN_IN_MAIL"));
      assert.ok(!codesOf(c, NEW_SCHOOL).includes("BSN_IN_MAIL"));
      assert.deepEqual(codesOf(c, colleague), ["INTERNAL", "BSN_IN_MAIL"]);
      assert.equal(c.verdict, "block");
    });

    it("When a table with a BSN column goes to a party about nobody recognised, then it is blocked (English message)", async () => {
      const rows = ["Naam\tBSN", ...Array.from({ length: 6 }, (_, i) => `Leerling ${i}\t${i === 5 ? BSN : "onbekend"}`)].join("\n");
      const r = await stack.api<CheckResponse>("POST", "/api/check", { to: [LEERPLICHT], subject: "Lijst", body: rows, sentAt: SENT }, { headers: { "Accept-Language": "en" } });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.verdict, "block");
      assert.deepEqual(codesOf(r.json, LEERPLICHT), ["BSN_IN_MAIL"]);
      assert.match(r.json.message, /^Do not send\. .*citizen service number/);
    });
  });

  describe("Attachments", function () {
    it("When a complete student file goes to a party with valid consent, then it warns WHOLE_FILE; the check itself logs nothing (Sent Items confirms the send)", async () => {
      const s = await withGgdConsent();
      const c = await check({ to: [GGD], subject: `Verslag ${s.name}`, attachments: [{ name: `Leerlingdossier_${s.name.replace(/ /g, "_")}.pdf` }] });
      assert.equal(c.verdict, "warn");
      assert.deepEqual(codesOf(c, GGD), ["CONSENT_VALID", "PURPOSE_ASSUMED", "WHOLE_FILE"]);
      assert.match(c.message, /volledig leerlingdossier/);
      assert.equal((await registerOf(stack, s.id)).disclosures.length, 0);
    });

    it("When an attachment of a mail about nobody goes to a care party, then it warns asking which student; to leerplicht it does not", async () => {
      const c = await check({ to: [GGD, LEERPLICHT], subject: "Zie bijlage", attachments: [{ name: "scan001.pdf" }] });
      assert.equal(c.verdict, "warn");
      assert.deepEqual(codesOf(c, GGD), ["ATTACHMENT_WITHOUT_STUDENT"]);
      assert.deepEqual(codesOf(c, LEERPLICHT), ["NO_STUDENT"]);
      assert.match(c.message, /Over welke leerling gaat het/);
    });

    it("When the name is in the attachment's file name with underscores, then the student is recognised and nothing warns", async () => {
      const s = await withGgdConsent();
      const c = await check({ to: [GGD], subject: "Zie bijlage", attachments: [{ name: `OPP_${s.name.replace(/ /g, "_")}.pdf` }] });
      assert.equal(c.verdict, "allow");
      assert.deepEqual(c.students.map((x) => x.id), [s.id]);
    });
  });

  it("When the name in an HTML body is split by tags and a soft hyphen, then the student is recognised", async () => {
    const s = await withGgdConsent();
    const [given, family] = s.name.split(" ");
    const body = `<div><p>Beste collega,</p><p>Verslag van <b>${given}</b> ${family?.slice(0, 3)}&shy;<span>${family?.slice(3)}</span>.</p></div>`;
    const c = await check({ to: [GGD], subject: "Verslag", body });
    assert.deepEqual(c.students.map((x) => x.id), [s.id]);
    assert.equal(c.verdict, "allow");
  });
});
