import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { recordingCheck, useSentStack, sweep as sweepNow, type Mail } from "../support/sent-items.js";
import {
  assertError,
  check,
  grant,
  importStudent,
  registerOf,
  snapshotTables,
  type CheckResponse,
  type ErrorBody,
  type FreshStudent,
  uniq,
} from "../support/api-helpers.js";
import type { DisclosureEvent } from "../../server/register/domain.js";
import { CheckRepository } from "../../server/sendcheck/repository.js";
import { DEFAULT_OVERRIDE_REASONS } from "../../contract/sendcheck.js";
import { DEMO_SCHOOL_ID, DEMO_SECOND_SCHOOL_ID } from "../../server/demo/data.js";
import { DEMO_TENANT } from "../../server/demo/seed.js";
import type { Breach, ReviewItem } from "../../server/sentitems/repository.js";
import type { SweepReport } from "../../server/sentitems/service.js";

/**
 * Issue #15 over real HTTP, real Azurite and a local Graph simulation (test/support/graph-sim.ts): a check
 * is a query; the on-send handler's recording check leaves a pending record; the disclosure log is
 * written when the mail shows up in Sent Items, as it was sent.
 */

const GGD = "jgz@ggd-voorbeeldregio.example";
const INSPECTIE = "inspecteur@onderwijsinspectie.example";
const UNKNOWN = "iemand@onbekend-bureau.example";
const GIVEN = "2026-09-01T08:00:00.000Z";
const SENDER = "ib@demo";

