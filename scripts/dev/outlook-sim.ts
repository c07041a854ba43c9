/**
 * Dev only (`npm start` and the playground's browser tests; never in production config, never imported by
 * server/ or src/): the local Graph simulation behind the server, and the part of Outlook the playground
 * cannot play in the browser, the mailbox's Sent Items.
 *
 * - The server reads Sent Items through its real path: GRAPH_BASE_URL points at the simulation, app tokens
 *   come from a local authority, the senders' Sent Items are subscribed (change notifications to the
 *   server's own /api/graph/notifications) and the delta sweep runs as the fallback.
 * - `routes` (mounted by the server at /dev/outlook in dev mode only) is what Outlook does after a send:
 *   `POST /dev/outlook/sent-items` puts the mail in the sender's simulated Sent Items, with the
 *   x-zorgvuldig-check header the add-in set (Graph returns it as the extended property), and
 *   `GET /dev/outlook/sent-items?mailbox=` lists what Sent Items holds, and the meetings the mailbox sent;
 *   `POST /dev/outlook/meetings` sends a meeting request: its event lands in the organiser's calendar with
 *   the add-in's custom property `zvCheck` (appointments have no internet headers), where the server's
 *   calendar path (docs/SENT-ITEMS.md, Meetings) confirms it.
 */
import { randomUUID } from "node:crypto";
import express, { Router } from "express";
import { GraphAuth } from "../../server/graph/client.js";
import type { Running } from "../../server/main.js";
import { SentItemsRepository } from "../../server/sentitems/repository.js";
import type { SentItemView } from "../../contract/demo.js";
import { GraphSim, type SimEvent } from "./graph-sim.js";
import { FakeAuthority } from "./local-services.js";

export const CHECK_HEADER = "x-zorgvuldig-check";

/** What the playground posts when Outlook has sent a mail. */
interface SentBody {
  mailbox?: unknown;
  to?: unknown;
  cc?: unknown;
  bcc?: unknown;
  subject?: unknown;
  body?: unknown;
  headers?: unknown;
  attachments?: unknown;
}

/** A message of the simulated Sent Items, as the playground lists it (contract/demo.ts). */
export type { SentItemView };

const strings = (x: unknown, max = 50): string[] =>
  Array.isArray(x) ? x.filter((v): v is string => typeof v === "string" && v.length <= 320).slice(0, max) : [];
const text = (x: unknown, max: number): string => (typeof x === "string" ? x.slice(0, max) : "");

export interface DevGraph {
  sim: GraphSim;
  graphAuth: GraphAuth;
  /** Config the server needs for it (merged into the environment before loadConfig). */
  env: Record<string, string>;
  routes: Router;
  /** After the server started: the mailboxes to read, their subscriptions, a fresh delta state. */
  connect(running: Running, tenantId: string, mailboxes: string[]): Promise<void>;
  close(): Promise<void>;
}

