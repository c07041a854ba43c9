/**
 * Playground entry (dev mode only: the server serves /playground/ when ENTRA_CLIENT_ID is unset).
 * Order matters, as in Outlook: install the simulated Office global, then load the REAL on-send handler
 * (/addin/onsend.js registers itself with Office.actions.associate), then mount the page.
 */
import { createRoot } from "react-dom/client";
import { ApiClient, devTokenProvider } from "../shared/api.js";
import { OfficeMailHost } from "../addin/taskpane/host.js";
import { OfficeSim } from "./office-sim.js";
import { langFromSearch, strings } from "./i18n.js";
import { USER_EMAIL, USER_NAME } from "./demo.js";
import { Playground } from "./Playground.js";

declare global {
  interface Window {
    /** The simulation, for developers and browser tests (dev mode only). */
    __ZV_PLAYGROUND__?: { sim: OfficeSim };
  }
}

export const HANDLER_URL = "/addin/onsend.js";

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.async = false;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`Could not load ${src}`));
    document.head.appendChild(s);
  });
}

async function start(): Promise<void> {
  const lang = langFromSearch(window.location.search);
  const t = strings(lang);
  document.documentElement.lang = lang;
  document.title = `${t.title} (${t.simBadge})`;

  const sim = new OfficeSim({ displayLanguage: lang === "en" ? "en-GB" : "nl-NL", userEmail: USER_EMAIL, userName: USER_NAME });
  sim.install(window);
  window.__ZV_PLAYGROUND__ = { sim };

  const handlerReady = await loadScript(HANDLER_URL).then(
    () => sim.associated.has("onMessageSendHandler"),
    () => false,
  );
  await sim.office.onReady();
  const origin = window.location.origin;
  const host = new OfficeMailHost(origin);
  const api = new ApiClient({ baseUrl: origin, lang, getToken: devTokenProvider(origin, USER_EMAIL, ["coordinator"]) });

  const el = document.getElementById("root");
  if (!el) return;
  createRoot(el).render(<Playground sim={sim} host={host} api={api} lang={lang} handlerReady={handlerReady} />);
}

void start();
