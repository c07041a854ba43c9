import { z } from "zod";
import { id, isoDateTime } from "../shared/schemas.js";

export const mailboxRequest = z
  .object({
    /** The mailbox (UPN, address or object id) of an add-in user or a shared mailbox they send from. */
    mailbox: z.string().trim().min(1).max(320).regex(/^[A-Za-z0-9._@+-]+$/, "a user principal name, address or object id"),
    /** Messages sent before this are not judged (default: now). */
    since: isoDateTime.optional(),
  })
  .strict();

export const reviewQuery = z.object({ state: z.enum(["open", "lawful", "breach"]).optional() }).strict();

export const decisionRequest = z.discriminatedUnion("decision", [
  z
    .object({
      decision: z.literal("lawful"),
      /** The purpose the disclosure served (the register must support it at the send time). */
      purposeId: id.optional(),
      note: z.string().trim().max(2000).optional(),
    })
    .strict(),
  z
    .object({
      decision: z.literal("breach"),
      /** What happened, in the coordinator's words. */
      note: z.string().trim().min(1).max(2000).optional(),
      /** Categories of data concerned (e.g. "verslag", "medisch"). */
      categories: z.array(z.string().trim().min(1).max(100)).max(20).optional(),
    })
    .strict(),
]);

export const sweepReport = z.object({
  mailboxes: z.number(),
  messages: z.number(),
  confirmed: z.number(),
  disclosures: z.number(),
  review: z.number(),
  serverMail: z.number(),
  purged: z.number(),
});
