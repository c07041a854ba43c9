import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { listen, readBody, type Listening } from "./local-services.js";

/**
 * A local Microsoft Graph that plays the senders' Sent Items the way Graph really answers:
 *  - message delta (`/users/{id}/mailFolders/sentitems/messages/delta`) with real delta tokens: a
 *    deltaLink holds the position in the mailbox's change sequence, so a round from it returns only what
 *    changed since, and a sweep that rereads everything is visible (`deltaRounds`, `initialRounds`);
 *  - the check header ONLY as the extended property of the internet-headers property set (when
 *    `$expand=singleValueExtendedProperties($filter=id eq '...')` asks for it), never in
 *    internetMessageHeaders of the Sent Items copy (microsoft-graph-docs #18761);
 *  - `/$value` MIME, streamed in chunks, so a reader that stops after the header block is visible
 *    (`mimeAborted`);
 *  - drafts and send for `/me` (the server's consent requests), keeping `internetMessageHeaders` set at
 *    creation; and app-only `POST /users/{id}/sendMail` (the scheduled reminders), the mail landing in
 *    that mailbox's Sent Items with its `internetMessageHeaders`;
 *  - RBAC for Applications: with `appScope` set, every app-only call on a mailbox outside it
 *    (`/users/{id}/...`: delta reads, MIME, calendars, sendMail) is refused 403 ErrorAccessDenied, as
 *    Exchange Online refuses a mailbox outside the app's management scope;
 *  - change-notification subscriptions on a mailbox's Sent Items with real expiry on the simulation's
 *    clock (`now`): the validation handshake on creation (the URL must echo `validationToken` as
 *    text/plain), at most 10,080 minutes, PATCH to renew (404 once expired), a notification with the
 *    subscription's clientState for each mail sent while it is live, lifecycle notifications on demand,
 *    and `dropNotifications` to lose some on purpose;
 *  - the organisers' calendars (`meeting`, `changeMeeting`): calendarView delta with its date window kept
 *    in the token and no `$expand` (as v1.0), each event with the add-in's custom properties only when
 *    `$expand` names `cecp-<add-in id>` exactly (the name is case-sensitive), and subscriptions on
 *    `users/{id}/events` notifying created and updated events.
 */

export const CHECK_PROPERTY = "String {00020386-0000-0000-C000-000000000046} Name x-zorgvuldig-check";
/** manifest.xml's add-in id: Outlook keeps the add-in's custom properties in `cecp-<id>` (PS_PUBLIC_STRINGS). */
export const ADDIN_ID = "d66a3e8c-d929-403a-a498-69f463cd0d8e";
export const CUSTOM_PROPERTIES = `String {00020329-0000-0000-C000-000000000046} Name cecp-${ADDIN_ID}`;

/** A meeting the mailbox organises (its calendar event). */
export interface SimMeeting {
  required: string[];
  optional?: string[];
  rooms?: string[];
  subject: string;
  body: string;
  /** The add-in's custom properties as the handler saved them (e.g. { zvCheck: stamp }). */
  customProperties?: Record<string, string>;
  /** Saved but its invitations not sent. */
  isDraft?: boolean;
  /** When the meeting takes place (default: tomorrow). */
  start?: string;
}

export interface SimEvent {
  id: string;
  iCalUId: string;
  meeting: SimMeeting;
  lastModified: string;
  seq: number;
}

export interface SimMail {
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  body: string;
  /** Internet headers the mail left with (e.g. the add-in's x-zorgvuldig-check). */
  headers?: Record<string, string>;
  sentAt?: string;
  attachments?: { name: string; content: Buffer }[];
  /** false: Graph does not return the extended property for this message (the MIME fallback is needed). */
  exposeProperty?: boolean;
}

export interface SimSubscription {
  id: string;
  mailbox: string;
  kind: "sentitems" | "events";
  resource: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | undefined;
  clientState: string;
  expiresAt: number;
}

/** Graph's maximum lifetime of a subscription to Outlook messages. */
const MAX_MINUTES = 10_080;

