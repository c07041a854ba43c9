import { z } from "zod";
import { id, isoDateTime, mailAddress } from "./patterns.js";

/** Sent Items, the review list ("Te beoordelen") and the data breach register (docs/SENT-ITEMS.md). */

export const mailboxRequest = z
  .object({
    /** The mailbox (UPN, address or object id) of an add-in user or a shared mailbox they send from. */
    mailbox: z.string().trim().min(1).max(320).regex(/^[A-Za-z0-9._@+-]+$/, "a user principal name, address or object id"),
    /** Messages sent before this are not judged (default: now). */
    since: isoDateTime.optional(),
  })
  .strict();
export type MailboxRequest = z.infer<typeof mailboxRequest>;

export const mailboxResponse = z.object({ mailbox: z.string(), since: z.string() });

export const REVIEW_STATES = ["open", "lawful", "breach"] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];
/** unchecked: no valid header; changed: differs from its check; blocked: sent despite a block. */
export const REVIEW_KINDS = ["unchecked", "changed", "blocked"] as const;

export const reviewQuery = z.object({ state: z.enum(REVIEW_STATES).optional() }).strict();

export const decisionRequest = z
  .object({
    /** lawful: logged as a disclosure with who decided (the register must support it); breach: a data breach. */
    decision: z.enum(["lawful", "breach"]),
    /** lawful only: the purpose the disclosure served. */
    purposeId: id.optional(),
    /** What happened, or why it was lawful, in the coordinator's words. */
    note: z.string().trim().min(1).max(2000).optional(),
    /** breach only: categories of data concerned (e.g. "verslag", "medisch"). */
    categories: z.array(z.string().trim().min(1).max(100)).max(20).optional(),
  })
  .strict();
export type DecisionRequest = z.infer<typeof decisionRequest>;

export const sweepReport = z.object({
  mailboxes: z.number(),
  messages: z.number(),
  /** Meetings the senders organised whose calendar event changed (read through the calendar). */
  meetings: z.number(),
  confirmed: z.number(),
  disclosures: z.number(),
  review: z.number(),
  serverMail: z.number(),
});
export type SweepReport = z.infer<typeof sweepReport>;

export const reviewReason = z.object({ recipient: z.string(), code: z.string(), nl: z.string(), en: z.string() });
export type ReviewReason = z.infer<typeof reviewReason>;

/** A sent mail on the review list: recipients, students, subject and reasons, never a body. */
export const reviewItem = z.object({
  id: z.string(),
  kind: z.enum(REVIEW_KINDS),
  mailbox: z.string(),
  internetMessageId: z.string(),
  subject: z.string(),
  sentAt: z.string(),
  /** When the software flagged it (the sweep found it). */
  flaggedAt: z.string(),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  bcc: z.array(z.string()),
  students: z.array(z.object({ id: z.string(), name: z.string(), schoolId: z.string().optional() })),
  reasons: z.array(reviewReason),
  /** A meeting invitation (the organiser's calendar event; internetMessageId is its iCalUId). */
  meeting: z.boolean().optional(),
  checkId: z.string().optional(),
  purposeId: z.string().optional(),
  state: z.enum(REVIEW_STATES),
  decision: z
    .object({
      by: z.string(),
      at: z.string(),
      note: z.string().optional(),
      purposeId: z.string().optional(),
      breachId: z.string().optional(),
      disclosures: z.number().optional(),
    })
    .optional(),
});
export type ReviewItem = z.infer<typeof reviewItem>;

