import { AppError, notFound } from "../shared/errors.js";
import { sha256Hex } from "../shared/hash.js";
import { mayAccessSchool, type SchoolAccess } from "../identity/auth.js";
import { StudentDetector } from "./detect.js";
import { defaultPolicy, familySortKey, fullName, partyProblems, policyFor, type RetentionPolicy, type AuthoritySource, type Directory, type Guardian, type Party, type Policy, type Purpose, type Student } from "./domain.js";
import { studentNumberHash, type DirectoryRepository, type LeftClock, type UpsertCounts } from "./repository.js";
import type { ImportRequest, ImportResult } from "../../contract/directory.js";

/** A guardian without the stored address (a correction with `address: null` removes it). */
function withoutAddress(g: Guardian): Omit<Guardian, "address"> {
  const { address: _gone, ...rest } = g;
  return rest;
}

/** A tenant's directory, indexed for the send check, with the detector built once. */
export interface DirectorySnapshot {
  directory: Directory;
  detector: StudentDetector;
  studentById: Map<string, Student>;
  /** Lower-cased guardian email -> the students and guardian records it belongs to. */
  guardiansByEmail: Map<string, { student: Student; guardian: Guardian }[]>;
  partyById: Map<string, Party>;
  purposeById: Map<string, Purpose>;
  loadedAt: number;
  /** SHA-256 of the directory as loaded (made on the first re-read): an unchanged re-read keeps this snapshot. */
  fingerprint?: string;
}

/** The import result's counts of removed leavers (R-RETAIN-DIRECTORY): only when there are any. */
export function removedCounts(alreadyRemoved: number, reEnrolled: number): { alreadyRemoved?: number; reEnrolled?: number } {
  return { ...(alreadyRemoved > 0 ? { alreadyRemoved } : {}), ...(reEnrolled > 0 ? { reEnrolled } : {}) };
}

function fingerprintOf(directory: Directory): string {
  return sha256Hex(JSON.stringify(directory));
}

export function buildSnapshot(directory: Directory): DirectorySnapshot {
  const guardiansByEmail = new Map<string, { student: Student; guardian: Guardian }[]>();
  for (const student of directory.students) {
    for (const guardian of student.guardians) {
      for (const e of guardian.emails) {
        const k = e.toLowerCase();
        const list = guardiansByEmail.get(k) ?? [];
        list.push({ student, guardian });
        guardiansByEmail.set(k, list);
      }
    }
  }
  return {
    directory,
    detector: new StudentDetector(directory.students),
    studentById: new Map(directory.students.map((s) => [s.id, s])),
    guardiansByEmail,
    partyById: new Map(directory.parties.map((p) => [p.id, p])),
    purposeById: new Map(directory.purposes.map((p) => [p.id, p])),
    loadedAt: Date.now(),
  };
}

/**
 * The directory of each tenant, cached in memory: loaded once, rebuilt when this instance changes it,
 * and re-read after `ttlSeconds` so changes made by another instance arrive too.
 */
export class DirectoryService {
  private readonly cache = new Map<string, Promise<DirectorySnapshot>>();
  /** Bumped on each change, so a load that started before a change is not cached after it. */
  private readonly generation = new Map<string, number>();
  private readonly refreshing = new Set<string>();

  constructor(
    private readonly repo: DirectoryRepository,
    private readonly ttlSeconds: number,
  ) {}

  /**
   * The cached snapshot. After a local change the next caller waits for a fresh load; when only the
   * time-to-live ran out, callers keep the old snapshot while one reload runs in the background, so
   * the send check never waits for a reload of a large directory.
   */
  async snapshot(tenantId: string): Promise<DirectorySnapshot> {
    const entry = this.cache.get(tenantId);
    if (entry) {
      const snap = await entry.catch(() => undefined);
      if (snap) {
        if (Date.now() - snap.loadedAt >= this.ttlSeconds * 1000 && !this.refreshing.has(tenantId)) this.refresh(tenantId);
        return snap;
      }
    }
    return this.load(tenantId);
  }

  private load(tenantId: string): Promise<DirectorySnapshot> {
    const gen = this.generation.get(tenantId) ?? 0;
    const loading = this.repo.load(tenantId).then(buildSnapshot);
    this.cache.set(tenantId, loading);
    loading.then(
      () => {
        // A change during the load makes this snapshot stale at birth.
        if ((this.generation.get(tenantId) ?? 0) !== gen && this.cache.get(tenantId) === loading) this.cache.delete(tenantId);
      },
      () => {
        if (this.cache.get(tenantId) === loading) this.cache.delete(tenantId);
      },
    );
    return loading;
  }

