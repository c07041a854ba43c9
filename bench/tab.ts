/** Tab: the register overview's and statistics' data calls, a page of rows, the search, and the first grid rows in headless Chromium. */
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
      // What the page asks before its first row: each request's path, when it started and ended (ms from goto).
      const trace: string[] = [];
      const started = new Map<unknown, number>();
      page.on("request", (r) => started.set(r, performance.now()));
      page.on("requestfinished", (r) => {
        const from = started.get(r);
        if (from !== undefined) trace.push(`${new URL(r.url()).pathname.replace(/^\/api/, "")} ${ms(from - t)}-${ms(performance.now() - t)}`);
      });
      const t = performance.now();
      try {
        await page.goto(`${base}/tab/${query}`);
        // The first body row with its data (the server's first page), not a loading placeholder.
        await page.waitForFunction(() => /\d/.test(document.querySelector('[role=grid] [role=row][aria-rowindex="2"]')?.textContent ?? ""), undefined, { timeout: 60_000 });
        const elapsed = performance.now() - t;
        const rows = await page.getAttribute("[role=grid]", "aria-rowcount");
        const inPage = await page.evaluate(() => performance.now());
        log(`  ${when}: ${trace.join(", ")}`);
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
  // The tab's data on its own: the first call builds the register projection (a scan of the HEAD rows);
  // then p50s of the overview (the register in numbers), of the statistics, of one page of the register
  // (what the grid asks) and of the student search (the task pane's combobox).
  {
    const tenant = TAB_ON_BOARD ? BOARD_TENANT : DEMO_TENANT;
    const viewer = await devToken(base, "ib@tab", ["viewer"], tenant);
    const p50 = async (n: number, path: (i: number) => string): Promise<{ p50: number; first: number }> => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const tv = performance.now();
        const r = await call<unknown>(base, viewer, "GET", path(i));
        if (r.status !== 200) throw new Error(`${path(i)}: ${r.status}`);
        times.push(performance.now() - tv);
      }
      const sorted = [...times].sort((a, b) => a - b);
      return { p50: sorted[Math.floor(sorted.length / 2)] ?? NaN, first: times[0] ?? NaN };
    };
    const overview = await p50(20, () => "/api/register/overview");
    fig("Tab", "GET /api/register/overview (the register in numbers: the Overview screen), 20 calls", `first ${ms(overview.first)}, p50 ${ms(overview.p50)}`, "p50 < 300 ms", overview.p50 < 300);
    const stats = await p50(5, () => "/api/stats");
    fig("Tab", "GET /api/stats (every expiring consent, disclosures per party, overrides), 5 calls", `first ${ms(stats.first)}, p50 ${ms(stats.p50)}`, "p50 < 300 ms", stats.p50 < 300);
    const sorts = ["name", "studentNumber", "className", "state", "nextExpiry"];
    const page = await p50(20, (i) => `/api/register/rows?sort=${sorts[i % sorts.length] ?? "name"}&dir=${i % 2 ? "desc" : "asc"}&offset=${(i * 997) % 20_000}&limit=100`);
    fig("Tab", "GET /api/register/rows (one page of 100, sorted, paged), 20 calls", `first ${ms(page.first)}, p50 ${ms(page.p50)}`);
    const terms = ["jan", "van den berg", "groep 5a", "1000123", "noor de", "yilmaz", "aydin", "sem bakker", "el amrani", "zoe"];
    const search = await p50(50, (i) => `/api/students?query=${encodeURIComponent(terms[i % terms.length] ?? "jan")}&limit=21&sort=family`);
    fig("Tab", "GET /api/students?query= (the task pane's combobox), 50 searches", `first ${ms(search.first)}, p50 ${ms(search.p50)}`, "p50 < 150 ms", search.p50 < 150);
  }
  await tab(TAB_ON_BOARD ? `?tenant=${BOARD_TENANT}` : "", TAB_ON_BOARD ? SIZES.students : SIZES.tabStudents, base).catch((err: unknown) => {
    fig("Tab", "First grid rows", `not measured (${err instanceof Error ? err.message.split("\n")[0] : String(err)})`, "<= 1 s");
  });
}
