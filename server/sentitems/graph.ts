import { ResponseType, type Client } from "@microsoft/microsoft-graph-client";
import { AppError } from "../shared/errors.js";
import { graphCall, relativeToBase } from "../graph/client.js";
import { IMMUTABLE_ID } from "../graph/evidence.js";
import { CHECK_HEADER } from "../../contract/sendcheck.js";

/**
 * Reading the senders' Sent Items through Microsoft Graph (application Mail.Read, limited by RBAC for
 * Applications to the add-in's users; docs/SENT-ITEMS.md). Graph does not return a header set at send
 * time in `internetMessageHeaders` of the Sent Items copy, so the check header is read as the extended
 * property of the internet-headers property set, in the same delta page; when a message lacks it, only
 * the MIME header block of `/$value` is read (the stream is cancelled after the blank line).
 */

/** The MAPI named property of the x-zorgvuldig-check internet header (PS_INTERNET_HEADERS). */
export const CHECK_PROPERTY_ID = `String {00020386-0000-0000-C000-000000000046} Name ${CHECK_HEADER}`;

const SELECT = ["internetMessageId", "subject", "sentDateTime", "toRecipients", "ccRecipients", "bccRecipients", "from", "body", "hasAttachments"];
const EXPAND = `singleValueExtendedProperties($filter=id eq '${CHECK_PROPERTY_ID}')`;
/** The MIME header block is never larger than this; a message whose headers do not end by then has none of ours. */
const MAX_HEADER_BYTES = 256 * 1024;

interface GraphAddress {
  emailAddress?: { address?: unknown };
}

interface GraphMessage {
  id?: unknown;
  internetMessageId?: unknown;
  subject?: unknown;
  sentDateTime?: unknown;
  toRecipients?: GraphAddress[];
  ccRecipients?: GraphAddress[];
  bccRecipients?: GraphAddress[];
  body?: { contentType?: unknown; content?: unknown };
  hasAttachments?: unknown;
  singleValueExtendedProperties?: { id?: unknown; value?: unknown }[];
  "@removed"?: unknown;
}

interface DeltaPage {
  value?: GraphMessage[];
  "@odata.nextLink"?: unknown;
  "@odata.deltaLink"?: unknown;
}

/** A sent message as the confirmation needs it (held in memory only; the body is never stored). */
export interface SentMessage {
  graphId: string;
  internetMessageId: string;
  subject: string;
  sentAt: string;
  to: string[];
  cc: string[];
  bcc: string[];
  body: string;
  hasAttachments: boolean;
  /** The x-zorgvuldig-check header value from the extended property (a meeting: its custom property), if Graph returned it. */
  checkHeader?: string;
  /** An organiser's calendar event (server/sentitems/meetings.ts): no MIME, the iCalUId as its id. */
  meeting?: boolean;
}

const addresses = (list: GraphAddress[] | undefined): string[] =>
  (list ?? []).map((r) => r.emailAddress?.address).filter((a): a is string => typeof a === "string" && a.includes("@")).map((a) => a.trim().toLowerCase());

function toSent(m: GraphMessage): SentMessage | undefined {
  if (m["@removed"] !== undefined || typeof m.id !== "string" || typeof m.internetMessageId !== "string" || typeof m.sentDateTime !== "string") return undefined;
  const prop = m.singleValueExtendedProperties?.find((p) => typeof p.id === "string" && p.id.toLowerCase() === CHECK_PROPERTY_ID.toLowerCase());
  return {
    graphId: m.id,
    internetMessageId: m.internetMessageId,
    subject: typeof m.subject === "string" ? m.subject : "",
    sentAt: new Date(m.sentDateTime).toISOString(),
    to: addresses(m.toRecipients),
    cc: addresses(m.ccRecipients),
    bcc: addresses(m.bccRecipients),
    body: typeof m.body?.content === "string" ? m.body.content : "",
    hasAttachments: m.hasAttachments === true,
    ...(typeof prop?.value === "string" ? { checkHeader: prop.value } : {}),
  };
}

const mailboxPath = (mailbox: string): string => `/users/${encodeURIComponent(mailbox)}`;

