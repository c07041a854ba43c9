/** Entry of the tab (index.html) and of the team tab's configuration page (config.html). */
import { createRoot } from "react-dom/client";
import { ApiClient } from "./api.js";
import { detectHost } from "./host.js";
import { pickLang } from "./i18n.js";
import { App } from "./App.js";
import { ConfigPage } from "./views/ConfigPage.js";

async function main(): Promise<void> {
  const params = new URLSearchParams(window.location.search);
  const host = await detectHost(window, params);
  const lang = pickLang(params.get("lang"), host.locale());
  const api = new ApiClient({ baseUrl: window.location.origin, getToken: host.getToken, lang });
  const el = document.getElementById("root");
  if (!el) throw new Error("index.html has no #root");
  const root = createRoot(el);
  if (document.body.dataset.page === "config") root.render(<ConfigPage host={host} api={api} initialLang={lang} />);
  else root.render(<App host={host} api={api} initialLang={lang} />);
  host.ready();
}

main().catch((err: unknown) => {
  const el = document.getElementById("root");
  if (el) el.textContent = `Zorgvuldig kon niet starten / could not start: ${err instanceof Error ? err.message : String(err)}`;
});
