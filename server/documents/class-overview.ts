/**
 * A printable overview of one class (issue 17 item 7): one row per student, one column per (party,
 * purpose) the register mentions for the class, each cell the state of consent in words. Made from the
 * register's rows (the projection the tab's grid reads), not computed again.
 */
import type { Lang } from "../../contract/enums.js";
import type { OverviewRow } from "../../contract/register.js";
import { fill, texts } from "../../contract/i18n.js";
import { formatDutchDate } from "../directory/domain.js";
import { shortDate, writeDocument, type PdfBytes } from "./pdf.js";
import { STATE, documentTexts } from "../shared/document-texts.js";

export interface ClassOverviewInput {
  school: { name: string; board?: string };
  className: string;
  rows: OverviewRow[];
  partyName: (id: string) => string;
  purposeLabel: (id: string) => string;
}

/** The table: header and one row per student (the test reads them too). */
export function classTable(input: ClassOverviewInput, lang: Lang): { header: string[]; rows: string[][] } {
  const t = texts(documentTexts, lang);
  const pairs = new Map<string, { partyId: string; purposeId: string }>();
  for (const r of input.rows) for (const p of r.pairs ?? []) pairs.set(`${p.partyId}\u0000${p.purposeId}`, p);
  const columns = [...pairs.values()].sort(
    (a, b) => input.partyName(a.partyId).localeCompare(input.partyName(b.partyId), "nl") || input.purposeLabel(a.purposeId).localeCompare(input.purposeLabel(b.purposeId), "nl"),
  );
  return {
    header: [t.student, ...columns.map((c) => `${input.partyName(c.partyId)}: ${input.purposeLabel(c.purposeId)}`)],
    rows: input.rows.map((r) => [
      r.sortName ?? r.name,
      ...columns.map((c) => {
        const p = (r.pairs ?? []).find((x) => x.partyId === c.partyId && x.purposeId === c.purposeId);
        if (!p) return STATE.none[lang];
        return STATE[p.state][lang] + (p.state === "valid" && p.validUntil ? ` ${fill(t.upTo, { date: shortDate(p.validUntil, lang) })}` : "");
      }),
    ]),
  };
}

export function classOverviewPdf(input: ClassOverviewInput, lang: Lang, at = new Date()): Promise<PdfBytes> {
  const t = texts(documentTexts, lang);
  const title = fill(t.classTitle, { className: input.className });
  const author = input.school.board ?? input.school.name;
  const table = classTable(input, lang);
  return writeDocument(
    lang,
    { title, author },
    `${input.school.name} · ${title}`,
    (pen) => {
      pen.letterhead([author, ...(input.school.board ? [input.school.name] : [])], [`${t.date}: ${formatDutchDate(at, lang)}`]);
      pen.title(title);
      pen.para(fill(t.classIntro, { date: formatDutchDate(at, lang) }));
      if (table.rows.length === 0) pen.para(t.classEmpty);
      else pen.table(table.header.map((header) => ({ header })), table.rows);
    },
    "landscape",
  );
}
