import { createReadStream } from "node:fs";
import { open, readdir, readFile, stat } from "node:fs/promises";
import { createHash, type Hash } from "node:crypto";
import path from "node:path";
import { odata, type TransactionAction } from "@azure/data-tables";
import { AppError, notFound } from "../shared/errors.js";
import { isSafeKey, key, TABLES, tenantFilter, type Storage, type TableName } from "../shared/storage.js";
import { canonicalJson, sha256Hex } from "../shared/hash.js";
import { mapLimited } from "../shared/schedule.js";
import { verifyChain, type RegisterEvent } from "../register/domain.js";
import { headSealText, type IntegrityKeys } from "../register/integrity.js";
import { isSentIndexRow } from "../register/repository.js";
import { verifyAdminChain } from "../accountability/admin-log.js";
import type { AdminLogEntry } from "../../contract/admin.js";
import {
  BACKUP_FORMAT,
  chunkedHeader,
  isWholeFileBackup,
  keyFor,
  MAX_CHUNK_LINE,
  openBackup,
  openChunk,
  readChunkedHeader,
  readHeader,
  sealBackup,
  sealChunk,
  type BackupKeys,
} from "./crypto.js";

/**
 * Tenant backup and restore (issue 16).
 *
 * A backup is every row of every table whose PartitionKey is the tenant ("tenant") or starts with it
 * ("tenant|..."), as JSON, encrypted with AES-256-GCM (crypto.ts) in chunks before it touches a disk, read
 * and written page by page and chunk by chunk (bounded memory on both sides). Rows keep their keys and
 * properties; ETags and timestamps are the store's own and are not carried over.
 *
 * A restore (behind the API, after a second person's approval: server/accountability/approvals.ts)
 * goes only into the tenant the backup names, which must be the caller's, and trusts nothing: the
 * file must decrypt under a configured key, and every row is checked (table known, keys, tenant,
 * property shape, each register chain and the administrative log recomputed) before anything is
 * written (a first reading checks, a second writes); one bad row refuses the whole restore. It never
 * replaces history (see `planUnit`).
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

// ---------------------------------------------------------------------------------------------
// Writing a backup: chunked (crypto.ts, version 3), row by row from the store

/** A chunk holds at most this many rows, or about this much JSON text, whichever comes first. */
const CHUNK_ROWS = 500;
const CHUNK_CHARS = 1_000_000;

/**
 * The lines of a chunked backup of `rows` (without newlines): the header, the rows in chunks, the counts
 * in the final chunk. Holds one chunk at a time.
 */
export async function* backupLines(
  keys: BackupKeys,
  tenantId: string,
  exportedAt: string,
  rows: AsyncIterable<[TableName, BackupRow]> | Iterable<[TableName, BackupRow]>,
  chunkRows = CHUNK_ROWS,
): AsyncGenerator<string> {
  const h = chunkedHeader(keys, tenantId, exportedAt);
  yield JSON.stringify(h);
  const counts: Record<string, number> = Object.fromEntries(TABLES.map((t) => [t, 0]));
  let buf: [TableName, BackupRow][] = [];
  let chars = 0;
  let i = 0;
  for await (const [table, row] of rows) {
    const text = JSON.stringify(row);
    if (buf.length > 0 && (buf.length >= chunkRows || chars + text.length > CHUNK_CHARS)) {
      yield sealChunk(keys, h, i++, false, JSON.stringify({ rows: buf }));
      buf = [];
      chars = 0;
    }
    buf.push([table, row]);
    chars += text.length;
    counts[table] = (counts[table] ?? 0) + 1;
  }
  if (buf.length > 0) yield sealChunk(keys, h, i++, false, JSON.stringify({ rows: buf }));
  yield sealChunk(keys, h, i, true, JSON.stringify({ counts }));
}

/**
 * Every row of the tenant, table by table, page by page as the store returns them (nothing held whole);
 * not the register's sent-message index (derived from the events, rebuilt after a restore).
 */
export async function* tenantRows(storage: Storage, tenantId: string): AsyncGenerator<[TableName, BackupRow]> {
  for (const name of TABLES)
    for await (const page of storage.pages(name, tenantFilter(tenantId)))
      for (const e of page) if (name !== "Events" || !isSentIndexRow(e.rowKey)) yield [name, toRow(e)];
}

