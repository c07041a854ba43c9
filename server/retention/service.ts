import { randomBytes } from "node:crypto";
import { odata, type TransactionAction } from "@azure/data-tables";
import { AppError } from "../shared/errors.js";
import { key, type Storage } from "../shared/storage.js";
import type { Logger } from "../shared/logger.js";
import { everyTenant } from "../shared/schedule.js";
import { purgeExpiredIdempotency } from "../shared/idempotency.js";
import { policyFor } from "../directory/domain.js";
import type { DirectoryRepository } from "../directory/repository.js";
import type { DirectoryService } from "../directory/service.js";
import { verifyChain, type RegisterEvent, type TombstoneEvent } from "../register/domain.js";
import { type Partition, type RegisterRepository } from "../register/repository.js";
import { clockStart, makeTombstone, planPurge, SCHEDULED_PURGE, studentState, type PurgeAuthority, type PurgeReport } from "./domain.js";

const seqKey = (seq: number): string => String(seq).padStart(10, "0");
/** Events removed per transaction: with the old tombstone, the new one and HEAD it stays under 100 actions. */
const BATCH = 97;

export interface LegalHold {
  studentId: string;
  legalHold: boolean;
  reason?: string;
  setBy?: string;
  setAt?: string;
}

/** Newest first: RowKeys that sort by inverted time. */
function newestFirstKey(at: Date): string {
  return `${String(9_999_999_999_999 - at.getTime()).padStart(13, "0")}_${randomBytes(4).toString("hex")}`;
}

export class RetentionService {
  private readonly running = new Map<string, Promise<PurgeReport>>();

  constructor(
    private readonly storage: Storage,
    private readonly directory: DirectoryService,
    private readonly directoryRepo: DirectoryRepository,
    private readonly register: RegisterRepository,
  ) {}

  private holdPk(tenantId: string): string {
    return key(tenantId, "legal-hold");
  }

  private reportPk(tenantId: string): string {
    return key(tenantId, "retention-report");
  }

  /** Students on hold by the API (the import's own `legalHold` counts too, see isOnHold). */
  private async holds(tenantId: string): Promise<Map<string, LegalHold>> {
    const rows = await this.storage.list("Meta", odata`PartitionKey eq ${this.holdPk(tenantId)}`);
    return new Map(rows.map((r) => [String(r.rowKey), JSON.parse(String(r.data)) as LegalHold]));
  }

  async getHold(tenantId: string, studentId: string): Promise<LegalHold> {
    const student = await this.directory.student(tenantId, studentId);
    const rec = await this.storage.getOrUndefined("Meta", this.holdPk(tenantId), key(studentId));
    const api = rec ? (JSON.parse(String(rec.data)) as LegalHold) : undefined;
    return { ...(api ?? { studentId }), studentId, legalHold: student.legalHold === true || api?.legalHold === true };
  }

  /**
   * Sets or lifts a legal hold. Lifting clears both the API's hold and the import's flag, so a hold
   * set by an import can be lifted here; a later import without the flag does not lift an API hold.
   */
  async setHold(tenantId: string, studentId: string, hold: boolean, reason: string, by: string): Promise<LegalHold> {
    const student = await this.directory.student(tenantId, studentId);
    const rec: LegalHold = { studentId, legalHold: hold, reason, setBy: by, setAt: new Date().toISOString() };
    await this.storage.run("Meta", (t) =>
      t.upsertEntity({ partitionKey: this.holdPk(tenantId), rowKey: key(studentId), data: JSON.stringify(rec) }, "Replace"),
    );
    if (!hold && student.legalHold) {
      const { legalHold: _l, ...rest } = student;
      await this.directoryRepo.upsertMany(tenantId, "students", [rest]);
      this.directory.invalidate(tenantId);
    }
    return rec;
  }

  async reports(tenantId: string, limit = 50): Promise<PurgeReport[]> {
    const rows = await this.storage.list("Meta", odata`PartitionKey eq ${this.reportPk(tenantId)}`);
    return rows
      .sort((a, b) => String(a.rowKey).localeCompare(String(b.rowKey)))
      .slice(0, limit)
      .map((r) => JSON.parse(String(r.data)) as PurgeReport);
  }

