import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { odata, type TransactionAction } from "@azure/data-tables";
import { AppError, notFound } from "../shared/errors.js";
import { isSafeKey, key, TABLES, type Storage, type TableName } from "../shared/storage.js";
import { canonicalJson, sha256Hex } from "../shared/hash.js";
import { verifyChain, type RegisterEvent } from "../register/domain.js";
import { headSealText, type IntegrityKeys } from "../register/integrity.js";
import { isSentIndexRow } from "../register/repository.js";
import { verifyAdminChain } from "../accountability/admin-log.js";
import type { AdminLogEntry } from "../../contract/admin.js";
import { BACKUP_FORMAT, openBackup, readHeader, sealBackup, type BackupKeys } from "./crypto.js";

/**
 * Tenant backup and restore (issue 16).
 *
 * A backup is every row of every table whose PartitionKey is the tenant ("tenant") or starts with it
 * ("tenant|..."), as JSON, encrypted with AES-256-GCM (crypto.ts) before it touches a disk. Rows keep
 * their keys and properties; ETags and timestamps are the store's own and are not carried over.
 *
 * A restore (behind the API, after a second person's approval: server/accountability/approvals.ts)
 * goes only into the tenant the backup names, which must be the caller's, and trusts nothing: the
 * file must decrypt under a configured key, and every row is checked (table known, keys, tenant,
 * property shape, each register chain and the administrative log recomputed) before anything is
 * written; one bad row refuses the whole restore. It never replaces history (see `planRestore`).
 */
export type BackupValue = string | number | boolean;
export type BackupRow = Record<string, BackupValue> & { partitionKey: string; rowKey: string };

/** The backup's content (the plaintext inside the encrypted file). */
export interface TenantBackup {
  format: typeof BACKUP_FORMAT;
  version: 1;
  tenantId: string;
  exportedAt: string;
  tables: Partial<Record<TableName, BackupRow[]>>;
  counts: Partial<Record<TableName, number>>;
}

const SYSTEM = new Set(["etag", "timestamp", "odata.etag", "odata.metadata"]);

function tenantFilter(tenantId: string): string {
  const t = key(tenantId);
  const lo = t + "|";
  const hi = t + "}"; // "}" sorts right after "|"
  return odata`PartitionKey eq ${t} or (PartitionKey gt ${lo} and PartitionKey lt ${hi})`;
}

function toRow(e: Record<string, unknown>): BackupRow {
  const row: Record<string, BackupValue> = {};
  for (const [k, v] of Object.entries(e)) {
    if (SYSTEM.has(k) || k.startsWith("odata.") || v === null || v === undefined) continue;
    if (v instanceof Date) throw new AppError(500, "INTERNAL", "A date property cannot be backed up as JSON");
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") row[k] = v;
    else throw new AppError(500, "INTERNAL", "An unsupported property type cannot be backed up");
  }
  return { ...row, partitionKey: String(e.partitionKey), rowKey: String(e.rowKey) };
}

const byKeys = (a: BackupRow, b: BackupRow): number =>
  a.partitionKey === b.partitionKey ? (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0) : a.partitionKey < b.partitionKey ? -1 : 1;

export async function exportTenant(storage: Storage, tenantId: string, at = new Date()): Promise<TenantBackup> {
  const tables: Partial<Record<TableName, BackupRow[]>> = {};
  const counts: Partial<Record<TableName, number>> = {};
  for (const name of TABLES) {
    // The register's sent-message index is derived from the events: not kept, rebuilt after a restore.
    const rows = (await storage.list(name, tenantFilter(tenantId)))
      .filter((e) => name !== "Events" || !isSentIndexRow(e.rowKey))
      .map((e) => toRow(e))
      .sort(byKeys);
    tables[name] = rows;
    counts[name] = rows.length;
  }
  return { format: BACKUP_FORMAT, version: 1, tenantId, exportedAt: at.toISOString(), tables, counts };
}

/** The backup as the file to write: encrypted with the current key of BACKUP_KEYS. */
export function encryptBackup(keys: BackupKeys, b: TenantBackup): string {
  const counts: Record<string, number> = {};
  for (const [t, n] of Object.entries(b.counts)) if (typeof n === "number") counts[t] = n;
  return sealBackup(keys, { tenantId: b.tenantId, exportedAt: b.exportedAt, counts }, JSON.stringify(b));
}

