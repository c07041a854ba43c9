import assert from "node:assert/strict";
import { extractText, getDocumentProxy } from "unpdf";
import { useStack } from "../support/stack.js";
import { accessExport, type AccessExport } from "../../contract/register.js";
import { accessLetterPdf, consentRows, disclosureRows } from "../../server/documents/access-letter.js";
import { DEMO_BOARD } from "../../server/demo/data.js";

/**
 * Issue 17 item 7: documents for parents as PDF. The text is read back from the PDF (unpdf, pdf.js) as
 * a parent's screen reader or a copy would read it.
 */

/** The text of each page of a PDF. */
async function pages(pdf: Uint8Array): Promise<string[]> {
  const doc = await getDocumentProxy(new Uint8Array(pdf), { isEvalSupported: false, useSystemFonts: false, disableFontFace: true, verbosity: 0 });
  try {
    return (await extractText(doc, { mergePages: false })).text;
  } finally {
    await doc.destroy();
  }
}

const words = (text: string): Set<string> => new Set(text.split(/\s+/).filter(Boolean));

/** Every word of every cell appears whole (not split over lines or by spaces) in the text. */
function assertWholeWords(text: string, rows: string[][], what: string): void {
  const found = words(text);
  for (const row of rows) for (const cell of row) for (const w of cell.split(/\s+/).filter(Boolean)) assert.ok(found.has(w), `${what}: "${w}" (of "${cell}") is not whole in the PDF text`);
}

const HASH = (n: number): string => n.toString(16).padStart(2, "0").repeat(32);
const MESSAGE_ID = (n: number): string => `<CAFx${n}toestemming.antwoord@mail.voorbeeld.example>`;

/** An access export with a long disclosure log (more than a page), long Dutch words and evidence. */
function richExport(): AccessExport {
  const parties = ["Samenwerkingsverband Passend Onderwijs Voorbeeldregio", "Jeugdgezondheidszorg GGD", "Leerplichtambtenaar Voorbeeldstad", "Veilig Thuis"];
  const purposes = ["Beslissing over toelaatbaarheidsverklaring", "Jeugdgezondheidszorgconsult", "Verzuimmelding", "Onderwijsondersteuningsarrangement"];
  return accessExport.parse({
    generatedAt: "2026-11-30T10:00:00Z",
    controller: { name: `${DEMO_BOARD} (het schoolbestuur), voor OBS De Regenboog`, school: "OBS De Regenboog", brin: "12AB", board: DEMO_BOARD },
    student: { name: "Zoë Bakker", studentNumber: "100004", birthDate: "2016-03-04", className: "groep 6" },
    guardians: [
      { name: "Inge Bakker", relation: "mother", hasAuthority: true },
      { name: "Joëlle Bakker-Oudshoorn", relation: "parent", hasAuthority: true },
    ],
    categories: ["Identificerende gegevens (naam, leerlingnummer, geboortedatum, klas)", "Verstrekkingen aan derden (verstrekkingenregister)"],
    purposes,
    consents: Array.from({ length: 5 }, (_, i) => ({
      decision: i === 3 ? "refused" : "granted",
      party: parties[i % parties.length],
      purpose: purposes[i % purposes.length],
      givenBy: i % 2 ? "Joëlle Bakker-Oudshoorn" : "Inge Bakker",
      method: "email",
      givenAt: `2026-09-0${i + 1}T08:00:00Z`,
      validUntil: "2027-07-31T21:59:59Z",
      informationShown: "Wie is verantwoordelijk: de school.\nWaarvoor: het doel.",
      evidence: { messageId: MESSAGE_ID(i), date: `2026-09-0${i + 1}T07:59:00Z`, sha256: HASH(i + 10) },
      ...(i === 1 ? { withdrawnAt: "2026-10-01T08:00:00Z" } : {}),
    })),
    notices: [{ party: "Leerplichtambtenaar Voorbeeldstad", purpose: "Verzuimmelding", informedAt: "2026-09-05T08:00:00Z", method: "letter" }],
    recipients: Array.from({ length: 24 }, (_, i) => ({
      party: parties[i % parties.length],
      basis: i % 2 ? "consent" : "legal",
      purpose: purposes[(i + 1) % purposes.length],
      at: `2026-10-${String(i + 1).padStart(2, "0")}T08:00:00Z`,
      sentBy: "medewerker van de school",
    })),
    overrides: [{ at: "2026-10-02T08:00:00Z", reason: "[weggelaten: gegevens van anderen]" }],
    dataBreaches: [{ what: "Handelingsplan naar verkeerde ontvanger", categories: ["leerlingzorg"], flaggedAt: "2026-10-03T08:00:00Z", awareAt: "2026-10-04T08:00:00Z", recipient: "[weggelaten: gegevens van anderen]" }],
    retention: { studentFile: "2 jaar na uitschrijving", absenceAndEnrolment: "5 jaar na uitschrijving", referral: "3 jaar na uitschrijving", consentRecords: "zolang de verwerking duurt, daarna 2 jaar", disclosureLog: "2 jaar na uitschrijving" },
    sources: ["De leerlingadministratie van de school"],
    rights: ["Inzage (art. 15 AVG): binnen een maand, kosteloos", "Een klacht indienen bij de Autoriteit Persoonsgegevens (autoriteitpersoonsgegevens.nl)"],
    decisionTerm: "Op een verzoek om correctie, verwijdering of bezwaar beslist de school binnen een maand, een weigering met redenen.",
  });
}

