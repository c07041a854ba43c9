import { z } from "zod";
import { DECISIONS, LANGS, REQUEST_STATES } from "./enums.js";
import { id } from "./patterns.js";
import { evidenceInput } from "./register.js";

/**
 * The parents' page (issue 17): a consent request's personal link opens a page served by the backend,
 * without a Microsoft account, where a holder of parental authority (or the student from 16) gives or
 * refuses consent, or withdraws it. And the coordinator's follow-up of the requests.
 */

/**
 * A personal link's token: `<link id>.<key id>.<HMAC>`. The MAC (SHA-256, a key from configuration)
 * binds the link id to the tenant, the request, the holder and the expiry stored with it.
 */
export const PARENT_TOKEN_PATTERN = /^[0-9a-f]{16}\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{43}$/;
export const parentToken = z.string().regex(PARENT_TOKEN_PATTERN, "a parents'-page link token");
export const parentPageParams = z.object({ token: parentToken }).strict();
export const parentPageQuery = z.object({ lang: z.enum(LANGS).optional() }).strict();

export const PARENT_ANSWERS = ["give", "refuse", "withdraw"] as const;
export type ParentAnswer = (typeof PARENT_ANSWERS)[number];
/** What the page's form posts (application/x-www-form-urlencoded). */
export const parentAnswerForm = z.object({ answer: z.enum(PARENT_ANSWERS), lang: z.enum(LANGS).optional() }).strict();


export const openRequestLetter = z.object({
  /** Who is asked: a guardian or the student. */
  holder: z.string(),
  name: z.string(),
  state: z.enum(REQUEST_STATES),
  openedAt: z.string().optional(),
  answeredAt: z.string().optional(),
  decision: z.enum(DECISIONS).optional(),
  withdrawnAt: z.string().optional(),
  reminders: z.number().int(),
  lastReminderAt: z.string().optional(),
  /** The last reminder went by the scheduled follow-up (the school's `autoReminders`), not by a coordinator's click. */
  lastReminderAuto: z.boolean().optional(),
  /**
   * A reminder is due (school policy reminderAfterDays / maxReminders): sent by the server, not answered,
   * the link still works, the last mail (request or reminder) at least N days ago, fewer than M reminders.
   */
  reminderDue: z.boolean(),
});
/** Who a request or a renewal is about and for what, by id and by name (the lists show both). */
const aboutNamed = {
  studentId: z.string(),
  studentName: z.string(),
  className: z.string(),
  partyId: z.string(),
  partyName: z.string(),
  purposeId: z.string(),
  purposeLabel: z.string(),
};
export const openRequest = z.object({
  requestId: z.string(),
  ...aboutNamed,
  createdAt: z.string(),
  sentAt: z.string().optional(),
  linkExpiresAt: z.string().optional(),
  /** The whole request: answered once every letter is, expired once the links are and not all answered. */
  state: z.enum(REQUEST_STATES),
  letters: z.array(openRequestLetter),
});
export type OpenRequest = z.infer<typeof openRequest>;
/** What a reminder round of one request did: how many letters were reminded, and the request as it stands now. */
export const remindResult = z.object({ reminded: z.number().int(), request: openRequest });
export type RemindResult = z.infer<typeof remindResult>;
/**
 * The reminders due now in the caller's schools (the Open verzoeken list and the overview show the count):
 * `due` letters in all, `manual` of them at schools that send by hand (automatic reminders off), and the
 * schools whose reminders the scheduled follow-up sends.
 */
export const remindersDue = z.object({ due: z.number().int(), manual: z.number().int(), automaticSchools: z.array(z.string()) });
export type RemindersDue = z.infer<typeof remindersDue>;
/** "Alle herinneringen sturen": the letters reminded, and the requests whose sending failed (nothing recorded for them). */
export const remindDueResult = z.object({ reminded: z.number().int(), failed: z.number().int() });
export type RemindDueResult = z.infer<typeof remindDueResult>;
/** `state=open`: those still waiting (created, sent or opened: not answered by every holder, not expired), the overview's number. */
export const openRequestsQuery = z.object({ state: z.enum([...REQUEST_STATES, "open"]).optional() }).strict();
export const openRequestsResponse = z.object({ requests: z.array(openRequest) });

/** A renewal round: the consents that end this school year, previewed, then asked again in one go. */
export const renewalQuery = z.object({ schoolId: id.optional() }).strict();
export const renewalCandidate = z.object({
  ...aboutNamed,
  validUntil: z.string(),
  /** An open (unanswered, unexpired) request for the same student, party and purpose already exists. */
  openRequestId: z.string().optional(),
});
export const renewalPreview = z.object({ schoolYearEnd: z.string(), candidates: z.array(renewalCandidate) });
export const renewalRequest = z
  .object({
    items: z.array(z.object({ studentId: id, partyId: id, purposeId: id }).strict()).min(1).max(500),
    lang: z.enum(LANGS).optional(),
    /** Send through Graph now (Entra mode); false: only write the requests (the links work at once). */
    send: z.boolean().default(false),
  })
  .strict();
export const renewalResult = z.object({
  created: z.array(z.object({ studentId: z.string(), partyId: z.string(), purposeId: z.string(), requestId: z.string(), sent: z.boolean() })),
  failed: z.array(z.object({ studentId: z.string(), partyId: z.string(), purposeId: z.string(), code: z.string(), message: z.string() })),
});
export type RenewalResult = z.infer<typeof renewalResult>;

/** A reply mail to a request, recorded in one click: student, party and purpose come from the request. */
export const replyRecordRequest = z
  .object({
    decision: z.enum(DECISIONS),
    evidence: evidenceInput.omit({ requestId: true }),
  })
  .strict();
export type ReplyRecordRequest = z.infer<typeof replyRecordRequest>;
