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
  /** The same email (Internet Message-ID) is already recorded as consent for this student. */
  "DUPLICATE_MESSAGE",
  /** A parents'-page link that was altered, made up or never issued. */
  "LINK_INVALID",
  /** A parents'-page link past its validity (school policy). */
  "LINK_EXPIRED",
  /** A parents'-page link whose answer is already recorded (a link records once). */
  "ALREADY_ANSWERED",
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
  /** A destructive action (retention lowered, manual purge, restore) needs a second person's approval first (issue 16). */
  "APPROVAL_REQUIRED",
  /** The approval must come from another person than the one who proposed. */
  "SECOND_PERSON_REQUIRED",
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
  /** The mail's text could not be read within the check's time budget (issue 16): the add-in follows the school's fail mode. */
  "TEXT_TOO_COMPLEX",
  // Backups and restores (issue 16): an encrypted backup that cannot be trusted changes nothing.
  /** Not a Zorgvuldig backup (format, version, header), or an unencrypted one. */
  "BACKUP_INVALID",
  /** The backup's key id is not among the configured BACKUP_KEYS. */
  "BACKUP_KEY_UNKNOWN",
  /** AES-256-GCM refused the backup: the wrong key under its key id, or altered bytes. */
  "BACKUP_DECRYPT_FAILED",
  /** The backup is of another tenant than the caller's. */
  "BACKUP_WRONG_TENANT",
  /** A row of the backup fails its check (table, keys, tenant, shape, chain): the whole restore is refused. */
  "BACKUP_ROW_INVALID",
  /** A chunked backup ends before its final chunk (cut off): nothing is restored. */
  "BACKUP_TRUNCATED",
  /** The restore would replace or rewrite history that exists in the store: refused, nothing written. */
  "RESTORE_CONFLICT",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Every error leaves the server in this shape. */
export const errorBody = z.object({
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof errorBody>;
