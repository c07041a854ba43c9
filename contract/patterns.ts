import { z } from "zod";

/** Identifiers: safe as Azure Table keys (no / \ # ? | or control characters). */
export const id = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._~:@-]+$/, "letters, digits and . _ ~ : @ - only");

export const isoDate = z.iso.date();
export const isoDateTime = z.iso.datetime({ offset: true });

export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
