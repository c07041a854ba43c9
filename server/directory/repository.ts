import type { TransactionAction } from "@azure/data-tables";
import { odata } from "@azure/data-tables";
import { key, keysUnder, type Storage, type TableName } from "../shared/storage.js";
import { sha256Hex, canonicalJson } from "../shared/hash.js";
import { mapLimited } from "../shared/schedule.js";
import { defaultPolicy, type Directory, type Party, type Policy, type Purpose, type School, type Student } from "./domain.js";

/** The kinds of directory record and the table each lives in. Entities: PK tenant, RK id, data JSON. */
const KIND_TABLE = {
  schools: "Schools",
  students: "Students",
  parties: "Parties",
  purposes: "Purposes",
  policies: "Policies",
} as const satisfies Record<string, TableName>;
export type DirectoryKind = keyof typeof KIND_TABLE;

/** Partitions per tenant that students are spread over. Changing it moves every student: don't. */
const STUDENT_BUCKETS = 32;

export interface KindRecord {
  schools: School;
  students: Student;
  parties: Party;
  purposes: Purpose;
  policies: Policy;
}

export interface UpsertCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** A policy stored before a setting existed gets that setting's default (stored rows are never rewritten for it). */
function withDefaults<K extends DirectoryKind>(kind: K, item: KindRecord[K]): KindRecord[K] {
  if (kind !== "policies") return item;
  const p = item as Policy;
  return { ...defaultPolicy(p.schoolId), ...p } as KindRecord[K];
}

function rowKeyOf<K extends DirectoryKind>(kind: K, item: KindRecord[K]): string {
  return kind === "policies" ? (item as Policy).schoolId : (item as School | Student | Party | Purpose).id;
}

/** When a student's leftDate was recorded (issue 16): the retention clock starts no earlier. */
export interface LeftClock {
  leftDate: string;
  recordedAt: string;
}

/**
 * A leaver's directory record removed by the retention run (R-RETAIN-DIRECTORY): what a later import
 * needs to recognise the student (the id, and a hash of school and student number), never a name.
 */
export interface RemovedStudent {
  id: string;
  numberHash: string;
  removedAt: string;
}

/** The student number as the marker keeps it: hashed, with its school. */
export function studentNumberHash(s: Pick<Student, "schoolId" | "studentNumber">): string {
  return sha256Hex(`${s.schoolId}|${s.studentNumber.trim().toLowerCase()}`);
}

export class DirectoryRepository {
  constructor(private readonly storage: Storage) {}

  private removedPk(tenantId: string): string {
    return key(tenantId, "removed-student");
  }

  /** The leavers whose records the retention run removed (one small partition). */
  async removedStudents(tenantId: string): Promise<RemovedStudent[]> {
    const rows = await this.storage.list("Meta", odata`PartitionKey eq ${this.removedPk(tenantId)}`);
    return rows.map((r) => ({ id: String(r.studentId), numberHash: String(r.numberHash), removedAt: String(r.removedAt) }));
  }

  /**
   * Removes leavers' directory records (the student with its guardians' names and addresses, and the
   * recorded left clock), R-RETAIN-DIRECTORY. The marker goes first, so an import in between never
   * brings the leaver back. Returns how many records this call removed.
   */
  async removeLeavers(tenantId: string, students: Pick<Student, "id" | "schoolId" | "studentNumber">[], now: Date): Promise<number> {
    if (students.length === 0) return 0;
    const markers: TransactionAction[] = students.map((s) => [
      "upsert",
      { partitionKey: this.removedPk(tenantId), rowKey: key(s.id), studentId: s.id, numberHash: studentNumberHash(s), removedAt: now.toISOString() },
      "Replace",
    ]);
    await this.storage.transact("Meta", markers);
    const removed = await this.storage.deleteRows(
      KIND_TABLE.students,
      students.map((s) => ({ partitionKey: this.partitionOf(tenantId, "students", s.id), rowKey: key(s.id) })),
    );
    await this.storage.deleteRows("Meta", students.map((s) => ({ partitionKey: this.clockPk(tenantId), rowKey: key(s.id) })));
    return removed;
  }

  /** A removed student who is enrolled again (an import without a leftDate): the marker goes. */
  async forgetRemoved(tenantId: string, ids: string[]): Promise<void> {
    if (ids.length > 0) await this.storage.deleteRows("Meta", ids.map((id) => ({ partitionKey: this.removedPk(tenantId), rowKey: key(id) })));
  }

  private clockPk(tenantId: string): string {
    return key(tenantId, "left-clock");
  }

  /** Every recorded leftDate of the tenant (one small partition: leavers only). */
  async leftClocks(tenantId: string): Promise<Map<string, LeftClock>> {
    const rows = await this.storage.list("Meta", odata`PartitionKey eq ${this.clockPk(tenantId)}`);
    return new Map(rows.map((r) => [String(r.rowKey), { leftDate: String(r.leftDate), recordedAt: String(r.recordedAt) }]));
  }

