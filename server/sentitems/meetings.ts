import type { Client } from "@microsoft/microsoft-graph-client";
import { AppError } from "../shared/errors.js";
import { graphCall, relativeToBase } from "../graph/client.js";
import { IMMUTABLE_ID } from "../graph/evidence.js";
import { CHECK_CUSTOM_PROPERTY } from "../../contract/sendcheck.js";
import type { SentMessage } from "./graph.js";

/**
 * Meetings confirmed through the organiser's calendar (docs/SENT-ITEMS.md, "Meetings"). An appointment
 * has no internet headers, so the on-send handler keeps its stamp as the add-in's custom property
 * `zvCheck`. Outlook stores an add-in's custom properties as ONE named property of the item: property set
 * PS_PUBLIC_STRINGS {00020329-0000-0000-C000-000000000046}, name `cecp-<add-in id>` (the manifest's Id,
 * lower-cased, without braces or a "urn:uuid:" prefix), a string holding a JSON object of every custom
 * property ([MS-OXCEXT] 2.2.5). Graph reads it as a single-value extended property of the event; the
 * name in the id is compared case-sensitively.
 *
 * Changes come from the calendarView delta of the organiser's calendar (v1.0 has delta on calendarView
 * only, within a date window; it takes no $expand), so each changed event the mailbox organised and sent
 * is read once more with the property expanded. A recurring series' occurrences name their series master,
 * which is read once.
 */

/** PS_PUBLIC_STRINGS: the property set of add-in custom properties. */
export const PS_PUBLIC_STRINGS = "{00020329-0000-0000-C000-000000000046}";

/** The add-in id as Outlook puts it in the property name ([MS-OXCEXT] 2.2.5). */
export function customPropertyName(addinId: string): string {
  return `cecp-${addinId
    .trim()
    .toLowerCase()
    .replace(/[{}]/g, "")
    .replace(/^urn:uuid:/, "")}`;
}

/** The Graph extended-property id of the custom properties of an add-in. */
export function customPropertyId(addinId: string): string {
  return `String ${PS_PUBLIC_STRINGS} Name ${customPropertyName(addinId)}`;
}

/** The window of the calendarView delta: meetings from a month before the mailbox was added to two years after. */
const WINDOW_BEFORE_DAYS = 31;
const WINDOW_AFTER_DAYS = 731;

const EVENT_SELECT = ["iCalUId", "subject", "lastModifiedDateTime", "attendees", "isOrganizer", "isDraft", "isCancelled", "body", "hasAttachments", "organizer"];

interface GraphAttendee {
  type?: unknown;
  emailAddress?: { address?: unknown };
}

interface GraphEvent {
  id?: unknown;
  iCalUId?: unknown;
  subject?: unknown;
  lastModifiedDateTime?: unknown;
  attendees?: GraphAttendee[];
  isOrganizer?: unknown;
  isDraft?: unknown;
  isCancelled?: unknown;
  type?: unknown;
  seriesMasterId?: unknown;
  body?: { content?: unknown };
  hasAttachments?: unknown;
  singleValueExtendedProperties?: { id?: unknown; value?: unknown }[];
  "@removed"?: unknown;
}

interface DeltaPage {
  value?: GraphEvent[];
  "@odata.nextLink"?: unknown;
  "@odata.deltaLink"?: unknown;
}

const mailboxPath = (mailbox: string): string => `/users/${encodeURIComponent(mailbox)}`;

/** A meeting the mailbox organised and sent: not a draft (its invitations left), not cancelled, with attendees. */
function sentByOrganiser(e: GraphEvent): boolean {
  return e.isOrganizer !== false && e.isDraft !== true && e.isCancelled !== true && (e.attendees === undefined || e.attendees.length > 0);
}

/**
 * One calendarView delta round over a mailbox's calendar: the ids of the events that changed (series
 * masters for occurrences), and the new deltaLink.
 */
