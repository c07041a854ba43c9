/**
 * The bearer token for the backend in an event handler, in the add-in's one order (src/addin/auth/chain.ts):
 * nested app authentication where the browser runtime registered it (onsend/web.ts; silent only), then
 * Office single sign-on (`OfficeRuntime.auth.getAccessToken`, no prompts: an event handler has no UI),
 * then, in dev mode only, a development token from the backend's POST /dev/token.
 * Classic Outlook's JavaScript-only runtime (onsend.js, ES2016, under 30 KB) registers no NAA: the legacy
 * SSO is its first source.
 */
import { TokenChain, TokenError, type TokenSource } from "../auth/chain.js";
import { officeSsoSource, type SsoAuth } from "../auth/office-sso.js";
import type { AddinConfig } from "./config.js";
import { globalObject } from "./global.js";

export { TokenError };

let cached: { key: string; token: string; exp: number } | undefined;
let preferred: TokenSource | undefined;

/** Forgets a cached development token (tests; after a 401). */
export function clearTokenCache(): void {
  cached = undefined;
}

/** The source tried before Office SSO (the browser runtime's NAA); undefined to remove it. */
export function preferTokenSource(s: TokenSource | undefined): void {
  preferred = s;
}

export interface TokenDeps {
  fetchImpl: typeof fetch;
  signal?: AbortSignal;
  /** The signed-in user's address: the subject of a development token. */
  user?: string;
  now?: () => number;
}

function runtimeAuth(): SsoAuth | undefined {
  const g = globalObject() as { OfficeRuntime?: { auth?: SsoAuth } };
  return g.OfficeRuntime && g.OfficeRuntime.auth;
}

/** The handler's sources, in order. */
export function handlerTokenChain(cfg: AddinConfig, deps: TokenDeps): TokenChain {
  const sources: TokenSource[] = [];
  if (preferred) sources.push(preferred);
  sources.push(officeSsoSource(runtimeAuth, false));
  if (cfg.devMode) sources.push({ name: "dev", acquire: () => devToken(cfg, deps) });
  return new TokenChain(sources);
}

export function getAccessToken(cfg: AddinConfig, deps: TokenDeps): Promise<string> {
  return handlerTokenChain(cfg, deps).acquire();
}

async function devToken(cfg: AddinConfig, deps: TokenDeps): Promise<string> {
  const now = deps.now ? deps.now() : Date.now();
  const user = deps.user || "dev@localhost";
  const key = cfg.apiBaseUrl + "|" + user;
  if (cached && cached.key === key && cached.exp - 60000 > now) return cached.token;
  const init: RequestInit = {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user, roles: cfg.devRoles }),
  };
  if (deps.signal) init.signal = deps.signal;
  const res = await deps.fetchImpl(cfg.apiBaseUrl + "/dev/token", init);
  if (!res.ok) throw new TokenError("Could not get a development token (" + res.status + ")");
  const j = (await res.json()) as { token?: unknown; expiresIn?: unknown };
  if (typeof j.token !== "string") throw new TokenError("The development token answer has no token");
  const expiresIn = typeof j.expiresIn === "number" ? j.expiresIn : 300;
  cached = { key, token: j.token, exp: now + expiresIn * 1000 };
  return j.token;
}
