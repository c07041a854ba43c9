import { z } from "zod";
import { ROLES } from "./enums.js";
import { id } from "./patterns.js";
import { evidence } from "./register.js";

/** GET /api/me: who is calling. */
export const me = z.object({
  user: z.string(),
  tenantId: z.string(),
  roles: z.array(z.enum(ROLES)),
  /** The schools the caller may see: every school of the tenant ("all") or these. */
  schools: z.union([z.literal("all"), z.array(z.string())]),
  devMode: z.boolean(),
  /** Whether the server reaches Microsoft Graph (then it hashes the original message itself). */
  graph: z.boolean(),
});
export type Me = z.infer<typeof me>;

/** POST /api/evidence/graph */
export const graphEvidenceRequest = z
  .object({
    graphMessageId: z.string().min(1).max(1000),
    studentId: id.optional(),
    schoolId: id.optional(),
    /** The owner of the shared or delegated mailbox the item is in (Graph /users/{owner}/messages). */
    mailboxOwner: z.string().trim().toLowerCase().max(320).regex(/^[^\s@/]+@[^\s@/]+$/, "an email address").optional(),
  })
  .strict();
export const graphEvidence = evidence.extend({ hashSource: z.literal("server-mime"), kept: z.boolean() });
export type GraphEvidence = z.infer<typeof graphEvidence>;

/** POST /dev/token (dev mode only; not under /api). */
export const devTokenRequest = z
  .object({
    user: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9._@-]+$/),
    tenantId: z.string().uuid().optional(),
    roles: z.array(z.enum(ROLES)).min(1).max(4).optional(),
    /** The schools the user works for ("*": every school of the tenant, the default). */
    schools: z.array(z.union([id, z.literal("*")])).min(1).max(50).optional(),
  })
  .strict();
export const devToken = z.object({ token: z.string(), expiresIn: z.number(), tenantId: z.string() });
