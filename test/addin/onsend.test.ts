import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { configure } from "../../src/addin/onsend/config.js";
import { createOnMessageSendHandler, HANDLER_NAME } from "../../src/addin/onsend/handler.js";
import { clearTokenCache } from "../../src/addin/onsend/token.js";
import type { OfficeLike } from "../../src/addin/onsend/office.js";
import { checkAnswer, useCannedApi } from "./support/canned-api.js";
import { makeEvent, makeOffice, type FakeMail, type FakeOffice } from "./support/fake-office.js";

const MAIL: FakeMail = {
  to: ["jgz@ggd-regio.nl"],
  cc: ["collega@demo-school.nl"],
  subject: "Verslag Daan de Vries",
  body: "Bijgaand het verslag van Daan.",
  attachments: [{ name: "verslag-daan.pdf", size: 12345 }],
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the handler on a mail and waits for its completion (plus a little, to see any second call). */
async function send(office: FakeOffice, settleMs = 150) {
  const handler = createOnMessageSendHandler({ office: () => office as unknown as OfficeLike });
  const ev = makeEvent();
  const started = Date.now();
  handler(ev);
  const first = await ev.first;
  const elapsed = Date.now() - started;
  await sleep(settleMs);
  return { ev, first, elapsed };
}

describe("on-send handler (Office double, canned API over HTTP)", function () {
  this.timeout(20_000);
  const api = useCannedApi();

  beforeEach(() => {
    api.checks.length = 0;
    api.keys.length = 0;
  });

  it("When the backend allows, then the event completes once with allowEvent true", async () => {
    api.next = { kind: "json", body: checkAnswer("allow") };
    const { ev } = await send(makeOffice(MAIL));
    assert.equal(ev.calls.length, 1);
    assert.deepEqual(ev.calls[0], { allowEvent: true });
    // The mail the backend saw: every recipient field, subject, text body and the attachment (not readable here), as the
    // recording check (mode send).
    const seen = api.checks[0] as Record<string, unknown>;
    assert.match(String(seen.correlationId), /^[a-z0-9]{24}$/);
    assert.deepEqual({ ...seen, correlationId: undefined }, {
      // With Outlook's recipientType (the double: "user" inside the user's domain, "externalUser" outside).
      to: [{ address: "jgz@ggd-regio.nl", type: "externalUser" }],
      cc: [{ address: "collega@demo-school.nl", type: "externalUser" }],
      bcc: [],
      subject: MAIL.subject,
      body: MAIL.body,
      attachments: [{ name: "verslag-daan.pdf", size: 12345, kind: "file", unread: "unreadable" }],
      correlationId: undefined,
      mode: "send",
    });
  });

  /** The backend answers `verdict`: sending is held back once (no Send Anyway) with its message and 'Actie ondernemen' opening the pane. */
  async function heldBack(verdict: "warn" | "block") {
    api.next = { kind: "json", body: checkAnswer(verdict) };
    const { ev } = await send(makeOffice(MAIL));
    assert.equal(ev.calls.length, 1);
    const c = ev.calls[0] ?? {};
    assert.equal(c.allowEvent, false);
    assert.equal(c.sendModeOverride, undefined);
    assert.equal(c.cancelLabel, "Actie ondernemen");
    assert.equal(c.commandId, "msgComposeCheckButton");
    assert.equal(c.errorMessage, checkAnswer(verdict).message);
    return c;
  }

  it("When the backend warns, then sending waits (SoftBlock, no Send Anyway) with the backend's message and 'Actie ondernemen' opening the pane", async () => {
    await heldBack("warn");
  });

  it("When the backend blocks, then sending stops with the message, the task pane command and the check id", async () => {
    const c = await heldBack("block");
    assert.deepEqual(JSON.parse(String(c.contextData)), { checkId: "chk_0123456789abcdef01234567" });
    // Outlook's documented list form: the summary, a blank line, then "- item\r" per recipient.
    assert.match(String(c.errorMessageMarkdown), /\n\n- \*\*jgz@ggd-regio\.nl\*\*: [^\r\n]+\r$/);
    assert.ok(String(c.errorMessage).length <= 500 && String(c.errorMessageMarkdown).length <= 500);
  });

  it("When Outlook's language is English, then the action label is English too", async () => {
    api.next = { kind: "json", body: checkAnswer("block") };
    const { ev } = await send(makeOffice(MAIL, { displayLanguage: "en-US" }));
    assert.equal(ev.calls.length, 1);
    assert.equal(ev.calls[0]?.cancelLabel, "Take action");
  });

  it("When a check succeeds, then the school's fail mode and send budget are saved BEFORE the event completes", async () => {
    api.next = { kind: "json", body: checkAnswer("allow", { policy: { sendMode: "soft-block", failMode: "prompt", sendBudgetSeconds: 30 } }) };
    const office = makeOffice(MAIL);
    // Outlook answers the save late; the JS-only runtime may stop right after completed, so it must wait.
    let saved = false;
    const save = office.context.roamingSettings.saveAsync.bind(office.context.roamingSettings);
    office.context.roamingSettings.saveAsync = (cb) =>
      save((r) =>
        setTimeout(() => {
          saved = true;
          if (cb) cb(r);
        }, 300),
      );
    const handler = createOnMessageSendHandler({ office: () => office as unknown as OfficeLike });
    const ev = makeEvent();
    let savedAtCompletion: boolean | undefined;
    const completed = ev.completed.bind(ev);
    ev.completed = (o) => {
      savedAtCompletion = saved;
      completed(o);
    };
    handler(ev);
    await ev.first;
    assert.equal(savedAtCompletion, true);
    assert.equal(office.roaming["zv.failMode"], "prompt");
    assert.equal(office.roaming["zv.sendBudgetSeconds"], 30);
    assert.equal(office.saves, 1);
    // The same policy again: nothing to save, no second saveAsync.
    api.next = { kind: "json", body: checkAnswer("allow", { policy: { sendMode: "soft-block", failMode: "prompt", sendBudgetSeconds: 30 } }) };
    await send(office);
    assert.equal(office.saves, 1);
  });

  it("When Outlook never answers the save, then the verdict still completes the event, once, within the budget", async () => {
    api.next = { kind: "json", body: checkAnswer("block", { policy: { sendMode: "soft-block", failMode: "prompt", sendBudgetSeconds: 20 } }) };
    const office = makeOffice(MAIL);
    office.context.roamingSettings.saveAsync = () => undefined;
    const { ev, elapsed } = await send(office);
    assert.equal(ev.calls.length, 1);
    assert.equal(ev.calls[0]?.commandId, "msgComposeCheckButton");
    assert.ok(elapsed < 4000, `${elapsed} ms`);
  });

  it("When the backend is down and no fail mode is known, then sending is blocked with an explanation (never a silent allow)", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    configure({ apiBaseUrl: `http://127.0.0.1:${port}`, devMode: true });
    const { ev } = await send(makeOffice(MAIL));
    assert.equal(ev.calls.length, 1);
    const c = ev.calls[0] ?? {};
    assert.equal(c.allowEvent, false);
    assert.equal(c.sendModeOverride, undefined);
    assert.match(String(c.errorMessage), /niet bereikbaar/);
    assert.equal(c.commandId, "msgComposeCheckButton");
  });

  it("When the backend is down and the school's fail mode is prompt, then the user may choose (PromptUser)", async () => {
    configure({ apiBaseUrl: "http://127.0.0.1:9", devMode: true });
    const { ev } = await send(makeOffice(MAIL, { roaming: { "zv.failMode": "prompt" } }));
    assert.equal(ev.calls.length, 1);
    assert.equal(ev.calls[0]?.allowEvent, false);
    assert.equal(ev.calls[0]?.sendModeOverride, "promptUser");
  });

  it("When the school's send budget is 2 s and the backend answers after 2.5 s, then the fail mode applies at 2 s, once, naming 2 seconds", async () => {
    configure({ apiBaseUrl: api.baseUrl, devMode: true }); // no override: the budget comes from the kept policy
    api.next = { kind: "json", body: checkAnswer("allow"), delayMs: 2500 };
    const { ev, elapsed } = await send(makeOffice(MAIL, { roaming: { "zv.sendBudgetSeconds": 2 } }), 900);
    assert.equal(ev.calls.length, 1);
    assert.ok(elapsed >= 1900 && elapsed < 2450, `completed after ${elapsed} ms`);
    const c = ev.calls[0] ?? {};
    assert.equal(c.allowEvent, false);
    assert.match(String(c.errorMessage), /binnen 2 seconden/);
  });

  it("When no budget is known yet (first send) and the backend needs 6 s, then the default budget waits for the verdict", async () => {
    api.next = { kind: "json", body: checkAnswer("allow"), delayMs: 6000 };
    const { ev, elapsed } = await send(makeOffice(MAIL));
    assert.deepEqual(ev.calls, [{ allowEvent: true }]);
    assert.ok(elapsed >= 5900, `${elapsed} ms`);
  });

  it("When Outlook throws on completed, then the handler answers once more with a minimal blocking completion, and never a third time", async () => {
    api.next = { kind: "json", body: checkAnswer("block") };
    const handler = createOnMessageSendHandler({ office: () => makeOffice(MAIL) as unknown as OfficeLike });
    const calls: Record<string, unknown>[] = [];
    let done: () => void = () => undefined;
    const second = new Promise<void>((r) => (done = r));
    handler({
      completed(o) {
        calls.push(o);
        if (calls.length === 2) done();
        throw new Error("Outlook refused the options");
      },
    });
    await second;
    await sleep(200);
    assert.equal(calls.length, 2);
    assert.equal(calls[0]?.commandId, "msgComposeCheckButton");
    assert.deepEqual(Object.keys(calls[1] ?? {}).sort(), ["allowEvent", "errorMessage"]);
    assert.equal(calls[1]?.allowEvent, false);
    assert.match(String(calls[1]?.errorMessage), /niet verzonden/);
  });

  it("When the backend answers nonsense (not the schema), then the fail mode applies", async () => {
    api.next = { kind: "json", body: { verdict: "maybe", checkId: 42 } };
    const { ev } = await send(makeOffice(MAIL));
    assert.equal(ev.calls.length, 1);
    assert.equal(ev.calls[0]?.allowEvent, false);
    assert.match(String(ev.calls[0]?.errorMessage), /onbruikbaar/);
  });

  it("When the backend answers with text that is not JSON, then the fail mode applies", async () => {
    api.next = { kind: "text", body: "<html>proxy error</html>" };
    const { ev } = await send(makeOffice(MAIL, { roaming: { "zv.failMode": "prompt" } }));
    assert.equal(ev.calls.length, 1);
    assert.equal(ev.calls[0]?.allowEvent, false);
    assert.equal(ev.calls[0]?.sendModeOverride, "promptUser");
  });

  it("When the backend answers 500, then the fail mode applies", async () => {
    api.next = { kind: "json", status: 500, body: { error: { code: "INTERNAL", message: "boom" } } };
    const { ev } = await send(makeOffice(MAIL));
    assert.equal(ev.calls.length, 1);
    assert.equal(ev.calls[0]?.allowEvent, false);
  });

  it("When the message cannot be read, then sending is blocked", async () => {
    api.next = { kind: "json", body: checkAnswer("allow") };
    const { ev } = await send(makeOffice(MAIL, { failBody: true }));
    assert.equal(ev.calls.length, 1);
    assert.equal(ev.calls[0]?.allowEvent, false);
    assert.equal(api.checks.length, 0);
  });

  it("[R-PURPOSE-PANE] When the task pane left a purpose in the item's session data, then the handler's check carries it; a malformed mark is ignored", async () => {
    api.next = { kind: "json", body: checkAnswer("allow") };
    await send(makeOffice(MAIL, { sessionData: { zvPurpose: JSON.stringify({ purposeId: "onderzoek-dyslexie" }) } }));
    assert.equal((api.checks[0] as { purposeId?: string }).purposeId, "onderzoek-dyslexie");
    api.next = { kind: "json", body: checkAnswer("allow") };
    await send(makeOffice(MAIL, { sessionData: { zvPurpose: "{not json" } }));
    assert.equal((api.checks[1] as { purposeId?: string }).purposeId, undefined);
  });

  it("[R-CHANNEL-ENCRYPTED] When a sensitivity label is applied to the mail, then the handler's check carries its id; without one (or without labels) none is sent", async () => {
    const labels = [{ id: "8a1b2c3d-0000-4000-8000-00000000e2e2", name: "Versleuteld" }];
    api.next = { kind: "json", body: checkAnswer("allow") };
    await send(makeOffice(MAIL, { sensitivityLabels: labels, appliedLabel: "8a1b2c3d-0000-4000-8000-00000000e2e2" }));
    assert.equal((api.checks[0] as { sensitivityLabelId?: string }).sensitivityLabelId, "8a1b2c3d-0000-4000-8000-00000000e2e2");
    api.next = { kind: "json", body: checkAnswer("allow") };
    await send(makeOffice(MAIL, { sensitivityLabels: labels }));
    assert.equal((api.checks[1] as { sensitivityLabelId?: string }).sensitivityLabelId, undefined);
    api.next = { kind: "json", body: checkAnswer("allow") };
    await send(makeOffice(MAIL));
    assert.equal((api.checks[2] as { sensitivityLabelId?: string }).sensitivityLabelId, undefined);
  });

  it("[R-ATTACH-PICK] When the task pane named the student of the mail in the item's session data, then the handler's check carries it; a malformed mark is ignored", async () => {
    api.next = { kind: "json", body: checkAnswer("allow") };
    await send(makeOffice(MAIL, { sessionData: { zvStudents: JSON.stringify({ studentIds: ["lln-003"] }) } }));
    assert.deepEqual((api.checks[0] as { studentIds?: string[] }).studentIds, ["lln-003"]);
    api.next = { kind: "json", body: checkAnswer("allow") };
    await send(makeOffice(MAIL, { sessionData: { zvStudents: JSON.stringify({ studentIds: "lln-003" }) } }));
    assert.equal((api.checks[1] as { studentIds?: string[] }).studentIds, undefined);
  });

  it("When the task pane recorded an override for exactly these recipients, then the recording check names it (the server compares the digest) and the server's allow lets the mail go", async () => {
    api.next = { kind: "json", body: checkAnswer("allow", { override: { checkId: "chk_x", reason: "Ouders telefonisch akkoord" } }) };
    const override = JSON.stringify({ checkId: "chk_x", recipients: ["collega@demo-school.nl", "jgz@ggd-regio.nl"] });
    const { ev } = await send(makeOffice(MAIL, { sessionData: { zvOverride: override } }));
    assert.deepEqual(ev.calls, [{ allowEvent: true }]);
    assert.equal((api.checks[0] as { overrideOf?: string }).overrideOf, "chk_x");
  });

  it("When recipients changed after an override, then the check runs again without the override", async () => {
    api.next = { kind: "json", body: checkAnswer("block") };
    const override = JSON.stringify({ checkId: "chk_x", recipients: ["jgz@ggd-regio.nl"] });
    const { ev } = await send(makeOffice(MAIL, { sessionData: { zvOverride: override } }));
    assert.equal(ev.calls.length, 1);
    assert.equal(ev.calls[0]?.allowEvent, false);
    assert.equal((api.checks[0] as { overrideOf?: string }).overrideOf, undefined);
  });

  for (const verdict of ["allow", "warn", "block"] as const) {
    it(`When the backend answers ${verdict} with a stamp, then the recording check was asked (mode send, Idempotency-Key) and the mail is stamped with x-zorgvuldig-check BEFORE the event completes`, async () => {
      const stamp = "chk_0123456789abcdef01234567.AAAAAAAAAAAAAAAAAAAAAA";
      api.next = { kind: "json", body: checkAnswer(verdict, { stamp }) };
      const office = makeOffice(MAIL);
      let completedAt = 0;
      const handler = createOnMessageSendHandler({ office: () => office as unknown as OfficeLike });
      const ev = makeEvent();
      handler({ completed: (o) => ((completedAt = Date.now()), ev.completed(o)) });
      await ev.first;
      assert.equal(office.double.internetHeaders.get("x-zorgvuldig-check"), stamp);
      assert.ok(office.double.internetHeadersSetAt !== undefined && office.double.internetHeadersSetAt <= completedAt, "stamped before completing");
      const body = api.checks[0] as { mode?: string };
      assert.equal(body.mode, "send");
      assert.match(api.keys[0] ?? "", /^zv-send-[0-9a-f]{32}$/);
    });
  }

  it("When a meeting is sent (OnAppointmentSend; an appointment has no internet headers), then its check is saved as the add-in's custom property zvCheck BEFORE the event completes", async () => {
    const stamp = "chk_0123456789abcdef01234567.AAAAAAAAAAAAAAAAAAAAAA";
    api.next = { kind: "json", body: checkAnswer("warn", { stamp }) };
    const office = makeOffice({ ...MAIL, itemType: "appointment" });
    let completedAt = 0;
    const handler = createOnMessageSendHandler({ office: () => office as unknown as OfficeLike });
    const ev = makeEvent();
    handler({ completed: (o) => ((completedAt = Date.now()), ev.completed(o)) });
    await ev.first;
    assert.equal(office.double.customProperties.get("zvCheck"), stamp);
    assert.ok(office.double.customPropertiesSavedAt !== undefined && office.double.customPropertiesSavedAt <= completedAt, "saved before completing");
    assert.equal(office.double.internetHeaders.size, 0);
    assert.equal((api.checks[0] as { mode?: string }).mode, "send");
  });

  it("When the handler module loads with Office present, then it associates the manifest's function name", async () => {
    const office = makeOffice(MAIL);
    (globalThis as unknown as { Office?: unknown }).Office = office;
    try {
      await import("../../src/addin/onsend/handler.js?associate=1" as string);
      assert.equal(typeof office.associated.get(HANDLER_NAME), "function");
    } finally {
      delete (globalThis as unknown as { Office?: unknown }).Office;
    }
  });
});

