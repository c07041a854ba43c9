import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { stackFacade, startStack, useStarted, type Stack } from "../../support/stack.js";
import { launchBrowser, screenshotDir } from "../../support/browser.js";
import { buildAddin, buildOfficeDoubleScript } from "./build-addin.js";
import type { PaneSetup } from "./office-double-page.js";

/** The task pane in headless Chromium on the Office.js double, over the real stack with the demo school. */
export interface PaneBrowser {
  readonly stack: Stack;
  /** Where the screenshots go (test-output/addin). */
  readonly shots: string;
  /**
   * Opens the pane as Outlook would, on the double set up with `setup`, from `base` (default: the stack;
   * a test may put a proxy in front). An error on the page fails the open.
   */
  open(mode: string, setup: PaneSetup, base?: string): Promise<Page>;
}

/** Builds the add-in into its own folder (`distPrefix`), starts the stack (with `env` for its config) and a browser for a describe block. */
export function usePaneBrowser(distPrefix: string, env: Record<string, string> = {}): PaneBrowser {
  const started = useStarted("the task pane browser", async () => {
    const dist = mkdtempSync(path.join(os.tmpdir(), distPrefix));
    await buildAddin(dist);
    const officeDouble = await buildOfficeDoubleScript();
    const stack = await startStack({ seedDemo: true, distDir: dist, env });
    const browser = await launchBrowser();
    return {
      stack,
      browser,
      officeDouble,
      shots: screenshotDir("addin"),
      async stop() {
        await browser.close();
        await stack.stop();
        rmSync(dist, { recursive: true, force: true });
      },
    };
  });
  return {
    stack: stackFacade(() => started().stack),
    get shots() {
      return started().shots;
    },
    async open(mode, setup, base) {
      const { browser, officeDouble, stack } = started();
      // bypassCSP only so the test can inject axe-core inline; the page itself runs under the server's CSP.
      const context = await browser.newContext({ bypassCSP: true, locale: "nl-NL", viewport: { width: 380, height: 900 } });
      const page = await context.newPage();
      // The double stands in for office.js (and the test has no internet): Office is set before the page runs.
      await page.route("https://appsforoffice.microsoft.com/**", (r) => r.fulfill({ status: 200, contentType: "text/javascript", body: "" }));
      await page.addInitScript((cfg) => {
        (window as unknown as { __ZV_PANE_SETUP__: unknown }).__ZV_PANE_SETUP__ = cfg;
      }, setup);
      await page.addInitScript({ content: officeDouble });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${base ?? stack.baseUrl}/addin/taskpane.html?mode=${mode}`);
      assert.deepEqual(errors, []);
      return page;
    },
  };
}
