/** Tab: the register overview's and statistics' data calls, a page of rows, the search, and the first grid rows in headless Chromium. */
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { mkdirSync, writeFileSync } from "node:fs";
import type { Browser, BrowserContext, CDPSession, Page } from "playwright-core";
import { DEMO_TENANT } from "../server/demo/seed.js";
import { BOARD_TENANT, SIZES, SMOKE, TAB_ON_BOARD, root } from "./config.js";
import { partyId, partyOfStudent, studentId } from "./board.js";
import { mapLimited } from "../server/shared/schedule.js";
import { launchBrowser } from "../test/support/browser.js";

/** Consent requests the bench makes on the board before it times the coordinator's overview (none on the demo tenant). */
const OPEN_REQUESTS = TAB_ON_BOARD ? (SMOKE ? 20 : 400) : 0;
import { fig, log, ms } from "./report.js";
import { call, devToken } from "./server-child.js";

/** One visit's timeline (ms from `page.goto`), from the page's own resource timing. */
interface Visit {
  firstRow: number;
  /** app.js (and its chunks) downloaded. */
  bundleEnd: number;
  /** The first API request leaves (the bundle has started and the host gave a token). */
  firstApi: number;
  rowsStart: number;
  rowsEnd: number;
}

/**
 * Serves the tab's static files of `dir` to a browser context (the API still goes to the server): the
 * baseline build (BENCH_TAB_BASELINE) and, in the same run, the current dist/tab, through the same path.
 */
async function serveTabFrom(context: BrowserContext, base: string, dir: string): Promise<void> {
  await context.route(`${base}/tab/**`, async (route) => {
    const rel = decodeURIComponent(new URL(route.request().url()).pathname.replace(/^\/tab\/?/, "")) || "index.html";
    const file = path.join(dir, rel);
    if (!file.startsWith(dir) || !existsSync(file)) return route.fulfill({ status: 404, body: "not found" });
    return route.fulfill({ path: file, headers: { "cache-control": "no-store" } });
  });
}

/**
 * BENCH_TAB_PROFILE=<dir>: each visit is recorded for `npx tsx bench/tab-profile.ts <dir>` (load-independent:
 * the main thread's CPU, not the wall clock): a CPU profile of the page (CDP `Profiler`, 100 µs sampling),
 * a Chromium trace of the visit (the renderer's tasks with their thread CPU time: compile, evaluate,
 * style, layout, paint, garbage collection) and the page's clock of the first row, as <visit>.cpuprofile,
 * <visit>.trace.json and <visit>.json.
 */
