import { createHmac, timingSafeEqual } from "node:crypto";
import { canonicalJson, sha256Hex } from "../shared/hash.js";
import { normalise } from "../directory/normalise.js";

/**
 * The canonical digest of a checked mail, computed by the server from what it was sent (the on-send
 * check) and again from the message in Sent Items (the confirmation), so both sides reduce the mail the
 * same way: recipients lower-cased and sorted, the detected student ids, attachment names (and content
 * hashes when the client sent them), and the body reduced to text (HTML tags and character references
 * removed, then the detector's `normalise`). Only hashes and a length are kept: never the body.
 *
 * Replies: Outlook appends the quoted thread to a reply after the on-send check. The body is kept as
 * the hash of its normalised text AND its length, so the confirmation hashes only the first `bodyChars`
 * characters of the sent text and accepts the rest when it starts at a word boundary. What is appended
 * cannot add a student unnoticed: the students are detected in the whole sent message and are part of
 * the content digest.
 */

export interface DigestParts {
  /** Lower-cased, sorted, unique. */
  recipients: string[];
  /** sha256 of the content (students, attachments, body text). */
  content: string;
  /** sha256 of recipients + content: what an override binds to. */
  digest: string;
  /** Characters of the normalised body text that `content` covers. */
  bodyChars: number;
  /** Whether attachment content hashes are part of `content` (then the confirmation hashes the sent files). */
  hashedAttachments: boolean;
}

export interface DigestInput {
  recipients: string[];
  studentIds: string[];
  attachments: { name: string; sha256?: string }[];
  /** The body as read (text or HTML). */
  body: string;
}

/** HTML to plain text for hashing and detection: scripts, styles and tags go, block ends become breaks. */
export function htmlToText(body: string): string {
  if (!/<[a-z!/][^>]*>/i.test(body)) return body;
  return body
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<(br|\/p|\/div|\/li|\/tr|\/h[1-6])\b[^>]*>/gi, "\n")
    .replace(/<[^>]+>/g, " ");
}

/** The text the digest covers: HTML reduced to text, then normalised like the detector does. */
export function bodyText(body: string): string {
  return normalise(htmlToText(body));
}

function attachmentKeys(list: DigestInput["attachments"]): string[] {
  return list.map((a) => `${normalise(a.name)}${a.sha256 ? `#${a.sha256}` : ""}`).sort();
}

function contentHash(studentIds: string[], attachments: DigestInput["attachments"], text: string): string {
  return sha256Hex(canonicalJson({ s: [...new Set(studentIds)].sort(), a: attachmentKeys(attachments), b: sha256Hex(text) }));
}

export function uniqueRecipients(list: string[]): string[] {
  return [...new Set(list.map((a) => a.trim().toLowerCase()))].sort();
}

export function digestOf(i: DigestInput): DigestParts {
  const recipients = uniqueRecipients(i.recipients);
  const text = bodyText(i.body);
  const content = contentHash(i.studentIds, i.attachments, text);
  return {
    recipients,
    content,
    digest: sha256Hex(canonicalJson({ r: recipients, c: content })),
    bodyChars: text.length,
    hashedAttachments: i.attachments.some((a) => a.sha256 !== undefined),
  };
}

/**
 * Whether the mail in Sent Items has the content that was checked: the same students and attachments,
 * and a body whose first `checked.bodyChars` characters are the checked text, followed by nothing or by
 * more words (the quoted thread Outlook appends to a reply).
 */
export function sameContent(checked: Pick<DigestParts, "content" | "bodyChars">, sent: Omit<DigestInput, "recipients">): boolean {
  const text = bodyText(sent.body);
  if (text.length < checked.bodyChars) return false;
  const next = text.charAt(checked.bodyChars);
  if (next !== "" && next !== " ") return false;
  return contentHash(sent.studentIds, sent.attachments, text.slice(0, checked.bodyChars)) === checked.content;
}

// ---------------------------------------------------------------------------------------------------
// The stamp: `<checkId>.<mac>` in the x-zorgvuldig-check header

/** The MAC of a check id for a tenant (HMAC-SHA256 with CHECK_STAMP_KEY, 128 bits in base64url). */
export function stampOf(key: string, tenantId: string, checkId: string): string {
  const mac = createHmac("sha256", key).update(`${tenantId.toLowerCase()}|${checkId}`).digest("base64url").slice(0, 22);
  return `${checkId}.${mac}`;
}

/** The check id of a header value whose MAC is valid for this tenant; undefined otherwise. */
export function verifyStamp(key: string, tenantId: string, value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /^\s*([A-Za-z0-9_:-]{1,100})\.([A-Za-z0-9_-]{22})\s*$/.exec(value);
  if (!m?.[1] || !m[2]) return undefined;
  const expected = Buffer.from(stampOf(key, tenantId, m[1]));
  const given = Buffer.from(`${m[1]}.${m[2]}`);
  return expected.length === given.length && timingSafeEqual(expected, given) ? m[1] : undefined;
}
