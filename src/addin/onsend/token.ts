/**
 * The bearer token for the backend: Office single sign-on (`OfficeRuntime.auth.getAccessToken`) where the
 * host supports it; otherwise, in dev mode only, a development token from the backend's POST /dev/token.
 */
import type { AddinConfig } from "./config.js";
import { globalObject } from "./global.js";

interface OfficeRuntimeLike {
  auth?: { getAccessToken(options?: { allowSignInPrompt?: boolean; allowConsentPrompt?: boolean; forMSGraphAccess?: boolean }): Promise<string> };
}

export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenError";
  }
}

let cached: { key: string; token: string; exp: number } | undefined;

/** Forgets a cached development token (tests; after a 401). */
export function clearTokenCache(): void {
  cached = undefined;
}

export interface TokenDeps {
  fetchImpl: typeof fetch;
  signal?: AbortSignal;
  /** The signed-in user's address: the subject of a development token. */
  user?: string;
  now?: () => number;
}

export async function getAccessToken(cfg: AddinConfig, deps: TokenDeps): Promise<string> {
  const rt = (globalObject() as { OfficeRuntime?: OfficeRuntimeLike }).OfficeRuntime;
  if (rt && rt.auth && typeof rt.auth.getAccessToken === "function") {
    try {
      // No prompts: an event handler has no UI to show them in.
      return await rt.auth.getAccessToken({ allowSignInPrompt: false, allowConsentPrompt: false, forMSGraphAccess: false });
    } catch (e) {
      if (!cfg.devMode) throw new TokenError("Single sign-on failed");
    }
  }
  if (!cfg.devMode) throw new TokenError("Single sign-on is not available");
  return devToken(cfg, deps);
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
