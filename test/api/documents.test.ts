import assert from "node:assert/strict";
import { extractText, getDocumentProxy } from "unpdf";
import { useStack } from "../support/stack.js";
import { accessExport, type AccessExport } from "../../contract/register.js";
import { accessLetterPdf, consentRows, disclosureRows } from "../../server/documents/access-letter.js";
import { DEMO_BOARD } from "../../server/demo/data.js";
import { BASIS, DECISION, METHOD, RELATION, STATE, documentTexts } from "../../server/shared/document-texts.js";

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

interface Tagged {
  /** The catalog's flags as written in the file. */
  raw: { marked: boolean; structTreeRoot: boolean; displayDocTitle: boolean };
  marked: boolean;
  lang: string;
  title: string;
  /** Every structure element, all pages, in reading order: its role and the text of its own marked content. */
  elements: { role: string; text: string }[];
}

type StructNode = { role?: string; type?: string; id?: string; children?: StructNode[] };

/** A PDF's tagging as a reader (pdf.js) sees it: MarkInfo, language, title and the structure tree. */
async function tagging(pdf: Uint8Array): Promise<Tagged> {
  const raw = Buffer.from(pdf).toString("latin1");
  const doc = await getDocumentProxy(new Uint8Array(pdf), { isEvalSupported: false, useSystemFonts: false, disableFontFace: true, verbosity: 0 });
  try {
    const info = (await doc.getMetadata()).info as { Language?: string; Title?: string };
    const elements: Tagged["elements"] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      // The text of each marked-content id.
      const byId = new Map<string, string>();
      let open: string | undefined;
      for (const item of (await page.getTextContent({ includeMarkedContent: true })).items) {
        if ("type" in item && item.type === "beginMarkedContentProps" && typeof item.id === "string") open = item.id;
        else if ("type" in item && item.type === "endMarkedContent") open = undefined;
        else if ("str" in item && open) byId.set(open, `${byId.get(open) ?? ""}${item.str}${item.hasEOL ? " " : ""}`);
      }
      const walk = (node: StructNode): void => {
        if (node.role && node.role !== "Root") {
          const own = (node.children ?? []).filter((c) => c.type === "content").map((c) => byId.get(c.id ?? "") ?? "").join("").trim();
          elements.push({ role: node.role, text: own });
        }
        for (const c of node.children ?? []) walk(c);
      };
      walk((await page.getStructTree()) as StructNode);
    }
    return {
      raw: { marked: /\/MarkInfo \d+ 0 R/.test(raw) && /\/Marked true/.test(raw), structTreeRoot: /\/StructTreeRoot \d+ 0 R/.test(raw), displayDocTitle: /\/DisplayDocTitle true/.test(raw) },
      marked: (await doc.getMarkInfo())?.Marked === true,
      lang: info.Language ?? "",
      title: info.Title ?? "",
      elements,
    };
  } finally {
    await doc.destroy();
  }
}

/** A tagged PDF with its language and title, whose structure holds `roles` (each at least once). */
function assertTagged(t: Tagged, expect: { lang: string; title: string; roles: string[] }): void {
  assert.deepEqual(t.raw, { marked: true, structTreeRoot: true, displayDocTitle: true }, "MarkInfo << /Marked true >>, a StructTreeRoot, and the title shown");
  assert.equal(t.marked, true);
  assert.equal(t.lang, expect.lang);
  assert.equal(t.title, expect.title);
  const roles = new Set(t.elements.map((e) => e.role));
  for (const r of expect.roles) assert.ok(roles.has(r), `a ${r} element in ${[...roles].join(", ")}`);
  assert.equal(t.elements[0]?.role, "Document", "one Document element holds the rest");
}

const words = (text: string): Set<string> => new Set(text.split(/\s+/).filter(Boolean));

/** Every word of every cell appears whole (not split over lines or by spaces) in the text. */
function assertWholeWords(text: string, rows: string[][], what: string): void {
  const found = words(text);
  for (const row of rows) for (const cell of row) for (const w of cell.split(/\s+/).filter(Boolean)) assert.ok(found.has(w), `${what}: "${w}" (of "${cell}") is not whole in the PDF text`);
}

/** The words of a text (letters only, lower case), at least three letters long. */
const vocabulary = (text: string): string[] => (text.toLowerCase().match(/\p{L}{3,}/gu) ?? []);

