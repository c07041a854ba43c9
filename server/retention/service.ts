import { randomBytes } from "node:crypto";
import { odata } from "@azure/data-tables";
import { AppError } from "../shared/errors.js";
import { key, type Storage } from "../shared/storage.js";
import type { Logger } from "../shared/logger.js";
import { everyTenant, REAL_TIMERS, type Timers } from "../shared/schedule.js";
import { defaultPolicy, policyFor, type Directory, type Policy, type Student } from "../directory/domain.js";
import type { DirectoryRepository } from "../directory/repository.js";
import type { DirectoryService } from "../directory/service.js";
import { verifyChain, type RegisterEvent } from "../register/domain.js";
import { type RegisterRepository } from "../register/repository.js";
import {
  checkRecordDue,
  clockStart,
  consentRequestDue,
  directoryRecordDue,
  makeTombstone,
  noCopies,
  originalDue,
  parentLinkDue,
  planPurge,
  reviewItemDue,
  SCHEDULED_PURGE,
  studentState,
  viewDue,
  yearsAfter,
  type CopyCounts,
  type PurgeAuthority,
  type PurgeReport,
} from "./domain.js";

/**
 * The components that own copies of personal data, each through a purge method on its own repository
 * (issue 12: the retention component never writes another component's rows). Ports, wired in app.ts,
 * so that retention imports none of them. Each method removes what `due` says and returns a count;
 * `dryRun` counts only. The rules are in ./domain.ts, the list in docs/RETENTION.md.
 */
export interface CopyOwners {
  /** server/shared/idempotency.ts: stored answers (R-RETAIN-IDEMPOTENCY, a fixed 24 hours). */
  idempotency(tenantId: string, now: Date, dryRun: boolean): Promise<number>;
  /** server/sendcheck/repository.ts: pending, confirmed, reviewed and override check records. */
  checks: { purgeWhere(tenantId: string, due: (c: CheckCopy) => boolean, dryRun: boolean): Promise<number> };
  /** server/register/requests.ts: consent requests (the text shown, the letters). */
  requests: { purgeWhere(tenantId: string, due: (r: RequestCopy) => boolean, dryRun: boolean): Promise<{ removed: number; kept: Set<string> }> };
  /** server/portal/links.ts: the parents' page links. */
  links: { purgeWhere(tenantId: string, due: (l: { requestId: string; expiresAt: string }) => boolean, dryRun: boolean): Promise<number> };
  /** server/accountability/views.ts: the view log. */
  views: { purgeWhere(tenantId: string, due: (v: ViewCopy) => boolean, dryRun: boolean): Promise<number> };
  /** server/sentitems/repository.ts: the review list ("Te beoordelen"). */
  reviews: { purgeReviewsWhere(tenantId: string, due: (item: ReviewCopy, inBreach: boolean) => boolean, dryRun: boolean): Promise<number> };
  /** server/graph/blob-store.ts: kept original messages (absent: none configured). */
  originals?: { purgeWhere(tenantId: string, due: (sha256: string, storedAt: Date) => boolean, dryRun: boolean): Promise<number> } | undefined;
}

/** What the rules read of each copy. */
export interface CheckCopy {
  at: string;
  expiresAt?: string;
  confirmed?: { at: string };
  studentIds?: string[];
  disclosures: { studentId: string }[];
}
export interface RequestCopy {
  requestId: string;
  studentId: string;
  createdAt: string;
}
export type ViewCopy = { studentId: string; at: string } | { bulk: true; at: string; schools: "all" | string[] };
export interface ReviewCopy {
  state: string;
  decision?: { at: string };
  students: { id: string; schoolId?: string }[];
}

