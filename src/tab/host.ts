/**
 * The one place that talks to Microsoft Teams (teams-js). The UI only sees the Host interface, so it
 * runs and is tested in a plain browser with the dev implementation.
 */
import type { app as TeamsApp, authentication as TeamsAuthentication, pages as TeamsPages } from "@microsoft/teams-js";
import { devTokenProvider, type TokenProvider } from "../shared/api.js";
import type { ThemeKind } from "../shared/theme.js";

export type HostTheme = ThemeKind;

export interface TabConfig {
  /** Stable id of this tab instance's content. */
  entityId: string;
  contentUrl: string;
  websiteUrl: string;
  suggestedDisplayName: string;
}

export interface Host {
  readonly kind: "teams" | "browser";
  /** Theme the host shows now. */
  theme(): HostTheme;
  /**
   * Calls back when the host's theme changes (Teams) or the dev switcher is used (browser); returns the
   * function that removes this handler again (a component calls it when it unmounts).
   */
  onThemeChange(handler: (theme: HostTheme) => void): () => void;
  /** Locale of the host, e.g. "nl-nl" (Teams), or undefined in the browser. */
  locale(): string | undefined;
  /** Token for the backend API. */
  getToken: TokenProvider;
  /** Team tab configuration page: whether Save is enabled. */
  setConfigValid(valid: boolean): void;
  /** Team tab configuration page: what to save when the user selects Save. */
  onConfigSave(handler: () => TabConfig | Promise<TabConfig>): void;
  /** Tells the host the app has loaded (hides the Teams loading indicator). */
  ready(): void;
}

export function themeFromTeams(theme: string | undefined): HostTheme {
  if (theme === "dark") return "dark";
  if (theme === "contrast") return "contrast";
  return "light";
}

export function parseThemeParam(value: string | null): HostTheme | undefined {
  if (value === "dark" || value === "contrast" || value === "light") return value;
  if (value === "default") return "light";
  return undefined;
}

/** The parts of teams-js the tab uses (a test passes a double with the same shapes). */
export interface TeamsSdk {
  app: Pick<typeof TeamsApp, "registerOnThemeChangeHandler"> & { notifySuccess(): Promise<unknown> };
  authentication: Pick<typeof TeamsAuthentication, "getAuthToken">;
  pages: { config: Pick<typeof TeamsPages.config, "registerOnSaveHandler" | "setConfig" | "setValidityState"> };
}

/** What the tab reads from Teams' app context. */
export interface TeamsStart {
  theme: string | undefined;
  locale: string;
  frameContext: string | undefined;
}

/** A set of theme handlers: the host's one subscription to its source fans out to them. */
function themeHandlers(): { add(h: (t: HostTheme) => void): () => void; emit(t: HostTheme): void } {
  const handlers = new Set<(t: HostTheme) => void>();
  return {
    add: (h) => {
      // A wrapper per subscription, so the same function subscribed twice is removed once per call.
      const entry = (t: HostTheme): void => h(t);
      handlers.add(entry);
      return () => void handlers.delete(entry);
    },
    emit: (t) => {
      for (const h of [...handlers]) h(t);
    },
  };
}

/**
 * The Teams host over teams-js: the theme from the app context, then live from Teams' theme change
 * event (one registration, fanned out to the subscribers); the SSO token from getAuthToken().
 */
export function teamsHost(sdk: TeamsSdk, start: TeamsStart): Host {
  const { app, authentication, pages } = sdk;
  let current = themeFromTeams(start.theme);
  let saveHandler: (() => TabConfig | Promise<TabConfig>) | undefined;
  const themes = themeHandlers();
  app.registerOnThemeChangeHandler((t) => {
    current = themeFromTeams(t);
    themes.emit(current);
  });
  const isConfigFrame = start.frameContext === "settings";
  if (isConfigFrame) {
    pages.config.registerOnSaveHandler((evt) => {
      if (!saveHandler) {
        evt.notifyFailure("not ready");
        return;
      }
      Promise.resolve(saveHandler())
        .then((cfg) => pages.config.setConfig(cfg))
        .then(() => evt.notifySuccess())
        .catch((err: unknown) => evt.notifyFailure(err instanceof Error ? err.message : String(err)));
    });
  }
  return {
    kind: "teams",
    theme: () => current,
    onThemeChange: themes.add,
    locale: () => start.locale,
    getToken: () => authentication.getAuthToken(),
    setConfigValid: (valid) => {
      if (isConfigFrame) pages.config.setValidityState(valid);
    },
    onConfigSave: (h) => {
      saveHandler = h;
    },
    ready: () => {
      void app.notifySuccess();
    },
  };
}

/** Teams: initialises teams-js and reads the app context. */
export async function createTeamsHost(): Promise<Host> {
  // Loaded only inside Teams: the library fetches its list of valid domains as soon as it is evaluated.
  const sdk = await import("@microsoft/teams-js");
  await sdk.app.initialize();
  const ctx = await sdk.app.getContext();
  return teamsHost(sdk, { theme: ctx.app.theme, locale: ctx.app.locale, frameContext: ctx.page.frameContext });
}

/** Plain browser (development): a dev token from the local backend; the theme from ?theme= or the switcher. */
export function createBrowserHost(opts: { origin: string; initialTheme?: HostTheme; user?: string; roles?: string[]; tenantId?: string }): Host & {
  setTheme(theme: HostTheme): void;
} {
  let current: HostTheme = opts.initialTheme ?? "light";
  const themes = themeHandlers();
  return {
    kind: "browser",
    theme: () => current,
    onThemeChange: themes.add,
    setTheme: (t) => {
      current = t;
      themes.emit(t);
    },
    locale: () => undefined,
    getToken: devTokenProvider(opts.origin, opts.user ?? "ib@demo", opts.roles ?? ["coordinator"], opts.tenantId),
    setConfigValid: () => undefined,
    onConfigSave: () => undefined,
    ready: () => undefined,
  };
}

/** Teams loads tabs in an iframe (web) or a webview with "Teams" in its user agent. */
export function looksLikeTeams(win: Window): boolean {
  let framed = false;
  try {
    framed = win.self !== win.top;
  } catch {
    framed = true; // cross-origin parent
  }
  return framed || /Teams\//.test(win.navigator.userAgent);
}

/** Picks the host: Teams when it answers within a few seconds, otherwise the browser (dev) host. */
export async function detectHost(win: Window, params: URLSearchParams): Promise<Host> {
  const initialTheme = parseThemeParam(params.get("theme"));
  // Dev only: ?tenant=<guid> signs in to another (test) tenant; the backend refuses dev tokens outside dev mode.
  const tenantId = params.get("tenant") ?? undefined;
  // Dev only: ?role=viewer (or privacy-officer) signs in with that role instead of coordinator.
  const role = params.get("role");
  const roles = role === "viewer" || role === "privacy-officer" ? [role] : undefined;
  const browser = (): Host =>
    createBrowserHost({ origin: win.location.origin, ...(initialTheme ? { initialTheme } : {}), ...(tenantId ? { tenantId } : {}), ...(roles ? { roles } : {}) });
  if (params.get("host") === "browser" || !looksLikeTeams(win)) return browser();
  try {
    return await Promise.race([
      createTeamsHost(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("Teams did not answer")), 5000)),
    ]);
  } catch {
    return browser();
  }
}
