import type { Client } from "@microsoft/microsoft-graph-client";
import type { Logger } from "../shared/logger.js";
import { AppError, notFound } from "../shared/errors.js";
import { mayAccessSchool, type Principal, type SchoolAccess } from "../identity/auth.js";
import type { DirectoryService, DirectorySnapshot } from "../directory/service.js";
import type { RegisterRepository, SentAppend } from "../register/repository.js";
import { sha256Hex } from "../shared/hash.js";
import { everyTenant, mapLimited, REAL_TIMERS, type Timers } from "../shared/schedule.js";
export type { Timers } from "../shared/schedule.js";
import type { NewEvent, RegisterEvent } from "../register/domain.js";
import { newEventId } from "../register/ids.js";
import type { CheckRepository, StoredCheck } from "../sendcheck/repository.js";
import { disclosureEvent, type Judged, type SendCheckService } from "../sendcheck/service.js";
import { htmlToText, sameContent, uniqueRecipients, verifyStamp } from "../sendcheck/digest.js";
import type { Disclosure } from "../sendcheck/rules.js";
import { checkHeaderFromMime, sentAttachments, sentItemsDelta, type SentMessage } from "./graph.js";
import { calendarDelta, customPropertyId, meetingOf } from "./meetings.js";
import type { Breach, MailboxState, ReviewItem, ReviewReason, SentItemsRepository } from "./repository.js";
import type { NotificationItem, SubscriptionReport, Subscriptions } from "./subscriptions.js";

/**
 * Confirmation from Sent Items (docs/SENT-ITEMS.md). The sweep reads each sender's Sent Items with a
 * delta query and, per message:
 *  - a valid x-zorgvuldig-check header of a pending record, unchanged (no recipient added, the same
 *    content digest, sent before the record expired): the record's disclosures for the recipients as
 *    sent go in each student's chain, with the Internet Message-ID and the real send time;
 *  - changed, blocked, or without a valid header: judged again at the real send time (consent in force
 *    and age then). Allowed: logged. Not allowed: the review list ("Te beoordelen");
 *  - the server's own mail (consent requests, `srv_` stamps): counts as checked, nothing to do.
 * Appends dedupe on the Internet Message-ID inside the chain's ETag-guarded append, so a message seen
 * twice, or two sweeps at once, log it once.
 */

export type { SweepReport } from "../../contract/sentitems.js";
import type { BreachRequest, BreachUpdate, OverrideBreachRequest, SweepReport } from "../../contract/sentitems.js";
import { randomUUID } from "node:crypto";
import { fullName } from "../directory/domain.js";

export type Outcome = "confirmed" | "logged" | "review" | "server" | "nothing";

/** Messages judged, and students appended to, side by side in a sweep. */
const SWEEP_IN_FLIGHT = 4;

/** Events for one student's chain, built against what the chain already logged of the message. */
interface ChainAppend extends SentAppend {
  studentId: string;
}

/** What one sent message means, decided before anything is appended. */
interface Planned {
  outcome: Outcome;
  appends: ChainAppend[];
  /** After the appends, with the disclosures they wrote (the pending record marked). */
  after?: (disclosures: number) => Promise<void>;
}

export interface SentItemsDeps {
  checks: SendCheckService;
  checkRepo: CheckRepository;
  register: RegisterRepository;
  repo: SentItemsRepository;
  directory: DirectoryService;
  /** An app-only Graph client for a tenant (throws 503 when Graph is not configured). */
  graph: (tenantId: string) => Client;
  graphBaseUrl: string;
  stampKey: string;
  /** Change notifications on the senders' Sent Items (undefined: the delta sweep alone; no PUBLIC_URL). */
  subscriptions?: Subscriptions;
  /** Problems of background work (counts and codes only). */
  log?: Logger;
  /**
   * The add-in ids (manifest.xml's Id, the unified manifest's id) whose custom property `zvCheck` stamps
   * a meeting; empty: meetings are not read.
   */
  addinIds?: string[];
}

/** setInterval and clearInterval, injected in tests (a fake clock). */

const BREACH_HOURS = 72;

export class SentItemsService {
  /** Background work started by notifications, per tenant (one delta round at a time, one more queued). */
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly background = new Set<Promise<void>>();

  /** The extended-property ids of the add-ins' custom properties on calendar events. */
  private readonly meetingProperties: string[];

  constructor(private readonly d: SentItemsDeps) {
    this.meetingProperties = [...new Set((d.addinIds ?? []).map(customPropertyId))];
  }

  // -------------------------------------------------------------------------------------------------
  // Change notifications (server/sentitems/subscriptions.ts)

