import { tombstoneSealText, type IntegrityKeys } from "../register/integrity.js";
import type { RetentionPolicy, Student } from "../directory/domain.js";
import { chainEvent, type EventType, type RegisterEvent, type TombstoneEvent } from "../register/domain.js";

/**
 * Retention (DOMAIN.md section 5): what a purge may remove, as pure functions.
 *
 * - Students still enrolled (no leftDate, or one in the future) are never purged.
 * - A legal hold stops the purge of that student altogether.
 * - Consent records and evidence (consents, refusals, withdrawals, notices): `consentYears` after leftDate.
 * - The disclosure log (disclosures, overrides): `disclosureLogYears` after leftDate.
 *
 * The register is a hash chain, so only a leading run of events can go: the removed events are
 * replaced by ONE tombstone in the place of the last removed event, carrying that event's hash, so
 * the first kept event still links. Due events behind a kept event wait ("deferred") until it is due.
 */

export type RetentionCategory = "consentRecords" | "disclosureLog";

export function categoryOf(type: Exclude<EventType, "tombstone">): RetentionCategory {
  return type === "disclosure" || type === "override" ? "disclosureLog" : "consentRecords";
}

/** The date `years` after an ISO date (YYYY-MM-DD), at 00:00 UTC; 29 February rolls to 1 March. */
export function yearsAfter(isoDate: string, years: number): Date {
  const [y, m, d] = isoDate.slice(0, 10).split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y + years, m - 1, d));
}

/**
 * When the retention clock of a student who left starts (issue 16): the later of the date the leftDate
 * names and the day it was recorded, so an import that moves a leftDate into the past changes nothing
 * at once. A leftDate stored before the clock was recorded (older data) counts from its own date.
 */
export function clockStart(leftDate: string, recordedAt: string | undefined): string {
  const named = leftDate.slice(0, 10);
  if (!recordedAt) return named;
  const recorded = recordedAt.slice(0, 10);
  return recorded > named ? recorded : named;
}

export type StudentState = "enrolled" | "on-hold" | "left";

export function studentState(student: Pick<Student, "leftDate">, onHold: boolean, now: Date): StudentState {
  if (!student.leftDate || new Date(`${student.leftDate.slice(0, 10)}T00:00:00Z`).getTime() > now.getTime()) return "enrolled";
  return onHold ? "on-hold" : "left";
}

/** When an event of a student who left on `leftDate` is due for removal. */
export function dueAt(e: RegisterEvent, leftDate: string, retention: RetentionPolicy): Date | undefined {
  if (e.type === "tombstone") return undefined;
  const years = categoryOf(e.type) === "disclosureLog" ? retention.disclosureLogYears : retention.consentYears;
  return yearsAfter(leftDate, years);
}

export interface PurgePlan {
  /** The tombstone already at the start of the chain, if any. */
  existing: TombstoneEvent | undefined;
  /** The leading run of due events that will go (ascending seq). */
  remove: RegisterEvent[];
  /** Due events that stay for now because an earlier event is not due yet. */
  deferred: number;
  /** Whether every event (besides the tombstone) goes. */
  all: boolean;
}

export function planPurge(events: RegisterEvent[], leftDate: string, retention: RetentionPolicy, now: Date): PurgePlan {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const first = sorted[0];
  const existing = first?.type === "tombstone" ? first : undefined;
  const rest = existing ? sorted.slice(1) : sorted;
  const isDue = (e: RegisterEvent): boolean => {
    const at = dueAt(e, leftDate, retention);
    return at !== undefined && at.getTime() <= now.getTime();
  };
  let n = 0;
  while (n < rest.length && isDue(rest[n] as RegisterEvent)) n++;
  const remove = rest.slice(0, n);
  const deferred = rest.slice(n).filter(isDue).length;
  return { existing, remove, deferred, all: rest.length > 0 && n === rest.length };
}

/**
 * The tombstone that replaces `removed` (a leading run, ascending) and any earlier tombstone. It
 * takes the place (seq) of the last removed event and keeps that event's hash.
 */
/** Who a purge was started by and approved by, and why (issue 16): carried by every tombstone it leaves. */
export interface PurgeAuthority {
  purgedBy: string;
  approvedBy?: string;
  reason: string;
  approvalId?: string;
}

export const SCHEDULED_PURGE: PurgeAuthority = { purgedBy: "retention-schedule", reason: "scheduled purge under the school's approved retention settings" };

export function makeTombstone(
  studentId: string,
  removed: RegisterEvent[],
  previous: TombstoneEvent | undefined,
  at: Date,
  keys?: IntegrityKeys,
  authority?: PurgeAuthority,
): TombstoneEvent {
  const last = removed[removed.length - 1];
  const firstRemoved = removed[0];
  if (!last || !firstRemoved) throw new Error("nothing to tombstone");
  const iso = at.toISOString();
  const fields = {
    studentId,
    seq: last.seq,
    coversUpToSeq: last.seq,
    lastRemovedHash: last.hash,
    prevHash: previous?.prevHash ?? firstRemoved.prevHash,
    removedCount: (previous?.removedCount ?? 0) + removed.length,
    at: iso,
    ...(authority ? { purgedBy: authority.purgedBy, reason: authority.reason, ...(authority.approvedBy ? { approvedBy: authority.approvedBy } : {}) } : {}),
  };
  const t = chainEvent(
    {
      type: "tombstone",
      id: `t.${Buffer.from(studentId, "utf8").toString("base64url")}.${last.seq}`,
      studentId,
      coversUpToSeq: fields.coversUpToSeq,
      lastRemovedHash: fields.lastRemovedHash,
      removedCount: fields.removedCount,
      at: iso,
      recordedBy: authority?.purgedBy ?? "retention-purge",
      recordedAt: iso,
      ...(authority
        ? { purgedBy: authority.purgedBy, reason: authority.reason, ...(authority.approvedBy ? { approvedBy: authority.approvedBy } : {}), ...(authority.approvalId ? { approvalId: authority.approvalId } : {}) }
        : {}),
      // Only the purge holds the integrity key: a tombstone forged with the storage key has no valid seal.
      ...(keys ? { seal: keys.seal("tombstone", tombstoneSealText(fields)) } : {}),
    },
    fields.seq,
    fields.prevHash,
  );
  if (t.type !== "tombstone") throw new Error("tombstone expected");
  return t;
}

