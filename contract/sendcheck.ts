import { z } from "zod";
import { BASES, CHANNEL_KINDS, FAIL_MODES, PARTY_KINDS, REASON_CODES, RECIPIENT_KINDS, SEND_BUDGET_SECONDS, SEND_MODES, VERDICTS } from "./enums.js";
import { id, isoDateTime, mailAddress } from "./patterns.js";

export { REASON_CODES, type ReasonCode } from "./enums.js";


export const checkRequest = z
  .object({
    to: z.array(mailAddress).max(500).default([]),
    cc: z.array(mailAddress).max(500).default([]),
    bcc: z.array(mailAddress).max(500).default([]),
    subject: z.string().max(2000).default(""),
    body: z.string().max(2_000_000).default(""),
    attachments: z
      .array(z.object({ name: z.string().max(1000), size: z.number().int().min(0).optional() }).strict())
      .max(500)
      .default([]),
    purposeId: id.optional(),
    sentAt: isoDateTime.optional(),
    /**
     * The students the user named in the task pane for a mail in which the check recognised none
     * (ATTACHMENT_WITHOUT_STUDENT): the mail is then checked and logged as being about them.
     */
    studentIds: z.array(id).max(20).optional(),
    /** The Purview sensitivity label applied to the mail (item.sensitivityLabel, Mailbox 1.13), its id. */
    sensitivityLabelId: z.string().trim().min(1).max(100).optional(),
  })
  .strict();
export type CheckRequest = z.infer<typeof checkRequest>;

export const reason = z.object({ code: z.enum(REASON_CODES), message: z.string(), studentId: z.string().optional() });
export type Reason = z.infer<typeof reason>;

export const recipientResult = z.object({
  address: z.string(),
  kind: z.enum(RECIPIENT_KINDS),
  /** `channel`: how the party's agreed channel reads (absent: plain email). */
  party: z.object({ id: z.string(), name: z.string(), kind: z.enum(PARTY_KINDS), channel: z.enum(CHANNEL_KINDS).optional() }).optional(),
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
    /** The school's Purview sensitivity label for encrypted mail, when it configured one. */
    encryptedMailLabelId: z.string().optional(),
  }),
});
export type CheckResponse = z.infer<typeof checkResponse>;

export const overrideRequest = z.object({ reason: z.string().trim().min(10).max(2000) }).strict();
export type OverrideRequest = z.infer<typeof overrideRequest>;

export const overrideResponse = z.object({ checkId: z.string(), overriddenAt: z.string(), disclosures: z.number() });
export type OverrideResponse = z.infer<typeof overrideResponse>;