  private refresh(tenantId: string): void {
    const gen = this.generation.get(tenantId) ?? 0;
    this.refreshing.add(tenantId);
    const current = this.cache.get(tenantId);
    this.repo
      .load(tenantId)
      .then(async (directory) => {
        // Unchanged (the common case): the same snapshot serves on, so neither the detector (seconds at
        // 30,000 students) nor what is kept per snapshot (the register projection's rows) is built again.
        // The kept snapshot's fingerprint is made once, so each re-read serialises only what it read.
        const old = await current?.catch(() => undefined);
        const fingerprint = fingerprintOf(directory);
        if (old && (old.fingerprint ??= fingerprintOf(old.directory)) === fingerprint) {
          old.loadedAt = Date.now();
          return old;
        }
        return { ...buildSnapshot(directory), fingerprint };
      })
      .then(
        (snap) => {
          if ((this.generation.get(tenantId) ?? 0) === gen) this.cache.set(tenantId, Promise.resolve(snap));
        },
        () => undefined, // the old snapshot keeps serving; the next call tries again
      )
      .finally(() => this.refreshing.delete(tenantId));
  }

  invalidate(tenantId: string): void {
    this.generation.set(tenantId, (this.generation.get(tenantId) ?? 0) + 1);
    this.cache.delete(tenantId);
  }

  /** When each leaver's leftDate was recorded (the retention clock, issue 16). */
  leftClocks(tenantId: string): Promise<Map<string, LeftClock>> {
    return this.repo.leftClocks(tenantId);
  }

  /**
   * A school's retention may only go down with a second person's approval (issue 16): an import or a
   * policy change that lowers any retention setting is refused unless `approved`.
   */
  private async guardRetention(tenantId: string, incoming: Policy[]): Promise<void> {
    if (incoming.length === 0) return;
    const stored = await this.repo.list(tenantId, "policies");
    for (const p of incoming) {
      const current = policyFor({ policies: stored }, p.schoolId).retention;
      const lower = (Object.keys(current) as (keyof RetentionPolicy)[]).filter((k) => p.retention[k] < current[k]);
      if (lower.length > 0)
        throw new AppError(
          409,
          "APPROVAL_REQUIRED",
          {
            en: "Lowering a retention period needs a second person's approval: propose it (POST /api/approvals, kind retention-change)",
            nl: "Een bewaartermijn verlagen vraagt goedkeuring van een tweede persoon: stel het voor (POST /api/approvals, soort retention-change)",
          },
          lower.map((k) => ({ path: `retention.${k}`, message: `below the current ${current[k]} years` })),
        );
    }
  }

  /**
   * Whether the tenant has this school: from the cached snapshot when there is one, else one point
   * read (a large import must not load every student and build the detector just to check this).
   */
  async hasSchool(tenantId: string, schoolId: string): Promise<boolean> {
    const cached = await this.cache.get(tenantId)?.catch(() => undefined);
    if (cached) return cached.directory.schools.some((s) => s.id === schoolId);
    return (await this.repo.get(tenantId, "schools", schoolId)) !== undefined;
  }

  /** id -> content hash of every stored student (listed once by a batched import; see `import`'s `storedStudents`). */
  studentHashes(tenantId: string): Promise<Map<string, string>> {
    return this.repo.hashes(tenantId, "students");
  }

  /** The stored records of these students, read by id (a batch of an import merges with them). */
  storedStudents(tenantId: string, ids: readonly string[]): Promise<Map<string, Student>> {
    return this.repo.getMany(tenantId, "students", ids);
  }