/**
 * One delta round over a mailbox's Sent Items: from `deltaLink` (or, the first time, the messages sent
 * since `since`), following nextLinks, until Graph gives a new deltaLink.
 */
export async function sentItemsDelta(
  graph: Client,
  baseUrl: string,
  mailbox: string,
  from: { deltaLink?: string; since: string },
): Promise<{ messages: SentMessage[]; deltaLink: string }> {
  let request = from.deltaLink
    ? graph.api(relativeToBase(from.deltaLink, baseUrl))
    : graph
        .api(`${mailboxPath(mailbox)}/mailFolders/sentitems/messages/delta`)
        .select(SELECT)
        .expand(EXPAND)
        .filter(`receivedDateTime ge ${from.since}`);
  const messages: SentMessage[] = [];
  for (let page = 0; page < 1000; page++) {
    const r = request.headers({ ...IMMUTABLE_ID, Prefer: `${IMMUTABLE_ID.Prefer}, outlook.body-content-type="text", odata.maxpagesize=50` });
    const answer = await graphCall(() => r.get() as Promise<DeltaPage>);
    for (const m of answer.value ?? []) {
      const s = toSent(m);
      if (s) messages.push(s);
    }
    const next = answer["@odata.nextLink"];
    const delta = answer["@odata.deltaLink"];
    if (typeof delta === "string") return { messages, deltaLink: delta };
    if (typeof next !== "string") throw new AppError(502, "GRAPH_ERROR", "Microsoft Graph ended a delta round without a deltaLink");
    request = graph.api(relativeToBase(next, baseUrl));
  }
  throw new AppError(502, "GRAPH_ERROR", "Microsoft Graph's delta round did not end");
}

/**
 * The x-zorgvuldig-check header from the message's MIME, reading only the header block: the stream is
 * stopped at the first blank line (or after MAX_HEADER_BYTES), so the body is never downloaded whole.
 */
export async function checkHeaderFromMime(graph: Client, mailbox: string, graphId: string): Promise<string | undefined> {
  const res = await graphCall(
    () => graph.api(`${mailboxPath(mailbox)}/messages/${encodeURIComponent(graphId)}/$value`).headers(IMMUTABLE_ID).responseType(ResponseType.RAW).get() as Promise<Response>,
  );
  const reader = res.body?.getReader();
  if (!reader) return undefined;
  const decoder = new TextDecoder("latin1");
  let text = "";
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      text += decoder.decode(value, { stream: true });
      if (/\r?\n\r?\n/.test(text) || bytes > MAX_HEADER_BYTES) break;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return headerValue(text.split(/\r?\n\r?\n/)[0] ?? "", CHECK_HEADER);
}

/** One header of an RFC 5322 header block (folded lines joined); undefined when absent. */
export function headerValue(block: string, name: string): string | undefined {
  const unfolded = block.replace(/\r?\n[ \t]+/g, " ");
  for (const line of unfolded.split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0 && line.slice(0, i).trim().toLowerCase() === name.toLowerCase()) return line.slice(i + 1).trim();
  }
  return undefined;
}

/** Attachment names (and, when `withContent`, the SHA-256 of each file's content) of a sent message or meeting. */
export async function sentAttachments(
  graph: Client,
  mailbox: string,
  graphId: string,
  withContent: boolean,
  hash: (b: Buffer) => string,
  collection: "messages" | "events" = "messages",
): Promise<{ name: string; sha256?: string }[]> {
  const path = `${mailboxPath(mailbox)}/${collection}/${encodeURIComponent(graphId)}/attachments`;
  const r = withContent ? graph.api(path) : graph.api(path).select(["name"]);
  const answer = await graphCall(() => r.headers(IMMUTABLE_ID).get() as Promise<{ value?: { name?: unknown; contentBytes?: unknown }[] }>);
  return (answer.value ?? []).map((a) => {
    const name = typeof a.name === "string" ? a.name : "";
    return withContent && typeof a.contentBytes === "string" ? { name, sha256: hash(Buffer.from(a.contentBytes, "base64")) } : { name };
  });
}
