import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ensureBuilt } from "./built.js";
import { useStack, type Stack } from "./stack.js";
import { launchBrowser, screenshotDir } from "./browser.js";

/** The tab in headless Chromium against the real server: one stack, browser and context per test file. */
export interface TabBrowser {
  /** The demo stack (usable in the describe: its members read the started one). */
  readonly stack: Stack;
  /** Where this file's screenshots go (test-output/<name>). */
  readonly out: string;
  /** A new page on the tab (`q`: "?view=…"); `before` runs on the page before it loads (routes, init scripts). */
  open(q: string, before?: (p: Page) => Promise<unknown>): Promise<Page>;
}

/**
 * Registers the hooks of a tab browser test in the calling `describe`: the build, the demo stack, a
 * browser with a Dutch 1280x900 context (CSP bypassed: axe is injected as an inline script), and after
 * each test the check that the page threw nothing. Hooks the file adds run after these.
 */
export function useTabBrowser(name: string, env: Record<string, string> = {}): TabBrowser {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let out = "";
  const pageErrors: string[] = [];
  before(async function () {
    this.timeout(240_000);
    await ensureBuilt();
  });
  const stack = useStack({ seedDemo: true, env: { STORAGE_TIMEOUT_MS: "20000", ...env } });
  before(async function () {
    this.timeout(240_000);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "nl-NL", bypassCSP: true });
    out = screenshotDir(name);
  });
  after(async () => {
    await browser?.close();
  });
  afterEach(() => {
    assert.deepEqual(pageErrors.splice(0), [], "no uncaught errors in the page");
  });
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error("the tab browser is not started (use it inside a test or a later hook)");
    return v;
  };
  return {
    stack,
    get out() {
      return out;
    },
    async open(q, beforeLoad) {
      const page = await started(context).newPage();
      page.on("pageerror", (e) => pageErrors.push(`${q}: ${e.message}`));
      await beforeLoad?.(page);
      await page.goto(`${stack.baseUrl}/tab/${q}`);
      return page;
    },
  };
}
