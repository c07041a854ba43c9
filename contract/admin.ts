import { z } from "zod";
import { id, line } from "./patterns.js";
import { retentionInput } from "./directory.js";

/**
 * Issue 16: the administrative log (changes and decisions, a hash chain of its own) and the four-eyes
 * approvals of destructive actions (a retention change below the current value, a manual purge).
 * The view log (contract/retention.ts) is for reads; this log is for changes.
 */

export const ADMIN_ACTIONS = [
  "import",
  "directory-change",
  "policy-change",
  "authority-change",
  "legal-hold",
  "purge",
  "restore",
  "override",
  "export",
  "proposal",
  "approval",
  "rejection",
  "role-change",
  "breach-decision",
  /** Register HEADs from before the keyed MAC sealed again after their SHA-256 chain verified (approved). */
  "reseal",
] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

/** One entry: who, when, what and why. Ids only (schools, students, records), never names or addresses. */
export const adminLogEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  by: z.string(),
  action: z.enum(ADMIN_ACTIONS),
  /** The API operation ("PUT /policies/:schoolId") or "schedule". */
  operation: z.string(),
  schoolIds: z.array(z.string()),
  target: z.string().optional(),
  reason: z.string().optional(),
  /** The second person of a four-eyes decision. */
  approvedBy: z.string().optional(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  prevHash: z.string(),
  hash: z.string(),
});
export type AdminLogEntry = z.infer<typeof adminLogEntry>;

/** One page of the log, newest first: `offset` entries skipped, at most `limit` given. */
export const adminLogQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(1000).default(200), offset: z.coerce.number().int().min(0).max(10_000_000).default(0) })
  .strict();
export const adminLogResponse = z.object({
  /** Newest first. */
  entries: z.array(adminLogEntry),
  total: z.number(),
  /** The whole chain recomputed, and the HEAD's keyed MAC checked. */
  verified: z.boolean(),
  problems: z.array(z.object({ seq: z.number(), problem: z.string() })),
});
export type AdminLogResponse = z.infer<typeof adminLogResponse>;

/** What needs a second person. */
export const APPROVAL_KINDS = ["retention-change", "purge", "restore", "reseal"] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];
/** "failed": approved, but the action was refused when carried out (a restore whose backup or store changed); `result.error` says why. */
export const APPROVAL_STATES = ["proposed", "approved", "rejected", "executed", "failed"] as const;

/** A stored backup's file name in BACKUP_DIR (no path, no leading dot). */
export const backupName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "a backup's file name: letters, digits and . _ - (at most 100), no path");

const reason = line(500).refine((s) => s.length >= 5, "say why (at least 5 characters)");

/**
 * A proposal: a retention change names the school and the new settings; a purge only why; a restore the
 * stored backup; a reseal (HEAD rows from before the keyed MAC, sealed again when their chain verifies) only why.
 */
export const proposalInput = z
  .object({ kind: z.enum(APPROVAL_KINDS), schoolId: id.optional(), retention: retentionInput.optional(), backup: backupName.optional(), reason })
  .strict()
  .superRefine((p, ctx) => {
    if (p.kind === "retention-change" && (!p.schoolId || !p.retention))
      ctx.addIssue({ code: "custom", path: ["retention"], message: "a retention change names schoolId and retention" });
    if (p.kind !== "retention-change" && (p.schoolId || p.retention))
      ctx.addIssue({ code: "custom", path: ["kind"], message: "a purge, restore or reseal covers every school: no schoolId or retention" });
    if ((p.kind === "restore") !== (p.backup !== undefined)) ctx.addIssue({ code: "custom", path: ["backup"], message: "a restore names its backup (and only a restore)" });
  });
export type ProposalInput = z.infer<typeof proposalInput>;

export const decisionInput = z.object({ reason }).strict();

export const approvalRecord = z.object({
  id: z.string(),
  kind: z.enum(APPROVAL_KINDS),
  state: z.enum(APPROVAL_STATES),
  schoolId: z.string().optional(),
  retention: retentionInput.optional(),
  proposedBy: z.string(),
  proposedAt: z.string(),
  reason: z.string(),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  decisionReason: z.string().optional(),
  /** A restore: the stored backup and the SHA-256 of its file when proposed (the approval restores exactly that file). */
  backup: z.string().optional(),
  backupSha256: z.string().optional(),
  /** What the approved action did (a purge: its report id and counts). */
  result: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type ApprovalRecord = z.infer<typeof approvalRecord>;
export const approvalsResponse = z.object({ approvals: z.array(approvalRecord) });

/** A bulk read in the view log: a student list, the overview, the statistics or a printed class overview (with its class). */
export const bulkViewsResponse = z.object({
  views: z.array(
    z.object({
      by: z.string(),
      at: z.string(),
      what: z.enum(["student-list", "overview", "stats", "class-overview"]),
      count: z.number(),
      schools: z.union([z.literal("all"), z.array(z.string())]),
      className: z.string().optional(),
    }),
  ),
});

/**
 * The outcome of the last audit of the tenant's register (GET /api/audit/verify, or the scheduled audit
 * that runs before each checkpoint), kept so the tab can ask at load at the cost of one row: "failed"
 * shows the banner on every view. Counts per kind of problem only, never a student.
 */
export const AUDIT_STATES = ["ok", "failed", "unchecked"] as const;
export const auditStatusResponse = z.object({
  state: z.enum(AUDIT_STATES),
  /** When the last audit ran. */
  at: z.string().optional(),
  /** Problems found, by kind ("truncated": 1); "status-mac-invalid" when the stored outcome itself was written without the key. */
  problems: z.record(z.string(), z.number().int()),
});
export type AuditStatus = z.infer<typeof auditStatusResponse>;

/** The stored backups of the caller's tenant (BACKUP_DIR; from their headers, nothing decrypted), newest first. */
export const backupsResponse = z.object({
  backups: z.array(z.object({ name: z.string(), exportedAt: z.string(), keyId: z.string(), bytes: z.number(), counts: z.record(z.string(), z.number()) })),
});
