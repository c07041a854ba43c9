import { z } from "zod";

/** Identifiers: safe as Azure Table keys (no / \ # ? | or control characters). */
export const ID_PATTERN = /^[A-Za-z0-9._~:@-]+$/;
export const id = z.string().min(1).max(100).regex(ID_PATTERN, "letters, digits and . _ ~ : @ - only");

export const isoDate = z.iso.date();
export const isoDateTime = z.iso.datetime({ offset: true });

/** An address as a mail client gives it (the send check's recipients). */
export const mailAddress = z.string().trim().min(3).max(320).regex(/^[^\s@]+@[^\s@]+$/, "an email address");
/** A Dutch postcode: four digits (the first not 0), two letters (never SA, SD or SS), written "1234 AB". */
export const DUTCH_POSTCODE = /^([1-9][0-9]{3}) ?(?!SA|SD|SS)([A-Z]{2})$/;
export const dutchPostcode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(DUTCH_POSTCODE, "a Dutch postcode like 1234 AB")
  .transform((s) => s.replace(DUTCH_POSTCODE, "$1 $2"));
/** An address kept in the directory (lower case, no key-unsafe characters). */
export const directoryEmail = z.string().trim().toLowerCase().max(320).regex(/^[^\s@/\\#?|]+@[^\s@/\\#?|]+\.[^\s@/\\#?|]+$/, "an email address");
export const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{3,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/, "a domain name like school.nl");
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "64 hex characters");
/** Non-empty trimmed text of at most `max` characters. */
/**
 * Characters no name or label may hold: C0 and C1 controls (CR/LF would split a mail header or subject,
 * NUL truncates), DEL, and the bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) that
 * make "Jan.exe" read as something else.
 */
export const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const NO_CONTROLS = "must not contain control characters or direction overrides";

/** A single-line text a person typed or an import carried: trimmed, without control characters. */
export const line = (max: number) => z.string().trim().max(max).refine((s) => !CONTROL_CHARACTERS.test(s), NO_CONTROLS);
/** A required name or label (see `line`). */
export const text = (max: number) => line(max).refine((s) => s.length >= 1, "must not be empty");