  /** Subscribes every known sender's Sent Items, renewing what expires within the renewal window. */
  async subscribe(tenantId: string, now = new Date()): Promise<SubscriptionReport> {
    if (!this.d.subscriptions) throw new AppError(503, "GRAPH_ERROR", "Change notifications need PUBLIC_URL (the address Graph posts to)");
    const mailboxes = (await this.d.repo.mailboxes(tenantId)).map((m) => m.mailbox);
    return this.d.subscriptions.ensure(tenantId, this.d.graph(tenantId), mailboxes, now);
  }

  /**
   * Graph's notification POST: answered at once (Graph wants an answer within 3 seconds), the work is
   * done after. Items whose clientState does not match their subscription are ignored.
   */
  notified(items: NotificationItem[]): void {
    const work = (async () => {
      for (const item of items.slice(0, 100)) {
        const tenantId = item.tenantId;
        if (!tenantId || !this.d.subscriptions) continue;
        const sub = await this.d.subscriptions.verify(tenantId, item);
        if (!sub) continue;
        const graph = this.d.graph(tenantId);
        if (item.lifecycleEvent === "reauthorizationRequired") {
          if (!(await this.d.subscriptions.renew(tenantId, graph, sub, new Date()))) await this.d.subscriptions.replace(tenantId, graph, sub, new Date());
          continue;
        }
        if (item.lifecycleEvent === "subscriptionRemoved") await this.d.subscriptions.replace(tenantId, graph, sub, new Date());
        // A change, a removed subscription or missed notifications: one delta round catches up.
        await this.sweepSoon(tenantId);
      }
    })().catch((err: unknown) => {
      this.d.log?.warn({ errName: err instanceof Error ? err.name : "unknown", code: err instanceof AppError ? err.code : undefined }, "sent items notification failed");
    });
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }

  /** Resolves when the work notifications started is done (tests; a graceful stop). */
  async idle(): Promise<void> {
    while (this.background.size > 0 || this.running.size > 0) await Promise.allSettled([...this.background, ...this.running.values()]);
  }

  /** One delta round for the tenant; while one runs, one more is queued (never two at once, none lost). */
  private sweepSoon(tenantId: string): Promise<void> {
    const current = this.running.get(tenantId);
    if (current) {
      this.again.add(tenantId);
      return current;
    }
    const run = (async () => {
      do {
        this.again.delete(tenantId);
        await this.sweep(tenantId);
      } while (this.again.has(tenantId));
    })().finally(() => this.running.delete(tenantId));
    this.running.set(tenantId, run);
    return run;
  }

  /** Adds a mailbox (an add-in user, or a shared mailbox they send from) to the sweep, from `since`. */
  async addMailbox(tenantId: string, mailbox: string, since?: string): Promise<{ mailbox: string; since: string }> {
    // ISO in UTC, so that it compares with Graph's send times as text.
    const from = new Date(since ?? Date.now()).toISOString();
    await this.d.repo.addMailbox(tenantId, mailbox, from);
    return { mailbox: mailbox.toLowerCase(), since: from };
  }

  /** One delta round over every sender's Sent Items: the senders of pending records and the known mailboxes. */
  async sweep(tenantId: string): Promise<SweepReport> {
    const graph = this.d.graph(tenantId);
    const pending = await this.d.checkRepo.listPending(tenantId);
    const earliest = new Map<string, string>();
    for (const c of pending) {
      const cur = earliest.get(c.sentBy.toLowerCase());
      if (!cur || c.at < cur) earliest.set(c.sentBy.toLowerCase(), c.at);
    }
    let known = await this.d.repo.mailboxes(tenantId);
    const missing = [...earliest].filter(([m]) => !known.some((k) => k.mailbox === m));
    if (missing.length > 0) {
      await Promise.all(missing.map(([m, at]) => this.d.repo.addMailbox(tenantId, m, at)));
      known = await this.d.repo.mailboxes(tenantId);
    }
    const report: SweepReport = { mailboxes: known.length, messages: 0, meetings: 0, confirmed: 0, disclosures: 0, review: 0, serverMail: 0 };
    const count = (r: { outcome: Outcome; disclosures: number }): void => {
      if (r.outcome === "confirmed") report.confirmed++;
      if (r.outcome === "review") report.review++;
      if (r.outcome === "server") report.serverMail++;
      report.disclosures += r.disclosures;
    };
    for (const m of known) {
      const round = await sentItemsDelta(graph, this.d.graphBaseUrl, m.mailbox, { ...(m.deltaLink ? { deltaLink: m.deltaLink } : {}), since: m.since });
      const messages = round.messages.filter((msg) => msg.sentAt >= m.since);
      report.messages += messages.length;
      for (const r of await this.processRound(tenantId, graph, m.mailbox, messages)) count(r);
      const eventsDeltaLink = await this.meetingRound(tenantId, graph, m, (r) => {
        report.meetings++;
        count(r);
      });
      const next = { ...m, deltaLink: round.deltaLink, ...(eventsDeltaLink ? { eventsDeltaLink } : {}), lastSweepAt: new Date().toISOString() };
      await this.d.repo.saveMailbox(tenantId, next).catch((e: unknown) => {
        // Another sweep of this mailbox saved its link first: both rounds' work is deduplicated.
        if (!(e instanceof AppError && e.code === "CONFLICT")) throw e;
      });
    }
    // Check records are purged by the retention run (server/retention/service.ts, R-RETAIN-CHECKS), not here.
    return report;
  }