/** Decrypts a backup file (refused with a code: BACKUP_INVALID, BACKUP_KEY_UNKNOWN, BACKUP_DECRYPT_FAILED). */
export function decryptBackup(keys: BackupKeys, text: string): TenantBackup {
  const { header, plaintext } = openBackup(keys, text);
  const b = JSON.parse(plaintext) as Partial<TenantBackup>;
  if (b.format !== BACKUP_FORMAT || b.version !== 1 || b.tenantId !== header.tenantId || b.exportedAt !== header.exportedAt || typeof b.tables !== "object" || b.tables === null)
    throw new AppError(422, "BACKUP_INVALID", "The backup's content does not match its header; nothing was restored");
  return b as TenantBackup;
}

// ---------------------------------------------------------------------------------------------
// Row by row

const PROPERTY = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
const SEQ_KEY = /^\d{10}$/;
/** Azure Tables: a string property holds 32K UTF-16 characters, an entity about 1 MiB. */
const MAX_STRING = 32_768;
const MAX_ROW_CHARS = 1_000_000;

function rowInvalid(table: string, index: number, problem: string): AppError {
  // The details name the table, the row's place and the problem: never a key or a value (personal data).
  return new AppError(422, "BACKUP_ROW_INVALID", `Row ${index} of table ${table} in the backup: ${problem}; nothing was restored`, [{ table, row: index, problem }]);
}

