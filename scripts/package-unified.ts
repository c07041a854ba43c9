/**
 * The unified app manifest (Microsoft 365 app manifest, schema 1.30): the Teams tab of appPackage/ and the
 * Outlook add-in of manifest.xml in ONE manifest.json, zipped as dist/m365Package.zip next to the
 * Teams-only dist/appPackage.zip. Built by `npm run package` (scripts/package-teams.ts).
 *
 * The Outlook part is taken from manifest.xml rendered for PUBLIC_URL (scripts/manifest.ts): the runtime
 * page and the classic JavaScript-only file, the task pane pages, the icons, the button texts and every
 * LaunchEvent with its function and send mode. So both manifests point at the same files and run the same
 * handlers. The XML manifest stays for Outlook clients that cannot read the unified manifest (Outlook on
 * Mac before the new Outlook, Outlook on iOS and Android); it keeps its own id (d66a3e8c-...). A tenant
 * deploys one of the two to a user, never both (docs/OUTLOOK.md, "Admin checklist").
 *
 * The result is validated offline against the schema bundled in @microsoft/app-manifest (the Microsoft 365
 * Agents Toolkit's package) before it is zipped.
 */
import path from "node:path";
import { renderManifest } from "./manifest.js";
import { renderFile, teamsVars, writeAppPackage, type TeamsVars } from "./package-teams.js";

const root = path.resolve(import.meta.dirname, "..");
export const DEFAULT_UNIFIED_ZIP = path.join(root, "dist", "m365Package.zip");

/** XML LaunchEvent types and their unified-manifest names (learn.microsoft.com, "autolaunch"). */
export const EVENT_NAMES: Record<string, string> = {
  OnNewMessageCompose: "newMessageComposeCreated",
  OnNewAppointmentOrganizer: "newAppointmentOrganizerCreated",
  OnMessageAttachmentsChanged: "messageAttachmentsChanged",
  OnAppointmentAttachmentsChanged: "appointmentAttachmentsChanged",
  OnMessageRecipientsChanged: "messageRecipientsChanged",
  OnAppointmentAttendeesChanged: "appointmentAttendeesChanged",
  OnAppointmentTimeChanged: "appointmentTimeChanged",
  OnAppointmentRecurrenceChanged: "appointmentRecurrenceChanged",
  OnInfoBarDismissClicked: "infoBarDismissClicked",
  OnMessageSend: "messageSending",
  OnAppointmentSend: "appointmentSending",
  OnMessageCompose: "messageComposeOpened",
  OnAppointmentOrganizer: "appointmentOrganizerOpened",
  OnMessageFromChanged: "messageFromChanged",
  OnAppointmentFromChanged: "appointmentFromChanged",
  OnSensitivityLabelChanged: "sensitivityLabelChanged",
  OnMessageReadWithCustomAttachment: "messageReadWithCustomAttachment",
  OnMessageReadWithCustomHeader: "messageReadWithCustomHeader",
};
const SEND_MODES: Record<string, string> = { SoftBlock: "softBlock", Block: "block", PromptUser: "promptUser" };

/** What the Outlook part needs from manifest.xml. */
export interface XmlAddin {
  id: string;
  urls: Map<string, string>;
  images: Map<string, string>;
  strings: Map<string, string>;
  events: { type: string; functionName: string; sendMode?: string }[];
  /** Minimum Mailbox requirement set of the VersionOverrides. */
  mailboxMin: string;
}

const attrs = (tag: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z:]+)="([^"]*)"/g)) if (m[1] && m[2] !== undefined) out[m[1]] = m[2].replace(/&#(\d+);/g, (_x, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, "&");
  return out;
};

export function readXmlAddin(xml: string): XmlAddin {
  const map = (re: RegExp): Map<string, string> => {
    const m = new Map<string, string>();
    for (const t of xml.matchAll(re)) {
      const a = attrs(t[0]);
      if (a.id && a.DefaultValue !== undefined) m.set(a.id, a.DefaultValue);
    }
    return m;
  };
  const events = [...xml.matchAll(/<LaunchEvent\s[^>]*\/>/g)].map((t) => {
    const a = attrs(t[0]);
    if (!a.Type || !a.FunctionName) throw new Error(`manifest.xml: a LaunchEvent without Type or FunctionName: ${t[0]}`);
    return { type: a.Type, functionName: a.FunctionName, ...(a.SendMode ? { sendMode: a.SendMode } : {}) };
  });
  const id = /<Id>([^<]+)<\/Id>/.exec(xml)?.[1] ?? "";
  const mailboxMin = /<bt:Sets DefaultMinVersion="([\d.]+)">/.exec(xml)?.[1] ?? "1.1";
  return {
    id,
    urls: map(/<bt:Url\s[^>]*\/>/g),
    images: map(/<bt:Image\s[^>]*\/>/g),
    strings: map(/<bt:String\s[^>]*?(?:\/>|>)/g),
    events,
    mailboxMin,
  };
}