export async function startDevGraph(opts: { firstSeq?: number; sweepSeconds?: number } = {}): Promise<DevGraph> {
  const sim = await new GraphSim(opts.firstSeq !== undefined ? { firstSeq: opts.firstSeq } : {}).start();
  const graphAuth = new GraphAuth({
    clientId: randomUUID(),
    authorityHost: "https://login.microsoftonline.com",
    clientSecret: "graph-simulation",
    networkClient: new FakeAuthority(),
  });
  const routes = Router();
  routes.use(express.json({ limit: "12mb" }));
  routes.post("/sent-items", (req, res) => {
    const b = (req.body ?? {}) as SentBody;
    const mailbox = text(b.mailbox, 320);
    const to = strings(b.to);
    const cc = strings(b.cc);
    const bcc = strings(b.bcc);
    if (!mailbox || to.length + cc.length + bcc.length === 0) {
      res.status(400).json({ code: "VALIDATION", message: "mailbox and at least one recipient are required" });
      return;
    }
    const h = b.headers && typeof b.headers === "object" ? (b.headers as Record<string, unknown>) : {};
    const stamp = typeof h[CHECK_HEADER] === "string" ? h[CHECK_HEADER] : undefined;
    const attachments = (Array.isArray(b.attachments) ? b.attachments : []).flatMap((a: unknown) => {
      const x = a && typeof a === "object" ? (a as { name?: unknown; contentBase64?: unknown }) : {};
      const name = text(x.name, 255);
      return name ? [{ name, content: Buffer.from(text(x.contentBase64, 16_000_000), "base64") }] : [];
    });
    const m = sim.send(mailbox, {
      to,
      cc,
      bcc,
      subject: text(b.subject, 1000),
      body: text(b.body, 1_000_000),
      headers: stamp ? { [CHECK_HEADER]: stamp } : {},
      attachments,
    });
    res.status(201).json(view(m));
  });
  routes.post("/meetings", (req, res) => {
    const b = (req.body ?? {}) as SentBody & { rooms?: unknown; customProperties?: unknown };
    const mailbox = text(b.mailbox, 320);
    const required = strings(b.to);
    if (!mailbox || required.length === 0) {
      res.status(400).json({ code: "VALIDATION", message: "mailbox and at least one required attendee are required" });
      return;
    }
    const c = b.customProperties && typeof b.customProperties === "object" ? (b.customProperties as Record<string, unknown>) : {};
    const customProperties = Object.fromEntries(Object.entries(c).flatMap(([k, v]) => (typeof v === "string" && k.length <= 255 ? [[k, v.slice(0, 1000)]] : [])));
    const e = sim.meeting(mailbox, {
      required,
      optional: strings(b.cc),
      rooms: strings(b.rooms),
      subject: text(b.subject, 1000),
      body: text(b.body, 1_000_000),
      ...(Object.keys(customProperties).length > 0 ? { customProperties } : {}),
    });
    res.status(201).json(meetingView(e));
  });
  routes.get("/sent-items", (req, res) => {
    const mailbox = typeof req.query.mailbox === "string" ? req.query.mailbox.toLowerCase() : "";
    const items = [...(sim.mailboxes.get(mailbox) ?? []).map(view), ...(sim.calendars.get(mailbox) ?? []).map(meetingView)]
      .sort((a, b) => (a.sentAt < b.sentAt ? -1 : a.sentAt > b.sentAt ? 1 : 0))
      .reverse();
    res.json({ items });
  });
  return {
    sim,
    graphAuth,
    env: {
      GRAPH_BASE_URL: sim.base,
      // The fallback and the catch-up: a dropped notification costs at most this long.
      SENT_ITEMS_SWEEP_SECONDS: String(opts.sweepSeconds ?? 30),
    },
    routes,
    async connect(running, tenantId, mailboxes) {
      sim.tenantId = tenantId;
      const now = new Date().toISOString();
      // A delta link kept in ./data points at an earlier simulation: every mailbox starts afresh.
      const repo = new SentItemsRepository(running.storage);
      for (const m of mailboxes) await repo.addMailbox(tenantId, m, now);
      for (const m of await repo.mailboxes(tenantId)) await repo.saveMailbox(tenantId, { mailbox: m.mailbox, since: now, ...(m.etag ? { etag: m.etag } : {}) });
      await running.services.sentItems.subscribe(tenantId);
    },
    close: () => sim.close(),
  };
}

/** A sent meeting as the playground lists it: its calendar event (the iCalUId stands for the Message-ID). */
function meetingView(e: SimEvent): SentItemView {
  const stamp = e.meeting.customProperties?.zvCheck ?? "";
  return {
    id: e.id,
    internetMessageId: e.iCalUId,
    to: e.meeting.required,
    cc: e.meeting.optional ?? [],
    bcc: e.meeting.rooms ?? [],
    subject: e.meeting.subject,
    body: e.meeting.body,
    sentAt: e.lastModified,
    checkId: stamp.includes(".") ? stamp.slice(0, stamp.lastIndexOf(".")) : "",
    attachments: [],
    meeting: true,
  };
}

function view(m: { id: string; internetMessageId: string; to: string[]; cc: string[]; bcc: string[]; subject: string; body: string; sentAt: string; headers: Record<string, string>; attachments: { name: string }[] }): SentItemView {
  const stamp = m.headers[CHECK_HEADER] ?? "";
  return {
    id: m.id,
    internetMessageId: m.internetMessageId,
    to: m.to,
    cc: m.cc,
    bcc: m.bcc,
    subject: m.subject,
    body: m.body,
    sentAt: m.sentAt,
    checkId: stamp.includes(".") ? stamp.slice(0, stamp.lastIndexOf(".")) : "",
    attachments: m.attachments.map((a) => a.name),
  };
}
