/**
 * What the import wizard does with the file in the browser: decode it (UTF-8, else Windows-1252, as
 * older exports are), read its header line, and put the chosen mapping into that line. The rows are
 * sent as they are; the server reads and checks them (the same reader for the preview and the import).
 */
import { CSV_COLUMNS, type CsvColumn } from "../../../../contract/csv-columns.js";

/** The text of the file: UTF-8 when it decodes as such, else Windows-1252. */
export function decodeExport(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

/** The header line's end (the first line break outside quotes). */
function headerEnd(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === "\n" || c === "\r")) return i;
  }
  return text.length;
}

/** The delimiter as the server chooses it: ";" else a tab else ",". */
export function delimiterOf(line: string): string {
  return line.includes(";") ? ";" : line.includes("\t") ? "\t" : ",";
}

/** The headings of the file (quotes removed). */
export function headingsOf(text: string): string[] {
  const line = text.slice(0, headerEnd(text));
  const d = delimiterOf(line);
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? "";
    if (c === '"') {
      if (quoted && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (c === d && !quoted) {
      out.push(cur.trim());
      cur = "";
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

/** Data lines of the file (not empty), for "N rows" before the preview. */
export function dataLineCount(text: string): number {
  return text.slice(headerEnd(text)).split(/\r?\n|\r/).filter((l) => l.trim() !== "").length;
}

export type Mapping = Partial<Record<CsvColumn, number>>;

/**
 * The file with its header line replaced by the import's own names for the mapped columns; a column
 * left out gets a name the import does not know (so it is ignored), the rows stay as they are.
 */
export function withMappedHeader(text: string, headings: readonly string[], mapping: Mapping): string {
  const end = headerEnd(text);
  const d = delimiterOf(text.slice(0, end));
  const names = headings.map((_, i) => CSV_COLUMNS.find((c) => mapping[c] === i) ?? `-niet-gebruikt-${i + 1}`);
  return names.join(d) + text.slice(end);
}
