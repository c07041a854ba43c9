import assert from "node:assert/strict";
import path from "node:path";
import type { Page } from "playwright-core";
import { runAxe } from "../support/browser.js";
import { usePaneBrowser } from "./support/pane-browser.js";
import { startChallengeProxy, type ChallengeProxy } from "./support/challenge-proxy.js";
import type { PaneSetup } from "./support/office-double-page.js";

interface RegisterAnswer {
  events: { type: string; evidence?: { messageId?: string; hashSource?: string; mailbox?: string } }[];
}

/** Entra's claims challenge as the server passes it on (details.claims of INTERACTION_REQUIRED). */
const CLAIMS = '{"access_token":{"capolids":{"essential":true,"values":["c1a2b3c4-0000-4000-8000-000000000001"]}}}';

const READ = (messageId: string, extra: Partial<NonNullable<PaneSetup["read"]>> = {}): NonNullable<PaneSetup["read"]> => ({
  internetMessageId: messageId,
  from: "ouder1.devries@mail.example",
  fromName: "Sanne de Vries",
  subject: "Toestemming voor Jan de Vries",
  bodyText: "Beste juf,\n\nIk geef toestemming voor het gesprek met de jeugdarts.\n\nGroet, Sanne de Vries",
  date: "2025-03-11T09:15:00.000Z",
  ...extra,
});

