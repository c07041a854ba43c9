import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Ajv04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { unzipSync, strFromU8 } from "fflate";
import { PNG } from "pngjs";
import { DEV_ENTRA_CLIENT_ID, DEV_TEAMS_APP_ID, fillTemplate, teamsVars } from "../../scripts/package-teams.js";
import { drawOutlineIcon } from "../../scripts/make-teams-icons.js";

const root = path.resolve(import.meta.dirname, "../..");
const require = createRequire(import.meta.url);
const schemasDir = path.dirname(require.resolve("@microsoft/app-manifest/build/json-schemas/teams/v1.30/MicrosoftTeams.schema.json"));
const teamsDir = path.dirname(schemasDir);

interface Manifest {
  $schema: string;
  manifestVersion: string;
  id: string;
  staticTabs: { entityId: string; contentUrl?: string; scopes: string[] }[];
  configurableTabs: { configurationUrl: string; scopes: string[] }[];
  webApplicationInfo: { id: string; resource: string };
  validDomains: string[];
  localizationInfo: { defaultLanguageTag: string; additionalLanguages: { languageTag: string; file: string }[] };
  icons: { color: string; outline: string };
}

function loadSchema(file: string): { $schema?: string } & Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(schemasDir, file), "utf8")) as { $schema?: string } & Record<string, unknown>;
}

function newAjv(): InstanceType<typeof Ajv04> {
  // The Teams schemas declare draft-04, and hold patterns that are invalid with the u flag.
  const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats.default(ajv);
  return ajv;
}

const devVars = teamsVars({});
const manifestText = readFileSync(path.join(root, "appPackage/manifest.json"), "utf8");

