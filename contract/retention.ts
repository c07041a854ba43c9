import { z } from "zod";

/** Counts only: a purge report names no student. */
export const purgeReport = z.object({
  id: z.string(),
  at: z.string(),
  trigger: z.enum(["manual", "schedule"]),
  dryRun: z.boolean(),
  studentsChecked: z.number(),
  studentsEnrolled: z.number(),
  studentsOnHold: z.number(),
  studentsWithDueEvents: z.number(),
  studentsPurged: z.number(),
  eventsDue: z.number(),
  eventsRemoved: z.number(),
  eventsDeferred: z.number(),
  removedByType: z.record(z.string(), z.number()),
  failures: z.number(),
  chainsVerified: z.boolean(),
  /**
   * Copies of personal data removed by their retention rules (docs/RETENTION.md), per copy; in a dry run
   * what would go. Absent in reports stored before copies were purged.
   */
  copies: z
    .object({
      idempotency: z.number(),
      checks: z.number(),
      consentRequests: z.number(),
      parentLinks: z.number(),
      views: z.number(),
      reviewItems: z.number(),
      originals: z.number(),
    })
    .optional(),
  /** Leavers' directory records (student and guardians) removed, R-RETAIN-DIRECTORY; in a dry run what would go. */
  directoryRecords: z.number().optional(),
  /** Who started the purge ("retention-schedule" for the scheduled one), who approved it and why. */
  purgedBy: z.string().optional(),
  approvedBy: z.string().optional(),
  reason: z.string().optional(),
  approvalId: z.string().optional(),
});
export type PurgeReport = z.infer<typeof purgeReport>;

export const purgeRequest = z.object({ dryRun: z.boolean() }).strict();
export const purgeReports = z.object({ reports: z.array(purgeReport) });

export const legalHoldInput = z.object({ hold: z.boolean(), reason: z.string().trim().min(3).max(500) }).strict();
export const legalHold = z.object({
  studentId: z.string(),
  legalHold: z.boolean(),
  reason: z.string().optional(),
  setBy: z.string().optional(),
  setAt: z.string().optional(),
});
export type LegalHold = z.infer<typeof legalHold>;

export const VIEW_KINDS = ["register", "export"] as const;
export const viewsResponse = z.object({ views: z.array(z.object({ by: z.string(), at: z.string(), what: z.enum(VIEW_KINDS) })) });
