/**
 * `npm run package`: the Teams-only app package (dist/appPackage.zip, scripts/package-teams.ts) and the
 * unified app manifest with the Teams tab and the Outlook add-in (dist/m365Package.zip,
 * scripts/package-unified.ts), both validated offline against the bundled schema. manifest.xml (the
 * add-in-only XML manifest, its own id) is rendered separately with scripts/manifest.ts.
 * Settings: PUBLIC_URL, ENTRA_CLIENT_ID, TEAMS_APP_ID (see scripts/package-teams.ts).
 */
import path from "node:path";
import { packageTeamsApp, teamsVars } from "./package-teams.js";
import { packageUnifiedApp } from "./package-unified.js";

try {
  const v = teamsVars();
  const teams = packageTeamsApp();
  console.log(`wrote ${path.relative(process.cwd(), teams.zip)}: the Teams tab for ${v.PUBLIC_URL} (app ${v.TEAMS_APP_ID}, Entra app ${v.ENTRA_CLIENT_ID})`);
  const unified = packageUnifiedApp();
  console.log(`wrote ${path.relative(process.cwd(), unified.zip)}: the Teams tab and the Outlook add-in in one manifest (app ${v.TEAMS_APP_ID}); manifest.xml keeps its own id`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
