/**
 * Attachment contents for the check: each readable attachment is uploaded as raw bytes to
 * POST /api/check/attachments (header X-ZV-Check: this item's correlation id), and the server's signed
 * receipt goes into the check request. What was not read (over a cap, unreadable, a cloud link, an
 * upload that failed) is described instead, so the server applies the unreadable-attachment rule.
 *
 * One module for every caller (the send and appointment handlers, the early warning on attachment
 * changes, the task pane): each upload's receipt is kept in the item's session data (UPLOADS_KEY) with the
 * attachment's id, name and size and the SHA-256 the server computed, so a later check of the same item
 * (the early warning's upload, reused at Send) sends the receipt and hash again instead of uploading the
 * same bytes twice. Outlook gives a replaced file a new attachment id; the server verifies that the hash
 * sent is the one its receipt was signed for. A receipt is reused while younger than UPLOAD_REUSE_MS
 * (the server's receipts live 30 minutes).
 */
import type { ApiClient } from "../../shared/api.js";
import type { AttachmentReceipt, CheckRequestBody } from "../../../contract/sendcheck.js";
import { getAsyncP, readAttachmentCaps, readAttachmentContents, type AttachmentInfo, type OfficeLike } from "./office.js";

type AttachmentEntry = NonNullable<CheckRequestBody["attachments"]>[number];

/** The key in the item's session data of the kept uploads. */
export const UPLOADS_KEY = "zvUploads";
/** A kept receipt is reused while younger than this (the server's receipts expire after 30 minutes). */
export const UPLOAD_REUSE_MS = 20 * 60_000;

/** One kept upload: attachment id, name, size, the server's SHA-256 and receipt, when it was uploaded. */
interface KeptUpload {
  i: string;
  n: string;
  s?: number;
  h?: string;
  r: string;
  t: number;
}
/** The kept uploads of an item: their correlation id and the uploads. */
export interface KeptUploads {
  c: string;
  a: KeptUpload[];
}

/** A random id for an item's uploads (no crypto API is promised in classic Outlook's runtime). */
export function newCorrelationId(): string {
  let s = "";
  for (let i = 0; i < 24; i++) s += "abcdefghijklmnopqrstuvwxyz0123456789".charAt(Math.floor(Math.random() * 36));
  return s;
}

type SessionData = {
  getAsync(key: string, cb: (r: Office.AsyncResult<string>) => void): void;
  setAsync(key: string, value: string, cb: (r: Office.AsyncResult<void>) => void): void;
};

function sessionDataOf(office: OfficeLike): SessionData | undefined {
  const item = office.context.mailbox.item as { sessionData?: SessionData } | undefined;
  const sd = item && item.sessionData;
  return sd && typeof sd.getAsync === "function" && typeof sd.setAsync === "function" ? sd : undefined;
}

/** The uploads kept for this item, or undefined (none, no session data, not well-formed). Never rejects. */
export async function readKeptUploads(office: OfficeLike): Promise<KeptUploads | undefined> {
  const sd = sessionDataOf(office);
  if (!sd) return undefined;
  try {
    const raw = await getAsyncP<string>((cb) => sd.getAsync(UPLOADS_KEY, cb));
    const v = raw ? (JSON.parse(raw) as Partial<KeptUploads>) : undefined;
    if (!v || typeof v.c !== "string" || !/^[A-Za-z0-9_-]{8,64}$/.test(v.c) || !Array.isArray(v.a)) return undefined;
    return { c: v.c, a: v.a.filter((x) => x && typeof x.i === "string" && typeof x.n === "string" && typeof x.r === "string" && typeof x.t === "number") };
  } catch {
    return undefined;
  }
}

function keep(office: OfficeLike, kept: KeptUploads): Promise<void> {
  const sd = sessionDataOf(office);
  if (!sd) return Promise.resolve();
  // A session data that is full or refused only costs a second upload at Send.
  return getAsyncP<void>((cb) => sd.setAsync(UPLOADS_KEY, JSON.stringify(kept), cb)).then(
    () => undefined,
    () => undefined,
  );
}