/** Every text of a catalogue table, functions filled with a sample number. */
const allTexts = (table: object): string[] =>
  Object.values(table).flatMap((v: unknown) => (typeof v === "string" ? [v] : typeof v === "function" ? [String((v as (n: number) => string)(2))] : []));

/**
 * The Dutch words of the documents' own texts (the Dutch catalogue: headings, table headings, labels,
 * the access export's content, the codes in words) that no English text of the catalogue uses.
 */
function dutchWords(): Set<string> {
  const tables = [BASIS, DECISION, METHOD, RELATION, STATE];
  const en = new Set([...allTexts(documentTexts.en), ...tables.flatMap((x) => Object.values(x).map((w) => w.en))].flatMap(vocabulary));
  const nl = [...allTexts(documentTexts.nl), ...tables.flatMap((x) => Object.values(x).map((w) => w.nl))].flatMap(vocabulary);
  return new Set(nl.filter((w) => !en.has(w)));
}

/** No Dutch word of the catalogue in an English document, except in the school's own data (names, parties, purposes). */
function assertNoDutch(text: string, data: string[], what: string): void {
  const own = new Set(data.flatMap(vocabulary));
  const dutch = dutchWords();
  const found = [...new Set(vocabulary(text))].filter((w) => dutch.has(w) && !own.has(w));
  assert.deepEqual(found, [], `${what}: Dutch words in the English document: ${found.join(", ")}\n${text.slice(0, 1500)}`);
}

