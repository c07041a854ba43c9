import { studentInput } from "../../contract/directory.js";
import type { DirectoryService } from "../directory/service.js";
import type { ImportRequest, ImportResult } from "../../contract/directory.js";
import { AppError } from "../shared/errors.js";
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
 * up to ouder4. Column order is free (the header decides), names are case-insensitive.
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
}

const EMAIL = /^[^\s@/\\#?|]+@[^\s@/\\#?|]+\.[^\s@/\\#?|]+$/;

/** RFC 4180-style records with a chosen delimiter; quotes may hold delimiters and line breaks. */
export function parseDelimited(text: string, delimiter = ";"): string[][] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field.trim() === "") {
      quoted = true;
      field = "";
      i++;
    } else if (c === delimiter) {
      row.push(field);
      field = "";
      i++;
    } else if (c === "\r" || c === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += c === "\r" && s[i + 1] === "\n" ? 2 : 1;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new AppError(400, "VALIDATION_FAILED", "The CSV has an unclosed quote");
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ""));
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

const REQUIRED = ["leerlingnummer", "voornaam", "achternaam", "geboortedatum"] as const;

/** The CSV as an ImportRequest for one school (students with guardians; nothing else). */
export function parseStudentCsv(text: string, schoolId: string): ParsedCsv {
  const firstLine = (text.split(/\r?\n/, 1)[0] ?? "").replace(/^\uFEFF/, "");
  const delimiter = firstLine.includes(";") ? ";" : firstLine.includes("\t") ? "\t" : ",";
  const rows = parseDelimited(text, delimiter);
  const header = rows.shift();
  if (!header) throw new AppError(400, "VALIDATION_FAILED", "The CSV is empty");
  const col = new Map(header.map((h, i) => [h.trim().toLowerCase().replace(/\s+/g, "_"), i]));
  const missing = REQUIRED.filter((c) => !col.has(c));
  if (missing.length)
    throw new AppError(400, "VALIDATION_FAILED", "The CSV misses required columns", missing.map((c) => ({ path: `header.${c}`, message: "missing column" })));

  const errors: CsvProblem[] = [];
  const warnings: CsvProblem[] = [];
  const students: StudentIn[] = [];
  const seen = new Set<string>();
  rows.forEach((r, idx) => {
    const line = idx + 2;
    const get = (name: string): string => {
      const i = col.get(name);
      return i === undefined ? "" : (r[i] ?? "").trim();
    };
    const studentNumber = get("leerlingnummer");
    const birthDate = parseDutchDate(get("geboortedatum"));
    if (!birthDate) {
      errors.push({ row: line, field: "geboortedatum", message: "not a date (dd-mm-jjjj)" });
      return;
    }
    const id = studentIdFor(schoolId, studentNumber);
    if (seen.has(id)) {
      errors.push({ row: line, field: "leerlingnummer", message: "appears twice; the first row is used" });
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
      if (emails.length < all.length) warnings.push({ row: line, field: `ouder${n}_email`, message: "an address that is not valid was left out" });
      let hasAuthority = parseGezag(get(`ouder${n}_gezag`));
      if (hasAuthority === undefined) {
        warnings.push({ row: line, field: `ouder${n}_gezag`, message: "gezag unknown: recorded as no authority" });
        hasAuthority = false;
      }
      const relation = RELATIONS[get(`ouder${n}_relatie`).toLowerCase()] ?? "parent";
      guardians.push({
        id: guardianIdFor(id, emails[0] ?? name),
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
    const parsed = studentInput.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, 5)) errors.push({ row: line, field: csvField(issue.path), message: issue.message });
      return;
    }
    seen.add(id);
    students.push(parsed.data);
  });
  return { request: { schools: [], students, parties: [], purposes: [], policies: [] }, errors, warnings, rows: rows.length };
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
}

/** Parses, merges with what is stored (merge.ts rules; the CSV's gezag wins) and imports. */
export async function importStudentCsv(directory: DirectoryService, tenantId: string, schoolId: string, text: string): Promise<CsvImportReport> {
  const parsed = parseStudentCsv(text, schoolId);
  const snap = await directory.snapshot(tenantId);
  if (!snap.directory.schools.some((s) => s.id === schoolId)) throw new AppError(404, "NOT_FOUND", "School not found");
  const stats: MergeStats = { guardiansKept: 0 };
  const students = parsed.request.students.map((s) => mergeStudent(snap.studentById.get(s.id), s, { authorityFromSource: true }, stats));
  const result = await directory.import(tenantId, { ...parsed.request, students });
  return { result, rows: parsed.rows, errors: parsed.errors.slice(0, 200), warnings: parsed.warnings.slice(0, 200), guardiansKept: stats.guardiansKept };
}
