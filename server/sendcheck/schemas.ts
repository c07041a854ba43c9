import { z } from "zod";
import { id, isoDateTime } from "../shared/schemas.js";
import { SEND_BUDGET_RANGE } from "../directory/domain.js";

export const recipientKinds = ["internal", "guardian", "party", "unknown"] as const;
export const verdicts = ["allow", "warn", "block"] as const;
export const bases = ["internal", "guardian", "legal", "consent", "none"] as const;
export const CHECK_MODES = ["query", "send"] as const;
/** The internet header the on-send handler stamps on every mail it checked: `<checkId>.<mac>`. */
export const CHECK_HEADER = "x-zorgvuldig-check";

export const REASON_CODES = [
  "NO_STUDENT",
  "INTERNAL",
  "OWN_GUARDIAN",
  "GUARDIAN_WITHOUT_AUTHORITY",
  "OTHER_STUDENTS_GUARDIAN",
  "LEGAL_BASIS",
  "PARENTS_NOT_INFORMED",
  "CONSENT_VALID",
  "NO_CONSENT",
  "CONSENT_REFUSED",
  "CONSENT_WITHDRAWN",
  "CONSENT_EXPIRED",
  "SECOND_GUARDIAN_REQUIRED",
  "STUDENT_CONSENT_REQUIRED",
  "NO_PURPOSE",
  "PROCESSOR_NOT_A_RECIPIENT",
  "UNKNOWN_RECIPIENT",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

const email = z.string().trim().min(3).max(320).regex(/^[^\s@]+@[^\s@]+$/, "an email address");

export const checkRequest = z
  .object({
    to: z.array(email).max(500).default([]),
    cc: z.array(email).max(500).default([]),
    bcc: z.array(email).max(500).default([]),
    subject: z.string().max(2000).default(""),
    body: z.string().max(2_000_000).default(""),
    attachments: z
      .array(
        z
          .object({
            name: z.string().max(1000),
            size: z.number().int().min(0).optional(),
            /** SHA-256 (hex) of the attachment's content, when the client has it: part of the check's digest. */
            sha256: z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 in hex").optional(),
          })
          .strict(),
      )
      .max(500)
      .default([]),
    purposeId: id.optional(),
    /** Only on a "what if" query: judge the mail as if sent then. Refused on a recording check. */
    sentAt: isoDateTime.optional(),
    /**
     * "query" (default): a check that writes nothing (task pane, playground, a preview). "send": the
     * on-send handler's recording check, which needs an Idempotency-Key and leaves one pending record
     * that Sent Items confirms (docs/SENT-ITEMS.md).
     */
    mode: z.enum(CHECK_MODES).optional(),
    /** A recording check of a mail the user overrode earlier: the override's check id (it binds to its digest). */
    overrideOf: id.optional(),
  })
  .strict();
export type CheckRequest = z.infer<typeof checkRequest>;

export const reason = z.object({ code: z.enum(REASON_CODES), message: z.string(), studentId: z.string().optional() });
export type Reason = z.infer<typeof reason>;

export const recipientResult = z.object({
  address: z.string(),
  kind: z.enum(recipientKinds),
  party: z.object({ id: z.string(), name: z.string(), kind: z.string() }).optional(),
  verdict: z.enum(verdicts),
  basis: z.enum(bases),
  reasons: z.array(reason),
});
export type RecipientResult = z.infer<typeof recipientResult>;

export const checkResponse = z.object({
  checkId: z.string(),
  verdict: z.enum(verdicts),
  /** At most 500 characters: shown in Outlook's Smart Alerts dialog. */
  message: z.string().max(500),
  students: z.array(z.object({ id: z.string(), name: z.string() })),
  recipients: z.array(recipientResult),
  purposeId: z.string().optional(),
  /** The school's fail mode and send mode, so the add-in follows policy. */
  policy: z.object({
    sendMode: z.enum(["soft-block", "prompt-user", "block"]),
    failMode: z.enum(["block", "prompt"]),
    /** The school's send budget (policy), kept by the handler for the next send. */
    sendBudgetSeconds: z.number().int().min(SEND_BUDGET_RANGE.min).max(SEND_BUDGET_RANGE.max),
  }),
  /** A recording check only: the value of the x-zorgvuldig-check header the handler stamps (`<checkId>.<mac>`). */
  stamp: z.string().optional(),
  /** A recording check only: until when the pending record waits for its mail in Sent Items. */
  pendingUntil: z.string().optional(),
  /** The canonical digest of the checked mail (recipients, students, attachments, body text). */
  digest: z.string().optional(),
  /** Set when an earlier override of exactly this content lets the mail go. */
  override: z.object({ checkId: z.string(), reason: z.string() }).optional(),
});
export type CheckResponse = z.infer<typeof checkResponse>;

export const overrideRequest = z
  .object({
    reason: z.string().trim().min(10).max(2000),
    /** The checked mail, when the check was a query (the task pane's own check): the override binds to its digest. */
    mail: checkRequest.optional(),
  })
  .strict();
export type OverrideRequest = z.infer<typeof overrideRequest>;