  /**
   * R-RETAIN-DIRECTORY: a leaver whose record the retention run removed (same id, or same school and
   * student number) is not re-created by the student system's next export while it is still a leaver
   * (counted as already removed); enrolled again (no leftDate, or one still ahead), it is imported as
   * new and its marker goes.
   */
  async withoutRemovedLeavers(
    tenantId: string,
    students: Student[],
    now: Date,
  ): Promise<{ students: Student[]; alreadyRemoved: number; reEnrolled: string[] }> {
    if (students.length === 0) return { students, alreadyRemoved: 0, reEnrolled: [] };
    const removed = await this.repo.removedStudents(tenantId);
    if (removed.length === 0) return { students, alreadyRemoved: 0, reEnrolled: [] };
    const byId = new Set(removed.map((r) => r.id));
    const byNumber = new Map(removed.map((r) => [r.numberHash, r.id]));
    const today = now.toISOString().slice(0, 10);
    let alreadyRemoved = 0;
    const reEnrolled: string[] = [];
    const kept = students.filter((s) => {
      const marker = byId.has(s.id) ? s.id : byNumber.get(studentNumberHash(s));
      if (marker === undefined) return true;
      if (s.leftDate && s.leftDate.slice(0, 10) <= today) {
        alreadyRemoved++;
        return false;
      }
      reEnrolled.push(marker);
      return true;
    });
    return { students: kept, alreadyRemoved, reEnrolled };
  }

  /**
   * `storedStudents`: the stored students' hashes (`studentHashes`) when the caller imports in batches
   * and listed them once; each batch then compares with them instead of listing every student again.
   */
  async import(tenantId: string, req: ImportRequest, o: { storedStudents?: ReadonlyMap<string, string> } = {}): Promise<ImportResult & { leftDatesRecorded: number }> {
    // Referential checks before anything is written: a bad import changes nothing.
    const existing = await this.schoolsAndPurposes(tenantId);
    const schoolIds = new Set([...existing.schools.map((s) => s.id), ...req.schools.map((s) => s.id)]);
    const purposeIds = new Set([...existing.purposes.map((p) => p.id), ...req.purposes.map((p) => p.id)]);
    const problems: { path: string; message: string }[] = [];
    req.students.forEach((s, i) => {
      if (!schoolIds.has(s.schoolId)) problems.push({ path: `students.${i}.schoolId`, message: "unknown school" });
      const gids = new Set<string>();
      s.guardians.forEach((g, j) => {
        if (gids.has(g.id)) problems.push({ path: `students.${i}.guardians.${j}.id`, message: "duplicate guardian id" });
        gids.add(g.id);
      });
    });
    req.parties.forEach((p, i) => {
      if (p.defaultPurposeId && !purposeIds.has(p.defaultPurposeId))
        problems.push({ path: `parties.${i}.defaultPurposeId`, message: "unknown purpose" });
    });
    req.policies.forEach((p, i) => {
      if (!schoolIds.has(p.schoolId)) problems.push({ path: `policies.${i}.schoolId`, message: "unknown school" });
    });
    if (problems.length) throw new AppError(422, "UNPROCESSABLE", "The import refers to records that do not exist", problems.slice(0, 50));
    if (req.parties.length > 0) this.guardParties(existing.parties, req.parties, purposeIds, "parties");
    await this.guardRetention(tenantId, req.policies);

    const none: UpsertCounts = { created: 0, updated: 0, unchanged: 0 };
    const { students: incoming, alreadyRemoved, reEnrolled } = await this.withoutRemovedLeavers(tenantId, req.students, new Date());
    req = { ...req, students: incoming };
    try {
      // Order matters for readers: schools and purposes before what refers to them.
      const schools = await this.repo.upsertMany(tenantId, "schools", req.schools);
      const purposes = await this.repo.upsertMany(tenantId, "purposes", req.purposes);
      const [parties, policies, students] = await Promise.all([
        this.repo.upsertMany(tenantId, "parties", req.parties),
        this.repo.upsertMany(tenantId, "policies", req.policies),
        this.repo.upsertMany(tenantId, "students", req.students, o.storedStudents),
      ]);
      // The retention clock of a leaver starts when the leftDate is recorded, not at the date it names.
      const clocks = req.students.length > 0 ? await this.repo.recordLeftDates(tenantId, req.students, new Date()) : { recorded: [] };
      await this.repo.forgetRemoved(tenantId, reEnrolled);
      return { schools, purposes, parties, policies, students: students ?? none, leftDatesRecorded: clocks.recorded.length, ...removedCounts(alreadyRemoved, reEnrolled.length) };
    } finally {
      this.invalidate(tenantId);
    }
  }