describe("Task pane sign-in: the backend's INTERACTION_REQUIRED and CONSENT_REQUIRED, and shared mailboxes (Office.js double, local stand-in backend)", function () {
  this.timeout(120_000);
  const pane = usePaneBrowser("zv-signin-dist-");
  const { stack } = pane;
  let proxy: ChallengeProxy;

  before(async () => {
    proxy = await startChallengeProxy(stack.baseUrl);
  });
  after(async () => {
    await proxy?.close();
  });
  beforeEach(() => {
    proxy.script.length = 0;
    proxy.seen.length = 0;
  });

  const open = (mode: string, setup: PaneSetup): Promise<Page> => pane.open(mode, setup, proxy.url);

  /** The AuthOptions of every Office SSO call the pane made. */
  const ssoCalls = (page: Page): Promise<Record<string, unknown>[]> =>
    page.evaluate(() => (window.__ZV_OFFICE__?.double.ssoCalls ?? []) as Record<string, unknown>[]);

  async function register(studentId: string): Promise<RegisterAnswer> {
    const r = await stack.api<RegisterAnswer>("GET", `/api/students/${studentId}/register`);
    assert.equal(r.status, 200);
    return r.json;
  }

  it("When the backend answers INTERACTION_REQUIRED with a claims challenge, then the pane asks to sign in, passes the claims to Office's sign-in, and carries on with the new token", async () => {
    proxy.script.push({
      method: "GET",
      path: "/api/me",
      status: 401,
      body: { error: { code: "INTERACTION_REQUIRED", message: "Sign in again (or complete multi-factor sign-in) to continue", details: { reason: "interaction_required", claims: CLAIMS } } },
    });
    const page = await open("record", { sso: true, read: READ("<signin-1@mail.example>") });
    const prompt = page.getByTestId("sign-in-prompt");
    await prompt.getByText("Opnieuw aanmelden").waitFor();
    await page.screenshot({ path: path.join(pane.shots, "sign-in-prompt.png"), fullPage: true });
    const bad = await runAxe(page);
    assert.deepEqual(bad, [], JSON.stringify(bad));
    const silentCalls = (await ssoCalls(page)).length;
    assert.ok(silentCalls >= 1, "the pane's first token came from Office SSO");

    await page.getByRole("button", { name: "Aanmelden" }).click();
    await page.getByText("is ouder met gezag of voogd van Jan de Vries").waitFor();
    assert.equal(await prompt.count(), 0, "the prompt is gone");
    const calls = await ssoCalls(page);
    const challenge = calls[silentCalls];
    assert.ok(challenge, "one more SSO call: the interactive one");
    assert.equal(challenge.authChallenge, CLAIMS, "Entra's claims reach the sign-in");
    assert.equal(challenge.allowSignInPrompt, true);
    assert.equal(proxy.seen.filter((s) => s === "GET /api/me").length, 2, "the view asked again after signing in");
    await page.context().close();
  });

  it("When recording answers CONSENT_REQUIRED, then nothing is recorded, the pane offers consent (Office's consent prompt), and recording afterwards works", async () => {
    const messageId = "<consent-1@mail.example>";
    proxy.script.push({
      method: "POST",
      path: "/api/consents",
      status: 403,
      body: { error: { code: "CONSENT_REQUIRED", message: "Consent is needed before this app may use your mailbox; ask your administrator or consent when prompted", details: { reason: "consent_required" } } },
    });
    const before = (await register("lln-001")).events.length;
    const page = await open("record", { sso: true, read: READ(messageId) });
    const choose = async (): Promise<void> => {
      await page.getByText("is ouder met gezag of voogd van Jan de Vries").waitFor();
      await page.getByLabel("Ontvangende partij").selectOption("ggd");
      await page.getByRole("combobox", { name: /^Doel/ }).selectOption("jgz-consult");
      await page.getByRole("button", { name: "Vastleggen" }).click();
    };
    await choose();
    const prompt = page.getByTestId("sign-in-prompt");
    await prompt.getByText("Toestemming nodig").waitFor();
    await prompt.getByText(/vraag uw beheerder/).waitFor();
    const bad = await runAxe(page);
    assert.deepEqual(bad, [], JSON.stringify(bad));
    await page.screenshot({ path: path.join(pane.shots, "consent-prompt.png"), fullPage: true });
    assert.equal((await register("lln-001")).events.length, before, "nothing recorded");

    const n = (await ssoCalls(page)).length;
    await page.getByRole("button", { name: "Toestemming geven" }).click();
    // Consent given, the pane starts its view over: choose again in the new view, not the old one.
    await prompt.waitFor({ state: "detached" });
    await choose();
    await page.getByText("Vastgelegd in het toestemmingsregister.").waitFor();
    const consentCall = (await ssoCalls(page))[n];
    assert.equal(consentCall?.allowConsentPrompt, true);
    assert.equal(consentCall?.authChallenge, undefined);
    const after = (await register("lln-001")).events;
    assert.equal(after.length, before + 1);
    assert.ok(after.some((e) => e.type === "consent" && e.evidence?.messageId === messageId));
    await page.context().close();
  });

  it("When the parent's mail is in a shared mailbox and the server has no Graph, then the pane says the evidence is its own hash and records it with the mailbox named", async () => {
    const messageId = "<shared-pane-1@mail.example>";
    const page = await open("record", { read: READ(messageId, { sharedMailbox: "zorg@regenboog.school.example", date: "2025-03-12T09:15:00.000Z" }) });
    await page.getByText("is ouder met gezag of voogd van Jan de Vries").waitFor();
    const note = page.getByTestId("client-hash-note");
    await note.waitFor();
    assert.match(await note.innerText(), /gedeelde mailbox zorg@regenboog\.school\.example/);
    const bad = await runAxe(page);
    assert.deepEqual(bad, [], JSON.stringify(bad));
    await page.getByLabel("Ontvangende partij").selectOption("ggd");
    await page.getByRole("combobox", { name: /^Doel/ }).selectOption("jgz-consult");
    await page.getByRole("button", { name: "Vastleggen" }).click();
    await page.getByText("Vastgelegd in het toestemmingsregister.").waitFor();
    const ev = (await register("lln-001")).events.find((e) => e.evidence?.messageId === messageId)?.evidence;
    assert.equal(ev?.hashSource, "client");
    assert.equal(ev?.mailbox, "zorg@regenboog.school.example");
    await page.context().close();
  });
});
