/**
 * "Open verzoeken" and the renewal round of the Teams tab in headless Chromium over the real stack
 * (Azurite + the server + the demo school). Axe clean in light, dark and high contrast; screenshots in
 * test-output/requests/.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { useTabBrowser } from "../support/tab-browser.js";
import { runAxe } from "../support/browser.js";
import type { OpenRequest } from "../../contract/portal.js";
import type { ConsentRequestRecord } from "../../server/register/requests.js";
import { key } from "../../server/shared/storage.js";

describe("Tab: open requests and the renewal round, over the real server", function () {
  this.timeout(180_000);
  const tab = useTabBrowser("requests");
  const { stack, open } = tab;
  let req: ConsentRequestRecord;

  before(async function () {
    const r = await stack.api<ConsentRequestRecord>("POST", "/api/consent-requests", { studentId: "lln-002", partyId: "dyslexiepraktijk", purposeId: "onderzoek-dyslexie" });
    assert.equal(r.status, 201);
    req = r.json;
    // The mother answers on the parents' page.
    const link = req.letters[0]?.link;
    assert.ok(link);
    const answered = await fetch(`${stack.baseUrl}${new URL(link).pathname}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "answer=give",
    });
    assert.equal(answered.status, 200);
    // The father's letter went out eight days ago (the server sent it) and is still unanswered: a reminder is due.
    const pk = key(stack.tenantId, "request");
    const e = await stack.running.storage.getOrUndefined("Meta", pk, key(req.requestId));
    assert.ok(e);
    const rec = JSON.parse(String(e.data)) as ConsentRequestRecord;
    const sentAt = new Date(Date.now() - 8 * 86400_000).toISOString();
    const letters = rec.letters.map((l, i) => (i === 1 ? { ...l, messageId: "<request-erik@regenboog.school.example>" } : l));
    await stack.running.storage.run("Meta", (t) => t.updateEntity({ partitionKey: pk, rowKey: key(req.requestId), data: JSON.stringify({ ...rec, letters, sentAt }) }, "Replace"));
  });

  it("When the coordinator opens Open verzoeken, then the request shows per parent what happened and whose reminder is due, in light, dark and high contrast", async () => {
    for (const theme of ["light", "dark", "contrast"] as const) {
      const page = await open(`?view=requests&theme=${theme}`);
      await page.getByRole("heading", { name: "Open verzoeken", level: 1 }).waitFor();
      const row = page.getByTestId(`rq-${req.requestId}`);
      await row.waitFor();
      const text = await row.innerText();
      assert.match(text, /Noor van der Berg/);
      assert.match(text, /Marieke van der Berg: Beantwoord \(toestemming\)/);
      assert.match(text, /Erik Hoekstra: Verstuurd, herinnering nodig/);
      // Without Microsoft Graph (dev mode) the server cannot send: no button, the mark and the count alone
      // (this father's letter and the demo's unanswered request to both parents of Finn Smit).
      assert.match(await page.getByTestId("rq-due").innerText(), /3 herinnering\(en\) klaar om te sturen\./);
      assert.equal(await page.getByTestId("rq-remind").count(), 0);
      assert.match(text, /Geopend|Beantwoord/);
      assert.deepEqual(await runAxe(page), [], `requests (${theme})`);
      await page.screenshot({ path: path.join(tab.out, `1-open-requests-${theme}.png`), fullPage: true });
      await page.close();
    }
  });

  it("When the coordinator opens the overview, then it shows how many reminders are due and links to Open verzoeken", async () => {
    const page = await open("?view=overview");
    const card = page.getByTestId("ov-reminders");
    await card.waitFor();
    assert.match(await card.innerText(), /3 herinnering\(en\) klaar om te sturen\./);
    assert.equal(await page.getByTestId("rq-remind").count(), 0, "no Graph in dev mode: the count alone");
    assert.ok(await page.getByRole("link", { name: "Open verzoeken" }).count() >= 1);
    assert.deepEqual(await runAxe(page), [], "overview with reminders");
    await page.screenshot({ path: path.join(tab.out, "4-overview-reminders.png"), fullPage: true });
    await page.close();
  });

  it("When the coordinator runs the renewal round, then the consents ending this school year are previewed and the requests are made in one go", async () => {
    const before = await stack.api<{ requests: OpenRequest[] }>("GET", "/api/consent-requests");
    const page = await open("?view=requests");
    await page.getByTestId("rn-preview").click();
    const table = page.getByTestId("rn-table");
    // The preview reads every consent of the school: give it longer on a machine running two test files at once.
    await table.waitFor({ timeout: 60_000 });
    const candidates = await table.locator("tbody tr").count();
    assert.ok(candidates > 0, "the demo has consents that end this school year");
    // Leave the first one out.
    await table.locator("tbody tr").first().getByRole("checkbox").uncheck();
    const chosen = await table.locator("tbody tr input[type=checkbox]:checked").count();
    assert.deepEqual(await runAxe(page), [], "renewal preview");
    await page.screenshot({ path: path.join(tab.out, "2-renewal-preview.png"), fullPage: true });
    await page.getByTestId("rn-send").click();
    await page.getByText(`${chosen} verzoeken gemaakt.`).waitFor();
    await page.screenshot({ path: path.join(tab.out, "3-renewal-done.png"), fullPage: true });
    const after = await stack.api<{ requests: OpenRequest[] }>("GET", "/api/consent-requests");
    assert.equal(after.json.requests.length, before.json.requests.length + chosen);
    // Each new request has a personal link per holder, and the preview now marks them as already asked.
    const fresh = after.json.requests.filter((r) => !before.json.requests.some((b) => b.requestId === r.requestId));
    assert.ok(fresh.every((r) => r.linkExpiresAt && r.letters.length > 0));
    await page.close();
  });
});
