/**
 * The parents' page in headless Chromium over the real stack (Azurite + the server + the demo school):
 * a phone-sized window opens the personal link of a real consent request, gives consent, then withdraws
 * it; an altered and an expired link are refused with a clear message. Axe finds nothing serious in
 * light, dark and forced colours (high contrast). Screenshots: test-output/parents-page/.
 */
import assert from "node:assert/strict";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startStack, type Stack } from "../support/stack.js";
import { launchBrowser, runAxe, screenshotDir } from "../support/browser.js";
import { registerOf, type ConsentEvent } from "../support/api-helpers.js";
import type { ConsentRequestRecord } from "../../server/register/requests.js";

describe("Parents' page in Chromium: link, give, withdraw; altered and expired links refused", function () {
  this.timeout(120_000);
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let req: ConsentRequestRecord;
  let OUT = "";

  before(async () => {
    OUT = screenshotDir("parents-page");
    stack = await startStack();
    // Noor's two parents with authority are asked, one letter and one link each.
    const r = await stack.api<ConsentRequestRecord>("POST", "/api/consent-requests", { studentId: "lln-002", partyId: "dyslexiepraktijk", purposeId: "onderzoek-dyslexie" });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    req = r.json;
    browser = await launchBrowser();
    // A phone: 375 px wide, touch, 2x pixels.
    context = await browser.newContext({ viewport: { width: 375, height: 800 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: "nl-NL" });
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await stack?.stop();
  });

  const linkOf = (i: number): string => {
    const url = req.letters[i]?.link;
    assert.ok(url);
    return `${stack.baseUrl}${new URL(url).pathname}`;
  };

  async function axeIn(page: Page, label: string): Promise<void> {
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme, forcedColors: "none" });
      assert.deepEqual(await runAxe(page, { inject: "evaluate" }), [], `${label} (${scheme})`);
    }
    await page.emulateMedia({ colorScheme: "dark", forcedColors: "active" });
    assert.deepEqual(await runAxe(page, { inject: "evaluate" }), [], `${label} (forced colours)`);
    await page.emulateMedia({ colorScheme: "light", forcedColors: "none" });
  }

  it("When a parent opens the link on a phone, then the page shows the stored information text, fits the screen and passes axe in light, dark and high contrast", async () => {
    const page = await context.newPage();
    const resp = await page.goto(linkOf(0));
    assert.equal(resp?.status(), 200);
    await page.getByRole("heading", { level: 1 }).waitFor();
    assert.equal(await page.getAttribute("html", "lang"), "nl");
    const main = await page.locator("main").innerText();
    for (const line of req.informationShown.split("\n")) assert.ok(main.includes(line), `shows: ${line}`);
    // Mobile first: nothing wider than the screen; targets at least 44 px high.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
    const give = page.getByRole("button", { name: "Ja, ik geef toestemming" });
    const box = await give.boundingBox();
    assert.ok(box && box.height >= 44, `button height ${box?.height}`);
    await axeIn(page, "page");
    await page.screenshot({ path: path.join(OUT, "1-page-nl.png"), fullPage: true });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: path.join(OUT, "1-page-nl-dark.png"), fullPage: true });
    await page.emulateMedia({ colorScheme: "light", forcedColors: "active" });
    await page.screenshot({ path: path.join(OUT, "1-page-nl-high-contrast.png"), fullPage: true });
    await page.emulateMedia({ colorScheme: "light", forcedColors: "none" });
    // The language switch keeps the link.
    await page.getByRole("link", { name: "English" }).click();
    await page.getByRole("button", { name: "Yes, I give consent" }).waitFor();
    assert.equal(await page.getAttribute("html", "lang"), "en");
    await page.screenshot({ path: path.join(OUT, "2-page-en.png"), fullPage: true });
    await page.close();
  });

  it("When the parent gives consent and then withdraws it, then the page confirms each and the register holds the portal consent and its withdrawal", async () => {
    const page = await context.newPage();
    await page.goto(linkOf(1));
    await page.getByRole("button", { name: "Ja, ik geef toestemming" }).click();
    const status = page.getByRole("status");
    await status.waitFor();
    assert.match(await status.innerText(), /Uw toestemming is bewaard/);
    await axeIn(page, "after giving");
    await page.screenshot({ path: path.join(OUT, "3-given.png"), fullPage: true });
    let reg = await registerOf(stack, "lln-002");
    const consent = reg.events.find((e): e is ConsentEvent => e.type === "consent" && e.method === "portal");
    assert.ok(consent);
    assert.deepEqual(consent.givenBy, { guardianId: "lln-002-o2" });
    assert.equal(consent.informationShown, req.informationShown);
    // Reloading and answering again records nothing new: the form is gone, only withdrawing is offered.
    await page.goto(linkOf(1));
    assert.equal(await page.getByRole("button", { name: "Ja, ik geef toestemming" }).count(), 0);
    await page.getByRole("button", { name: "Mijn toestemming intrekken" }).click();
    await page.getByRole("status").waitFor();
    assert.match(await page.getByRole("status").innerText(), /ingetrokken/);
    await axeIn(page, "after withdrawing");
    await page.screenshot({ path: path.join(OUT, "4-withdrawn.png"), fullPage: true });
    reg = await registerOf(stack, "lln-002");
    assert.ok(reg.events.some((e) => e.type === "withdrawal" && e.consentId === consent.id));
    assert.equal(reg.events.filter((e) => e.type === "consent" && e.method === "portal").length, 1);
    await page.close();
  });

  it("When a link is altered or has expired, then the page refuses it with a clear message in the parent's words", async () => {
    const page = await context.newPage();
    const link = linkOf(0);
    const altered = `${link.slice(0, -10)}${link.at(-10) === "A" ? "B" : "A"}${link.slice(-9)}`;
    const r1 = await page.goto(altered);
    assert.equal(r1?.status(), 404);
    assert.match(await page.getByRole("alert").innerText(), /Deze link klopt niet/);
    await axeIn(page, "altered link");
    await page.screenshot({ path: path.join(OUT, "5-altered.png"), fullPage: true });
    const { token } = await stack.running.services.parentLinks.issue(stack.tenantId, req.requestId, "g:lln-002-o1", new Date(Date.now() - 1000).toISOString());
    const r2 = await page.goto(`${stack.baseUrl}/api/parents/${token}`);
    assert.equal(r2?.status(), 410);
    assert.match(await page.getByRole("alert").innerText(), /Deze link is verlopen/);
    await axeIn(page, "expired link");
    await page.screenshot({ path: path.join(OUT, "6-expired.png"), fullPage: true });
    await page.close();
  });
});
