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

export const sweepReport = z.object({
  mailboxes: z.number(),
  messages: z.number(),
  confirmed: z.number(),
  disclosures: z.number(),
  review: z.number(),
  serverMail: z.number(),
  purged: z.number(),
});