/** Every string in a value (the school's data of a fixture). */
const strings = (v: unknown): string[] =>
  typeof v === "string" ? [v] : Array.isArray(v) ? v.flatMap(strings) : v !== null && typeof v === "object" ? Object.values(v).flatMap(strings) : [];

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

  it("When the letter is made, then it is a tagged PDF in Dutch with its title, the title an H1, headings H2, the tables with header cells and the lists as lists", async () => {
    const t = await tagging(await accessLetterPdf(doc, "nl"));
    assertTagged(t, { lang: "nl-NL", title: "Inzage in de gegevens van Zoë Bakker", roles: ["H1", "H2", "P", "L", "LI", "Lbl", "LBody", "Table", "THead", "TBody", "TR", "TH", "TD"] });
    const of = (role: string): string[] => t.elements.filter((e) => e.role === role).map((e) => e.text.replace(/\s+/g, " "));
    assert.deepEqual(of("H1"), ["Inzage in de gegevens van Zoë Bakker"]);
    for (const h of ["Aan wie wij gegevens gaven", "Uw rechten", "Bijlage: bewijs van de toestemmingen"]) assert.ok(of("H2").includes(h), `${h} is a heading: ${of("H2").join(" | ")}`);
    for (const th of ["Datum", "Aan wie", "Waarvoor", "Grondslag", "Beslissing"]) assert.ok(of("TH").includes(th), `${th} is a header cell`);
    assert.ok(of("TD").includes("wettelijke grondslag"), "a disclosure's basis is a data cell");
    // The header repeated on a following page is page furniture, not a second header row.
    // Three tables have a date column (disclosures, consents, notices); the disclosures' header repeated
    // on its next page is page furniture, not a second header row.
    assert.equal(of("TH").filter((x) => x === "Datum").length, 3);
    assert.ok(!t.elements.some((e) => /pagina \d+ van/.test(e.text)), "the page numbers are artifacts");
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

  it("When the letter is asked in English, then its headings, table headings, dates, appendix and page numbers are English, with no Dutch word of the catalogue", async () => {
    const en = await pages(await accessLetterPdf(doc, "en"));
    const all = en.join("\n");
    assert.match(en[0] ?? "", /Date: 30 November 2026/);
    assert.match(all, /To whom we gave data/);
    assert.match(all, /Appendix: evidence of the consents/);
    assert.match(all, /withdrawn\s+on\s+01\/10\/2026/, "dates in tables in British order");
    en.forEach((page, i) => assert.match(page, new RegExp(`Page ${i + 1} of ${en.length}\\b`), `page ${i + 1}`));
    assertWholeWords(all, disclosureRows(doc, "en"), "disclosure log");
    assertWholeWords(all, consentRows(doc, "en"), "consents");
    // The fixture's own strings are the school's data (Dutch here on purpose): the letter's words must not be.
    assertNoDutch(all, strings(doc), "access letter");
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
    // Tagged: the class table with the students' names as data cells.
    const tagged = await tagging(r.bytes);
    assertTagged(tagged, { lang: "nl-NL", title: `Toestemmingen van klas ${className}`, roles: ["H1", "P", "Table", "THead", "TBody", "TR", "TH", "TD"] });
    assert.ok(tagged.elements.some((e) => e.role === "TH" && e.text === "Leerling"));
    assert.ok(tagged.elements.some((e) => e.role === "TD" && e.text.replace(/\s+/g, " ") === "gegeven t/m 31-07-2027"));
    assert.equal((await pdf("/api/register/class.pdf?schoolId=bestaat-niet&className=groep%205")).status, 404);
  });

  it("When a class overview is printed, then the view log holds it as a bulk read (who, when, the school, the class, how many students), and a refused print records nothing", async () => {
    type Bulk = { views: { by: string; at: string; what: string; count: number; schools: "all" | string[]; className?: string }[] };
    const classViews = async (): Promise<Bulk["views"]> => (await stack.api<Bulk>("GET", "/api/audit/views")).json.views.filter((v) => v.what === "class-overview");
    const before = await classViews();
    const jan = await stack.api<{ className: string }>("GET", "/api/students/lln-001");
    const className = jan.json.className;
    const rows = await stack.api<{ rows: unknown[] }>("GET", `/api/register/rows?schoolId=obs-de-regenboog&className=${encodeURIComponent(className)}&limit=500`);
    const started = Date.now();
    assert.equal((await pdf(`/api/register/class.pdf?schoolId=obs-de-regenboog&className=${encodeURIComponent(className)}`)).status, 200);
    const after = await classViews();
    assert.equal(after.length, before.length + 1);
    const v = after[0];
    assert.ok(v);
    assert.equal(v.by, "ib@demo");
    assert.deepEqual(v.schools, ["obs-de-regenboog"]);
    assert.equal(v.className, className);
    assert.equal(v.count, rows.json.rows.length);
    assert.ok(Date.parse(v.at) >= started - 1000, "newest first");
    // Refused (a viewer) or not found: no sheet, no record.
    const viewer = await stack.token("kijker@demo", ["viewer"]);
    assert.equal((await pdf(`/api/register/class.pdf?schoolId=obs-de-regenboog&className=${encodeURIComponent(className)}`, viewer)).status, 403);
    assert.equal((await pdf("/api/register/class.pdf?schoolId=bestaat-niet&className=groep%205")).status, 404);
    assert.equal((await classViews()).length, after.length);
  });

  it("When the letter, the class overview and the paper form are asked in English, then none has a Dutch word of the catalogue, and page numbers and dates are English", async () => {
    const parties = await stack.api<{ parties: unknown[] }>("GET", "/api/parties");
    const purposes = await stack.api<{ purposes: unknown[] }>("GET", "/api/purposes");
    const ex = await stack.api<AccessExport>("GET", "/api/students/lln-001/export");
    const e = ex.json;
    // The school's own data (names, parties, purposes, the information text a parent was shown) stays as entered.
    const data = [
      ...strings(parties.json),
      ...strings(purposes.json),
      e.student.name,
      e.student.className,
      e.controller?.school ?? "",
      e.controller?.board ?? "",
      ...e.guardians.map((g) => g.name),
      ...e.consents.flatMap((c) => [c.party, c.purpose, c.informationShown ?? "", c.evidence?.messageId ?? ""]),
      ...e.consents.filter((c) => e.guardians.some((g) => g.name === c.givenBy)).map((c) => c.givenBy),
    ];
    const letter = await pdf("/api/students/lln-001/export.pdf?lang=en");
    assert.equal(letter.status, 200);
    const lt = await pages(letter.bytes);
    const all = lt.join("\n");
    assert.match(all, /Access to the data of Jan de Vries/);
    assert.match(all, /years after the student left/, "the retention periods are English");
    assert.match(all, /Access \(art\. 15 GDPR\)/, "the rights are English");
    assert.match(all, /Appendix: evidence of the consents/);
    assert.match(all, /\d{2}\/\d{2}\/\d{4}/);
    lt.forEach((page, i) => assert.match(page, new RegExp(`Page ${i + 1} of ${lt.length}\\b`)));
    assertNoDutch(all, data, "access letter");

    const className = e.student.className;
    const rows = await stack.api<{ rows: { name: string; sortName?: string }[] }>(
      "GET", `/api/register/rows?schoolId=obs-de-regenboog&className=${encodeURIComponent(className)}&limit=500`,
    );
    const overview = await pdf(`/api/register/class.pdf?schoolId=obs-de-regenboog&className=${encodeURIComponent(className)}&lang=en`);
    assert.equal(overview.status, 200);
    const ot = (await pages(overview.bytes)).join("\n");
    assert.match(ot, new RegExp(`Consents of class ${className}`));
    assert.match(ot, /Page 1 of \d/);
    assert.equal((await tagging(overview.bytes)).lang, "en-GB");
    assertNoDutch(ot, [...data, ...rows.json.rows.flatMap((r) => [r.name, r.sortName ?? ""])], "class overview");

    const req = await stack.api<{ requestId: string }>("POST", "/api/consent-requests", {
      studentId: "lln-001", partyId: "ggd", purposeId: "jgz-consult", lang: "en",
    });
    assert.equal(req.status, 201, JSON.stringify(req.json));
    const form = await pdf(`/api/consent-requests/${req.json.requestId}/form.pdf`);
    assert.equal(form.status, 200);
    const ft = (await pages(form.bytes)).join("\n");
    assert.match(ft, /I do not consent/);
    assert.match(ft, new RegExp(`Reference: ZV-${req.json.requestId}`));
    assertNoDutch(ft, data, "consent form");
  });

  it("When a guardian's postal address is set, then it is validated (Dutch postcode), kept through other corrections, and heads the access letter as its addressee block", async () => {
    type Student = { guardians: { id: string; name: string; emails: string[]; relation: string; hasAuthority: boolean; address?: { street: string; postcode: string; town: string } }[] };
    const jan = await stack.api<Student>("GET", "/api/students/lln-001");
    const holders = jan.json.guardians.filter((g) => g.hasAuthority);
    const g = holders[0];
    assert.ok(g);
    const put = (body: Record<string, unknown>) => stack.api<Student & { error?: { code: string; details?: { path: string; message: string }[] } }>("PUT", `/api/students/lln-001/guardians/${g.id}`, { name: g.name, emails: g.emails, relation: g.relation, ...body });
    // A bad postcode: 400 naming the field, in Dutch; nothing stored.
    const bad = await put({ address: { street: "Dorpsstraat 12a", postcode: "0123 AB", town: "Utrecht" } });
    assert.equal(bad.status, 400, JSON.stringify(bad.json));
    assert.ok(bad.json.error?.details?.some((d) => d.path === "body.address.postcode" && /postcode/.test(d.message)), JSON.stringify(bad.json));
    assert.equal((await stack.api<Student>("GET", "/api/students/lln-001")).json.guardians.find((x) => x.id === g.id)?.address, undefined);
    // A good one, written loosely: stored as "3511 AB".
    const ok = await put({ address: { street: "Dorpsstraat 12a", postcode: "3511ab", town: "Utrecht" } });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.deepEqual(ok.json.guardians.find((x) => x.id === g.id)?.address, { street: "Dorpsstraat 12a", postcode: "3511 AB", town: "Utrecht" });
    // A correction without an address keeps it.
    assert.equal((await put({})).json.guardians.find((x) => x.id === g.id)?.address?.postcode, "3511 AB");
    const text = (await pages((await pdf("/api/students/lln-001/export.pdf")).bytes)).join("\n");
    assert.match(text, new RegExp(`${g.name}\\s+Dorpsstraat 12a\\s+3511 AB\\s+UTRECHT`), text.slice(0, 400));
    assert.ok(!/Aan:? .*de ouders met gezag van/.test(text), "the addressee block replaces the 'Aan' line");
    // null removes it: the letter names the holders again.
    const removed = await put({ address: null });
    assert.equal(removed.json.guardians.find((x) => x.id === g.id)?.address, undefined);
    assert.match((await pages((await pdf("/api/students/lln-001/export.pdf")).bytes)).join("\n"), /de ouders met gezag van Jan de Vries/);
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
    // Tagged: a heading per form, the boxes read as "☐ Ik geef toestemming".
    const tagged = await tagging(r.bytes);
    assertTagged(tagged, { lang: "nl-NL", title: `Toestemmingsformulier ZV-${req.json.requestId}`, roles: ["H1", "H2", "P", "Span"] });
    assert.equal(tagged.elements.filter((e) => e.role === "H1").length, req.json.letters.length, "one form (H1) per letter");
    assert.ok(Buffer.from(r.bytes).toString("latin1").includes("/ActualText"), "the tick box has an actual text");
  });
});