describe("The disclosure log records what was sent (Sent Items confirms the checks)", function () {
  this.timeout(60_000);
  const env = useSentStack({}, SENDER);

  const about = (...s: FreshStudent[]) => ({ subject: `Verslag ${s.map((x) => x.name).join(" en ")}`, body: `Beste collega,\n\nHierbij het verslag over ${s.map((x) => x.name).join(" en ")}.\n\nMet vriendelijke groet` });
  const consentGgd = async (s: FreshStudent, validUntil?: string) => {
    const guardian = s.guardians[0];
    assert.ok(guardian);
    await grant(env.stack, { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", by: { guardianId: guardian.id }, givenAt: GIVEN, ...(validUntil ? { validUntil } : {}) });
  };
  const onSend = (mail: Mail, key?: string): Promise<CheckResponse> => recordingCheck(env.stack, mail, key ? { key } : {});
  const stamped = (c: CheckResponse): Record<string, string> => ({ "x-zorgvuldig-check": c.stamp ?? "" });
  const sweep = (): Promise<SweepReport> => sweepNow(env.stack);
  const disclosuresOf = async (s: FreshStudent): Promise<DisclosureEvent[]> =>
    (await registerOf(env.stack, s.id)).disclosures.filter((e): e is DisclosureEvent => e.type === "disclosure");
  const review = async (): Promise<ReviewItem[]> => {
    const r = await env.stack.api<{ items: ReviewItem[] }>("GET", "/api/review");
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json.items;
  };

  it("When a draft is checked three times in the task pane (allowed, warned and blocked), then no table changes at all", async () => {
    const s = await importStudent(env.stack);
    const before = await snapshotTables(env.stack);
    for (const to of [[INSPECTIE], ["lpa@leerplicht.voorbeeldstad.example"], [GGD]]) await check(env.stack, { to, ...about(s) });
    assert.deepEqual(await snapshotTables(env.stack), before, "a check is a query");
    assert.equal((await registerOf(env.stack, s.id)).events.length, 0);
  });

  it("When the on-send check is followed by its Sent Items message (header as the extended property), then each student and recipient gets exactly one disclosure with the Internet Message-ID and the real send time", async () => {
    const a = await importStudent(env.stack);
    const b = await importStudent(env.stack);
    await consentGgd(a);
    await consentGgd(b);
    const mail = { to: [INSPECTIE, GGD], ...about(a, b) };
    const c = await onSend(mail);
    // The Inspectie's agreed channel is its own secure channel (issue 13): a warning the sender may pass.
    assert.deepEqual(c.recipients.map((r) => [r.address, r.verdict]).sort(), [[GGD, "allow"], [INSPECTIE, "warn"]].sort());
    assert.ok(c.recipients.find((r) => r.address === INSPECTIE)?.reasons.some((x) => x.code === "AGREED_CHANNEL"));
    assert.match(c.stamp ?? "", new RegExp(`^${c.checkId}\\.[A-Za-z0-9_-]{22}$`));
    assert.equal((await disclosuresOf(a)).length, 0, "nothing is logged before the mail is sent");
    const sentAt = new Date(Date.now() + 60_000).toISOString();
    const msg = env.sim.send(SENDER, { ...mail, headers: stamped(c), sentAt });
    const report = await sweep();
    const initial = env.sim.initialRounds;
    assert.ok(report.confirmed >= 1, JSON.stringify(report));
    for (const s of [a, b]) {
      const ds = await disclosuresOf(s);
      assert.deepEqual(ds.map((d) => d.recipient).sort(), [GGD, INSPECTIE].sort());
      for (const d of ds) {
        assert.equal(d.internetMessageId, msg.internetMessageId);
        assert.equal(d.at, sentAt);
        assert.equal(d.checkId, c.checkId);
        assert.equal(d.source, "confirmed");
      }
      assert.equal((await registerOf(env.stack, s.id)).chain.verified, true);
    }
    // A second sweep goes on from its delta token (no full reread) and logs nothing twice.
    await sweep();
    assert.equal(env.sim.initialRounds, initial, "the mailbox was not read again from the start");
    assert.equal((await disclosuresOf(a)).length, 2);
    // The property was there: the MIME was not needed for this message.
    assert.ok(!env.sim.paths.some((p) => p.includes(msg.id) && p.endsWith("$value")));
  });

  it("When Graph does not return the extended property, then the header is read from the MIME header block only (the stream is stopped) and the send is confirmed", async () => {
    const s = await importStudent(env.stack);
    const mail = { to: [INSPECTIE], ...about(s) };
    const c = await onSend(mail);
    const aborted = env.sim.mimeAborted;
    const msg = env.sim.send(SENDER, { ...mail, headers: stamped(c), exposeProperty: false });
    await sweep();
    const ds = await disclosuresOf(s);
    assert.equal(ds.length, 1);
    assert.equal(ds[0]?.internetMessageId, msg.internetMessageId);
    assert.ok(env.sim.paths.some((p) => p === `GET /v1.0/users/${SENDER}/messages/${msg.id}/$value`));
    assert.ok(env.sim.mimeAborted > aborted, "the MIME stream was stopped after the headers");
  });

  it("When Outlook appends the quoted thread to a reply after the check, then the sent mail still matches its check", async () => {
    const s = await importStudent(env.stack);
    await consentGgd(s);
    const mail = { to: [GGD], subject: `RE: Verslag ${s.name}`, body: `Dank voor uw vraag over ${s.name}. Het verslag volgt.` };
    const c = await onSend(mail);
    const quoted = `${mail.body}\r\n\r\n________________________________\r\nVan: GGD <${GGD}>\r\nVerzonden: maandag 2 november 2026 10:00\r\nOnderwerp: Verslag ${s.name}\r\n\r\nKunt u het verslag van ${s.name} sturen?`;
    env.sim.send(SENDER, { ...mail, body: quoted, headers: stamped(c) });
    await sweep();
    const ds = await disclosuresOf(s);
    assert.equal(ds.length, 1);
    assert.equal(ds[0]?.checkId, c.checkId, "confirmed by its own check, not judged as a changed mail");
    assert.ok(!(await review()).some((r) => r.students.some((x) => x.id === s.id)));
  });

  it("When three sweeps confirm twelve mails about one student at once, then the chain holds each disclosure exactly once and verifies", async () => {
    const s = await importStudent(env.stack);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const mail = { to: [INSPECTIE], subject: `Verslag ${s.name} deel ${i}`, body: `Deel ${i} over ${s.name}.` };
      const c = await onSend(mail);
      ids.push(env.sim.send(SENDER, { ...mail, headers: stamped(c) }).internetMessageId);
    }
    await Promise.all([sweep(), sweep(), sweep()]);
    const reg = await registerOf(env.stack, s.id);
    const ds = reg.disclosures.filter((e): e is DisclosureEvent => e.type === "disclosure");
    assert.deepEqual(ds.map((d) => d.internetMessageId).sort(), [...ids].sort());
    assert.equal(reg.chain.verified, true);
  });

  it("When one sweep confirms several mails about one student, more than one transaction holds, and one stamp is on two mails, then each mail gives exactly one disclosure per recipient in the order sent, each record counts its own, and the chain verifies", async () => {
    const s = await importStudent(env.stack);
    // 40 recipients a mail: the first two mails fit one transaction (80 events), the third starts the next.
    const to = Array.from({ length: 40 }, (_, i) => `inspecteur${i}@onderwijsinspectie.example`);
    const sent: { id: string; checkId: string; stamp: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const mail = { to: i === 3 ? [INSPECTIE] : to, subject: `Verslag ${s.name} deel ${i}`, body: `Deel ${i} over ${s.name}.` };
      const c = await onSend(mail);
      sent.push({ id: env.sim.send(SENDER, { ...mail, headers: stamped(c), sentAt: new Date(Date.now() + i * 1000).toISOString() }).internetMessageId, checkId: c.checkId, stamp: c.stamp ?? "" });
    }
    // The fourth mail's stamp also on a later copy: as when seen in a later round, the record is no longer pending.
    const fourth = sent[3];
    assert.ok(fourth);
    const copy = env.sim.send(SENDER, { to: [INSPECTIE], subject: "Kopie", body: `Deel 3 over ${s.name}.`, headers: { "x-zorgvuldig-check": fourth.stamp } });
    const r = await sweep();
    assert.equal(r.confirmed, 4);
    assert.equal(r.disclosures, 121);
    const reg = await registerOf(env.stack, s.id);
    const ds = reg.disclosures.filter((e): e is DisclosureEvent => e.type === "disclosure");
    assert.deepEqual(
      ds.map((d) => d.internetMessageId),
      sent.flatMap((m, i) => Array.from({ length: i === 3 ? 1 : 40 }, () => m.id)),
      "one disclosure per recipient, the mails in the order sent",
    );
    assert.ok(!ds.some((d) => d.internetMessageId === copy.internetMessageId), "the copy of a confirmed stamp is not logged again");
    assert.equal(reg.chain.verified, true);
    const repo = new CheckRepository(env.stack.running.storage);
    for (const [i, m] of sent.entries()) {
      const c = await repo.get(env.stack.tenantId, m.checkId);
      assert.ok(c);
      assert.equal(c.state, "confirmed");
      assert.deepEqual([c.confirmed?.internetMessageId, c.confirmed?.disclosures], [m.id, i === 3 ? 1 : 40]);
    }
    // A second sweep finds nothing new to log.
    assert.equal((await sweep()).disclosures, 0);
  });

  it("When a pending check is never sent, then after the sweep it is in neither the register nor the export", async () => {
    const s = await importStudent(env.stack);
    const c = await onSend({ to: [INSPECTIE], ...about(s) });
    assert.ok(c.pendingUntil && Date.parse(c.pendingUntil) - Date.now() > 6.9 * 86_400_000, "waits 7 days by default");
    await sweep();
    assert.equal((await registerOf(env.stack, s.id)).events.length, 0);
    const exp = await env.stack.api<Record<string, unknown>>("GET", `/api/students/${s.id}/export`);
    assert.equal(exp.status, 200, JSON.stringify(exp.json).slice(0, 300));
    assert.ok(!JSON.stringify(exp.json).includes(c.checkId));
    assert.ok(!JSON.stringify(exp.json).includes(INSPECTIE));
  });

  it("When a mail is sent after its pending record expired and the consent ended in between, then it is judged at the real send time and goes to review", async () => {
    const s = await importStudent(env.stack);
    const until = new Date(Date.now() + 3 * 86_400_000).toISOString();
    await consentGgd(s, until);
    const mail = { to: [GGD], ...about(s) };
    const c = await onSend(mail);
    assert.equal(c.verdict, "allow");
    const msg = env.sim.send(SENDER, { ...mail, headers: stamped(c), sentAt: new Date(Date.now() + 8 * 86_400_000).toISOString() });
    await sweep();
    assert.equal((await disclosuresOf(s)).length, 0);
    const item = (await review()).find((r) => r.internetMessageId === msg.internetMessageId);
    assert.ok(item, "in the review list");
    assert.equal(item.kind, "changed");
    assert.ok(item.reasons.some((r) => r.code === "CONSENT_EXPIRED"), JSON.stringify(item.reasons));
  });

  it("[R-RETAIN-CHECKS] When a check record expired more than 30 days ago, then the retention run removes it, and a mail sent with its stamp is judged at its send time", async () => {
    const s = await importStudent(env.stack);
    const mail = { to: [INSPECTIE], ...about(s) };
    const old = await onSend(mail);
    const recent = await onSend({ ...mail, subject: `${mail.subject} (2)` });
    const repo = new CheckRepository(env.stack.running.storage);
    const day = 86_400_000;
    for (const [c, daysAgo] of [[old, 40], [recent, 1]] as const) {
      const rec = await repo.get(env.stack.tenantId, c.checkId);
      assert.ok(rec);
      await repo.replace(env.stack.tenantId, { ...rec, expiresAt: new Date(Date.now() - daysAgo * day).toISOString() });
    }
    const report = await env.stack.running.services.retention.purge(env.stack.tenantId, { dryRun: false, trigger: "schedule" });
    assert.ok((report.copies?.checks ?? 0) >= 1, JSON.stringify(report));
    assert.equal(await repo.get(env.stack.tenantId, old.checkId), undefined);
    assert.ok(await repo.get(env.stack.tenantId, recent.checkId));
    const msg = env.sim.send(SENDER, { ...mail, headers: stamped(old) });
    await sweep();
    const ds = await disclosuresOf(s);
    assert.equal(ds.length, 1, "allowed at the send time: logged");
    assert.equal(ds[0]?.internetMessageId, msg.internetMessageId);
  });

  it("[R-ATTACH-PICK] When the pane named the student of an attachment the check could not place, then Sent Items logs the sent mail about that student, confirmed by its check", async () => {
    const s = await importStudent(env.stack);
    await consentGgd(s);
    const mail = { to: [GGD], subject: "Zie bijlage", body: "Bijgaand het verslag." };
    const r = await env.stack.api<CheckResponse>("POST", "/api/check", { ...mail, attachments: [{ name: "scan001.pdf" }], studentIds: [s.id], mode: "send" }, { headers: { "idempotency-key": randomUUID() } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.verdict, "allow");
    env.sim.send(SENDER, { ...mail, attachments: [{ name: "scan001.pdf", content: Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x13]) }], headers: stamped(r.json) });
    await sweep();
    const ds = await disclosuresOf(s);
    assert.deepEqual(ds.map((d) => [d.recipient, d.basis, d.checkId]), [[GGD, "consent", r.json.checkId]]);
    assert.ok(!(await review()).some((x) => x.students.some((y) => y.id === s.id)));
  });

  it("[R-NAMES-SENDER-SCHOOL] When a coordinator of one school writes initials that also fit a student of another school of the board, then the check and Sent Items both mean the student of the sender's school", async () => {
    const tag = uniq();
    const family = `Homoniem${tag}`;
    const student = (id: string, schoolId: string, givenName: string, n: number) => ({
      id, schoolId, givenName, familyName: family, aliases: [], studentNumber: `H${tag}${n}`.slice(0, 20), birthDate: "2015-05-05", className: "groep 6",
      guardians: [{ id: `${id}-o1`, name: `Ouder ${family}`, emails: [`ouder.${id}@ouders.example`], relation: "mother", hasAuthority: true }],
    });
    const here = student(`t-${tag}-a`, DEMO_SCHOOL_ID, "Lieve", 1);
    const there = student(`t-${tag}-b`, DEMO_SECOND_SCHOOL_ID, "Lars", 2);
    const imported = await env.stack.api("POST", "/api/import", { students: [here, there] });
    assert.equal(imported.status, 200, JSON.stringify(imported.json));
    const mail = { to: [INSPECTIE], subject: `Verslag L. ${family}`, body: `Hierbij het verslag over L. ${family}.` };
    // Board-wide the initials fit both: a homonym, nobody found.
    const boardWide = await check(env.stack, mail);
    assert.deepEqual(boardWide.students, []);
    const token = await env.stack.token(SENDER, ["coordinator"], DEMO_TENANT, [DEMO_SCHOOL_ID]);
    // Warned (the inspectorate's own channel) and sent anyway: the override is bound to the same reading.
    const q = await check(env.stack, mail, { token });
    assert.deepEqual(q.students.map((x) => x.id), [here.id]);
    const o = await env.stack.api("POST", `/api/checks/${q.checkId}/override`, { reason: "Afgesproken met de inspecteur", mail: { ...mail, cc: [], bcc: [], attachments: [] } }, { token });
    assert.equal(o.status, 201, JSON.stringify(o.json));
    const c = await recordingCheck(env.stack, { ...mail, overrideOf: q.checkId }, { token });
    assert.deepEqual(c.students.map((x) => x.id), [here.id]);
    assert.equal(c.override?.checkId, q.checkId, "the override's digest matches the on-send check's");
    env.sim.send(SENDER, { ...mail, headers: stamped(c) });
    await sweep();
    assert.deepEqual((await registerOf(env.stack, here.id)).disclosures.map((d) => d.type === "disclosure" && d.checkId), [c.checkId]);
    assert.equal((await registerOf(env.stack, there.id)).disclosures.length, 0);
  });

  it("When a recipient is removed before sending, then only the recipients as sent are disclosed", async () => {
    const s = await importStudent(env.stack);
    await consentGgd(s);
    const c = await onSend({ to: [INSPECTIE, GGD], ...about(s) });
    env.sim.send(SENDER, { to: [INSPECTIE], ...about(s), headers: stamped(c) });
    await sweep();
    assert.deepEqual((await disclosuresOf(s)).map((d) => d.recipient), [INSPECTIE]);
  });

  it("When a recipient is added or the content changes after the check, then the mail is judged again at the real send time: logged if allowed, else reviewed", async () => {
    const a = await importStudent(env.stack);
    const b = await importStudent(env.stack);
    await consentGgd(a);
    // An added recipient the rules allow: logged.
    const c1 = await onSend({ to: [GGD], ...about(a) });
    env.sim.send(SENDER, { to: [GGD, INSPECTIE], ...about(a), headers: stamped(c1) });
    // An added unknown recipient: reviewed.
    const c2 = await onSend({ to: [INSPECTIE], ...about(a) });
    const m2 = env.sim.send(SENDER, { to: [INSPECTIE, UNKNOWN], ...about(a), headers: stamped(c2) });
    // Content changed: a second student, without consent for the GGD.
    const c3 = await onSend({ to: [GGD], ...about(a) });
    const m3 = env.sim.send(SENDER, { to: [GGD], ...about(a, b), headers: stamped(c3) });
    await sweep();
    const ds = await disclosuresOf(a);
    assert.deepEqual(ds.map((d) => d.recipient).sort(), [GGD, INSPECTIE].sort(), "only the first mail was logged");
    assert.equal((await disclosuresOf(b)).length, 0);
    const items = await review();
    const r2 = items.find((r) => r.internetMessageId === m2.internetMessageId);
    const r3 = items.find((r) => r.internetMessageId === m3.internetMessageId);
    assert.equal(r2?.kind, "changed");
    assert.ok(r2?.reasons.some((r) => r.recipient === UNKNOWN && r.code === "UNKNOWN_RECIPIENT"));
    assert.equal(r3?.kind, "changed");
    assert.ok(r3?.students.some((x) => x.id === b.id));
    assert.ok(!JSON.stringify(items).includes("Hierbij het verslag"), "never a body");
  });

  it("When a mail may not simply go, then the check offers the school's list of reasons to send anyway (default list in the user's language); a reason picked from it is recorded as the override bound to the digest", async () => {
    const s = await importStudent(env.stack);
    const mail = { to: [GGD], ...about(s) };
    const dflt = await check(env.stack, mail);
    assert.equal(dflt.verdict, "block");
    assert.deepEqual(dflt.policy.overrideReasons, [...DEFAULT_OVERRIDE_REASONS.nl]);
    const en = await env.stack.api<CheckResponse>("POST", "/api/check", mail, { headers: { "accept-language": "en" } });
    assert.deepEqual(en.json.policy.overrideReasons, [...DEFAULT_OVERRIDE_REASONS.en]);
    // The school's own list (policy overrideReasons); a reason under 10 characters is refused and changes nothing.
    const policy = await env.stack.api<Record<string, unknown>>("GET", `/api/policies/${DEMO_SCHOOL_ID}`);
    const own = ["Overleg met de jeugdarts is vandaag, ouders zijn ingelicht.", "Gemeld bij de aandachtsfunctionaris."];
    assertError(await env.stack.api<ErrorBody>("PUT", `/api/policies/${DEMO_SCHOOL_ID}`, { ...policy.json, overrideReasons: ["kort"] }), 400, "VALIDATION_FAILED");
    const put = await env.stack.api("PUT", `/api/policies/${DEMO_SCHOOL_ID}`, { ...policy.json, overrideReasons: own });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    try {
      const q = await check(env.stack, mail);
      assert.deepEqual(q.policy.overrideReasons, own);
      const o = await env.stack.api<{ digest: string }>("POST", `/api/checks/${q.checkId}/override`, { reason: own[1], mail: { ...mail, cc: [], bcc: [], attachments: [] } });
      assert.equal(o.status, 201, JSON.stringify(o.json));
      const same = await onSend({ ...mail, overrideOf: q.checkId });
      assert.equal(same.verdict, "allow");
      assert.deepEqual(same.override, { checkId: q.checkId, reason: own[1] });
    } finally {
      await env.stack.api("PUT", `/api/policies/${DEMO_SCHOOL_ID}`, policy.json);
    }
  });

  it("When a mail is edited after an override, then it is checked again; unedited, it goes with the override and is logged on that basis when sent", async () => {
    const s = await importStudent(env.stack);
    const mail = { to: [GGD], ...about(s) };
    const q = await check(env.stack, mail);
    assert.equal(q.verdict, "block");
    const o = await env.stack.api<{ digest: string }>("POST", `/api/checks/${q.checkId}/override`, { reason: "Ouders hebben telefonisch ingestemd", mail: { ...mail, cc: [], bcc: [], attachments: [] } });
    assert.equal(o.status, 201, JSON.stringify(o.json));
    const edited = await onSend({ ...mail, body: `${mail.body} PS: ook het groeidocument.`, overrideOf: q.checkId });
    assert.equal(edited.verdict, "block", "an edited mail is checked again");
    assert.equal(edited.override, undefined);
    const same = await onSend({ ...mail, overrideOf: q.checkId });
    assert.equal(same.verdict, "allow");
    assert.equal(same.override?.checkId, q.checkId);
    assert.equal(same.digest, o.json.digest);
    const msg = env.sim.send(SENDER, { ...mail, headers: stamped(same) });
    await sweep();
    const reg = await registerOf(env.stack, s.id);
    const ds = reg.disclosures.filter((e): e is DisclosureEvent => e.type === "disclosure");
    assert.equal(ds.length, 1);
    assert.equal(ds[0]?.basis, "override");
    assert.equal(ds[0]?.internetMessageId, msg.internetMessageId);
    assert.equal(reg.events.filter((e) => e.type === "override").length, 1);
    // Someone else may not read or override this user's check.
    const other = await env.stack.token("mentor@demo", ["staff"]);
    assertError(await env.stack.api<ErrorBody>("GET", `/api/checks/${same.checkId}`, undefined, { token: other }), 404, "NOT_FOUND");
    assertError(await env.stack.api<ErrorBody>("POST", `/api/checks/${edited.checkId}/override`, { reason: "Ik overschrijf andermans controle" }, { token: other }), 404, "NOT_FOUND");
  });

  it("When a recording check carries a backdated sentAt, then it is refused with 400 and nothing is written", async () => {
    const s = await importStudent(env.stack);
    const before = await snapshotTables(env.stack);
    const r = await env.stack.api<ErrorBody>("POST", "/api/check", { to: [GGD], ...about(s), mode: "send", sentAt: "2026-01-02T10:00:00Z" }, { headers: { "idempotency-key": randomUUID() } });
    assertError(r, 400, "VALIDATION_FAILED");
    assert.match(r.json.error.message, /sentAt/);
    const noKey = await env.stack.api<ErrorBody>("POST", "/api/check", { to: [GGD], ...about(s), mode: "send" });
    assertError(noKey, 400, "VALIDATION_FAILED");
    assert.deepEqual(await snapshotTables(env.stack), before);
  });

  it("When a recording check is retried with its Idempotency-Key, then the one pending record answers and no idempotency row is kept", async () => {
    const s = await importStudent(env.stack);
    const key = randomUUID();
    const first = await onSend({ to: [INSPECTIE], ...about(s) }, key);
    const again = await onSend({ to: [INSPECTIE], ...about(s) }, key);
    assert.deepEqual(again, first);
    const other = await env.stack.api<ErrorBody>("POST", "/api/check", { to: [GGD], ...about(s), mode: "send" }, { headers: { "idempotency-key": key } });
    assertError(other, 422, "UNPROCESSABLE");
    const snap = await snapshotTables(env.stack);
    assert.equal(snap.Idempotency?.length ?? 0, 0, "no idempotency rows for /api/check");
  });

  it("When a mail naming a student leaves without a header and the rules would not allow it, then it is in the review list, a breach decision starts the 72 hours from that moment, and the decisions on notifying the AP and informing the parents are recorded once", async () => {
    const s = await importStudent(env.stack);
    const msg = env.sim.send(SENDER, { to: [GGD], ...about(s) });
    // Allowed at the send time, without a check: logged, not reviewed (a parent's own child from a phone).
    const own = env.sim.send(SENDER, { to: [s.guardians[0]?.email ?? ""], ...about(s) });
    await sweep();
    const items = await review();
    const item = items.find((r) => r.internetMessageId === msg.internetMessageId);
    assert.ok(item);
    assert.equal(item.kind, "unchecked");
    assert.deepEqual(item.to, [GGD]);
    assert.equal(item.subject, `Verslag ${s.name}`);
    assert.ok(item.reasons.some((r) => r.code === "NO_CONSENT" && r.en.length > 0 && r.nl.length > 0));
    assert.ok(!items.some((r) => r.internetMessageId === own.internetMessageId));
    const asEn = await env.stack.api("GET", "/api/review", undefined, { token: await env.stack.token("mentor@demo", ["staff"]) });
    assertError(asEn, 403, "FORBIDDEN");
    const before = Date.now();
    const d = await env.stack.api<{ breach: Breach }>("POST", `/api/review/${item.id}/decision`, { decision: "breach", note: "Verslag naar de GGD zonder toestemming", categories: ["verslag"] });
    assert.equal(d.status, 200, JSON.stringify(d.json));
    const b = d.json.breach;
    assert.ok(Date.parse(b.awareAt) >= before - 1000);
    assert.equal(Date.parse(b.deadline) - Date.parse(b.awareAt), 72 * 3_600_000);
    assert.equal(b.flaggedAt, item.flaggedAt, "when the software flagged it is kept as well");
    assert.deepEqual(b.recipients, [GGD]);
    const list = await env.stack.api<{ breaches: Breach[] }>("GET", "/api/breaches");
    assert.ok(list.json.breaches.some((x) => x.id === b.id));
    assertError(await env.stack.api("POST", `/api/review/${item.id}/decision`, { decision: "breach" }), 409, "CONFLICT");
    // The student's access export shows the breach, with the wrong recipient redacted.
    const exp = await env.stack.api<{ dataBreaches: { what: string; recipient: string; awareAt: string }[] }>("GET", `/api/students/${s.id}/export`);
    assert.equal(exp.status, 200);
    assert.equal(exp.json.dataBreaches.length, 1);
    assert.equal(exp.json.dataBreaches[0]?.awareAt, b.awareAt);
    assert.ok(!JSON.stringify(exp.json).includes(GGD), "the wrong recipient is redacted");
    assert.ok(!(await review()).some((r) => r.id === item.id && r.state === "open"));
    // The decisions on the breach: notifying the AP and informing the parents, each with its reason, once.
    const path = `/api/breaches/${b.id}/decisions`;
    assertError(await env.stack.api("POST", "/api/breaches/lek_unknown/decisions", { followUp: "Nagaan" }), 404, "NOT_FOUND");
    assertError(await env.stack.api("POST", path, {}), 400, "VALIDATION_FAILED");
    const decided = await env.stack.api<Breach>("POST", path, {
      notifyAuthority: { decision: "not-notify", reason: "Ontvanger (GGD) heeft de mail aantoonbaar verwijderd; geen risico" },
      informParents: { decision: "inform", reason: "Ouders hebben recht het te weten" },
      followUp: "Collega's gewezen op de toestemmingscheck",
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.json));
    assert.equal(decided.json.notifyAuthority?.decision, "not-notify");
    assert.equal(decided.json.informParents?.by, "ib@demo");
    assertError(await env.stack.api("POST", path, { notifyAuthority: { decision: "notify", reason: "Toch melden bij de AP" } }), 409, "CONFLICT");
    const again = await env.stack.api<{ breaches: Breach[] }>("GET", "/api/breaches");
    assert.equal(again.json.breaches.find((x) => x.id === b.id)?.followUp, "Collega's gewezen op de toestemmingscheck");
  });

  it("When a reviewed mail is judged lawful, then the register must support it at the send time, and it is logged with who decided", async () => {
    const s = await importStudent(env.stack);
    const msg = env.sim.send(SENDER, { to: [GGD], ...about(s) });
    await sweep();
    const item = (await review()).find((r) => r.internetMessageId === msg.internetMessageId);
    assert.ok(item);
    assertError(await env.stack.api("POST", `/api/review/${item.id}/decision`, { decision: "lawful" }), 422, "UNPROCESSABLE");
    await consentGgd(s); // the paper consent, given before the mail was sent, recorded now
    const d = await env.stack.api<{ disclosures: number }>("POST", `/api/review/${item.id}/decision`, { decision: "lawful", note: "Toestemming op papier" });
    assert.equal(d.status, 200, JSON.stringify(d.json));
    const ds = await disclosuresOf(s);
    assert.equal(ds.length, 1);
    assert.equal(ds[0]?.decidedBy, SENDER);
    assert.equal(ds[0]?.source, "review");
    assert.equal(ds[0]?.internetMessageId, msg.internetMessageId);
  });

  it("When a coordinator of school A looks at the review list and the breach register, then A's items are there to decide, B's and a mail about both schools are 404 and not listed, and the privacy officer sees and decides them all", async () => {
    const B = "school-review-b";
    const imp = await env.stack.api("POST", "/api/import", { schools: [{ id: B, name: "Andere School", brin: "66BB" }] });
    assert.equal(imp.status, 200, JSON.stringify(imp.json));
    const a = await importStudent(env.stack);
    const b = await importStudent(env.stack, { schoolId: B });
    const mails = [a, b].map((s) => env.sim.send(SENDER, { to: [GGD], ...about(s) }));
    const both = env.sim.send(SENDER, { to: [GGD], ...about(a, b) });
    await sweep();
    const coordA = await env.stack.token("ib-a@demo", ["coordinator"], env.stack.tenantId, [DEMO_SCHOOL_ID]);
    const officer = await env.stack.token("fg@demo", ["privacy-officer"]);
    const listOf = async (token: string): Promise<ReviewItem[]> => {
      const r = await env.stack.api<{ items: ReviewItem[] }>("GET", "/api/review", undefined, { token });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return r.json.items;
    };
    const all = await listOf(officer);
    const [itemA, itemB, itemBoth] = [...mails, both].map((m) => all.find((r) => r.internetMessageId === m.internetMessageId));
    assert.ok(itemA && itemB && itemBoth, "the privacy officer sees every school's items");
    assert.deepEqual(itemBoth.students.map((s) => s.id).sort(), [a.id, b.id].sort());
    const seenByA = (await listOf(coordA)).map((r) => r.id);
    assert.ok(seenByA.includes(itemA.id));
    assert.ok(!seenByA.includes(itemB.id) && !seenByA.includes(itemBoth.id), "school B's item and the one about both schools are not listed for A");
    assertError(await env.stack.api("POST", `/api/review/${itemB.id}/decision`, { decision: "breach" }, { token: coordA }), 404, "NOT_FOUND");
    assertError(await env.stack.api("POST", `/api/review/${itemBoth.id}/decision`, { decision: "breach" }, { token: coordA }), 404, "NOT_FOUND");
    const decidedA = await env.stack.api<{ breach: Breach }>("POST", `/api/review/${itemA.id}/decision`, { decision: "breach", note: "Verslag naar de GGD zonder toestemming" }, { token: coordA });
    assert.equal(decidedA.status, 200, JSON.stringify(decidedA.json));
    assert.equal(decidedA.json.breach.recordedBy, "ib-a@demo");
    const decidedB = await env.stack.api<{ breach: Breach }>("POST", `/api/review/${itemB.id}/decision`, { decision: "breach", note: "Verslag van school B naar de GGD" }, { token: officer });
    assert.equal(decidedB.status, 200, JSON.stringify(decidedB.json));
    // The breach register: the same scope, through the breach's students.
    const breachesOf = async (token: string): Promise<string[]> => {
      const r = await env.stack.api<{ breaches: Breach[] }>("GET", "/api/breaches", undefined, { token });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return r.json.breaches.map((x) => x.id);
    };
    const [breachA, breachB] = [decidedA.json.breach.id, decidedB.json.breach.id];
    const forA = await breachesOf(coordA);
    assert.ok(forA.includes(breachA) && !forA.includes(breachB), JSON.stringify(forA));
    const forOfficer = await breachesOf(officer);
    assert.ok(forOfficer.includes(breachA) && forOfficer.includes(breachB));
    const followUp = { followUp: "Collega's gewezen op de toestemmingscheck" };
    assertError(await env.stack.api("POST", `/api/breaches/${breachB}/decisions`, followUp, { token: coordA }), 404, "NOT_FOUND");
    assert.equal((await env.stack.api("POST", `/api/breaches/${breachA}/decisions`, followUp, { token: coordA })).status, 200);
    assert.equal((await env.stack.api("POST", `/api/breaches/${breachB}/decisions`, followUp, { token: officer })).status, 200);
  });

  it("When the server sends a consent request through Graph, then it carries the stamp and never appears in the review list", async () => {
    const s = await importStudent(env.stack);
    const req = await env.stack.api<{ requestId: string }>("POST", "/api/consent-requests", { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult" });
    assert.equal(req.status, 201, JSON.stringify(req.json));
    const sent = await env.stack.api("POST", `/api/consent-requests/${req.json.requestId}/send`);
    assert.equal(sent.status, 200, JSON.stringify(sent.json));
    const report = await sweep();
    assert.ok(report.serverMail >= 1, JSON.stringify(report));
    const items = await review();
    assert.ok(!items.some((r) => r.students.some((x) => x.id === s.id)));
  });
});

describe("The scheduled Sent Items sweep", function () {
  this.timeout(60_000);
  const env = useSentStack({ env: { SENT_ITEMS_SWEEP_SECONDS: "1" } }, SENDER);

  it("When the sweep runs on its schedule, then a sent mail is logged without anyone asking (the lag is the interval)", async () => {
    const s = await importStudent(env.stack);
    const mail = { to: [INSPECTIE], subject: `Verslag ${s.name}`, body: `Over ${s.name}.` };
    const c = await recordingCheck(env.stack, mail);
    const msg = env.sim.send(SENDER, { ...mail, headers: { "x-zorgvuldig-check": c.stamp ?? "" } });
    let found: DisclosureEvent | undefined;
    for (let i = 0; i < 100 && !found; i++) {
      await new Promise((r) => setTimeout(r, 200));
      found = (await registerOf(env.stack, s.id)).disclosures.find((e): e is DisclosureEvent => e.type === "disclosure");
    }
    assert.equal(found?.internetMessageId, msg.internetMessageId);
    for (let i = 0; i < 50 && env.sim.deltaRounds === 0; i++) await new Promise((r) => setTimeout(r, 200));
    assert.ok(env.sim.deltaRounds > 0, "later rounds go on from the delta token");
    assert.equal(env.sim.initialRounds, 1, "the mailbox is read from the start once");
  });
});