/** The kept upload of this attachment when it is the same file (id, name, size) and its receipt still fresh. */
function reusable(kept: KeptUploads | undefined, a: AttachmentInfo, now: number): KeptUpload | undefined {
  if (!kept || a.kind === "cloud") return undefined;
  for (const k of kept.a) if (k.i === a.id && k.n === a.name && k.s === a.size && now - k.t < UPLOAD_REUSE_MS && k.t <= now) return k;
  return undefined;
}

function describe(a: AttachmentInfo): AttachmentEntry {
  const base: AttachmentEntry = { name: a.name, kind: a.kind };
  if (a.size !== undefined) base.size = a.size;
  if (a.contentType) base.contentType = a.contentType;
  return base;
}

/**
 * The attachments of a check request and its correlation id: each attachment's receipt (a kept one when
 * the same file was uploaded before, else read with getAttachmentContentAsync and uploaded now), or why
 * it was not read. The receipts are kept in the item's session data for the next check.
 */
export async function attachmentsForCheck(
  office: OfficeLike,
  api: ApiClient,
  list: AttachmentInfo[],
  upload = true,
): Promise<{ correlationId: string; attachments: AttachmentEntry[] }> {
  const kept = await readKeptUploads(office);
  const correlationId = kept ? kept.c : newCorrelationId();
  const now = Date.now();
  const reused = list.map((a) => reusable(kept, a, now));
  // Without uploads (the early check of a recipient change): kept receipts, names only for the rest.
  if (!upload)
    return { correlationId, attachments: list.map((a, i) => { const k = reused[i]; return k ? Object.assign(describe(a), { receipt: k.r }, k.h ? { sha256: k.h } : {}) : { name: a.name }; }) };
  const missing = list.filter((_, i) => !reused[i]);
  const contents = await readAttachmentContents(office, missing, readAttachmentCaps(office));
  const next: KeptUpload[] = [];
  const uploaded = await Promise.all(
    missing.map(async (a, i): Promise<AttachmentEntry> => {
      const base = describe(a);
      const c = contents[i];
      if (!c) return Object.assign(base, { unread: "unreadable" as const });
      if ("unread" in c) return Object.assign(base, { unread: c.unread }, c.url ? { url: c.url } : {});
      // Raw bytes (routes.uploadAttachment), never base64 in JSON; the path is written out so this bundle
      // carries no schema library.
      const headers: Record<string, string> = {
        "content-type": c.contentType || "application/octet-stream",
        "x-zv-check": correlationId,
        "x-zv-name": encodeURIComponent(a.name),
      };
      try {
        const r = await api.post<Partial<AttachmentReceipt>>("/api/check/attachments", c.bytes, headers);
        if (typeof r.receipt !== "string") return Object.assign(base, { unread: "unreadable" as const });
        const h = typeof r.sha256 === "string" && /^[0-9a-f]{64}$/.test(r.sha256) ? r.sha256 : undefined;
        const k: KeptUpload = { i: a.id, n: a.name, r: r.receipt, t: Date.now() };
        if (a.size !== undefined) k.s = a.size;
        if (h) k.h = h;
        next.push(k);
        return Object.assign(base, { receipt: r.receipt }, h ? { sha256: h } : {});
      } catch {
        // The check itself still runs: the server warns about the attachment it could not read.
        return Object.assign(base, { unread: "unreadable" as const });
      }
    }),
  );
  let j = 0;
  const attachments = list.map((a, i): AttachmentEntry => {
    const k = reused[i];
    if (!k) return uploaded[j++] || Object.assign(describe(a), { unread: "unreadable" as const });
    next.push(k);
    return Object.assign(describe(a), { receipt: k.r }, k.h ? { sha256: k.h } : {});
  });
  // Only the current attachments' receipts are kept (a removed file's receipt is dropped).
  if (next.length > 0 || kept) await keep(office, { c: correlationId, a: next });
  return { correlationId, attachments };
}