  /**
   * The schools and purposes an import may refer to: from the cached snapshot when there is one, else
   * read alone. A full snapshot would load every student and build the detector over all of them, for
   * each chunk of a large import (the cache is invalidated after every chunk).
   */
  private async schoolsAndPurposes(tenantId: string): Promise<Pick<Directory, "schools" | "purposes" | "parties">> {
    const cached = await this.cache.get(tenantId)?.catch(() => undefined);
    if (cached) return cached.directory;
    const [schools, purposes, parties] = await Promise.all([
      this.repo.list(tenantId, "schools"),
      this.repo.list(tenantId, "purposes"),
      this.repo.list(tenantId, "parties"),
    ]);
    return { schools, purposes, parties };
  }

  /** DOMAIN.md section 2's guard rails over the directory as it would be after writing `incoming`. */
  private guardParties(existing: Party[], incoming: Party[], purposeIds: Set<string>, prefix: string | undefined): void {
    const changed = new Map(incoming.map((p, i) => [p.id, prefix === undefined ? "body" : `${prefix}.${i}`]));
    const after = [...existing.filter((p) => !changed.has(p.id)), ...incoming];
    const problems = partyProblems(after, purposeIds, changed);
    const first = problems[0];
    if (!first) return;
    const code = first.code === "UNKNOWN_PURPOSE" ? "UNPROCESSABLE" : first.code;
    const message =
      first.code === "LEGAL_BASIS_NOT_CONFIRMED"
        ? {
            en: "This kind of party receives data on consent; a legal basis needs the statute and an explicit confirmation",
            nl: "Dit soort partij ontvangt gegevens op basis van toestemming; een wettelijke grondslag vraagt de wet en een uitdrukkelijke bevestiging",
          }
        : first.code === "DOMAIN_CONFLICT"
          ? {
              en: "A domain or address cannot belong to two parties with a different basis; list the individual addresses of one of them",
              nl: "Een domein of adres kan niet bij twee partijen met een verschillende grondslag horen; geef bij een van beide de losse adressen op",
            }
          : { en: "The party refers to a purpose that does not exist", nl: "De partij verwijst naar een doel dat niet bestaat" };
    throw new AppError(422, code, message, problems.slice(0, 50).map(({ path, message: m }) => ({ path, message: m })));
  }

  async putParty(tenantId: string, party: Party): Promise<Party> {
    const snap = await this.snapshot(tenantId);
    if (party.defaultPurposeId && !snap.purposeById.has(party.defaultPurposeId))
      throw new AppError(422, "UNPROCESSABLE", "The default purpose does not exist", [{ path: "defaultPurposeId", message: "unknown purpose" }]);
    this.guardParties(snap.directory.parties, [party], new Set(snap.purposeById.keys()), undefined);
    await this.repo.upsertMany(tenantId, "parties", [party]);
    this.invalidate(tenantId);
    return party;
  }

  async putPurpose(tenantId: string, purpose: Purpose): Promise<Purpose> {
    await this.repo.upsertMany(tenantId, "purposes", [purpose]);
    this.invalidate(tenantId);
    return purpose;
  }

  async policy(tenantId: string, schoolId: string): Promise<Policy> {
    const snap = await this.snapshot(tenantId);
    if (!snap.directory.schools.some((s) => s.id === schoolId)) throw notFound("School");
    return snap.directory.policies.find((p) => p.schoolId === schoolId) ?? defaultPolicy(schoolId);
  }

  /** Changes a policy; lowering a retention period needs `approved` (the four-eyes flow of server/accountability/approvals.ts). */
  async putPolicy(tenantId: string, policy: Policy, o: { approved?: boolean } = {}): Promise<Policy> {
    const snap = await this.snapshot(tenantId);
    if (!snap.directory.schools.some((s) => s.id === policy.schoolId)) throw notFound("School");
    if (!o.approved) await this.guardRetention(tenantId, [policy]);
    await this.repo.upsertMany(tenantId, "policies", [policy]);
    this.invalidate(tenantId);
    return policy;
  }

  /**
   * The school confirms (or corrects) a guardian's parental authority; from then on it counts. Written
   * over the stored record read just before; the confirmation records its source, who and when.
   */
  async confirmAuthority(
    p: { tenantId: string; userId: string },
    studentId: string,
    guardianId: string,
    c: { hasAuthority: boolean; source: AuthoritySource },
  ): Promise<Student> {
    const stored = await this.repo.get(p.tenantId, "students", studentId);
    if (!stored) throw notFound("Student");
    if (!stored.guardians.some((g) => g.id === guardianId)) throw notFound("Guardian");
    const updated: Student = {
      ...stored,
      guardians: stored.guardians.map((g) =>
        g.id === guardianId
          ? { ...g, hasAuthority: c.hasAuthority, authorityConfirmed: true, authoritySource: { source: c.source, by: p.userId, at: new Date().toISOString() } }
          : g,
      ),
    };
    await this.repo.upsertMany(p.tenantId, "students", [updated]);
    this.invalidate(p.tenantId);
    return updated;
  }

