/**
 * Nested app authentication (NAA) as a token source: MSAL's `createNestablePublicClientApplication`, the
 * sign-in Microsoft recommends for Office add-ins (Microsoft's Outlook-Event-SSO-NAA sample). A thin
 * wrapper: the only module that imports MSAL. Browser builds only (the task pane and the HTML event
 * runtime page); classic Outlook's JavaScript-only runtime uses the legacy SSO (MSAL's NAA build is about
 * ten times the 30 KB that file may weigh, and uses ES2017+ built-ins).
 *
 * In an event handler only silent calls are made (`interactive: false`): no popups there. In the task
 * pane a failed silent call is followed by a popup, and the backend's challenge is answered with one
 * (the claims passed on; `prompt: "consent"` for a consent).
 */
import { createNestablePublicClientApplication, type IPublicClientApplication, type PopupRequest } from "@azure/msal-browser";
import type { Challenge, TokenSource } from "./chain.js";

export interface NaaConfig {
  /** The Entra app (client) id of the add-in and its API. */
  clientId: string;
  /** The API's delegated scope, e.g. api://zorg.example.nl/<client id>/access_as_user. */
  scope: string;
  /** Default https://login.microsoftonline.com/organizations (work and school accounts). */
  authority?: string;
}

/** Whether the host offers NAA (NestedAppAuth 1.1) to this add-in. */
export function hostSupportsNaa(office: { context?: { requirements?: { isSetSupported(name: string, version?: string): boolean } } } | undefined): boolean {
  try {
    return !!office?.context?.requirements?.isSetSupported("NestedAppAuth", "1.1");
  } catch {
    return false;
  }
}

export function naaSource(cfg: NaaConfig, interactive: boolean): TokenSource {
  let pca: Promise<IPublicClientApplication> | undefined;
  const app = (): Promise<IPublicClientApplication> => {
    pca ??= createNestablePublicClientApplication({
      auth: { clientId: cfg.clientId, authority: cfg.authority ?? "https://login.microsoftonline.com/organizations", supportsNestedAppAuth: true },
    }).catch((e: unknown) => {
      pca = undefined;
      throw e;
    });
    return pca;
  };
  const scopes = [cfg.scope];
  const popup = async (req: PopupRequest): Promise<string> => (await (await app()).acquireTokenPopup(req)).accessToken;
  const source: TokenSource = {
    name: "naa",
    async acquire() {
      const client = await app();
      try {
        return (await client.acquireTokenSilent({ scopes })).accessToken;
      } catch (e) {
        if (!interactive) throw e;
        return popup({ scopes });
      }
    },
  };
  if (interactive) {
    source.challenge = (c: Challenge) => popup({ scopes, ...(c.claims ? { claims: c.claims } : {}), ...(c.kind === "consent" ? { prompt: "consent" } : {}) });
  }
  return source;
}
