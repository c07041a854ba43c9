/**
 * The simulated Office (src/playground/office-sim.ts) in Node: the real on-send handler (source) reads the
 * simulated item and completes the simulated event, with the backend answered by a stub fetch. This is how
 * the add-in's own tests can share the simulation.
 */
import assert from "node:assert/strict";
import { OfficeSim, SimSendTimeout } from "../../src/playground/office-sim.js";
import { createOnMessageSendHandler, HANDLER_NAME } from "../../src/addin/onsend/handler.js";
import { configure } from "../../src/addin/onsend/config.js";
import { clearTokenCache } from "../../src/addin/onsend/token.js";
import { FAIL_MODE_SETTING, OVERRIDE_KEY, readComposeItem, type OfficeLike } from "../../src/addin/onsend/office.js";
import type { CheckResponse } from "../../contract/sendcheck.js";

const BLOCK: CheckResponse = {
  checkId: "chk_test_1",
  verdict: "block",
  message: "Niet verzenden. jgz@ggd-voorbeeldregio.example: geen toestemming.",
  students: [{ id: "lln-005", name: "Sem van Dijk" }],
  recipients: [
    {
      address: "jgz@ggd-voorbeeldregio.example",
      kind: "party",
      party: { id: "ggd", name: "GGD Voorbeeldregio (JGZ)", kind: "ggd" },
      verdict: "block",
      basis: "none",
      reasons: [{ code: "NO_CONSENT", message: "Geen toestemming.", studentId: "lln-005" }],
    },
  ],
  policy: { sendMode: "soft-block", failMode: "prompt", sendBudgetSeconds: 20 },
};

function stubFetch(answer: unknown, seen: { url: string; body: unknown }[]): typeof fetch {
  return async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const body = typeof init?.body === "string" ? (JSON.parse(init.body) as unknown) : undefined;
    seen.push({ url, body });
    const json = url.endsWith("/dev/token") ? { token: "dev-token", expiresIn: 3600 } : answer;
    return new Response(JSON.stringify(json), { status: url.endsWith("/dev/token") ? 201 : 200, headers: { "content-type": "application/json" } });
  };
}

