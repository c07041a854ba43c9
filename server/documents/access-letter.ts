/**
 * The parents' access export (inzage, art. 15 AVG; DOMAIN.md section 7) as a letter in PDF. The content
 * is the access export the server already makes (server/register/export.ts), laid out for parents:
 * the board and the school, the addressee, the date, the disclosure log as a table, consents,
 * refusals and withdrawals, breaches, retention, sources and rights; the evidence details (Message-IDs,
 * hashes, the information text shown) only in the appendix.
 */
import type { AccessExport } from "../../contract/register.js";
import type { Lang } from "../../contract/enums.js";
import { fill, texts } from "../../contract/i18n.js";
import { formatDutchDate } from "../directory/domain.js";
import { headers, shortDate, writeDocument, type Pen, type PdfBytes } from "./pdf.js";
import { BASIS, DECISION, METHOD, RELATION, documentTexts } from "../shared/document-texts.js";

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const word = <K extends string>(table: Record<K, { nl: string; en: string }>, code: string, lang: Lang): string =>
  (table as Record<string, { nl: string; en: string } | undefined>)[code]?.[lang] ?? code;

/** The rows of the disclosure log as the letter's table shows them (the test reads them too). */
export function disclosureRows(doc: AccessExport, lang: Lang): string[][] {
  return [...doc.recipients]
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((r) => [shortDate(r.at, lang), r.party, r.purpose, word(BASIS, r.basis, lang)]);
}

/** The rows of the consents table: date, decision (and withdrawal), to whom, what for, by whom, how, until. */
export function consentRows(doc: AccessExport, lang: Lang): string[][] {
  const t = texts(documentTexts, lang);
  return [...doc.consents]
    .sort((a, b) => a.givenAt.localeCompare(b.givenAt))
    .map((c) => [
      shortDate(c.givenAt, lang),
      word(DECISION, c.decision, lang) + (c.withdrawnAt ? `, ${fill(t.withdrawnOn, { date: shortDate(c.withdrawnAt, lang) })}` : ""),
      c.party,
      c.purpose,
      c.givenBy,
      word(METHOD, c.method, lang),
      c.decision === "granted" ? shortDate(c.validUntil, lang) : "",
    ]);
}

/** Who the letter is sent to by post: the holders of authority living at one address (the export itself holds no addresses). */
export interface Addressee {
  names: string[];
  street: string;
  postcode: string;
  town: string;
}

/** The holders of authority with a postal address, grouped by address (parents at one address share one block). */
export function addresseesOf(guardians: { name: string; hasAuthority: boolean; address?: { street: string; postcode: string; town: string } }[]): Addressee[] {
  const blocks = new Map<string, Addressee>();
  for (const g of guardians) {
    if (!g.hasAuthority || !g.address) continue;
    const { street, postcode, town } = g.address;
    const k = [street, postcode, town].map((x) => x.toLowerCase()).join("\u0000");
    const block = blocks.get(k);
    if (block) block.names.push(g.name);
    else blocks.set(k, { names: [g.name], street, postcode, town });
  }
  return [...blocks.values()];
}

