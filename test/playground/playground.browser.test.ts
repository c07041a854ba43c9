/**
 * The playground in headless Chromium over the real stack (Azurite + the server + the demo school): the
 * REAL on-send handler (/addin/onsend.js) runs inside the simulated Outlook (src/playground/office-sim.ts)
 * and the REAL task pane opens from the Smart Alert and from an inbox reply.
 */
import assert from "node:assert/strict";
import path from "node:path";
import type { Browser, BrowserContext, Page, Response } from "playwright-core";
import { ensureBuilt } from "../support/built.js";
import { startStack, type Stack } from "../support/stack.js";
import { launchBrowser, runAxe, screenshotDir } from "../support/browser.js";
import type { SimCompletedOptions as Completed } from "../../src/playground/office-sim.js";
import { DEFAULT_OVERRIDE_REASONS, type CheckResponse } from "../../contract/sendcheck.js";
import type { RegisterEvent } from "../../server/register/domain.js";
import { startDevGraph, type DevGraph } from "../../scripts/dev/outlook-sim.js";
import { USER_EMAIL } from "../../src/playground/demo.js";

/**
 * What the send handlers passed to event.completed, in order (the early handlers of the InfoBar complete
 * their events too, without options; they are left out). Runs in the page.
 */
const SEND_COMPLETIONS = (): Completed[] => {
  const w = window as unknown as { __ZV_PLAYGROUND__?: { sim: { completions: Completed[] } } };
  return (w.__ZV_PLAYGROUND__?.sim.completions ?? []).filter((c) => "allowEvent" in c);
};