export async function calendarDelta(graph: Client, baseUrl: string, mailbox: string, from: { deltaLink?: string; since: string }): Promise<{ eventIds: string[]; deltaLink: string }> {
  const since = Date.parse(from.since);
  const start = new Date(since - WINDOW_BEFORE_DAYS * 86_400_000).toISOString();
  const end = new Date(since + WINDOW_AFTER_DAYS * 86_400_000).toISOString();
  let request = from.deltaLink
    ? graph.api(relativeToBase(from.deltaLink, baseUrl))
    : graph.api(`${mailboxPath(mailbox)}/calendarView/delta`).query({ startDateTime: start, endDateTime: end });
  const ids = new Set<string>();
  for (let page = 0; page < 1000; page++) {
    const r = request.headers({ ...IMMUTABLE_ID, Prefer: `${IMMUTABLE_ID.Prefer}, odata.maxpagesize=50` });
    const answer = await graphCall(() => r.get() as Promise<DeltaPage>);
    for (const e of answer.value ?? []) {
      if (e["@removed"] !== undefined || !sentByOrganiser(e)) continue;
      const id = typeof e.seriesMasterId === "string" && e.type !== "seriesMaster" ? e.seriesMasterId : e.id;
      if (typeof id === "string") ids.add(id);
    }
    const next = answer["@odata.nextLink"];
    const delta = answer["@odata.deltaLink"];
    if (typeof delta === "string") return { eventIds: [...ids], deltaLink: delta };
    if (typeof next !== "string") throw new AppError(502, "GRAPH_ERROR", "Microsoft Graph ended a calendar delta round without a deltaLink");
    request = graph.api(relativeToBase(next, baseUrl));
  }
  throw new AppError(502, "GRAPH_ERROR", "Microsoft Graph's calendar delta round did not end");
}

/** The stamp in an add-in custom-properties value (a JSON object), or undefined. */
export function stampOfCustomProperties(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length > 2500) return undefined;
  try {
    const v: unknown = JSON.parse(value);
    const stamp = v && typeof v === "object" ? (v as Record<string, unknown>)[CHECK_CUSTOM_PROPERTY] : undefined;
    return typeof stamp === "string" ? stamp : undefined;
  } catch {
    return undefined;
  }
}

const addressesOf = (list: GraphAttendee[], type: string): string[] =>
  list
    .filter((a) => String(a.type ?? "required").toLowerCase() === type)
    .map((a) => a.emailAddress?.address)
    .filter((a): a is string => typeof a === "string" && a.includes("@"))
    .map((a) => a.trim().toLowerCase());

/**
 * The organiser's event, read with the add-ins' custom properties expanded, as a sent message: required
 * attendees as To, optional as Cc, resources (rooms) as Bcc, the iCalUId in place of the Message-ID, the
 * last modification as the send time. Undefined when it is not a meeting the mailbox sent.
 */
export async function meetingOf(graph: Client, mailbox: string, eventId: string, propertyIds: string[]): Promise<SentMessage | undefined> {
  const filter = propertyIds.map((id) => `id eq '${id}'`).join(" or ");
  const e = await graphCall(
    () =>
      graph
        .api(`${mailboxPath(mailbox)}/events/${encodeURIComponent(eventId)}`)
        .select(EVENT_SELECT)
        .expand(`singleValueExtendedProperties($filter=${filter})`)
        .headers({ ...IMMUTABLE_ID, Prefer: `${IMMUTABLE_ID.Prefer}, outlook.body-content-type="text"` })
        .get() as Promise<GraphEvent>,
  ).catch((err: unknown) => {
    // Deleted between the delta round and this read: nothing to confirm.
    if (err instanceof AppError && err.status === 404) return undefined;
    throw err;
  });
  if (!e || typeof e.iCalUId !== "string" || typeof e.lastModifiedDateTime !== "string" || !sentByOrganiser(e)) return undefined;
  const attendees = e.attendees ?? [];
  if (attendees.length === 0) return undefined;
  const wanted = new Set(propertyIds.map((p) => p.toLowerCase()));
  const stamp = (e.singleValueExtendedProperties ?? [])
    .filter((p) => typeof p.id === "string" && wanted.has(p.id.toLowerCase()))
    .map((p) => stampOfCustomProperties(p.value))
    .find((s) => s !== undefined);
  return {
    graphId: eventId,
    internetMessageId: e.iCalUId,
    subject: typeof e.subject === "string" ? e.subject : "",
    sentAt: new Date(e.lastModifiedDateTime).toISOString(),
    to: addressesOf(attendees, "required"),
    cc: addressesOf(attendees, "optional"),
    bcc: addressesOf(attendees, "resource"),
    body: typeof e.body?.content === "string" ? e.body.content : "",
    hasAttachments: e.hasAttachments === true,
    meeting: true,
    ...(stamp ? { checkHeader: stamp } : {}),
  };
}