const PROFILE_DIR = process.env.BENCH_TAB_PROFILE ? path.resolve(process.env.BENCH_TAB_PROFILE) : undefined;
const TRACE_CATEGORIES = ["toplevel", "devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "v8.execute", "blink.user_timing", "loading", "disabled-by-default-v8.compile"];

interface Recording {
  /** Writes the files; `abandon` ends a recording whose visit failed (the browser traces one page at a time). */
  stop(file: string, pageClock: Record<string, unknown>): Promise<void>;
  abandon(): Promise<void>;
}

/** Starts the profile and the trace of a visit (before its navigation). */
async function startRecording(browser: Browser, context: BrowserContext, page: Page): Promise<Recording> {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
  await cdp.send("Profiler.start");
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  let open = true;
  return {
    async stop(file, pageClock) {
      const { profile } = await cdp.send("Profiler.stop");
      open = false;
      const trace = await browser.stopTracing();
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(`${file}.cpuprofile`, JSON.stringify(profile));
      writeFileSync(`${file}.trace.json`, trace);
      writeFileSync(`${file}.json`, JSON.stringify(pageClock));
    },
    async abandon() {
      if (open) await browser.stopTracing().catch(() => undefined);
      open = false;
    },
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * First grid rows in headless Chromium, each visit in a new browser context (empty cache). With
 * BENCH_TAB_BASELINE=<a copy of an earlier dist/tab> the visits alternate between that build and the
 * current one (BENCH_TAB_VISITS each, default 3), both served from disk by the browser's request
 * interception, so that a before/after is measured in the same run at the same load.
 */
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
  const baseline = process.env.BENCH_TAB_BASELINE ? path.resolve(process.env.BENCH_TAB_BASELINE) : undefined;
  if (baseline && !existsSync(path.join(baseline, "index.html"))) throw new Error(`BENCH_TAB_BASELINE=${baseline}: no index.html there`);
  // The tests' launch: headless, and without the browser UI's own pages that a visit never shows.
  let browser = await launchBrowser();
  const visit = async (name: string, from: string | undefined): Promise<Visit | undefined> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "nl-NL" });
    if (from) await serveTabFrom(context, base, from);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const recording = PROFILE_DIR ? await startRecording(browser, context, page) : undefined;
    try {
      const t = performance.now();
      await page.goto(`${base}/tab/${query}`);
      // The first body row with its data (the server's first page), not a loading placeholder.
      await page.waitForFunction(() => /\d/.test(document.querySelector('[role=grid] [role=row][aria-rowindex="2"]')?.textContent ?? ""), undefined, { timeout: 60_000 });
      const elapsed = performance.now() - t;
      // The page's own clock starts at navigation; goto started a moment earlier in this process.
      const v = await page.evaluate(() => {
        const now = performance.now();
        const res = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
        const js = res.filter((r) => /\/tab\/.*\.js(\?|$)/.test(r.name));
        const api = res.filter((r) => /\/(api|dev)\//.test(r.name));
        const rows = res.find((r) => /\/api\/register\/rows/.test(r.name));
        return {
          now,
          bundleEnd: Math.max(0, ...js.map((r) => r.responseEnd)),
          firstApi: Math.min(...api.map((r) => r.startTime)),
          rowsStart: rows?.startTime ?? NaN,
          rowsEnd: rows?.responseEnd ?? NaN,
          trace: res.map((r) => `${new URL(r.name).pathname.replace(/^\/api/, "")} ${r.startTime.toFixed(0)}-${r.responseEnd.toFixed(0)}`),
        };
      });
      const shift = elapsed - v.now;
      await recording?.stop(path.join(PROFILE_DIR ?? "", name.replace(/[^a-z0-9]+/gi, "-")), { name, build: from ?? path.join(root, "dist/tab"), rowSeen: v.now, trace: v.trace });
      const rowsCount = await page.getAttribute("[role=grid]", "aria-rowcount");
      log(`  ${name}: first row ${ms(elapsed)} (grid rows ${rowsCount ? Number(rowsCount) - 1 : "?"}); page clock: ${v.trace.join(", ")}; row seen at ${v.now.toFixed(0)}`);
      return { firstRow: elapsed, bundleEnd: v.bundleEnd + shift, firstApi: v.firstApi + shift, rowsStart: v.rowsStart + shift, rowsEnd: v.rowsEnd + shift };
    } catch (err) {
      const msg = err instanceof Error ? err.message.split("\n")[0] : String(err);
      fig("Tab", `${label} (${name})`, `not measured (${msg}${errors.length ? `; page error: ${errors[0]}` : ""})`, "<= 1 s");
      return undefined;
    } finally {
      await recording?.abandon();
      await context.close();
    }
  };
  const summary = (vs: Visit[]): string => {
    const m = (f: (v: Visit) => number): string => ms(median(vs.map(f)));
    return `${m((v) => v.firstRow)} median of ${vs.length} (bundle loaded ${m((v) => v.bundleEnd)}, first API request ${m((v) => v.firstApi)}, rows asked ${m((v) => v.rowsStart)}, rows in ${m((v) => v.rowsEnd)}, rendered +${m((v) => v.firstRow - v.rowsEnd)}; load average ${os.loadavg()[0]?.toFixed(1)})`;
  };
  try {
    const visits = Number(process.env.BENCH_TAB_VISITS ?? (SMOKE ? 1 : 3));
    if (!baseline) {
      // Each round a browser of its own: its first visit (nothing cached, no code compiled), then a second
      // visit in a new context of the same browser; the figures are the medians over the rounds.
      const firsts: Visit[] = [];
      const seconds: Visit[] = [];
      for (let i = 0; i < visits; i++) {
        if (i > 0) {
          await browser.close();
          browser = await launchBrowser();
        }
        const first = await visit(`round ${i + 1}, first browser visit`, undefined);
        if (first) firsts.push(first);
        const second = await visit(`round ${i + 1}, second visit`, undefined);
        if (second) seconds.push(second);
      }
      for (const [when, vs] of [["first browser visit", firsts], ["second visit, new browser context", seconds]] as const)
        if (vs.length) fig("Tab", `${label} (${when})`, summary(vs), "<= 1 s", median(vs.map((v) => v.firstRow)) <= 1000);
      return;
    }
    // BENCH_TAB_CURRENT=<dir>: the current build from another folder (a readable build of bench/tab-profile.ts build).
    const current = process.env.BENCH_TAB_CURRENT ? path.resolve(process.env.BENCH_TAB_CURRENT) : path.join(root, "dist/tab");
    const before: Visit[] = [];
    const after: Visit[] = [];
    for (let i = 0; i < visits; i++) {
      const b = await visit(`baseline ${i + 1}`, baseline);
      if (b) before.push(b);
      const a = await visit(`current ${i + 1}`, current);
      if (a) after.push(a);
    }
    if (before.length) fig("Tab", `${label}, baseline build (${baseline})`, summary(before), "<= 1 s", median(before.map((v) => v.firstRow)) <= 1000);
    if (after.length) fig("Tab", `${label}, current build`, summary(after), "<= 1 s", median(after.map((v) => v.firstRow)) <= 1000);
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
    const p50 = async (n: number, path: (i: number) => string, token = viewer): Promise<{ p50: number; first: number }> => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const tv = performance.now();
        const r = await call<unknown>(base, token, "GET", path(i));
        if (r.status !== 200) throw new Error(`${path(i)}: ${r.status}`);
        times.push(performance.now() - tv);
      }
      const sorted = [...times].sort((a, b) => a - b);
      return { p50: sorted[Math.floor(sorted.length / 2)] ?? NaN, first: times[0] ?? NaN };
    };
    const overview = await p50(20, () => "/api/register/overview");
    fig("Tab", "GET /api/register/overview (the register in numbers: the Overview screen), 20 calls", `first ${ms(overview.first)}, p50 ${ms(overview.p50)}`, "p50 < 300 ms", overview.p50 < 300);
    // What a coordinator gets (issue 17): the same numbers with the open work, after OPEN_REQUESTS consent requests
    // were made over the board's schools (counted from the kept rows of the open ones per school).
    const coordinator = await devToken(base, "ib@tab", ["coordinator"], tenant);
    const made = await mapLimited(Array.from({ length: OPEN_REQUESTS }, (_, k) => k), 4, (k) =>
      call<unknown>(base, coordinator, "POST", "/api/consent-requests", { studentId: studentId((k * 73) % SIZES.students), partyId: partyId(partyOfStudent((k * 73) % SIZES.students, SIZES.parties)), purposeId: "zorg" }),
    );
    const opened = made.filter((r) => r.status === 201).length;
    const work = await p50(20, () => "/api/register/overview", coordinator);
    fig("Tab", `GET /api/register/overview as a coordinator (with the open work: ${opened} open requests), 20 calls`, `first ${ms(work.first)}, p50 ${ms(work.p50)}`, "p50 < 300 ms", work.p50 < 300);
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
