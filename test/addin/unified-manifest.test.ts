import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { unzipSync, strFromU8 } from "fflate";
import { packageUnifiedApp, readXmlAddin } from "../../scripts/package-unified.js";
import { validateAppPackage } from "../../scripts/package-teams.js";

/** Every https URL in a JSON value or a text. */
function urlsIn(v: unknown): Set<string> {
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return new Set(text.match(/https:\/\/[^"\\\s<>]+/g) ?? []);
}

describe("Unified app manifest: the Teams tab and the Outlook add-in in one package (npm run package)", () => {
  const env = {
    PUBLIC_URL: "https://zorgvuldig.school.example",
    ENTRA_CLIENT_ID: "0c4b1f6e-2d3a-4e5f-8a9b-7c6d5e4f3a2b",
    TEAMS_APP_ID: "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
  };
  let dir = "";
  let built: ReturnType<typeof packageUnifiedApp>;
  let manifest: Record<string, unknown>;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "zv-unified-"));
    built = packageUnifiedApp({ env, out: path.join(dir, "m365Package.zip") });
    const files = unzipSync(readFileSync(built.zip));
    assert.deepEqual(Object.keys(files).sort(), ["color.png", "en.json", "manifest.json", "outline.png"]);
    manifest = JSON.parse(strFromU8(files["manifest.json"] ?? new Uint8Array())) as Record<string, unknown>;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("When the package is built, then its manifest.json is valid against the schema of @microsoft/app-manifest (1.30) and holds the tab and the Outlook extension", () => {
    assert.deepEqual(validateAppPackage(manifest, []), []);
    assert.equal(manifest.manifestVersion, "1.30");
    assert.equal(manifest.id, env.TEAMS_APP_ID);
    assert.ok(Array.isArray(manifest.staticTabs) && manifest.staticTabs.length > 0, "the Teams tab");
    const ext = (manifest.extensions as { requirements: { scopes: string[] } }[])[0];
    assert.deepEqual(ext?.requirements.scopes, ["mail"]);
  });

  it("When the unified manifest is compared with manifest.xml for the same host, then every add-in URL is the XML manifest's, and every XML URL is in it", () => {
    const xmlUrls = urlsIn(built.xml);
    const extUrls = urlsIn(manifest.extensions);
    for (const u of extUrls) assert.ok(xmlUrls.has(u), `${u} is not in manifest.xml`);
    const x = readXmlAddin(built.xml);
    for (const u of [...x.urls.values(), ...["16", "32", "64", "80", "128"].map((s) => x.images.get(`Icon.${s}`))]) assert.ok(u && extUrls.has(u), `${u} of manifest.xml is missing`);
    assert.ok([...extUrls].every((u) => u.startsWith(`${env.PUBLIC_URL}/addin/`)));
  });

  it("When Outlook fires the XML manifest's launch events, then the unified manifest runs the same functions in the same runtime (page + classic script), with the same send mode", () => {
    const x = readXmlAddin(built.xml);
    const ext = (manifest.extensions as {
      runtimes: { id: string; code: { page: string; script?: string }; actions: { id: string; type: string }[] }[];
      autoRunEvents: { events: { type: string; actionId: string; options?: { sendMode: string } }[] }[];
      ribbons: { tabs: { groups: { controls: { id: string }[] }[] }[] }[];
    }[])[0];
    assert.ok(ext);
    const events = ext.autoRunEvents.flatMap((a) => a.events);
    assert.equal(events.length, x.events.length);
    const send = events.find((e) => e.type === "messageSending");
    assert.deepEqual(send, { type: "messageSending", actionId: "onMessageSendHandler", options: { sendMode: "softBlock" } });
    const runtime = ext.runtimes.find((r) => r.actions.some((a) => a.id === "onMessageSendHandler"));
    assert.deepEqual(runtime?.code, { page: x.urls.get("Runtime.Html.Url"), script: x.urls.get("Runtime.Js.Url") });
    for (const e of x.events) assert.ok(runtime?.actions.some((a) => a.id === e.functionName && a.type === "executeFunction"), e.functionName);
    // The Smart Alert's "Take action" opens the pane by this control id in both manifests.
    const controls = ext.ribbons.flatMap((r) => r.tabs.flatMap((t) => t.groups.flatMap((g) => g.controls.map((c) => c.id))));
    assert.ok(controls.includes("msgComposeCheckButton"));
    assert.ok(built.xml.includes('id="msgComposeCheckButton"'));
  });

  it("When both manifests exist, then the XML manifest keeps its own id (Outlook on Mac and mobile read only XML)", () => {
    const xmlId = readXmlAddin(built.xml).id;
    assert.match(xmlId, /^[0-9a-f-]{36}$/);
    assert.notEqual(xmlId, manifest.id);
  });
});
