/**
 * Issue 16 in the Teams tab, in headless Chromium over the real stack (Azurite + the server + the demo
 * school): the administrative log view (what, who, when, why, approver; the chain verified) and the
 * banner of a failed audit after the Events table was tampered with through the Table API. Axe clean in
 * light, dark and high contrast; screenshots in test-output/admin-log/.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { useTabBrowser } from "../support/tab-browser.js";
import { runAxe } from "../support/browser.js";
import { tableClient } from "../support/api-helpers.js";
import { DEMO_SCHOOL_ID } from "../../server/demo/data.js";
import type { AdminLogResponse, ApprovalRecord, AuditStatus } from "../../contract/index.js";
import type { Policy } from "../../contract/directory.js";

describe("Tab: the administrative log and the audit banner, over the real server", function () {
  this.timeout(180_000);
  const tab = useTabBrowser("admin-log", { CHECKPOINT_INTERVAL_SECONDS: "0" });
  const { stack, open } = tab;

  before(async function () {
    // A four-eyes decision: the coordinator proposes a shorter retention, the privacy officer approves.
    const po = await stack.token("fg@demo", ["privacy-officer"]);
    const policy = await stack.api<Policy>("GET", `/api/policies/${DEMO_SCHOOL_ID}`);
    const prop = await stack.api<ApprovalRecord>("POST", "/api/approvals", {
      kind: "retention-change", schoolId: DEMO_SCHOOL_ID, retention: { ...policy.json.retention, consentYears: 1 }, reason: "Bestuursbesluit bewaartermijnen",
    });
    assert.equal(prop.status, 201, JSON.stringify(prop.json));
    const ok = await stack.api("POST", `/api/approvals/${prop.json.id}/approve`, { reason: "Akkoord FG" }, { token: po });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
  });

  it("When a coordinator opens the Beheerlog, then each change shows what, who, when, why and the approver, pages come from the server and the chain verifies, in light, dark and high contrast", async () => {
    const all = await stack.api<AdminLogResponse>("GET", "/api/admin-log");
    assert.ok(all.json.total >= 3, JSON.stringify(all.json.total));
    // The route pages: offset skips the newest.
    const second = await stack.api<AdminLogResponse>("GET", "/api/admin-log?limit=1&offset=1");
    assert.deepEqual(second.json.entries.map((e) => e.seq), [all.json.entries[1]?.seq]);
    assert.equal(second.json.total, all.json.total);

    for (const theme of ["light", "dark", "contrast"] as const) {
      const page = await open(`?view=adminlog&theme=${theme}`);
      await page.getByRole("heading", { name: "Beheerlog", level: 1 }).waitFor();
      const grid = page.getByRole("grid", { name: "Beheerlog" });
      await grid.waitFor();
      const approved = grid.getByRole("row").filter({ hasText: "fg@demo" }).filter({ hasText: "Beleid gewijzigd" });
      const text = await approved.innerText();
      assert.match(text, /ib@demo/, "who proposed");
      assert.match(text, /Bestuursbesluit bewaartermijnen/, "why");
      assert.match(text, /OBS De Regenboog/, "the school by name");
      assert.equal(await grid.getByRole("columnheader").allInnerTexts().then((h) => h.join("|")), "Wanneer|Wie|Wat|Waarom|Goedgekeurd door");
      assert.match(await page.getByTestId("al-chain").innerText(), new RegExp(`klopt: ${all.json.total} vermeldingen`));
      assert.equal(await page.getByTestId("al-range").innerText(), `1-${all.json.total} van ${all.json.total}`);
      assert.equal(await page.getByTestId("audit-banner").count(), 0, "no banner while no audit failed");
      if (theme === "light") {
        // The keyboard: one tab stop, arrows from cell to cell.
        await grid.getByRole("columnheader", { name: "Wanneer" }).focus();
        await page.keyboard.press("ArrowDown");
        await page.keyboard.press("ArrowRight");
        assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-cell")), "0:1");
        assert.equal(await page.evaluate(() => document.activeElement?.textContent), all.json.entries[0]?.by);
      }
      assert.deepEqual(await runAxe(page), [], `admin log (${theme})`);
      await page.screenshot({ path: path.join(tab.out, `1-admin-log-${theme}.png`), fullPage: true });
      await page.close();
    }
  });

  it("When someone with the storage key deletes an event and the audit runs, then every view shows a banner (alert) that says to contact the privacy officer, also to a viewer, who has no admin log", async () => {
    // The attacker removes the first event of a chain straight through the Table API.
    const events = tableClient(stack, "Events");
    let victim: { pk: string; rk: string } | undefined;
    for await (const e of events.listEntities<Record<string, unknown>>({ queryOptions: { filter: `RowKey eq '0000000001'` } })) {
      if (String(e.partitionKey).startsWith(`${stack.tenantId}|`)) {
        victim = { pk: String(e.partitionKey), rk: String(e.rowKey) };
        break;
      }
    }
    assert.ok(victim, "the demo has events");
    await events.deleteEntity(victim.pk, victim.rk);

    // The coordinator (who sees every school of the demo board) runs the audit from the admin log view.
    const page = await open("?view=adminlog");
    await page.getByTestId("al-audit-state").waitFor();
    assert.equal(await page.getByTestId("audit-banner").count(), 0);
    await page.getByTestId("al-audit-run").click();
    const banner = page.getByRole("alert").filter({ hasText: "Het register is mogelijk buiten Zorgvuldig om gewijzigd" });
    await banner.waitFor();
    assert.match(await page.getByTestId("al-audit-state").innerText(), /afwijkingen gevonden/);
    await page.close();

    const status = await stack.api<AuditStatus>("GET", "/api/audit/status");
    assert.equal(status.json.state, "failed");
    assert.ok(Object.keys(status.json.problems).length > 0);

    for (const theme of ["light", "dark", "contrast"] as const) {
      const viewer = await open(`?view=overview&role=viewer&theme=${theme}`);
      const b = viewer.getByTestId("audit-banner");
      await b.waitFor();
      assert.equal(await b.getAttribute("role"), "alert");
      const text = await b.innerText();
      assert.match(text, /privacyfunctionaris/);
      assert.match(text, /verwijder of wijzig niets/);
      assert.match(text, new RegExp(Object.keys(status.json.problems)[0] ?? "-"));
      await viewer.getByRole("heading", { level: 1 }).first().waitFor();
      assert.equal(await viewer.getByRole("navigation", { name: "Onderdelen" }).getByRole("link", { name: "Beheerlog" }).count(), 0, "a viewer has no admin log");
      assert.deepEqual(await runAxe(viewer), [], `banner (${theme})`);
      await viewer.screenshot({ path: path.join(tab.out, `2-audit-banner-${theme}.png`), fullPage: true });
      await viewer.close();
    }
  });

  it("When the stored audit outcome is overwritten as ok without the integrity key, then the status still says failed (status-mac-invalid)", async () => {
    const meta = tableClient(stack, "Meta");
    const row = await meta.getEntity<Record<string, unknown>>(stack.tenantId, "audit-status");
    // Same time, key id and MAC; only the outcome changed.
    await meta.upsertEntity({ partitionKey: stack.tenantId, rowKey: "audit-status", at: row.at, keyId: row.keyId, mac: row.mac, ok: true, problems: "{}" }, "Replace");
    const status = await stack.api<AuditStatus>("GET", "/api/audit/status");
    assert.deepEqual({ state: status.json.state, problems: status.json.problems }, { state: "failed", problems: { "status-mac-invalid": 1 } });
  });
});
