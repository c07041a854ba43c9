import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse, type Options as CsvOptions } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import { studentInput } from "../../contract/directory.js";
import { removedCounts, type DirectoryService } from "../directory/service.js";
import type { ImportRequest, ImportResult } from "../../contract/directory.js";
import { AppError } from "../shared/errors.js";
import { detailIn, issueText, serverText } from "../shared/texts.js";
import { proposeMapping, REQUIRED_COLUMNS } from "../../contract/csv-columns.js";
import type { Lang } from "../../contract/i18n.js";
import type { CsvPreviewRow } from "../../contract/directory.js";
import { canonicalJson, sha256Hex } from "../shared/hash.js";
import { guardianIdFor, mergeStudent, studentIdFor, type GuardianIn, type MergeStats, type StudentIn } from "./merge.js";

/**
 * The fallback for schools without School Data Sync: a student-system export (ParnasSys, Magister,
 * Somtoday, ... as the school configures it) in this shape, semicolon-separated, UTF-8 (a BOM is fine),
 * fields optionally quoted ("" inside quotes is a quote):
 *
 *   leerlingnummer;voornaam;tussenvoegsel;achternaam;geboortedatum;klas;
 *   ouder1_naam;ouder1_email;ouder1_gezag;ouder2_naam;ouder2_email;ouder2_gezag
 *
 * Optional columns: roepnaam (an alias), ouderN_relatie (moeder, vader, ouder, voogd, pleegouder),
 * up to ouder4. Column order is free (the header decides), names are case-insensitive. The headings of
 * the student systems' own exports are recognised too (contract/csv-columns.ts, docs/IMPORT.md):
 * "Stamnummer", "Roepnaam", "Voorvoegsel", "Groep", "E-mailadres ouder/verzorger 1", ...
 * Dates: dd-mm-jjjj, dd/mm/jjjj or jjjj-mm-dd. Gezag: ja/nee (also j/n, 1/0, true/false, yes/no);
 * empty gezag means "not known" and is recorded as no authority (with a warning): only a holder of
 * parental authority may consent, so an unknown is not treated as a yes.
 */

export interface CsvProblem {
  /** 1-based line of the data row (the header is line 1). No names or addresses. */
  row: number;
  field: string;
  message: string;
}

export interface ParsedCsv {
  request: ImportRequest;
  /** Rows left out, and why. */
  errors: CsvProblem[];
  /** Rows imported with a caveat (e.g. unknown gezag recorded as no authority). */
  warnings: CsvProblem[];
  /** Data rows read (without the header and empty lines). */
  rows: number;
  /** Each data row as read (a preview only; the first MAX_PREVIEW_ROWS). */
  preview: CsvPreviewRow[];
}

const EMAIL = /^[^\s@/\\#?|]+@[^\s@/\\#?|]+\.[^\s@/\\#?|]+$/;

/** Characters of one record (all its fields); a longer one is refused (a hostile quote never closed, say). */
export const MAX_RECORD_CHARS = 64 * 1024;
/** Data rows of one import; a school has far fewer students. More is 413. */
export const MAX_CSV_ROWS = 100_000;
/** Rows a preview (dry run) lists; the counts cover every row. */
export const MAX_PREVIEW_ROWS = 2000;

/** csv-parse as this import reads: RFC 4180-style, a quote opens a field only at its start, a BOM is fine. */
function parserOptions(delimiter: string): CsvOptions {
  return {
    delimiter,
    bom: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    max_record_size: MAX_RECORD_CHARS,
  };
}

/** A parser's complaint as the API's 400 (no field content: it may be personal data). */
function csvError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  const code = typeof e === "object" && e !== null && "code" in e ? String(e.code) : "";
  const line = typeof e === "object" && e !== null && "lines" in e ? Number(e.lines) : undefined;
  const what =
    code === "CSV_QUOTE_NOT_CLOSED"
      ? "The CSV has an unclosed quote"
      : code === "CSV_MAX_RECORD_SIZE"
        ? `A row of the CSV is longer than ${MAX_RECORD_CHARS} characters`
        : "The CSV cannot be read";
  return new AppError(400, "VALIDATION_FAILED", line ? `${what} (line ${line})` : what);
}

/** RFC 4180-style records with a chosen delimiter; quotes may hold delimiters and line breaks. */
export function parseDelimited(text: string, delimiter = ";"): string[][] {
  try {
    return parseSync(text, parserOptions(delimiter)) as string[][];
  } catch (e) {
    throw csvError(e);
  }
}