export function accessLetterPdf(doc: AccessExport, lang: Lang, at = new Date(doc.generatedAt), addressees: Addressee[] = []): Promise<PdfBytes> {
  const t = texts(documentTexts, lang);
  const c = doc.controller;
  const board = c?.board ?? c?.school ?? c?.name ?? "";
  const student = doc.student.name;
  const holders = doc.guardians.filter((g) => g.hasAuthority).map((g) => g.name);
  const join = (xs: string[]): string => (xs.length > 1 ? `${xs.slice(0, -1).join(", ")} ${t.and} ${xs[xs.length - 1] ?? ""}` : (xs[0] ?? ""));
  const names = join(holders);
  const date = formatDutchDate(at, lang);
  const title = fill(t.accessTitle, { name: student });
  return writeDocument(lang, { title, author: board, subject: t.accessSubject }, `${board} · ${title}`, (pen: Pen) => {
    pen.letterhead(
      [board, ...(c?.school && c.school !== board ? [c.school] : []), ...(c ? [`BRIN ${c.brin}`] : [])],
      [`${t.date}: ${date}`],
    );
    // The addressee block (as a window envelope shows it: names, street and number, "1234 AB  TOWN"),
    // one per address; without an address, the holders by name.
    if (addressees.length > 0) for (const a of addressees) pen.para([join(a.names), a.street, `${a.postcode}  ${a.town.toUpperCase()}`].join("\n"));
    else pen.pairs([[t.to, `${names ? `${names}, ` : ""}${fill(t.toParents, { name: student })}`]]);
    pen.title(title);
    pen.para(t.accessSubject, { bold: true });
    pen.para(names ? fill(t.dear, { names }) : t.dearParents);
    pen.para(fill(t.accessIntro, { name: student }));

    pen.heading(fill(t.secData, { name: student }));
    pen.pairs([
      [t.name, student],
      [t.studentNumber, doc.student.studentNumber],
      [t.birthDate, shortDate(doc.student.birthDate, lang)],
      [t.className, doc.student.className],
      ...(doc.student.leftDate ? [[t.leftDate, shortDate(doc.student.leftDate, lang)] as [string, string]] : []),
    ]);
    if (doc.guardians.length > 0) {
      pen.heading(t.secGuardians);
      pen.table(
        headers(t.name, t.relation, t.authority),
        doc.guardians.map((g) => [g.name, word(RELATION, g.relation, lang), g.hasAuthority ? t.yes : t.no]),
      );
    }
    pen.heading(t.secPurposes);
    if (doc.purposes.length > 0) pen.bullets(doc.purposes);
    else pen.para(t.none);
    pen.heading(t.secCategories);
    pen.bullets(doc.categories);

    pen.heading(t.secRecipients);
    const disclosures = disclosureRows(doc, lang);
    if (disclosures.length === 0) pen.para(fill(t.noRecipients, { name: student }));
    else
      pen.table(
        headers(t.date, t.toWhom, t.what, t.basis),
        disclosures,
      );

    pen.heading(t.secConsents);
    const consents = consentRows(doc, lang);
    if (consents.length === 0) pen.para(t.noConsents);
    else
      pen.table(
        headers(t.date, t.decision, t.toWhom, t.purpose, t.givenBy, t.how, t.validUntil),
        consents,
      );
    if (doc.notices.length > 0) {
      pen.heading(t.secNotices);
      pen.table(
        headers(t.date, t.toWhom, t.purpose, t.how),
        doc.notices.map((n) => [shortDate(n.informedAt, lang), n.party, n.purpose, word(METHOD, n.method, lang)]),
      );
    }
    if (doc.overrides.length > 0) {
      pen.heading(t.secOverrides);
      pen.para(fill(t.overrides, { dates: doc.overrides.map((o) => shortDate(o.at, lang)).join(", "), name: student }));
    }
    if (doc.dataBreaches.length > 0) {
      pen.heading(t.secBreaches);
      pen.para(fill(t.breachesIntro, { name: student }));
      pen.table(
        headers(t.flaggedAt, t.awareAt, t.what, t.categories, t.recipient),
        doc.dataBreaches.map((b) => [shortDate(b.flaggedAt, lang), shortDate(b.awareAt, lang), b.what, b.categories.join(", "), b.recipient]),
      );
    }
    pen.heading(t.secRetention);
    pen.pairs([
      [t.retStudentFile, doc.retention.studentFile],
      [t.retAbsence, doc.retention.absenceAndEnrolment],
      [t.retReferral, doc.retention.referral],
      [t.retConsents, doc.retention.consentRecords],
      [t.retDisclosures, doc.retention.disclosureLog],
    ]);
    pen.heading(t.secSources);
    pen.bullets(doc.sources);
    pen.heading(t.secRights);
    pen.bullets(doc.rights);
    pen.para(doc.decisionTerm);
    pen.para(`${t.closing}\n${board}${c?.school && c.school !== board ? `\n${c.school}` : ""}`);

    // The appendix: evidence details, nowhere else in the letter.
    pen.heading(t.appendix, 60);
    const withEvidence = doc.consents.filter((x) => x.evidence || x.informationShown);
    if (withEvidence.length === 0) pen.para(t.appendixNone);
    else {
      pen.para(t.appendixIntro, { small: true });
      for (const x of [...withEvidence].sort((a, b) => a.givenAt.localeCompare(b.givenAt))) {
        pen.para(fill(t.evidenceOf, { decision: capital(word(DECISION, x.decision, lang)), date: shortDate(x.givenAt, lang), party: x.party, purpose: x.purpose }), { bold: true });
        if (x.evidence)
          pen.pairs(
            [
              ["Message-ID", x.evidence.messageId],
              [t.messageDate, shortDate(x.evidence.date, lang)],
              ["SHA-256", x.evidence.sha256],
            ],
            { mono: true },
          );
        if (x.informationShown) pen.pairs([[t.informationShown, x.informationShown]], { small: true });
      }
    }
  });
}
