import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Client } from "@microsoft/microsoft-graph-client";
import { odata } from "@azure/data-tables";
import { graphCall } from "../graph/client.js";
import { AppError } from "../shared/errors.js";
import { key, type Storage } from "../shared/storage.js";

/**
 * Change notifications on the senders' Sent Items (Microsoft Graph subscriptions). A notification only
 * says "something changed in this mailbox": the work is the same delta round the sweep does (the pattern
 * Microsoft recommends: notifications trigger delta queries), so a dropped or late notification costs
 * lag, never a mail, and the scheduled sweep remains the catch-up.
 *
 *  - created with a random `clientState` per subscription, kept with it; a notification whose
 *    clientState does not match (constant-time) is ignored;
 *  - Graph validates the notification URL first (POST ?validationToken=...): the route echoes the token
 *    as text/plain;
 *  - mail subscriptions live at most 10,080 minutes: each is renewed (PATCH expirationDateTime) once
 *    less than `renewBeforeMinutes` is left; one that Graph no longer knows is created anew;
 *  - lifecycle notifications: `reauthorizationRequired` renews, `subscriptionRemoved` creates it anew
 *    and sweeps, `missed` sweeps.
 */

/** Graph's maximum lifetime of a subscription to Outlook messages. */
export const MAX_SUBSCRIPTION_MINUTES = 10_080;

/** What a subscription watches: a mailbox's Sent Items, or its calendar (meetings it organised). */
export type WatchedResource = "sentitems" | "events";

export interface Subscription {
  id: string;
  mailbox: string;
  /** Absent on subscriptions made before meetings were read: Sent Items. */
  resource?: WatchedResource;
  clientState: string;
  expiresAt: string;
  etag?: string;
}

/** One item of a Graph notification POST (change or lifecycle); everything is checked before use. */
export interface NotificationItem {
  subscriptionId?: string | undefined;
  clientState?: string | undefined;
  tenantId?: string | undefined;
  changeType?: string | undefined;
  lifecycleEvent?: string | undefined;
}

export class SubscriptionRepository {
  constructor(private readonly storage: Storage) {}

  async list(tenantId: string): Promise<Subscription[]> {
    const rows = await this.storage.list("Subscriptions", odata`PartitionKey eq ${key(tenantId)}`);
    return rows.map((e) => ({ ...(JSON.parse(String(e.data)) as Subscription), etag: String(e.etag) }));
  }

  async get(tenantId: string, id: string): Promise<Subscription | undefined> {
    const e = await this.storage.getOrUndefined("Subscriptions", key(tenantId), key(id));
    return e ? { ...(JSON.parse(String(e.data)) as Subscription), etag: String(e.etag) } : undefined;
  }

  async put(tenantId: string, s: Subscription): Promise<void> {
    const { etag: _e, ...rest } = s;
    await this.storage.run("Subscriptions", (t) => t.upsertEntity({ partitionKey: key(tenantId), rowKey: key(s.id), data: JSON.stringify(rest) }, "Replace"));
  }

  async remove(tenantId: string, id: string): Promise<void> {
    await this.storage.run("Subscriptions", (t) => t.deleteEntity(key(tenantId), key(id))).catch((e: unknown) => {
      if (!(e instanceof AppError && e.status === 404)) throw e;
    });
  }
}

export interface SubscriptionOptions {
  /** Where Graph posts change and lifecycle notifications (PUBLIC_URL + /api/graph/notifications). */
  notificationUrl: string;
  /** Lifetime asked for (at most 10,080 minutes). */
  minutes: number;
  /** Renew once less than this is left. */
  renewBeforeMinutes: number;
  /** Also subscribe each mailbox's calendar (meetings confirmed through the organiser's calendar). */
  meetings?: boolean;
}

export interface SubscriptionReport {
  created: number;
  renewed: number;
  kept: number;
}

const GONE = new Set([404, 410]);

export class Subscriptions {
  constructor(
    private readonly repo: SubscriptionRepository,
    private readonly opts: SubscriptionOptions,
  ) {}