describe("Documents for parents: the access export as a PDF letter", function () {
  const doc = richExport();
  let text: string[] = [];

  before(async () => {
    text = await pages(await accessLetterPdf(doc, "nl"));
  });

  it("When the access export is printed as a letter, then every word of the disclosure log and the consents is whole, and the board, date and addressee head it", () => {
    const all = text.join("\n");
    assert.ok(text.length >= 2, "a long disclosure log takes more than one page");
    assertWholeWords(all, disclosureRows(doc, "nl"), "disclosure log");
    assertWholeWords(all, consentRows(doc, "nl"), "consents");
    const first = text[0] ?? "";
    assert.ok(first.replace(/\s+/g, " ").startsWith(DEMO_BOARD), "the board (the controller) heads the letter");
    assert.match(first, /OBS De Regenboog/);
    assert.match(first, /Datum: 30 november 2026/);
    assert.match(first, /Inge Bakker en Joëlle Bakker-Oudshoorn, de ouders met gezag van Zoë Bakker/);
    assert.match(all, /wettelijke\s+grondslag/);
    assert.match(all, /ingetrokken\s+op\s+01-10-2026/);
    assert.match(all, /\[weggelaten:\s+gegevens\s+van\s+anderen\]/, "the breach's recipient is redacted");
  });

  it("When the letter has several pages, then each says 'pagina N van M' and the last page is not almost empty", () => {
    const n = text.length;
    text.forEach((page, i) => assert.match(page, new RegExp(`pagina ${i + 1} van ${n}\\b`), `page ${i + 1}`));
    const body = (p: string) => p.replace(/pagina \d+ van \d+/, "").length;
    assert.ok(body(text[n - 1] ?? "") > body(text[0] ?? "") * 0.2, `the last page holds more than a few lines: ${JSON.stringify(text[n - 1])}`);
  });

  it("When the letter shows evidence, then Message-IDs and hashes appear only in the appendix, after its heading", () => {
    const all = text.join("\n");
    const appendix = all.indexOf("Bijlage: bewijs van de toestemmingen");
    assert.ok(appendix > 0, "the appendix is there");
    for (const c of doc.consents) {
      const ev = c.evidence;
      assert.ok(ev);
      for (const detail of [ev.messageId, ev.sha256]) {
        const at = all.indexOf(detail);
        assert.ok(at > appendix, `${detail} is in the appendix (whole, on one line)`);
        assert.equal(all.indexOf(detail), all.lastIndexOf(detail), `${detail} appears once`);
      }
    }
  });

  it("When the letter is asked in English, then its headings and page numbers are English", async () => {
    const en = await pages(await accessLetterPdf(doc, "en"));
    assert.match(en[0] ?? "", /Date: 30 November 2026/);
    assert.match(en.join("\n"), /To whom we gave data/);
    assert.match(en[0] ?? "", new RegExp(`page 1 of ${en.length}\\b`));
  });
});

