import type { Client } from "@microsoft/microsoft-graph-client";
import type { Logger } from "pino";
import type { School } from "../directory/domain.js";
import { schoolInput, studentInput, type ImportResult } from "../../contract/directory.js";
import type { DirectoryService } from "../directory/service.js";
import { AppError } from "../shared/errors.js";
import { graphCall, relativeToBase } from "../graph/client.js";
import { guardianIdFor, mergeStudent, studentIdFor, type GuardianIn, type MergeStats, type StudentIn } from "./merge.js";

/**
 * Guardian sync from School Data Sync (Microsoft Graph Education API, application permission
 * EduRoster.Read.All, client credentials). Reads the tenant's schools and each school's users; the
 * students (primaryRole "student") with their `student` facet and `relatedContacts` become an
 * ImportRequest for DirectoryService.import, which is idempotent and never deletes: a second run
 * with the same SDS data reports everything "unchanged".
 *
 * Mapping decisions (documented in docs/ENTRA.md):
 * - School: matched to an existing school by BRIN (first 4 characters of schoolNumber or
 *   externalSchoolNumber); otherwise id `sds-{graph id}`. A school without a BRIN is skipped.
 * - Student id `{schoolId}:{studentNumber}` (studentNumber, else externalId): the same id a CSV
 *   import gives, so switching from CSV to SDS keeps the register history attached.
 * - Only relatedContacts with relationship `parent` or `guardian` become guardians. Others (aide,
 *   doctor, relative, child, other) are not imported: a guardian's address counts as "the parents"
 *   in the send check, which a doctor's must never do.
 * - hasAuthority: relatedContacts have no custody field. A new parent/guardian gets
 *   SDS_NEW_GUARDIAN_HAS_AUTHORITY (default true) but starts unconfirmed (`authorityConfirmed: false`:
 *   counts as without authority until the school confirms it, PUT
 *   /api/students/{id}/guardians/{guardianId}/authority); an existing guardian keeps its stored value, so a
 *   coordinator's correction (or the CSV's gezag) is never overwritten by the sync. `accessConsent`
 *   is about SDS portal access, not custody, and is not used.
 * - Students SDS no longer lists, and guardians it no longer lists, stay (counted, not deleted).
 */

export interface SdsSchool {
  id?: unknown;
  displayName?: unknown;
  schoolNumber?: unknown;
  externalSchoolNumber?: unknown;
}

export interface SdsRelatedContact {
  displayName?: unknown;
  emailAddress?: unknown;
  relationship?: unknown;
  accessConsent?: unknown;
}

export interface SdsUser {
  id?: unknown;
  primaryRole?: unknown;
  givenName?: unknown;
  middleName?: unknown;
  surname?: unknown;
  displayName?: unknown;
  student?: { studentNumber?: unknown; externalId?: unknown; birthDate?: unknown; grade?: unknown } | null;
  relatedContacts?: SdsRelatedContact[] | null;
}

export interface SkippedRecord {
  kind: "school" | "student" | "contact";
  /** The Graph object id (pseudonymous), never a name. */
  ref: string;
  reason: string;
}

export interface SdsSyncReport {
  tenantId: string;
  startedAt: string;
  finishedAt: string;
  /** The import counts: what changed. */
  result: ImportResult;
  schoolsRead: number;
  studentsRead: number;
  skipped: SkippedRecord[];
  /** Stored students of the synced schools that SDS did not list (kept). */
  studentsNotInSource: number;
  /** Guardians kept on a student although SDS no longer lists them. */
  guardiansKept: number;
}

export interface SdsSyncOptions {
  /** hasAuthority for a parent/guardian not stored before (config SDS_NEW_GUARDIAN_HAS_AUTHORITY). */
  newGuardianHasAuthority: boolean;
  /** Graph base URL, to follow @odata.nextLink. */
  graphBaseUrl: string;
  /** Safety bound on pages per collection. */
  maxPages?: number;
}