/** The rows of an in-memory backup in file order (tests, and version 2 files). */
function* rowsOf(b: TenantBackup): Generator<[TableName, BackupRow]> {
  for (const name of TABLES) for (const r of b.tables[name] ?? []) yield [name, r];
}

/** A backup as one text (the chunked format), e.g. for a test; the script streams `backupLines` to the file instead. */
export async function encryptBackup(keys: BackupKeys, b: TenantBackup, chunkRows = CHUNK_ROWS): Promise<string> {
  const out: string[] = [];
  for await (const line of backupLines(keys, b.tenantId, b.exportedAt, rowsOf(b), chunkRows)) out.push(line);
  return out.join("\n") + "\n";
}

/** A backup in the older format (version 2: one tag over the whole file), still readable by a restore. */
export function encryptWholeBackup(keys: BackupKeys, b: TenantBackup): string {
  const counts: Record<string, number> = {};
  for (const [t, n] of Object.entries(b.counts)) if (typeof n === "number") counts[t] = n;
  return sealBackup(keys, { tenantId: b.tenantId, exportedAt: b.exportedAt, counts }, JSON.stringify(b));
}

/** Decrypts a version 2 backup's text (refused with a code: BACKUP_INVALID, BACKUP_KEY_UNKNOWN, BACKUP_DECRYPT_FAILED). */
function decryptWholeBackup(keys: BackupKeys, text: string): TenantBackup {
  const { header, plaintext } = openBackup(keys, text);
  const b = JSON.parse(plaintext) as Partial<TenantBackup>;
  if (b.format !== BACKUP_FORMAT || b.version !== 1 || b.tenantId !== header.tenantId || b.exportedAt !== header.exportedAt || typeof b.tables !== "object" || b.tables === null)
    throw new AppError(422, "BACKUP_INVALID", "The backup's content does not match its header; nothing was restored");
  return b as TenantBackup;
}

// ---------------------------------------------------------------------------------------------
// Reading a backup: chunk by chunk, each trusted once its tag verified

/** A backup opened for reading: its header, then its rows in file order (each chunk verified before its rows come). */
export interface OpenedBackup {
  tenantId: string;
  exportedAt: string;
  keyId: string;
  rows: AsyncGenerator<[string, unknown]>;
  /** After the rows were read to the end: the SHA-256 of the file's bytes and the tags of its chunks, in order. */
  read(): { sha256: string; tags: Buffer[] };
  /** Closes the file (a reading that stopped early). */
  close(): Promise<void>;
}

/** The lines of a file, each at most `max` characters (else BACKUP_INVALID), hashing every byte read. */
async function* fileLines(file: string, hash: Hash, max: number): AsyncGenerator<string> {
  let rest = "";
  const decoder = new TextDecoder("utf-8", { fatal: false });
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    rest += decoder.decode(chunk, { stream: true });
    let nl = rest.indexOf("\n");
    while (nl >= 0) {
      yield rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      nl = rest.indexOf("\n");
    }
    if (rest.length > max) throw invalid("a line longer than a chunk may be");
  }
  rest += decoder.decode();
  if (rest.length > 0) yield rest;
}

const invalid = (why: string): AppError => new AppError(422, "BACKUP_INVALID", `Not an encrypted Zorgvuldig backup: ${why}; nothing was restored`);

/**
 * Opens a stored backup. A chunked one (version 3) is read line by line: a chunk's rows come only after
 * its tag verified, a missing final chunk is BACKUP_TRUNCATED, and the counts in the final chunk must be
 * the rows read. With `expectTags` (a second reading), every chunk must be the one read the first time.
 * A version 2 file (one tag over the whole) is still read, whole.
 */
