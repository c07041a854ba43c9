import { z } from "zod";

/** Stable error codes the clients (add-in, tab, scripts) rely on. Add a code here, in one place. */
export const ERROR_CODES = [
  "BAD_JSON",
  /** The body does not decode with the Content-Encoding it claims. */
  "BAD_ENCODING",
  "VALIDATION_FAILED",
  "BODY_TOO_LARGE",
  "UNAUTHENTICATED",
  "TOKEN_EXPIRED",
  "TOKEN_NOT_YET_VALID",
  "TOKEN_INVALID",
  "TOKEN_WRONG_AUDIENCE",
  "TOKEN_WRONG_ISSUER",
  "TOKEN_UNKNOWN_KEY",
  "TENANT_NOT_ALLOWED",
  /** Dev mode and a Host header that is not loopback (DNS rebinding). */
  "HOST_NOT_ALLOWED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "ALREADY_WITHDRAWN",
  "NOT_A_GUARDIAN",
  "NO_AUTHORITY",
  "STUDENT_TOO_YOUNG",
  /** From 16 only the student gives or withdraws consent. */
  "STUDENT_DECIDES",
  /** A guardian whose parental authority the school has not confirmed. */
  "AUTHORITY_UNCONFIRMED",
  /** A consent, withdrawal or notice dated in the future. */
  "DATE_IN_FUTURE",
  /** A consent-by-nature party marked legal without a statute and an explicit confirmation. */
  "LEGAL_BASIS_NOT_CONFIRMED",
  /** One domain for two parties with different bases, not told apart by addresses. */
  "DOMAIN_CONFLICT",
  "UNPROCESSABLE",
  "RATE_LIMITED",
  "STORAGE_UNAVAILABLE",
  /** A register's HEAD fails its keyed MAC (written without the integrity key): the check refuses, never allows. */
  "REGISTER_INTEGRITY",
  "CONSENT_REQUIRED",
  "INTERACTION_REQUIRED",
  "GRAPH_ERROR",
  "INTERNAL",
  /** Test mode only: the server's answer did not match the route's declared response schema. */
  "RESPONSE_INVALID",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Every error leaves the server in this shape. */
export const errorBody = z.object({
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof errorBody>;
