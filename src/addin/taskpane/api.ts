/** The task pane's view of the backend: the contract's routes and types, and a few helpers for mails. */
import { ApiClient, ApiError, type ApiClientOptions } from "../../shared/api.js";
import { challengeOf, type Challenge } from "../auth/chain.js";
import { REQUEST_TAG } from "../../../contract/enums.js";
import type { MailHost } from "./host.js";

export type { ConsentRequestRecord as ConsentRequestView, GuardianMatch } from "../../../contract/index.js";
export { routes } from "../../../contract/route-refs.js";

/**
 * The task pane's client of the backend: every answer that asks the user to sign in again or to consent
 * (INTERACTION_REQUIRED with Entra's claims, CONSENT_REQUIRED) is reported to `onChallenge` (the pane
 * shows the prompt) and still thrown to the caller.
 */
export class PaneApiClient extends ApiClient {
  constructor(
    opts: ApiClientOptions,
    private readonly onChallenge: (c: Challenge) => void,
  ) {
    super(opts);
  }
  override async request<T>(method: string, path: string, body?: unknown, extraHeaders?: Record<string, string>): Promise<T> {
    try {
      return await super.request<T>(method, path, body, extraHeaders);
    } catch (e) {
      const c = e instanceof ApiError ? challengeOf(e.code, e.details) : undefined;
      if (c) this.onChallenge(c);
      throw e;
    }
  }
}

/** The task pane's client of the backend, for the signed-in user and their language. */
export function taskpaneClient(host: MailHost, onChallenge: (c: Challenge) => void = () => undefined): ApiClient {
  return new PaneApiClient({ baseUrl: host.apiBaseUrl(), getToken: host.getToken, lang: host.language() }, onChallenge);
}

/** SHA-256 (hex) of text, in the browser (crypto.subtle). */
export async function sha256Hex(text: string): Promise<string> {
  const buf = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The `[ZV-<requestId>]` tag a consent request's subject carries (and replies keep). */
export function findRequestTag(...texts: string[]): string | undefined {
  for (const t of texts) {
    const m = REQUEST_TAG.exec(t);
    if (m?.[1]) return m[1];
  }
  return undefined;
}

/** The parent's own words: the reply above any quoted text, at most 500 characters. */
export function excerptOf(body: string): string {
  const lines = body.replace(/\r\n/g, "\n").split("\n");
  const stop = lines.findIndex((l) => /^\s*(>|Op .+ schreef|On .+ wrote|-{2,}\s*(Oorspronkelijk|Original)|Van:|From:)/i.test(l));
  const own = (stop >= 0 ? lines.slice(0, stop) : lines).join("\n").replace(/\n{3,}/g, "\n\n").trim();
  return own.length <= 500 ? own : own.slice(0, 499) + "…";
}

/** A guess at the parent's decision from their words (the user confirms it). */
export function guessDecision(text: string): "granted" | "refused" {
  return /\b(geen toestemming|niet akkoord|weiger|do not consent|don't consent|not consent|refuse)/i.test(text) ? "refused" : "granted";
}
