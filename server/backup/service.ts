import { odata, type TransactionAction } from "@azure/data-tables";
import { AppError } from "../shared/errors.js";
import { key, TABLES, type Storage, type TableName } from "../shared/storage.js";
import { canonicalJson } from "../shared/hash.js";

/**
 * Tenant backup: every row of every table whose PartitionKey is the tenant ("tenant") or starts with
 * it ("tenant|..."), as JSON; restored into an empty store (another table prefix or account) and
 * verified equal row by row. Rows keep their keys and properties; ETags and timestamps are the
 * store's own and are not carried over.
 */
export type BackupValue = string | number | boolean | null;
export type BackupRow = Record<string, BackupValue> & { partitionKey: string; rowKey: string };

export interface TenantBackup {
  format: "zorgvuldig-tenant-backup";
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
    if (SYSTEM.has(k) || k.startsWith("odata.")) continue;
    if (v instanceof Date) throw new AppError(500, "INTERNAL", "A date property cannot be backed up as JSON");
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean" || v === null) row[k] = v;
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
    const rows = (await storage.list(name, tenantFilter(tenantId))).map((e) => toRow(e)).sort(byKeys);
    tables[name] = rows;
    counts[name] = rows.length;
  }
  return { format: "zorgvuldig-tenant-backup", version: 1, tenantId, exportedAt: at.toISOString(), tables, counts };
}

export function parseBackup(json: string): TenantBackup {
  const b = JSON.parse(json) as Partial<TenantBackup>;
  if (b.format !== "zorgvuldig-tenant-backup" || b.version !== 1 || typeof b.tenantId !== "string" || typeof b.tables !== "object" || b.tables === null)
    throw new AppError(422, "UNPROCESSABLE", "Not a Zorgvuldig tenant backup (format/version)");
  for (const name of Object.keys(b.tables)) {
    if (!(TABLES as readonly string[]).includes(name)) throw new AppError(422, "UNPROCESSABLE", `Unknown table in backup: ${name}`);
  }
  return b as TenantBackup;
}

/** Restores into a store that holds nothing of this tenant yet (refuses otherwise), then verifies. */
export async function restoreTenant(storage: Storage, backup: TenantBackup): Promise<{ rows: number; verified: boolean; differences: string[] }> {
  await storage.ensureTables();
  for (const name of TABLES) {
    const existing = await storage.list(name, tenantFilter(backup.tenantId), ["PartitionKey"]);
    if (existing.length > 0) throw new AppError(409, "CONFLICT", `The target already holds rows of this tenant (table ${name}); restore needs an empty store`);
  }
  let rows = 0;
  for (const name of TABLES) {
    const list = backup.tables[name] ?? [];
    // Each partition goes in transactions of 100: a partition is whole or (on a crash) partly there, never mixed with other data.
    await storage.transact(name, list.map((r): TransactionAction => ["create", { ...r }]));
    rows += list.length;
  }
  const differences = compareBackups(backup, await exportTenant(storage, backup.tenantId));
  return { rows, verified: differences.length === 0, differences };
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