const USER_FIELDS = ["id", "primaryRole", "givenName", "middleName", "surname", "displayName", "student", "relatedContacts"];
const EMAIL = /^[^\s@/\\#?|]+@[^\s@/\\#?|]+\.[^\s@/\\#?|]+$/;
const str = (v: unknown): string => (typeof v === "string" ? v.trim() : "");

export function brinOf(s: SdsSchool): string | undefined {
  for (const v of [s.schoolNumber, s.externalSchoolNumber]) {
    const m = /^([0-9A-Z]{4})(\d{2})?$/.exec(str(v).toUpperCase());
    if (m?.[1]) return m[1];
  }
  return undefined;
}

/** One SDS user as a student record (or the reason it cannot be one). */
export function studentFromSds(u: SdsUser, schoolId: string, newGuardianHasAuthority: boolean): { student: StudentIn; skippedContacts: number } | { reason: string } {
  const st = u.student ?? undefined;
  const number = [str(st?.studentNumber), str(st?.externalId)].find((n) => /^[0-9A-Za-z]{1,20}$/.test(n));
  if (!number) return { reason: "no usable studentNumber or externalId" };
  const birth = str(st?.birthDate).slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(birth) || birth.startsWith("0001")) return { reason: "no birthDate" };
  const id = studentIdFor(schoolId, number);
  const guardians: GuardianIn[] = [];
  let skippedContacts = 0;
  for (const c of u.relatedContacts ?? []) {
    const rel = str(c.relationship).toLowerCase();
    if (rel !== "parent" && rel !== "guardian") {
      skippedContacts++;
      continue;
    }
    const email = str(c.emailAddress).toLowerCase();
    const name = str(c.displayName);
    const emails = EMAIL.test(email) && email.length <= 320 ? [email] : [];
    if (!name && emails.length === 0) {
      skippedContacts++;
      continue;
    }
    const gid = guardianIdFor(id, emails[0] ?? name);
    const same = guardians.find((g) => g.id === gid);
    if (same) continue;
    guardians.push({ id: gid, name: (name || emails[0] || "").slice(0, 200), emails, relation: rel === "guardian" ? "guardian" : "parent", hasAuthority: newGuardianHasAuthority, authorityConfirmed: false });
  }
  const tv = str(u.middleName);
  const candidate = {
    id,
    schoolId,
    givenName: str(u.givenName),
    ...(tv ? { tussenvoegsel: tv } : {}),
    familyName: str(u.surname),
    aliases: [],
    studentNumber: number,
    birthDate: birth,
    className: str(st?.grade).slice(0, 20),
    guardians: guardians.slice(0, 8),
  };
  const parsed = studentInput.safeParse(candidate);
  if (!parsed.success) return { reason: `not importable: ${parsed.error.issues.map((i) => i.path.join(".")).slice(0, 3).join(", ")}` };
  return { student: parsed.data, skippedContacts };
}

export class SdsSync {
  private readonly running = new Map<string, Promise<SdsSyncReport>>();

  constructor(
    private readonly graphFor: (tenantId: string) => Client,
    private readonly directory: DirectoryService,
    private readonly opts: SdsSyncOptions,
  ) {}

  /** One sync of a tenant; a call while one runs for that tenant joins it. */
  run(tenantId: string): Promise<SdsSyncReport> {
    const current = this.running.get(tenantId);
    if (current) return current;
    const p = this.runOnce(tenantId).finally(() => this.running.delete(tenantId));
    this.running.set(tenantId, p);
    return p;
  }

  private async list<T>(graph: Client, path: string, select?: string[]): Promise<T[]> {
    const out: T[] = [];
    let req = graph.api(path);
    if (select) req = req.select(select);
    let page = await graphCall(() => req.get() as Promise<{ value?: T[]; "@odata.nextLink"?: string }>);
    for (let n = 0; ; n++) {
      out.push(...(page.value ?? []));
      const next = page["@odata.nextLink"];
      if (!next) break;
      if (n + 1 >= (this.opts.maxPages ?? 1000)) throw new AppError(502, "GRAPH_ERROR", "School Data Sync returned more pages than expected");
      page = await graphCall(() => graph.api(relativeToBase(next, this.opts.graphBaseUrl)).get() as Promise<{ value?: T[]; "@odata.nextLink"?: string }>);
    }
    return out;
  }