  /**
   * One calendarView delta round over the mailbox's calendar: each meeting it organised and sent (changed
   * since the last round) is read with the add-ins' custom properties and judged like a sent mail. Returns
   * the new deltaLink, or the old one when the app may not read calendars (Calendars.Read not granted or
   * outside its RBAC scope: the mail sweep goes on).
   */
  private async meetingRound(
    tenantId: string,
    graph: Client,
    m: MailboxState,
    seen: (r: { outcome: Outcome; disclosures: number }) => void,
  ): Promise<string | undefined> {
    if (this.meetingProperties.length === 0) return m.eventsDeltaLink;
    let round: { eventIds: string[]; deltaLink: string };
    try {
      round = await calendarDelta(graph, this.d.graphBaseUrl, m.mailbox, { ...(m.eventsDeltaLink ? { deltaLink: m.eventsDeltaLink } : {}), since: m.since });
    } catch (e) {
      if (e instanceof AppError && e.status === 403) {
        this.d.log?.warn({ code: e.code }, "calendar not readable: meetings are not confirmed");
        return m.eventsDeltaLink;
      }
      throw e;
    }
    for (const id of round.eventIds) {
      const meeting = await meetingOf(graph, m.mailbox, id, this.meetingProperties);
      // Meetings changed before the mailbox was added are its past: not judged.
      if (!meeting || meeting.sentAt < m.since) continue;
      seen(await this.process(tenantId, graph, m.mailbox, meeting));
    }
    return round.deltaLink;
  }

  /**
   * Sweeps every tenant's senders every `intervalMs` (unref'd; a tick is skipped while one runs). The
   * worst-case lag between a send and its disclosure is the interval. Returns a stop function.
   */
  schedule(intervalMs: number, tenants: () => Promise<string[]>, log: Logger, timers: Timers = REAL_TIMERS): () => void {
    const round = async (tenantId: string): Promise<void> => {
      // Subscriptions first (renewed before they expire), then the catch-up round.
      if (this.d.subscriptions) await this.subscribe(tenantId);
      const r = await this.sweep(tenantId);
      // Counts only: never an address or a subject.
      log.info({ tenant: tenantId, messages: r.messages, confirmed: r.confirmed, disclosures: r.disclosures, review: r.review }, "sent items sweep");
    };
    return everyTenant(intervalMs, tenants, round, log, "sent items sweep", timers);
  }

  /** What one sent message means for the register (the meetings' path: one at a time, written at once). */
  async process(tenantId: string, graph: Client, mailbox: string, msg: SentMessage): Promise<{ outcome: Outcome; disclosures: number }> {
    const plan = await this.plan(tenantId, graph, mailbox, msg, await this.checkIdOf(tenantId, graph, mailbox, msg));
    const [disclosures = 0] = await this.apply(tenantId, [plan]);
    return { outcome: plan.outcome, disclosures };
  }

  /**
   * A delta round's mail messages, in the order Graph gave them: the stamps read and each message judged
   * with a small bound in flight; then the disclosures of each student's messages appended in as few
   * transactions as the chain allows (in the order sent, the ETag kept), students side by side; then the
   * pending records marked. A stamp seen twice in the round: its later messages go after the rest, one at a
   * time, as if in a later round (the record is no longer pending then).
   */
  private async processRound(tenantId: string, graph: Client, mailbox: string, messages: SentMessage[]): Promise<{ outcome: Outcome; disclosures: number }[]> {
    const checkIds = await mapLimited(messages, SWEEP_IN_FLIGHT, (msg) => this.checkIdOf(tenantId, graph, mailbox, msg));
    const first = new Set<string>();
    const later = checkIds.map((id) => {
      if (id === undefined) return false;
      if (first.has(id)) return true;
      first.add(id);
      return false;
    });
    const now = messages.flatMap((msg, i) => (later[i] ? [] : [{ msg, checkId: checkIds[i] }]));
    const plans = await mapLimited(now, SWEEP_IN_FLIGHT, (m) => this.plan(tenantId, graph, mailbox, m.msg, m.checkId));
    const written = await this.apply(tenantId, plans);
    const out = plans.map((p, i) => ({ outcome: p.outcome, disclosures: written[i] ?? 0 }));
    for (const [i, msg] of messages.entries()) if (later[i]) out.push(await this.process(tenantId, graph, mailbox, msg));
    return out;
  }

