/**
 * Builds the Teams app package dist/appPackage.zip from appPackage/:
 * manifest.json and en.json with their `${{VAR}}` placeholders filled from the environment (the
 * Microsoft 365 Agents Toolkit convention), plus color.png and outline.png.
 *
 *   PUBLIC_URL       where the backend serves /tab/ (default https://localhost:3000)
 *   ENTRA_CLIENT_ID  the Entra ID app registration used for SSO (default: a fixed dev GUID)
 *   TEAMS_APP_ID     the Teams app id (default: a fixed dev GUID)
 *   HOST             derived from PUBLIC_URL (host[:port]); not read from the environment, where HOST is
 *                    the server's listen address.
 *
 * The filled manifest is validated against the bundled official schema before it is zipped.
 * `npm run package` then also builds dist/m365Package.zip, the unified app manifest with the Outlook
 * add-in (scripts/package-unified.ts).
 */
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { zipSync, strToU8 } from "fflate";
import Ajv04 from "ajv-draft-04";
import addFormats from "ajv-formats";

const root = path.resolve(import.meta.dirname, "..");
export const APP_PACKAGE_DIR = path.join(root, "appPackage");
export const DEFAULT_ZIP = path.join(root, "dist", "appPackage.zip");

/** Fixed GUIDs for local development, so a sideloaded dev package keeps its identity between builds. */
export const DEV_TEAMS_APP_ID = "5f0c6a2e-7d3b-4c1a-9e8f-2b4d6a8c0e11";
export const DEV_ENTRA_CLIENT_ID = "8a1f3c5e-2b4d-4f6a-8c0e-1d3f5a7b9c21";
export const DEV_PUBLIC_URL = "https://localhost:3000";

/** The manifest schema version used: the newest non-preview one that @microsoft/app-manifest ships. */
export const MANIFEST_VERSION = "1.30";

export interface TeamsVars {
  PUBLIC_URL: string;
  HOST: string;
  ENTRA_CLIENT_ID: string;
  TEAMS_APP_ID: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function teamsVars(env: Record<string, string | undefined> = process.env): TeamsVars {
  const rawUrl = env.PUBLIC_URL?.trim() || DEV_PUBLIC_URL;
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new Error(`PUBLIC_URL is not a URL: ${rawUrl}`);
  }
  if (url.protocol !== "https:") throw new Error(`PUBLIC_URL must use https (Teams loads tabs over HTTPS only): ${rawUrl}`);
  const entra = env.ENTRA_CLIENT_ID?.trim() || DEV_ENTRA_CLIENT_ID;
  const appId = env.TEAMS_APP_ID?.trim() || DEV_TEAMS_APP_ID;
  if (!GUID.test(entra)) throw new Error(`ENTRA_CLIENT_ID must be a GUID: ${entra}`);
  if (!GUID.test(appId)) throw new Error(`TEAMS_APP_ID must be a GUID: ${appId}`);
  return {
    PUBLIC_URL: url.origin, // no trailing slash, no path
    HOST: url.host,
    ENTRA_CLIENT_ID: entra.toLowerCase(),
    TEAMS_APP_ID: appId.toLowerCase(),
  };
}

/** Replaces every `${{NAME}}`; an unknown name is an error, so no placeholder ever reaches Teams. */
export function fillTemplate(text: string, vars: TeamsVars): string {
  return text.replace(/\$\{\{\s*([A-Z0-9_]+)\s*\}\}/g, (_m, name: string) => {
    if (!(name in vars)) throw new Error(`Unknown placeholder \${{${name}}} in the app package`);
    return vars[name as keyof TeamsVars];
  });
}

export function renderFile(file: string, vars: TeamsVars): unknown {
  return JSON.parse(fillTemplate(readFileSync(path.join(APP_PACKAGE_DIR, file), "utf8"), vars)) as unknown;
}

const require = createRequire(import.meta.url);

function schemaPath(name: string): string {
  return require.resolve(`@microsoft/app-manifest/build/json-schemas/teams/v${MANIFEST_VERSION}/${name}`);
}

/** Validates a filled manifest and its localisation files against the bundled draft-04 schemas. */
export function validateAppPackage(manifest: unknown, localizations: unknown[]): string[] {
  const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false /* the Teams schemas hold patterns that are invalid with the u flag */ });
  addFormats.default(ajv);
  const errors: string[] = [];
  const check = (schemaFile: string, data: unknown, label: string): void => {
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath(schemaFile), "utf8")) as object);
    if (!validate(data)) for (const e of validate.errors ?? []) errors.push(`${label}${e.instancePath || "/"} ${e.message ?? ""}`);
  };
  check("MicrosoftTeams.schema.json", manifest, "manifest.json");
  localizations.forEach((l, i) => check("MicrosoftTeams.Localization.schema.json", l, `localization[${i}]`));
  return errors;
}

interface ManifestShape {
  icons: { color: string; outline: string };
  localizationInfo?: { additionalLanguages?: { file: string }[] };
}

export function packageTeamsApp(opts: { env?: Record<string, string | undefined>; out?: string } = {}): { zip: string; manifest: unknown } {
  const vars = teamsVars(opts.env ?? process.env);
  const manifest = renderFile("manifest.json", vars) as ManifestShape;
  const zip = writeAppPackage(manifest, vars, opts.out ?? DEFAULT_ZIP, "The app package");
  return { zip, manifest };
}

/**
 * Validates a rendered Teams (or unified) manifest with its language files and writes the app package:
 * the manifest, the language files and the two icons, at the root of the zip (Teams wants no folder).
 * `what` names the package in the error when it does not validate. Returns the zip's path.
 */
export function writeAppPackage(manifest: unknown, vars: TeamsVars, out: string, what: string): string {
  const shape = manifest as ManifestShape;
  const langFiles = (shape.localizationInfo?.additionalLanguages ?? []).map((l) => l.file);
  const localizations = langFiles.map((f) => renderFile(f, vars));
  const problems = validateAppPackage(manifest, localizations);
  if (problems.length) throw new Error(`${what} does not validate:\n  ${problems.join("\n  ")}`);
  const files: Record<string, Uint8Array> = { "manifest.json": strToU8(JSON.stringify(manifest, null, 2)) };
  langFiles.forEach((f, i) => (files[f] = strToU8(JSON.stringify(localizations[i], null, 2))));
  for (const icon of [shape.icons.color, shape.icons.outline]) files[icon] = readFileSync(path.join(APP_PACKAGE_DIR, icon));
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, zipSync(files, { level: 9 }));
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const { zip } = packageTeamsApp();
    const v = teamsVars();
    console.log(`wrote ${path.relative(process.cwd(), zip)} for ${v.PUBLIC_URL} (Teams app ${v.TEAMS_APP_ID}, Entra app ${v.ENTRA_CLIENT_ID})`);
    // The unified app manifest: the Teams tab and the Outlook add-in in one package (scripts/package-unified.ts).
    const { packageUnifiedApp } = await import("./package-unified.js");
    const unified = packageUnifiedApp();
    console.log(`wrote ${path.relative(process.cwd(), unified.zip)}: Teams tab + Outlook add-in in one manifest (app ${v.TEAMS_APP_ID}); manifest.xml keeps its own id`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
