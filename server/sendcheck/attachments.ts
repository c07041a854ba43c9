import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Readable } from "node:stream";
import type { Principal } from "../identity/auth.js";
import type { Directory } from "../directory/domain.js";
import type { DirectoryService } from "../directory/service.js";
import { AppError } from "../shared/errors.js";
import type { AttachmentFinding } from "./content-rules.js";
import type { AttachmentReceipt, CheckRequest } from "../../contract/index.js";
import { ATTACHMENT_CAPS_MB } from "../../contract/index.js";
import type { ExtractionPool } from "./extract/pool.js";
import { containsBsn } from "./content-rules.js";

/**
 * Attachment contents (DOMAIN.md section 5). The add-in uploads each file attachment's bytes to
 * POST /api/check/attachments (raw body, header X-ZV-Check naming the check it belongs to). The server
 * reads the stream up to the school's cap, extracts the text in a worker thread with a time budget,
 * detects students in it like in the body, and forgets the text. What it answers is a signed receipt:
 * who uploaded it, for which check, the attachment's name, whether it was read, and the ids of the
 * students found, never the text. The check request carries the receipts back; the server verifies them.
 * Nothing of the contents is stored, logged or written to a temporary file.
 */

export const DEFAULT_ATTACHMENT_MAX_MB = ATTACHMENT_CAPS_MB.perAttachment.default;
export const DEFAULT_MAIL_ATTACHMENTS_MAX_MB = ATTACHMENT_CAPS_MB.perMail.default;
const MB = 1024 * 1024;

export interface AttachmentLimits {
  attachmentMaxMb: number;
  mailAttachmentsMaxMb: number;
}

/** The tenant's caps: the largest any of its schools' policies allows (defaults 10 and 25 MB). */
export function attachmentLimits(dir: Pick<Directory, "policies">): AttachmentLimits {
  const per = dir.policies.map((p) => p.attachmentMaxMb ?? DEFAULT_ATTACHMENT_MAX_MB);
  const mail = dir.policies.map((p) => p.mailAttachmentsMaxMb ?? DEFAULT_MAIL_ATTACHMENTS_MAX_MB);
  return {
    attachmentMaxMb: Math.max(DEFAULT_ATTACHMENT_MAX_MB, ...per),
    mailAttachmentsMaxMb: Math.max(DEFAULT_MAIL_ATTACHMENTS_MAX_MB, ...mail),
  };
}

interface ReceiptPayload {
  v: 1;
  /** tenant, user, check correlation */
  t: string;
  u: string;
  c: string;
  /** attachment name and size in bytes */
  n: string;
  s: number;
  st: "read" | "unreadable" | "too-large";
  r?: string;
  ids: string[];
  /** A BSN stands in the contents (content-rules.ts). */
  b?: 1;
  /** SHA-256 (hex) of the uploaded bytes: the add-in keeps it to reuse the receipt while the file is unchanged. */
  h?: string;
  /** expiry, ms since epoch */
  exp: number;
}

const b64url = (b: Buffer): string => b.toString("base64url");

/** Signs and verifies receipts (HMAC-SHA256). Instances behind one load balancer share the secret. */
export class AttachmentReceipts {
  private readonly secret: Buffer;
  constructor(
    secret: string | undefined,
    private readonly ttlMs = 30 * 60_000,
  ) {
    this.secret = secret ? Buffer.from(secret, "utf8") : randomBytes(32);
  }

  sign(p: Omit<ReceiptPayload, "v" | "exp">): string {
    const body = b64url(Buffer.from(JSON.stringify({ v: 1, ...p, exp: Date.now() + this.ttlMs }), "utf8"));
    return `${body}.${b64url(createHmac("sha256", this.secret).update(body).digest())}`;
  }

  /** The payload when the receipt is genuine, unexpired, and this user's for this check; else undefined. */
  verify(token: string, p: Principal, correlationId: string | undefined): ReceiptPayload | undefined {
    const [body, sig] = token.split(".");
    if (!body || !sig) return undefined;
    const want = createHmac("sha256", this.secret).update(body).digest();
    const got = Buffer.from(sig, "base64url");
    if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
    try {
      const v = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as ReceiptPayload;
      if (v.v !== 1 || v.t !== p.tenantId || v.u !== p.userId || v.c !== correlationId || v.exp < Date.now()) return undefined;
      return v;
    } catch {
      return undefined;
    }
  }
}

/**
 * What became of each attachment of a check request. An entry with only a name (a client that sends no
 * contents, like the first API) keeps the name-only check; one the add-in describes (kind, receipt or a
 * reason it did not upload) counts as read only with a valid receipt of this user for this check.
 */