  /** The check id of a message's valid stamp (the extended property, else the MIME header block), if any. */
  private async checkIdOf(tenantId: string, graph: Client, mailbox: string, msg: SentMessage): Promise<string | undefined> {
    // A meeting has no MIME headers: its stamp is the custom property or nothing.
    const header = msg.checkHeader ?? (msg.meeting ? undefined : await checkHeaderFromMime(graph, mailbox, msg.graphId));
    return verifyStamp(this.d.stampKey, tenantId, header);
  }

  /**
   * What one sent message means for the register, decided before anything is written to a chain: the
   * outcome, the events to append per student, and what follows the appends (the record marked). A
   * message that goes to review is put on the list here. Disclosures never change what the rules read
   * (the HEAD's state holds consents, withdrawals and notices), so the messages of one round may be
   * judged before any of them is appended.
   */
  private async plan(tenantId: string, graph: Client, mailbox: string, msg: SentMessage, checkId: string | undefined): Promise<Planned> {
    if (checkId?.startsWith("srv_")) return { outcome: "server", appends: [] };
    let pending = checkId ? await this.d.checkRepo.get(tenantId, checkId) : undefined;
    if (pending && pending.state !== "pending") {
      // A meeting is seen again whenever its event changes (replies, a new time). Attendees added since its
      // check, without a new check (a phone): judged again at the change; anything else is done.
      const checked = new Set(pending.digest?.recipients ?? []);
      const added = msg.meeting && uniqueRecipients([...msg.to, ...msg.cc, ...msg.bcc]).some((r) => !checked.has(r));
      if (!added) return { outcome: "nothing", appends: [] };
      pending = undefined;
    }
    const withContent = pending?.digest?.hashedAttachments === true;
    const attachments = msg.hasAttachments ? await sentAttachments(graph, mailbox, msg.graphId, withContent, (b) => sha256Hex(b), msg.meeting ? "events" : "messages") : [];
    const body = htmlToText(msg.body);
    const sentAt = new Date(msg.sentAt);
    // A named student no longer in the directory is not named (the check would refuse the whole mail).
    const known = pending?.namedStudentIds ? (await this.d.directory.snapshot(tenantId)).studentById : undefined;
    const named = (pending?.namedStudentIds ?? []).filter((id) => known?.has(id) === true);
    const mail = {
      to: msg.to,
      cc: msg.cc,
      bcc: msg.bcc,
      texts: [msg.subject, body, ...attachments.map((a) => a.name)],
      content: { subject: msg.subject, body, attachments },
      ...(pending?.purposeId ? { purposeId: pending.purposeId } : {}),
      // Read as it was checked: the students named in the pane, names as the sender's schools mean them.
      ...(named.length > 0 ? { namedStudentIds: named } : {}),
      ...(pending?.senderSchools ? { senderSchools: pending.senderSchools } : {}),
    };
    const judged = await this.d.checks.judge(tenantId, mail, sentAt, "nl");
    if (judged.studentIds.length === 0 && !pending) return { outcome: "nothing", appends: [] };
    const sent = { at: msg.sentAt, internetMessageId: msg.internetMessageId };

    if (pending?.digest) {
      const record = pending;
      const digest = pending.digest;
      const asSent = new Set(uniqueRecipients([...msg.to, ...msg.cc, ...msg.bcc]));
      const added = [...asSent].some((r) => !digest.recipients.includes(r));
      const same = sameContent(digest, { studentIds: judged.studentIds, attachments, body });
      const expired = record.expiresAt !== undefined && msg.sentAt > record.expiresAt;
      const unchanged = !added && same && !expired;
      const confirm = (n: number): Promise<void> =>
        this.mark(tenantId, record, "confirmed", { internetMessageId: msg.internetMessageId, sentAt: msg.sentAt, at: new Date().toISOString(), disclosures: n });
      if (unchanged && (record.result.verdict !== "block" || record.overrideOf))
        return { outcome: "confirmed", appends: this.pendingAppends(record, asSent, sent), after: confirm };
      const kind = unchanged ? "blocked" : "changed";
      if (judged.out.verdict !== "block")
        return { outcome: "confirmed", appends: this.judgedAppends(judged.out.disclosures, judged.out.verdict, record.checkId, record.sentBy, sent, "confirmed"), after: confirm };
      await this.toReview(tenantId, mailbox, msg, judged, kind, mail, record.checkId);
      await this.mark(tenantId, record, "review");
      return { outcome: "review", appends: [] };
    }

    // No valid header (a phone, offline, Simple MAPI, "Send Anyway" while the add-in was unavailable),
    // or a header of a check that had no student: judged at the real send time.
    if (judged.out.verdict === "block") {
      await this.toReview(tenantId, mailbox, msg, judged, checkId ? "changed" : "unchecked", mail, checkId);
      return { outcome: "review", appends: [] };
    }
    const id = checkId ?? `sent_${sha256Hex(`${mailbox}|${msg.internetMessageId}`).slice(0, 24)}`;
    const confirmedCheck = checkId !== undefined && pending !== undefined;
    const source = confirmedCheck || (checkId && !msg.meeting) ? "confirmed" : "unchecked";
    return { outcome: "logged", appends: this.judgedAppends(judged.out.disclosures, judged.out.verdict, id, mailbox, sent, source) };
  }

