/**
 * The legacy Office single sign-on as a token source: `OfficeRuntime.auth.getAccessToken` (event
 * runtimes) or `Office.auth.getAccessToken` (the task pane). A thin wrapper: the only place that calls it.
 * Part of classic Outlook's ES2016 handler file.
 */
import type { Challenge, TokenSource } from "./chain.js";

/** Office.js AuthOptions, as far as used. `authChallenge` passes Entra's claims challenge on. */
export interface SsoOptions {
  allowSignInPrompt?: boolean;
  allowConsentPrompt?: boolean;
  forMSGraphAccess?: boolean;
  authChallenge?: string;
}
export interface SsoAuth {
  getAccessToken(options?: SsoOptions): Promise<string>;
}

/**
 * `auth` is looked up at call time (Office may load after this module). `prompts`: false in an event
 * handler (no UI there), true in the task pane (which can also answer a challenge).
 */
export function officeSsoSource(auth: () => SsoAuth | undefined, prompts: boolean): TokenSource {
  const call = (o: SsoOptions): Promise<string> => {
    const a = auth();
    if (!a || typeof a.getAccessToken !== "function") return Promise.reject(new Error("Office single sign-on is not available"));
    return a.getAccessToken(o);
  };
  const source: TokenSource = {
    name: "office-sso",
    acquire: () => call({ allowSignInPrompt: prompts, allowConsentPrompt: prompts, forMSGraphAccess: false }),
  };
  if (prompts) {
    source.challenge = (c: Challenge) => {
      const o: SsoOptions = { allowSignInPrompt: true, allowConsentPrompt: true, forMSGraphAccess: false };
      if (c.claims) o.authChallenge = c.claims;
      return call(o);
    };
  }
  return source;
}