describe("Documents for parents over HTTP: letter, class overview, paper form", function () {
  const stack = useStack();
  const pdf = async (path: string, token?: string): Promise<{ status: number; type: string; bytes: Uint8Array; json?: unknown }> => {
    const t = token ?? (await stack.token());
    const res = await fetch(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${t}` } });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const type = res.headers.get("content-type") ?? "";
    return { status: res.status, type, bytes, ...(type.startsWith("application/json") ? { json: JSON.parse(Buffer.from(bytes).toString("utf8")) } : {}) };
  };

  it("When a coordinator downloads a student's letter, then it is a PDF with the student and page numbers, the view is recorded, and a viewer may not", async () => {
    const r = await pdf("/api/students/lln-001/export.pdf");
    assert.equal(r.status, 200);
    assert.match(r.type, /^application\/pdf/);
    assert.equal(Buffer.from(r.bytes.subarray(0, 5)).toString(), "%PDF-");
    const text = (await pages(r.bytes)).join("\n");
    assert.match(text, /Inzage in de gegevens van Jan de Vries/);
    assert.match(text, new RegExp(DEMO_BOARD));
    assert.match(text, /pagina 1 van \d/);
    const views = await stack.api<{ views: { what: string }[] }>("GET", "/api/students/lln-001/views");
    assert.equal(views.json.views[0]?.what, "export");
    const viewer = await stack.token("kijker@demo", ["viewer"]);
    const refused = await pdf("/api/students/lln-001/export.pdf", viewer);
    assert.equal(refused.status, 403);
    const unknown = await pdf("/api/students/bestaat-niet/export.pdf");
    assert.equal(unknown.status, 404);
  });

  it("When a class overview is printed, then each student of the class is a row with the state per party and purpose, and an unknown school is 404", async () => {
    const jan = await stack.api<{ className: string; guardians: { id: string; hasAuthority: boolean }[] }>("GET", "/api/students/lln-001");
    const holder = jan.json.guardians.find((g) => g.hasAuthority)?.id ?? "";
    const consent = await stack.api("POST", "/api/consents", {
      studentId: "lln-001", partyId: "ggd", purposeId: "jgz-consult", decision: "granted", givenBy: { guardianId: holder }, method: "paper",
      givenAt: "2026-09-01T08:00:00Z", validUntil: "2027-07-31T21:59:59Z",
    });
    assert.equal(consent.status, 201, JSON.stringify(consent.json));
    const className = jan.json.className;
    const r = await pdf(`/api/register/class.pdf?schoolId=obs-de-regenboog&className=${encodeURIComponent(className)}`);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const text = (await pages(r.bytes)).join("\n").replace(/\s+/g, " ");
    assert.match(text, new RegExp(`Toestemmingen van klas ${className}`));
    assert.match(text, /GGD/);
    assert.match(text, /gegeven t\/m 31-07-2027/);
    const rows = await stack.api<{ rows: { studentId: string; name: string; sortName?: string }[] }>(
      "GET", `/api/register/rows?schoolId=obs-de-regenboog&className=${encodeURIComponent(className)}&limit=500`,
    );
    assert.ok(rows.json.rows.some((row) => row.studentId === "lln-001"));
    for (const row of rows.json.rows) assert.ok(text.includes(row.sortName ?? row.name), `${row.sortName ?? row.name} is on the overview: ${text.slice(0, 400)}`);
    assert.equal((await pdf("/api/register/class.pdf?schoolId=bestaat-niet&className=groep%205")).status, 404);
  });

  it("When a consent request is printed on paper, then the form carries the mail's own text for each parent, the boxes and the reference", async () => {
    const req = await stack.api<{ requestId: string; informationShown: string; letters: { bodyText: string }[] }>("POST", "/api/consent-requests", {
      studentId: "lln-001", partyId: "ggd", purposeId: "jgz-consult",
    });
    assert.equal(req.status, 201, JSON.stringify(req.json));
    const r = await pdf(`/api/consent-requests/${req.json.requestId}/form.pdf`);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const text = (await pages(r.bytes)).join("\n");
    // The information text of the mail, every word whole, once per letter.
    assertWholeWords(text, req.json.informationShown.split("\n").map((l) => [l]), "information text");
    const first = req.json.informationShown.split("\n")[0] ?? "";
    const count = text.split(first.split(" ").slice(0, 3).join(" ")).length - 1;
    assert.equal(count, req.json.letters.length, "one form per letter");
    for (const l of req.json.letters) assert.ok(text.includes(l.bodyText.split("\n")[0] ?? "-"), "each letter's salutation");
    assert.match(text, /Ik geef toestemming/);
    assert.match(text, /Ik geef geen toestemming/);
    assert.match(text, /Handtekening/);
    assert.match(text, new RegExp(`Kenmerk: ZV-${req.json.requestId}`));
    assert.ok(!/Antwoord dan op deze e-mail/.test(text), "the paper answers by ticking a box, not by mail");
  });
});