  /**
   * Writes planned appends: per student, the events of its messages in their order, as many messages per
   * ETag-guarded transaction as fit (a message with more events than fit goes alone, as before); students
   * side by side (a small bound). Then each plan's `after` with the disclosures its appends wrote, which it
   * returns per plan. Each build sees the chain and what the same transaction adds before it, so a message
   * seen twice, or two sweeps at once, log it once.
   */
  private async apply(tenantId: string, plans: Planned[]): Promise<number[]> {
    const byStudent = new Map<string, { plan: number; append: SentAppend }[]>();
    plans.forEach((p, plan) => {
      for (const a of p.appends) byStudent.set(a.studentId, [...(byStudent.get(a.studentId) ?? []), { plan, append: a }]);
    });
    const written = plans.map(() => 0);
    await mapLimited([...byStudent], SWEEP_IN_FLIGHT, async ([studentId, list]) => {
      const events = await this.d.register.appendSent(
        tenantId,
        studentId,
        list.map((x) => x.append),
      );
      events.forEach((made, k) => {
        const plan = list[k]?.plan;
        if (plan !== undefined) written[plan] = (written[plan] ?? 0) + made.filter((e) => e.type === "disclosure").length;
      });
    });
    await mapLimited(plans, SWEEP_IN_FLIGHT, async (p, i) => p.after?.(written[i] ?? 0));
    return written;
  }

  /** The pending record's disclosures for the recipients as sent (a removed recipient is not disclosed). */
  private pendingAppends(c: StoredCheck, asSent: Set<string>, sent: { at: string; internetMessageId: string }): ChainAppend[] {
    if (c.overrideOf) {
      const o = c.overrideOf;
      const external = c.result.recipients.filter((r) => asSent.has(r.address) && r.kind !== "internal" && !(r.kind === "guardian" && r.verdict === "allow"));
      return c.result.students.map((s) => ({
        studentId: s.id,
        messageId: sent.internetMessageId,
        // The override once per message; its disclosures once per recipient.
        build: (logged) =>
          [
            ...(logged.any ? [] : [{ type: "override" as const, id: newEventId(s.id), studentId: s.id, checkId: o.checkId, reason: o.reason, by: o.by, at: sent.at, recordedBy: c.sentBy, recordedAt: new Date().toISOString() }]),
            ...external
              .filter((r) => !logged.has(r.address))
              .map((r) =>
                disclosureEvent(s.id, c.checkId, { recipient: r.address, ...(r.party ? { partyId: r.party.id } : {}), basis: "override", ...(c.purposeId ? { purposeId: c.purposeId } : {}) }, "block", c.sentBy, sent, {
                  source: "confirmed",
                  recordedBy: c.sentBy,
                }),
              ),
          ] satisfies NewEvent[],
      }));
    }
    const list = c.disclosures.filter((d) => asSent.has(d.recipient));
    return this.judgedAppends(list, c.result.verdict, c.checkId, c.sentBy, sent, "confirmed");
  }

