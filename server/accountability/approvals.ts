import { randomBytes } from "node:crypto";
import { odata } from "@azure/data-tables";
import type { ApprovalRecord, ProposalInput } from "../../contract/admin.js";
import { AppError, notFound } from "../shared/errors.js";
import { key, type Storage } from "../shared/storage.js";
import { mayAccessSchool, type Principal } from "../identity/auth.js";
import type { DirectoryService } from "../directory/service.js";
import type { PurgeReport } from "../../contract/retention.js";
import type { AdminLog } from "./admin-log.js";

/**
 * Four eyes on destruction (issue 16): lowering a retention period, a manual purge and a restore of a
 * stored backup are proposed by one person and carried out only when a second person approves: another
 * coordinator of the school, or the board's privacy officer (who sees every school, so a school with one
 * coordinator is never locked out). A purge or a restore touches every school: its proposer and
 * approver must see every school. Every
 * step (proposal, approval, rejection, and what the approval did) is in the administrative log with
 * who, when and why; the purge's tombstones name both people.
 */
/** What the approval service needs of the retention purge (server/retention/service.ts; a port, so retention may depend on accountability and not back). */
export interface Purger {
  purge(
    tenantId: string,
    opts: { dryRun: boolean; trigger: "manual"; authority: { purgedBy: string; approvedBy: string; reason: string; approvalId: string } },
  ): Promise<PurgeReport>;
}

/**
 * What the approval service needs of the backups (server/backup/service.ts, a port like Purger): check a
 * stored backup for the caller's tenant (decrypts, every row, the store's chains; throws with a code)
 * and restore exactly the file that was proposed (its SHA-256).
 */
export interface Restorer {
  check(tenantId: string, name: string): Promise<{ sha256: string; exportedAt: string; rows: number }>;
  restore(tenantId: string, name: string, sha256: string, restoreId: string): Promise<Record<string, number | boolean>>;
}

/** What the approval service needs of the register (server/register/repository.ts): sealing pre-MAC HEAD rows whose chain verifies. */
export interface Resealer {
  resealUnsealed(tenantId: string): Promise<{ chains: number; resealed: number; refused: number }>;
}

export class ApprovalService {
  constructor(
    private readonly storage: Storage,
    private readonly directory: DirectoryService,
    private readonly retention: Purger,
    private readonly log: AdminLog,
    private readonly ports: { backups?: Restorer; register?: Resealer } = {},
  ) {}

  private pk(tenantId: string): string {
    return key(tenantId, "approval");
  }

  private async load(tenantId: string, id: string): Promise<{ rec: ApprovalRecord; etag: string }> {
    const e = await this.storage.getOrUndefined("Meta", this.pk(tenantId), key(id));
    if (!e) throw notFound("Approval");
    return { rec: JSON.parse(String(e.data)) as ApprovalRecord, etag: String(e.etag) };
  }

  /** The school of an approval (undefined: a tenant-wide one); the school scope of its routes. */
  async schoolOf(tenantId: string, id: string): Promise<string[] | undefined> {
    const e = await this.storage.getOrUndefined("Meta", this.pk(tenantId), key(id)).catch(() => undefined);
    if (!e) return undefined;
    const rec = JSON.parse(String(e.data)) as ApprovalRecord;
    return rec.schoolId ? [rec.schoolId] : [];
  }

  private mayDecide(p: Principal, rec: Pick<ApprovalRecord, "schoolId">): boolean {
    if (p.roles.includes("privacy-officer")) return true;
    return rec.schoolId ? mayAccessSchool(p.schools, rec.schoolId) : p.schools === "all";
  }