  /**
   * The school corrects a guardian's name, addresses or relation. Authority and its confirmation stay
   * as they are (they change only through confirmAuthority); an address another guardian of the same
   * student already has is refused.
   */
  async updateGuardian(
    tenantId: string,
    studentId: string,
    guardianId: string,
    c: Pick<Guardian, "name" | "emails" | "relation"> & { address?: Guardian["address"] | null },
  ): Promise<Student> {
    const stored = await this.repo.get(tenantId, "students", studentId);
    if (!stored) throw notFound("Student");
    if (!stored.guardians.some((g) => g.id === guardianId)) throw notFound("Guardian");
    const emails = [...new Set(c.emails.map((e) => e.trim().toLowerCase()))];
    const taken = emails.findIndex((e) => stored.guardians.some((g) => g.id !== guardianId && g.emails.some((x) => x.toLowerCase() === e)));
    if (taken !== -1)
      throw new AppError(
        422,
        "UNPROCESSABLE",
        { en: "Another guardian of this student already has this address", nl: "Een andere ouder of voogd van deze leerling heeft dit adres al" },
        [{ path: `emails.${taken}`, message: { en: "already another guardian's address", nl: "al het adres van een andere ouder of voogd" } }],
      );
    const updated: Student = { ...stored, guardians: stored.guardians.map((g) => (g.id === guardianId ? { ...(c.address === null ? withoutAddress(g) : g), name: c.name, emails, relation: c.relation, ...(c.address ? { address: c.address } : {}) } : g)) };
    await this.repo.upsertMany(tenantId, "students", [updated]);
    this.invalidate(tenantId);
    return updated;
  }

  async student(tenantId: string, studentId: string): Promise<Student> {
    const s = (await this.snapshot(tenantId)).studentById.get(studentId);
    if (!s) throw notFound("Student");
    return s;
  }

  /**
   * Search by name (any part, diacritics-insensitive), class or student number, in one pass over a
   * folded index built once per snapshot, within the schools the user may see. `sort: "family"` lists by family name ("van den Berg" under B).
   */
  async search(tenantId: string, query: string | undefined, schoolId: string | undefined, limit: number, schools: SchoolAccess = "all", sort?: "family"): Promise<Student[]> {
    const snap = await this.snapshot(tenantId);
    const index = searchIndex(snap, sort === "family");
    const terms = fold(query ?? "").trim().split(/\s+/).filter(Boolean);
    const out: Student[] = [];
    for (const { student: s, hay } of index) {
      if (schoolId && s.schoolId !== schoolId) continue;
      if (!mayAccessSchool(schools, s.schoolId)) continue;
      if (terms.length && !terms.every((t) => hay.includes(t))) continue;
      out.push(s);
      if (out.length >= limit) break;
    }
    return out;
  }
}

/** The folded search text of every student, in directory order and by family name; built once per snapshot. */
const searchIndexes = new WeakMap<DirectorySnapshot, { plain: SearchEntry[]; family?: SearchEntry[] }>();
interface SearchEntry {
  student: Student;
  hay: string;
}

function searchIndex(snap: DirectorySnapshot, byFamily: boolean): SearchEntry[] {
  let idx = searchIndexes.get(snap);
  if (!idx) {
    idx = {
      plain: snap.directory.students.map((s) => ({
        student: s,
        hay: fold([fullName(s), s.familyName + ", " + s.givenName, s.studentNumber, s.className, ...s.aliases].join(" | ")),
      })),
    };
    searchIndexes.set(snap, idx);
  }
  if (!byFamily) return idx.plain;
  if (!idx.family) {
    const keyed = idx.plain.map((e) => ({ e, k: familySortKey(e.student) }));
    keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
    idx.family = keyed.map((x) => x.e);
  }
  return idx.family;
}

/** Lower case without diacritics ("Çelik" -> "celik", the Turkish dotless "Aydın" -> "aydin"). */
export function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/ı/g, "i");
}