/** Counts only: a report never names a student. */
export interface PurgeReport {
  id: string;
  at: string;
  trigger: "manual" | "schedule";
  dryRun: boolean;
  studentsChecked: number;
  studentsEnrolled: number;
  studentsOnHold: number;
  studentsWithDueEvents: number;
  studentsPurged: number;
  eventsDue: number;
  eventsRemoved: number;
  eventsDeferred: number;
  removedByType: Record<string, number>;
  /** Students whose purge failed this run (a concurrent write, storage trouble); retried next run. */
  failures: number;
  /** Whether every chain touched verifies after the purge. */
  chainsVerified: boolean;
  /** Copies removed by their rules (in a dry run: due), per copy (docs/RETENTION.md). */
  copies?: CopyCounts;
  /** Leavers' directory records removed (in a dry run: due), R-RETAIN-DIRECTORY. */
  directoryRecords?: number;
  /** Who started it ("retention-schedule"), who approved it and why (issue 16). */
  purgedBy?: string;
  approvedBy?: string;
  reason?: string;
  approvalId?: string;
}

// ---------------------------------------------------------------------------------------------------
// Copies (issue 16 item 7, DOMAIN.md section 6: "every copy of personal data falls under a retention
// rule"). docs/RETENTION.md lists each copy, its owner and its rule; the rules are these pure functions.
// The periods are school policy settings; the owning component's repository removes the rows.

/** The copies the scheduled purge removes besides the register's events, each counted in the report. */
export const COPIES = ["idempotency", "checks", "consentRequests", "parentLinks", "views", "reviewItems", "originals"] as const;
export type CopyName = (typeof COPIES)[number];
export type CopyCounts = Record<CopyName, number>;

export function noCopies(): CopyCounts {
  return { idempotency: 0, checks: 0, consentRequests: 0, parentLinks: 0, views: 0, reviewItems: 0, originals: 0 };
}

const DAY_MS = 86_400_000;

/** R-RETAIN-CHECKS: a check record goes `checkRecordDays` after it was confirmed, or else after it expired. */
export function checkRecordDue(c: { at: string; expiresAt?: string; confirmedAt?: string }, checkRecordDays: number, now: Date): boolean {
  const from = c.confirmedAt ?? c.expiresAt ?? c.at;
  return Date.parse(from) + checkRecordDays * DAY_MS <= now.getTime();
}

/** R-RETAIN-VIEWS: a view-log row goes `viewLogYears` after the view. */
export function viewDue(at: string, viewLogYears: number, now: Date): boolean {
  return yearsAfter(at, viewLogYears).getTime() <= now.getTime();
}

/**
 * R-RETAIN-REQUESTS: a consent request (the text shown to the parent, the letters) is evidence as long as a
 * kept register event refers to it; when none does, it goes once the student's consent records are due
 * (`consentYears` after the retention clock starts), or `consentYears` after it was made (never answered).
 */
export function consentRequestDue(createdAt: string, referenced: boolean, studentConsentDue: boolean, consentYears: number, now: Date): boolean {
  if (referenced) return false;
  return studentConsentDue || yearsAfter(createdAt, consentYears).getTime() <= now.getTime();
}

/** R-RETAIN-LINKS: a parents' page link goes once it has expired and its consent request is gone. */
export function parentLinkDue(expiresAt: string, requestKept: boolean, now: Date): boolean {
  return !requestKept && Date.parse(expiresAt) <= now.getTime();
}

/**
 * R-RETAIN-REVIEW: an open review item stays (work to do); a decided one whose decision made a breach record
 * stays with the breach register; another decided one goes `disclosureLogYears` after the decision (the
 * decision itself is in the register: a disclosure event naming who decided).
 */
export function reviewItemDue(item: { state: string; decision?: { at: string } }, inBreach: boolean, disclosureLogYears: number, now: Date): boolean {
  if (item.state === "open" || !item.decision || inBreach) return false;
  return yearsAfter(item.decision.at, disclosureLogYears).getTime() <= now.getTime();
}

/**
 * R-RETAIN-DIRECTORY: a leaver's directory record (the student, the guardians' names and addresses) goes
 * once the chain holds nothing but its tombstone and `studentFileYears` after the retention clock started
 * have passed (a leaver without any chain keeps the record: its events may still come). Earlier it would stop the chain's own purge (a chain without a
 * directory record is kept: nothing says the student left).
 */
export function directoryRecordDue(events: readonly Pick<RegisterEvent, "type">[], clockStartDate: string, studentFileYears: number, now: Date): boolean {
  return events.length > 0 && events.every((e) => e.type === "tombstone") && yearsAfter(clockStartDate, studentFileYears).getTime() <= now.getTime();
}

/** Time between keeping an original message and recording the consent it backs (the purge never races it). */
export const ORIGINAL_GRACE_MS = DAY_MS;

/** R-RETAIN-ORIGINALS: a kept original message goes when no kept consent's evidence has its hash. */
export function originalDue(referenced: boolean, storedAt: Date, now: Date): boolean {
  return !referenced && storedAt.getTime() + ORIGINAL_GRACE_MS <= now.getTime();
}