  /**
   * Records the clocks of students whose leftDate is new or changed (from `now`) and drops those whose
   * leftDate is gone; an unchanged leftDate keeps its first recording. Returns how many were recorded.
   */
  async recordLeftDates(tenantId: string, students: Pick<Student, "id" | "leftDate">[], now: Date): Promise<{ recorded: string[]; cleared: string[] }> {
    const clocks = await this.leftClocks(tenantId);
    const pk = this.clockPk(tenantId);
    const actions: TransactionAction[] = [];
    const recorded: string[] = [];
    const cleared: string[] = [];
    const last = new Map(students.map((s) => [s.id, s.leftDate]));
    for (const [id, leftDate] of last) {
      const clock = clocks.get(id);
      if (leftDate && clock?.leftDate !== leftDate) {
        actions.push(["upsert", { partitionKey: pk, rowKey: key(id), leftDate, recordedAt: now.toISOString() }, "Replace"]);
        recorded.push(id);
      } else if (!leftDate && clock) {
        actions.push(["delete", { partitionKey: pk, rowKey: key(id) }]);
        cleared.push(id);
      }
    }
    await this.storage.transact("Meta", actions);
    return { recorded, cleared };
  }

  async load(tenantId: string): Promise<Directory> {
    const [schools, students, parties, purposes, policies] = await Promise.all([
      this.list(tenantId, "schools"),
      this.list(tenantId, "students"),
      this.list(tenantId, "parties"),
      this.list(tenantId, "purposes"),
      this.list(tenantId, "policies"),
    ]);
    return { tenantId, schools, students, parties, purposes, policies };
  }

  /**
   * Where a record lives. Students, by far the most, are spread over STUDENT_BUCKETS partitions per
   * tenant by a hash of their id ("tenant|b07"): a bucket never changes when a student changes school,
   * writes spread over partitions, and no partition grows with the whole board. The rest: PK tenant.
   */
  private partitionOf(tenantId: string, kind: DirectoryKind, id: string): string {
    if (kind !== "students") return key(tenantId);
    const bucket = parseInt(sha256Hex(id).slice(0, 8), 16) % STUDENT_BUCKETS;
    return key(tenantId, `b${String(bucket).padStart(2, "0")}`);
  }

  /** The filter for every record of a kind of the tenant. */
  private filterOf(tenantId: string, kind: DirectoryKind): string {
    if (kind !== "students") return odata`PartitionKey eq ${key(tenantId)}`;
    const { lo, hi } = keysUnder(key(tenantId));
    return odata`PartitionKey gt ${lo} and PartitionKey lt ${hi}`;
  }

  async list<K extends DirectoryKind>(tenantId: string, kind: K): Promise<KindRecord[K][]> {
    const rows = await this.storage.list(KIND_TABLE[kind], this.filterOf(tenantId, kind), ["data"]);
    return rows.map((r) => withDefaults(kind, JSON.parse(String(r.data)) as KindRecord[K]));
  }

  async get<K extends DirectoryKind>(tenantId: string, kind: K, id: string): Promise<KindRecord[K] | undefined> {
    const e = await this.storage.getOrUndefined(KIND_TABLE[kind], this.partitionOf(tenantId, kind, id), key(id));
    return e ? withDefaults(kind, JSON.parse(String(e.data)) as KindRecord[K]) : undefined;
  }

  /**
   * The content hash of every stored record of a kind (id -> hash): what upsertMany compares with. A
   * large import lists it once and passes it to each batch instead of listing it for every batch.
   */
  async hashes(tenantId: string, kind: DirectoryKind): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const r of await this.storage.list(KIND_TABLE[kind], this.filterOf(tenantId, kind), ["RowKey", "hash"])) out.set(String(r.rowKey), String(r.hash));
    return out;
  }

  /** The stored records of these ids (point reads, `concurrency` at a time); ids not stored are absent. */
  async getMany<K extends DirectoryKind>(tenantId: string, kind: K, ids: readonly string[], concurrency = 8): Promise<Map<string, KindRecord[K]>> {
    const found = await mapLimited(ids, concurrency, (id) => this.get(tenantId, kind, id));
    const out = new Map<string, KindRecord[K]>();
    ids.forEach((id, i) => {
      const r = found[i];
      if (r) out.set(id, r);
    });
    return out;
  }

  /**
   * Idempotent bulk upsert: records whose content did not change are not written again.
   * Writes go in transactions of at most 100 per partition. `stored`: the kind's hashes (see
   * `hashes`) when the caller has them; otherwise they are listed here.
   */
  async upsertMany<K extends DirectoryKind>(tenantId: string, kind: K, items: KindRecord[K][], stored?: ReadonlyMap<string, string>): Promise<UpsertCounts> {
    const counts: UpsertCounts = { created: 0, updated: 0, unchanged: 0 };
    if (items.length === 0) return counts;
    const table = KIND_TABLE[kind];
    const existing = stored ?? (await this.hashes(tenantId, kind));
    const actions: TransactionAction[] = [];
    // Of duplicates in one request the last one wins.
    const last = new Map<string, KindRecord[K]>();
    for (const item of items) last.set(rowKeyOf(kind, item), item);
    for (const [id, item] of last) {
      const data = canonicalJson(item);
      const hash = sha256Hex(data);
      const prev = existing.get(id);
      if (prev === hash) {
        counts.unchanged++;
        continue;
      }
      if (prev === undefined) counts.created++;
      else counts.updated++;
      actions.push(["upsert", { partitionKey: this.partitionOf(tenantId, kind, id), rowKey: key(id), data, hash }, "Replace"]);
    }
    await this.storage.transact(table, actions);
    return counts;
  }
}