/** The Outlook add-in of manifest.xml as the unified manifest's `extensions` and `authorization`. */
export function outlookExtension(x: XmlAddin): { authorization: object; extensions: object[] } {
  const need = (m: Map<string, string>, id: string): string => {
    const v = m.get(id);
    if (v === undefined) throw new Error(`manifest.xml has no resource ${id}`);
    return v;
  };
  const icons = [16, 32, 80].map((size) => ({ size, url: need(x.images, `Icon.${size}`) }));
  const button = (id: string, label: string, actionId: string) => ({
    id,
    type: "button",
    label: need(x.strings, `${label}.Label`),
    icons,
    supertip: { title: need(x.strings, `${label}.Label`), description: need(x.strings, `${label}.Tooltip`) },
    actionId,
  });
  const group = (id: string, controls: object[]) => ({ id, label: need(x.strings, "Group.Label"), icons, controls });
  const pane = (id: string, resid: string) => ({
    id: `${id}Runtime`,
    type: "general",
    code: { page: need(x.urls, resid) },
    lifetime: "short",
    actions: [{ id, type: "openPage" }],
  });
  const functions = [...new Set(x.events.map((e) => e.functionName))];
  const events = x.events.map((e) => {
    const type = EVENT_NAMES[e.type];
    if (!type) throw new Error(`manifest.xml: no unified-manifest name known for LaunchEvent ${e.type} (add it to EVENT_NAMES)`);
    const mode = e.sendMode ? SEND_MODES[e.sendMode] : undefined;
    if (e.sendMode && !mode) throw new Error(`manifest.xml: unknown SendMode ${e.sendMode}`);
    return { type, actionId: e.functionName, ...(mode ? { options: { sendMode: mode } } : {}) };
  });
  const mailbox = (v: string) => ({ capabilities: [{ name: "Mailbox", minVersion: v }] });
  return {
    // ReadWriteMailbox in the XML manifest.
    authorization: { permissions: { resourceSpecific: [{ name: "Mailbox.ReadWrite.User", type: "Delegated" }] } },
    extensions: [
      {
        requirements: { scopes: ["mail"], capabilities: [{ name: "Mailbox", minVersion: "1.1" }] },
        runtimes: [
          pane("openRecord", "Taskpane.Record.Url"),
          pane("openRequest", "Taskpane.Request.Url"),
          pane("openCheck", "Taskpane.Check.Url"),
          {
            requirements: mailbox(x.mailboxMin),
            id: "eventRuntime",
            type: "general",
            // The page for the browser-based runtime, the ES2016 file for classic Outlook's JavaScript-only one.
            code: { page: need(x.urls, "Runtime.Html.Url"), script: need(x.urls, "Runtime.Js.Url") },
            lifetime: "short",
            actions: functions.map((id) => ({ id, type: "executeFunction" })),
          },
        ],
        ribbons: [
          {
            contexts: ["mailRead"],
            tabs: [{ builtInTabId: "TabDefault", groups: [group("zvReadGroup", [button("msgReadRecordConsentButton", "Record", "openRecord")])] }],
          },
          {
            contexts: ["mailCompose"],
            tabs: [
              {
                builtInTabId: "TabDefault",
                groups: [group("zvComposeGroup", [button("msgComposeRequestConsentButton", "Request", "openRequest"), button("msgComposeCheckButton", "Check", "openCheck")])],
              },
            ],
          },
        ],
        ...(events.length ? { autoRunEvents: [{ requirements: mailbox(x.mailboxMin), events }] } : {}),
        alternates: [{ alternateIcons: { icon: { size: 64, url: need(x.images, "Icon.64") }, highResolutionIcon: { size: 64, url: need(x.images, "Icon.128") } /* 64 at high DPI: the schema knows no 128 */ } }],
      },
    ],
  };
}

export interface UnifiedResult {
  zip: string;
  manifest: Record<string, unknown>;
  /** manifest.xml rendered for the same host (what the unified manifest was made from). */
  xml: string;
}

export function buildUnifiedManifest(vars: TeamsVars, clientId?: string): { manifest: Record<string, unknown>; xml: string } {
  const teams = renderFile("manifest.json", vars) as Record<string, unknown>;
  const xml = renderManifest(vars.PUBLIC_URL, clientId ? { clientId } : {});
  const outlook = outlookExtension(readXmlAddin(xml));
  const manifest: Record<string, unknown> = {
    ...teams,
    description: {
      short: "Toestemmingen en verzendcontrole van leerlinggegevens in Teams en Outlook.",
      full:
        "Zorgvuldig is het toestemmingsregister van de intern begeleider en de zorgcoördinator, in Teams, en controleert in Outlook bij verzenden of u leerlinggegevens mag delen (grondslag of toestemming). Leg toestemming van ouders vast vanuit hun e-mail, vraag toestemming aan, en zie per leerling welke toestemming geldt voor welke partij en welk doel.",
    },
    ...outlook,
  };
  return { manifest, xml };
}

export function packageUnifiedApp(opts: { env?: Record<string, string | undefined>; out?: string } = {}): UnifiedResult {
  const env = opts.env ?? process.env;
  const vars = teamsVars(env);
  const { manifest, xml } = buildUnifiedManifest(vars, vars.ENTRA_CLIENT_ID);
  const zip = writeAppPackage(manifest, vars, opts.out ?? DEFAULT_UNIFIED_ZIP, "The unified app manifest");
  return { zip, manifest, xml };
}
