import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { DEV_HOST, MANIFEST_PATH, renderManifest } from "../../scripts/manifest.js";
import { HANDLER_NAME } from "../../src/addin/onsend/handler.js";
import { CHECK_COMMAND_ID } from "../../src/addin/onsend/decide.js";

const root = path.resolve(import.meta.dirname, "../..");
const xml = readFileSync(MANIFEST_PATH, "utf8");
type Node = Record<string, unknown>;

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", isArray: () => false });

/** Every element (as parsed object) in the tree, depth first, with its tag name. */
function walk(n: unknown, tag = "", out: { tag: string; node: Node }[] = []): { tag: string; node: Node }[] {
  if (Array.isArray(n)) for (const x of n) walk(x, tag, out);
  else if (n && typeof n === "object") {
    out.push({ tag, node: n as Node });
    for (const [k, v] of Object.entries(n)) if (!k.startsWith("@_")) walk(v, k, out);
  }
  return out;
}

const attr = (n: Node, a: string): string | undefined => (typeof n[`@_${a}`] === "string" ? (n[`@_${a}`] as string) : undefined);

function urlsOf(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^"<\s]+/g)]
    .map((m) => m[0])
    .filter((u) => !u.startsWith("http://schemas.microsoft.com/") && !u.startsWith("http://www.w3.org/"));
}