export interface SimMessage extends Required<Omit<SimMail, "exposeProperty">> {
  id: string;
  internetMessageId: string;
  exposeProperty: boolean;
  seq: number;
}

interface DeltaState {
  seq: number;
  expand: boolean;
  since?: string;
}

export class GraphSim {
  readonly mailboxes = new Map<string, SimMessage[]>();
  /** Each mailbox's calendar: the meetings it organised. */
  readonly calendars = new Map<string, SimEvent[]>();
  private readonly drafts = new Map<string, { mailbox: string; mail: SimMail }>();
  private seq: number;
  /** Rounds started without a delta token (a full reread) and from one. */
  initialRounds = 0;
  deltaRounds = 0;
  /** The same for the calendars' calendarView delta (meetings). */
  calendarInitialRounds = 0;
  calendarDeltaRounds = 0;
  /** MIME downloads the client stopped before the end, and those read whole. */
  mimeAborted = 0;
  mimeCompleted = 0;
  readonly paths: string[] = [];
  /**
   * The mailboxes the app's RBAC for Applications scope covers (lower case); undefined: every mailbox.
   * App-only calls on any other mailbox answer 403.
   */
  appScope: Set<string> | undefined;
  /** App-only sendMail calls: the mailbox and the answer's status (refused ones included). */
  readonly appSends: { mailbox: string; status: number }[] = [];
  /** The mailbox `/me` is (the signed-in user of OBO calls). */
  me = "ib@demo";
  private server: Listening | undefined;
  /** The simulation's clock (ms): subscriptions expire on it. */
  now: () => number = () => Date.now();
  /** The tenant notifications name. */
  tenantId = "";
  /** Notifications go to this origin instead of the notification URL's (the local server behind PUBLIC_URL). */
  deliverTo: string | undefined;
  readonly subscriptions = new Map<string, SimSubscription>();
  /** How many of the next change notifications are lost on purpose. */
  dropNotifications = 0;
  dropped = 0;
  /** Answers of the notification URL: status per delivered notification. */
  readonly delivered: { kind: "change" | "lifecycle"; status: number }[] = [];
  readonly handshakes: { status: number; ok: boolean }[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  /**
   * `firstSeq`: where the change sequence starts. `npm start` starts it at the clock, so a delta token
   * kept in ./data from an earlier run (an earlier simulation) still sees every mail of this one.
   */
  constructor(opts: { firstSeq?: number } = {}) {
    this.seq = opts.firstSeq ?? 0;
  }

  get base(): string {
    if (!this.server) throw new Error("start the simulation first");
    return `${this.server.url}/v1.0`;
  }

  /** A mail leaves a mailbox: it lands in its Sent Items. */
  send(mailbox: string, mail: SimMail): SimMessage {
    this.seq += 1;
    const m: SimMessage = {
      id: `AAMk${randomBytes(12).toString("hex")}`,
      internetMessageId: `<${randomBytes(8).toString("hex")}@sim.outlook.example>`,
      to: mail.to,
      cc: mail.cc ?? [],
      bcc: mail.bcc ?? [],
      subject: mail.subject,
      body: mail.body,
      headers: mail.headers ?? {},
      sentAt: mail.sentAt ?? new Date().toISOString(),
      attachments: mail.attachments ?? [],
      exposeProperty: mail.exposeProperty !== false,
      seq: this.seq,
    };
    const list = this.mailboxes.get(mailbox.toLowerCase()) ?? [];
    list.push(m);
    this.mailboxes.set(mailbox.toLowerCase(), list);
    this.notify(mailbox, "sentitems", "created", m.id, "#Microsoft.Graph.Message");
    return m;
  }

  /** The organiser sends a meeting: its event lands in the organiser's calendar. */
  meeting(mailbox: string, meeting: SimMeeting): SimEvent {
    this.seq += 1;
    const list = this.calendars.get(mailbox.toLowerCase()) ?? [];
    const iCalUId = `040000008200E00074C5B7101A82E008${randomBytes(16).toString("hex").toUpperCase()}`;
    const e: SimEvent = { id: `AAMkEvt${randomBytes(10).toString("hex")}`, iCalUId, meeting, lastModified: new Date().toISOString(), seq: this.seq };
    list.push(e);
    this.calendars.set(mailbox.toLowerCase(), list);
    this.notify(mailbox, "events", "created", e.id, "#Microsoft.Graph.Event");
    return e;
  }

  /** The organiser's event changes (an update sent, an attendee's reply): the delta shows it again. */
  changeMeeting(mailbox: string, e: SimEvent, changes: Partial<SimMeeting> = {}): SimEvent {
    this.seq += 1;
    Object.assign(e, { meeting: { ...e.meeting, ...changes }, lastModified: new Date().toISOString(), seq: this.seq });
    this.notify(mailbox, "events", "updated", e.id, "#Microsoft.Graph.Event");
    return e;
  }

  /** A change notification to each live subscription of the mailbox's resource (some dropped on purpose). */
  private notify(mailbox: string, kind: "sentitems" | "events", changeType: string, id: string, odataType: string): void {
    this.expire();
    for (const sub of this.subscriptions.values()) {
      if (sub.mailbox !== mailbox.toLowerCase() || sub.kind !== kind) continue;
      if (this.dropNotifications > 0) {
        this.dropNotifications--;
        this.dropped++;
        continue;
      }
      this.post("change", sub.notificationUrl, {
        value: [
          {
            subscriptionId: sub.id,
            clientState: sub.clientState,
            changeType,
            resource: `${sub.resource}/${id}`,
            resourceData: { "@odata.type": odataType, id },
            subscriptionExpirationDateTime: new Date(sub.expiresAt).toISOString(),
            tenantId: this.tenantId,
          },
        ],
      });
    }
  }

  /** Graph sends a lifecycle notification for a subscription. */
  lifecycle(id: string, lifecycleEvent: "reauthorizationRequired" | "subscriptionRemoved" | "missed", clientState?: string): void {
    const sub = this.subscriptions.get(id);
    if (!sub) throw new Error(`no subscription ${id}`);
    if (lifecycleEvent === "subscriptionRemoved") this.subscriptions.delete(id);
    this.post("lifecycle", sub.lifecycleNotificationUrl ?? sub.notificationUrl, {
      value: [{ subscriptionId: id, clientState: clientState ?? sub.clientState, lifecycleEvent, tenantId: this.tenantId, subscriptionExpirationDateTime: new Date(sub.expiresAt).toISOString() }],
    });
  }

  /** The live subscriptions of a mailbox's Sent Items (or calendar), not expired on the simulation's clock. */
  live(mailbox: string, kind: "sentitems" | "events" = "sentitems"): SimSubscription[] {
    this.expire();
    return [...this.subscriptions.values()].filter((x) => x.mailbox === mailbox.toLowerCase() && x.kind === kind);
  }

  /** Graph deletes a subscription once it expired (the clock going back later does not revive it). */
  private expire(): void {
    for (const [id, x] of this.subscriptions) if (x.expiresAt <= this.now()) this.subscriptions.delete(id);
  }

  /** Resolves once every notification sent so far was answered. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private target(url: string): string {
    if (!this.deliverTo) return url;
    const u = new URL(url);
    return `${this.deliverTo}${u.pathname}${u.search}`;
  }

  private post(kind: "change" | "lifecycle", url: string, body: unknown): void {
    const p = fetch(this.target(url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
      .then(async (r) => {
        await r.text();
        this.delivered.push({ kind, status: r.status });
      })
      .catch(() => {
        this.delivered.push({ kind, status: 0 });
      });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async createSubscription(body: string, res: ServerResponse): Promise<void> {
    const b = JSON.parse(body) as { changeType?: string; notificationUrl?: string; lifecycleNotificationUrl?: string; resource?: string; expirationDateTime?: string; clientState?: string };
    const mail = /^users\/([^/]+)\/mailFolders\('sentitems'\)\/messages$/.exec(b.resource ?? "")?.[1]?.toLowerCase();
    const calendar = /^users\/([^/]+)\/events$/.exec(b.resource ?? "")?.[1]?.toLowerCase();
    const mailbox = mail ?? calendar;
    const expiresAt = Date.parse(b.expirationDateTime ?? "");
    if (!mailbox || !b.notificationUrl || !b.clientState || !Number.isFinite(expiresAt)) return json(res, 400, { error: { code: "InvalidRequest" } });
    if (expiresAt > this.now() + MAX_MINUTES * 60_000) return json(res, 400, { error: { code: "InvalidRequest", message: "expirationDateTime too far in the future" } });
    // The validation handshake: Graph posts a token and wants it back, as text/plain, with 200.
    const token = `Validation: ${randomBytes(8).toString("hex")} <&>`;
    const url = new URL(this.target(b.notificationUrl));
    url.searchParams.set("validationToken", token);
    const answer = await fetch(url, { method: "POST", headers: { "content-type": "text/plain" } }).catch(() => undefined);
    const text = answer ? await answer.text() : "";
    const ok = answer?.status === 200 && (answer.headers.get("content-type") ?? "").startsWith("text/plain") && text === token;
    this.handshakes.push({ status: answer?.status ?? 0, ok });
    if (!ok) return json(res, 400, { error: { code: "ValidationError", message: "Subscription validation request failed" } });
    const sub: SimSubscription = {
      id: randomBytes(8).toString("hex"),
      mailbox,
      kind: calendar ? "events" : "sentitems",
      resource: b.resource ?? "",
      notificationUrl: b.notificationUrl,
      lifecycleNotificationUrl: b.lifecycleNotificationUrl,
      clientState: b.clientState,
      expiresAt,
    };
    this.subscriptions.set(sub.id, sub);
    json(res, 201, { id: sub.id, resource: sub.resource, expirationDateTime: new Date(expiresAt).toISOString() });
  }

  async start(): Promise<this> {
    this.server = await listen((req, res) => {
      void readBody(req).then((buf) => this.route(req.method ?? "GET", req.url ?? "/", buf.toString("utf8"), res));
    });
    return this;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  private token(s: DeltaState): string {
    return Buffer.from(JSON.stringify(s)).toString("base64url");
  }

  private route(method: string, url: string, body: string, res: ServerResponse): void {
    const u = new URL(url, "http://sim");
    const path = decodeURIComponent(u.pathname);
    this.paths.push(`${method} ${path}`);
    const app = /^\/v1\.0\/users\/([^/]+)\//.exec(path)?.[1]?.toLowerCase();
    if (app && this.appScope && !this.appScope.has(app)) {
      if (path.endsWith("/sendMail")) this.appSends.push({ mailbox: app, status: 403 });
      return json(res, 403, { error: { code: "ErrorAccessDenied", message: "Access is denied. Check credentials and try again." } });
    }
    let m = /^\/v1\.0\/users\/([^/]+)\/sendMail$/.exec(path);
    if (method === "POST" && m?.[1]) return this.sendMail(m[1].toLowerCase(), body, res);
    m = /^\/v1\.0\/users\/([^/]+)\/mailFolders\/sentitems\/messages\/delta$/.exec(path);
    if (method === "GET" && m?.[1]) return this.delta(m[1].toLowerCase(), u, res);
    m = /^\/v1\.0\/users\/([^/]+)\/messages\/([^/]+)\/\$value$/.exec(path);
    if (method === "GET" && m?.[1] && m[2]) return this.mime(m[1].toLowerCase(), m[2], res);
    m = /^\/v1\.0\/users\/([^/]+)\/calendarView\/delta$/.exec(path);
    if (method === "GET" && m?.[1]) return this.calendarDelta(m[1].toLowerCase(), u, res);
    m = /^\/v1\.0\/users\/([^/]+)\/events\/([^/]+)$/.exec(path);
    if (method === "GET" && m?.[1] && m[2]) return this.event(m[1].toLowerCase(), m[2], u, res);
    m = /^\/v1\.0\/users\/([^/]+)\/events\/([^/]+)\/attachments$/.exec(path);
    if (method === "GET" && m?.[1] && m[2]) return json(res, 200, { value: [] });
    m = /^\/v1\.0\/users\/([^/]+)\/messages\/([^/]+)\/attachments$/.exec(path);
    if (method === "GET" && m?.[1] && m[2]) {
      const msg = this.find(m[1].toLowerCase(), m[2]);
      if (!msg) return json(res, 404, { error: { code: "ErrorItemNotFound" } });
      const withContent = !u.searchParams.get("$select");
      return json(res, 200, { value: msg.attachments.map((a) => ({ name: a.name, ...(withContent ? { contentBytes: a.content.toString("base64") } : {}) })) });
    }
    if (method === "POST" && path === "/v1.0/me/messages") {
      const b = JSON.parse(body) as { subject: string; body: { content: string }; toRecipients: { emailAddress: { address: string } }[]; internetMessageHeaders?: { name: string; value: string }[] };
      const id = `AAMkDraft${randomBytes(8).toString("hex")}`;
      const internetMessageId = `<${randomBytes(8).toString("hex")}@sim.outlook.example>`;
      const headers: Record<string, string> = {};
      for (const h of b.internetMessageHeaders ?? []) headers[h.name.toLowerCase()] = h.value;
      this.drafts.set(id, { mailbox: this.me, mail: { to: b.toRecipients.map((r) => r.emailAddress.address), subject: b.subject, body: b.body.content, headers } });
      this.drafts.set(`${id}#mid`, { mailbox: internetMessageId, mail: { to: [], subject: "", body: "" } });
      return json(res, 201, { id, internetMessageId });
    }
    m = /^\/v1\.0\/me\/messages\/([^/]+)\/send$/.exec(path);
    if (method === "POST" && m?.[1]) {
      const d = this.drafts.get(m[1]);
      const mid = this.drafts.get(`${m[1]}#mid`);
      if (!d || !mid) return json(res, 404, { error: { code: "ErrorItemNotFound" } });
      const sent = this.send(d.mailbox, d.mail);
      sent.internetMessageId = mid.mailbox;
      res.statusCode = 202;
      res.end();
      return;
    }
    if (method === "POST" && path === "/v1.0/subscriptions") {
      void this.createSubscription(body, res);
      return;
    }
    m = /^\/v1\.0\/subscriptions\/([^/]+)$/.exec(path);
    if (method === "PATCH" && m?.[1]) {
      this.expire();
      const sub = this.subscriptions.get(m[1]);
      // An expired subscription is gone: renewing it is 404 (it must be created anew).
      if (!sub || sub.expiresAt <= this.now()) return json(res, 404, { error: { code: "ResourceNotFound" } });
      const expiresAt = Date.parse((JSON.parse(body) as { expirationDateTime?: string }).expirationDateTime ?? "");
      if (!Number.isFinite(expiresAt) || expiresAt > this.now() + MAX_MINUTES * 60_000) return json(res, 400, { error: { code: "InvalidRequest" } });
      sub.expiresAt = expiresAt;
      return json(res, 200, { id: sub.id, expirationDateTime: new Date(expiresAt).toISOString() });
    }
    json(res, 404, { error: { code: "ResourceNotFound", message: "not simulated" } });
  }

  /** App-only sendMail: 202 without a body (Graph returns no ids), the mail in the mailbox's Sent Items. */
  private sendMail(mailbox: string, body: string, res: ServerResponse): void {
    const b = JSON.parse(body) as {
      message?: { subject?: string; body?: { content?: string }; toRecipients?: { emailAddress: { address: string } }[]; internetMessageHeaders?: { name: string; value: string }[] };
      saveToSentItems?: boolean;
    };
    const msg = b.message;
    if (!msg?.toRecipients?.length) return json(res, 400, { error: { code: "ErrorInvalidRecipients", message: "At least one recipient is not valid." } });
    const headers: Record<string, string> = {};
    for (const h of msg.internetMessageHeaders ?? []) {
      // Graph accepts only custom headers starting with x- or X-.
      if (!/^x-/i.test(h.name)) return json(res, 400, { error: { code: "InvalidInternetMessageHeader" } });
      headers[h.name.toLowerCase()] = h.value;
    }
    this.appSends.push({ mailbox, status: 202 });
    if (b.saveToSentItems !== false) this.send(mailbox, { to: msg.toRecipients.map((r) => r.emailAddress.address), subject: msg.subject ?? "", body: msg.body?.content ?? "", headers });
    res.statusCode = 202;
    res.end();
  }

  private find(mailbox: string, id: string): SimMessage | undefined {
    return (this.mailboxes.get(mailbox) ?? []).find((x) => x.id === id);
  }

  private delta(mailbox: string, u: URL, res: ServerResponse): void {
    const tokenParam = u.searchParams.get("$deltatoken");
    let state: DeltaState;
    if (tokenParam) {
      this.deltaRounds++;
      state = JSON.parse(Buffer.from(tokenParam, "base64url").toString("utf8")) as DeltaState;
    } else {
      this.initialRounds++;
      const since = /receivedDateTime ge (\S+)/.exec(u.searchParams.get("$filter") ?? "")?.[1];
      state = { seq: 0, expand: (u.searchParams.get("$expand") ?? "").includes(CHECK_PROPERTY), ...(since ? { since } : {}) };
    }
    const changed = (this.mailboxes.get(mailbox) ?? []).filter((x) => x.seq > state.seq && (!state.since || x.sentAt >= state.since));
    const top = this.seq;
    const link = `${this.base}/users/${encodeURIComponent(mailbox)}/mailFolders/sentitems/messages/delta?$deltatoken=${this.token({ ...state, seq: top })}`;
    json(res, 200, {
      "@odata.context": "sim",
      value: changed.map((x) => this.asGraph(x, state.expand)),
      "@odata.deltaLink": link,
    });
  }

  /**
   * calendarView delta as v1.0 has it: a date window on the first call (kept in the token), no $expand
   * (Graph refuses it), the events of the window changed since the token, with their default properties.
   */
  private calendarDelta(mailbox: string, u: URL, res: ServerResponse): void {
    if (u.searchParams.has("$expand")) return json(res, 400, { error: { code: "ErrorInvalidUrlQuery", message: "$expand is not supported on delta" } });
    const tokenParam = u.searchParams.get("$deltatoken");
    let state: { seq: number; start: string; end: string };
    if (tokenParam) {
      this.calendarDeltaRounds++;
      state = JSON.parse(Buffer.from(tokenParam, "base64url").toString("utf8")) as typeof state;
    } else {
      const start = u.searchParams.get("startDateTime");
      const end = u.searchParams.get("endDateTime");
      if (!start || !end) return json(res, 400, { error: { code: "ErrorInvalidParameter", message: "startDateTime and endDateTime are required" } });
      this.calendarInitialRounds++;
      state = { seq: 0, start: new Date(start).toISOString(), end: new Date(end).toISOString() };
    }
    const changed = (this.calendars.get(mailbox) ?? []).filter((e) => {
      const at = e.meeting.start ?? new Date(Date.now() + 86_400_000).toISOString();
      return e.seq > state.seq && at >= state.start && at <= state.end;
    });
    const link = `${this.base}/users/${encodeURIComponent(mailbox)}/calendarView/delta?$deltatoken=${this.token({ ...state, seq: this.seq } as unknown as DeltaState)}`;
    json(res, 200, { value: changed.map((e) => this.eventAsGraph(e, [])), "@odata.deltaLink": link });
  }

  /** One event, with the extended properties `$expand=singleValueExtendedProperties($filter=id eq '...' or ...)` names. */
  private event(mailbox: string, id: string, u: URL, res: ServerResponse): void {
    const e = (this.calendars.get(mailbox) ?? []).find((x) => x.id === id);
    if (!e) return json(res, 404, { error: { code: "ErrorItemNotFound" } });
    const asked = [...(u.searchParams.get("$expand") ?? "").matchAll(/id eq '([^']+)'/g)].map((x) => x[1] ?? "");
    json(res, 200, this.eventAsGraph(e, asked));
  }

  private eventAsGraph(e: SimEvent, asked: string[]): Record<string, unknown> {
    const m = e.meeting;
    const attendee = (type: string) => (address: string) => ({ type, emailAddress: { address }, status: { response: "none" } });
    // The property set's GUID is compared as a GUID, the name case-sensitively (as Graph does).
    const same = (a: string, b: string): boolean => a.replace(/\{[^}]+\}/, (g) => g.toLowerCase()) === b.replace(/\{[^}]+\}/, (g) => g.toLowerCase());
    const props = m.customProperties && asked.some((a) => same(a, CUSTOM_PROPERTIES)) ? [{ id: CUSTOM_PROPERTIES, value: JSON.stringify(m.customProperties) }] : undefined;
    return {
      id: e.id,
      iCalUId: e.iCalUId,
      subject: m.subject,
      type: "singleInstance",
      isOrganizer: true,
      isDraft: m.isDraft === true,
      isCancelled: false,
      lastModifiedDateTime: e.lastModified,
      start: { dateTime: m.start ?? new Date(Date.now() + 86_400_000).toISOString(), timeZone: "UTC" },
      attendees: [...m.required.map(attendee("required")), ...(m.optional ?? []).map(attendee("optional")), ...(m.rooms ?? []).map(attendee("resource"))],
      body: { contentType: "text", content: m.body },
      hasAttachments: false,
      ...(props ? { singleValueExtendedProperties: props } : {}),
    };
  }

  private asGraph(x: SimMessage, expand: boolean): Record<string, unknown> {
    const header = x.headers["x-zorgvuldig-check"];
    const addr = (list: string[]) => list.map((address) => ({ emailAddress: { address } }));
    return {
      id: x.id,
      internetMessageId: x.internetMessageId,
      subject: x.subject,
      sentDateTime: x.sentAt,
      receivedDateTime: x.sentAt,
      toRecipients: addr(x.to),
      ccRecipients: addr(x.cc),
      bccRecipients: addr(x.bcc),
      body: { contentType: "text", content: x.body },
      hasAttachments: x.attachments.length > 0,
      // Never the header itself: Graph does not return it in internetMessageHeaders of Sent Items.
      ...(expand && x.exposeProperty && header ? { singleValueExtendedProperties: [{ id: CHECK_PROPERTY, value: header }] } : {}),
    };
  }

  private mime(mailbox: string, id: string, res: ServerResponse): void {
    const x = this.find(mailbox, id);
    if (!x) return json(res, 404, { error: { code: "ErrorItemNotFound" } });
    const lines = [
      `From: ${mailbox}`,
      `To: ${x.to.join(", ")}`,
      ...(x.cc.length ? [`Cc: ${x.cc.join(", ")}`] : []),
      `Subject: ${x.subject}`,
      `Date: ${new Date(x.sentAt).toUTCString()}`,
      `Message-ID: ${x.internetMessageId}`,
      ...Object.entries(x.headers).map(([k, v]) => `${k}:\r\n ${v}`),
      "MIME-Version: 1.0",
      'Content-Type: text/plain; charset="utf-8"',
    ];
    res.statusCode = 200;
    res.setHeader("content-type", "message/rfc822");
    // The body is large and streamed: a reader that stops after the headers cancels most of it.
    const bodyChunks = [Buffer.from(x.body), ...Array.from({ length: 64 }, () => Buffer.alloc(16 * 1024, 0x61))];
    let done = false;
    res.on("close", () => {
      if (!done) this.mimeAborted++;
    });
    res.write(lines.join("\r\n") + "\r\n\r\n");
    const next = (i: number): void => {
      if (res.destroyed) return;
      const c = bodyChunks[i];
      if (!c) {
        done = true;
        this.mimeCompleted++;
        res.end();
        return;
      }
      res.write(c, () => setTimeout(() => next(i + 1), 2));
    };
    setTimeout(() => next(0), 5);
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(body));
}