  async propose(p: Principal, input: ProposalInput): Promise<ApprovalRecord> {
    if (input.kind === "retention-change") await this.directory.policy(p.tenantId, input.schoolId ?? "");
    else if (p.schools !== "all") throw new AppError(403, "FORBIDDEN", `A ${input.kind} touches every school: only someone who sees every school may propose it`);
    // A restore is checked whole before anyone is asked to approve it: a backup that would be refused is refused now.
    const checked = input.kind === "restore" ? await this.restorer().check(p.tenantId, input.backup ?? "") : undefined;
    const at = new Date();
    const id = `ap-${String(9_999_999_999_999 - at.getTime()).padStart(13, "0")}-${randomBytes(4).toString("hex")}`;
    const rec: ApprovalRecord = {
      id,
      kind: input.kind,
      state: "proposed",
      ...(input.kind === "retention-change" && input.schoolId && input.retention ? { schoolId: input.schoolId, retention: input.retention } : {}),
      ...(checked && input.backup ? { backup: input.backup, backupSha256: checked.sha256 } : {}),
      proposedBy: p.userId,
      proposedAt: at.toISOString(),
      reason: input.reason,
    };
    await this.storage.run("Meta", (t) => t.createEntity({ partitionKey: this.pk(p.tenantId), rowKey: key(id), data: JSON.stringify(rec) }));
    await this.log.append(p.tenantId, {
      by: p.userId,
      action: "proposal",
      operation: "POST /approvals",
      schoolIds: rec.schoolId ? [rec.schoolId] : [],
      target: id,
      reason: input.reason,
      details: {
        kind: input.kind,
        ...(rec.retention ? flat("retention", rec.retention) : {}),
        ...(checked && rec.backup ? { backup: rec.backup, backupSha256: checked.sha256, backupExportedAt: checked.exportedAt, backupRows: checked.rows } : {}),
      },
    });
    return rec;
  }

  private restorer(): Restorer {
    if (!this.ports.backups) throw new AppError(404, "NOT_FOUND", "Backups are not configured here (BACKUP_DIR)");
    return this.ports.backups;
  }

  async list(p: Principal): Promise<ApprovalRecord[]> {
    const rows = await this.storage.list("Meta", odata`PartitionKey eq ${this.pk(p.tenantId)}`);
    return rows
      .sort((a, b) => String(a.rowKey).localeCompare(String(b.rowKey)))
      .map((r) => JSON.parse(String(r.data)) as ApprovalRecord)
      .filter((r) => (r.schoolId ? mayAccessSchool(p.schools, r.schoolId) : p.schools === "all"));
  }

  /** Decides a proposal; an approval carries it out at once. The proposer can never decide their own. */
  async decide(p: Principal, id: string, approve: boolean, reason: string): Promise<ApprovalRecord> {
    const { rec, etag } = await this.load(p.tenantId, id);
    if (!this.mayDecide(p, rec)) throw notFound("Approval");
    if (rec.state !== "proposed") throw new AppError(409, "CONFLICT", `This proposal is already ${rec.state}`);
    if (rec.proposedBy === p.userId)
      throw new AppError(403, "SECOND_PERSON_REQUIRED", {
        en: "Another person must decide: another coordinator of the school or the privacy officer",
        nl: "Een ander moet beslissen: een andere coördinator van de school of de privacy officer",
      });
    const decided: ApprovalRecord = { ...rec, state: approve ? "approved" : "rejected", decidedBy: p.userId, decidedAt: new Date().toISOString(), decisionReason: reason };
    // The ETag: two people deciding at once, one wins.
    await this.storage.run("Meta", (t) =>
      t.updateEntity({ partitionKey: this.pk(p.tenantId), rowKey: key(id), data: JSON.stringify(decided) }, "Replace", { etag }),
    );
    await this.log.append(p.tenantId, {
      by: p.userId,
      action: approve ? "approval" : "rejection",
      operation: `POST /approvals/:id/${approve ? "approve" : "reject"}`,
      schoolIds: rec.schoolId ? [rec.schoolId] : [],
      target: id,
      reason,
      details: { kind: rec.kind, proposedBy: rec.proposedBy },
    });
    if (!approve) return decided;
    let result: Record<string, string | number | boolean>;
    try {
      result = await this.execute(p, decided);
    } catch (err) {
      // A restore refused when carried out (the file or the store changed since the proposal): the record
      // says so, the log says who asked, who approved and why it was refused, and the caller gets the error.
      if (decided.kind !== "restore" || !(err instanceof AppError)) throw err;
      const failed: ApprovalRecord = { ...decided, state: "failed", result: { error: err.code } };
      await this.storage.run("Meta", (t) => t.upsertEntity({ partitionKey: this.pk(p.tenantId), rowKey: key(id), data: JSON.stringify(failed) }, "Replace"));
      await this.log.append(p.tenantId, {
        by: rec.proposedBy,
        approvedBy: p.userId,
        action: "restore",
        operation: "approval",
        schoolIds: [],
        target: id,
        reason: rec.reason,
        details: { backup: rec.backup ?? "", refused: err.code },
      });
      throw err;
    }
    const executed: ApprovalRecord = { ...decided, state: "executed", result };
    await this.storage.run("Meta", (t) => t.upsertEntity({ partitionKey: this.pk(p.tenantId), rowKey: key(id), data: JSON.stringify(executed) }, "Replace"));
    return executed;
  }