  /**
   * One purge per tenant at a time in this process; a second caller gets the running one's report. A
   * manual purge that removes anything runs only with an approval's authority (issue 16: four eyes);
   * the scheduled one runs under the school's approved settings.
   */
  purge(tenantId: string, opts: { dryRun: boolean; trigger: "manual" | "schedule"; now?: Date; authority?: PurgeAuthority }): Promise<PurgeReport> {
    if (!opts.dryRun && opts.trigger === "manual" && !opts.authority?.approvedBy)
      throw new AppError(409, "APPROVAL_REQUIRED", {
        en: "A manual purge needs a second person's approval: propose it (POST /api/approvals, kind purge); a dry run needs none",
        nl: "Handmatig opschonen vraagt goedkeuring van een tweede persoon: stel het voor (POST /api/approvals, soort purge); een proefrun niet",
      });
    const busy = this.running.get(tenantId);
    if (busy) return busy;
    const authority = opts.authority ?? SCHEDULED_PURGE;
    const p = this.doPurge(tenantId, opts.dryRun, opts.trigger, opts.now ?? new Date(), authority).finally(() => this.running.delete(tenantId));
    this.running.set(tenantId, p);
    return p;
  }

  private async doPurge(tenantId: string, dryRun: boolean, trigger: "manual" | "schedule", now: Date, authority: PurgeAuthority): Promise<PurgeReport> {
    const snap = await this.directory.snapshot(tenantId);
    const [all, holds, clocks] = await Promise.all([this.register.readAll(tenantId), this.holds(tenantId), this.directory.leftClocks(tenantId)]);
    const report: PurgeReport = {
      id: newestFirstKey(now),
      at: now.toISOString(),
      trigger,
      dryRun,
      studentsChecked: 0,
      studentsEnrolled: 0,
      studentsOnHold: 0,
      studentsWithDueEvents: 0,
      studentsPurged: 0,
      eventsDue: 0,
      eventsRemoved: 0,
      eventsDeferred: 0,
      removedByType: {},
      failures: 0,
      chainsVerified: true,
      ...authority,
    };
    for (const [studentId, part] of all) {
      const student = snap.studentById.get(studentId);
      report.studentsChecked++;
      // A chain without a directory record is kept: nothing says the student left.
      if (!student) {
        report.studentsEnrolled++;
        continue;
      }
      const onHold = student.legalHold === true || holds.get(studentId)?.legalHold === true;
      const state = studentState(student, onHold, now);
      if (state === "enrolled") {
        report.studentsEnrolled++;
        continue;
      }
      if (state === "on-hold") {
        report.studentsOnHold++;
        continue;
      }
      // A tampered chain is never purged: the new tombstone and HEAD would seal (launder) the tampering.
      if (part.head && !part.head.sealed) {
        report.failures++;
        continue;
      }
      const leftDate = clockStart(student.leftDate ?? "", clocks.get(studentId)?.recordedAt);
      const plan = planPurge(part.events, leftDate, policyFor(snap.directory, student.schoolId).retention, now);
      report.eventsDeferred += plan.deferred;
      if (plan.remove.length === 0) continue;
      report.studentsWithDueEvents++;
      report.eventsDue += plan.remove.length;
      if (dryRun) continue;
      try {
        await this.removeLeading(tenantId, studentId, part, plan.existing, plan.remove, plan.all, now, authority);
        report.studentsPurged++;
        report.eventsRemoved += plan.remove.length;
        for (const e of plan.remove) report.removedByType[e.type] = (report.removedByType[e.type] ?? 0) + 1;
        const after = await this.register.read(tenantId, studentId);
        if (verifyChain(studentId, after.events, after.head).length > 0) report.chainsVerified = false;
      } catch {
        report.failures++;
      }
    }
    if (!dryRun) {
      await this.storage.run("Meta", (t) =>
        t.createEntity({ partitionKey: this.reportPk(tenantId), rowKey: report.id, data: JSON.stringify(report) }),
      );
    }
    return report;
  }