export function attachmentFindings(
  req: Pick<CheckRequest, "attachments" | "correlationId">,
  p: Principal,
  receipts: AttachmentReceipts | undefined,
  limits: AttachmentLimits,
): AttachmentFinding[] {
  const out: AttachmentFinding[] = [];
  let total = 0;
  for (const a of req.attachments) {
    if (a.kind === "cloud" || a.unread === "cloud") {
      out.push({ name: a.name, status: "cloud", ...(a.url ? { url: a.url } : {}), studentIds: [] });
      continue;
    }
    if (a.unread) {
      const status = a.unread === "unreadable" ? "unreadable" : "too-large";
      out.push({ name: a.name, status, reason: a.unread, studentIds: [] });
      continue;
    }
    if (!a.receipt) {
      if (a.kind) out.push({ name: a.name, status: "not-sent", studentIds: [] });
      continue;
    }
    const r = receipts?.verify(a.receipt, p, req.correlationId);
    // A content hash the client claims must be the one the receipt was signed for.
    if (!r || r.n !== a.name || (a.sha256 !== undefined && r.h !== undefined && a.sha256 !== r.h)) {
      out.push({ name: a.name, status: "not-sent", studentIds: [] });
      continue;
    }
    total += r.s;
    if (r.st === "read" && total > limits.mailAttachmentsMaxMb * MB) {
      out.push({ name: a.name, status: "too-large", reason: "mail-too-large", studentIds: [] });
      continue;
    }
    out.push({ name: a.name, status: r.st, ...(r.r ? { reason: r.r } : {}), studentIds: r.ids, ...(r.b ? { bsn: true } : {}) });
  }
  return out;
}

export interface UploadMeta {
  name: string;
  contentType?: string;
  correlationId: string;
  /** Content-Length, when the client sent one. */
  length?: number;
}

/** Reads at most `max` bytes of a stream with their SHA-256; undefined when it is longer (the rest is drained, up to a bound). */
async function readCapped(stream: Readable, max: number): Promise<{ bytes: Buffer; sha256: string } | undefined> {
  const chunks: Buffer[] = [];
  // Hashed chunk by chunk as it streams in: one 10 MB hash at the end would hold the event loop that long.
  const hash = createHash("sha256");
  let size = 0;
  let over = false;
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    size += b.length;
    if (over) {
      if (size > max * 4) {
        stream.destroy();
        break;
      }
      continue;
    }
    if (size > max) {
      over = true;
      chunks.length = 0;
      continue;
    }
    chunks.push(b);
    hash.update(b);
  }
  return over ? undefined : { bytes: Buffer.concat(chunks, size), sha256: hash.digest("hex") };
}

/** The upload side: stream in, extract in the worker pool, detect, forget, sign a receipt. */
export class AttachmentUploads {
  constructor(
    private readonly directory: DirectoryService,
    private readonly pool: ExtractionPool,
    readonly receipts: AttachmentReceipts,
  ) {}

  async upload(p: Principal, stream: Readable, meta: UploadMeta): Promise<AttachmentReceipt> {
    const snap = await this.directory.snapshot(p.tenantId);
    const limits = attachmentLimits(snap.directory);
    const max = limits.attachmentMaxMb * MB;
    const base = { t: p.tenantId, u: p.userId, c: meta.correlationId, n: meta.name };
    if (meta.length !== undefined && meta.length > max) {
      stream.resume();
      return this.answer({ ...base, s: meta.length, st: "too-large", r: "too-large", ids: [] });
    }
    const read = await readCapped(stream, max);
    if (!read) return this.answer({ ...base, s: max + 1, st: "too-large", r: "too-large", ids: [] });
    const { bytes, sha256: h } = read;
    if (bytes.length === 0) throw new AppError(400, "VALIDATION_FAILED", "The attachment upload is empty");
    const extracted = await this.pool.extract(bytes, meta.name, meta.contentType);
    if (extracted.status !== "read") return this.answer({ ...base, s: bytes.length, st: "unreadable", r: extracted.reason, ids: [], h });
    const ids = [...new Set(snap.detector.detect([extracted.text]).map((d) => d.studentId))];
    return this.answer({ ...base, s: bytes.length, st: "read", ids, h, ...(containsBsn(extracted.text) ? { b: 1 as const } : {}) });
  }

  private answer(p: Omit<ReceiptPayload, "v" | "exp">): AttachmentReceipt {
    return { receipt: this.receipts.sign(p), name: p.n, status: p.st, ...(p.r ? { reason: p.r } : {}), students: p.ids.length, ...(p.h ? { sha256: p.h } : {}) };
  }
}