/** The delimiter the header line uses: ";" (the student systems' default), else a tab, else ",". */
export function delimiterOf(firstLine: string): string {
  return firstLine.includes(";") ? ";" : firstLine.includes("\t") ? "\t" : ",";
}

const MONTHS_OK = (y: number, m: number, d: number): boolean => {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
};

/** dd-mm-jjjj, dd/mm/jjjj, d-m-jjjj, jjjj-mm-dd -> jjjj-mm-dd; undefined when not a date. */
export function parseDutchDate(v: string): string | undefined {
  const t = v.trim();
  let y: number, m: number, d: number;
  let mm = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (mm) [y, m, d] = [Number(mm[1]), Number(mm[2]), Number(mm[3])];
  else {
    mm = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(t);
    if (!mm) return undefined;
    [d, m, y] = [Number(mm[1]), Number(mm[2]), Number(mm[3])];
  }
  if (!MONTHS_OK(y, m, d)) return undefined;
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

function parseGezag(v: string): boolean | undefined {
  const t = v.trim().toLowerCase();
  if (["ja", "j", "1", "true", "yes", "y", "x"].includes(t)) return true;
  if (["nee", "n", "0", "false", "no"].includes(t)) return false;
  return undefined;
}

const RELATIONS: Record<string, GuardianIn["relation"]> = {
  moeder: "mother",
  vader: "father",
  ouder: "parent",
  voogd: "guardian",
  pleegouder: "foster-parent",
  pleegmoeder: "foster-parent",
  pleegvader: "foster-parent",
  mother: "mother",
  father: "father",
  parent: "parent",
  guardian: "guardian",
};

/** Today's date in the Netherlands (jjjj-mm-dd): a birth date after it is refused. */
function dutchToday(now: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

/**
 * Reads the rows of one export, one at a time: the header first, then each data row becomes a student
 * (or an error). Never the text is held; the students only when `keep` (a caller reading in batches
 * takes them out as it goes, see readStudentCsv), else just their ids (for the duplicate check).
 */
export class StudentCsvReader {
  private col: Map<string, number> | undefined;
  private line = 1;
  readonly errors: CsvProblem[] = [];
  readonly warnings: CsvProblem[] = [];
  readonly students: StudentIn[] = [];
  private readonly seen = new Set<string>();
  readonly preview: CsvPreviewRow[] = [];
  rows = 0;
  private readonly today: string;

  /** `lang`: the language of the row problems (the request's). */
  constructor(
    private readonly schoolId: string,
    private readonly lang: Lang = "en",
    now: Date = new Date(),
    private readonly keep = true,
  ) {
    this.today = dutchToday(now);
  }

  /** One record of the parser (the first is the header). */
  record(r: string[]): void {
    if (!this.col) {
      this.header(r);
      return;
    }
    this.line++;
    this.rows++;
    if (this.rows > MAX_CSV_ROWS) throw new AppError(413, "BODY_TOO_LARGE", `The CSV has more than ${MAX_CSV_ROWS} rows; import one school at a time`);
    this.row(r, this.col, this.line);
  }

  /** What was read; 400 when there was not even a header. */
  finish(): ParsedCsv {
    if (!this.col) throw new AppError(400, "VALIDATION_FAILED", "The CSV is empty");
    return {
      request: { schools: [], students: this.students, parties: [], purposes: [], policies: [] },
      errors: this.errors,
      warnings: this.warnings,
      rows: this.rows,
      preview: this.preview,
    };
  }

  private header(header: string[]): void {
    // The import's own names, or the headings of a student system's export (contract/csv-columns.ts).
    const col = new Map(Object.entries(proposeMapping(header)));
    const missing = REQUIRED_COLUMNS.filter((c) => !col.has(c));
    if (missing.length)
      throw new AppError(400, "VALIDATION_FAILED", "The CSV misses required columns", missing.map((c) => ({ path: `header.${c}`, message: "missing column" })));
    this.col = col;
  }

  private row(r: string[], col: Map<string, number>, line: number): void {
    const { errors, warnings, schoolId } = this;
    // Problems are counted, but only the first 200 of each are kept (the report shows no more).
    const problem = (list: CsvProblem[], p: CsvProblem): void => {
      if (list.length < 200) list.push(p);
    };
    const get = (name: string): string => {
      const i = col.get(name);
      return i === undefined ? "" : (r[i] ?? "").trim();
    };
    const t = serverText(this.lang).csv;
    const studentNumber = get("leerlingnummer");
    const name = [get("voornaam"), get("tussenvoegsel"), get("achternaam")].filter(Boolean).join(" ");
    const seen = (outcome: CsvPreviewRow["outcome"], guardians = 0): void => {
      if (this.preview.length < MAX_PREVIEW_ROWS) this.preview.push({ row: line, studentNumber: studentNumber.slice(0, 40), name: name.slice(0, 300), className: get("klas").slice(0, 40), guardians, outcome });
    };
    const birthDate = parseDutchDate(get("geboortedatum"));
    if (!birthDate || birthDate > this.today) {
      problem(errors, { row: line, field: "geboortedatum", message: birthDate ? t.dateFuture : t.dateInvalid });
      seen("error");
      return;
    }
    const id = studentIdFor(schoolId, studentNumber);
    if (this.seen.has(id)) {
      problem(errors, { row: line, field: "leerlingnummer", message: t.duplicateNumber });
      seen("error");
      return;
    }
    const guardians: GuardianIn[] = [];
    for (let n = 1; n <= 4; n++) {
      const name = get(`ouder${n}_naam`);
      const emailsRaw = get(`ouder${n}_email`);
      if (!name && !emailsRaw) continue;
      const all = emailsRaw
        .split(/[,\s]+/)
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean);
      const emails = all.filter((e) => EMAIL.test(e) && e.length <= 320).slice(0, 5);
      if (emails.length < all.length) problem(warnings, { row: line, field: `ouder${n}_email`, message: t.emailLeftOut });
      let hasAuthority = parseGezag(get(`ouder${n}_gezag`));
      if (hasAuthority === undefined) {
        problem(warnings, { row: line, field: `ouder${n}_gezag`, message: t.gezagUnknown });
        hasAuthority = false;
      }
      const relation = RELATIONS[get(`ouder${n}_relatie`).toLowerCase()] ?? "parent";
      const guardianId = guardianIdFor(id, emails[0] ?? name);
      // Two guardians with one address (or one name and none) would be one record: the row is refused
      // here rather than the whole import later.
      if (guardians.some((g) => g.id === guardianId)) {
        problem(errors, { row: line, field: `ouder${n}_email`, message: t.duplicateGuardian });
        seen("error");
        return;
      }
      guardians.push({
        id: guardianId,
        name: name || (emails[0] ?? ""),
        emails,
        relation,
        hasAuthority,
      });
    }
    const roepnaam = get("roepnaam");
    const candidate = {
      id,
      schoolId,
      givenName: get("voornaam"),
      ...(get("tussenvoegsel") ? { tussenvoegsel: get("tussenvoegsel") } : {}),
      familyName: get("achternaam"),
      aliases: roepnaam && roepnaam !== get("voornaam") ? [roepnaam] : [],
      studentNumber,
      birthDate,
      className: get("klas"),
      guardians,
    };
    const lang = this.lang;
    const parsed = studentInput.safeParse(candidate, { error: (issue) => issueText(issue, lang) });
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, 5)) problem(errors, { row: line, field: csvField(issue.path), message: detailIn(issue.message, lang) });
      seen("error");
      return;
    }
    this.seen.add(id);
    if (this.keep) this.students.push(parsed.data);
    // The outcome is settled against the stored directory later (importStudentCsv); "new" until then.
    seen("new", guardians.length);
  }
}

