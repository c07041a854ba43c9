import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { startStack, type Stack } from "../support/stack.js";
import { launchBrowser, runAxe, screenshotDir } from "../support/browser.js";
import type { SimHostConfig } from "../../src/addin/taskpane/sim-host.js";
import { buildAddin } from "./support/build-addin.js";

interface RegisterAnswer {
  events: { type: string; decision?: string; partyId?: string; purposeId?: string; givenBy?: unknown; method?: string; informationShown?: string; evidence?: Record<string, unknown> }[];
}

describe("Outlook task pane in a browser (simulated Outlook, real backend on Azurite)", function () {
  this.timeout(120_000);
  let stack: Stack;
  let browser: Browser;
  let dist: string;
  /** Where the screenshots go (test-output/addin). */
  let shots = "";

  before(async () => {
    dist = mkdtempSync(path.join(os.tmpdir(), "zv-addin-dist-"));
    await buildAddin(dist);
    stack = await startStack({ seedDemo: true, distDir: dist });
    browser = await launchBrowser();
    shots = screenshotDir("addin");
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  async function open(mode: string, sim: SimHostConfig): Promise<Page> {
    // bypassCSP only so the test can inject axe-core inline; the page itself runs under the server's CSP.
    const context = await browser.newContext({ bypassCSP: true, locale: "nl-NL", viewport: { width: 380, height: 900 } });
    const page = await context.newPage();
    // office.js is not needed with the simulated host (and the test has no internet).
    await page.route("https://appsforoffice.microsoft.com/**", (r) => r.fulfill({ status: 200, contentType: "text/javascript", body: "" }));
    await page.addInitScript((cfg) => {
      (window as unknown as { __ZV_SIM_HOST__: unknown }).__ZV_SIM_HOST__ = cfg;
    }, { apiBaseUrl: stack.baseUrl, ...sim });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${stack.baseUrl}/addin/taskpane.html?mode=${mode}`);
    assert.deepEqual(errors, []);
    return page;
  }

  async function noSeriousAxeViolations(page: Page): Promise<void> {
    const bad = await runAxe(page);
    assert.deepEqual(bad, [], JSON.stringify(bad));
  }

  async function register(studentId: string): Promise<RegisterAnswer> {
    const r = await stack.api<RegisterAnswer>("GET", `/api/students/${studentId}/register`);
    assert.equal(r.status, 200);
    return r.json;
  }

  it("When a parent with authority answers a consent request, then one click records the consent with its evidence in the register", async () => {
    const req = await stack.api<{ requestId: string; subject: string; informationShown: string }>("POST", "/api/consent-requests", {
      studentId: "lln-001",
      partyId: "dyslexiepraktijk",
      purposeId: "onderzoek-dyslexie",
    });
    assert.equal(req.status, 201);
    const before = (await register("lln-001")).events.length;
    const bodyText = "Beste juf,\n\nIk geef toestemming.\n\nGroet, Sanne de Vries\n\n> Wij vragen uw toestemming ...";
    const messageId = "<reply-123@mail.example>";
    const page = await open("record", {
      read: {
        internetMessageId: messageId,
        from: "ouder1.devries@mail.example",
        fromName: "Sanne de Vries",
        subject: `RE: ${req.json.subject}`,
        bodyText,
        date: "2025-03-10T09:15:00.000Z",
      },
    });
    await page.getByText("is ouder/voogd met gezag van Jan de Vries").waitFor();
    await page.getByText(`Dit is een antwoord op verzoek ${req.json.requestId}.`).waitFor();
    const summary = await page.getByTestId("summary").innerText();
    assert.match(summary, /Dyslexiepraktijk Letterwijs/);
    assert.match(summary, /Onderzoek naar dyslexie/);
    assert.match(summary, /Geeft toestemming/);
    await page.screenshot({ path: path.join(shots, "record-ready.png"), fullPage: true });
    await noSeriousAxeViolations(page);

    await page.getByRole("button", { name: "Vastleggen" }).click();
    await page.getByText("Vastgelegd in het toestemmingsregister.").waitFor();
    await page.screenshot({ path: path.join(shots, "record-done.png"), fullPage: true });

    const after = (await register("lln-001")).events;
    assert.equal(after.length, before + 1);
    const consent = after.find((e) => e.type === "consent" && e.evidence?.messageId === messageId);
    assert.ok(consent, "the consent event is in the register");
    assert.equal(consent.decision, "granted");
    assert.equal(consent.partyId, "dyslexiepraktijk");
    assert.equal(consent.purposeId, "onderzoek-dyslexie");
    assert.equal(consent.method, "email");
    assert.deepEqual(consent.givenBy, { guardianId: "lln-001-o1" });
    assert.equal(consent.informationShown, req.json.informationShown);
    assert.equal(consent.evidence?.sender, "ouder1.devries@mail.example");
    assert.equal(consent.evidence?.sha256, createHash("sha256").update(bodyText, "utf8").digest("hex"));
    assert.equal(consent.evidence?.excerpt, "Beste juf,\n\nIk geef toestemming.\n\nGroet, Sanne de Vries");
    await page.context().close();
  });

  it("When the sender is not a guardian (or a student writing themselves), then the pane refuses and nothing is written", async () => {
    const before = (await register("lln-001")).events.length;
    const page = await open("record", {
      read: {
        internetMessageId: "<x-1@mail.example>",
        from: "onbekend@mail.example",
        fromName: "Onbekend",
        subject: "Toestemming voor Jan de Vries",
        bodyText: "Ik geef toestemming.",
        date: "2025-03-10T09:15:00.000Z",
      },
    });
    await page.getByTestId("refusal").waitFor();
    assert.match(await page.getByTestId("refusal").innerText(), /geen bekende ouder of voogd/);
    assert.equal(await page.getByRole("button", { name: "Vastleggen" }).count(), 0);
    await page.screenshot({ path: path.join(shots, "record-refused.png"), fullPage: true });
    await noSeriousAxeViolations(page);
    assert.equal((await register("lln-001")).events.length, before);
    await page.context().close();
  });

  it("When a parent without parental authority writes, then the pane refuses and nothing is written", async () => {
    const before = (await register("lln-003")).events.length;
    const page = await open("record", {
      read: {
        internetMessageId: "<x-2@mail.example>",
        from: "ron.verhoef@mail.example",
        fromName: "Ron Verhoef",
        subject: "Toestemming",
        bodyText: "Akkoord.",
        date: "2025-03-10T09:15:00.000Z",
      },
    });
    await page.getByTestId("refusal").waitFor();
    assert.match(await page.getByTestId("refusal").innerText(), /geen ouderlijk gezag/);
    assert.equal((await register("lln-003")).events.length, before);
    await page.context().close();
  });
  it("When the Smart Alert opens the pane on a blocked check, then it shows why and the ways out work: request consent, override and send", async () => {
    const compose = { to: ["team@wijkteam.voorbeeldstad.example"], cc: [], bcc: [], subject: "Verslag Daan Jansen", bodyText: "Over Daan Jansen.", attachments: [] };
    // The on-send handler's recording check: the Smart Alert's "Actie ondernemen" opens the pane on it.
    const mail = { to: compose.to, subject: compose.subject, body: compose.bodyText };
    const chk = await stack.api<{ checkId: string; verdict: string }>("POST", "/api/check", { ...mail, mode: "send" }, { headers: { "idempotency-key": "pane-send-1" } });
    assert.equal(chk.json.verdict, "block");
    const page = await open("check", { compose, initializationContext: JSON.stringify({ checkId: chk.json.checkId }) });
    await page.getByText("Niet verzenden", { exact: true }).first().waitFor();
    await page.getByText("Daan Jansen", { exact: true }).waitFor();
    await page.screenshot({ path: path.join(shots, "check-block.png"), fullPage: true });
    await noSeriousAxeViolations(page);

    await page.getByRole("button", { name: "Toestemming vragen" }).click();
    await page.getByText("Er staat een nieuwe e-mail met het toestemmingsverzoek klaar").waitFor();
    type Log = { type: string; message?: { to: string[]; subject: string }; mark?: { checkId: string; recipients: string[] } }[];
    const log1 = await page.evaluate(() => (window as unknown as { __ZV_SIM_LOG__: unknown }).__ZV_SIM_LOG__) as Log;
    const newMail = log1.find((a) => a.type === "displayNewMessage");
    assert.deepEqual(newMail?.message?.to, ["ilse.jansen@mail.example"], "only the guardian with authority");
    assert.match(newMail?.message?.subject ?? "", /\[ZV-[A-Za-z0-9]+\]/);

    const before = (await register("lln-003")).events.length;
    await page.getByLabel("Reden (minstens 10 tekens)").fill("Spoedoverleg met wijkteam, ouder mondeling akkoord.");
    await page.getByRole("button", { name: "Reden vastleggen en verzenden" }).click();
    await page.getByText("De reden is vastgelegd.", { exact: false }).waitFor();
    const log2 = await page.evaluate(() => (window as unknown as { __ZV_SIM_LOG__: unknown }).__ZV_SIM_LOG__) as Log;
    assert.deepEqual(log2.find((a) => a.type === "markOverride")?.mark, { checkId: chk.json.checkId, recipients: ["team@wijkteam.voorbeeldstad.example"] });
    assert.ok(log2.some((a) => a.type === "send"));
    // Nothing in the register until Sent Items shows the mail; the override is bound to this mail's digest:
    // the handler's next check of the same mail (overrideOf) is let through, with the reason.
    assert.equal((await register("lln-003")).events.length, before);
    const again = await stack.api<{ verdict: string; override?: { reason: string } }>("POST", "/api/check", { ...mail, mode: "send", overrideOf: chk.json.checkId }, { headers: { "idempotency-key": "pane-send-2" } });
    assert.equal(again.json.verdict, "allow", JSON.stringify(again.json));
    assert.equal(again.json.override?.reason, "Spoedoverleg met wijkteam, ouder mondeling akkoord.");
    await page.screenshot({ path: path.join(shots, "check-overridden.png"), fullPage: true });
    await page.context().close();
  });

  it("When a recipient is removed from the mail in the pane, then the check runs again on the changed mail", async () => {
    const compose = { to: ["team@wijkteam.voorbeeldstad.example", "juf.anna@regenboog.school.example"], cc: [], bcc: [], subject: "Verslag Daan Jansen", bodyText: "Over Daan Jansen.", attachments: [] };
    const page = await open("check", { compose });
    await page.getByText("Niet verzenden", { exact: true }).first().waitFor();
    await page.getByRole("button", { name: "team@wijkteam.voorbeeldstad.example uit de e-mail verwijderen" }).click();
    await page.getByText("team@wijkteam.voorbeeldstad.example is uit de e-mail verwijderd.").waitFor();
    await page.getByText("Mag verzonden worden", { exact: true }).first().waitFor();
    await page.context().close();
  });
});
