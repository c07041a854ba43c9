/**
 * The Teams tab in headless Chromium over the real stack (Azurite + the server + the demo school).
 * The tab runs in its browser (dev) host: dev tokens from the server, theme from ?theme=.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { readFile } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ensureBuilt } from "../support/built.js";
import type { Stack } from "../support/stack.js";
import { sendAndConfirm, startSentStack, type SentStack } from "../support/sent-items.js";
import { launchBrowser, runAxe, screenshotDir } from "../support/browser.js";
import type { OverviewRow, RegisterPage } from "../../contract/register.js";
import type { RegisterEvent } from "../../server/register/domain.js";

describe("Teams tab in a browser, over the real server", function () {
  this.timeout(120_000);
  let stack: Stack;
  let sent: SentStack;
  let browser: Browser;
  let context: BrowserContext;
  /** For axe only: its script is injected inline, which the server's CSP (rightly) forbids. */
  let axeContext: BrowserContext;
  /** Where the screenshots go (test-output/tab). */
  let OUT = "";
  let rows: OverviewRow[] = [];
  const pageErrors: string[] = [];

  const url = (q: string): string => `${stack.baseUrl}/tab/${q}`;

  async function open(q: string, ctx?: BrowserContext): Promise<Page> {
    const page = await (ctx ?? context).newPage();
    page.on("pageerror", (e) => pageErrors.push(`${q}: ${e.message}`));
    await page.goto(url(q));
    return page;
  }

  const row = (name: string): OverviewRow => {
    const r = rows.find((x) => x.name === name);
    assert.ok(r, `demo student ${name}`);
    return r;
  };

  async function registerOf(studentId: string): Promise<RegisterEvent[]> {
    const r = await stack.api<{ events: RegisterEvent[] }>("GET", `/api/students/${studentId}/register`);
    assert.equal(r.status, 200);
    return r.json.events;
  }

  async function axeCheck(page: Page, label: string): Promise<void> {
    const bad = await runAxe(page);
    assert.deepEqual(bad, [], `${label}: ${JSON.stringify(bad, null, 2)}`);
  }

  before(async function () {
    this.timeout(240_000);
    await ensureBuilt();
    // Generous storage timeout: the 10,000-student import shares the machine with other test runs.
    sent = await startSentStack({ seedDemo: true, env: { STORAGE_TIMEOUT_MS: "20000" } });
    stack = sent.stack;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "nl-NL", acceptDownloads: true });
    axeContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "nl-NL", bypassCSP: true });
    const r = await stack.api<RegisterPage>("GET", "/api/register/rows?limit=500");
    assert.equal(r.status, 200);
    assert.equal(r.json.total, r.json.rows.length, "the demo register fits one page");
    rows = r.json.rows;
    OUT = screenshotDir("tab");
  });

  after(async () => {
    await browser?.close();
    await sent?.stop();
  });

  afterEach(() => {
    assert.deepEqual(pageErrors.splice(0), [], "no uncaught errors in the page");
  });

  it("When the register opens, then every demo student is listed and the page is in Dutch", async () => {
    const page = await open("");
    await page.getByRole("heading", { name: "Toestemmingsregister" }).waitFor();
    await page.getByTestId("register-count").filter({ hasText: `${rows.length} van ${rows.length} leerlingen` }).waitFor();
    assert.equal(await page.getAttribute("[role=grid]", "aria-rowcount"), String(rows.length + 1));
    assert.equal(await page.evaluate(() => document.documentElement.lang), "nl");
    await page.close();
  });

  it("When searching by name without the diaeresis, or by student number, then exactly that student is found", async () => {
    const zoe = row("Zoë Bakker");
    const page = await open("");
    const search = page.getByLabel("Zoek op naam of leerlingnummer");
    await search.fill("zoe bakker");
    // The body's rows (the header row carries aria-selected too: its "select all" box).
    const bodyRows = page.getByTestId("register-row");
    await page.getByTestId("register-count").filter({ hasText: `1 van ${rows.length}` }).waitFor();
    // The grid renders the filtered rows right after the count (a deferred render): wait for it, then count.
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=register-row]").length <= 1);
    assert.equal(await bodyRows.count(), 1);
    assert.match((await bodyRows.first().textContent()) ?? "", /Zoë Bakker/);
    await search.fill(zoe.studentNumber);
    await page.getByTestId("register-count").filter({ hasText: `1 van ${rows.length}` }).waitFor();
    assert.match((await bodyRows.first().textContent()) ?? "", new RegExp(zoe.studentNumber));
    await page.close();
  });

  it("When filtering on 'refused or withdrawn' and opening the student with the keyboard, then the timeline shows the consent and its withdrawal", async () => {
    const page = await open("");
    await page.getByLabel("Status").selectOption("refused-or-withdrawn");
    await page.getByLabel("Zoek op naam of leerlingnummer").fill("Bakker");
    await page.getByTestId("register-count").filter({ hasText: /^1 van/ }).waitFor();
    await page.locator('[data-cell="0:1"]').focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Register van Zoë Bakker" }).waitFor();
    const timeline = page.getByTestId("timeline");
    const consent = timeline.locator("li[data-event-type=consent]");
    const withdrawal = timeline.locator("li[data-event-type=withdrawal]");
    assert.equal(await consent.count(), 1);
    assert.equal(await withdrawal.count(), 1);
    assert.match((await consent.textContent()) ?? "", /Toestemming gegeven.*Schoolmaatschappelijk werk Voorbeeldstad.*mondeling.*Gehoord door/s);
    assert.match((await consent.textContent()) ?? "", /ingetrokken/);
    assert.match((await withdrawal.textContent()) ?? "", /Toestemming ingetrokken.*Wil eerst zelf contact/s);
    // Withdrawn consents offer no second withdrawal.
    assert.equal(await consent.getByRole("button", { name: /Intrekken/ }).count(), 0);
    await page.getByTestId("chain-verified").waitFor();
    await page.close();
  });

  it("When a consent came by email, then its evidence shows message id, sender, hash and the verified mark", async () => {
    const jan = row("Jan de Vries");
    const page = await open(`?view=student&student=${jan.studentId}`);
    const consent = page.getByTestId("timeline").locator("li[data-event-type=consent]").first();
    await consent.waitFor();
    await consent.locator("summary").filter({ hasText: "Bewijs" }).click();
    const text = (await consent.textContent()) ?? "";
    assert.match(text, /<demo-ouder1\.devries-20@mail\.example>/);
    assert.match(text, /ouder1\.devries@mail\.example/);
    assert.match(text, /[0-9a-f]{64}/);
    await consent.getByTestId("evidence-verified").waitFor();
    await page.close();
  });

  it("When a consent is withdrawn in the UI, then the withdrawal event is written (asserted through the API)", async () => {
    const lotte = row("Lotte Visser");
    const before = await registerOf(lotte.studentId);
    const consent = before.find((e) => e.type === "consent" && e.decision === "granted");
    assert.ok(consent && consent.type === "consent");
    const page = await open(`?view=student&student=${lotte.studentId}`);
    // Both parents consented to the far-reaching referral (demo, issue 13): withdraw one of the two.
    await page.getByRole("button", { name: /^Intrekken: Wijkteam Centrum/ }).first().click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await dialog.getByLabel("Reden").fill("Ouder belde: geen contact meer met het wijkteam");
    await dialog.getByTestId("withdraw-confirm").click();
    await page.getByText("De intrekking is vastgelegd.").waitFor();
    await page.getByTestId("timeline").locator("li[data-event-type=withdrawal]").waitFor();
    const after = await registerOf(lotte.studentId);
    const w = after.find((e) => e.type === "withdrawal");
    assert.ok(w && w.type === "withdrawal", "a withdrawal event");
    const withdrawn = before.find((e) => e.type === "consent" && e.id === w.consentId);
    assert.ok(withdrawn && withdrawn.type === "consent" && withdrawn.decision === "granted", "one of the granted consents");
    assert.equal(w.reason, "Ouder belde: geen contact meer met het wijkteam");
    assert.deepEqual(w.by, withdrawn.givenBy);
    assert.equal(w.recordedBy, "ib@demo");
    assert.equal(after.length, before.length + 1);
    await page.close();
  });

  it("When an oral consent lacks who heard it, then the form says so; filled in, the consent is stored with heardBy", async () => {
    const sem = row("Sem van Dijk");
    const page = await open(`?view=student&student=${sem.studentId}`);
    const form = page.locator("form[aria-labelledby=consent-form-title]");
    await form.getByLabel("Partij").selectOption("ggd");
    await form.getByLabel("Doel").selectOption("jgz-consult");
    await form.getByLabel("Gegeven door").selectOption({ index: 1 });
    await form.getByTestId("consent-method").selectOption("oral");
    await form.getByRole("button", { name: "Toestemming vastleggen" }).click();
    await form.getByText("Vul in wie de mondelinge toestemming heeft gehoord.").waitFor();
    await form.getByLabel("Wie heeft het gehoord?").fill("M. de Boer, intern begeleider");
    await form.getByRole("button", { name: "Toestemming vastleggen" }).click();
    await page.getByText("De toestemming is vastgelegd.").waitFor();
    const events = await registerOf(sem.studentId);
    const c = events.find((e) => e.type === "consent");
    assert.ok(c && c.type === "consent");
    assert.equal(c.method, "oral");
    assert.equal(c.heardBy, "M. de Boer, intern begeleider");
    assert.equal(c.partyId, "ggd");
    await page.close();
  });

  it("When the export page opens after a disclosure, then it holds the disclosure log and the rights, and no other student's name", async () => {
    const jan = row("Jan de Vries");
    // Checked on send, then found in Sent Items: that is when the disclosure is logged.
    const { check } = await sendAndConfirm(sent, {
      to: ["jgz@ggd-voorbeeldregio.example"],
      subject: "Verslag Jan de Vries",
      body: "Beste collega, hierbij het verslag over Jan de Vries voor het JGZ-consult.",
      purposeId: "jgz-consult",
    });
    assert.equal(check.verdict, "allow");
    const events = await registerOf(jan.studentId);
    assert.ok(events.some((e) => e.type === "disclosure"), "the sent mail logged a disclosure");

    const page = await open(`?view=export&student=${jan.studentId}`);
    await page.getByRole("heading", { name: "Inzage (art. 15 AVG): Jan de Vries" }).waitFor();
    const recipients = page.locator("section[data-section=exRecipients]");
    assert.match((await recipients.textContent()) ?? "", /GGD Voorbeeldregio \(JGZ\).*toestemming/s);
    const rights = (await page.locator("section[data-section=exRights]").textContent()) ?? "";
    assert.match(rights, /Autoriteit Persoonsgegevens/);
    for (const title of ["De gegevens", "Doelen", "Categorieën van gegevens", "Bewaartermijnen", "Bronnen"]) {
      await page.getByRole("heading", { name: title, exact: true }).waitFor();
    }
    const text = (await page.locator("main").textContent()) ?? "";
    const others = rows.filter((r) => r.studentId !== jan.studentId).map((r) => r.name);
    for (const name of others) assert.ok(!text.includes(name), `the export shows another student's name: ${name}`);

    // The JSON download is the server's export.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-json").click()]);
    assert.match(download.suggestedFilename(), new RegExp(`^inzage-${jan.studentId}-\\d{4}-\\d{2}-\\d{2}\\.json$`));
    // The letter (PDF) is the server's too: its disclosure log read back whole, with page numbers (issue 17 item 7).
    const [pdf] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-pdf").click()]);
    assert.match(pdf.suggestedFilename(), new RegExp(`^inzage-${jan.studentId}-\\d{4}-\\d{2}-\\d{2}\\.pdf$`));
    const { extractText, getDocumentProxy } = await import("unpdf");
    const letter = (await extractText(await getDocumentProxy(new Uint8Array(await readFile(await pdf.path()))), { mergePages: true })).text;
    const letterWords = new Set(letter.split(/\s+/));
    for (const w of "GGD Voorbeeldregio (JGZ) toestemming Jan de Vries".split(" ")) assert.ok(letterWords.has(w), `"${w}" is whole in the letter`);
    assert.match(letter, /pagina 1 van \d/);
    // Printing hides the navigation and the buttons.
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.locator("header").isVisible(), false);
    assert.equal(await page.getByTestId("export-json").isVisible(), false);
    await page.screenshot({ path: path.join(OUT, "export-print.png"), fullPage: true });
    await page.close();
  });

  it("When a mail naming a student left without a check, then 'Te beoordelen' lists it (no body) and a breach decision shows the 72-hour countdown", async () => {
    const daan = row("Daan Jansen");
    const msg = sent.sim.send(sent.sender, { to: ["iemand@onbekend-bureau.example"], subject: "Verslag Daan Jansen", body: "Vertrouwelijk: het verslag over Daan Jansen." });
    const r = await stack.api("POST", "/api/sent-items/sweep");
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const page = await open("?view=review", axeContext);
    await page.getByRole("heading", { name: "Te beoordelen", level: 1 }).waitFor();
    const line = page.locator("[data-testid=review-table] tr", { hasText: "iemand@onbekend-bureau.example" });
    await line.waitFor();
    const text = (await line.textContent()) ?? "";
    assert.match(text, /Niet gecontroleerd/);
    assert.match(text, /Daan Jansen/);
    assert.match(text, /Verslag Daan Jansen/);
    assert.ok(!text.includes("Vertrouwelijk"), "never the body");
    assert.ok(msg.internetMessageId.length > 0);
    await axeCheck(page, "review");
    await page.screenshot({ path: path.join(OUT, "review.png"), fullPage: true });
    await line.getByRole("button", { name: "Datalek" }).click();
    await page.getByText("Besluit vastgelegd.").waitFor();
    const deadline = page.locator("[data-testid=breach-table] [data-testid=breach-deadline]").first();
    await deadline.waitFor();
    assert.match((await deadline.textContent()) ?? "", /nog 7[12] uur/);
    await axeCheck(page, "breach register");
    assert.equal((await registerOf(daan.studentId)).filter((e) => e.type === "disclosure" && e.recipient === "iemand@onbekend-bureau.example").length, 0);
    await page.close();
  });

  it("When the school policy gets an invalid internal domain, then the server's message is shown at the field; corrected, the reminder settings (after N days, at most M, automatic) are saved", async () => {
    const page = await open("?view=directory");
    await page.getByRole("heading", { name: "Schoolbeleid", exact: true }).waitFor();
    const domains = page.getByLabel("Interne domeinen (één per regel)");
    await domains.waitFor();
    await domains.fill("niet een domein");
    await page.locator("form[aria-label=Schoolbeleid]").getByRole("button", { name: "Opslaan" }).click();
    await page.getByText("moet een domeinnaam zijn, zoals school.nl").waitFor();
    await page.getByRole("alert").filter({ hasText: "Controleer de gemarkeerde velden." }).waitFor();
    const form = page.locator("form[aria-label=Schoolbeleid]");
    const before = await stack.api<{ internalDomains: string[]; reminderAfterDays: number; maxReminders: number; autoReminders: boolean }>("GET", "/api/policies/obs-de-regenboog");
    await domains.fill(before.json.internalDomains.join("\n"));
    await form.getByLabel("Herinnering na (dagen zonder antwoord)").fill("5");
    await form.getByLabel("Hoogstens (herinneringen per brief)").fill("1");
    await form.getByRole("switch", { name: /Herinneringen automatisch sturen/ }).check();
    await form.getByRole("button", { name: "Opslaan" }).click();
    await page.getByText("Opgeslagen").first().waitFor();
    const after = await stack.api<{ reminderAfterDays: number; maxReminders: number; autoReminders: boolean }>("GET", "/api/policies/obs-de-regenboog");
    assert.deepEqual([after.json.reminderAfterDays, after.json.maxReminders, after.json.autoReminders], [5, 1, true]);
    const put = await stack.api("PUT", "/api/policies/obs-de-regenboog", before.json);
    assert.equal(put.status, 200);
    await page.close();
  });

  it("[R-DIR-LEGAL-GUARD] When a coordinator makes the wijkteam legal in the tab without confirming a statute, then the party's kind is named in Dutch, the server's refusal is shown in Dutch at the form and the field, and nothing changes", async () => {
    const page = await open("?view=directory");
    await page.getByRole("cell", { name: "Wijkteam of jeugdhulp", exact: true }).waitFor();
    await page.getByRole("button", { name: "Partij bewerken: Wijkteam Centrum" }).click();
    const form = page.getByRole("form", { name: "Partij bewerken" });
    const kind = form.getByLabel("Soort");
    assert.equal(await kind.locator("option:checked").textContent(), "Wijkteam of jeugdhulp");
    assert.ok(!(await kind.locator("option").allTextContents()).some((o) => /^[a-z-]+$/.test(o)), "no kind shown as its code");
    await form.getByLabel("Standaard grondslag").selectOption("legal");
    await form.getByRole("button", { name: "Opslaan" }).click();
    await page.getByRole("alert").filter({ hasText: "Dit soort partij ontvangt gegevens op basis van toestemming" }).waitFor();
    // The field's own message is Dutch too (R-ERR-LANG), next to the basis.
    await form.getByText("deze soort partij krijgt gegevens met toestemming: een wettelijke grondslag alleen met het wetsartikel en de bevestiging").waitFor();
    assert.doesNotMatch(await form.innerText(), /consent by nature|legalBasisConfirmed/);
    const parties = await stack.api<{ parties: { id: string; defaultBasis: string }[] }>("GET", "/api/parties");
    assert.equal(parties.json.parties.find((x) => x.id === "wijkteam")?.defaultBasis, "consent");
    await page.close();
  });

  it("When the overview opens, then it shows the register in numbers (the same as the statistics) and the coordinator's open work, the charts have text alternatives, and a state's number and the open requests' number open the lists behind them", async () => {
    // One open consent request (made, not answered) for the coordinator's number.
    const made = await stack.api("POST", "/api/consent-requests", { studentId: "lln-002", partyId: "dyslexiepraktijk", purposeId: "onderzoek-dyslexie" });
    assert.equal(made.status, 201, JSON.stringify(made.json));
    const openNow = await stack.api<{ requests: unknown[] }>("GET", "/api/consent-requests?state=open");
    const toReview = await stack.api<{ items: unknown[] }>("GET", "/api/review?state=open");
    assert.ok(openNow.json.requests.length > 0);
    const page = await open("?view=overview");
    await page.getByRole("heading", { name: "Toestemmingen die binnen 30 dagen verlopen" }).waitFor();
    const expiring = Number(await page.getByTestId("stat-expiring").textContent());
    const stats = await stack.api<{ expiringThisMonth: unknown[] }>("GET", "/api/stats");
    assert.equal(expiring, stats.json.expiringThisMonth.length);
    assert.equal(Number(await page.getByTestId("stat-students").textContent()), rows.length);
    const imgs = page.locator("svg[role=img]");
    for (let i = 0; i < (await imgs.count()); i++) {
      const desc = await imgs.nth(i).locator("desc").textContent();
      assert.ok(desc && /\d/.test(desc), "each chart describes its numbers");
    }
    const missing = rows.filter((r) => r.state === "missing").length;
    const link = page.getByTestId("stat-state-missing");
    assert.equal(await link.textContent(), `Geen toestemming: ${missing}`);
    await link.click();
    await page.getByTestId("register-count").filter({ hasText: `${missing} van ${rows.length}` }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get("state"), "missing");
    // Back to the overview (history, no page load): the open work, each number linking to its list.
    await page.goBack();
    const openLink = page.getByTestId("stat-open-requests");
    assert.equal(await openLink.textContent(), `Open verzoeken (wachten op antwoord): ${openNow.json.requests.length}`);
    assert.equal(await page.getByTestId("stat-to-review").textContent(), `Te beoordelen: ${toReview.json.items.length}`);
    await openLink.click();
    await page.getByRole("heading", { name: "Open verzoeken" }).first().waitFor();
    assert.equal(new URL(page.url()).searchParams.get("requests"), "open");
    assert.equal(await page.getByTestId("rq-filter").inputValue(), "open");
    await page.getByTestId("rq-table").waitFor();
    assert.equal(await page.getByTestId("rq-table").locator("tr[data-testid^=rq-]").count(), openNow.json.requests.length);
    await page.close();
  });

  it("When a view's chunk fails to load, then that view says so (an alert with a focusable 'Opnieuw proberen', axe clean), the navigation keeps working, nothing personal is logged, and trying again once the network is back shows the view without reloading the page", async () => {
    const page = await axeContext.newPage();
    const logged: string[] = [];
    page.on("console", (m) => logged.push(m.text()));
    let blocked = 0;
    await page.route("**/tab/chunks/DirectoryView-*.js", (r) => {
      blocked += 1;
      return r.abort("internetdisconnected");
    });
    let loads = 0;
    page.on("load", () => (loads += 1));
    await page.goto(url("?view=register"));
    await page.getByTestId("register-count").waitFor();
    await page.getByRole("navigation").getByRole("link", { name: "Partijen en beleid" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "Dit onderdeel kon niet worden geladen" });
    await alert.waitFor();
    assert.ok(blocked > 0, "the chunk was asked and refused");
    const retry = alert.getByRole("button", { name: "Opnieuw proberen" });
    await retry.focus();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Opnieuw proberen");
    await axeCheck(page, "a view that could not be loaded");
    // The rest of the tab stays: another view opens, and coming back shows the message again.
    await page.getByRole("navigation").getByRole("link", { name: "Register" }).click();
    await page.getByTestId("register-count").waitFor();
    await page.getByRole("navigation").getByRole("link", { name: "Partijen en beleid" }).click();
    await alert.waitFor();
    await page.unroute("**/tab/chunks/DirectoryView-*.js");
    await alert.getByRole("button", { name: "Opnieuw proberen" }).click();
    await page.getByRole("heading", { name: "Partijen, doelen en schoolbeleid" }).waitFor();
    assert.equal(await page.getByTestId("view-failed").count(), 0);
    assert.equal(loads, 1, "one page load: the view came by a new import(), not a reload");
    const warned = logged.filter((l) => l.startsWith("Zorgvuldig: the view"));
    assert.ok(warned.length > 0, "the failure is logged");
    for (const l of warned) assert.match(l, /^Zorgvuldig: the view "directory" could not be shown \(\w+\)$/);
    await page.close();
  });

  it("When ?lang=en is given, then the tab is in English", async () => {
    const page = await open("?lang=en");
    await page.getByRole("heading", { name: "Consent register" }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
    await page.close();
  });

  it("When shown in light and dark, then screenshots are saved and the dark theme is dark", async () => {
    const zoe = row("Zoë Bakker");
    for (const theme of ["light", "dark"] as const) {
      for (const [name, q] of [
        ["register", "?view=register"],
        ["student", `?view=student&student=${zoe.studentId}`],
        ["overview", "?view=overview"],
      ] as const) {
        const page = await open(`${q}&theme=${theme}`);
        await page.locator("main h1").waitFor();
        await page.waitForTimeout(150);
        await page.screenshot({ path: path.join(OUT, `${name}-${theme}.png`), fullPage: name !== "register" });
        const bg = await page.evaluate(() => getComputedStyle(document.querySelector(".fui-FluentProvider") ?? document.body).backgroundColor);
        const [r = 0, g = 0, b = 0] = (bg.match(/\d+/g) ?? []).map(Number);
        const luminance = (r + g + b) / 3;
        if (theme === "dark") assert.ok(luminance < 80, `dark background, got ${bg}`);
        else assert.ok(luminance > 200, `light background, got ${bg}`);
        await page.close();
      }
    }
    // The dev switcher changes the theme without a reload.
    const page = await open("");
    await page.getByTestId("theme-switch").selectOption("dark");
    await page.waitForFunction(() => document.querySelector(".fui-FluentProvider")?.getAttribute("data-theme") === "dark");
    await page.close();
  });

  it("When the tab opens in Teams light and the theme changes live, then it wears Teams' colours and the date inputs follow the color-scheme", async () => {
    const zoe = row("Zoë Bakker");
    const page = await open(`?view=student&student=${zoe.studentId}&theme=light`);
    const form = page.locator("form[aria-labelledby=consent-form-title]");
    const date = form.locator("input[type=date]").first();
    await date.waitFor();
    const look = (): Promise<{ theme: string | null; brand: string; button: string; dateScheme: string; pageScheme: string }> =>
      page.evaluate(() => {
        const provider = document.querySelector(".fui-FluentProvider");
        const input = document.querySelector("form[aria-labelledby=consent-form-title] input[type=date]");
        const button = document.querySelector("form[aria-labelledby=consent-form-title] button[type=submit]");
        if (!provider || !input || !button) throw new Error("provider, date input or submit button missing");
        return {
          theme: provider.getAttribute("data-theme"),
          brand: getComputedStyle(provider).getPropertyValue("--colorBrandBackground").trim().toLowerCase(),
          button: getComputedStyle(button).backgroundColor,
          dateScheme: getComputedStyle(input).colorScheme,
          pageScheme: getComputedStyle(document.documentElement).colorScheme,
        };
      });
    // Teams light is purple (#5b5fc7), not the web theme's blue (#0f6cbd).
    assert.deepEqual(await look(), { theme: "light", brand: "#5b5fc7", button: "rgb(91, 95, 199)", dateScheme: "light", pageScheme: "light" });
    // The host's theme change reaches the mounted tab without a reload (the dev switcher fires it here).
    await page.getByTestId("theme-switch").selectOption("dark");
    await page.waitForFunction(() => document.querySelector(".fui-FluentProvider")?.getAttribute("data-theme") === "dark");
    const dark = await look();
    assert.deepEqual({ brand: dark.brand, dateScheme: dark.dateScheme, pageScheme: dark.pageScheme }, { brand: "#4f52b2", dateScheme: "dark", pageScheme: "dark" });
    await page.getByTestId("theme-switch").selectOption("contrast");
    await page.waitForFunction(() => document.querySelector(".fui-FluentProvider")?.getAttribute("data-theme") === "contrast");
    const contrast = await look();
    assert.deepEqual({ dateScheme: contrast.dateScheme, pageScheme: contrast.pageScheme }, { dateScheme: "dark", pageScheme: "dark" });
    await page.close();
  });

  for (const theme of ["light", "dark", "contrast"] as const) {
    it(`When axe-core checks every view in the ${theme} theme, then there are no serious or critical violations`, async () => {
      const zoe = row("Zoë Bakker");
      const jan = row("Jan de Vries");
      for (const q of ["?view=register", `?view=student&student=${zoe.studentId}`, `?view=export&student=${jan.studentId}`, "?view=directory", "?view=overview"]) {
        const page = await open(`${q}&theme=${theme}`, axeContext);
        await page.locator("main h1").waitFor();
        await page.waitForLoadState("networkidle");
        if (q.includes("register")) await page.locator('[data-cell="0:1"]').focus(); // the active cell's styles too
        await axeCheck(page, `${theme} ${q}`);
        await page.close();
      }
      const cfg = await axeContext.newPage();
      await cfg.goto(`${stack.baseUrl}/tab/config.html?theme=${theme}`);
      await cfg.getByRole("heading", { name: "Zorgvuldig toevoegen aan dit team" }).waitFor();
      await axeCheck(cfg, `${theme} config.html`);
      await cfg.close();
    });
  }
  // The register at board scale (30,000 students, keyboard, sort, filter, selection): register-grid.browser.test.ts.
});
