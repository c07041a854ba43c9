/**
 * The add-in's sign-in, in one order everywhere (docs/OUTLOOK.md, "Sign-in"):
 *
 *   1. nested app authentication (MSAL `createNestablePublicClientApplication`, ./naa.ts) where the host
 *      supports it and the backend names an Entra app: the task pane and the browser-based event runtime;
 *   2. the legacy Office single sign-on (`OfficeRuntime.auth.getAccessToken`, ./office-sso.ts): every
 *      host, and the only one in classic Outlook's JavaScript-only runtime (MSAL does not fit there);
 *   3. in dev mode only, a development token from the backend (POST /dev/token).
 *
 * A source that fails hands over to the next. Sources made for an event handler never show UI (silent
 * only); the task pane's may. A claims challenge or a consent the backend asks for
 * (INTERACTION_REQUIRED, CONSENT_REQUIRED) is answered by `challenge`: the first source that can prompt.
 * No Office.js or MSAL here (./naa.ts and ./office-sso.ts wrap them), so this runs and tests without a
 * host; it is also part of classic Outlook's ES2016 handler file: no ES2017+ built-ins.
 */

export type SourceName = "naa" | "office-sso" | "dev";

/** What the backend asked for: sign in again (with Entra's claims challenge), or consent. */
export interface Challenge {
  kind: "interaction" | "consent";
  /** The claims challenge (JSON) Entra sent, to pass on to the sign-in. */
  claims?: string;
}

export interface TokenSource {
  readonly name: SourceName;
  /** A token for the backend: silent in an event handler, may prompt in the task pane. */
  acquire(): Promise<string>;
  /** Signs in again with UI (task pane only): with the claims, or asking for consent. */
  challenge?(c: Challenge): Promise<string>;
}

export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenError";
  }
}

/** The sources in order; `acquire` takes the first that gives a token. */
export class TokenChain {
  /** Which source gave the last token (tests, diagnostics). */
  lastSource: SourceName | undefined;
  private fresh: { token: string; until: number } | undefined;

  constructor(
    private readonly sources: TokenSource[],
    private readonly now: () => number = Date.now,
  ) {}

  names(): SourceName[] {
    return this.sources.map((s) => s.name);
  }

  async acquire(): Promise<string> {
    // A token just obtained by answering a challenge carries what the backend asked for: use it first.
    if (this.fresh && this.fresh.until > this.now()) return this.fresh.token;
    this.fresh = undefined;
    let last: unknown;
    for (const s of this.sources) {
      try {
        const token = await s.acquire();
        this.lastSource = s.name;
        return token;
      } catch (e) {
        last = e;
      }
    }
    // The backend itself could not be reached (the dev token) or the time ran out: that, not a sign-in failure.
    if (isNetworkFailure(last)) throw last;
    throw new TokenError(last instanceof Error && last.message ? "Sign-in failed: " + last.message : "No sign-in method is available");
  }

  /** Answers the backend's challenge with the first source that can prompt. */
  async challenge(c: Challenge): Promise<string> {
    let last: unknown;
    for (const s of this.sources) {
      if (!s.challenge) continue;
      try {
        const token = await s.challenge(c);
        this.lastSource = s.name;
        this.fresh = { token, until: this.now() + 5 * 60 * 1000 };
        return token;
      } catch (e) {
        last = e;
      }
    }
    throw new TokenError(last instanceof Error && last.message ? "Sign-in failed: " + last.message : "Signing in again is not possible here");
  }
}

function isNetworkFailure(e: unknown): boolean {
  const name = e && typeof e === "object" && "name" in e ? String((e as { name: unknown }).name) : "";
  return e instanceof TypeError || name === "AbortError" || name === "TimeoutError";
}

/** The backend's challenge in an error answer (ApiError code and details), or undefined. */
export function challengeOf(code: string, details: unknown): Challenge | undefined {
  if (code === "CONSENT_REQUIRED") return { kind: "consent" };
  if (code !== "INTERACTION_REQUIRED") return undefined;
  const claims = details && typeof details === "object" && "claims" in details ? (details as { claims: unknown }).claims : undefined;
  return typeof claims === "string" && claims ? { kind: "interaction", claims } : { kind: "interaction" };
}