describe("Playground: the real add-in in a simulated Outlook, over the real server", function () {
  this.timeout(120_000);
  let stack: Stack;
  let devGraph: DevGraph;
  let browser: Browser;
  let context: BrowserContext;
  /** Where the screenshots go (test-output/playground). */
  let OUT = "";
  const pageErrors: string[] = [];
  const badResponses: string[] = [];

  async function open(query = ""): Promise<Page> {
    const page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("response", (r) => {
      if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) badResponses.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
    });
    await page.goto(`${stack.baseUrl}/playground/${query}`);
    await page.getByTestId("sim-badge").waitFor();
    await page.getByTestId("tour-colleague").waitFor();
    return page;
  }

  async function axeCheck(page: Page, label: string): Promise<void> {
    const bad = await runAxe(page, {
      // Evaluated rather than injected as an inline <script>: the page keeps the server's CSP.
      inject: "evaluate",
      // Fluent's focus manager (Tabster) puts aria-hidden sentinels <i data-tabster-dummy> at the edges of
      // the body once a modal dialog has existed; they hand focus on at once and are not content.
      exclude: [["[data-tabster-dummy]"]],
    });
    assert.deepEqual(bad, [], `${label}: ${JSON.stringify(bad, null, 2)}`);
  }

  const isCheck = (r: Response): boolean => r.url().endsWith("/api/check") && r.request().method() === "POST";

  /** Clicks Send and returns the backend's check answer and what the handler passed to event.completed. */
  async function send(page: Page): Promise<{ check: CheckResponse; completed: Completed }> {
    const count = () => page.evaluate(SEND_COMPLETIONS).then((c) => c.length);
    const before = await count();
    // The handler's recording check (an early check of the InfoBar may still be under way: it is a query).
    const isSendCheck = (r: Response): boolean => isCheck(r) && (JSON.parse(r.request().postData() ?? "{}") as { mode?: string }).mode === "send";
    const [resp] = await Promise.all([page.waitForResponse(isSendCheck), page.getByTestId("send").click()]);
    const check = (await resp.json()) as CheckResponse;
    await page.waitForFunction(`(${SEND_COMPLETIONS.toString()})().length > ${before}`);
    const completed = (await page.evaluate(SEND_COMPLETIONS)).at(-1);
    assert.ok(completed);
    return { check, completed };
  }

  const codes = (c: CheckResponse): string[] => c.recipients.flatMap((r) => r.reasons.map((q) => q.code));

  async function registerOf(studentId: string): Promise<RegisterEvent[]> {
    const r = await stack.api<{ events: RegisterEvent[] }>("GET", `/api/students/${studentId}/register`);
    assert.equal(r.status, 200);
    return r.json.events;
  }

  before(async function () {
    this.timeout(240_000);
    await ensureBuilt();
    // As npm start runs it: the local Graph simulation behind the server, Sent Items subscribed. No
    // scheduled sweep: a sent mail is confirmed by its change notification alone.
    devGraph = await startDevGraph({ sweepSeconds: 0 });
    stack = await startStack({ seedDemo: true, graphAuth: devGraph.graphAuth, env: devGraph.env, devRoutes: devGraph.routes });
    await devGraph.connect(stack.running, stack.tenantId, [USER_EMAIL]);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: "nl-NL" });
    OUT = screenshotDir("playground");
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
    await devGraph?.close();
  });

  afterEach(() => {
    assert.deepEqual(pageErrors.splice(0), [], "no page errors");
    assert.deepEqual(badResponses.splice(0), [], "no failed requests");
  });

  it("is labelled a simulation, loads the real handler, and passes axe", async () => {
    const page = await open();
    assert.match(await page.getByTestId("sim-badge").innerText(), /Simulatie — geen echte Outlook/);
    const loaded = await page.evaluate(() => {
      const w = window as unknown as { __ZV_PLAYGROUND__?: { sim: { associated: Map<string, unknown> } } };
      return w.__ZV_PLAYGROUND__?.sim.associated.has("onMessageSendHandler") ?? false;
    });
    assert.equal(loaded, true, "onsend.js registered onMessageSendHandler with the simulated Office");
    assert.equal(await page.locator("script[src='/addin/onsend.js']").count(), 1);
    await axeCheck(page, "start");
    await page.screenshot({ path: path.join(OUT, "01-start.png"), fullPage: true });
    await page.close();
  });

  it("guided example 1: to a colleague is sent", async () => {
    const page = await open();
    await page.getByTestId("tour-colleague").click();
    const { check, completed } = await send(page);
    assert.equal(check.verdict, "allow");
    assert.ok(codes(check).includes("INTERNAL"));
    assert.equal(completed.allowEvent, true);
    await page.getByTestId("status").getByText("Verzonden (gesimuleerd): Overdracht groep 6").waitFor();
    assert.equal(await page.getByRole("alertdialog").count(), 0);
    await page.screenshot({ path: path.join(OUT, "02-colleague-sent.png"), fullPage: true });
    await page.close();
  });

  it("guided example 2: to the wrong parent is blocked; the dialog is an accessible alertdialog; Esc does not send", async () => {
    const page = await open();
    await page.getByTestId("tour-wrong-parent").click();
    const { check, completed } = await send(page);
    assert.equal(check.verdict, "block");
    assert.ok(codes(check).includes("OTHER_STUDENTS_GUARDIAN"), codes(check).join());
    assert.equal(completed.allowEvent, false);
    assert.equal(completed.sendModeOverride, undefined, "soft block: no Send anyway");
    const dialog = page.getByRole("alertdialog");
    await dialog.waitFor();
    assert.equal(await dialog.getAttribute("aria-modal"), "true");
    const text = await page.getByTestId("smart-alert-message").innerText();
    assert.ok(text.includes("ouder1.visser@mail.example"), text);
    assert.ok(!text.includes("\\"), "markdown escapes are rendered, not shown");
    assert.equal(await dialog.getByRole("button", { name: "Toch verzenden" }).count(), 0);
    assert.equal(await dialog.getByRole("button", { name: "Actie ondernemen" }).count(), 1);
    // Focus starts inside the dialog and stays there (trap).
    assert.equal(await page.evaluate(() => !!document.activeElement?.closest("[role=alertdialog]")), true);
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press("Tab");
      assert.equal(await page.evaluate(() => !!document.activeElement?.closest("[role=alertdialog]")), true, "focus trapped");
    }
    await axeCheck(page, "dialog");
    await page.screenshot({ path: path.join(OUT, "03-wrong-parent-dialog.png"), fullPage: true });
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "send");
    await page.getByTestId("status").getByText("Niet verzonden").waitFor();
    await page.close();
  });

  it("guided example 3: to the GGD without consent is blocked; Take action opens the task pane on the same check", async () => {
    const page = await open();
    await page.getByTestId("tour-ggd").click();
    const { check, completed } = await send(page);
    assert.equal(check.verdict, "block");
    assert.ok(codes(check).includes("NO_CONSENT"), codes(check).join());
    assert.deepEqual(JSON.parse(completed.contextData ?? "{}"), { checkId: check.checkId });
    const dialog = page.getByRole("alertdialog");
    await dialog.waitFor();
    assert.ok((await page.getByTestId("smart-alert-message").innerText()).includes("Sem van Dijk"));
    await page.screenshot({ path: path.join(OUT, "04-ggd-dialog.png"), fullPage: true });
    const [paneCheck] = await Promise.all([
      page.waitForResponse((r) => /\/api\/checks\/[^/]+$/.test(new URL(r.url()).pathname) && r.request().method() === "GET"),
      dialog.getByRole("button", { name: "Actie ondernemen" }).click(),
    ]);
    assert.equal(decodeURIComponent(new URL(paneCheck.url()).pathname.split("/").pop() ?? ""), check.checkId, "the pane loads the same check");
    assert.equal(((await paneCheck.json()) as CheckResponse).checkId, check.checkId);
    const pane = page.getByTestId("taskpane");
    await pane.getByRole("heading", { name: "Verzendcontrole" }).waitFor();
    await pane.getByText("Niet verzenden").first().waitFor();
    await pane.getByText("Sem van Dijk").first().waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), "pg-pane-title", "focus moves to the task pane");
    await page.getByRole("alertdialog").waitFor({ state: "detached" });
    await axeCheck(page, "task pane (check)");
    await page.screenshot({ path: path.join(OUT, "05-ggd-taskpane.png"), fullPage: true });

    // The pane's override: reason recorded, session data marked, item.sendAsync -> the handler runs again and allows.
    await pane.getByLabel("Reden (minstens 10 tekens)").fill("Jeugdarts belde zelf; mondelinge toestemming moeder volgt.");
    await pane.getByRole("button", { name: "Reden vastleggen en verzenden" }).click();
    await page.getByTestId("status").getByText("Verzonden (gesimuleerd): Aanmelding consult").waitFor();
    const completions = await page.evaluate(() => {
      const w = window as unknown as { __ZV_PLAYGROUND__?: { sim: { completions: { allowEvent?: boolean }[] } } };
      return (w.__ZV_PLAYGROUND__?.sim.completions ?? []).map((c) => c.allowEvent);
    });
    assert.deepEqual(completions, [false, true], "blocked first, then allowed on the recorded override");
    await page.getByTestId("taskpane").waitFor({ state: "detached" });
    await page.close();
  });

  it("guided example 4: to leerplicht warns (parents not informed); the warning holds the mail (SoftBlock) and sending anyway in the pane asks a reason from the school's list", async () => {
    const page = await open();
    await page.getByTestId("tour-leerplicht").click();
    const { check, completed } = await send(page);
    assert.equal(check.verdict, "warn");
    assert.ok(codes(check).includes("PARENTS_NOT_INFORMED"), codes(check).join());
    assert.equal(completed.sendModeOverride, undefined, "no Send Anyway: Outlook would ask no reason");
    const dialog = page.getByRole("alertdialog");
    await dialog.waitFor();
    assert.equal(await dialog.getByRole("button", { name: "Toch verzenden" }).count(), 0);
    await page.screenshot({ path: path.join(OUT, "06-leerplicht-warning.png"), fullPage: true });
    await dialog.getByRole("button", { name: "Actie ondernemen" }).click();
    const pane = page.getByTestId("taskpane");
    await pane.getByRole("radiogroup", { name: /Waarom verzendt u toch\?/ }).getByRole("radio", { name: DEFAULT_OVERRIDE_REASONS.nl[2] ?? "" }).check();
    await pane.getByRole("button", { name: "Reden vastleggen en verzenden" }).click();
    await page.getByTestId("status").getByText("Verzonden (gesimuleerd): Verzuimmelding").waitFor();
    await page.close();
  });

  it("recording the second parent's consent from an inbox reply makes the next mail to the dyslexia practice pass", async () => {
    const page = await open();
    // Before: Noor's mother consented, the far-reaching assessment needs the father too.
    await page.getByTestId("tour-colleague").click(); // a filled form, then replaced below by typing
    await page.getByTestId("body").fill("Beste Letterwijs,\n\nHierbij de gegevens van Noor van der Berg voor het onderzoek naar dyslexie.\n\nMet vriendelijke groet");
    await page.getByTestId("subject").fill("Aanmelding onderzoek dyslexie");
    await page.getByRole("button", { name: "juf.anna@regenboog.school.example verwijderen" }).click();
    const to = page.getByRole("combobox", { name: "Aan" });
    await to.click();
    await to.pressSequentially("letterwijs");
    await page.getByRole("option", { name: /intake@letterwijs\.example/ }).click();
    await page.getByRole("group", { name: "Aan" }).getByText("intake@letterwijs.example").waitFor();
    const before = await send(page);
    assert.equal(before.check.verdict, "block");
    assert.ok(codes(before.check).includes("SECOND_GUARDIAN_REQUIRED"), codes(before.check).join());
    await page.getByRole("alertdialog").getByRole("button", { name: "Niet verzenden" }).click();

    // The father's reply in the inbox -> Record consent -> the real task pane in record mode.
    await page.getByTestId("folder-inbox").click();
    await page.getByTestId("inbox-dyslexia-father").click();
    await page.getByTestId("record-consent").click();
    const pane = page.getByTestId("taskpane");
    assert.equal(await pane.getAttribute("data-mode"), "record");
    await pane.getByText("Erik Hoekstra is ouder met gezag of voogd van Noor van der Berg.").waitFor();
    await pane.getByLabel("Ontvangende partij").selectOption({ label: "Dyslexiepraktijk Letterwijs" });
    assert.equal(await pane.getByLabel("Doel").inputValue(), "onderzoek-dyslexie");
    await pane.getByRole("button", { name: "Vastleggen" }).click();
    await pane.getByText("Vastgelegd in het toestemmingsregister.").waitFor();
    await axeCheck(page, "task pane (record)");
    await page.screenshot({ path: path.join(OUT, "07-record-consent.png"), fullPage: true });
    const events = await registerOf("lln-002");
    const ev = events.find((e) => e.type === "consent" && "givenBy" in e && JSON.stringify(e.givenBy).includes("lln-002-o2"));
    assert.ok(ev, "the father's consent is in the register");
    assert.match(JSON.stringify(ev), /playground-dyslexie-/, "evidence: the simulated message's Internet Message-ID");

    // After: the same mail passes.
    await page.getByTestId("folder-compose").click();
    await page.getByTestId("body").fill("Beste Letterwijs,\n\nHierbij de gegevens van Noor van der Berg voor het onderzoek naar dyslexie.");
    await to.click();
    await to.pressSequentially("intake@letterwijs.example");
    await to.press("Tab");
    await page.getByRole("group", { name: "Aan" }).getByText("intake@letterwijs.example").waitFor();
    const after = await send(page);
    // Lawful now; the one warning left is the practice's agreed channel (encrypted mail), which the
    // simulated Outlook (no Purview labels) cannot apply: the user sends anyway, through the pane with a
    // reason (a warning holds the mail: SoftBlock).
    assert.equal(after.check.verdict, "warn", JSON.stringify(after.check.recipients));
    assert.ok(codes(after.check).includes("CONSENT_VALID"));
    assert.deepEqual(codes(after.check).filter((c) => c !== "CONSENT_VALID" && c !== "PURPOSE_ASSUMED"), ["AGREED_CHANNEL"]);
    await page.getByRole("alertdialog").getByRole("button", { name: "Actie ondernemen" }).click();
    const warned = page.getByTestId("taskpane");
    await warned.getByRole("radiogroup", { name: /Waarom verzendt u toch\?/ }).getByRole("radio", { name: DEFAULT_OVERRIDE_REASONS.nl[0] ?? "" }).check();
    await warned.getByRole("button", { name: "Reden vastleggen en verzenden" }).click();
    await page.getByTestId("status").getByText("Verzonden (gesimuleerd)").waitFor();
    await page.screenshot({ path: path.join(OUT, "08-letterwijs-sent.png"), fullPage: true });
    await page.close();
  });

  it("Request consent in the task pane opens a new message to the parents that the handler lets through", async () => {
    const page = await open();
    await page.getByTestId("tour-ggd").click();
    await send(page);
    await page.getByRole("alertdialog").getByRole("button", { name: "Actie ondernemen" }).click();
    const pane = page.getByTestId("taskpane");
    await pane.getByRole("button", { name: "Toestemming vragen" }).click();
    await page.getByTestId("status").getByText("De add-in opende een nieuw bericht").waitFor();
    assert.match(await page.getByTestId("subject").inputValue(), /\[ZV-[^\]]+\]/);
    // One mail per parent with authority (issue 13): the simulation shows the last one opened, to one address only.
    const toField = page.getByRole("group", { name: "Aan" });
    await toField.getByText("ouder2.vandijk@mail.example").waitFor();
    assert.equal(await toField.getByText("ouder1.vandijk@mail.example").count(), 0, "never both parents in one To line");
    const { check } = await send(page);
    assert.equal(check.verdict, "allow", JSON.stringify(check.recipients));
    await page.getByTestId("status").getByText("Verzonden (gesimuleerd)").waitFor();
    await page.close();
  });

  it("the father's reply to a real consent request is recorded against that request", async () => {
    const page = await open();
    await page.getByTestId("folder-inbox").click();
    await page.getByTestId("inbox-ggd-father").click();
    assert.match(await page.locator("#pg-reading-subject").innerText(), /\[ZV-[^\]]+\]/, "the reply keeps the request's tag");
    await page.getByTestId("record-consent").click();
    const pane = page.getByTestId("taskpane");
    await pane.getByText("Peter de Vries is ouder met gezag of voogd van Jan de Vries.").waitFor();
    await pane.getByText(/Dit is een antwoord op verzoek/).waitFor();
    await pane.getByRole("button", { name: "Vastleggen" }).click();
    await pane.getByText("Vastgelegd in het toestemmingsregister.").waitFor();
    const events = await registerOf("lln-001");
    const ev = events.find((e) => e.type === "consent" && JSON.stringify(e).includes("lln-001-o2"));
    assert.ok(ev, "the father's consent is in the register");
    assert.match(JSON.stringify(ev), /informationShown/, "with the text the request showed");
    await page.close();
  });

  it("a reply from someone who is not a guardian is refused by the task pane", async () => {
    const page = await open();
    await page.getByTestId("folder-inbox").click();
    await page.getByTestId("inbox-not-a-guardian").click();
    await page.getByTestId("record-consent").click();
    await page.getByTestId("taskpane").getByTestId("refusal").waitFor();
    assert.match(await page.getByTestId("refusal").innerText(), /geen bekende ouder/);
    await page.screenshot({ path: path.join(OUT, "09-not-a-guardian.png"), fullPage: true });
    await page.close();
  });

  it("speaks English with ?lang=en (handler, dialog and task pane)", async () => {
    const page = await open("?lang=en");
    assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
    await page.getByTestId("tour-ggd").click();
    const { completed } = await send(page);
    assert.equal(completed.cancelLabel, "Take action");
    const dialog = page.getByRole("alertdialog");
    await dialog.getByRole("button", { name: "Take action" }).click();
    await page.getByTestId("taskpane").getByRole("heading", { name: "Send check" }).waitFor();
    await axeCheck(page, "english");
    await page.screenshot({ path: path.join(OUT, "10-english.png"), fullPage: true });
    await page.close();
  });

  it("does not exist when the server runs with Entra ID configured", async () => {
    const prod = await startStack({ env: { ENTRA_CLIENT_ID: "11111111-2222-4333-8444-555555555555", PUBLIC_URL: "https://zorg.example.nl" } });
    try {
      for (const p of ["/playground/", "/playground/index.html", "/playground/app.js"]) {
        const r = await fetch(`${prod.baseUrl}${p}`);
        assert.equal(r.status, 404, p);
      }
      const home = await fetch(`${prod.baseUrl}/`, { redirect: "manual" });
      assert.ok(!(home.headers.get("location") ?? "").includes("playground"));
    } finally {
      await prod.stop();
    }
  });

  /** Types an address into a recipient field (To, or Required for a meeting) and leaves the field. */
  async function addRecipient(page: Page, field: string, address: string): Promise<void> {
    const box = page.getByRole("combobox", { name: field });
    await box.click();
    await box.pressSequentially(address);
    await box.press("Tab");
    await page.getByRole("group", { name: field }).getByText(address).waitFor();
  }

  const lastCompletion = async (page: Page): Promise<Completed | undefined> => (await page.evaluate(SEND_COMPLETIONS)).at(-1);

  it("When a recipient is added to a mail about a student, then the add-in's early check shows the InfoBar before Send", async () => {
    const page = await open();
    await page.getByTestId("subject").fill("Aanmelding consult");
    await page.getByTestId("body").fill("Beste jeugdarts,\n\nGraag bespreken we Daan Jansen met u.");
    assert.equal(await page.getByTestId("infobar").count(), 0, "no InfoBar without recipients");
    const checks: string[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/api/check") && r.method() === "POST") checks.push(r.postData() ?? "");
    });
    await addRecipient(page, "Aan", "jgz@ggd-voorbeeldregio.example");
    const bar = page.getByTestId("infobar");
    await bar.waitFor();
    assert.equal(checks.length, 1, "one early check, on the recipient change");
    assert.equal((JSON.parse(checks[0] ?? "{}") as { mode?: string }).mode, undefined, "the early check is a query: it records nothing");
    const text = await bar.innerText();
    assert.match(text, /Niet verzenden\. jgz@ggd-voorbeeldregio\.example: Geen toestemming/, "the recipient and the problem, cut to Outlook's 150 characters");
    assert.match(text, /Controleren/, "the message itself names the way out (Mac shows no action button)");
    await axeCheck(page, "InfoBar");
    await page.screenshot({ path: path.join(OUT, "11-infobar.png"), fullPage: true });
    await page.close();
  });

  it("When a report is attached whose contents name a student (not its file name), then the add-in reads it and Send is stopped", async () => {
    const page = await open();
    await addRecipient(page, "Aan", "jgz@ggd-voorbeeldregio.example");
    await page.getByTestId("subject").fill("Verslag");
    await page.getByTestId("body").fill("Beste jeugdarts,\n\nZie bijlage.");
    await page.getByTestId("attach-file").setInputFiles({
      name: "verslag.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("Verslag van het MDO\n\nDaan Jansen (groep 6) is vaak moe en heeft moeite met concentreren.\n", "utf8"),
    });
    await page.waitForFunction(() => (document.querySelector('[data-testid="attachments"]') as HTMLInputElement | null)?.value === "verslag.txt");
    const [upload, { check }] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/api/check/attachments") && r.request().method() === "POST"),
      send(page),
    ]);
    assert.equal(upload.status(), 200, "the bytes are uploaded as they are");
    assert.equal(check.verdict, "block");
    assert.deepEqual(check.students.map((x) => x.name), ["Daan Jansen"]);
    assert.deepEqual(check.attachments?.map((a) => [a.name, a.status, a.students]), [["verslag.txt", "read", 1]]);
    await page.getByRole("alertdialog").waitFor();
    assert.match(await page.getByTestId("smart-alert-message").innerText(), /Daan Jansen/);
    await axeCheck(page, "attached report alert");
    await page.screenshot({ path: path.join(OUT, "12-attached-report.png"), fullPage: true });
    await page.getByRole("alertdialog").getByRole("button", { name: "Niet verzenden" }).click();
    await page.close();
  });

  it("When a meeting request about a student invites the GGD, then OnAppointmentSend checks the invite and stops it", async () => {
    const page = await open();
    await page.getByTestId("meeting").click();
    await addRecipient(page, "Vereist", "jgz@ggd-voorbeeldregio.example");
    await page.getByTestId("subject").fill("MDO Daan Jansen");
    await page.getByTestId("body").fill("Agenda: de ontwikkeling van Daan Jansen.");
    const [req, { check, completed }] = await Promise.all([page.waitForRequest((r) => r.url().endsWith("/api/check") && r.method() === "POST"), send(page)]);
    const sentBody = JSON.parse(req.postData() ?? "{}") as { to?: { address?: string; type?: string }[] | string[] };
    assert.match(JSON.stringify(sentBody.to), /jgz@ggd-voorbeeldregio\.example/, "the required attendee is a recipient");
    assert.equal(check.verdict, "block");
    assert.ok(codes(check).includes("NO_CONSENT"), codes(check).join());
    assert.equal(completed.allowEvent, false);
    assert.deepEqual(await lastCompletion(page), completed);
    await page.getByRole("alertdialog").waitFor();
    await axeCheck(page, "meeting alert");
    await page.screenshot({ path: path.join(OUT, "13-meeting.png"), fullPage: true });
    await page.getByRole("alertdialog").getByRole("button", { name: "Niet verzenden" }).click();
    await page.close();
  });

  // Last: it gives Sem van Dijk's consent, which the earlier tests rely on being absent.
  it("The consent tour: stopped, consent requested, the parent answers on the parents' page, sent again, and a disclosure only once Verzonden items has the mail", async () => {
    const page = await open();
    const tourStart = page.getByTestId("consent-tour-start");
    await tourStart.focus();
    await page.keyboard.press("Enter");
    // 1. Stopped: no consent for the GGD.
    const first = await send(page);
    assert.equal(first.check.verdict, "block");
    assert.ok(codes(first.check).includes("NO_CONSENT"), codes(first.check).join());
    const sem = first.check.students.find((x) => x.name === "Sem van Dijk");
    assert.ok(sem, "the check found Sem");
    await axeCheck(page, "tour: stopped");
    await page.screenshot({ path: path.join(OUT, "20-tour-1-stopped.png"), fullPage: true });

    // 2. Request consent from the task pane; the letter (with its personal link) is sent and waits in the Outbox.
    await page.getByRole("alertdialog").getByRole("button", { name: "Actie ondernemen" }).click();
    await page.getByTestId("taskpane").getByRole("button", { name: "Toestemming vragen" }).click();
    await page.getByTestId("status").getByText("De add-in opende een nieuw bericht").waitFor();
    const letter = await send(page);
    assert.equal(letter.check.verdict, "allow", JSON.stringify(letter.check.recipients));
    await page.getByTestId("status").getByText("Postvak UIT").waitFor();
    assert.equal(devGraph.sim.mailboxes.get(USER_EMAIL)?.length ?? 0, 0, "nothing is in Sent Items before Send/Receive");

    // 3. Send/Receive (by keyboard); the letter is in Verzonden items, its link opens the parents' page.
    await page.getByTestId("send-receive").focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("status").getByText("1 bericht verzonden").waitFor();
    await page.getByTestId("folder-sent").click();
    const letterItem = page.getByTestId("sent-item").filter({ hasText: /\[ZV-/ });
    await letterItem.waitFor();
    await letterItem.getByText("Bericht").click();
    const link = letterItem.getByRole("link", { name: "Open de ouderpagina (nieuw tabblad)" });
    assert.match((await link.getAttribute("href")) ?? "", new RegExp(`^${stack.baseUrl}/api/parents/`));
    await axeCheck(page, "tour: Verzonden items");
    await page.screenshot({ path: path.join(OUT, "21-tour-2-letter-in-sent-items.png"), fullPage: true });
    const [parents] = await Promise.all([context.waitForEvent("page"), link.click()]);
    await parents.waitForLoadState();

    // 4. The parent gives consent on the parents' page: recorded at once, method portal.
    await parents.getByRole("button", { name: "Ja, ik geef toestemming" }).click();
    assert.match(await parents.getByRole("status").innerText(), /Uw toestemming is bewaard/);
    await parents.screenshot({ path: path.join(OUT, "22-tour-3-parents-page.png"), fullPage: true });
    await parents.close();
    const consent = (await registerOf(sem.id)).find((e) => e.type === "consent" && "method" in e && e.method === "portal");
    assert.ok(consent, "the parent's answer is in the register");

    // 5. Sent again: allowed now; a disclosure only once Verzonden items has it.
    await page.getByTestId("folder-compose").click();
    await page.getByTestId("consent-tour-again").click();
    const again = await send(page);
    assert.notEqual(again.check.verdict, "block", JSON.stringify(again.check.recipients));
    assert.ok(codes(again.check).includes("CONSENT_VALID"), codes(again.check).join());
    assert.equal(again.check.verdict, "allow", JSON.stringify(again.check.recipients));
    await page.getByTestId("status").getByText("Postvak UIT").waitFor();
    const disclosuresOfSem = async () => (await registerOf(sem.id)).filter((e) => e.type === "disclosure" && e.checkId === again.check.checkId);
    assert.deepEqual(await disclosuresOfSem(), [], "checked and in the Outbox: not a disclosure");
    await page.getByTestId("folder-outbox").click();
    await page.getByTestId("outbox-list").getByText("jgz@ggd-voorbeeldregio.example").waitFor();
    await page.getByTestId("folder-sent").click();
    assert.equal(await page.getByTestId("sent-item").filter({ hasText: "Aanmelding consult" }).count(), 0, "not in Verzonden items yet");
    await page.getByTestId("send-receive").click();
    const consult = page.getByTestId("sent-item").filter({ hasText: "Aanmelding consult" });
    await consult.waitFor();
    await consult.getByTestId("register-status").getByText("vastgelegd als verstrekking in het register van Sem van Dijk").waitFor({ timeout: 20_000 });
    const inSent = devGraph.sim.mailboxes.get(USER_EMAIL)?.find((m) => m.subject === "Aanmelding consult");
    assert.ok(inSent, "the mail is in the simulated Sent Items");
    assert.ok(inSent.headers["x-zorgvuldig-check"]?.startsWith(`${again.check.checkId}.`), "with the handler's stamp");
    const logged = await disclosuresOfSem();
    assert.equal(logged.length, 1);
    assert.equal("internetMessageId" in (logged[0] ?? {}) ? (logged[0] as { internetMessageId?: string }).internetMessageId : undefined, inSent.internetMessageId);
    assert.equal(devGraph.sim.deltaRounds + devGraph.sim.initialRounds > 0, true, "read by the server's delta query");
    await axeCheck(page, "tour: confirmed");
    await page.screenshot({ path: path.join(OUT, "23-tour-4-confirmed.png"), fullPage: true });
    await page.close();
  });
});