/** An entry of the data breach register (datalekkenregister, DOMAIN.md section 7). */
export const breach = z.object({
  id: z.string(),
  /** How it was opened: from the review list, from an override found wrong, or by hand. */
  source: z.enum(["review", "override", "hand"]).optional(),
  reviewId: z.string().optional(),
  /** The overridden check (source override). */
  checkId: z.string().optional(),
  what: z.string(),
  students: z.array(z.object({ id: z.string(), name: z.string() })),
  recipients: z.array(z.string()),
  categories: z.array(z.string()),
  /** When the software flagged the mail. */
  flaggedAt: z.string(),
  /** When a coordinator confirmed it is a breach: the 72 hours to decide on notifying the AP run from here. */
  awareAt: z.string(),
  deadline: z.string(),
  recordedBy: z.string(),
  notifyAuthority: z.object({ decision: z.enum(["notify", "not-notify"]), reason: z.string(), at: z.string(), by: z.string() }).optional(),
  informParents: z.object({ decision: z.enum(["inform", "not-inform"]), reason: z.string(), at: z.string(), by: z.string() }).optional(),
  followUp: z.string().optional(),
});
export type Breach = z.infer<typeof breach>;

export const reviewList = z.object({ items: z.array(reviewItem) });
export const decisionResponse = z.object({ item: reviewItem, breach: breach.optional(), disclosures: z.number() });
export const breachList = z.object({ breaches: z.array(breach) });

/** What subscribing the senders' Sent Items did (POST /api/sent-items/subscriptions). */
export const subscriptionReport = z.object({ created: z.number(), renewed: z.number(), kept: z.number() });

/** Graph's validation handshake: POST ?validationToken=... answered with the token as text/plain. */
export const notificationQuery = z.object({ validationToken: z.string().max(1024).optional() }).strict();

/**
 * A Graph notification POST: change notifications and lifecycle notifications (reauthorizationRequired,
 * subscriptionRemoved, missed). Only what is used is read; a validation request has no body.
 */
export const notificationBody = z
  .object({
    value: z
      .array(
        z
          .object({
            subscriptionId: z.string().max(200).optional(),
            clientState: z.string().max(256).optional(),
            tenantId: z.string().max(100).optional(),
            changeType: z.string().max(50).optional(),
            lifecycleEvent: z.string().max(50).optional(),
          })
          .loose(),
      )
      .max(1000),
  })
  .loose()
  .optional();

/**
 * The decisions on a breach (DOMAIN.md section 7): notifying the Autoriteit Persoonsgegevens (within 72
 * hours of awareness) and informing the parents, each with its reason, and the follow-up. Each decision
 * is made once (a second is 409): the register is evidence.
 */
export const breachUpdate = z
  .object({
    notifyAuthority: z.object({ decision: z.enum(["notify", "not-notify"]), reason: z.string().trim().min(10).max(2000) }).strict().optional(),
    informParents: z.object({ decision: z.enum(["inform", "not-inform"]), reason: z.string().trim().min(10).max(2000) }).strict().optional(),
    followUp: z.string().trim().min(1).max(2000).optional(),
  })
  .strict()
  .refine((b) => b.notifyAuthority || b.informParents || b.followUp, { message: "give at least one decision or the follow-up" });
export type BreachUpdate = z.infer<typeof breachUpdate>;

/** When the school became aware: not in the future (the 72 hours run from it). */
const awareAt = isoDateTime.refine((v) => Date.parse(v) <= Date.now() + 60_000, { message: "not in the future" });

/** A breach registered by hand (a lost laptop, a list on the wrong screen): DOMAIN.md section 7. */
export const breachRequest = z
  .object({
    what: z.string().trim().min(5).max(2000),
    studentIds: z.array(id).min(1).max(50),
    recipients: z.array(mailAddress).max(50).optional(),
    categories: z.array(z.string().trim().min(1).max(100)).max(20).optional(),
    /** When the school became aware (default: now). */
    awareAt: awareAt.optional(),
  })
  .strict();
export type BreachRequest = z.infer<typeof breachRequest>;

/** A breach from an override found wrong: the check names the students and recipients. */
export const overrideBreachRequest = z
  .object({
    what: z.string().trim().min(5).max(2000).optional(),
    categories: z.array(z.string().trim().min(1).max(100)).max(20).optional(),
    awareAt: awareAt.optional(),
  })
  .strict();
export type OverrideBreachRequest = z.infer<typeof overrideBreachRequest>;
