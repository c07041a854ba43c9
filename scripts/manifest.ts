/**
 * The Outlook add-in manifest (manifest.xml at the project root) is committed with the development host
 * https://localhost:3000. `renderManifest(hostUrl)` gives the same manifest for another host: every URL,
 * the AppDomain included, moves to that origin. With `clientId` it also adds the Entra ID application
 * (WebApplicationInfo) that Office single sign-on needs.
 *
 * CLI: `npx tsx scripts/manifest.ts https://zorgvuldig.example.nl [clientId] > dist/manifest.xml`
 */
import { readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
export const MANIFEST_PATH = path.join(root, "manifest.xml");
/** The host written in the committed manifest. */
export const DEV_HOST = "https://localhost:3000";

export interface RenderOptions {
  /** Entra ID application (client) id for Office SSO; adds <WebApplicationInfo>. */
  clientId?: string;
  /** The manifest text to render (default: manifest.xml). */
  template?: string;
}

/** Normalises a host URL to its origin ("https://host[:port]"); only https (or http on localhost) is accepted. */
export function normaliseHost(hostUrl: string): string {
  let u: URL;
  try {
    u = new URL(hostUrl);
  } catch {
    throw new Error(`Not a URL: ${hostUrl}`);
  }
  const local = u.hostname === "localhost" || u.hostname === "127.0.0.1";
  if (u.protocol !== "https:" && !(local && u.protocol === "http:"))
    throw new Error("Outlook loads add-ins over https only; use an https:// host");
  if (u.pathname !== "/" || u.search || u.hash) throw new Error("Give the host only (scheme, name, port), without a path");
  return u.origin;
}

const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderManifest(hostUrl: string, opts: RenderOptions = {}): string {
  const host = normaliseHost(hostUrl);
  const template = opts.template ?? readFileSync(MANIFEST_PATH, "utf8");
  let xml = template.split(DEV_HOST).join(escapeXml(host));
  if (opts.clientId) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(opts.clientId))
      throw new Error("clientId must be a GUID");
    const apiHost = new URL(host).host;
    const info =
      `      <WebApplicationInfo>\n` +
      `        <Id>${opts.clientId}</Id>\n` +
      `        <Resource>api://${escapeXml(apiHost)}/${opts.clientId}</Resource>\n` +
      `        <Scopes>\n          <Scope>openid</Scope>\n          <Scope>profile</Scope>\n        </Scopes>\n` +
      `      </WebApplicationInfo>\n`;
    // WebApplicationInfo is the last child of the innermost VersionOverrides (after Resources).
    const marker = "    </VersionOverrides>\n  </VersionOverrides>";
    if (!xml.includes(marker)) throw new Error("manifest template: VersionOverrides end not found");
    xml = xml.replace(marker, info + marker);
  }
  return xml;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [hostArg, clientId] = process.argv.slice(2);
  process.stdout.write(renderManifest(hostArg ?? DEV_HOST, clientId ? { clientId } : {}));
}