describe("Outlook add-in manifest (manifest.xml)", () => {
  const doc = parser.parse(xml) as Node;
  const all = walk(doc);

  it("When the manifest is parsed, then it is well-formed XML for a MailApp", () => {
    assert.equal(XMLValidator.validate(xml), true);
    const app = doc.OfficeApp as Node;
    assert.equal(attr(app, "xsi:type"), "MailApp");
    assert.equal(app.DefaultLocale, "nl-NL");
    assert.ok(app.AppDomains, "has AppDomains");
  });

  it("When Outlook reads the launch events, then OnMessageSend runs the associated handler in SoftBlock mode", () => {
    const events = all.filter((e) => e.tag === "LaunchEvent").map((e) => e.node);
    const ev = events.find((e) => attr(e, "Type") === "OnMessageSend") ?? {};
    assert.equal(attr(ev, "Type"), "OnMessageSend");
    assert.equal(attr(ev, "SendMode"), "SoftBlock");
    assert.equal(attr(ev, "FunctionName"), HANDLER_NAME);
    const src = readFileSync(path.join(root, "src/addin/onsend/handler.ts"), "utf8");
    assert.match(src, new RegExp(`HANDLER_NAME = "${HANDLER_NAME}"`));
    assert.match(src, /associate\(HANDLER_NAME,/);
    const bundle = path.join(root, "dist/addin/onsend.js");
    if (existsSync(bundle)) assert.ok(readFileSync(bundle, "utf8").includes(`"${HANDLER_NAME}"`), "bundle carries the name");
  });

  it("When a meeting is sent or a mail changes, then OnAppointmentSend (SoftBlock) and the early-warning events name functions the handler bundle associates", () => {
    const events = all.filter((e) => e.tag === "LaunchEvent").map((e) => e.node);
    const byType = new Map(events.map((e) => [attr(e, "Type"), e]));
    assert.deepEqual([...byType.keys()].sort(), ["OnAppointmentSend", "OnMessageAttachmentsChanged", "OnMessageRecipientsChanged", "OnMessageSend", "OnNewMessageCompose"]);
    assert.equal(attr(byType.get("OnAppointmentSend") ?? {}, "SendMode"), "SoftBlock");
    const bundle = path.join(root, "dist/addin/onsend.js");
    for (const e of events) {
      const name = attr(e, "FunctionName");
      if (existsSync(bundle)) assert.ok(readFileSync(bundle, "utf8").includes(`"${name}"`), `bundle associates ${name}`);
    }
  });

  it("When the manifest declares requirements, then Mailbox 1.15 is asked in VersionOverrides 1.1", () => {
    assert.match(xml, /xsi:type="VersionOverridesV1_1"[\s\S]*<bt:Sets DefaultMinVersion="1\.15">\s*<bt:Set Name="Mailbox"\/>/);
  });

  it("When classic Outlook on Windows loads the runtime, then the JavaScript override points at onsend.js and the page at commands.html", () => {
    const runtime = all.find((e) => e.tag === "Runtime")?.node ?? {};
    const override = runtime.Override as Node;
    assert.equal(attr(override, "type"), "javascript");
    const urls = new Map(all.filter((e) => e.tag === "bt:Url").map((e) => [attr(e.node, "id"), attr(e.node, "DefaultValue")]));
    assert.equal(urls.get(attr(override, "resid")), `${DEV_HOST}/addin/onsend.js`);
    assert.equal(urls.get(attr(runtime, "resid")), `${DEV_HOST}/addin/commands.html`);
    const launch = all.find((e) => e.tag === "ExtensionPoint" && attr(e.node, "xsi:type") === "LaunchEvent")?.node ?? {};
    assert.equal(attr(launch.SourceLocation as Node, "resid"), attr(runtime, "resid"));
  });

  it("When a resid is used, then it is defined exactly once", () => {
    const defined = all
      .filter((e) => ["bt:Image", "bt:Url", "bt:String"].includes(e.tag) && attr(e.node, "id"))
      .map((e) => attr(e.node, "id"));
    assert.equal(new Set(defined).size, defined.length, "no duplicate ids");
    const used = all.map((e) => attr(e.node, "resid")).filter((r): r is string => !!r);
    assert.ok(used.length > 10);
    for (const r of used) assert.ok(defined.includes(r), `resid ${r} is defined`);
  });

  it("When the buttons are listed, then read has 'Toestemming vastleggen' and compose has 'Toestemming vragen' and 'Controleren' (the Smart Alert's command)", () => {
    const strings = new Map(all.filter((e) => e.tag === "bt:String").map((e) => [attr(e.node, "id"), e.node]));
    const urls = new Map(all.filter((e) => e.tag === "bt:Url").map((e) => [attr(e.node, "id"), attr(e.node, "DefaultValue")]));
    const surface = (t: string) => all.find((e) => e.tag === "ExtensionPoint" && attr(e.node, "xsi:type") === t)?.node;
    const buttons = (n: Node | undefined) => walk(n).filter((e) => e.tag === "Control").map((e) => e.node);
    const describe = (c: Node) => ({
      id: attr(c, "id"),
      label: attr(strings.get(attr(c.Label as Node, "resid")) ?? {}, "DefaultValue"),
      url: urls.get(attr((c.Action as Node).SourceLocation as Node, "resid")),
    });
    assert.deepEqual(buttons(surface("MessageReadCommandSurface")).map(describe), [
      { id: "msgReadRecordConsentButton", label: "Toestemming vastleggen", url: `${DEV_HOST}/addin/taskpane.html?mode=record` },
    ]);
    const compose = buttons(surface("MessageComposeCommandSurface")).map(describe);
    assert.deepEqual(compose, [
      { id: "msgComposeRequestConsentButton", label: "Toestemming vragen", url: `${DEV_HOST}/addin/taskpane.html?mode=request` },
      { id: CHECK_COMMAND_ID, label: "Controleren", url: `${DEV_HOST}/addin/taskpane.html?mode=check` },
    ]);
  });

  it("When a string is shown, then it has a Dutch default and an en-US override", () => {
    const strings = all.filter((e) => e.tag === "bt:String").map((e) => e.node);
    for (const s of strings) assert.equal(attr(s["bt:Override"] as Node, "Locale"), "en-US", String(attr(s, "id")));
    const app = doc.OfficeApp as Node;
    assert.equal(attr((app.Description as Node).Override as Node, "Locale"), "en-US");
  });

  it("When icons are referenced, then 16/32/64/80/128 exist as PNG files under src/addin/assets", () => {
    const images = all.filter((e) => e.tag === "bt:Image" && attr(e.node, "id")).map((e) => attr(e.node, "DefaultValue") ?? "");
    for (const size of [16, 32, 64, 80, 128]) {
      const url = `${DEV_HOST}/addin/assets/icon-${size}.png`;
      assert.ok(images.includes(url), url);
      const file = path.join(root, "src/addin/assets", `icon-${size}.png`);
      assert.ok(existsSync(file), file);
      const png = readFileSync(file);
      assert.equal(png.readUInt32BE(16), size);
      assert.equal(png.readUInt32BE(20), size);
    }
  });

  it("When any URL is in the manifest, then it is under the configured host", () => {
    const urls = urlsOf(xml);
    assert.ok(urls.length >= 12);
    for (const u of urls) assert.ok(u.startsWith(`${DEV_HOST}/`) || u === DEV_HOST, u);
  });

  it("When the manifest is rendered for another host, then every URL moves to it (AppDomain too) and it stays well-formed", () => {
    const host = "https://zorgvuldig.school.example";
    const out = renderManifest(`${host}/`);
    assert.equal(XMLValidator.validate(out), true);
    assert.ok(!out.includes("localhost"));
    const urls = urlsOf(out);
    assert.equal(urls.length, urlsOf(xml).length);
    for (const u of urls) assert.ok(u.startsWith(host), u);
    assert.match(out, new RegExp(`<AppDomain>${host.replace(/\./g, "\\.")}</AppDomain>`));
  });

  it("When a client id is given, then WebApplicationInfo for Office SSO is added; bad hosts are refused", () => {
    const id = "11111111-2222-3333-4444-555555555555";
    const out = renderManifest("https://zv.example.nl", { clientId: id });
    assert.equal(XMLValidator.validate(out), true);
    assert.match(out, new RegExp(`<Resource>api://zv\\.example\\.nl/${id}</Resource>`));
    assert.throws(() => renderManifest("http://zv.example.nl"));
    assert.throws(() => renderManifest("https://zv.example.nl/sub"));
    assert.throws(() => renderManifest("https://zv.example.nl", { clientId: "nope" }));
  });
});
