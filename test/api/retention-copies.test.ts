import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { odata } from "@azure/data-tables";
import { startStack, type Stack } from "../support/stack.js";
import { recordingCheck } from "../support/sent-items.js";
import { changedTables, leaver, snapshot, DEMO_SCHOOL_ID } from "../reliability/support.js";
import { TABLES, key } from "../../server/shared/storage.js";
import { sha256Hex } from "../../server/shared/hash.js";
import { LocalFolderBlobStore } from "../../server/graph/blob-store.js";
import { SentItemsRepository, type ReviewItem } from "../../server/sentitems/repository.js";
import { FakeClock } from "../support/fake-clock.js";
import { scheduleRetention } from "../../server/main.js";
import type { AdminLogResponse, ImportResult } from "../../contract/index.js";
import type { ConsentRequestRecord } from "../../server/register/requests.js";
import type { PurgeReport } from "../../contract/retention.js";
import { setPolicy, type ConsentEvent } from "../support/api-helpers.js";

/**
 * Retention of every copy (issue 16 item 7, docs/RETENTION.md) over real HTTP and Azurite, on the
 * scheduled run driven by a fake clock: each copy is present before its time and gone after, found by
 * scanning every table (and the folder of kept originals); what a kept consent refers to stays.
 */

const DAY = 86_400_000;
const GGD = "jgz@ggd-voorbeeldregio.example";

