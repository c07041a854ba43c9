import { z } from "zod";
import { BASES, CHECK_MODES, FAIL_MODES, PARTY_KINDS, REASON_CODES, RECIPIENT_KINDS, SEND_BUDGET_SECONDS, SEND_MODES, VERDICTS } from "./enums.js";
import { id, isoDateTime, mailAddress } from "./patterns.js";

export { REASON_CODES, type ReasonCode } from "./enums.js";

/** The internet header the on-send handler stamps on every mail it checked: `<checkId>.<mac>`. */
export const CHECK_HEADER = "x-zorgvuldig-check";


export const checkRequest = z
  .object({
    to: z.array(mailAddress).max(500).default([]),
    cc: z.array(mailAddress).max(500).default([]),
    bcc: z.array(mailAddress).max(500).default([]),
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
  kind: z.enum(RECIPIENT_KINDS),
  party: z.object({ id: z.string(), name: z.string(), kind: z.enum(PARTY_KINDS) }).optional(),
  verdict: z.enum(VERDICTS),
  basis: z.enum(BASES),
  reasons: z.array(reason),
});
export type RecipientResult = z.infer<typeof recipientResult>;

export const checkResponse = z.object({
  checkId: z.string().min(1),
  verdict: z.enum(VERDICTS),
  /** At most 500 characters: shown in Outlook's Smart Alerts dialog. */
  message: z.string().max(500),
  students: z.array(z.object({ id: z.string(), name: z.string() })),
  recipients: z.array(recipientResult),
  purposeId: z.string().optional(),
  /** The school's fail mode and send mode, so the add-in follows policy. */
  policy: z.object({
    sendMode: z.enum(SEND_MODES),
    failMode: z.enum(FAIL_MODES),
    /** The school's send budget (policy), kept by the handler for the next send. */
    sendBudgetSeconds: z.number().int().min(SEND_BUDGET_SECONDS.min).max(SEND_BUDGET_SECONDS.max),
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

/** `disclosures` is 0: an override is logged (with its disclosures) once Sent Items confirms the mail was sent. */
export const overrideResponse = z.object({ checkId: z.string(), overriddenAt: z.string(), digest: z.string().optional(), disclosures: z.number() });
export type OverrideResponse = z.infer<typeof overrideResponse>;
