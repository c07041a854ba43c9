import { ResponseType, type Client } from "@microsoft/microsoft-graph-client";
import { AppError } from "../shared/errors.js";
import type { ServerEvidence } from "../register/ports.js";
import { sha256Hex } from "../shared/hash.js";
import { graphCall } from "./client.js";
import type { BlobStore } from "./blob-store.js";

/**
 * Evidence of an email consent, fetched by the server from the coordinator's own mailbox (delegated
 * Mail.Read, on behalf of the coordinator) or from a shared or delegated mailbox the coordinator may read
 * (delegated Mail.Read.Shared, /users/{owner}/messages/{id}): the message's identity (Internet Message-ID, sender, date)
 * and the SHA-256 of its original MIME, so later tampering is detectable (DOMAIN.md section 3).
 * The hash is always returned for the register; the MIME is kept only when the school's policy says
 * so (`Policy.keepOriginalMessages`), in a BlobStore.
 */

export const IMMUTABLE_ID = { Prefer: 'IdType="ImmutableId"' } as const;

/** Outlook item ids: base64-like; anything else is refused before it reaches a URL. */
const GRAPH_ID = /^[A-Za-z0-9+/=_-]{1,1000}$/;

export type { ServerEvidence };

export interface FetchEvidenceOptions {
  tenantId: string;
  /** School policy `keepOriginalMessages`. */
  keep: boolean;
  store?: BlobStore;
  /** Largest MIME accepted (bytes); default 50 MB. */
  maxBytes?: number;
  /**
   * The owner of the shared or delegated mailbox the item is in: the message is read at
   * /users/{owner}/messages/{id} (delegated Mail.Read.Shared) instead of /me/messages/{id}.
   */
  mailboxOwner?: string;
}

/** Where Graph serves a message: the user's own mailbox, or the shared/delegated mailbox of `owner`. */
export function messagePath(graphMessageId: string, owner?: string): string {
  const base = owner ? `/users/${encodeURIComponent(owner)}` : "/me";
  return `${base}/messages/${encodeURIComponent(graphMessageId)}`;
}

interface GraphAddress {
  emailAddress?: { address?: unknown };
}
interface GraphMessage {
  internetMessageId?: unknown;
  from?: GraphAddress;
  sender?: GraphAddress;
  receivedDateTime?: unknown;
  sentDateTime?: unknown;
  bodyPreview?: unknown;
  internetMessageHeaders?: { name?: unknown; value?: unknown }[];
}


/** Stores the original message (the school keeps originals): content-addressed by its hash. */
export async function keepOriginal(store: BlobStore | undefined, tenantId: string, ev: ServerEvidence): Promise<string> {
  if (!store) throw new AppError(503, "STORAGE_UNAVAILABLE", "The school keeps original messages, but no message store is configured");
  if (!ev.mime) throw new AppError(500, "INTERNAL", "The original message is not at hand");
  return store.put(tenantId, ev.sha256, ev.mime);
}

export async function fetchEvidence(graph: Client, graphMessageId: string, opts: FetchEvidenceOptions): Promise<ServerEvidence> {
  if (!GRAPH_ID.test(graphMessageId)) throw new AppError(400, "VALIDATION_FAILED", "The Outlook message id is not valid");
  const path = messagePath(graphMessageId, opts.mailboxOwner);
  const msg = await graphCall(
    () =>
      graph
        .api(path)
        .headers(IMMUTABLE_ID)
        .select(["internetMessageId", "from", "sender", "receivedDateTime", "sentDateTime", "bodyPreview", "internetMessageHeaders"])
        .get() as Promise<GraphMessage>,
  );
  const raw = await graphCall(() => graph.api(`${path}/$value`).headers(IMMUTABLE_ID).responseType(ResponseType.ARRAYBUFFER).get() as Promise<ArrayBuffer>);
  const mime = Buffer.from(raw);
  if (mime.length === 0) throw new AppError(502, "GRAPH_ERROR", "Microsoft Graph returned an empty message");
  if (mime.length > (opts.maxBytes ?? 50 * 1024 * 1024)) throw new AppError(413, "BODY_TOO_LARGE", "The message is too large to keep as evidence");

  const messageId = typeof msg.internetMessageId === "string" ? msg.internetMessageId.trim() : "";
  const senderRaw = msg.from?.emailAddress?.address ?? msg.sender?.emailAddress?.address;
  const sender = typeof senderRaw === "string" ? senderRaw.trim().toLowerCase() : "";
  const dateRaw = typeof msg.receivedDateTime === "string" ? msg.receivedDateTime : typeof msg.sentDateTime === "string" ? msg.sentDateTime : "";
  const date = Number.isNaN(Date.parse(dateRaw)) ? "" : new Date(dateRaw).toISOString();
  if (!messageId || !sender || !date) throw new AppError(502, "GRAPH_ERROR", "Microsoft Graph returned a message without id, sender or date");

  const inReplyTo = msg.internetMessageHeaders?.find((h) => typeof h.name === "string" && h.name.toLowerCase() === "in-reply-to")?.value;
  const excerpt = typeof msg.bodyPreview === "string" ? msg.bodyPreview.trim().slice(0, 500) : "";
  const sha256 = sha256Hex(mime);
  const evidence: ServerEvidence = {
    messageId,
    sender,
    date,
    sha256,
    hashSource: "server-mime",
    ...(opts.mailboxOwner ? { mailbox: opts.mailboxOwner } : {}),
    ...(excerpt ? { excerpt } : {}),
    ...(typeof inReplyTo === "string" && inReplyTo.trim() ? { inReplyTo: inReplyTo.trim().slice(0, 998) } : {}),
  };
  evidence.mime = mime;
  if (opts.keep) evidence.storedAs = await keepOriginal(opts.store, opts.tenantId, evidence);
  return evidence;
}
