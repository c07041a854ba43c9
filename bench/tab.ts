/** Tab: the register overview's data call, and the first grid rows in headless Chromium. */
import { existsSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { DEMO_TENANT } from "../server/demo/seed.js";
import { BOARD_TENANT, SIZES, TAB_ON_BOARD, root } from "./config.js";
import { fig, log, ms } from "./report.js";
import { call, devToken } from "./server-child.js";

export async function tab(query: string, tabStudents: number, base: string): Promise<void> {
  const label = `First grid rows, ${tabStudents.toLocaleString("en")}-student register`;
  if (!existsSync(path.join(root, "dist/tab/index.html")) || !existsSync(path.join(root, "dist/tab/app.js"))) {
    fig("Tab", label, "not measured (the tab is not built)", "<= 1 s");
    return;
  }
  if (!existsSync("/usr/bin/chromium")) {
    fig("Tab", label, "not measured (no /usr/bin/chromium)", "<= 1 s");
    return;
  }
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    for (const when of ["first browser visit", "second visit, new browser context"] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "nl-NL" });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      const t = performance.now();
      try {
        await page.goto(`${base}/tab/${query}`);
        await page.locator("[role=grid] [role=row][aria-selected]").first().waitFor({ timeout: 60_000 });
        const elapsed = performance.now() - t;
        const rows = await page.getAttribute("[role=grid]", "aria-rowcount");
        const inPage = await page.evaluate(() => performance.now());
        fig("Tab", `${label} (${when})`, `${ms(elapsed)} (grid rows: ${rows ? Number(rows) - 1 : "?"}; ${ms(inPage)} after navigation start)`, "<= 1 s", elapsed <= 1000);
      } catch (err) {
        const msg = err instanceof Error ? err.message.split("\n")[0] : String(err);
        fig("Tab", `${label} (${when})`, `not measured (${msg}${errors.length ? `; page error: ${errors[0]}` : ""})`, "<= 1 s");
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
}

/** The Tab figures: the tab opens the board itself when it is small enough, else the demo tenant's register. */
export async function runTab(base: string): Promise<void> {
  log("tab: first rows in headless Chromium");
  // The tab's first data: the register overview, on its own (warm directory cache after this call).
  {
    const tenant = TAB_ON_BOARD ? BOARD_TENANT : DEMO_TENANT;
    const viewer = await devToken(base, "ib@tab", ["viewer"], tenant);
    const times: number[] = [];
    let rowsSeen = 0;
    for (let i = 0; i < 2; i++) {
      const tv = performance.now();
      const r = await call<{ rows: unknown[] }>(base, viewer, "GET", "/api/register/overview");
      times.push(performance.now() - tv);
      rowsSeen = r.json.rows.length;
    }
    fig("Tab", "GET /api/register/overview (the grid's data), first and second call", `${ms(times[0] ?? NaN)}, ${ms(times[1] ?? NaN)} (${rowsSeen.toLocaleString("en")} rows)`);
  }
  await tab(TAB_ON_BOARD ? `?tenant=${BOARD_TENANT}` : "", TAB_ON_BOARD ? SIZES.students : SIZES.tabStudents, base).catch((err: unknown) => {
    fig("Tab", "First grid rows", `not measured (${err instanceof Error ? err.message.split("\n")[0] : String(err)})`, "<= 1 s");
  });
}
