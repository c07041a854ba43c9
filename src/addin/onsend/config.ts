/**
 * Where the on-send handler finds the backend. In order:
 *  1. what a test (or host page) injected with `configure()`;
 *  2. the origin of the page the handler runs in (commands.html is served by the backend itself);
 *  3. the global `__ZV_CONFIG__` (set by a page or script before onsend.js, e.g. for classic Outlook's
 *     JavaScript-only runtime, which has no page);
 *  4. the development host.
 */
export interface AddinConfig {
  /** Origin of the backend, e.g. "https://localhost:3000" (no trailing slash). */
  apiBaseUrl: string;
  /** Dev mode: when Office SSO is unavailable, get a token from POST /dev/token. */
  devMode: boolean;
  /** Whole budget of one send check in milliseconds; Outlook gives up at about 5 s. */
  timeoutMs: number;
  /** Roles asked for a development token. */
  devRoles: string[];
}

export const DEFAULT_API_BASE = "https://localhost:3000";
export const DEFAULT_TIMEOUT_MS = 4000;

interface ConfigGlobals {
  __ZV_CONFIG__?: Partial<AddinConfig>;
  location?: { origin?: string; protocol?: string; hostname?: string };
}

let injected: Partial<AddinConfig> | undefined;

/** Replaces (or with undefined, clears) the injected configuration. */
export function configure(c: Partial<AddinConfig> | undefined): void {
  injected = c;
}

function isLocal(url: string): boolean {
  const m = /^https?:\/\/([^/:]+)/i.exec(url);
  const host = m && m[1] ? m[1].toLowerCase() : "";
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]";
}

export function resolveConfig(): AddinConfig {
  const g = globalThis as unknown as ConfigGlobals;
  const fromGlobal = g.__ZV_CONFIG__ || {};
  const loc = g.location;
  const origin = loc && typeof loc.origin === "string" && /^https?:$/.test(loc.protocol || "") ? loc.origin : undefined;
  const apiBaseUrl = ((injected && injected.apiBaseUrl) || origin || fromGlobal.apiBaseUrl || DEFAULT_API_BASE).replace(/\/+$/, "");
  const pick = <K extends keyof AddinConfig>(k: K, dflt: AddinConfig[K]): AddinConfig[K] => {
    const a = injected ? injected[k] : undefined;
    if (a !== undefined) return a as AddinConfig[K];
    const b = fromGlobal[k];
    return b !== undefined ? (b as AddinConfig[K]) : dflt;
  };
  return {
    apiBaseUrl,
    devMode: pick("devMode", isLocal(apiBaseUrl)),
    timeoutMs: pick("timeoutMs", DEFAULT_TIMEOUT_MS),
    devRoles: pick("devRoles", ["coordinator"]),
  };
}