describe("Retention of every copy: the scheduled run over HTTP with a fake clock", function () {
  this.timeout(60_000);
  let stack: Stack;
  let evidenceDir: string;
  const clock = new FakeClock();
  let stop: (() => void) | undefined;
  const t0 = new Date();
  const yesterday = new Date(t0.getTime() - DAY).toISOString().slice(0, 10);
  const at = (ms: number): Date => new Date(t0.getTime() + ms);
  const sha = { left: sha256Hex("origineel bericht van de ouder van rc-left"), enrolled: sha256Hex("origineel bericht rc-enrolled"), loose: sha256Hex("los origineel") };
  const ids: { leftReq: string; enrolledAnswered: string; enrolledOpen: string; heldReq: string; checkId: string; links: string[] } = {
    leftReq: "",
    enrolledAnswered: "",
    enrolledOpen: "",
    heldReq: "",
    checkId: "",
    links: [],
  };

  /** Every row of every table of this stack, as JSON per table: one scan, asked for many needles. */
  const scan = async (): Promise<(needle: string) => string[]> => {
    const tables = await Promise.all(
      TABLES.map(async (t) => [t, (await stack.running.storage.list(t, odata`PartitionKey ge ${""}`)).map((r) => JSON.stringify(r))] as const),
    );
    /** The tables holding a row whose keys or values contain `needle`. */
    return (needle) => tables.filter(([, rows]) => rows.some((r) => r.includes(needle))).map(([t]) => t);
  };
  const originals = async (): Promise<string[]> => (await readdir(path.join(evidenceDir, stack.tenantId)).catch(() => [] as string[])).map((f) => f.slice(0, 64)).sort();
  const lastReport = async (): Promise<PurgeReport> => {
    const r = await stack.api<{ reports: PurgeReport[] }>("GET", "/api/retention/reports");
    const report = r.json.reports[0];
    assert.ok(report, "the run stored its report");
    return report;
  };
  const request = async (studentId: string): Promise<ConsentRequestRecord> => {
    const r = await stack.api<ConsentRequestRecord>("POST", "/api/consent-requests", { studentId, partyId: "ggd", purposeId: "jgz-consult" });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    return r.json;
  };
  const emailConsent = async (studentId: string, sha256: string, requestId: string, idempotencyKey?: string) => {
    const r = await stack.api<ConsentEvent>(
      "POST",
      "/api/consents",
      {
        studentId,
        partyId: "ggd",
        purposeId: "jgz-consult",
        decision: "granted",
        givenBy: { student: true },
        method: "email",
        givenAt: t0.toISOString(),
        evidence: { messageId: `<${studentId}@mail.example>`, sender: `greet.${studentId}@mail.example`, date: t0.toISOString(), sha256, requestId },
      },
      idempotencyKey ? { headers: { "idempotency-key": idempotencyKey } } : {},
    );
    return r;
  };

  before(async () => {
    evidenceDir = await mkdtemp(path.join(tmpdir(), "zv-originals-"));
    stack = await startStack({ seedDemo: false, env: { EVIDENCE_DIR: evidenceDir, RETENTION_INTERVAL_SECONDS: "0" } });
    const imp = await stack.api("POST", "/api/import", {
      schools: [{ id: DEMO_SCHOOL_ID, name: "OBS De Regenboog", brin: "99ZZ", internalDomains: ["regenboog.school.example"] }],
      parties: [{ id: "ggd", name: "GGD Voorbeeldregio (JGZ)", kind: "ggd", domains: ["ggd-voorbeeldregio.example"], addresses: [], defaultBasis: "consent", defaultPurposeId: "jgz-consult" }],
      purposes: [{ id: "jgz-consult", label: "Consult jeugdarts of jeugdverpleegkundige (JGZ)", farReaching: false, category: "care" }],
      students: [leaver("rc-left", yesterday), leaver("rc-enrolled", undefined), leaver("rc-held", yesterday, { legalHold: true })],
    });
    assert.equal(imp.status, 200, JSON.stringify(imp.json));
    // Consent requests: one answered by a consent whose chain goes with the leaver, one answered by a
    // consent of an enrolled student, one never answered, one of a student on legal hold.
    const left = await request("rc-left");
    const answered = await request("rc-enrolled");
    const open = await request("rc-enrolled");
    const held = await request("rc-held");
    Object.assign(ids, { leftReq: left.requestId, enrolledAnswered: answered.requestId, enrolledOpen: open.requestId, heldReq: held.requestId });
    ids.links = [left, answered, open].flatMap((r) => r.letters.map((l) => l.linkId ?? ""));
    assert.equal(ids.links.filter(Boolean).length, 3, "each letter has its link");
    const lc = await emailConsent("rc-left", sha.left, left.requestId);
    assert.equal(lc.status, 201, JSON.stringify(lc.json));
    const c = await emailConsent("rc-enrolled", sha.enrolled, answered.requestId, "rc-idem-1");
    assert.equal(c.status, 201, JSON.stringify(c.json));
    // Kept originals: two back a consent, one backs nothing.
    const store = new LocalFolderBlobStore(evidenceDir);
    for (const h of Object.values(sha)) await store.put(stack.tenantId, h, Buffer.from(`MIME ${h}`));
    // A recording (on-send) check: its pending record.
    const check = await recordingCheck(stack, { to: [GGD], subject: "Verslag Gerritrcenrolled Oudleerling", body: "Zie bijlage." });
    ids.checkId = check.checkId;
    // The view log: one register view, one bulk read, one view of the student on hold.
    assert.equal((await stack.api("GET", "/api/students/rc-enrolled/register")).status, 200);
    assert.equal((await stack.api("GET", "/api/students/rc-held/register")).status, 200);
    assert.equal((await stack.api("GET", "/api/students")).status, 200);
    // The review list: open, decided lawful, and decided into a breach record.
    const repo = new SentItemsRepository(stack.running.storage);
    const item = (id: string, state: ReviewItem["state"]): ReviewItem => ({
      id,
      kind: "unchecked",
      mailbox: "ib@demo",
      internetMessageId: `<${id}@demo>`,
      subject: "Verslag Gerritrcenrolled Oudleerling",
      sentAt: t0.toISOString(),
      flaggedAt: t0.toISOString(),
      to: [GGD],
      cc: [],
      bcc: [],
      students: [{ id: "rc-enrolled", name: "Gerritrcenrolled Oudleerling", schoolId: DEMO_SCHOOL_ID }],
      reasons: [],
      state,
      ...(state === "open" ? {} : { decision: { by: "ib@demo", at: t0.toISOString() } }),
    });
    await repo.addReview(stack.tenantId, item("rc-review-open", "open"));
    await repo.addReview(stack.tenantId, item("rc-review-lawful", "lawful"));
    await repo.addReview(stack.tenantId, item("rc-review-breach", "breach"));
    await repo.addBreach(stack.tenantId, {
      id: "rc-breach",
      reviewId: "rc-review-breach",
      what: "Verslag naar een verkeerd adres",
      students: [{ id: "rc-enrolled", name: "Gerritrcenrolled Oudleerling" }],
      recipients: [GGD],
      categories: ["verslag"],
      flaggedAt: t0.toISOString(),
      awareAt: t0.toISOString(),
      deadline: at(3 * DAY).toISOString(),
      recordedBy: "ib@demo",
    });
    // The schedule as main.ts starts it (a run that removed something goes into the administrative log).
    stop = scheduleRetention(stack.running.services, 1000, stack.running.log, clock, () => clock.now);
  });
  after(async () => {
    stop?.();
    await stack.stop();
    await rm(evidenceDir, { recursive: true, force: true });
  });

  it("[R-RETAIN-COPIES] When the scheduled run comes an hour later, then every copy is still there and the report counts none removed per copy", async () => {
    await clock.runAt(at(3600_000));
    const r = await lastReport();
    assert.equal(r.trigger, "schedule");
    assert.deepEqual(r.copies, { idempotency: 0, checks: 0, consentRequests: 0, parentLinks: 0, views: 0, reviewItems: 0, originals: 0 });
    const m = await scan();
    assert.deepEqual(m(ids.checkId), ["Checks"]);
    assert.ok((await stack.running.storage.list("Idempotency", odata`PartitionKey eq ${stack.tenantId}`)).length > 0);
    assert.ok((m(key(stack.tenantId, "rc-enrolled"))).includes("Views"));
    assert.deepEqual(await originals(), Object.values(sha).sort());
  });

  it("[R-RETAIN-IDEMPOTENCY] [R-RETAIN-ORIGINALS] When 25 hours have passed, then the stored answers and an original no consent refers to are gone, and a retry with the old key is done as a new request", async () => {
    await clock.runAt(at(25 * 3600_000));
    const r = await lastReport();
    assert.ok((r.copies?.idempotency ?? 0) >= 1, JSON.stringify(r.copies));
    assert.deepEqual(await stack.running.storage.list("Idempotency", odata`PartitionKey eq ${stack.tenantId}`), []);
    // The unreferenced original is past its day of grace; the two that back a consent stay (R-RETAIN-ORIGINALS).
    assert.equal(r.copies?.originals, 1);
    assert.deepEqual(await originals(), [sha.left, sha.enrolled].sort());
    // The check record waits for its 7 days plus the policy's 30 (R-RETAIN-CHECKS).
    const m = await scan();
    assert.deepEqual(m(ids.checkId), ["Checks"]);
    // The old key is unused now: no replay; the register still finds its own event (requestKey), so no second consent.
    const again = await emailConsent("rc-enrolled", sha.enrolled, ids.enrolledAnswered, "rc-idem-1");
    assert.equal(again.status, 201, JSON.stringify(again.json));
    assert.equal(again.headers.get("idempotent-replayed"), null);
    const reg = await stack.running.services.registerRepo.read(stack.tenantId, "rc-enrolled");
    assert.equal(reg.events.filter((e) => e.type === "consent").length, 1);
  });

  it("[R-RETAIN-CHECKS] When the check record's expiry plus the school's checkRecordDays has passed, then the record is gone from every table", async () => {
    await clock.runAt(at(36 * DAY));
    assert.deepEqual((await scan())(ids.checkId), ["Checks"], "7 + 30 days have not passed yet");
    await clock.runAt(at(38 * DAY));
    assert.equal((await lastReport()).copies?.checks, 1);
    const m = await scan();
    assert.deepEqual(m(ids.checkId), []);
    // Nothing else is due yet.
    for (const id of [ids.enrolledOpen, ...ids.links]) assert.deepEqual(m(id), ["Meta"], id);
    for (const id of [ids.leftReq, ids.enrolledAnswered]) assert.deepEqual(m(id), ["Events", "Meta"], `${id}: a consent refers to it`);
  });

  it("[R-RETAIN-COPIES] [R-RETAIN-REQUESTS] [R-RETAIN-LINKS] [R-RETAIN-VIEWS] [R-RETAIN-REVIEW] [R-RETAIN-ORIGINALS] When the consent retention has passed, then a dry run only counts, and the run removes unanswered requests, their links, old views, decided review items and unreferenced originals, and evidence a kept consent refers to stays", async () => {
    const before = await stack.running.services.registerRepo.read(stack.tenantId, "rc-enrolled");
    // A dry run at that time counts per copy what would go, and changes nothing.
    const tables = await snapshot(stack.running.storage);
    const dry = await stack.running.services.retention.purge(stack.tenantId, { dryRun: true, trigger: "manual", now: at((2 * 365 + 3) * DAY) });
    assert.ok((dry.copies?.consentRequests ?? 0) >= 2 && dry.copies?.views === 2 && dry.copies.reviewItems === 1, JSON.stringify(dry.copies));
    assert.deepEqual(changedTables(tables, await snapshot(stack.running.storage)), []);
    assert.equal((await originals()).length, 2);
    await clock.runAt(at((2 * 365 + 3) * DAY));
    const r = await lastReport();
    // The leaver's chain went by its rule (the student purge), and with it what only it referred to.
    const left = await stack.running.services.registerRepo.read(stack.tenantId, "rc-left");
    assert.deepEqual(left.events.map((e) => e.type), ["tombstone"]);
    assert.ok((r.copies?.consentRequests ?? 0) >= 2, JSON.stringify(r.copies));
    const m = await scan();
    for (const id of [ids.leftReq, ids.enrolledOpen]) assert.deepEqual(m(id), [], `request ${id} is gone`);
    const [leftLink, answeredLink, openLink] = ids.links;
    for (const l of [leftLink, openLink]) assert.deepEqual(m(l ?? "?"), [], "its link is gone");
    // The request the enrolled student's consent refers to is evidence (the text shown): kept, with its link.
    assert.deepEqual(m(ids.enrolledAnswered), ["Events", "Meta"]);
    assert.deepEqual(m(answeredLink ?? "?"), ["Meta"]);
    // A legal hold keeps the request of the student on hold.
    assert.deepEqual(m(ids.heldReq), ["Meta"]);
    // The chain of the enrolled student is untouched (never evidence outside the student purge).
    assert.deepEqual((await stack.running.services.registerRepo.read(stack.tenantId, "rc-enrolled")).events, before.events);
    // Views: the enrolled student's and the bulk row are two years old, the held student's stays.
    const views = await stack.running.storage.list("Views", odata`PartitionKey ge ${""}`);
    assert.deepEqual(views.map((v) => String(v.partitionKey)).filter((pk) => pk.startsWith(`${stack.tenantId}|`)).sort(), [key(stack.tenantId, "rc-held")]);
    // The review list: the decided item went; the open one (with its open row, and the open rows' marker) and the one behind a breach record stay, as does the breach.
    const review = await stack.running.storage.list("Review", odata`PartitionKey eq ${stack.tenantId}`);
    assert.deepEqual(review.map((x) => String(x.rowKey)).sort(), ["b|rc-breach", "o", "o|rc-review-open", "r|rc-review-breach", "r|rc-review-open"]);
    assert.equal(r.copies?.reviewItems, 1);
    // Originals: the leaver's went with its consent; the enrolled student's backs a kept consent.
    assert.deepEqual(await originals(), [sha.enrolled]);
  });

  it("[R-RETAIN-VIEWS] When a school keeps its view log longer (policy viewLogYears), then the scheduled run keeps its views that long", async () => {
    const policy = await setPolicy(stack, DEMO_SCHOOL_ID, { viewLogYears: 5 });
    assert.equal(policy.viewLogYears, 5);
    assert.equal((await stack.api("GET", "/api/students/rc-enrolled/register")).status, 200);
    const pk = key(stack.tenantId, "rc-enrolled");
    const views = async () => stack.running.storage.list("Views", odata`PartitionKey eq ${pk}`);
    await clock.runAt(at((4 * 365 + 3) * DAY));
    assert.equal((await views()).length, 1, "4 years: kept under the school's 5");
    await clock.runAt(at((5 * 365 + 3) * DAY));
    assert.equal((await views()).length, 0);
  });
  it("[R-RETAIN-DIRECTORY] When a leaver's chain is only a tombstone and studentFileYears have passed since the clock started, then the run removed the student and guardians from the directory with an administrative-log entry, and a later import of the same leaver is counted as already removed until it comes back enrolled (counted as re-enrolled, also in a CSV dry run), and a consent request still kept about the removed leaver goes with the next run", async () => {
    // The run at two years and three days (above) left rc-left's chain a tombstone and its file period (2 years) passed.
    const reports = (await stack.api<{ reports: PurgeReport[] }>("GET", "/api/retention/reports")).json.reports;
    const run = reports.find((r) => (r.directoryRecords ?? 0) > 0);
    assert.equal(run?.directoryRecords, 1, JSON.stringify(reports.map((r) => r.directoryRecords)));
    assert.equal(run.trigger, "schedule");
    const log = await stack.api<AdminLogResponse>("GET", "/api/admin-log");
    const entry = log.json.entries.find((e) => e.target === run.id);
    assert.deepEqual([entry?.action, entry?.operation, entry?.by, entry?.details.directoryRecords], ["purge", "schedule", "retention-schedule", 1]);
    assert.equal(log.json.verified, true);
    // Gone from the directory: the record, the guardian's name and address, the left clock.
    assert.equal((await stack.api("GET", "/api/students/rc-left")).status, 404);
    const m = await scan();
    assert.deepEqual(m("greet.rc-left@mail.example"), []);
    assert.ok(!m("Gerritrcleft").includes("Students"));
    assert.deepEqual(await stack.running.services.directory.leftClocks(stack.tenantId).then((c) => [...c.keys()].filter((k) => k === "rc-left")), []);
    // The chain stays (its tombstone), and the student on hold and the enrolled one keep their records.
    assert.deepEqual((await stack.running.services.registerRepo.read(stack.tenantId, "rc-left")).events.map((e) => e.type), ["tombstone"]);
    for (const id of ["rc-held", "rc-enrolled"]) assert.equal((await stack.api("GET", `/api/students/${id}`)).status, 200, id);

    // The student system still exports the leaver: ignored, counted; by id or by school and number.
    const again = await stack.api<ImportResult>("POST", "/api/import", { students: [leaver("rc-left", yesterday), { ...leaver("rc-left-new-id", yesterday), studentNumber: "rcleft" }] });
    assert.equal(again.status, 200, JSON.stringify(again.json));
    assert.equal(again.json.alreadyRemoved, 2);
    assert.equal(again.json.students.created, 0);
    assert.equal((await stack.api("GET", "/api/students/rc-left")).status, 404);
    assert.deepEqual((await scan())("greet.rc-left@mail.example"), []);
    // A consent request about the removed leaver still stored (made after the last run, or left by an older
    // version) goes with the next run; one about a student the directory never had stays (nothing says they left).
    const [template] = await stack.running.services.requests.list(stack.tenantId);
    assert.ok(template, "a kept request to copy the shape from");
    for (const [requestId, studentId] of [["rq-removed-leaver", "rc-left"], ["rq-unknown-student", "rc-never-imported"]] as const)
      await stack.running.storage.run("Meta", (t) =>
        t.createEntity({ partitionKey: key(stack.tenantId, "request"), rowKey: requestId, data: JSON.stringify({ ...template, requestId, studentId }) }),
      );
    // A later run removes no directory record, and the request about the removed leaver.
    await clock.runAt(at((5 * 365 + 4) * DAY));
    const later = await lastReport();
    assert.deepEqual([later.directoryRecords, later.copies?.consentRequests], [0, 1]);
    const left = (await stack.running.services.requests.list(stack.tenantId)).map((r) => r.requestId);
    assert.deepEqual([left.includes("rq-removed-leaver"), left.includes("rq-unknown-student")], [false, true]);
    // A CSV export carries no leftDate: a row with the removed leaver's number is an enrolment again, and
    // the dry run says so (counted as re-enrolled and new) without writing anything.
    const csv = await fetch(`${stack.baseUrl}/api/import/csv?schoolId=${DEMO_SCHOOL_ID}&dryRun=true`, {
      method: "POST",
      headers: { authorization: `Bearer ${await stack.token()}`, "content-type": "text/csv; charset=utf-8" },
      body: "leerlingnummer;voornaam;tussenvoegsel;achternaam;geboortedatum;klas;ouder1_naam;ouder1_email;ouder1_gezag\nrcleft;Gerrit;;Oudleerling;2005-03-01;8;Greet Oudleerling;greet.rc-left@mail.example;ja\n",
    });
    const dry = (await csv.json()) as { result: ImportResult; dryRun?: boolean };
    assert.equal(csv.status, 200, JSON.stringify(dry));
    assert.deepEqual([dry.dryRun, dry.result.reEnrolled, dry.result.alreadyRemoved, dry.result.students.created], [true, 1, undefined, 1]);
    assert.deepEqual((await scan())("greet.rc-left@mail.example"), []);
    // Enrolled again (no leftDate): imported as new and counted as re-enrolled, and a later leaving starts over.
    const back = await stack.api<ImportResult>("POST", "/api/import", { students: [leaver("rc-left", undefined)] });
    assert.equal(back.status, 200, JSON.stringify(back.json));
    assert.equal(back.json.alreadyRemoved, undefined);
    assert.equal(back.json.reEnrolled, 1);
    assert.equal(back.json.students.created, 1);
    assert.equal((await stack.api("GET", "/api/students/rc-left")).status, 200);
  });
});
