import { z } from "zod";
import { id, isoDateTime } from "../shared/schemas.js";

export const actor = z.union([z.object({ guardianId: id }).strict(), z.object({ student: z.literal(true) }).strict()]);
export const method = z.enum(["email", "paper", "oral", "portal"]);

export const evidenceInput = z
  .object({
    messageId: z.string().trim().min(3).max(998),
    sender: z.string().trim().toLowerCase().max(320).regex(/^[^\s@]+@[^\s@]+$/, "an email address"),
    date: isoDateTime,
    sha256: z.string().regex(/^[0-9a-f]{64}$/, "64 hex characters"),
    excerpt: z.string().max(500).optional(),
    inReplyTo: z.string().max(998).optional(),
    /** With Graph configured: the Outlook item id, so the server hashes the original MIME itself. */
    graphMessageId: z.string().max(1000).optional(),
  })
  .strict();

export const consentRequest = z
  .object({
    studentId: id,
    partyId: id,
    purposeId: id,
    decision: z.enum(["granted", "refused"]),
    givenBy: actor,
    method,
    heardBy: z.string().trim().min(1).max(200).optional(),
    /** Oral consent: its written confirmation (needed for a far-reaching or health purpose). */
    writtenConfirmation: z.object({ method: z.enum(["email", "paper", "portal"]), at: isoDateTime }).strict().optional(),
    givenAt: isoDateTime,
    validUntil: isoDateTime.optional(),
    informationShown: z.string().max(20_000).optional(),
    evidence: evidenceInput.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.method === "oral" && !c.heardBy) ctx.addIssue({ code: "custom", path: ["heardBy"], message: "oral consent needs who heard it" });
    if (c.method === "email" && !c.evidence) ctx.addIssue({ code: "custom", path: ["evidence"], message: "email consent needs its evidence" });
    if (c.validUntil && c.validUntil <= c.givenAt) ctx.addIssue({ code: "custom", path: ["validUntil"], message: "must be after givenAt" });
  });
export type ConsentRequest = z.infer<typeof consentRequest>;

export const withdrawRequest = z
  .object({ by: actor, at: isoDateTime, reason: z.string().trim().max(2000).optional() })
  .strict();
export type WithdrawRequest = z.infer<typeof withdrawRequest>;

export const noticeRequest = z
  .object({
    studentId: id,
    partyId: id,
    purposeId: id,
    informedAt: isoDateTime,
    method: z.enum(["email", "paper", "oral", "portal", "letter", "meeting"]),
    /**
     * The parents were deliberately not informed because that would endanger the child or someone
     * else (Veilig Thuis): `informedAt` is the moment of that decision; the reason is required.
     */
    notInformed: z.object({ reason: z.string().trim().min(10).max(2000) }).strict().optional(),
  })
  .strict();
export type NoticeRequest = z.infer<typeof noticeRequest>;

/** Leaving the entries of a (party, purpose) out of the parents' access export (UAVG art. 41). */
export const restrictionRequest = z
  .object({
    partyId: id,
    purposeId: id,
    reason: z.string().trim().min(10).max(2000),
    /** ISO date by which the restriction is reviewed. */
    reviewBy: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD").optional(),
    /** Ends an earlier restriction of the same (party, purpose). */
    lifted: z.boolean().optional(),
  })
  .strict();
export type RestrictionRequest = z.infer<typeof restrictionRequest>;

/** Current consent status of one student for one party and purpose (the register view). */
export const consentStatusView = z.object({
  partyId: z.string(),
  purposeId: z.string(),
  state: z.enum(["valid", "none", "refused", "withdrawn", "expired", "partial", "student-required"]),
  code: z.string(),
  validUntil: z.string().optional(),
  holdersConsented: z.array(z.string()),
  holdersMissing: z.array(z.string()),
});

export const registerResponse = z.object({
  student: z.object({ id: z.string(), name: z.string() }),
  events: z.array(z.record(z.string(), z.unknown())),
  status: z.array(consentStatusView),
  notices: z.array(z.record(z.string(), z.unknown())),
  disclosures: z.array(z.record(z.string(), z.unknown())),
  chain: z.object({ verified: z.boolean(), problems: z.array(z.record(z.string(), z.unknown())) }),
});

/** One row per student in the register overview (the tab's grid). */
export const overviewRow = z.object({
  studentId: z.string(),
  name: z.string(),
  studentNumber: z.string(),
  schoolId: z.string(),
  className: z.string(),
  /** Summary across the student's consents. */
  state: z.enum(["valid", "missing", "expiring", "refused-or-withdrawn"]),
  /** Earliest end date of a valid consent. */
  nextExpiry: z.string().optional(),
  parties: z.array(z.string()),
  purposes: z.array(z.string()),
  eventCount: z.number(),
});
export type OverviewRow = z.infer<typeof overviewRow>;
