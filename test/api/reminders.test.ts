import assert from "node:assert/strict";
import { useSentStack, sweep } from "../support/sent-items.js";
import { importStudent, type FreshStudent } from "../support/api-helpers.js";
import { FakeClock } from "../support/fake-clock.js";
import { scheduleReminders } from "../../server/main.js";
import { DEMO_SCHOOL_ID, DEMO_SECOND_SCHOOL_ID } from "../../server/demo/data.js";
import { key } from "../../server/shared/storage.js";
import type { OpenRequest, RemindDueResult, RemindersDue } from "../../contract/portal.js";
import type { ConsentRequestRecord } from "../../server/register/requests.js";
import type { SimMessage } from "../support/graph-sim.js";

/**
 * The scheduled follow-up of unanswered consent requests (issue 17 item 2, rule R-REMIND-AUTO), over
 * real HTTP, Azurite and the local Graph simulation, on a fake clock: the job sends a due reminder from
 * the mailbox that sent the request with the app's own token (application Mail.Send, POST
 * /users/{id}/sendMail), once per due slot, and records it on the request; with the school's automatic
 * reminders off it sends nothing and the coordinator sends exactly the due ones in one action.
 */

const DAY = 86400_000;
const SENDER = "ib@demo";

describe("Reminders of unanswered consent requests on a schedule", function () {
  this.timeout(90_000);
  const env = useSentStack({ env: { REMINDER_INTERVAL_SECONDS: "0" } }, SENDER);
  let policy: Record<string, unknown>;

  before(async () => {
    const r = await env.stack.api<Record<string, unknown>>("GET", `/api/policies/${DEMO_SCHOOL_ID}`);
    assert.equal(r.status, 200);
    policy = r.json;
  });
  it("When the demo school is seeded, then automatic reminders are off by default and its unanswered request of eight days ago shows two reminders due", async () => {
    assert.equal(policy.autoReminders, false);
    const due = await env.stack.api<RemindersDue>("GET", "/api/consent-reminders");
    assert.deepEqual(due.json, { due: 2, manual: 2, automaticSchools: [] });
  });
  it("When the policy's reminder settings are out of range or of the wrong type, then it answers 400 naming the field and changes nothing", async () => {
    for (const [field, value] of [["reminderAfterDays", 0], ["reminderAfterDays", 61], ["maxReminders", 6], ["maxReminders", 1.5], ["autoReminders", "ja"]] as const) {
      const r = await env.stack.api<{ error: { code: string; details?: unknown } }>("PUT", `/api/policies/${DEMO_SCHOOL_ID}`, { ...policy, [field]: value });
      assert.equal(r.status, 400, `${field}=${String(value)}`);
      assert.equal(r.json.error.code, "VALIDATION_FAILED");
      assert.ok(JSON.stringify(r.json.error.details).includes(field), JSON.stringify(r.json));
    }
    assert.deepEqual((await env.stack.api("GET", `/api/policies/${DEMO_SCHOOL_ID}`)).json, policy);
  });
  const setPolicy = async (patch: Record<string, unknown>): Promise<void> => {
    const r = await env.stack.api("PUT", `/api/policies/${DEMO_SCHOOL_ID}`, { ...policy, ...patch });
    assert.equal(r.status, 200, JSON.stringify(r.json));
  };

  /** A request for a fresh student with two parents with authority, sent through Graph from the coordinator's mailbox. */
  const sentRequest = async (): Promise<{ s: FreshStudent; req: ConsentRequestRecord; sentAt: number }> => {
    const s = await importStudent(env.stack);
    const c = await env.stack.api<ConsentRequestRecord>("POST", "/api/consent-requests", { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult" });
    assert.equal(c.status, 201, JSON.stringify(c.json));
    const sent = await env.stack.api<ConsentRequestRecord>("POST", `/api/consent-requests/${c.json.requestId}/send`);
    assert.equal(sent.status, 200, JSON.stringify(sent.json));
    return { s, req: sent.json, sentAt: Date.parse(sent.json.sentAt ?? "") };
  };
  /** The reminders that left the sender's mailbox for an address (its Sent Items). */
  const reminders = (to: string): SimMessage[] => (env.sim.mailboxes.get(SENDER) ?? []).filter((m) => m.to.includes(to) && m.subject.startsWith("Herinnering: "));
  const letters = async (requestId: string): Promise<OpenRequest["letters"]> => {
    const r = await env.stack.api<{ requests: OpenRequest[] }>("GET", "/api/consent-requests");
    return r.json.requests.find((x) => x.requestId === requestId)?.letters ?? [];
  };
  const answer = async (link: string | undefined): Promise<void> => {
    assert.ok(link);
    const r = await fetch(`${env.stack.baseUrl}${new URL(link).pathname}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "answer=give" });
    assert.equal(r.status, 200);
  };
  /** The job of one instance, on its own fake clock. */
  const job = () => {
    const clock = new FakeClock();
    const stop = scheduleReminders(env.stack.running.services, 3600_000, env.stack.running.log, clock, () => clock.now);
    return { clock, stop };
  };

  it("[R-REMIND-AUTO] When a sent request stays unanswered for the policy's N days, then the job sends one reminder from the mailbox that sent it (same link, the check stamp) and records it; not before N days, not after M, never to the parent who answered (fake clock)", async () => {
    await setPolicy({ autoReminders: true, reminderAfterDays: 3, maxReminders: 2 });
    const { req, sentAt } = await sentRequest();
    const [first, second] = req.letters;
    assert.ok(first && second);
    await answer(second.link);
    const { clock, stop } = job();
    try {
      await clock.runAt(new Date(sentAt + 3 * DAY - 60_000));
      assert.equal(reminders(first.to).length, 0, "not before N days");

      const sends = env.sim.appSends.length;
      await clock.runAt(new Date(sentAt + 3 * DAY + 60_000));
      const [mail] = reminders(first.to);
      assert.equal(reminders(first.to).length, 1, "one reminder to the parent who did not answer");
      assert.equal(reminders(second.to).length, 0, "none to the parent who answered");
      // App-only sendMail from the mailbox that sent the request (the demo's due request goes too: ib@demo sent it).
      assert.ok(env.sim.appSends.length > sends && env.sim.appSends.slice(sends).every((x) => x.mailbox === SENDER && x.status === 202), JSON.stringify(env.sim.appSends));
      assert.ok(mail?.body.includes(first.link ?? "(no link)"), "the same personal link");
      assert.match(mail?.subject ?? "", new RegExp(`\\[ZV-${req.requestId}\\]`));
      assert.match(mail?.headers["x-zorgvuldig-check"] ?? "", /^srv_[0-9a-f]{24}\.[A-Za-z0-9_-]{22}$/);
      const [l1, l2] = await letters(req.requestId);
      assert.deepEqual([l1?.reminders, l1?.lastReminderAuto, l1?.lastReminderAt], [1, true, new Date(sentAt + 3 * DAY + 60_000).toISOString()]);
      assert.equal(l2?.reminders, 0);

      // The stamp makes it count as checked: the sweep sees the server's own mail, nothing to review.
      const report = await sweep(env.stack);
      assert.ok(report.serverMail >= 1, JSON.stringify(report));
      assert.equal(report.review, 0, JSON.stringify(report));

      // The same slot again (a retry, the next tick): nothing more.
      await clock.runAt(new Date(sentAt + 3 * DAY + 120_000));
      assert.equal(reminders(first.to).length, 1);
      // N days after the reminder the second goes; then the maximum M (2) is reached.
      await clock.runAt(new Date(sentAt + 6 * DAY + 120_000));
      assert.equal(reminders(first.to).length, 2);
      await clock.runAt(new Date(sentAt + 9 * DAY + 180_000));
      await clock.runAt(new Date(sentAt + 12 * DAY + 240_000));
      assert.equal(reminders(first.to).length, 2, "never more than M");
      assert.equal(reminders(second.to).length, 0);
    } finally {
      stop();
    }
  });

  it("When two instances run the job at the same moment, then each due letter gets one reminder", async () => {
    await setPolicy({ autoReminders: true, reminderAfterDays: 3, maxReminders: 2 });
    const { req, sentAt } = await sentRequest();
    const a = job();
    const b = job();
    try {
      const at = new Date(sentAt + 4 * DAY);
      await Promise.all([a.clock.runAt(at), b.clock.runAt(at), a.clock.runAt(at)]);
      for (const l of req.letters) assert.equal(reminders(l.to).length, 1, "one reminder per parent");
      assert.deepEqual((await letters(req.requestId)).map((l) => l.reminders), [1, 1]);
    } finally {
      a.stop();
      b.stop();
    }
  });

  it("When the school's automatic reminders are off, then the job sends none, the count shows them, and 'Alle herinneringen sturen' sends exactly the due ones from the coordinator's own mailbox", async () => {
    await setPolicy({ autoReminders: false, reminderAfterDays: 3, maxReminders: 2 });
    const { req } = await sentRequest();
    const fresh = await sentRequest(); // sent today: not due
    // The request went four days ago.
    const pk = key(env.stack.tenantId, "request");
    const e = await env.stack.running.storage.getOrUndefined("Meta", pk, key(req.requestId));
    assert.ok(e);
    const rec = JSON.parse(String(e.data)) as ConsentRequestRecord;
    await env.stack.running.storage.run("Meta", (t) =>
      t.updateEntity({ partitionKey: pk, rowKey: key(req.requestId), data: JSON.stringify({ ...rec, sentAt: new Date(Date.now() - 4 * DAY).toISOString() }) }, "Replace"),
    );
    const { clock, stop } = job();
    try {
      const sends = env.sim.appSends.length;
      await clock.runAt(new Date());
      assert.equal(env.sim.appSends.length, sends, "the job sends nothing");
      for (const l of req.letters) assert.equal(reminders(l.to).length, 0);
    } finally {
      stop();
    }
    const count = await env.stack.api<RemindersDue>("GET", "/api/consent-reminders");
    assert.equal(count.status, 200, JSON.stringify(count.json));
    assert.ok(count.json.manual >= 2, JSON.stringify(count.json));
    assert.equal(count.json.manual, count.json.due);
    assert.deepEqual(count.json.automaticSchools, []);

    // A coordinator of the other school sees none of these and sends none of them.
    const other = await env.stack.token("ib-vlieger@demo", ["coordinator"], env.stack.tenantId, [DEMO_SECOND_SCHOOL_ID]);
    assert.deepEqual((await env.stack.api<RemindersDue>("GET", "/api/consent-reminders", undefined, { token: other })).json, { due: 0, manual: 0, automaticSchools: [] });
    assert.deepEqual((await env.stack.api<RemindDueResult>("POST", "/api/consent-reminders", undefined, { token: other })).json, { reminded: 0, failed: 0 });
    for (const l of req.letters) assert.equal(reminders(l.to).length, 0);

    const drafts = env.sim.paths.filter((p) => p === "POST /v1.0/me/messages").length;
    const sent = await env.stack.api<RemindDueResult>("POST", "/api/consent-reminders");
    assert.equal(sent.status, 200, JSON.stringify(sent.json));
    assert.deepEqual(sent.json, { reminded: count.json.manual, failed: 0 });
    assert.equal(env.sim.paths.filter((p) => p === "POST /v1.0/me/messages").length - drafts, count.json.manual, "delegated: drafts in the coordinator's own mailbox");
    for (const l of req.letters) assert.equal(reminders(l.to).length, 1);
    for (const l of fresh.req.letters) assert.equal(reminders(l.to).length, 0, "not due: not sent");
    assert.deepEqual((await letters(req.requestId)).map((l) => [l.reminders, l.lastReminderAuto ?? false]), [[1, false], [1, false]]);
    assert.equal((await env.stack.api<RemindersDue>("GET", "/api/consent-reminders")).json.manual, 0);
    assert.deepEqual((await env.stack.api<RemindDueResult>("POST", "/api/consent-reminders")).json, { reminded: 0, failed: 0 }, "a second click sends nothing");
  });

  it("When the student has left the school, then the job sends the parents no reminder", async () => {
    await setPolicy({ autoReminders: true, reminderAfterDays: 3, maxReminders: 2 });
    const { s, req, sentAt } = await sentRequest();
    const body = { students: [{ id: s.id, schoolId: s.schoolId, givenName: "Kim", familyName: s.name.slice(4), aliases: [], studentNumber: `Q${s.name.slice(9)}`.slice(0, 20), birthDate: "2015-05-05", className: "groep 6", leftDate: new Date(sentAt + DAY).toISOString().slice(0, 10), guardians: s.guardians.map((g, i) => ({ id: g.id, name: `Ouder${i + 1} ${s.name.slice(4)}`, emails: [g.email], relation: i === 0 ? "mother" : "father", hasAuthority: true })) }] };
    const left = await env.stack.api("POST", "/api/import", body);
    assert.equal(left.status, 200, JSON.stringify(left.json));
    const { clock, stop } = job();
    try {
      await clock.runAt(new Date(sentAt + 4 * DAY));
      for (const l of req.letters) assert.equal(reminders(l.to).length, 0);
      assert.deepEqual((await letters(req.requestId)).map((l) => l.reminders), [0, 0]);
    } finally {
      stop();
    }
  });

  it("When the mailbox that sent the request is outside the app's RBAC scope, then the job logs a clear failure without personal data, records no reminder, and does not crash", async () => {
    await setPolicy({ autoReminders: true, reminderAfterDays: 3, maxReminders: 2 });
    const { s, req, sentAt } = await sentRequest();
    env.sim.appScope = new Set(["zorg@demo"]);
    const { clock, stop } = job();
    const logsBefore = env.stack.logs.length;
    try {
      await clock.runAt(new Date(sentAt + 4 * DAY));
      assert.ok(env.sim.appSends.some((x) => x.mailbox === SENDER && x.status === 403), "Graph refused the mailbox");
      for (const l of req.letters) assert.equal(reminders(l.to).length, 0);
      assert.deepEqual((await letters(req.requestId)).map((l) => l.reminders), [0, 0], "nothing recorded: the next run tries again");
      const lines = env.stack.logs.slice(logsBefore);
      const failure = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === "scheduled reminder not sent");
      assert.ok(failure, lines.join("\n"));
      assert.deepEqual([failure.code, failure.status, failure.level], ["GRAPH_ERROR", 403, 40]);
      const text = lines.join("\n");
      for (const personal of [...req.letters.map((l) => l.to), s.name, SENDER, req.subject]) assert.ok(!text.includes(personal), "no personal data in the log");
      // Back in scope: the next run sends it.
      env.sim.appScope = undefined;
      await clock.runAt(new Date(sentAt + 4 * DAY + 60_000));
      for (const l of req.letters) assert.equal(reminders(l.to).length, 1);
    } finally {
      env.sim.appScope = undefined;
      stop();
    }
  });
});
