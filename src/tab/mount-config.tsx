/** Mounts the team tab's configuration page (config.html): a chunk of its own, see mount.tsx. */
import { createRoot } from "react-dom/client";
import type { TabApi } from "./api.js";
import type { Host } from "./host.js";
import type { Lang } from "./i18n.js";
import { ConfigPage } from "./views/ConfigPage.js";

export function mountConfig(el: HTMLElement, props: { host: Host; api: TabApi; initialLang: Lang }): void {
  createRoot(el).render(<ConfigPage {...props} />);
}
