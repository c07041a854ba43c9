/**
 * Task pane entry: Outlook through Office.js once Office is ready. (The tests and the playground give the
 * pane the project's Office.js double as `Office`, src/shared/office-double.ts; the pane cannot tell.)
 */
import { createRoot } from "react-dom/client";
import { App, parseMode } from "./App.js";
import { OfficeMailHost, type MailHost } from "./host.js";
import { strings } from "./i18n.js";
import { langOf } from "../../../contract/i18n.js";

function mount(host: MailHost): void {
  const el = document.getElementById("root");
  if (!el) return;
  document.documentElement.lang = host.language();
  createRoot(el).render(<App host={host} mode={parseMode(window.location.search)} />);
}

if (typeof Office !== "undefined" && typeof Office.onReady === "function") {
  void Office.onReady(() => mount(new OfficeMailHost()));
} else {
  const el = document.getElementById("root");
  if (el) el.textContent = strings(langOf(navigator.language)).notInOutlook;
}