describe("office-sim: the simulated Office.js the playground and the add-in's tests share", () => {
  beforeEach(() => {
    clearTokenCache();
    configure({ apiBaseUrl: "http://api.test", devMode: true });
  });
  after(() => configure(undefined));

  it("satisfies the handler's OfficeLike and reads back what was composed", async () => {
    const sim = new OfficeSim({ displayLanguage: "nl-NL" });
    const office: OfficeLike = sim.office; // compile-time: the simulation has the surface the handler uses
    sim.compose({ to: ["jgz@ggd-voorbeeldregio.example", "not an address"], cc: ["ib@regenboog.school.example"], subject: "S", body: "B", attachments: [{ name: "a.pdf", size: 10 }] });
    const mail = await readComposeItem(office);
    // Every recipient as Outlook gives it, with its type: the typed text that is no address is kept (the server resolves or blocks it).
    assert.deepEqual(mail, {
      to: [
        { address: "jgz@ggd-voorbeeldregio.example", type: "externalUser" },
        { address: "not an address", type: "externalUser" },
      ],
      cc: [{ address: "ib@regenboog.school.example", type: "user" }],
      bcc: [],
      subject: "S",
      body: "B",
      attachments: [{ id: "0", name: "a.pdf", size: 10, kind: "file" }],
    });
  });

  it("runs an associated handler like Outlook: one event, resolved with event.completed's options", async () => {
    const sim = new OfficeSim();
    const seen: { url: string; body: unknown }[] = [];
    sim.office.actions.associate(HANDLER_NAME, createOnMessageSendHandler({ office: () => sim.office, fetchImpl: stubFetch(BLOCK, seen) }) as (e: never) => void);
    sim.compose({ to: ["jgz@ggd-voorbeeldregio.example"], subject: "Aanmelding", body: "Over Sem van Dijk" });
    const o = await sim.send();
    assert.equal(o.allowEvent, false);
    assert.equal(o.cancelLabel, "Actie ondernemen");
    assert.deepEqual(JSON.parse(String(o.contextData)), { checkId: "chk_test_1" });
    assert.equal(o.sendModeOverride, undefined);
    const check = seen.find((s) => s.url.endsWith("/api/check"));
    assert.ok(check);
    assert.deepEqual((check.body as { to: unknown[] }).to, [{ address: "jgz@ggd-voorbeeldregio.example", type: "externalUser" }]);
    assert.equal(sim.roaming[FAIL_MODE_SETTING], "prompt", "the school's fail mode was saved in roaming settings");
    assert.equal(sim.completions.length, 1);
  });

  it("session data left by the task pane makes the handler's recording check name the override, and the server's allow lets it go, stamped", async () => {
    const sim = new OfficeSim();
    const seen: { url: string; body: unknown }[] = [];
    const stamp = "chk_test_2.AAAAAAAAAAAAAAAAAAAAAA";
    const allowed = { ...BLOCK, checkId: "chk_test_2", verdict: "allow", stamp, override: { checkId: "chk_test_1", reason: "Telefonisch akkoord" } };
    sim.office.actions.associate(HANDLER_NAME, createOnMessageSendHandler({ office: () => sim.office, fetchImpl: stubFetch(allowed, seen) }) as (e: never) => void);
    sim.compose({ to: ["JGZ@ggd-voorbeeldregio.example"], subject: "x", body: "y" });
    sim.sessionData.set(OVERRIDE_KEY, JSON.stringify({ checkId: "chk_test_1", recipients: ["jgz@ggd-voorbeeldregio.example"] }));
    const o = await sim.send();
    assert.equal(o.allowEvent, true);
    const checks = seen.filter((s) => s.url.endsWith("/api/check"));
    assert.equal(checks.length, 1);
    assert.deepEqual((checks[0]?.body as { mode?: string; overrideOf?: string }), { ...(checks[0]?.body as object), mode: "send", overrideOf: "chk_test_1" });
    assert.equal(sim.internetHeaders.get("x-zorgvuldig-check"), stamp);
  });

  it("items, context data, new message forms and sendAsync behave like Outlook's", async () => {
    const sim = new OfficeSim({ displayLanguage: "en-GB" });
    sim.compose({ to: ["a@b.example"] });
    type Item = {
      to: { setAsync(v: unknown[], cb: (r: { status: string }) => void): void };
      body: { setAsync(v: string, o: object, cb: (r: { status: string }) => void): void };
      getInitializationContextAsync(cb: (r: { status: string; value: string }) => void): void;
      addHandlerAsync(t: string, h: (e: { initializationContextData: string }) => void): void;
      sendAsync(cb: (r: { status: string }) => void): void;
    };
    const item = sim.office.context.mailbox.item as Item;
    const call = <T>(f: (cb: (r: T) => void) => void) => new Promise<T>((resolve) => f(resolve));
    assert.equal((await call<{ status: string; value: string }>((cb) => item.getInitializationContextAsync(cb))).status, "failed", "no context: Outlook fails the call");
    sim.setInitializationContext('{"checkId":"c1"}', false);
    assert.equal((await call<{ status: string; value: string }>((cb) => item.getInitializationContextAsync(cb))).value, '{"checkId":"c1"}');
    const pushed = new Promise<string>((resolve) => item.addHandlerAsync(sim.office.EventType.InitializationContextChanged, (e) => resolve(e.initializationContextData)));
    sim.setInitializationContext('{"checkId":"c2"}');
    assert.equal(await pushed, '{"checkId":"c2"}');
    await call((cb) => item.to.setAsync([{ emailAddress: "x@y.example", displayName: "X" }, "z@y.example"], cb));
    await call((cb) => item.body.setAsync("<p>Hallo <b>daar</b></p><p>tweede</p>", { coercionType: "html" }, cb));
    assert.deepEqual(sim.composeSnapshot().to, ["x@y.example", "z@y.example"]);
    assert.equal(sim.composeSnapshot().body, "Hallo daar\ntweede");
    assert.equal((await call<{ status: string }>((cb) => item.sendAsync(cb))).status, "failed", "no send route: fails");
    sim.onSendAsync = async () => true;
    assert.equal((await call<{ status: string }>((cb) => item.sendAsync(cb))).status, "succeeded");
    sim.office.context.mailbox.displayNewMessageForm({ toRecipients: ["p@q.example"], subject: "S" });
    assert.equal(sim.newMessages.length, 1);
    assert.equal(sim.office.context.requirements.isSetSupported("Mailbox", "1.15"), true);
    assert.equal(sim.office.context.requirements.isSetSupported("Mailbox", "1.16"), false);
    await assert.rejects(sim.office.auth.getAccessToken());
    sim.read({
      internetMessageId: "<m1@mail.example>",
      from: { emailAddress: "ouder@mail.example", displayName: "Ouder" },
      to: [],
      subject: "Re: x",
      body: "Ik geef toestemming.",
      dateTimeCreated: new Date("2026-01-02T03:04:05Z"),
    });
    const read = sim.office.context.mailbox.item as { internetMessageId: string; dateTimeCreated: Date };
    assert.equal(read.internetMessageId, "<m1@mail.example>");
    assert.ok(read.dateTimeCreated instanceof Date);
  });

  it("install() sets and restores the global; a handler that never completes times out", async () => {
    const sim = new OfficeSim();
    const g = globalThis as { Office?: unknown };
    const restore = sim.install();
    assert.equal(g.Office, sim.office);
    restore();
    assert.equal(g.Office, undefined);
    sim.office.actions.associate(HANDLER_NAME, () => undefined);
    await assert.rejects(sim.send({ timeoutMs: 20 }), SimSendTimeout);
  });
});
