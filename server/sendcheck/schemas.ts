import { z } from "zod";
import { id, isoDateTime } from "../shared/schemas.js";

export const recipientKinds = ["internal", "guardian", "party", "unknown", "student"] as const;
export const verdicts = ["allow", "warn", "block"] as const;
export const bases = ["internal", "guardian", "legal", "consent", "none", "student"] as const;

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
  // Issue 13: bases per (party, purpose), ages and authority, students' accounts, Veilig Thuis.
  "PURPOSE_NOT_COVERED",
  "PURPOSE_ASSUMED",
  "PURPOSE_AMBIGUOUS",
  "ADVICE_WITHOUT_NAME",
  "STUDENT_LEFT",
  "ORAL_CONSENT_UNCONFIRMED",
  "OWN_STUDENT_ACCOUNT",
  "OWN_STUDENT_ACCOUNT_UNDER_16",
  "OTHER_STUDENTS_ACCOUNT",
  "PARENT_OF_16_NO_PURPOSE",
  "STUDENT_CONSENT_FOR_PARENTS",
  "ADULT_STUDENT_CONSENT_REQUIRED",
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
      .array(z.object({ name: z.string().max(1000), size: z.number().int().min(0).optional() }).strict())
      .max(500)
      .default([]),
    purposeId: id.optional(),
    sentAt: isoDateTime.optional(),
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
  policy: z.object({ sendMode: z.enum(["soft-block", "prompt-user", "block"]), failMode: z.enum(["block", "prompt"]) }),
});
export type CheckResponse = z.infer<typeof checkResponse>;

export const overrideRequest = z.object({ reason: z.string().trim().min(10).max(2000) }).strict();
export type OverrideRequest = z.infer<typeof overrideRequest>;