  private async runOnce(tenantId: string): Promise<SdsSyncReport> {
    const startedAt = new Date().toISOString();
    const graph = this.graphFor(tenantId);
    const snap = await this.directory.snapshot(tenantId);
    const skipped: SkippedRecord[] = [];
    const sdsSchools = await this.list<SdsSchool>(graph, "/education/schools", ["id", "displayName", "schoolNumber", "externalSchoolNumber"]);
    const schools: School[] = [];
    const students = new Map<string, StudentIn>();
    let studentsRead = 0;
    const stats: MergeStats = { guardiansKept: 0 };
    for (const s of sdsSchools) {
      const graphId = str(s.id);
      if (!/^[A-Za-z0-9-]{1,80}$/.test(graphId)) {
        skipped.push({ kind: "school", ref: "(no id)", reason: "no usable id" });
        continue;
      }
      const brin = brinOf(s);
      if (!brin) {
        skipped.push({ kind: "school", ref: graphId, reason: "no BRIN in schoolNumber" });
        continue;
      }
      const existing = snap.directory.schools.find((x) => x.brin === brin);
      const school = schoolInput.safeParse({
        id: existing?.id ?? `sds-${graphId}`,
        name: str(s.displayName) || existing?.name || brin,
        brin,
        internalDomains: existing?.internalDomains ?? [],
      });
      if (!school.success) {
        skipped.push({ kind: "school", ref: graphId, reason: "not importable" });
        continue;
      }
      schools.push(school.data);
      const users = await this.list<SdsUser>(graph, `/education/schools/${encodeURIComponent(graphId)}/users`, USER_FIELDS);
      for (const u of users) {
        if (str(u.primaryRole) !== "student") continue;
        studentsRead++;
        const r = studentFromSds(u, school.data.id, this.opts.newGuardianHasAuthority);
        if ("reason" in r) {
          skipped.push({ kind: "student", ref: str(u.id) || "(no id)", reason: r.reason });
          continue;
        }
        if (r.skippedContacts > 0) skipped.push({ kind: "contact", ref: str(u.id), reason: `${r.skippedContacts} related contact(s) not parent/guardian or without name and address` });
        students.set(r.student.id, mergeStudent(snap.studentById.get(r.student.id), r.student, { authorityFromSource: false }, stats));
      }
    }
    const syncedSchoolIds = new Set(schools.map((s) => s.id));
    const studentsNotInSource = snap.directory.students.filter((s) => syncedSchoolIds.has(s.schoolId) && !students.has(s.id)).length;
    const result = await this.directory.import(tenantId, { schools, students: [...students.values()], parties: [], purposes: [], policies: [] });
    return {
      tenantId,
      startedAt,
      finishedAt: new Date().toISOString(),
      result,
      schoolsRead: sdsSchools.length,
      studentsRead,
      skipped: skipped.slice(0, 500),
      studentsNotInSource,
      guardiansKept: stats.guardiansKept,
    };
  }
}

export interface SdsSchedule {
  stop(): void;
}

/**
 * Runs the sync for each configured tenant every `intervalMinutes`. The timer is unref'd (it never
 * keeps the process alive); runs never overlap; only counts and error codes are logged.
 */
export function startSdsSchedule(sync: SdsSync, tenants: string[], intervalMinutes: number, log: Logger): SdsSchedule {
  let busy = false;
  const tick = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      for (const tenantId of tenants) {
        try {
          const r = await sync.run(tenantId);
          log.info({ tenant: tenantId, counts: r.result.students, schools: r.result.schools, skipped: r.skipped.length }, "sds sync done");
        } catch (err) {
          const e = err instanceof AppError ? err : undefined;
          log.warn({ tenant: tenantId, code: e?.code ?? "INTERNAL", status: e?.status }, "sds sync failed");
        }
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMinutes * 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
