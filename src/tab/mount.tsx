/**
 * Mounts the tab or its configuration page: loaded by main.tsx as a chunk of its own (with React's DOM
 * and the screen's code), while the entry is already signing in and asking the register's first page.
 */
import { createRoot } from "react-dom/client";
import type { TabApi } from "./api.js";
import type { Host } from "./host.js";
import type { Lang } from "./i18n.js";
import { App } from "./App.js";

export function mountApp(el: HTMLElement, props: { host: Host; api: TabApi; initialLang: Lang }): void {
  createRoot(el).render(<App {...props} />);
}