export async function openStoredBackup(keys: BackupKeys, file: string, expectTags?: readonly Buffer[]): Promise<OpenedBackup> {
  const start = await readStart(file, 64);
  if (isWholeFileBackup(start)) {
    const text = await readFile(file, "utf8");
    const b = decryptWholeBackup(keys, text);
    return {
      tenantId: b.tenantId,
      exportedAt: b.exportedAt,
      keyId: readHeader(text).keyId,
      rows: (async function* () {
        for (const [name, rows] of Object.entries(b.tables)) {
          if (!Array.isArray(rows)) throw rowInvalid(name.slice(0, 40), 0, "not a list of rows");
          for (const r of rows as unknown[]) yield [name, r] as [string, unknown];
        }
      })(),
      read: () => ({ sha256: sha256Hex(text), tags: [] }),
      close: async () => undefined,
    };
  }
  const hash = createHash("sha256");
  const lines = fileLines(file, hash, MAX_CHUNK_LINE);
  const first = await lines.next();
  if (first.done) throw invalid("empty");
  const h = readChunkedHeader(first.value);
  keyFor(keys, h.keyId);
  const tags: Buffer[] = [];
  const seen: Record<string, number> = Object.fromEntries(TABLES.map((t) => [t, 0]));
  let i = 0;
  let final = false;
  let done = false;
  /** Opens the next chunk (it must stand at place i): its rows; the final chunk's counts must be the rows read. */
  const take = (line: string): [string, unknown][] => {
    if (final) throw invalid("data after the final chunk");
    const c = openChunk(keys, h, i, line);
    if (expectTags && !expectTags[i]?.equals(c.tag)) throw new AppError(409, "CONFLICT", "The backup file changed while it was being restored; the restore stopped");
    tags.push(c.tag);
    i++;
    const body = JSON.parse(c.plain) as { rows?: unknown; counts?: unknown };
    if (c.final) {
      final = true;
      if (body.counts === null || typeof body.counts !== "object" || canonicalJson(body.counts) !== canonicalJson(seen)) throw invalid("the row counts do not match the rows");
      return [];
    }
    if (!Array.isArray(body.rows)) throw invalid("a chunk without rows");
    return (body.rows as unknown[]).map((item) => {
      if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== "string") throw invalid("a row's shape in its chunk");
      const name = item[0];
      seen[name] = (seen[name] ?? 0) + 1;
      return [name, item[1] as unknown];
    });
  };
  const next = async (): Promise<string | undefined> => {
    for (;;) {
      const l = await lines.next();
      if (l.done) return undefined;
      if (l.value.length > 0) return l.value;
    }
  };
  // The first chunk is opened now: its tag covers the header, so the header is trusted before anyone reads it.
  const close = async (): Promise<void> => {
    await lines.return(undefined);
  };
  let first0: [string, unknown][];
  try {
    const line0 = await next();
    if (line0 === undefined) throw new AppError(422, "BACKUP_TRUNCATED", "The backup ends before its final chunk (cut off); nothing was restored");
    first0 = take(line0);
  } catch (err) {
    await close();
    throw err;
  }
  async function* rows(): AsyncGenerator<[string, unknown]> {
    yield* first0;
    for (let line = await next(); line !== undefined; line = await next()) yield* take(line);
    if (!final) throw new AppError(422, "BACKUP_TRUNCATED", "The backup ends before its final chunk (cut off); nothing was restored");
    done = true;
  }
  return {
    tenantId: h.tenantId,
    exportedAt: h.exportedAt,
    keyId: h.keyId,
    rows: rows(),
    close,
    read: () => {
      if (!done) throw new Error("the backup was not read to the end");
      return { sha256: hash.digest("hex"), tags };
    },
  };
}

async function readStart(file: string, bytes: number): Promise<string> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString("utf8");
  } finally {
    await fh.close();
  }
}