const parseJson = (v: unknown): Record<string, unknown> | undefined => {
  if (typeof v !== "string") return undefined;
  try {
    const o = JSON.parse(v) as unknown;
    return o !== null && typeof o === "object" && !Array.isArray(o) ? (o as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** The state a HEAD row keeps in chunks s0, s1, ... (register/repository.ts), as one JSON text. */
function headState(r: BackupRow): string | undefined {
  const parts: string[] = [];
  for (let i = 0; typeof r[`s${i}`] === "string"; i++) parts.push(String(r[`s${i}`]));
  return parts.length > 0 ? parts.join("") : undefined;
}

/** The administrative log's partitions: the tenant's own, or one kept aside by an earlier restore. */
const adminPartition = (tenantId: string, pk: string): boolean => pk === key(tenantId) || /^[^|]+\|restored\|[^|]+$/.test(pk);

/** One partition of a chain in a backup: its entries (register events or log entries) and its HEAD row. */
interface ChainRows<E> {
  items: E[];
  head?: BackupRow;
}

/**
 * Files a chain's row under its partition: the HEAD (with seq and hash), else an entry whose row key is
 * its sequence number and that `agrees` with its row. `invalid` makes the error (a problem of its own, or
 * without one the entry's shape).
 */
function fileChainRow<E>(parts: Map<string, ChainRows<E>>, r: BackupRow, agrees: (e: Record<string, unknown>) => boolean, invalid: (problem?: string) => AppError): void {
  const part = parts.get(r.partitionKey) ?? { items: [] };
  parts.set(r.partitionKey, part);
  if (r.rowKey === "HEAD") {
    if (typeof r.seq !== "number" || typeof r.hash !== "string") throw invalid("HEAD without seq and hash");
    part.head = r;
  } else {
    const e = parseJson(r.data);
    if (!SEQ_KEY.test(r.rowKey) || !e || e.seq !== Number(r.rowKey) || !agrees(e)) throw invalid();
    part.items.push(e as unknown as E);
  }
}

/**
 * Checks every row of a backup for the caller's tenant; the first bad row refuses the whole restore
 * (BACKUP_ROW_INVALID naming the table, its place and the problem). Then recomputes every register
 * chain (hashes, links, HEAD and its state) and the administrative log's chain.
 */
export function validateBackup(b: TenantBackup, tenantId: string): void {
  if (b.tenantId !== tenantId) throw new AppError(422, "BACKUP_WRONG_TENANT", "The backup is of another tenant than yours; nothing was restored");
  const t = key(tenantId);
  for (const [name, rows] of Object.entries(b.tables)) {
    if (!(TABLES as readonly string[]).includes(name)) throw rowInvalid(name.slice(0, 40), 0, "unknown table");
    if (!Array.isArray(rows)) throw rowInvalid(name, 0, "not a list of rows");
    const seen = new Set<string>();
    const events = new Map<string, ChainRows<RegisterEvent>>();
    const admin = new Map<string, ChainRows<AdminLogEntry>>();
    rows.forEach((row: unknown, i) => {
      if (row === null || typeof row !== "object" || Array.isArray(row)) throw rowInvalid(name, i, "not an entity");
      const r = row as Record<string, unknown>;
      const pk = r.partitionKey;
      const rk = r.rowKey;
      if (typeof pk !== "string" || typeof rk !== "string" || !isSafeKey(pk) || !isSafeKey(rk)) throw rowInvalid(name, i, "partition or row key missing or not a valid key");
      const parts = pk.split("|");
      if (parts[0] !== t) throw rowInvalid(name, i, "a row of another tenant");
      if (parts.some((p) => p.length === 0)) throw rowInvalid(name, i, "partition key shape");
      const id = `${pk}\u0000${rk}`;
      if (seen.has(id)) throw rowInvalid(name, i, "the same keys twice");
      seen.add(id);
      if (JSON.stringify(r).length > MAX_ROW_CHARS) throw rowInvalid(name, i, "larger than a table row may be");
      for (const [k, v] of Object.entries(r)) {
        if (k === "partitionKey" || k === "rowKey") continue;
        if (!PROPERTY.test(k) || k === "PartitionKey" || k === "RowKey" || k === "Timestamp") throw rowInvalid(name, i, "a property name that is not allowed");
        if (typeof v === "string" ? v.length > MAX_STRING : typeof v === "number" ? !Number.isFinite(v) : typeof v !== "boolean")
          throw rowInvalid(name, i, "a property value of the wrong type or size");
      }
      const br = r as BackupRow;
      if (name === "Events") {
        if (parts.length !== 2) throw rowInvalid(name, i, "partition key shape (tenant|student)");
        fileChainRow(events, br, (e) => e.seq === r.seq && e.hash === r.hash && e.type === r.type, (why) => rowInvalid(name, i, why ?? "event row shape"));
      } else if (name === "AdminLog") {
        if (!adminPartition(tenantId, pk)) throw rowInvalid(name, i, "partition key shape");
        fileChainRow(admin, br, () => true, (why) => rowInvalid(name, i, why ?? "log entry shape"));
      }
    });
    let p = 0;
    for (const [pk, part] of events) {
      const state = part.head ? headState(part.head) : undefined;
      const head = part.head ? { seq: Number(part.head.seq), hash: String(part.head.hash), ...(state ? { state: JSON.parse(state) as RegisterEvent[] } : {}) } : undefined;
      let problems: unknown[];
      try {
        problems = verifyChain(pk.split("|")[1] ?? "", part.items, head);
      } catch {
        problems = ["unreadable"];
      }
      if (problems.length > 0) throw rowInvalid(name, p, "a register chain that does not verify");
      p++;
    }
    for (const [, part] of admin) {
      const entries = [...part.items].sort((a, b) => a.seq - b.seq);
      const last = entries[entries.length - 1];
      let problems: unknown[];
      try {
        problems = verifyAdminChain(entries);
      } catch {
        problems = ["unreadable"];
      }
      const headOk = part.head ? last !== undefined && last.seq === Number(part.head.seq) && last.hash === String(part.head.hash) : entries.length === 0;
      if (problems.length > 0 || !headOk) throw rowInvalid(name, 0, "an administrative log whose chain does not verify");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Restore: never replaces history

export interface RestorePlan {
  writes: Map<TableName, BackupRow[]>;
  /** Rows of the backup already in the store (kept as the store has them). */
  kept: number;
  /** Register chains (student partitions) the store did not have. */
  chainsRestored: number;
  /** Entries of the backup's administrative log kept aside (another partition) because the live log has moved on. */
  adminLogAside: number;
}

const same = (a: BackupRow | undefined, b: BackupRow): boolean => a !== undefined && canonicalJson(a) === canonicalJson(b);

/**
 * What a restore writes, or RESTORE_CONFLICT before anything is written:
 * - a register chain (a student's Events partition) is written whole when the store has none; when
 *   the store has one, every event of the backup must be there unchanged (the live chain is the same or
 *   longer) and nothing is written; a partition without its HEAD whose rows are all the backup's (a
 *   restore interrupted half-way) is completed; otherwise the restore is refused: it would replace history.
 * - the administrative log: when the live log holds the backup's entries unchanged, nothing is written;
 *   else the backup's log goes aside, whole, to the partition "tenant|restored|<restoreId>" (the live
 *   log keeps running, the old one is kept beside it). A kept-aside partition the store already has
 *   must be equal, or the restore is refused.
 * - any other row is added when absent and left as the store has it when present (never overwritten).
 */
export async function planRestore(storage: Storage, b: TenantBackup, restoreId: string): Promise<RestorePlan> {
  const plan: RestorePlan = { writes: new Map(), kept: 0, chainsRestored: 0, adminLogAside: 0 };
  const conflict = (table: string): AppError =>
    new AppError(409, "RESTORE_CONFLICT", `Restoring would replace existing history in table ${table}; nothing was restored`, [{ table }]);
  for (const name of TABLES) {
    const rows = b.tables[name] ?? [];
    if (rows.length === 0) continue;
    const live = new Map<string, Map<string, BackupRow>>();
    for (const e of await storage.list(name, tenantFilter(b.tenantId))) {
      const r = toRow(e);
      const m = live.get(r.partitionKey) ?? new Map<string, BackupRow>();
      m.set(r.rowKey, r);
      live.set(r.partitionKey, m);
    }
    const writes: BackupRow[] = [];
    if (name === "Events" || name === "AdminLog") {
      const byPk = new Map<string, BackupRow[]>();
      for (const r of rows) byPk.set(r.partitionKey, [...(byPk.get(r.partitionKey) ?? []), r]);
      for (const [pk, part] of byPk) {
        const have = live.get(pk);
        if (!have || have.size === 0) {
          writes.push(...part);
          if (name === "Events") plan.chainsRestored++;
          continue;
        }
        if (have.has("HEAD") && part.every((r) => r.rowKey === "HEAD" || same(have.get(r.rowKey), r))) {
          plan.kept += part.length;
          continue;
        }
        // A partition an interrupted restore left half-written (its HEAD comes last): every row there is the
        // backup's, so the missing ones complete it.
        const mine = new Map(part.map((r) => [r.rowKey, r]));
        if (!have.has("HEAD") && [...have.values()].every((r) => same(mine.get(r.rowKey), r))) {
          writes.push(...part.filter((r) => !have.has(r.rowKey)));
          plan.kept += have.size;
          continue;
        }
        if (name === "AdminLog" && pk === key(b.tenantId)) {
          const aside = key(b.tenantId, "restored", restoreId);
          writes.push(...part.map((r) => ({ ...r, partitionKey: aside })));
          plan.adminLogAside += part.filter((r) => r.rowKey !== "HEAD").length;
          continue;
        }
        throw conflict(name);
      }
    } else {
      for (const r of rows) {
        if (live.get(r.partitionKey)?.has(r.rowKey)) plan.kept++;
        else writes.push(r);
      }
    }
    if (writes.length > 0) plan.writes.set(name, writes);
  }
  return plan;
}

export type RestoreResult = {
  rowsWritten: number;
  rowsKept: number;
  chainsRestored: number;
  adminLogAside: number;
  /** Every written row read back equal. */
  verified: boolean;
  /** Restored register HEADs whose keyed MAC does not verify with INTEGRITY_KEYS (the send check refuses on them). */
  unsealedHeads: number;
};

/** Writes a plan (transactions of 100 per partition, "create": a row that appeared meanwhile fails), then reads every written row back. */
export async function applyPlan(storage: Storage, plan: RestorePlan, tenantId: string, integrity: IntegrityKeys): Promise<RestoreResult> {
  let rowsWritten = 0;
  let unsealedHeads = 0;
  for (const [name, rows] of plan.writes) {
    await storage.transact(name, rows.map((r): TransactionAction => ["create", { ...r }]));
    rowsWritten += rows.length;
  }
  let verified = true;
  for (const [name, rows] of plan.writes) {
    const back = new Map((await storage.list(name, tenantFilter(tenantId))).map((e) => [`${String(e.partitionKey)}\u0000${String(e.rowKey)}`, toRow(e)]));
    for (const r of rows) {
      if (!same(back.get(`${r.partitionKey}\u0000${r.rowKey}`), r)) verified = false;
      if (name === "Events" && r.rowKey === "HEAD") {
        const seal = { keyId: typeof r.macKeyId === "string" ? r.macKeyId : "", mac: typeof r.mac === "string" ? r.mac : "" };
        if (!integrity.verify("head", headSealText(r.partitionKey, Number(r.seq), String(r.hash), headState(r)), seal)) unsealedHeads++;
      }
    }
  }
  return { rowsWritten, rowsKept: plan.kept, chainsRestored: plan.chainsRestored, adminLogAside: plan.adminLogAside, verified, unsealedHeads };
}

/** Row-by-row differences between two backups of one tenant (empty: equal). */
export function compareBackups(a: TenantBackup, b: TenantBackup): string[] {
  const out: string[] = [];
  if (a.tenantId !== b.tenantId) out.push("tenant differs");
  for (const name of TABLES) {
    const ra = [...(a.tables[name] ?? [])].sort(byKeys);
    const rb = [...(b.tables[name] ?? [])].sort(byKeys);
    if (ra.length !== rb.length) out.push(`${name}: ${ra.length} rows vs ${rb.length}`);
    const n = Math.min(ra.length, rb.length);
    for (let i = 0; i < n && out.length < 50; i++) {
      if (canonicalJson(ra[i]) !== canonicalJson(rb[i])) out.push(`${name}: row ${i} differs`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Stored backups (BACKUP_DIR) and the restore the approval service runs

/** A stored backup's file name: no path, no leading dot. */
export const BACKUP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export interface StoredBackup {
  name: string;
  exportedAt: string;
  keyId: string;
  bytes: number;
  counts: Record<string, number>;
}

export class BackupService {
  constructor(
    private readonly storage: Storage,
    private readonly keys: BackupKeys,
    private readonly integrity: IntegrityKeys,
    private readonly dir: string | undefined,
    /** Told after a restore wrote rows (caches of the directory and the register overview). */
    private readonly restored: (tenantId: string) => void = () => undefined,
  ) {}

  private file(name: string): string {
    if (!this.dir || !BACKUP_NAME.test(name)) throw notFound("Backup");
    const dir = path.resolve(this.dir);
    const f = path.resolve(dir, name);
    if (path.dirname(f) !== dir) throw notFound("Backup");
    return f;
  }

  private async read(name: string): Promise<string> {
    try {
      return await readFile(this.file(name), "utf8");
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw notFound("Backup");
    }
  }

  /** The stored backups of this tenant (from their headers; nothing decrypted), newest first. */
  async list(tenantId: string): Promise<StoredBackup[]> {
    if (!this.dir) return [];
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: StoredBackup[] = [];
    for (const name of names.filter((n) => BACKUP_NAME.test(n))) {
      try {
        const f = this.file(name);
        if (!(await stat(f)).isFile()) continue;
        const h = readHeader(await readFile(f, "utf8"));
        if (h.tenantId === tenantId) out.push({ name, exportedAt: h.exportedAt, keyId: h.keyId, bytes: (await stat(f)).size, counts: h.counts });
      } catch {
        continue; // not a backup: not listed
      }
    }
    return out.sort((a, b) => (a.exportedAt < b.exportedAt ? 1 : a.exportedAt > b.exportedAt ? -1 : 0));
  }

  /** Reads, decrypts and checks a stored backup for this tenant, row by row: its SHA-256 (the proposal binds to it) and counts. */
  async check(tenantId: string, name: string): Promise<{ sha256: string; exportedAt: string; rows: number }> {
    const text = await this.read(name);
    const b = decryptBackup(this.keys, text);
    validateBackup(b, tenantId);
    await planRestore(this.storage, b, "check");
    return { sha256: sha256Hex(text), exportedAt: b.exportedAt, rows: Object.values(b.tables).reduce((n, r) => n + (r?.length ?? 0), 0) };
  }

  /** Restores an approved backup: the same file as proposed (its SHA-256), checked again, then written. */
  async restore(tenantId: string, name: string, sha256: string, restoreId: string): Promise<RestoreResult> {
    const text = await this.read(name);
    if (sha256Hex(text) !== sha256) throw new AppError(409, "CONFLICT", "The backup file changed after the restore was proposed; nothing was restored");
    const b = decryptBackup(this.keys, text);
    validateBackup(b, tenantId);
    const plan = await planRestore(this.storage, b, restoreId);
    const result = await applyPlan(this.storage, plan, tenantId, this.integrity);
    if (result.rowsWritten > 0) this.restored(tenantId);
    return result;
  }
}