  /**
   * Disclosures per student, once per Internet Message-ID and recipient (ETag-guarded appends; nothing
   * lost): a mail seen twice logs nothing more; a meeting's update logs only attendees it added.
   */
  private judgedAppends(
    list: Disclosure[],
    verdict: "allow" | "warn" | "block",
    checkId: string,
    sentBy: string,
    sent: { at: string; internetMessageId: string },
    source: "confirmed" | "unchecked",
    decidedBy?: string,
  ): ChainAppend[] {
    const byStudent = new Map<string, Disclosure[]>();
    for (const d of list) byStudent.set(d.studentId, [...(byStudent.get(d.studentId) ?? []), d]);
    return [...byStudent].map(([studentId, mine]) => ({
      studentId,
      messageId: sent.internetMessageId,
      build: (logged) => {
        return mine
          .filter((d) => !logged.has(d.recipient))
          .map((d) =>
            disclosureEvent(studentId, checkId, d, verdict, sentBy, sent, {
              source: decidedBy ? "review" : source,
              ...(decidedBy ? { decidedBy } : {}),
              recordedBy: decidedBy ?? sentBy,
            }),
          );
      },
    }));
  }

  private async mark(tenantId: string, c: StoredCheck, state: "confirmed" | "review", confirmed?: StoredCheck["confirmed"]): Promise<void> {
    await this.d.checkRepo.replace(tenantId, { ...c, state, ...(confirmed ? { confirmed } : {}) }).catch((e: unknown) => {
      // A concurrent sweep marked it first; the appends above were deduplicated.
      if (!(e instanceof AppError && e.code === "CONFLICT")) throw e;
    });
  }

  private async toReview(
    tenantId: string,
    mailbox: string,
    msg: SentMessage,
    judged: Judged,
    kind: ReviewItem["kind"],
    mail: { to: string[]; cc: string[]; bcc: string[]; texts: string[]; purposeId?: string },
    checkId: string | undefined,
  ): Promise<void> {
    const en = await this.d.checks.judge(tenantId, { ...mail, studentIds: judged.studentIds }, new Date(msg.sentAt), "en");
    const snap = await this.d.directory.snapshot(tenantId);
    const reasons: ReviewReason[] = [];
    judged.out.recipients.forEach((r, i) => {
      if (r.verdict !== "block") return;
      r.reasons.forEach((q, j) => reasons.push({ recipient: r.address, code: q.code, nl: q.message, en: en.out.recipients[i]?.reasons[j]?.message ?? q.message }));
    });
    // A meeting is one item per set of attendees (its event changes with every reply); a mail, per message.
    const who = msg.meeting ? `|${uniqueRecipients([...msg.to, ...msg.cc, ...msg.bcc]).join(",")}` : "";
    const item: ReviewItem = {
      id: sha256Hex(`${tenantId}|${mailbox}|${msg.internetMessageId}${who}`).slice(0, 32),
      kind,
      mailbox,
      internetMessageId: msg.internetMessageId,
      subject: msg.subject.slice(0, 500),
      sentAt: msg.sentAt,
      flaggedAt: new Date().toISOString(),
      to: msg.to,
      cc: msg.cc,
      bcc: msg.bcc,
      students: judged.out.students.map((s) => {
        const schoolId = snap.studentById.get(s.id)?.schoolId;
        return { ...s, ...(schoolId ? { schoolId } : {}) };
      }),
      reasons,
      ...(msg.meeting ? { meeting: true } : {}),
      ...(checkId ? { checkId } : {}),
      ...(mail.purposeId ? { purposeId: mail.purposeId } : {}),
      state: "open",
    };
    await this.d.repo.addReview(tenantId, item);
  }

  // -------------------------------------------------------------------------------------------------
  // The review list and the breach register

  /**
   * The schools a review item or breach belongs to, through its students (the directory's school of
   * each; one no longer known counts as "" and so does a record about no student): only a caller who
   * sees every one of them may see or decide it, so such a record stays with the privacy officer.
   */
  private schoolsOfStudents(snap: DirectorySnapshot, students: readonly { id: string; schoolId?: string }[]): string[] {
    if (students.length === 0) return [""];
    return [...new Set(students.map((s) => snap.studentById.get(s.id)?.schoolId ?? s.schoolId ?? ""))];
  }

  private async visible(tenantId: string, schools: SchoolAccess): Promise<(students: readonly { id: string; schoolId?: string }[]) => boolean> {
    if (schools === "all") return () => true;
    const snap = await this.d.directory.snapshot(tenantId);
    return (students) => this.schoolsOfStudents(snap, students).every((s) => mayAccessSchool(schools, s));
  }

  /** The schools of a review item (undefined when there is none): server/app.ts's SchoolResolver. */
  async reviewSchools(tenantId: string, id: string): Promise<string[] | undefined> {
    const item = await this.d.repo.review(tenantId, id);
    return item ? this.schoolsOfStudents(await this.d.directory.snapshot(tenantId), item.students) : undefined;
  }

