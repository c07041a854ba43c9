/**
 * Headless Chromium and axe-core for the browser tests: one launch configuration, one accessibility
 * check, one place for screenshots (test-output/<name>).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import axe from "axe-core";
import { chromium, type Browser, type Page } from "playwright-core";

const root = path.resolve(import.meta.dirname, "../..");

export const CHROMIUM_PATH = "/usr/bin/chromium";
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Features of this Chromium's own browser UI that no page needs: the omnibox popup, which is a WebUI page
 * (a renderer of its own) made for every new window, so for every browser context. Headless, it is never
 * shown, but it costs some 0.9 s of CPU per window on this 2-core machine, beside the page under test
 * (Puppeteer turns both off by default since Chromium made them WebUI).
 */
const UNUSED_FEATURES = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup"];

let launchArgs: Promise<string[]> | undefined;

/**
 * CHROMIUM_ARGS and a --disable-features with UNUSED_FEATURES. Playwright passes a --disable-features of
 * its own, and Chromium reads only the last one: ours repeats Playwright's list (read once per process
 * from the command line Playwright builds) and adds these.
 */
export function chromiumArgs(): Promise<string[]> {
  launchArgs ??= (async () => {
    const server = await chromium.launchServer({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
    try {
      const theirs = server
        .process()
        .spawnargs.filter((a) => a.startsWith("--disable-features="))
        .flatMap((a) => a.slice("--disable-features=".length).split(","));
      return [...CHROMIUM_ARGS, `--disable-features=${[...new Set([...theirs, ...UNUSED_FEATURES])].filter(Boolean).join(",")}`];
    } finally {
      await server.close();
    }
  })();
  return launchArgs;
}

/** The system Chromium, headless, without sandbox, GPU, background traffic or unused UI pages. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: await chromiumArgs() });
}

/** test-output/<name>, created if missing: where a test saves its screenshots. */
export function screenshotDir(name: string): string {
  const dir = path.join(root, "test-output", name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  /** The first three offending nodes. */
  nodes: { target: unknown[]; failureSummary?: string }[];
}

export interface RunAxeOptions {
  /**
   * How axe-core gets into the page. "script" adds an inline <script>, which a page under the server's
   * CSP refuses unless its context has bypassCSP; "evaluate" runs the source through page.evaluate, so the
   * page keeps its CSP.
   */
  inject?: "script" | "evaluate";
  /** CSS selectors axe leaves out (each one a selector list as axe's `exclude` takes it). */
  exclude?: string[][];
}

/** Runs axe-core on the page and returns its serious and critical violations (none is a pass). */
export async function runAxe(page: Page, options: RunAxeOptions = {}): Promise<AxeViolation[]> {
  if (options.inject === "evaluate") await page.evaluate(axe.source);
  else await page.addScriptTag({ content: axe.source });
  const violations = await page.evaluate(async (exclude) => {
    const w = window as unknown as { axe: { run(ctx: object, opts: object): Promise<{ violations: AxeViolation[] }> } };
    const r = await w.axe.run(exclude ? { exclude } : document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  }, options.exclude);
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}