describe("Teams app package", function () {
  this.timeout(60_000);

  it("When listing the schemas @microsoft/app-manifest bundles, then the manifest uses the newest released version", () => {
    const versions = readdirSync(teamsDir)
      .filter((d) => /^v\d+\.\d+$/.test(d))
      .map((d) => d.slice(1))
      .sort((a, b) => {
        const [a1 = 0, a2 = 0] = a.split(".").map(Number);
        const [b1 = 0, b2 = 0] = b.split(".").map(Number);
        return a1 - b1 || a2 - b2;
      });
    const manifest = JSON.parse(manifestText) as Manifest;
    assert.equal(manifest.manifestVersion, versions[versions.length - 1]);
    assert.ok(manifest.$schema.endsWith(`/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`));
  });

  it("When the manifest is filled with the dev defaults, then it validates offline against the official schema of the draft it declares", () => {
    const schema = loadSchema("MicrosoftTeams.schema.json");
    assert.equal(schema.$schema, "http://json-schema.org/draft-04/schema#");
    const validate = newAjv().compile(schema);
    const manifest = JSON.parse(fillTemplate(manifestText, devVars)) as Manifest;
    const ok = validate(manifest);
    assert.ok(ok, JSON.stringify(validate.errors, null, 2));
    assert.equal(manifest.id, DEV_TEAMS_APP_ID);
    assert.equal(manifest.webApplicationInfo.id, DEV_ENTRA_CLIENT_ID);
    assert.equal(manifest.webApplicationInfo.resource, `api://localhost:3000/${DEV_ENTRA_CLIENT_ID}`);
    assert.deepEqual(manifest.validDomains, ["localhost:3000"]);
    assert.equal(manifest.configurableTabs[0]?.configurationUrl, "https://localhost:3000/tab/config.html");
    assert.ok(manifest.staticTabs.some((t) => t.entityId === "register" && t.scopes.includes("personal") && t.contentUrl?.startsWith("https://localhost:3000/tab/")));
    assert.equal(manifest.localizationInfo.defaultLanguageTag, "nl-nl");
  });

  it("When the manifest is broken on purpose, then the same validator rejects it (the check has teeth)", () => {
    const validate = newAjv().compile(loadSchema("MicrosoftTeams.schema.json"));
    const manifest = JSON.parse(fillTemplate(manifestText, devVars)) as Record<string, unknown>;
    assert.equal(validate({ ...manifest, id: "not-a-guid" }), false);
    assert.equal(validate({ ...manifest, accentColor: "green" }), false);
    assert.equal(validate({ ...manifest, unknownProperty: 1 }), false);
  });

  it("When the English localisation file is filled, then it validates against the localisation schema", () => {
    const validate = newAjv().compile(loadSchema("MicrosoftTeams.Localization.schema.json"));
    const en = JSON.parse(fillTemplate(readFileSync(path.join(root, "appPackage/en.json"), "utf8"), devVars)) as unknown;
    assert.ok(validate(en), JSON.stringify(validate.errors, null, 2));
  });

  it("When the template names a variable that does not exist, then filling fails rather than shipping a placeholder", () => {
    assert.throws(() => fillTemplate('{"x":"${{NOPE}}"}', devVars), /Unknown placeholder/);
  });

  it("When PUBLIC_URL, ENTRA_CLIENT_ID and TEAMS_APP_ID are set, then the package script uses them", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "zv-pkg-")), "app.zip");
    const { packageTeamsApp } = await import("../../scripts/package-teams.js");
    const entra = "11111111-2222-4333-8444-555555555555";
    const app = "66666666-7777-4888-9999-aaaaaaaaaaaa";
    packageTeamsApp({ env: { PUBLIC_URL: "https://zorg.example.nl/", ENTRA_CLIENT_ID: entra, TEAMS_APP_ID: app }, out });
    const files = unzipSync(readFileSync(out));
    const m = JSON.parse(strFromU8(files["manifest.json"] ?? new Uint8Array())) as Manifest;
    assert.equal(m.id, app);
    assert.equal(m.webApplicationInfo.resource, `api://zorg.example.nl/${entra}`);
    assert.deepEqual(m.validDomains, ["zorg.example.nl"]);
    assert.equal(m.configurableTabs[0]?.configurationUrl, "https://zorg.example.nl/tab/config.html");
  });

  it("When running `npm run package`, then the zip holds manifest.json and both icons at 192x192 and 32x32", async () => {
    const run = promisify(execFile);
    await run("npm", ["run", "-s", "package"], { cwd: root, env: { ...process.env, PUBLIC_URL: "", ENTRA_CLIENT_ID: "", TEAMS_APP_ID: "" } });
    const files = unzipSync(readFileSync(path.join(root, "dist/appPackage.zip")));
    assert.deepEqual(Object.keys(files).sort(), ["color.png", "en.json", "manifest.json", "outline.png"]);
    const m = JSON.parse(strFromU8(files["manifest.json"] ?? new Uint8Array())) as Manifest;
    assert.ok(!JSON.stringify(m).includes("${{"), "no placeholder left");
    const color = PNG.sync.read(Buffer.from(files[m.icons.color] ?? new Uint8Array()));
    const outline = PNG.sync.read(Buffer.from(files[m.icons.outline] ?? new Uint8Array()));
    assert.deepEqual([color.width, color.height], [192, 192]);
    assert.deepEqual([outline.width, outline.height], [32, 32]);
  });

  it("When reading every pixel of the outline icon, then each is white or fully transparent, and some are drawn", () => {
    const png = PNG.sync.read(readFileSync(path.join(root, "appPackage/outline.png")));
    let drawn = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b, a] = [png.data[i], png.data[i + 1], png.data[i + 2], png.data[i + 3]];
      assert.ok(a === 0 || (r === 255 && g === 255 && b === 255), `pixel ${i / 4} is ${r},${g},${b},${a}`);
      if (a !== undefined && a > 0) drawn++;
    }
    assert.ok(drawn > 40 && drawn < 32 * 32 * 0.7, `drawn pixels: ${drawn}`);
  });

  it("When the icon script runs again, then the committed outline icon is what it draws (no stale icons)", () => {
    const committed = PNG.sync.read(readFileSync(path.join(root, "appPackage/outline.png")));
    assert.ok(Buffer.from(drawOutlineIcon(32).data).equals(Buffer.from(committed.data)));
  });
});
