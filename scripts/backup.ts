/**
 * Tenant backup and restore.
 *
 *   STORAGE_CONNECTION_STRING=... TABLE_PREFIX=zv tsx scripts/backup.ts export --tenant <tenant-id> --out backup.json
 *   STORAGE_CONNECTION_STRING=... TABLE_PREFIX=zvrestore tsx scripts/backup.ts restore --in backup.json
 *
 * Export writes every row of the tenant in every table (file mode 0600: it holds personal data).
 * Restore needs a store without rows of that tenant (a new TABLE_PREFIX or account), writes the rows,
 * re-exports and compares row by row, and verifies every event chain. Exit code 0 only when both hold.
 */
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { Storage } from "../server/shared/storage.js";
import { exportTenant, parseBackup, restoreTenant } from "../server/backup/service.js";
import { RegisterRepository } from "../server/register/repository.js";
import { verifyChain } from "../server/register/domain.js";
import { IntegrityKeys } from "../server/register/integrity.js";

export async function verifyChains(storage: Storage, tenantId: string): Promise<{ ok: boolean; studentsChecked: number; problems: number }> {
  const all = await new RegisterRepository(storage, IntegrityKeys.fromConfig(process.env.INTEGRITY_KEYS)).readAll(tenantId);
  let problems = 0;
  for (const [studentId, part] of all) problems += verifyChain(studentId, part.events, part.head).length;
  return { ok: problems === 0, studentsChecked: all.size, problems };
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { tenant: { type: "string" }, out: { type: "string" }, in: { type: "string" } },
  });
  const conn = process.env.STORAGE_CONNECTION_STRING;
  const prefix = process.env.TABLE_PREFIX ?? "zv";
  if (!conn || !/^[A-Za-z][A-Za-z0-9]{0,29}$/.test(prefix)) {
    console.error("Set STORAGE_CONNECTION_STRING and a valid TABLE_PREFIX");
    return 2;
  }
  const storage = new Storage(conn, prefix, 30_000);
  const cmd = positionals[0];
  if (cmd === "export" && values.tenant && values.out) {
    const backup = await exportTenant(storage, values.tenant.toLowerCase());
    writePrivate(values.out, JSON.stringify(backup));
    console.log(JSON.stringify({ exported: backup.counts }));
    return 0;
  }
  if (cmd === "restore" && values.in) {
    const backup = parseBackup(readFileSync(values.in, "utf8"));
    const r = await restoreTenant(storage, backup);
    const chains = await verifyChains(storage, backup.tenantId);
    console.log(JSON.stringify({ restored: r.rows, verified: r.verified, differences: r.differences, chains }));
    return r.verified && chains.ok ? 0 : 1;
  }
  console.error("usage: backup.ts export --tenant <id> --out <file> | restore --in <file>");
  return 2;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : "backup failed");
      process.exit(1);
    },
  );
}
export { main };

/**
 * Writes a file only its owner can read, whatever existed at that path before: `writeFile`'s mode applies
 * only when it creates the file, so an existing 0644 backup would stay readable. The data goes to a new
 * 0600 file beside it, which then replaces the old one (rename: never a moment with the old mode).
 */
export function writePrivate(file: string, data: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(tmp, "wx", 0o600);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, file);
  } catch (err) {
    unlinkSync(tmp);
    throw err;
  }
}