  /** Every mailbox has a live subscription that does not expire within the renewal window. */
  async ensure(tenantId: string, graph: Client, mailboxes: string[], now: Date): Promise<SubscriptionReport> {
    const report: SubscriptionReport = { created: 0, renewed: 0, kept: 0 };
    const known = await this.repo.list(tenantId);
    const kinds: WatchedResource[] = this.opts.meetings ? ["sentitems", "events"] : ["sentitems"];
    const pairs = mailboxes.flatMap((mailbox) => kinds.map((kind) => ({ mailbox, kind })));
    for (const { mailbox, kind } of pairs) {
      const mine = known.filter((s) => s.mailbox === mailbox && (s.resource ?? "sentitems") === kind).sort((a, b) => (a.expiresAt < b.expiresAt ? 1 : -1));
      const s = mine[0];
      if (s && Date.parse(s.expiresAt) > now.getTime()) {
        if (Date.parse(s.expiresAt) - now.getTime() > this.opts.renewBeforeMinutes * 60_000) {
          report.kept++;
          continue;
        }
        if (await this.renew(tenantId, graph, s, now)) {
          report.renewed++;
          continue;
        }
      }
      if (s) await this.repo.remove(tenantId, s.id);
      try {
        await this.create(tenantId, graph, mailbox, now, kind);
      } catch (e) {
        // The app may not read this calendar (Calendars.Read not granted, or outside its RBAC scope): the
        // delta sweep still reads it where it can; Sent Items are unaffected.
        if (kind === "events" && e instanceof AppError && e.status === 403) continue;
        throw e;
      }
      report.created++;
    }
    return report;
  }

  /** Creates a subscription (Graph first validates the notification URL with the handshake). */
  async create(tenantId: string, graph: Client, mailbox: string, now: Date, kind: WatchedResource = "sentitems"): Promise<Subscription> {
    const clientState = randomBytes(24).toString("base64url");
    const expiresAt = this.expiry(now);
    const answer = await graphCall(
      () =>
        graph.api("/subscriptions").post({
          // A meeting is sent when it is created, and again (an update) when it changes.
          changeType: kind === "events" ? "created,updated" : "created",
          notificationUrl: this.opts.notificationUrl,
          lifecycleNotificationUrl: this.opts.notificationUrl,
          resource: kind === "events" ? `users/${mailbox}/events` : `users/${mailbox}/mailFolders('sentitems')/messages`,
          expirationDateTime: expiresAt,
          clientState,
          latestSupportedTlsVersion: "v1_2",
        }) as Promise<{ id?: unknown; expirationDateTime?: unknown }>,
    );
    if (typeof answer.id !== "string") throw new AppError(502, "GRAPH_ERROR", "Microsoft Graph did not return the subscription's id");
    const s: Subscription = { id: answer.id, mailbox, resource: kind, clientState, expiresAt: typeof answer.expirationDateTime === "string" ? answer.expirationDateTime : expiresAt };
    await this.repo.put(tenantId, s);
    return s;
  }

  /** Graph removed a subscription: forget it and make a new one for the same mailbox. */
  async replace(tenantId: string, graph: Client, s: Subscription, now: Date): Promise<Subscription> {
    await this.repo.remove(tenantId, s.id);
    return this.create(tenantId, graph, s.mailbox, now, s.resource ?? "sentitems");
  }

  /** Extends a subscription; false when Graph no longer knows it (then it is created anew). */
  async renew(tenantId: string, graph: Client, s: Subscription, now: Date): Promise<boolean> {
    const expiresAt = this.expiry(now);
    try {
      await graphCall(() => graph.api(`/subscriptions/${encodeURIComponent(s.id)}`).patch({ expirationDateTime: expiresAt }) as Promise<unknown>);
    } catch (e) {
      if (e instanceof AppError && GONE.has(e.status)) return false;
      if (e instanceof AppError && e.code === "NOT_FOUND") return false;
      throw e;
    }
    await this.repo.put(tenantId, { ...s, expiresAt });
    return true;
  }

  /** The subscription a notification names, when its clientState matches (else undefined: ignored). */
  async verify(tenantId: string, item: NotificationItem): Promise<Subscription | undefined> {
    if (!item.subscriptionId || !item.clientState || item.subscriptionId.length > 200) return undefined;
    const s = await this.repo.get(tenantId, item.subscriptionId);
    if (!s) return undefined;
    const a = Buffer.from(s.clientState);
    const b = Buffer.from(item.clientState);
    return a.length === b.length && timingSafeEqual(a, b) ? s : undefined;
  }

  private expiry(now: Date): string {
    return new Date(now.getTime() + Math.min(this.opts.minutes, MAX_SUBSCRIPTION_MINUTES) * 60_000).toISOString();
  }
}
