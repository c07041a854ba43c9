/**
 * Task pane entry. Uses the simulated host when the page sets `window.__ZV_SIM_HOST__` (tests, the
 * playground), otherwise Outlook through Office.js once Office is ready.
 */
import { createRoot } from "react-dom/client";
import { App, parseMode } from "./App.js";
import { OfficeMailHost, type MailHost } from "./host.js";
import { simHostFromWindow } from "./sim-host.js";
import { strings } from "./i18n.js";

function mount(host: MailHost): void {
  const el = document.getElementById("root");
  if (!el) return;
  document.documentElement.lang = host.language();
  createRoot(el).render(<App host={host} mode={parseMode(window.location.search)} />);
}

const sim = simHostFromWindow();
if (sim) mount(sim);
else if (typeof Office !== "undefined" && typeof Office.onReady === "function") {
  void Office.onReady(() => mount(new OfficeMailHost()));
} else {
  const el = document.getElementById("root");
  if (el) el.textContent = strings(/^en/i.test(navigator.language) ? "en" : "nl").notInOutlook;
}