/** Per student: the policy of its school, whether a hold stops every purge, whether its consent records are due. */
interface StudentRetention {
  policy: Policy;
  onHold: boolean;
  consentDue: boolean;
}

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
    private readonly owners?: CopyOwners,
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
    const isOnHold = (s: Student): boolean => s.legalHold === true || holds.get(s.id)?.legalHold === true;
    /** The events each chain keeps after this run (in a dry run: would keep): what copies may still refer to. */
    const kept = new Map<string, RegisterEvent[]>();
    for (const [studentId, part] of all) {
      kept.set(studentId, part.events);
      const student = snap.studentById.get(studentId);
      report.studentsChecked++;
      // A chain without a directory record is kept: nothing says the student left.
      if (!student) {
        report.studentsEnrolled++;
        continue;
      }
      const state = studentState(student, isOnHold(student), now);
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
      const going = new Set(plan.remove.map((e) => e.seq));
      if (dryRun) {
        kept.set(studentId, part.events.filter((e) => !going.has(e.seq)));
        continue;
      }
      try {
        await this.register.purgeLeading(tenantId, studentId, part, plan, (batch, previous) =>
          makeTombstone(studentId, batch, previous, now, this.register.keys, authority),
        );
        kept.set(studentId, part.events.filter((e) => !going.has(e.seq)));
        report.studentsPurged++;
        report.eventsRemoved += plan.remove.length;
        for (const e of plan.remove) report.removedByType[e.type] = (report.removedByType[e.type] ?? 0) + 1;
        const after = await this.register.read(tenantId, studentId);
        if (verifyChain(studentId, after.events, after.head).length > 0) report.chainsVerified = false;
      } catch {
        report.failures++;
      }
    }
    if (this.owners) {
      const students = new Map<string, StudentRetention>();
      for (const s of snap.directory.students) {
        const policy = policyFor(snap.directory, s.schoolId);
        const state = studentState(s, isOnHold(s), now);
        const start = state === "left" ? clockStart(s.leftDate ?? "", clocks.get(s.id)?.recordedAt) : undefined;
        students.set(s.id, { policy, onHold: state === "on-hold", consentDue: start !== undefined && yearsAfter(start, policy.retention.consentYears).getTime() <= now.getTime() });
      }
      // Leavers whose directory record an earlier run removed: what is still kept about them has no student to follow.
      const removed = new Set((await this.directoryRepo.removedStudents(tenantId)).map((r) => r.id));
      report.copies = await this.purgeCopies(this.owners, tenantId, snap.directory, { students, removed }, kept, now, dryRun);
    }
    // Last, once the copies about them are done: leavers whose chain is only a tombstone and whose
    // student file period has passed leave the directory (R-RETAIN-DIRECTORY), through its repository.
    const leaving = snap.directory.students.filter((s) => {
      if (studentState(s, isOnHold(s), now) !== "left") return false;
      const start = clockStart(s.leftDate ?? "", clocks.get(s.id)?.recordedAt);
      return directoryRecordDue(kept.get(s.id) ?? [], start, policyFor(snap.directory, s.schoolId).retention.studentFileYears, now);
    });
    report.directoryRecords = dryRun ? leaving.length : await this.directoryRepo.removeLeavers(tenantId, leaving, now);
    if (!dryRun && leaving.length > 0) this.directory.invalidate(tenantId);
    if (!dryRun) {
      await this.storage.run("Meta", (t) =>
        t.createEntity({ partitionKey: this.reportPk(tenantId), rowKey: report.id, data: JSON.stringify(report) }),
      );
    }
    return report;
  }

  /**
   * Every copy by its rule (docs/RETENTION.md), each through its owner's repository. Evidence is never
   * touched here: a consent request or a kept original that a kept event refers to stays, the breach
   * register stays, and the chains change only through the student purge above.
   */
  private async purgeCopies(
    owners: CopyOwners,
    tenantId: string,
    dir: Directory,
    { students, removed }: { students: Map<string, StudentRetention>; removed: ReadonlySet<string> },
    kept: Map<string, RegisterEvent[]>,
    now: Date,
    dryRun: boolean,
  ): Promise<CopyCounts> {
    const copies = noCopies();
    const requestIds = new Set<string>();
    const hashes = new Set<string>();
    for (const events of kept.values())
      for (const e of events) {
        if (e.type !== "consent" || !e.evidence) continue;
        if (e.evidence.requestId) requestIds.add(e.evidence.requestId);
        hashes.add(e.evidence.sha256);
      }
    // A copy about students uses the longest period among their schools; a student on hold keeps it.
    const policies = dir.policies.length > 0 ? dir.policies.map((p) => policyFor(dir, p.schoolId)) : [defaultPolicy("")];
    const longest = (ids: string[], of: (p: Policy) => number): number | undefined => {
      const known = ids.map((id) => students.get(id));
      if (known.some((s) => s?.onHold)) return undefined;
      const ps = known.flatMap((s) => (s ? [s.policy] : []));
      return Math.max(...(ps.length > 0 ? ps : policies).map(of));
    };
    const ofSchools = (schools: "all" | string[], of: (p: Policy) => number): number =>
      Math.max(...(schools === "all" || schools.length === 0 ? policies : schools.map((id) => policyFor(dir, id))).map(of));

    copies.idempotency = await owners.idempotency(tenantId, now, dryRun);
    copies.checks = await owners.checks.purgeWhere(
      tenantId,
      (c) => {
        const days = longest(c.studentIds ?? c.disclosures.map((d) => d.studentId), (p) => p.checkRecordDays);
        return days !== undefined && checkRecordDue({ at: c.at, ...(c.expiresAt ? { expiresAt: c.expiresAt } : {}), ...(c.confirmed ? { confirmedAt: c.confirmed.at } : {}) }, days, now);
      },
      dryRun,
    );
    const requests = await owners.requests.purgeWhere(
      tenantId,
      (r) => {
        const s = students.get(r.studentId);
        // A request about a leaver whose record the run removed (R-RETAIN-DIRECTORY: the chain was only a
        // tombstone, so no consent it could support is kept) goes unless a kept event refers to it. About
        // a student the directory does not have otherwise, it is kept: nothing says the student left.
        if (!s) return removed.has(r.studentId) && consentRequestDue(r.createdAt, requestIds.has(r.requestId), true, 0, now);
        if (s.onHold) return false;
        return consentRequestDue(r.createdAt, requestIds.has(r.requestId), s.consentDue, s.policy.retention.consentYears, now);
      },
      dryRun,
    );
    copies.consentRequests = requests.removed;
    copies.parentLinks = await owners.links.purgeWhere(tenantId, (l) => parentLinkDue(l.expiresAt, requests.kept.has(l.requestId), now), dryRun);
    copies.views = await owners.views.purgeWhere(
      tenantId,
      (v) => {
        const years = "bulk" in v ? ofSchools(v.schools, (p) => p.viewLogYears) : longest([v.studentId], (p) => p.viewLogYears);
        return years !== undefined && viewDue(v.at, years, now);
      },
      dryRun,
    );
    copies.reviewItems = await owners.reviews.purgeReviewsWhere(
      tenantId,
      (item, inBreach) => {
        const years = longest(
          item.students.map((s) => s.id),
          (p) => p.retention.disclosureLogYears,
        );
        return years !== undefined && reviewItemDue(item, inBreach, years, now);
      },
      dryRun,
    );
    if (owners.originals) copies.originals = await owners.originals.purgeWhere(tenantId, (sha256, storedAt) => originalDue(hashes.has(sha256), storedAt, now), dryRun);
    return copies;
  }

  /** Every tenant with a directory (the schedule purges them all). */
  async tenants(): Promise<string[]> {
    const rows = await this.storage.list("Schools", odata`PartitionKey gt ${""}`, ["PartitionKey"]);
    return [...new Set(rows.map((r) => String(r.partitionKey)))];
  }

  /**
   * Starts the scheduled purge: every `intervalMs`, unref'd so it never keeps the process alive, under the
   * school's approved settings (no approval per run). `timers` and `clock` are the real ones unless a test
   * passes a fake clock. Returns a stop function.
   */
  schedule(
    intervalMs: number,
    log: Logger,
    onPurged?: (tenantId: string, r: PurgeReport) => Promise<unknown>,
    timers: Timers = REAL_TIMERS,
    clock: () => Date = () => new Date(),
  ): () => void {
    const job = async (tenantId: string): Promise<void> => {
      const r = await this.purge(tenantId, { dryRun: false, trigger: "schedule", now: clock() });
      // A run that removed something is in the administrative log (issue 16).
      if (onPurged && (r.eventsRemoved > 0 || (r.directoryRecords ?? 0) > 0)) await onPurged(tenantId, r);
      // Counts only.
      log.info({ tenant: tenantId, studentsPurged: r.studentsPurged, eventsRemoved: r.eventsRemoved, directoryRecords: r.directoryRecords, failures: r.failures, copies: r.copies }, "retention purge");
    };
    return everyTenant(intervalMs, () => this.tenants(), job, log, "retention purge", timers);
  }
}