/** The last line of a file (at most `max` bytes back). */
async function readLastLine(file: string, max: number): Promise<string> {
  const fh = await open(file, "r");
  try {
    const size = (await fh.stat()).size;
    const n = Math.min(size, max);
    const buf = Buffer.alloc(n);
    await fh.read(buf, 0, n, size - n);
    const text = buf.toString("utf8").replace(/\n+$/, "");
    return text.slice(text.lastIndexOf("\n") + 1);
  } finally {
    await fh.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Row by row

const PROPERTY = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
const SEQ_KEY = /^\d{10}$/;
/** Azure Tables: a string property holds 32K UTF-16 characters, an entity about 1 MiB. */
const MAX_STRING = 32_768;
const MAX_ROW_CHARS = 1_000_000;
/** Rows of a table other than a chain's are planned and written this many at a time (one transaction). */
const WINDOW = 100;

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

const CHAIN_TABLES: ReadonlySet<string> = new Set(["Events", "AdminLog"]);

/** A piece of a backup planned and written as one: a whole chain partition, or up to WINDOW rows of one partition of another table. */
interface Unit {
  table: TableName;
  pk: string;
  rows: BackupRow[];
  /** The place of its first row in its table (for errors). */
  first: number;
}

/** Checks one row's keys, tenant and property shapes (BACKUP_ROW_INVALID naming the table and place). */
function checkRow(name: string, i: number, row: unknown, tenantId: string): BackupRow {
  if (row === null || typeof row !== "object" || Array.isArray(row)) throw rowInvalid(name, i, "not an entity");
  const r = row as Record<string, unknown>;
  const pk = r.partitionKey;
  const rk = r.rowKey;
  if (typeof pk !== "string" || typeof rk !== "string" || !isSafeKey(pk) || !isSafeKey(rk)) throw rowInvalid(name, i, "partition or row key missing or not a valid key");
  const parts = pk.split("|");
  if (parts[0] !== key(tenantId)) throw rowInvalid(name, i, "a row of another tenant");
  if (parts.some((p) => p.length === 0)) throw rowInvalid(name, i, "partition key shape");
  if (JSON.stringify(r).length > MAX_ROW_CHARS) throw rowInvalid(name, i, "larger than a table row may be");
  for (const [k, v] of Object.entries(r)) {
    if (k === "partitionKey" || k === "rowKey") continue;
    if (!PROPERTY.test(k) || k === "PartitionKey" || k === "RowKey" || k === "Timestamp") throw rowInvalid(name, i, "a property name that is not allowed");
    if (typeof v === "string" ? v.length > MAX_STRING : typeof v === "number" ? !Number.isFinite(v) : typeof v !== "boolean")
      throw rowInvalid(name, i, "a property value of the wrong type or size");
  }
  if (name === "Events" && parts.length !== 2) throw rowInvalid(name, i, "partition key shape (tenant|student)");
  if (name === "AdminLog" && !adminPartition(tenantId, pk)) throw rowInvalid(name, i, "partition key shape");
  return r as BackupRow;
}

/** Recomputes a whole chain partition: a student's register (hashes, links, HEAD and its state) or an administrative log. */
function checkChain(u: Unit): void {
  const head = u.rows.find((r) => r.rowKey === "HEAD");
  if (head && (typeof head.seq !== "number" || typeof head.hash !== "string")) throw rowInvalid(u.table, u.first, "HEAD without seq and hash");
  const items: Record<string, unknown>[] = [];
  u.rows.forEach((r, k) => {
    if (r.rowKey === "HEAD") return;
    const e = parseJson(r.data);
    const agrees = u.table === "Events" ? e !== undefined && e.seq === r.seq && e.hash === r.hash && e.type === r.type : true;
    if (!SEQ_KEY.test(r.rowKey) || !e || e.seq !== Number(r.rowKey) || !agrees) throw rowInvalid(u.table, u.first + k, u.table === "Events" ? "event row shape" : "log entry shape");
    items.push(e);
  });
  let problems: unknown[];
  if (u.table === "Events") {
    const state = head ? headState(head) : undefined;
    try {
      const h = head ? { seq: Number(head.seq), hash: String(head.hash), ...(state ? { state: JSON.parse(state) as RegisterEvent[] } : {}) } : undefined;
      problems = verifyChain(u.pk.split("|")[1] ?? "", items as unknown as RegisterEvent[], h);
    } catch {
      problems = ["unreadable"];
    }
    if (problems.length > 0) throw rowInvalid(u.table, u.first, "a register chain that does not verify");
    return;
  }
  const entries = (items as unknown as AdminLogEntry[]).sort((a, b) => a.seq - b.seq);
  const last = entries[entries.length - 1];
  try {
    problems = verifyAdminChain(entries);
  } catch {
    problems = ["unreadable"];
  }
  const headOk = head ? last !== undefined && last.seq === Number(head.seq) && last.hash === String(head.hash) : entries.length === 0;
  if (problems.length > 0 || !headOk) throw rowInvalid(u.table, u.first, "an administrative log whose chain does not verify");
}

/**
 * Checks a backup's rows as they come and groups them into units. Memory: the largest chain partition
 * (a student's register, the administrative log), one window of other rows, and the partition keys seen
 * (to refuse a partition or table whose rows are not together, and keys given twice).
 */
async function* unitsOf(rows: AsyncIterable<[string, unknown]>, tenantId: string): AsyncGenerator<Unit> {
  const doneTables = new Set<string>();
  let table: TableName | undefined;
  let donePks = new Set<string>();
  let currentPk: string | undefined;
  let rks = new Set<string>();
  let unit: Unit | undefined;
  let index = 0;
  const flush = (): Unit | undefined => {
    const u = unit;
    unit = undefined;
    if (u && CHAIN_TABLES.has(u.table)) checkChain(u);
    return u;
  };
  for await (const [name, row] of rows) {
    if (name !== table) {
      const u = flush();
      if (u) yield u;
      if (!(TABLES as readonly string[]).includes(name)) throw rowInvalid(name.slice(0, 40), 0, "unknown table");
      if (doneTables.has(name)) throw rowInvalid(name, 0, "the table's rows are not together");
      if (table) doneTables.add(table);
      table = name as TableName;
      donePks = new Set();
      currentPk = undefined;
      index = 0;
    }
    const r = checkRow(name, index, row, tenantId);
    if (r.partitionKey !== currentPk) {
      const u = flush();
      if (u) yield u;
      if (currentPk !== undefined) donePks.add(currentPk);
      if (donePks.has(r.partitionKey)) throw rowInvalid(name, index, "the partition's rows are not together");
      currentPk = r.partitionKey;
      rks = new Set();
    } else if (!CHAIN_TABLES.has(name) && unit && unit.rows.length >= WINDOW) {
      const u = flush();
      if (u) yield u;
    }
    if (rks.has(r.rowKey)) throw rowInvalid(name, index, "the same keys twice");
    rks.add(r.rowKey);
    unit ??= { table, pk: r.partitionKey, rows: [], first: index };
    unit.rows.push(r);
    index++;
  }
  const u = flush();
  if (u) yield u;
}

// ---------------------------------------------------------------------------------------------
// Restore: never replaces history

const same = (a: BackupRow | undefined, b: BackupRow): boolean => a !== undefined && canonicalJson(a) === canonicalJson(b);

interface UnitPlan {
  writes: BackupRow[];
  kept: number;
  chainRestored: boolean;
  adminLogAside: number;
}

/**
 * What a restore writes for one unit, or RESTORE_CONFLICT:
 * - a register chain (a student's Events partition) is written whole when the store has none; when
 *   the store has one, every event of the backup must be there unchanged (the live chain is the same or
 *   longer) and nothing is written; a partition without its HEAD whose rows are all the backup's (a
 *   restore interrupted half-way) is completed; otherwise the restore is refused: it would replace history.
 * - the administrative log: when the live log holds the backup's entries unchanged, nothing is written;
 *   else the backup's log goes aside, whole, to the partition "tenant|restored|<restoreId>" (the live
 *   log keeps running, the old one is kept beside it). A kept-aside partition the store already has
 *   must be equal, or the restore is refused.
 * - any other row is added when absent and left as the store has it when present (never overwritten).
 *   `liveKeys` holds the row keys of the partition being restored (read once per partition).
 */
async function planUnit(storage: Storage, tenantId: string, u: Unit, restoreId: string, liveKeys: { pk?: string; keys: Set<string> }): Promise<UnitPlan> {
  const plan: UnitPlan = { writes: [], kept: 0, chainRestored: false, adminLogAside: 0 };
  const partition = odata`PartitionKey eq ${u.pk}`;
  if (!CHAIN_TABLES.has(u.table)) {
    if (liveKeys.pk !== `${u.table}\u0000${u.pk}`) {
      liveKeys.pk = `${u.table}\u0000${u.pk}`;
      liveKeys.keys = new Set((await storage.list(u.table, partition, ["RowKey"])).map((e) => String(e.rowKey)));
    }
    for (const r of u.rows) {
      if (liveKeys.keys.has(r.rowKey)) plan.kept++;
      else plan.writes.push(r);
    }
    return plan;
  }
  const have = new Map((await storage.list(u.table, partition)).map((e) => [String(e.rowKey), toRow(e)]));
  if (have.size === 0) {
    plan.writes = u.rows;
    plan.chainRestored = u.table === "Events";
    return plan;
  }
  if (have.has("HEAD") && u.rows.every((r) => r.rowKey === "HEAD" || same(have.get(r.rowKey), r))) {
    plan.kept = u.rows.length;
    return plan;
  }
  // A partition an interrupted restore left half-written (its HEAD comes last): every row there is the
  // backup's, so the missing ones complete it.
  const mine = new Map(u.rows.map((r) => [r.rowKey, r]));
  if (!have.has("HEAD") && [...have.values()].every((r) => same(mine.get(r.rowKey), r))) {
    plan.writes = u.rows.filter((r) => !have.has(r.rowKey));
    plan.kept = have.size;
    return plan;
  }
  if (u.table === "AdminLog" && u.pk === key(tenantId)) {
    const aside = key(tenantId, "restored", restoreId);
    plan.writes = u.rows.map((r) => ({ ...r, partitionKey: aside }));
    plan.adminLogAside = u.rows.filter((r) => r.rowKey !== "HEAD").length;
    return plan;
  }
  throw new AppError(409, "RESTORE_CONFLICT", `Restoring would replace existing history in table ${u.table}; nothing was restored`, [{ table: u.table }]);
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

/** restoreUnits, with the backup file closed after it whatever happens. */
function runRestore(...args: Parameters<typeof restoreUnits>): ReturnType<typeof restoreUnits> {
  return restoreUnits(...args).finally(() => args[1].close());
}

/**
 * Goes through a backup unit by unit: checks every row and chain and plans each unit against the store;
 * with `write`, writes the unit ("create": a row that appeared meanwhile fails) and reads it back before
 * the next. Without, nothing is written (the check before a proposal and before an approved restore).
 */
async function restoreUnits(
  storage: Storage,
  opened: OpenedBackup,
  tenantId: string,
  restoreId: string,
  write: { integrity: IntegrityKeys } | undefined,
): Promise<RestoreResult & { rows: number }> {
  if (opened.tenantId !== tenantId) throw new AppError(422, "BACKUP_WRONG_TENANT", "The backup is of another tenant than yours; nothing was restored");
  const out = { rows: 0, rowsWritten: 0, rowsKept: 0, chainsRestored: 0, adminLogAside: 0, verified: true, unsealedHeads: 0 };
  const liveKeys: { pk?: string; keys: Set<string> } = { keys: new Set() };
  for await (const u of unitsOf(opened.rows, tenantId)) {
    out.rows += u.rows.length;
    const plan = await planUnit(storage, tenantId, u, restoreId, liveKeys);
    out.rowsKept += plan.kept;
    out.adminLogAside += plan.adminLogAside;
    if (plan.chainRestored) out.chainsRestored++;
    if (plan.writes.length === 0) continue;
    if (!write) {
      out.rowsWritten += plan.writes.length;
      continue;
    }
    await storage.transact(u.table, plan.writes.map((r): TransactionAction => ["create", { ...r }]));
    out.rowsWritten += plan.writes.length;
    for (const r of plan.writes) liveKeys.keys.add(r.rowKey);
    // Read back: a chain's partition at once; other rows one by one (a window of a large partition must not list all of it).
    const back = CHAIN_TABLES.has(u.table)
      ? new Map((await storage.list(u.table, odata`PartitionKey eq ${plan.writes[0]?.partitionKey ?? u.pk}`)).map((e) => [String(e.rowKey), toRow(e)]))
      : new Map(
          (await mapLimited(plan.writes, 8, (r) => storage.getOrUndefined(u.table, r.partitionKey, r.rowKey))).flatMap((e) => (e ? [[String(e.rowKey), toRow(e)] as const] : [])),
        );
    for (const r of plan.writes) {
      if (!same(back.get(r.rowKey), r)) out.verified = false;
      if (u.table === "Events" && r.rowKey === "HEAD") {
        const seal = { keyId: typeof r.macKeyId === "string" ? r.macKeyId : "", mac: typeof r.mac === "string" ? r.mac : "" };
        if (!write.integrity.verify("head", headSealText(r.partitionKey, Number(r.seq), String(r.hash), headState(r)), seal)) out.unsealedHeads++;
      }
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

  private async open(name: string, expectTags?: readonly Buffer[]): Promise<OpenedBackup> {
    const f = this.file(name);
    try {
      if (!(await stat(f)).isFile()) throw notFound("Backup");
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw notFound("Backup");
    }
    return openStoredBackup(this.keys, f, expectTags);
  }

  /** What the list shows of a file: a chunked backup's header and the counts of its final chunk; a version 2 file's header. */
  private async describe(f: string): Promise<Omit<StoredBackup, "name" | "bytes"> & { tenantId: string }> {
    if (isWholeFileBackup(await readStart(f, 64))) {
      const h = readHeader(await readFile(f, "utf8"));
      return { tenantId: h.tenantId, exportedAt: h.exportedAt, keyId: h.keyId, counts: h.counts };
    }
    const h = readChunkedHeader((await readStart(f, 4096)).split("\n")[0] ?? "");
    let counts: Record<string, number> = {};
    try {
      const last = await readLastLine(f, 64 * 1024);
      const i = (JSON.parse(last) as { i?: unknown }).i;
      const c = typeof i === "number" ? openChunk(this.keys, h, i, last) : undefined;
      const body = c?.final ? (JSON.parse(c.plain) as { counts?: Record<string, number> }) : undefined;
      if (body?.counts) counts = body.counts;
    } catch {
      // An unknown key, or a file cut off: listed without counts (a proposal says why it cannot be restored).
    }
    return { tenantId: h.tenantId, exportedAt: h.exportedAt, keyId: h.keyId, counts };
  }

  /** The stored backups of this tenant (from their headers and final chunks), newest first. */
  async list(tenantId: string): Promise<StoredBackup[]> {
    if (!this.dir) return [];
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: StoredBackup[] = [];
    for (const name of names.filter((n) => BACKUP_NAME.test(n))) {
      try {
        const f = this.file(name);
        const st = await stat(f);
        if (!st.isFile()) continue;
        const { tenantId: t, ...d } = await this.describe(f);
        if (t === tenantId) out.push({ name, bytes: st.size, ...d });
      } catch {
        continue; // not a backup: not listed
      }
    }
    return out.sort((a, b) => (a.exportedAt < b.exportedAt ? 1 : a.exportedAt > b.exportedAt ? -1 : 0));
  }

  /** Reads, decrypts and checks a stored backup for this tenant, chunk by chunk and row by row, writing nothing: its SHA-256 (the proposal binds to it) and counts. */
  async check(tenantId: string, name: string): Promise<{ sha256: string; exportedAt: string; rows: number }> {
    const opened = await this.open(name);
    const r = await runRestore(this.storage, opened, tenantId, "check", undefined);
    return { sha256: opened.read().sha256, exportedAt: opened.exportedAt, rows: r.rows };
  }

  /**
   * Restores an approved backup: the same file as proposed (its SHA-256). A first reading checks it whole
   * and writes nothing; the second writes unit by unit, and every chunk must be the one the first reading
   * checked (its tag), so memory stays bounded and nothing unchecked is written.
   */
  async restore(tenantId: string, name: string, sha256: string, restoreId: string): Promise<RestoreResult> {
    const first = await this.open(name);
    await runRestore(this.storage, first, tenantId, restoreId, undefined);
    const checked = first.read();
    if (checked.sha256 !== sha256) throw new AppError(409, "CONFLICT", "The backup file changed after the restore was proposed; nothing was restored");
    const second = await this.open(name, checked.tags);
    const { rows: _rows, ...result } = await runRestore(this.storage, second, tenantId, restoreId, { integrity: this.integrity });
    if (second.read().sha256 !== sha256) result.verified = false;
    if (result.rowsWritten > 0) this.restored(tenantId);
    return result;
  }
}
