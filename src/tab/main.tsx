/**
 * Entry of the tab (index.html) and of the team tab's configuration page (config.html). It is kept
 * small (issue 17, the register's first rows): it finds the host and, on the register, asks the first
 * page of rows at once, while React, Fluent UI and the views load in parallel as chunks of their own
 * (esbuild splitting, scripts/build.ts); the other views load when first opened (App.tsx).
 */
import { ApiClient } from "./api.js";
import { routeFromParams } from "./context.js";
import { askFirstPage, firstPageSettled } from "./first-page.js";
import { detectHost } from "./host.js";
import { pickLang } from "./lang.js";

/** How long the first render waits for the register's first page once the screen's code is ready. */
const FIRST_PAGE_WAIT_MS = 400;

async function main(): Promise<void> {
  const params = new URLSearchParams(window.location.search);
  const config = document.body.dataset.page === "config";
  // Started first, awaited last: the code of the screen downloads and starts while the host signs in.
  const mount = config ? import("./mount-config.js").then((m) => m.mountConfig) : import("./mount.js").then((m) => m.mountApp);
  const host = await detectHost(window, params);
  const lang = pickLang(params.get("lang"), host.locale());
  const api = new ApiClient({ baseUrl: window.location.origin, getToken: host.getToken, lang });
  if (!config && routeFromParams(params).view === "register") askFirstPage(api, params);
  const el = document.getElementById("root");
  if (!el) throw new Error("index.html has no #root");
  const mountApp = await mount;
  // The screen's code is ready: its first render waits a moment for the register's first page, so that
  // the rows come with it (first-page.ts); nothing is waited for on other views.
  await firstPageSettled(FIRST_PAGE_WAIT_MS);
  mountApp(el, { host, api, initialLang: lang });
  host.ready();
}

main().catch((err: unknown) => {
  const el = document.getElementById("root");
  if (el) el.textContent = `Zorgvuldig kon niet starten / could not start: ${err instanceof Error ? err.message : String(err)}`;
});