/**
 * The same handler against the real backend (Azurite + server with the demo school). Slow and malformed
 * answers come from a small proxy in front of the real server that delays or garbles POST /api/check.
 */
describe("on-send handler against the real backend (Azurite, demo school)", function () {
  this.timeout(60_000);
  let stack: import("../support/stack.js").Stack;
  let proxy: http.Server;
  let proxyUrl = "";
  let proxyMode: "pass" | "slow" | "garble" = "pass";

  before(async () => {
    const { startStack } = await import("../support/stack.js");
    stack = await startStack({ seedDemo: true });
    proxy = http.createServer((req, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
      req.on("end", async () => {
        const isCheck = req.url === "/api/check";
        if (isCheck && proxyMode === "slow") await sleep(4500);
        const headers: Record<string, string> = {};
        for (const h of ["authorization", "content-type", "accept-language", "accept", "idempotency-key"]) {
          const v = req.headers[h];
          if (typeof v === "string") headers[h] = v;
        }
        // A slow answer may wake after a later test stopped the backend: the client then gets a reset
        // connection (as from a dead proxy), never an unhandled rejection in this test process.
        const up = await fetch(`${stack.baseUrl}${req.url ?? "/"}`, { method: req.method ?? "GET", headers, ...(raw ? { body: raw } : {}) }).catch(() => undefined);
        if (!up) {
          res.destroy();
          return;
        }
        let text = await up.text();
        if (isCheck && proxyMode === "garble") text = text.replace(/"verdict":"[a-z]+"/, '"verdict":"perhaps"');
        if (res.destroyed) return;
        res.writeHead(up.status, { "content-type": up.headers.get("content-type") ?? "application/json" });
        res.end(text);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  after(async () => {
    configure(undefined);
    proxy?.closeAllConnections();
    await new Promise<void>((r) => (proxy ? proxy.close(() => r()) : r()));
    await stack?.stop();
  });
  beforeEach(() => {
    clearTokenCache();
    proxyMode = "pass";
    configure({ apiBaseUrl: stack.baseUrl, devMode: true });
  });

  const mail = (to: string, name: string): FakeMail => ({ to: [to], subject: `Verslag ${name}`, body: `Hierbij het verslag over ${name}.` });

  it("When a parent consented to the JGZ consult, then the mail to the GGD is allowed", async () => {
    const { ev } = await send(makeOffice(mail("jgz@ggd-voorbeeldregio.example", "Jan de Vries"), { userEmail: "ib@regenboog.school.example" }));
    assert.deepEqual(ev.calls, [{ allowEvent: true }]);
  });

  it("When leerplicht gets a report but the parents were not informed, then the mail waits (warn, SoftBlock) and the pane is one click away", async () => {
    const { ev } = await send(makeOffice(mail("lpa@leerplicht.voorbeeldstad.example", "Daan Jansen")));
    assert.equal(ev.calls.length, 1);
    assert.equal(ev.calls[0]?.allowEvent, false);
    assert.equal(ev.calls[0]?.sendModeOverride, undefined);
    assert.equal(ev.calls[0]?.commandId, "msgComposeCheckButton");
    assert.ok(String(ev.calls[0]?.errorMessage).length > 0);
  });

  it("[R-PURPOSE-PANE] When the pane chose a dyslexia referral for a mail to leerplicht, then the real server judges that purpose (not covered by the absence statute: blocked); without it the default purpose warns", async () => {
    const m = mail("lpa@leerplicht.voorbeeldstad.example", "Daan Jansen");
    const chosen = await send(makeOffice(m, { sessionData: { zvPurpose: JSON.stringify({ purposeId: "onderzoek-dyslexie" }) } }));
    assert.equal(chosen.ev.calls.length, 1);
    assert.equal(chosen.ev.calls[0]?.allowEvent, false);
    assert.equal(chosen.ev.calls[0]?.sendModeOverride, undefined);
    const { checkId } = JSON.parse(String(chosen.ev.calls[0]?.contextData)) as { checkId: string };
    const stored = await stack.api<{ verdict: string; purposeId?: string; recipients: { reasons: { code: string }[] }[] }>("GET", `/api/checks/${checkId}`);
    assert.equal(stored.json.purposeId, "onderzoek-dyslexie");
    assert.ok(stored.json.recipients[0]?.reasons.some((r) => r.code === "PURPOSE_NOT_COVERED"), JSON.stringify(stored.json.recipients));
    const dflt = await send(makeOffice(m));
    const { checkId: dfltId } = JSON.parse(String(dflt.ev.calls[0]?.contextData)) as { checkId: string };
    const dfltCheck = await stack.api<{ verdict: string }>("GET", `/api/checks/${dfltId}`);
    assert.equal(dfltCheck.json.verdict, "warn", "the default purpose (absence report) only warns");
  });

  it("When the wijkteam gets a report without consent, then sending is blocked with the task pane command and the stored check's id", async () => {
    const office = makeOffice(mail("team@wijkteam.voorbeeldstad.example", "Daan Jansen"));
    const { ev } = await send(office);
    assert.equal(ev.calls.length, 1);
    const c = ev.calls[0] ?? {};
    assert.equal(c.allowEvent, false);
    assert.equal(c.sendModeOverride, undefined);
    assert.equal(c.commandId, "msgComposeCheckButton");
    assert.equal(c.cancelLabel, "Actie ondernemen");
    const { checkId } = JSON.parse(String(c.contextData)) as { checkId: string };
    const stored = await stack.api<{ verdict: string; message: string }>("GET", `/api/checks/${checkId}`);
    assert.equal(stored.status, 200);
    assert.equal(stored.json.verdict, "block");
    assert.equal(c.errorMessage, stored.json.message);
    // Blocked, and still stamped: "Send Anyway" or SoftBlock-when-unavailable would send it.
    assert.match(office.double.internetHeaders.get("x-zorgvuldig-check") ?? "", new RegExp(`^${checkId}\\.[A-Za-z0-9_-]{22}$`));
  });

  it("When the real backend answers after 4.5 s (through a slow proxy) and the budget is 3 s, then the fail mode applies at 3 s, once", async () => {
    configure({ apiBaseUrl: proxyUrl, devMode: true, timeoutMs: 3000 });
    proxyMode = "slow";
    const { ev, elapsed } = await send(makeOffice(mail("jgz@ggd-voorbeeldregio.example", "Jan de Vries")), 900);
    assert.equal(ev.calls.length, 1);
    assert.ok(elapsed < 3700, `${elapsed} ms`);
    assert.equal(ev.calls[0]?.allowEvent, false);
  });

  it("When the real backend's answer is garbled on the way, then the fail mode applies", async () => {
    configure({ apiBaseUrl: proxyUrl, devMode: true });
    proxyMode = "garble";
    const { ev } = await send(makeOffice(mail("jgz@ggd-voorbeeldregio.example", "Jan de Vries")));
    assert.equal(ev.calls.length, 1);
    assert.equal(ev.calls[0]?.allowEvent, false);
    assert.match(String(ev.calls[0]?.errorMessage), /onbruikbaar/);
  });

  it("When the backend has stopped, then sending is blocked (the last known fail mode, default block)", async () => {
    const { startStack } = await import("../support/stack.js");
    const other = await startStack({ seedDemo: false });
    const url = other.baseUrl;
    await other.stop();
    configure({ apiBaseUrl: url, devMode: true });
    const { ev } = await send(makeOffice(mail("jgz@ggd-voorbeeldregio.example", "Jan de Vries")));
    assert.equal(ev.calls.length, 1);
    assert.equal(ev.calls[0]?.allowEvent, false);
    assert.equal(ev.calls[0]?.sendModeOverride, undefined);
  });
});
