import { odata, type TransactionAction } from "@azure/data-tables";
import type { AdminAction, AdminLogEntry } from "../../contract/admin.js";
import { AppError } from "../shared/errors.js";
import { canonicalJson, sha256Hex } from "../shared/hash.js";
import { conflictPause, isConflict, key, type Storage } from "../shared/storage.js";
import type { IntegrityKeys } from "../register/integrity.js";
import { mayAccessSchool, type SchoolAccess } from "../identity/auth.js";

/**
 * The administrative log (issue 16): every change and decision that is not a register event (imports,
 * directory and policy changes, legal holds, purges, restores, overrides, exports, four-eyes proposals
 * and approvals), append-only in the AdminLog table (PK tenant, RK sequence). Like the register it is a
 * hash chain (server/shared/hash.ts: each entry holds the SHA-256 of the one before), and its HEAD row
 * carries a keyed MAC (register/integrity.ts) over sequence and last hash, so rewriting the log with the
 * storage key alone shows. Entries hold ids, never names or addresses.
 */

export type NewAdminEntry = Omit<AdminLogEntry, "seq" | "prevHash" | "hash" | "at"> & { at?: string };

export const ADMIN_GENESIS = "0".repeat(64);
const seqKey = (seq: number): string => String(seq).padStart(10, "0");

export function adminEntryHash(e: Omit<AdminLogEntry, "hash">): string {
  return sha256Hex(canonicalJson(e));
}

const headText = (tenantId: string, seq: number, hash: string): string => JSON.stringify([tenantId, seq, hash]);

export class AdminLog {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly storage: Storage,
    private readonly keys: IntegrityKeys,
  ) {}

  /** Appends one entry (serialised per tenant in this process; an ETag on HEAD for other instances). */
  append(tenantId: string, entry: NewAdminEntry): Promise<AdminLogEntry> {
    const prev = this.queues.get(tenantId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.appendNow(tenantId, entry));
    this.queues.set(tenantId, next);
    void next.finally(() => {
      if (this.queues.get(tenantId) === next) this.queues.delete(tenantId);
    }).catch(() => undefined);
    return next;
  }

  private async appendNow(tenantId: string, entry: NewAdminEntry): Promise<AdminLogEntry> {
    const pk = key(tenantId);
    for (let attempt = 0; attempt < 20; attempt++) {
      const head = await this.storage.getOrUndefined("AdminLog", pk, "HEAD");
      if (head && !this.keys.verify("admin-log", headText(tenantId, Number(head.seq), String(head.hash)), { keyId: String(head.keyId), mac: String(head.mac) }))
        throw new AppError(503, "REGISTER_INTEGRITY", "The administrative log's head fails its keyed MAC; nothing is added until it is examined");
      const seq = (head ? Number(head.seq) : 0) + 1;
      const prevHash = head ? String(head.hash) : ADMIN_GENESIS;
      const body: Omit<AdminLogEntry, "hash"> = { ...entry, at: entry.at ?? new Date().toISOString(), seq, prevHash };
      const full: AdminLogEntry = { ...body, hash: adminEntryHash(body) };
      const seal = this.keys.seal("admin-log", headText(tenantId, seq, full.hash));
      const headRow = { partitionKey: pk, rowKey: "HEAD", seq, hash: full.hash, keyId: seal.keyId, mac: seal.mac };
      const actions: TransactionAction[] = [
        head ? ["update", headRow, "Replace", { etag: String(head.etag) }] : ["create", headRow],
        ["create", { partitionKey: pk, rowKey: seqKey(seq), data: JSON.stringify(full) }],
      ];
      try {
        await this.storage.run("AdminLog", (t) => t.submitTransaction(actions));
        return full;
      } catch (err) {
        if (!isConflict(err)) throw err;
        await conflictPause(attempt);
      }
    }
    throw new AppError(409, "CONFLICT", "The administrative log is busy; try again");
  }

  /**
   * One page of the log (`offset` entries skipped), newest first, as far as the caller's schools reach (an entry about no school, a
   * tenant-wide one, is shown to all who may read the log), with the whole chain verified.
   */
  async read(
    tenantId: string,
    schools: SchoolAccess,
    limit: number,
    offset = 0,
  ): Promise<{ entries: AdminLogEntry[]; total: number; verified: boolean; problems: { seq: number; problem: string }[] }> {
    const rows = await this.storage.list("AdminLog", odata`PartitionKey eq ${key(tenantId)}`);
    const headRow = rows.find((r) => r.rowKey === "HEAD");
    const entries = rows
      .filter((r) => r.rowKey !== "HEAD")
      .map((r) => JSON.parse(String(r.data)) as AdminLogEntry)
      .sort((a, b) => a.seq - b.seq);
    const problems = verifyAdminChain(entries);
    if (headRow) {
      const last = entries[entries.length - 1];
      const macOk = this.keys.verify("admin-log", headText(tenantId, Number(headRow.seq), String(headRow.hash)), {
        keyId: String(headRow.keyId),
        mac: String(headRow.mac),
      });
      if (!macOk) problems.push({ seq: Number(headRow.seq), problem: "head-mac-invalid" });
      if (!last || last.seq !== Number(headRow.seq) || last.hash !== String(headRow.hash)) problems.push({ seq: Number(headRow.seq), problem: "head-mismatch" });
    } else if (entries.length > 0) problems.push({ seq: 0, problem: "head-mismatch" });
    const visible = entries.filter((e) => e.schoolIds.length === 0 || e.schoolIds.some((s) => mayAccessSchool(schools, s))).reverse();
    return { entries: visible.slice(offset, offset + limit), total: visible.length, verified: problems.length === 0, problems };
  }
}

/** Every entry's hash recomputed and linked to the one before, from the genesis. */
export function verifyAdminChain(entries: AdminLogEntry[]): { seq: number; problem: string }[] {
  const out: { seq: number; problem: string }[] = [];
  let prev = ADMIN_GENESIS;
  let expect = 1;
  for (const e of entries) {
    if (e.seq !== expect) out.push({ seq: expect, problem: "missing-event" });
    const { hash, ...rest } = e;
    if (adminEntryHash(rest) !== hash) out.push({ seq: e.seq, problem: "hash-mismatch" });
    if (e.prevHash !== prev) out.push({ seq: e.seq, problem: "broken-link" });
    prev = e.hash;
    expect = e.seq + 1;
  }
  return out;
}

export type { AdminAction };