  /** The schools of a breach (undefined when there is none): server/app.ts's SchoolResolver. */
  async breachSchools(tenantId: string, id: string): Promise<string[] | undefined> {
    const b = await this.d.repo.breach(tenantId, id);
    return b ? this.schoolsOfStudents(await this.d.directory.snapshot(tenantId), b.students) : undefined;
  }

  /** The review list: with `schools`, only the items whose students are all of those schools. */
  async reviewList(tenantId: string, state?: ReviewItem["state"], schools: SchoolAccess = "all"): Promise<ReviewItem[]> {
    const [all, maySee] = await Promise.all([this.d.repo.reviews(tenantId), this.visible(tenantId, schools)]);
    return all
      .filter((r) => (!state || r.state === state) && maySee(r.students))
      .sort((a, b) => (a.sentAt < b.sentAt ? 1 : -1))
      .map(({ etag: _e, ...r }) => r);
  }

  /** How many mails await a decision ("Te beoordelen", state open) that the caller may see: from the open rows only. */
  async openReviewCount(tenantId: string, schools: SchoolAccess = "all"): Promise<number> {
    const [open, maySee] = await Promise.all([this.d.repo.openReviews(tenantId), this.visible(tenantId, schools)]);
    return open.filter((r) => maySee(r.students)).length;
  }

  /**
   * A coordinator's decision on a reviewed mail. Lawful: the register must support it at the real send
   * time (with the purpose chosen), then each disclosure is logged with who decided. Breach: a breach
   * record whose 72 hours run from now (the moment the school became aware).
   */
  async decide(
    p: Principal,
    id: string,
    d: { decision: "lawful" | "breach"; purposeId?: string; note?: string; categories?: string[] },
  ): Promise<{ item: ReviewItem; breach?: Breach; disclosures: number }> {
    const item = await this.d.repo.review(p.tenantId, id);
    if (!item) throw notFound("Review item");
    if (item.state !== "open") throw new AppError(409, "CONFLICT", "This mail was already decided");
    const at = new Date().toISOString();
    if (d.decision === "lawful") {
      const purposeId = d.purposeId ?? item.purposeId;
      const judged = await this.d.checks.judge(
        p.tenantId,
        { to: item.to, cc: item.cc, bcc: item.bcc, texts: [], studentIds: item.students.map((s) => s.id), ...(purposeId ? { purposeId } : {}) },
        new Date(item.sentAt),
        "nl",
      );
      if (judged.out.verdict === "block")
        throw new AppError(
          422,
          "UNPROCESSABLE",
          "The register does not support this disclosure at the time it was sent; record the consent or notice first, choose the purpose, or register a data breach",
          judged.out.recipients.filter((r) => r.verdict === "block").map((r) => ({ path: r.address, message: r.reasons.map((q) => q.code).join(", ") })),
        );
      const next: ReviewItem = { ...item, state: "lawful", decision: { by: p.userId, at, ...(d.note ? { note: d.note } : {}), ...(purposeId ? { purposeId } : {}) } };
      await this.d.repo.replaceReview(p.tenantId, next);
      const [n = 0] = await this.apply(p.tenantId, [
        {
          outcome: "logged",
          appends: this.judgedAppends(judged.out.disclosures, judged.out.verdict, item.checkId ?? `review_${item.id}`, item.mailbox, { at: item.sentAt, internetMessageId: item.internetMessageId }, "confirmed", p.userId),
        },
      ]);
      next.decision = { ...next.decision, by: p.userId, at, disclosures: n };
      const { etag: _e, ...plain } = next;
      return { item: plain, disclosures: n };
    }
    const breach: Breach = {
      id: `lek_${sha256Hex(`${item.id}|${at}`).slice(0, 20)}`,
      source: "review",
      reviewId: item.id,
      what: d.note ?? "Leerlinggegevens verzonden aan een ontvanger zonder grondslag",
      students: item.students.map((s) => ({ id: s.id, name: s.name })),
      recipients: [...new Set(item.reasons.map((r) => r.recipient))],
      categories: d.categories ?? [],
      flaggedAt: item.flaggedAt,
      awareAt: at,
      deadline: new Date(Date.parse(at) + BREACH_HOURS * 3_600_000).toISOString(),
      recordedBy: p.userId,
    };
    const next: ReviewItem = { ...item, state: "breach", decision: { by: p.userId, at, ...(d.note ? { note: d.note } : {}), breachId: breach.id } };
    await this.d.repo.replaceReview(p.tenantId, next);
    await this.d.repo.addBreach(p.tenantId, breach);
    const { etag: _e, ...plain } = next;
    return { item: plain, breach, disclosures: 0 };
  }

