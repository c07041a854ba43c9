import assert from "node:assert/strict";
import pino from "pino";
import { recordingCheck, useSentStack } from "../support/sent-items.js";
import { importStudent, registerOf, type FreshStudent } from "../support/api-helpers.js";
import type { DisclosureEvent } from "../../server/register/domain.js";
import type { SentItemsService, Timers } from "../../server/sentitems/service.js";

/**
 * Change notifications on the senders' Sent Items (issue #15, item 3), over real HTTP, Azurite and the
 * local Graph simulation: the validation handshake, clientState, lifecycle notifications, renewal before
 * expiry on a fake clock, and a dropped notification caught up by the delta round.
 */

const INSPECTIE = "inspecteur@onderwijsinspectie.example";
const SENDER = "ib@demo";
const MINUTE = 60_000;

describe("Change notifications on the senders' Sent Items", function () {
  this.timeout(60_000);
  const env = useSentStack({ env: { PUBLIC_URL: "https://zorgvuldig.school.example", SENT_ITEMS_SUBSCRIPTION_MINUTES: "10000", SENT_ITEMS_RENEW_BEFORE_MINUTES: "1440" } }, SENDER);
  let sent: SentItemsService;
  before(() => {
    // Graph posts to PUBLIC_URL; the simulation delivers that to the local server.
    env.sim.deliverTo = env.stack.baseUrl;
    env.sim.tenantId = env.stack.tenantId;
    sent = env.stack.running.services.sentItems;
  });

  const disclosuresOf = async (s: FreshStudent): Promise<DisclosureEvent[]> =>
    (await registerOf(env.stack, s.id)).disclosures.filter((e): e is DisclosureEvent => e.type === "disclosure");
  /** The on-send check, then the mail leaves with its stamp. */
  const sendChecked = async (s: FreshStudent) => {
    const mail = { to: [INSPECTIE], subject: `Verslag ${s.name}`, body: `Over ${s.name}.` };
    const c = await recordingCheck(env.stack, mail);
    return env.sim.send(SENDER, { ...mail, headers: { "x-zorgvuldig-check": c.stamp ?? "" } });
  };
  const settle = async (): Promise<void> => {
    await env.sim.settled();
    await sent.idle();
  };

  it("When Graph validates the notification URL, then the validationToken comes back as text/plain with 200", async () => {
    const token = "Validation: Testing client application reachability for subscription Request-Id: 6e1d <&>";
    const r = await fetch(`${env.stack.baseUrl}/api/graph/notifications?validationToken=${encodeURIComponent(token)}`, { method: "POST", headers: { "content-type": "text/plain" } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^text\/plain/);
    assert.equal(await r.text(), token);
  });

  it("When the senders' Sent Items are subscribed, then the handshake succeeds and a sent mail's notification logs it without anyone sweeping", async () => {
    const r = await env.stack.api<{ created: number; renewed: number; kept: number }>("POST", "/api/sent-items/subscriptions");
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.created, 2, "Sent Items and the calendar (meetings)");
    assert.deepEqual(env.sim.handshakes.at(-1), { status: 200, ok: true });
    assert.equal(env.sim.live(SENDER).length, 1);

    const s = await importStudent(env.stack);
    const rounds = env.sim.deltaRounds + env.sim.initialRounds;
    const msg = await sendChecked(s);
    await settle();
    assert.equal(env.sim.delivered.at(-1)?.status, 200, "the notification was answered");
    assert.ok(env.sim.deltaRounds + env.sim.initialRounds > rounds, "the notification started a delta round");
    const d = await disclosuresOf(s);
    assert.equal(d.length, 1);
    assert.equal(d[0]?.internetMessageId, msg.internetMessageId);

    // Subscribing again keeps the live subscription.
    const again = await env.stack.api<{ created: number; kept: number }>("POST", "/api/sent-items/subscriptions");
    assert.deepEqual([again.json.created, again.json.kept], [0, 2]);
  });

  it("When a notification carries a wrong clientState or an unknown subscription, then it is answered and ignored", async () => {
    const sub = env.sim.live(SENDER)[0];
    assert.ok(sub);
    const rounds = env.sim.deltaRounds + env.sim.initialRounds;
    for (const item of [
      { subscriptionId: sub.id, clientState: "forged-client-state", changeType: "created", tenantId: env.stack.tenantId },
      { subscriptionId: "unknown", clientState: sub.clientState, changeType: "created", tenantId: env.stack.tenantId },
      { subscriptionId: sub.id, clientState: sub.clientState, changeType: "created", tenantId: "another-tenant" },
    ]) {
      const r = await fetch(`${env.stack.baseUrl}/api/graph/notifications`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ value: [item] }) });
      assert.equal(r.status, 200);
    }
    await settle();
    assert.equal(env.sim.deltaRounds + env.sim.initialRounds, rounds, "no delta round for a forged notification");
  });

  it("When a notification is dropped, then the next notification's delta round catches the lost mail up too", async () => {
    const a = await importStudent(env.stack);
    const b = await importStudent(env.stack);
    env.sim.dropNotifications = 1;
    const lost = await sendChecked(a);
    await settle();
    assert.equal(env.sim.dropped, 1);
    assert.equal((await disclosuresOf(a)).length, 0, "nothing told the server yet");
    await sendChecked(b);
    await settle();
    assert.equal((await disclosuresOf(a))[0]?.internetMessageId, lost.internetMessageId);
    assert.equal((await disclosuresOf(b)).length, 1);
  });

  it("When a notification is dropped and no other comes, then the scheduled sweep logs the mail at the next tick: the worst-case lag is the sweep interval (fake clock)", async () => {
    const ticks: (() => Promise<void>)[] = [];
    const fake: Timers = { setInterval: (fn) => ticks.push(fn), clearInterval: () => undefined };
    const stop = sent.schedule(15 * MINUTE, async () => [env.stack.tenantId], pino({ level: "silent" }), fake);
    try {
      const s = await importStudent(env.stack);
      env.sim.dropNotifications = 1;
      const msg = await sendChecked(s);
      await settle();
      assert.equal((await disclosuresOf(s)).length, 0);
      const tick = ticks[0];
      assert.ok(tick, "the schedule registered its interval");
      await tick(); // the clock reaches the interval
      assert.equal((await disclosuresOf(s))[0]?.internetMessageId, msg.internetMessageId);
    } finally {
      stop();
    }
  });

  it("When a subscription nears its expiry, then it is renewed before it expires; one left to expire is created anew (fake clock)", async () => {
    let now = Date.now();
    env.sim.now = () => now;
    try {
      const first = env.sim.live(SENDER)[0];
      assert.ok(first);
      const expiry = first.expiresAt;
      // Outside the renewal window: kept (Sent Items and the calendar, made together).
      assert.deepEqual(await sent.subscribe(env.stack.tenantId, new Date(now)), { created: 0, renewed: 0, kept: 2 });
      // 23 hours before it expires (the window is 24 hours): renewed, and still live after the old expiry.
      now = expiry - 23 * 60 * MINUTE;
      assert.deepEqual(await sent.subscribe(env.stack.tenantId, new Date(now)), { created: 0, renewed: 2, kept: 0 });
      now = expiry + MINUTE;
      assert.equal(env.sim.live(SENDER).length, 1, "renewed in time: still live");
      assert.equal(env.sim.live(SENDER)[0]?.id, first.id);
      // Left to expire (nobody renewed it): Graph answers 404 to a renewal, so a new one is made.
      now = (env.sim.live(SENDER)[0]?.expiresAt ?? 0) + MINUTE;
      assert.equal(env.sim.live(SENDER).length, 0);
      assert.deepEqual(await sent.subscribe(env.stack.tenantId, new Date(now)), { created: 2, renewed: 0, kept: 0 });
      assert.equal(env.sim.live(SENDER).length, 1);
    } finally {
      env.sim.now = () => Date.now();
    }
  });

  it("When Graph sends lifecycle notifications, then reauthorizationRequired renews, subscriptionRemoved creates it anew, missed catches up by a delta round", async () => {
    // Back on the real clock: a fresh subscription for the mailbox.
    await sent.subscribe(env.stack.tenantId);
    const sub = env.sim.live(SENDER).at(-1);
    assert.ok(sub);
    const patches = env.sim.paths.filter((p) => p.startsWith("PATCH /v1.0/subscriptions/")).length;
    env.sim.lifecycle(sub.id, "reauthorizationRequired");
    await settle();
    assert.equal(env.sim.paths.filter((p) => p.startsWith("PATCH /v1.0/subscriptions/")).length, patches + 1);

    const s = await importStudent(env.stack);
    env.sim.dropNotifications = 1;
    const msg = await sendChecked(s);
    await settle();
    env.sim.lifecycle(sub.id, "missed");
    await settle();
    assert.equal((await disclosuresOf(s))[0]?.internetMessageId, msg.internetMessageId);

    env.sim.lifecycle(sub.id, "subscriptionRemoved");
    await settle();
    const live = env.sim.live(SENDER);
    assert.equal(live.length, 1);
    assert.notEqual(live[0]?.id, sub.id, "a new subscription replaced the removed one");
  });
});
