import assert from "node:assert/strict";
import { recordingCheck, useSentStack, sweep } from "../support/sent-items.js";
import { CUSTOM_PROPERTIES } from "../support/graph-sim.js";
import { grant, importStudent, registerOf, type FreshStudent } from "../support/api-helpers.js";
import type { DisclosureEvent } from "../../server/register/domain.js";
import type { ReviewItem } from "../../server/sentitems/repository.js";
import { customPropertyId } from "../../server/sentitems/meetings.js";

/**
 * Issue #15 item 6: a meeting has no internet headers, so the on-send handler keeps its stamp as the
 * add-in's custom property, and the server confirms the meeting through the organiser's calendar event
 * (calendarView delta, then the event with the property `cecp-<add-in id>` expanded), over real HTTP,
 * Azurite and the local Graph simulation. Unchecked meetings take the same review path as mail.
 */

const GGD = "jgz@ggd-voorbeeldregio.example";
const UNKNOWN = "iemand@onbekend-bureau.example";
const SENDER = "ib@demo";

describe("Meetings confirmed through the organiser's calendar", function () {
  this.timeout(60_000);
  const env = useSentStack({ env: { PUBLIC_URL: "https://zorgvuldig.school.example" } }, SENDER);
  before(() => {
    env.sim.deliverTo = env.stack.baseUrl;
    env.sim.tenantId = env.stack.tenantId;
  });

  const disclosuresOf = async (s: FreshStudent): Promise<DisclosureEvent[]> =>
    (await registerOf(env.stack, s.id)).disclosures.filter((e): e is DisclosureEvent => e.type === "disclosure");
  const review = async (): Promise<ReviewItem[]> => (await env.stack.api<{ items: ReviewItem[] }>("GET", "/api/review")).json.items;
  const mdo = (s: FreshStudent) => ({ subject: `MDO ${s.name}`, body: `Overleg over ${s.name}: de zorgen van de mentor en de volgende stappen.` });

  it("When Outlook's custom properties are named as [MS-OXCEXT] says, then the server asks Graph for the simulation's property id", () => {
    assert.equal(customPropertyId("{D66A3E8C-D929-403A-A498-69F463CD0D8E}"), CUSTOM_PROPERTIES);
    assert.equal(customPropertyId("urn:uuid:d66a3e8c-d929-403a-a498-69f463cd0d8e"), CUSTOM_PROPERTIES);
  });

  it("When a meeting about a student is sent with its check as the custom property, then the calendar event confirms it: one disclosure per attendee with the meeting's iCalUId, once, however often the event changes", async () => {
    const s = await importStudent(env.stack);
    const guardian = s.guardians[0];
    assert.ok(guardian);
    await grant(env.stack, { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", by: { guardianId: guardian.id }, givenAt: "2026-09-01T08:00:00.000Z" });
    // The appointment handler's recording check: required attendees as To.
    const c = await recordingCheck(env.stack, { to: [GGD], ...mdo(s) });
    assert.equal(c.verdict, "allow");
    const event = env.sim.meeting(SENDER, { required: [GGD], ...mdo(s), customProperties: { zvCheck: c.stamp ?? "" } });

    const r = await sweep(env.stack);
    assert.equal(r.meetings, 1);
    assert.equal(r.confirmed, 1);
    const d = await disclosuresOf(s);
    assert.deepEqual(
      d.map((e) => [e.recipient, e.internetMessageId, e.source, e.checkId]),
      [[GGD, event.iCalUId, "confirmed", c.checkId]],
    );
    assert.ok(!(await review()).some((x) => x.internetMessageId === event.iCalUId));

    // The GGD accepts: the organiser's event changes, the delta round shows it again; nothing more is logged.
    env.sim.changeMeeting(SENDER, event);
    const again = await sweep(env.stack);
    assert.equal(again.meetings, 1);
    assert.equal((await disclosuresOf(s)).length, 1);

    // An attendee the rules do not allow, added later without a check (a phone): that change is reviewed.
    env.sim.changeMeeting(SENDER, event, { required: [GGD, UNKNOWN] });
    await sweep(env.stack);
    const item = (await review()).find((x) => x.internetMessageId === event.iCalUId);
    assert.ok(item, "the changed meeting is in the review list");
    assert.equal(item.meeting, true);
    assert.ok(item.reasons.some((q) => q.recipient === UNKNOWN));
    assert.equal((await disclosuresOf(s)).length, 1, "the GGD is not logged twice");
  });

  it("When a meeting naming a student is sent without a check to someone the rules do not allow, then it reaches the review list once, however often the event changes", async () => {
    const s = await importStudent(env.stack);
    const event = env.sim.meeting(SENDER, { required: [UNKNOWN], ...mdo(s) });
    const draft = env.sim.meeting(SENDER, { required: [UNKNOWN], ...mdo(s), subject: `Concept ${s.name}`, isDraft: true });
    const r = await sweep(env.stack);
    assert.equal(r.review, 1, "the draft's invitations did not leave: not judged");
    env.sim.changeMeeting(SENDER, event);
    await sweep(env.stack);
    const items = (await review()).filter((x) => x.students.some((y) => y.id === s.id));
    assert.deepEqual(
      items.map((x) => [x.kind, x.meeting, x.internetMessageId, x.subject, x.state]),
      [["unchecked", true, event.iCalUId, `MDO ${s.name}`, "open"]],
    );
    assert.ok(!items.some((x) => x.internetMessageId === draft.iCalUId));
    assert.equal((await disclosuresOf(s)).length, 0);
  });

  it("When the organiser's calendar is subscribed, then a sent meeting's change notification confirms it without anyone sweeping", async () => {
    const r = await env.stack.api<{ created: number }>("POST", "/api/sent-items/subscriptions");
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(env.sim.live(SENDER, "events").length, 1, "the calendar is subscribed next to Sent Items");
    assert.equal(env.sim.live(SENDER).length, 1);

    const s = await importStudent(env.stack);
    const guardian = s.guardians[0];
    assert.ok(guardian);
    await grant(env.stack, { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", by: { guardianId: guardian.id }, givenAt: "2026-09-01T08:00:00.000Z" });
    const c = await recordingCheck(env.stack, { to: [GGD], ...mdo(s) });
    const event = env.sim.meeting(SENDER, { required: [GGD], ...mdo(s), customProperties: { zvCheck: c.stamp ?? "" } });
    await env.sim.settled();
    await env.stack.running.services.sentItems.idle();
    assert.equal(env.sim.delivered.at(-1)?.status, 200);
    assert.deepEqual(
      (await disclosuresOf(s)).map((e) => e.internetMessageId),
      [event.iCalUId],
    );
  });
});
