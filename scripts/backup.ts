/**
 * Tenant backup (export only).
 *
 *   STORAGE_CONNECTION_STRING=... TABLE_PREFIX=zv BACKUP_KEYS=k1:<base64 of 32 bytes> \
 *     tsx scripts/backup.ts export --tenant <tenant-id> --out $BACKUP_DIR/tenant-2026-11-30.zvbackup
 *
 * Export writes every row of the tenant in every table, encrypted with AES-256-GCM under the first key
 * of BACKUP_KEYS (its key id in the file's header), in chunks as the rows are read (server/backup/crypto.ts,
 * version 3: bounded memory on both sides), to a file only its owner can read (0600, also over an older file). A restore is not done here: it goes through the API with a second person's approval
 * (POST /api/approvals {"kind": "restore", "backup": "<file name in BACKUP_DIR>"}); see docs/SECURITY.md.
 */
import { closeSync, fchmodSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { Storage, type TableName } from "../server/shared/storage.js";
import { backupLines, tenantRows, type BackupRow } from "../server/backup/service.js";
import { BackupKeys } from "../server/backup/crypto.js";
import { storageIsLoopback } from "../server/config.js";

export const RESTORE_MOVED =
  "Restore is no longer done by this script: it needs a second person's approval. Put the backup file in the server's BACKUP_DIR, " +
  'propose it with POST /api/approvals {"kind":"restore","backup":"<file name>","reason":"..."} and let another coordinator or the privacy officer approve it (docs/SECURITY.md).';

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: { tenant: { type: "string" }, out: { type: "string" } },
  });
  const cmd = positionals[0];
  if (cmd === "restore") {
    console.error(RESTORE_MOVED);
    return 2;
  }
  const conn = process.env.STORAGE_CONNECTION_STRING;
  const prefix = process.env.TABLE_PREFIX ?? "zv";
  if (!conn || !/^[A-Za-z][A-Za-z0-9]{0,29}$/.test(prefix)) {
    console.error("Set STORAGE_CONNECTION_STRING and a valid TABLE_PREFIX");
    return 2;
  }
  // The public dev key only for storage on this machine (like the server's dev mode); anywhere else a real key.
  const spec = process.env.BACKUP_KEYS;
  if (!spec && !storageIsLoopback(conn)) {
    console.error("Set BACKUP_KEYS (id:base64 of 32 bytes): backups are encrypted");
    return 2;
  }
  let keys: BackupKeys;
  try {
    keys = BackupKeys.fromConfig(spec);
  } catch (err) {
    console.error(`BACKUP_KEYS: ${err instanceof Error ? err.message : "invalid"}`);
    return 2;
  }
  const tenant = typeof values.tenant === "string" ? values.tenant : undefined;
  const out = typeof values.out === "string" ? values.out : undefined;
  if (cmd === "export" && tenant && out) {
    const storage = new Storage(conn, prefix, 30_000);
    const counts: Record<string, number> = {};
    const rows = async function* (): AsyncGenerator<[TableName, BackupRow]> {
      for await (const [table, row] of tenantRows(storage, tenant.toLowerCase())) {
        counts[table] = (counts[table] ?? 0) + 1;
        yield [table, row];
      }
    };
    await writePrivate(out, backupLines(keys, tenant.toLowerCase(), new Date().toISOString(), rows()));
    console.log(JSON.stringify({ exported: counts, keyId: keys.currentId }));
    return 0;
  }
  console.error("usage: backup.ts export --tenant <id> --out <file>");
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
 * only when it creates the file (and the umask may narrow it), so an existing 0644 backup would stay
 * readable. The lines go to a new file beside it as they come (a chunked backup: never the whole in
 * memory), set to 0600 after opening (fchmod), which then replaces the old one (rename: never a moment
 * with the old mode or the old contents half-written).
 */
export async function writePrivate(file: string, lines: AsyncIterable<string>): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(tmp, "wx", 0o600);
  try {
    fchmodSync(fd, 0o600);
    for await (const line of lines) writeSync(fd, line + "\n");
  } catch (err) {
    closeSync(fd);
    unlinkSync(tmp);
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (err) {
    unlinkSync(tmp);
    throw err;
  }
}
