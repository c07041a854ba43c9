import assert from "node:assert/strict";
import path from "node:path";
import { ensureBuilt } from "../support/built.js";
import { findEs2017Uses } from "../../scripts/check-es2016.js";
import { startStack, type Stack } from "../support/stack.js";
import { makeEvent, makeOffice, type FakeMail } from "./support/fake-office.js";
import { loadBuilt as loadClassic } from "./support/sandbox.js";
import { makePdf } from "../sendcheck/documents.js";
import { createHash } from "node:crypto";
import { CheckRepository } from "../../server/sendcheck/repository.js";

const root = path.resolve(import.meta.dirname, "../..");

const REPORT_TEXT = "Verslag over Daan Jansen, groep 7";

/** "Zie bijlage." to the wijkteam with the report (naming Daan Jansen) as an attached PDF. */
function reportToWijkteam(pdf = makePdf(REPORT_TEXT)) {
  return {
    to: ["team@wijkteam.voorbeeldstad.example"],
    subject: "Verslag",
    body: "Zie bijlage.",
    attachments: [{ name: "verslag.pdf", size: pdf.length, content: { format: "base64" as const, content: pdf.toString("base64") } }],
  };
}

describe("Classic Outlook's JavaScript-only runtime (ES2016): the BUILT handler as served, against the real server", function () {
  this.timeout(60_000);
  let stack: Stack;
  let served = "";

  before(async () => {
    await ensureBuilt();
    stack = await startStack({ seedDemo: true });
    const res = await fetch(`${stack.baseUrl}/addin/onsend.js`);
    assert.equal(res.status, 200);
    served = await res.text();
  });
  after(async () => stack?.stop());

  it("When the served script is scanned, then it holds no unguarded ES2017+ global or built-in", () => {
    assert.deepEqual(findEs2017Uses(served), []);
  });

  const cases: { name: string; mail: FakeMail; verdict: "allow" | "block" | "warn" }[] = [
    {
      name: "a report to the GGD about a student whose parent consented",
      mail: { to: ["jgz@ggd-voorbeeldregio.example"], subject: "Verslag Jan de Vries", body: "Hierbij het verslag over Jan de Vries." },
      verdict: "allow",
    },
    {
      name: "a report to the wijkteam without consent",
      mail: { to: ["team@wijkteam.voorbeeldstad.example"], subject: "Verslag Daan Jansen", body: "Hierbij het verslag over Daan Jansen." },
      verdict: "block",
    },
    {
      name: "an absence report to leerplicht before the parents were informed",
      mail: { to: ["lpa@leerplicht.voorbeeldstad.example"], subject: "Verzuim Daan Jansen", body: "Melding over Daan Jansen." },
      verdict: "warn",
    },
  ];

  for (const c of cases) {
    it(`When ${c.name} is sent without globalThis and ES2017+ built-ins, then the real server's verdict (${c.verdict}) completes the event once`, async () => {
      const office = makeOffice(c.mail, { userEmail: "ib@regenboog.school.example" });
      const { handler } = loadClassic(served, office);
      const ev = makeEvent();
      handler(ev);
      const first = await ev.first;
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(ev.calls.length, 1);
      if (c.verdict === "allow") {
        // The sandbox's own Object: compare the plain content, not the prototype.
        assert.deepEqual({ ...first }, { allowEvent: true });
      } else {
        assert.equal(first.allowEvent, false);
        // A warning is a SoftBlock too: "Actie ondernemen" opens the pane, where sending anyway asks a reason.
        assert.equal(first.sendModeOverride, undefined);
        assert.equal(first.commandId, "msgComposeCheckButton");
        // The check the server stored is the one Outlook shows.
        const { checkId } = JSON.parse(String(first.contextData)) as { checkId: string };
        const stored = await stack.api<{ verdict: string; message: string }>("GET", `/api/checks/${checkId}`);
        assert.equal(stored.status, 200);
        assert.equal(stored.json.verdict, c.verdict);
        assert.equal(first.errorMessage, stored.json.message);
      }
      // The school's policy was kept for the next send (saved before completing).
      assert.equal(office.roaming["zv.failMode"], "block");
      assert.equal(office.roaming["zv.sendBudgetSeconds"], 20);
    });
  }

  /** Runs the built handler in the sandbox and returns the check the server stored for the event's answer. */
  async function sendThrough(mail: FakeMail, name = "onMessageSendHandler") {
    const office = makeOffice(mail, { userEmail: "ib@regenboog.school.example" });
    const { handler } = loadClassic(served, office, name);
    const ev = makeEvent();
    handler(ev);
    const first = await ev.first;
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(ev.calls.length, 1, "completed once");
    assert.equal(first.allowEvent, false, String(first.errorMessage));
    const { checkId } = JSON.parse(String(first.contextData)) as { checkId: string };
    const stored = await stack.api<{ verdict: string; message: string; students: { name: string }[]; recipients: { address: string; reasons: { code: string }[] }[] }>(
      "GET",
      `/api/checks/${checkId}`,
    );
    assert.equal(stored.status, 200);
    return stored.json;
  }

  it("When a meeting invite (MDO) about a student has the GGD as optional attendee, then OnAppointmentSend checks every attendee and blocks", async () => {
    const stored = await sendThrough(
      {
        itemType: "appointment",
        to: ["juf.anna@regenboog.school.example"],
        cc: ["jgz@ggd-voorbeeldregio.example"],
        resources: ["lokaal-12@regenboog.school.example"],
        subject: "MDO Daan Jansen",
        body: "Agenda: zorgen over Daan Jansen, verslag van de GGD.",
      },
      "onAppointmentSendHandler",
    );
    assert.equal(stored.verdict, "block");
    assert.deepEqual(stored.students.map((s) => s.name), ["Daan Jansen"]);
    // Required, optional and the room: every attendee is a recipient.
    assert.deepEqual(stored.recipients.map((r) => r.address).sort(), [
      "jgz@ggd-voorbeeldregio.example",
      "juf.anna@regenboog.school.example",
      "lokaal-12@regenboog.school.example",
    ]);
  });

  it("When a mail about a student goes to an X500 address the server cannot resolve (no Graph), then it is blocked with the fix-it text, not dropped", async () => {
    const x500 = "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0a0b0c0d0e0f00112233445566778899-wijkcoach";
    const stored = await sendThrough({
      to: [],
      details: { to: [{ emailAddress: x500, displayName: "Wijkcoach", recipientType: "externalUser" }] },
      subject: "Verslag Daan Jansen",
      body: "Zie bijlage.",
    });
    assert.equal(stored.verdict, "block");
    assert.deepEqual(stored.recipients.map((r) => r.reasons.map((x) => x.code)), [["UNRESOLVED_RECIPIENT"]]);
    assert.match(stored.message, /Kies de adressen opnieuw uit de lijst/);
  });

  it("When the only mention of the student is in an attached PDF to the wijkteam, then the built handler uploads its bytes and the server blocks", async () => {
    const stored = await sendThrough(reportToWijkteam());
    assert.equal(stored.verdict, "block");
    assert.deepEqual(stored.students.map((s) => s.name), ["Daan Jansen"]);
  });

  /** Launches an early handler of the built bundle on the office's item; resolves once it completed (exactly once). */
  async function launchEarly(office: ReturnType<typeof makeOffice>, name: string, fetchImpl: typeof fetch = fetch): Promise<void> {
    const { handler } = loadClassic(served, office, name, fetchImpl);
    const ev = makeEvent();
    handler(ev);
    await ev.first;
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(ev.calls.length, 1, "completed once");
    assert.deepEqual({ ...ev.calls[0] }, {}, "compose events complete without options");
  }

  it("When a recipient is added to a mail about a student without consent, then the dry run shows an InfoBar with Controleren that says what to do; an allowed change clears it", async () => {
    const office = makeOffice(
      { to: ["team@wijkteam.voorbeeldstad.example"], subject: "Verslag Daan Jansen", body: "Hierbij het verslag over Daan Jansen." },
      { userEmail: "ib@regenboog.school.example" },
    );
    await launchEarly(office, "onRecipientsChangedHandler");
    const notice = office.double.notifications.get("zvEarly") as { type: string; message: string; icon: string; actions: { actionText: string; actionType: string; commandId: string }[] };
    assert.ok(notice, "an InfoBar message");
    assert.equal(notice.type, "insightMessage");
    assert.ok(notice.message.length <= 150, notice.message);
    assert.match(notice.message, /Kies Controleren in het lint\.$/);
    assert.deepEqual(notice.actions, [{ actionText: "Controleren", actionType: "showTaskPane", commandId: "msgComposeCheckButton" }]);
    office.double.updateCompose({ to: ["juf.anna@regenboog.school.example"] });
    await launchEarly(office, "onRecipientsChangedHandler");
    assert.equal(office.double.notifications.has("zvEarly"), false);
  });

  it("When an attachment naming a student is added for the wijkteam, then the dry run reads its contents and warns in the InfoBar", async () => {
    const office = makeOffice(reportToWijkteam(), { userEmail: "ib@regenboog.school.example" });
    await launchEarly(office, "onRecipientsChangedHandler");
    // Names only on a recipient change: "verslag.pdf" alone names nobody, so no student, no block.
    const before = office.double.notifications.get("zvEarly") as { message: string } | undefined;
    assert.ok(!before || !/Daan/.test(before.message));
    await launchEarly(office, "onAttachmentsChangedHandler");
    const notice = office.double.notifications.get("zvEarly") as { message: string } | undefined;
    assert.ok(notice, "an InfoBar message");
    assert.match(notice.message, /Daan Jansen|Niet verzenden/);
  });

  /** Sends the office's item through the built handler; the check id from the stamp it set, and the first completion. */
  async function sendItem(office: ReturnType<typeof makeOffice>, fetchImpl: typeof fetch = fetch) {
    const { handler } = loadClassic(served, office, "onMessageSendHandler", fetchImpl);
    const ev = makeEvent();
    handler(ev);
    const first = await ev.first;
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(ev.calls.length, 1, "completed once");
    const checkId = String(office.double.internetHeaders.get("x-zorgvuldig-check") ?? "").split(".")[0] ?? "";
    assert.ok(checkId, "the mail was stamped");
    return { first, checkId };
  }

  it("When the early warning uploaded an attachment, then Send reuses its receipt (no second upload) and still judges its contents; a changed file is uploaded again", async () => {
    const pdf = makePdf(REPORT_TEXT);
    const office = makeOffice(reportToWijkteam(pdf), { userEmail: "ib@regenboog.school.example" });
    const uploads: string[] = [];
    const counting: typeof fetch = (input, init) => {
      if (String(input).includes("/api/check/attachments")) uploads.push(String(input));
      return fetch(input, init);
    };
    await launchEarly(office, "onAttachmentsChangedHandler", counting);
    assert.equal(uploads.length, 1, "the early warning uploaded the file");
    const kept = JSON.parse(office.sessionData.get("zvUploads") ?? "{}") as { c: string; a: { i: string; n: string; s: number; h: string; r: string }[] };
    assert.deepEqual(
      kept.a.map((k) => [k.i, k.n, k.s, k.h]),
      [["0", "verslag.pdf", pdf.length, createHash("sha256").update(pdf).digest("hex")]],
      "kept by id, name, size and the server's content hash",
    );

    const sent = await sendItem(office, counting);
    assert.equal(uploads.length, 1, "Send did not upload the same file again");
    assert.equal(sent.first.allowEvent, false);
    const stored = await stack.api<{ verdict: string; students: { name: string }[]; attachments?: { name: string; status: string }[] }>("GET", `/api/checks/${sent.checkId}`);
    assert.equal(stored.json.verdict, "block");
    assert.deepEqual(stored.json.students.map((s) => s.name), ["Daan Jansen"], "the contents were judged");
    assert.deepEqual(stored.json.attachments, [{ name: "verslag.pdf", status: "read", students: 1 }]);

    // A kept hash that is not the receipt's is refused by the server (the file counts as not sent).
    office.sessionData.set("zvUploads", JSON.stringify({ ...kept, a: kept.a.map((k) => ({ ...k, h: "0".repeat(64) })) }));
    office.double.internetHeaders.clear();
    const forged = await sendItem(office, counting);
    const forgedCheck = await stack.api<{ attachments?: { status: string }[] }>("GET", `/api/checks/${forged.checkId}`);
    assert.deepEqual(forgedCheck.json.attachments?.map((a) => a.status), ["not-sent"]);

    // Another file (another size) under the same attachment id: uploaded at Send.
    const other = makePdf("Verslag over Jan de Vries, groep 5, met een langere tekst");
    office.double.updateCompose({ attachments: [{ name: "verslag.pdf", size: other.length, content: { format: "base64", content: other.toString("base64") } }] });
    office.double.internetHeaders.clear();
    await sendItem(office, counting);
    assert.equal(uploads.length, 2, "the changed file was uploaded");
  });

  it("[R-ATTACH-PICK] When the pane named the student of a mail (zvStudents), then the built handler's recording check carries it into the pending record", async () => {
    const office = makeOffice(
      { to: ["jgz@ggd-voorbeeldregio.example"], subject: "Zie bijlage", body: "Bijgaand het verslag.", attachments: [{ name: "scan001.pdf", size: 1000 }] },
      { userEmail: "ib@regenboog.school.example", sessionData: { zvStudents: JSON.stringify({ studentIds: ["lln-003"] }) } },
    );
    const { checkId } = await sendItem(office);
    const pending = await new CheckRepository(stack.running.storage).get(stack.tenantId, checkId);
    assert.ok(pending, "a pending record");
    assert.equal(pending.mode, "send");
    assert.equal(pending.state, "pending");
    assert.deepEqual(pending.studentIds, ["lln-003"]);
    assert.deepEqual(pending.result.students.map((s) => s.name), ["Daan Jansen"]);
  });

  it("When a new message is opened, then the warm-up gets a token and reaches the server, and completes once", async () => {
    const office = makeOffice({ to: [], subject: "", body: "" }, { userEmail: "ib@regenboog.school.example" });
    await launchEarly(office, "onNewMessageComposeHandler");
    assert.equal(office.double.notifications.size, 0);
  });

  it("When the same sandbox also lacks fetch's AbortController and the server is gone, then the fail mode blocks, once", async () => {
    const office = makeOffice(cases[0]?.mail ?? { to: [], subject: "", body: "" });
    const code = served.replace(/^var __ZV_CONFIG__=\{"apiBaseUrl":"[^"]+"/, 'var __ZV_CONFIG__={"apiBaseUrl":"http://127.0.0.1:9"');
    const { handler } = loadClassic(code, office);
    const ev = makeEvent();
    handler(ev);
    await ev.first;
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(ev.calls.length, 1);
    assert.equal(ev.calls[0]?.allowEvent, false);
  });
});