  /** The decisions on a breach: each decision once (409 after), the follow-up may be rewritten. */
  async decideBreach(p: Principal, id: string, d: BreachUpdate): Promise<Breach> {
    const b = await this.d.repo.breach(p.tenantId, id);
    if (!b) throw notFound("Breach");
    if ((d.notifyAuthority && b.notifyAuthority) || (d.informParents && b.informParents)) throw new AppError(409, "CONFLICT", "This decision on the breach was already recorded");
    const at = new Date().toISOString();
    const next: Breach = {
      ...b,
      ...(d.notifyAuthority ? { notifyAuthority: { ...d.notifyAuthority, at, by: p.userId } } : {}),
      ...(d.informParents ? { informParents: { ...d.informParents, at, by: p.userId } } : {}),
      ...(d.followUp ? { followUp: d.followUp } : {}),
    };
    await this.d.repo.replaceBreach(p.tenantId, next).catch((e: unknown) => {
      if (e instanceof AppError && (e.code === "CONFLICT" || e.status === 412)) throw new AppError(409, "CONFLICT", "The breach changed meanwhile; reload it");
      throw e;
    });
    const { etag: _e, ...plain } = next;
    return plain;
  }

  /**
   * A breach registered by hand (DOMAIN.md section 7): the 72 hours run from when the school became aware
   * (default now; never in the future).
   */
  async openBreach(p: Principal, d: BreachRequest): Promise<Breach> {
    const snap = await this.d.directory.snapshot(p.tenantId);
    const students = d.studentIds.map((id) => {
      const s = snap.studentById.get(id);
      if (!s) throw notFound("Student");
      return { id, name: fullName(s) };
    });
    return this.addBreach(p, { source: "hand", what: d.what, students, recipients: (d.recipients ?? []).map((r) => r.toLowerCase()), categories: d.categories ?? [] }, d.awareAt);
  }

  /**
   * A breach from an override found wrong: the overridden check (a task-pane override, or the recording
   * check let through on one) names the students and the recipients it blocked.
   */
  async overrideBreach(p: Principal, checkId: string, d: OverrideBreachRequest): Promise<Breach> {
    const c = await this.d.checkRepo.get(p.tenantId, checkId);
    if (!c) throw notFound("Check");
    if (!c.override && !c.overrideOf) throw new AppError(422, "UNPROCESSABLE", "This check was not overridden: register the breach by hand or from the review list");
    const blocked = c.result.recipients.filter((r) => r.verdict === "block").map((r) => r.address);
    return this.addBreach(
      p,
      {
        source: "override",
        checkId,
        what: d.what ?? `Doorgezonden ondanks de blokkade (overruled: ${(c.override?.reason ?? c.overrideOf?.reason ?? "").slice(0, 300)})`,
        students: c.result.students.map((s) => ({ id: s.id, name: s.name })),
        recipients: blocked,
        categories: d.categories ?? [],
      },
      d.awareAt,
    );
  }

  private async addBreach(p: Principal, b: Pick<Breach, "source" | "what" | "students" | "recipients" | "categories"> & { checkId?: string }, awareAt?: string): Promise<Breach> {
    const now = new Date().toISOString();
    const aware = new Date(awareAt ?? now).toISOString();
    const breach: Breach = {
      id: `lek_${sha256Hex(`${p.tenantId}|${now}|${randomUUID()}`).slice(0, 20)}`,
      ...b,
      flaggedAt: now,
      awareAt: aware,
      deadline: new Date(Date.parse(aware) + BREACH_HOURS * 3_600_000).toISOString(),
      recordedBy: p.userId,
    };
    await this.d.repo.addBreach(p.tenantId, breach);
    return breach;
  }

  /** The breaches that concern one student (the access export shows them, the recipient redacted). */
  async breachesOf(tenantId: string, studentId: string): Promise<Breach[]> {
    return (await this.breaches(tenantId)).filter((b) => b.students.some((s) => s.id === studentId));
  }

  /** The breach register: with `schools`, only the breaches whose students are all of those schools. */
  async breaches(tenantId: string, schools: SchoolAccess = "all"): Promise<Breach[]> {
    const [all, maySee] = await Promise.all([this.d.repo.breaches(tenantId), this.visible(tenantId, schools)]);
    return all
      .filter((b) => maySee(b.students))
      .map(({ etag: _e, ...b }) => b)
      .sort((a, b) => (a.awareAt < b.awareAt ? 1 : -1));
  }
}
