/**
 * The event handlers for Outlook's browser-based event runtime (Outlook on the web, new Outlook on
 * Windows, Mac: commands.html, built to dist/addin/onsend-web.js): the same handlers as classic Outlook's
 * onsend.js, with nested app authentication (MSAL, silent only) tried before the legacy Office SSO.
 * Classic Outlook on Windows loads onsend.js instead (the manifest's JavaScript override).
 */
import { hostSupportsNaa, naaSource } from "../auth/naa.js";
import type { TokenSource } from "../auth/chain.js";
import { resolveConfig } from "./config.js";
import { preferTokenSource } from "./token.js";
export * from "./handler.js";

let naa: { key: string; source: TokenSource } | undefined;

/** NAA when the backend names its Entra app and the host offers NestedAppAuth; looked up at event time. */
preferTokenSource({
  name: "naa",
  acquire() {
    const cfg = resolveConfig();
    const office = (globalThis as { Office?: Parameters<typeof hostSupportsNaa>[0] }).Office;
    if (!cfg.clientId || !cfg.apiScope || !hostSupportsNaa(office)) return Promise.reject(new Error("Nested app authentication is not available"));
    const key = cfg.clientId + " " + cfg.apiScope;
    if (!naa || naa.key !== key) naa = { key, source: naaSource({ clientId: cfg.clientId, scope: cfg.apiScope }, false) };
    return naa.source.acquire();
  },
});