  /**
   * Removes a leading run of events, at most BATCH per transaction. Each transaction deletes the
   * previous tombstone and the batch, and puts the new tombstone in the place of the batch's last
   * event, so the chain verifies after every transaction (a crash between two leaves a valid chain).
   * Each transaction also replaces HEAD, with its ETag (a concurrent append wins): its state (what the
   * send check reads) drops the removed consents at once, and when every event goes it points at the
   * tombstone.
   */
  private async removeLeading(
    tenantId: string,
    studentId: string,
    part: Partition,
    existing: TombstoneEvent | undefined,
    remove: RegisterEvent[],
    all: boolean,
    now: Date,
    authority: PurgeAuthority,
  ): Promise<void> {
    const pk = key(tenantId, studentId);
    let previous = existing;
    let head = part.head;
    const removed = new Set<number>();
    for (let i = 0; i < remove.length; i += BATCH) {
      const batch = remove.slice(i, i + BATCH);
      const lastInBatch = batch[batch.length - 1];
      if (!lastInBatch) break;
      const tomb = makeTombstone(studentId, batch, previous, now, this.register.keys, authority);
      const actions: TransactionAction[] = [];
      if (previous) actions.push(["delete", { partitionKey: pk, rowKey: seqKey(previous.seq) }]);
      for (const e of batch.slice(0, -1)) actions.push(["delete", { partitionKey: pk, rowKey: seqKey(e.seq) }]);
      actions.push([
        "update",
        { partitionKey: pk, rowKey: seqKey(lastInBatch.seq), type: tomb.type, seq: tomb.seq, hash: tomb.hash, data: JSON.stringify(tomb) },
        "Replace",
      ]);
      const finalBatch = i + BATCH >= remove.length;
      if (!head) throw new AppError(409, "CONFLICT", "The register has no head");
      for (const e of batch) removed.add(e.seq);
      const remaining = part.events.filter((e) => !removed.has(e.seq) && e.type !== "tombstone");
      const [seq, hash] = all && finalBatch ? [tomb.seq, tomb.hash] : [head.seq, head.hash];
      actions.push(["update", this.register.headEntity(pk, seq, hash, remaining), "Replace", { etag: head.etag }]);
      await this.storage.run("Events", (t) => t.submitTransaction(actions));
      previous = tomb;
      const fresh = await this.storage.getOrUndefined("Events", pk, "HEAD");
      head = fresh ? { ...head, etag: String(fresh.etag) } : undefined;
    }
  }

  /** Every tenant with a directory (the schedule purges them all). */
  async tenants(): Promise<string[]> {
    const rows = await this.storage.list("Schools", odata`PartitionKey gt ${""}`, ["PartitionKey"]);
    return [...new Set(rows.map((r) => String(r.partitionKey)))];
  }

  /** Starts the scheduled purge: every `intervalMs`, unref'd so it never keeps the process alive. Returns a stop function. */
  schedule(intervalMs: number, log: Logger, onPurged?: (tenantId: string, r: PurgeReport) => Promise<unknown>): () => void {
    const job = async (tenantId: string): Promise<void> => {
      const r = await this.purge(tenantId, { dryRun: false, trigger: "schedule" });
      // A run that removed something is in the administrative log (issue 16).
      if (onPurged && r.eventsRemoved > 0) await onPurged(tenantId, r);
      // Stored answers of idempotent requests hold personal data: kept 24 hours.
      const answersRemoved = await purgeExpiredIdempotency(this.storage, tenantId);
      // Counts only.
      log.info({ tenant: tenantId, studentsPurged: r.studentsPurged, eventsRemoved: r.eventsRemoved, failures: r.failures, answersRemoved }, "retention purge");
    };
    return everyTenant(intervalMs, () => this.tenants(), job, log, "retention purge");
  }
}
