import type { AuditStatus } from "../../contract/admin.js";
import { key, type Storage } from "../shared/storage.js";
import type { IntegrityKeys } from "./integrity.js";

/**
 * The outcome of the last audit of a tenant's register, one row in Meta (PK tenant, RK "audit-status"),
 * written by every full audit (GET /api/audit/verify and the scheduled audit before each checkpoint) and
 * read by the tab at load (GET /api/audit/status): one row, so the banner costs nothing. The row carries
 * a keyed MAC: whoever holds only the storage key cannot turn "failed" into "ok" unseen (a row whose MAC
 * fails is itself reported as a failure). Counts per kind of problem only: no student ids.
 */
const RK = "audit-status";
const sealText = (tenantId: string, ok: boolean, at: string, problems: string): string => JSON.stringify([tenantId, ok, at, problems]);

export class AuditStatusStore {
  constructor(
    private readonly storage: Storage,
    private readonly keys: IntegrityKeys,
  ) {}

  async record(tenantId: string, ok: boolean, problems: Record<string, number>, at = new Date()): Promise<void> {
    const text = JSON.stringify(problems);
    const iso = at.toISOString();
    const seal = this.keys.seal("audit-status", sealText(tenantId, ok, iso, text));
    await this.storage.run("Meta", (t) =>
      t.upsertEntity({ partitionKey: key(tenantId), rowKey: RK, ok, at: iso, problems: text, keyId: seal.keyId, mac: seal.mac }, "Replace"),
    );
  }

  async read(tenantId: string): Promise<AuditStatus> {
    const row = await this.storage.getOrUndefined("Meta", key(tenantId), RK);
    if (!row) return { state: "unchecked", problems: {} };
    const ok = row.ok === true;
    const at = String(row.at);
    const text = String(row.problems);
    if (!this.keys.verify("audit-status", sealText(tenantId, ok, at, text), { keyId: String(row.keyId), mac: String(row.mac) }))
      return { state: "failed", at, problems: { "status-mac-invalid": 1 } };
    let problems: Record<string, number> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object") problems = Object.fromEntries(Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === "number"));
    } catch {
      // sealed, so written by us: never unparsable in practice
    }
    return { state: ok ? "ok" : "failed", at, problems };
  }
}