  private async execute(p: Principal, rec: ApprovalRecord): Promise<Record<string, string | number | boolean>> {
    const approvedBy = p.userId;
    if (rec.kind === "retention-change" && rec.schoolId && rec.retention) {
      const current = await this.directory.policy(p.tenantId, rec.schoolId);
      await this.directory.putPolicy(p.tenantId, { ...current, retention: rec.retention }, { approved: true });
      await this.log.append(p.tenantId, {
        by: rec.proposedBy,
        approvedBy,
        action: "policy-change",
        operation: "approval",
        schoolIds: [rec.schoolId],
        target: rec.id,
        reason: rec.reason,
        details: { ...flat("from", current.retention), ...flat("to", rec.retention) },
      });
      return { schoolId: rec.schoolId };
    }
    if (rec.kind === "purge") {
      const r = await this.retention.purge(p.tenantId, {
        dryRun: false,
        trigger: "manual",
        authority: { purgedBy: rec.proposedBy, approvedBy, reason: rec.reason, approvalId: rec.id },
      });
      const result = { reportId: r.id, studentsPurged: r.studentsPurged, eventsRemoved: r.eventsRemoved, failures: r.failures };
      await this.log.append(p.tenantId, {
        by: rec.proposedBy,
        approvedBy,
        action: "purge",
        operation: "approval",
        schoolIds: [],
        target: rec.id,
        reason: rec.reason,
        details: { ...result, directoryRecords: r.directoryRecords ?? 0, ...flat("removed", r.removedByType) },
      });
      return result;
    }
    if (rec.kind === "restore" && rec.backup && rec.backupSha256) {
      const r = await this.restorer().restore(p.tenantId, rec.backup, rec.backupSha256, rec.id);
      const result = { backup: rec.backup, ...r };
      await this.log.append(p.tenantId, {
        by: rec.proposedBy,
        approvedBy,
        action: "restore",
        operation: "approval",
        schoolIds: [],
        target: rec.id,
        reason: rec.reason,
        details: { ...result, backupSha256: rec.backupSha256 },
      });
      return result;
    }
    if (rec.kind === "reseal" && this.ports.register) {
      const result = await this.ports.register.resealUnsealed(p.tenantId);
      await this.log.append(p.tenantId, {
        by: rec.proposedBy,
        approvedBy,
        action: "reseal",
        operation: "approval",
        schoolIds: [],
        target: rec.id,
        reason: rec.reason,
        details: result,
      });
      return result;
    }
    return {};
  }
}

function flat(prefix: string, o: object): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") out[`${prefix}.${k}`] = v;
  return out;
}
