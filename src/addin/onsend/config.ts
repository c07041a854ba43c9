/**
 * Where the on-send handler finds the backend. In order:
 *  1. what a test (or host page) injected with `configure()`;
 *  2. the origin of the page the handler runs in (commands.html is served by the backend itself);
 *  3. the global `__ZV_CONFIG__` (set by a page or script before onsend.js, e.g. for classic Outlook's
 *     JavaScript-only runtime, which has no page);
 *  4. the development host.
 */
import { globalObject } from "./global.js";

export interface AddinConfig {
  /** Origin of the backend, e.g. "https://localhost:3000" (no trailing slash). */
  apiBaseUrl: string;
  /** Dev mode: when Office SSO is unavailable, get a token from POST /dev/token. */
  devMode: boolean;
  /**
   * Overrides the whole budget of one send check in milliseconds (tests, a host page). Unset: the
   * school's policy as last seen (roaming settings), else DEFAULT_SEND_BUDGET_MS.
   */
  timeoutMs?: number;
  /** Roles asked for a development token. */
  devRoles: string[];
  /** Entra app (client) id for nested app authentication; unset in dev mode (then no NAA). */
  clientId?: string;
  /** The API's delegated scope for nested app authentication (api://host/clientId/access_as_user). */
  apiScope?: string;
}

export const DEFAULT_API_BASE = "https://localhost:3000";
/**
 * Outlook shows "taking longer than expected" after 5 s and times out only after 5 minutes; a cold first
 * send (runtime start, sign-in, TLS) needs more than 5 s. The school's policy can change it.
 */
export const DEFAULT_SEND_BUDGET_MS = 20_000;

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
  const g = globalObject() as ConfigGlobals;
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
  const timeoutMs = (injected && injected.timeoutMs) || fromGlobal.timeoutMs;
  const out: AddinConfig = {
    apiBaseUrl,
    devMode: pick("devMode", isLocal(apiBaseUrl)),
    devRoles: pick("devRoles", ["coordinator"]),
  };
  if (typeof timeoutMs === "number" && timeoutMs > 0) out.timeoutMs = timeoutMs;
  const clientId = (injected && injected.clientId) || fromGlobal.clientId;
  const apiScope = (injected && injected.apiScope) || fromGlobal.apiScope;
  if (typeof clientId === "string" && clientId && typeof apiScope === "string" && apiScope) {
    out.clientId = clientId;
    out.apiScope = apiScope;
  }
  return out;
}