/** The CSV as an ImportRequest for one school (students with guardians; nothing else). */
export function parseStudentCsv(text: string, schoolId: string, lang: Lang = "en"): ParsedCsv {
  const firstLine = text.slice(0, text.search(/\r?\n|$/)).replace(/^\uFEFF/, "");
  const reader = new StudentCsvReader(schoolId, lang);
  for (const r of parseDelimited(text, delimiterOf(firstLine))) reader.record(r);
  return reader.finish();
}

/** Bytes of the header line looked at to choose the delimiter; a header longer than this is refused. */
const MAX_HEADER_BYTES = 64 * 1024;

/** How readStudentCsv hands over the students it reads. */
export interface ReadOptions {
  /** false: check every row but keep no student (the report only). Default true. */
  keepStudents?: boolean;
  /** Hand the students over `size` at a time (reading waits while `take` runs) instead of keeping them. */
  batches?: { size: number; take: (students: StudentIn[]) => Promise<void> };
}

/**
 * The CSV read from a stream of UTF-8 bytes (chunks as they arrive) by csv-parse, row by row: memory
 * stays flat in the size of the body (only the students kept are held, and with `batches` or
 * `keepStudents: false` not even those). The delimiter is chosen from the header line, so the first
 * chunks are held until its line break.
 */
export async function readStudentCsv(chunks: AsyncIterable<Buffer>, schoolId: string, lang: Lang = "en", o: ReadOptions = {}): Promise<ParsedCsv> {
  const reader = new StudentCsvReader(schoolId, lang, new Date(), o.keepStudents !== false || o.batches !== undefined);
  const batches = o.batches;
  const it = chunks[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let firstLine: string | undefined;
  while (firstLine === undefined) {
    const n = await it.next();
    if (n.done) break;
    head.push(n.value);
    const all = Buffer.concat(head);
    const end = [all.indexOf(10), all.indexOf(13)].filter((i) => i !== -1);
    if (end.length) firstLine = all.subarray(0, Math.min(...end)).toString("utf8");
    else if (all.length > MAX_HEADER_BYTES) throw new AppError(400, "VALIDATION_FAILED", "The first line of the CSV (the header) is too long");
  }
  const parser = parse(parserOptions(delimiterOf((firstLine ?? Buffer.concat(head).toString("utf8")).replace(/^\uFEFF/, ""))));
  async function* all(): AsyncGenerator<Buffer> {
    yield* head;
    for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
  }
  // The first error wins: the body's own (too large, bad encoding) or the parser's.
  const piping = pipeline(Readable.from(all()), parser).then(
    () => undefined,
    (e: unknown) => e,
  );
  try {
    for await (const r of parser) {
      reader.record(r as string[]);
      if (batches && reader.students.length >= batches.size) await batches.take(reader.students.splice(0));
    }
  } catch (e) {
    const first = await piping;
    throw csvError(first instanceof AppError ? first : e);
  }
  const failed = await piping;
  if (failed) throw csvError(failed);
  if (batches && reader.students.length > 0) await batches.take(reader.students.splice(0));
  return reader.finish();
}

/** Maps a studentInput path back to the CSV column it came from. */
function csvField(path: PropertyKey[]): string {
  const [a, b, c] = path.map(String);
  const map: Record<string, string> = {
    givenName: "voornaam",
    familyName: "achternaam",
    tussenvoegsel: "tussenvoegsel",
    studentNumber: "leerlingnummer",
    birthDate: "geboortedatum",
    className: "klas",
    id: "leerlingnummer",
    schoolId: "schoolId",
  };
  if (a === "guardians" && b !== undefined) {
    const n = Number(b) + 1;
    return c === "emails" ? `ouder${n}_email` : c === "name" ? `ouder${n}_naam` : `ouder${n}`;
  }
  return map[a ?? ""] ?? a ?? "row";
}

export interface CsvImportReport {
  result: ImportResult;
  rows: number;
  errors: CsvProblem[];
  warnings: CsvProblem[];
  /** Guardians kept on a student although this export no longer lists them (never deleted). */
  guardiansKept: number;
  /** A dry run: what the import would do, row by row; nothing was written. */
  dryRun?: boolean;
  preview?: CsvPreviewRow[];
}

/** Students read, merged and written per batch by default (IMPORT_BATCH_ROWS; each batch a bounded set of transactions). */
const WRITE_BATCH = 1000;

/** The body's bytes kept for the second pass, in pieces of about this many bytes. */
const SPOOL_PIECE = 1024 * 1024;

/**
 * The body's bytes as the first pass reads them, for the second pass: only the bytes (at most the
 * body limit; a row parsed is several times its text), compacted into pieces so that no chunk keeps a
 * larger buffer alive.
 */
class Spool {
  private readonly pieces: Buffer[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  async *record(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const c of chunks) {
      this.pending.push(c);
      this.pendingBytes += c.length;
      if (this.pendingBytes >= SPOOL_PIECE) this.compact();
      yield c;
    }
    this.compact();
  }

  async *replay(): AsyncGenerator<Buffer> {
    yield* this.pieces;
  }

  private compact(): void {
    if (this.pending.length) this.pieces.push(Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }
}

const noCounts = (): ImportResult["students"] => ({ created: 0, updated: 0, unchanged: 0 });

/**
 * The school first (404 before a byte of the body is read). Then two passes over the body, so that
 * memory holds neither the parsed file nor the directory:
 * 1. the stream is read to the end and every row checked (a bad CSV is a 400 or 413 before anything is
 *    written); only the report (counts, the first problems, the preview) and the body's bytes are kept;
 * 2. the kept bytes are read again, IMPORT_BATCH_ROWS students at a time: each batch is merged with the
 *    stored records of its students (point reads; merge.ts rules, the CSV's gezag wins), written, and
 *    dropped. Which students are stored, and their content hashes, are listed once (not per batch).
 * A dry run does the same without writing. The same file imported twice leaves the same directory.
 */
export async function importStudentCsv(
  directory: DirectoryService,
  tenantId: string,
  schoolId: string,
  body: () => AsyncIterable<Buffer>,
  o: { dryRun?: boolean; lang?: Lang; batchRows?: number } = {},
): Promise<CsvImportReport> {
  if (!(await directory.hasSchool(tenantId, schoolId))) throw new AppError(404, "NOT_FOUND", "School not found");
  const lang = o.lang ?? "en";
  const spool = new Spool();
  const checked = await readStudentCsv(spool.record(body()), schoolId, lang, { keepStudents: false });
  const stats: MergeStats = { guardiansKept: 0 };
  const result: ImportResult = {
    schools: noCounts(),
    purposes: noCounts(),
    parties: noCounts(),
    policies: noCounts(),
    students: noCounts(),
  };
  const stored = await directory.studentHashes(tenantId);
  const removed = { alreadyRemoved: 0, reEnrolled: 0 };
  // A dry run's outcome per row of the preview (new, changed, unchanged), by student id.
  const previewIds = new Set(checked.preview.filter((r) => r.outcome !== "error").map((r) => studentIdFor(schoolId, r.studentNumber)));
  const outcome = new Map<string, CsvPreviewRow["outcome"]>();
  const take = async (batch: StudentIn[]): Promise<void> => {
    const records = await directory.storedStudents(
      tenantId,
      batch.filter((s) => stored.has(s.id)).map((s) => s.id),
    );
    const merged = batch.map((s) => mergeStudent(records.get(s.id), s, { authorityFromSource: true }, stats));
    if (!o.dryRun) {
      const r = await directory.import(tenantId, { schools: [], students: merged, parties: [], purposes: [], policies: [] }, { storedStudents: stored });
      for (const k of ["schools", "purposes", "parties", "policies", "students"] as const) {
        result[k].created += r[k].created;
        result[k].updated += r[k].updated;
        result[k].unchanged += r[k].unchanged;
      }
      removed.alreadyRemoved += r.alreadyRemoved ?? 0;
      removed.reEnrolled += r.reEnrolled ?? 0;
      return;
    }
    // What the import would count: the same comparison as the repository's (the content hash), with the
    // leavers the retention run removed counted as the import counts them (R-RETAIN-DIRECTORY).
    const { students: coming, alreadyRemoved, reEnrolled } = await directory.withoutRemovedLeavers(tenantId, merged, new Date());
    removed.alreadyRemoved += alreadyRemoved;
    removed.reEnrolled += reEnrolled.length;
    for (const m of coming) {
      const prev = stored.get(m.id);
      const would = prev === undefined ? "new" : sha256Hex(canonicalJson(m)) === prev ? "unchanged" : "changed";
      if (previewIds.has(m.id)) outcome.set(m.id, would);
      result.students[would === "new" ? "created" : would === "changed" ? "updated" : "unchanged"]++;
    }
  };
  await readStudentCsv(spool.replay(), schoolId, lang, { batches: { size: o.batchRows ?? WRITE_BATCH, take } });
  const report = { result: { ...result, ...removedCounts(removed.alreadyRemoved, removed.reEnrolled) }, rows: checked.rows, errors: checked.errors, warnings: checked.warnings, guardiansKept: stats.guardiansKept };
  if (!o.dryRun) return report;
  const preview = checked.preview.map((r) => (r.outcome === "error" ? r : { ...r, outcome: outcome.get(studentIdFor(schoolId, r.studentNumber)) ?? r.outcome }));
  return { ...report, dryRun: true, preview };
}
