/**
 * Browser entry of the task pane tests: before the page's scripts run, it installs the project's Office.js
 * double (src/shared/office-double.ts) as `window.Office`, set up as the test asked through
 * `window.__ZV_PANE_SETUP__`. The task pane then starts exactly as in Outlook (Office.onReady, then the
 * real OfficeMailHost); the test reads what Outlook would have seen from `window.__ZV_OFFICE__`.
 */
import { OfficeDouble, type AttachmentInput } from "../../../src/shared/office-double.js";

/** What a test puts in front of the pane: the message it opens on and the data a Smart Alert passed. */
export interface PaneSetup {
  /** A received message (read mode). */
  read?: {
    internetMessageId: string;
    from: string;
    fromName: string;
    subject: string;
    bodyText: string;
    date: string;
    /** The item is in this shared mailbox (getSharedPropertiesAsync answers with it as targetMailbox). */
    sharedMailbox?: string;
  };
  /** The message being composed. */
  compose?: {
    to: string[];
    cc: string[];
    bcc: string[];
    subject: string;
    bodyText: string;
    /** With `content`, getAttachmentContentAsync gives it (a file as base64). */
    attachments: AttachmentInput[];
    /** "appointment": a meeting being organised (`to` required, `cc` optional attendees, `resources` rooms). */
    itemType?: "message" | "appointment";
    resources?: string[];
  };
  initializationContext?: string;
  displayLanguage?: string;
  userEmail?: string;
  /**
   * Office SSO answers (the double's auth.getAccessToken gives this backend's development token; every
   * call's AuthOptions are in `double.ssoCalls`). Unset: SSO is unavailable (the pane falls back to dev).
   */
  sso?: boolean;
  /** The tenant's Purview sensitivity labels; absent: no catalog (no Purview licence). */
  sensitivityLabels?: { id: string; name: string }[];
}

/** What the page exposes to the test. */
export interface PaneOffice {
  double: OfficeDouble;
  /** Every message item.sendAsync sent (the compose item as it was then). */
  sent: { to: string[]; subject: string }[];
}

declare global {
  interface Window {
    __ZV_PANE_SETUP__?: PaneSetup;
    __ZV_OFFICE__?: PaneOffice;
  }
}

const setup: PaneSetup = window.__ZV_PANE_SETUP__ ?? {};
const user = setup.userEmail ?? "ib@demo";
const ssoToken = async (): Promise<string> => {
  const res = await fetch("/dev/token", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ user, roles: ["coordinator"] }) });
  return ((await res.json()) as { token: string }).token;
};
const double = new OfficeDouble({
  displayLanguage: setup.displayLanguage ?? "nl-NL",
  userEmail: user,
  ...(setup.sso ? { sso: ssoToken } : {}),
  ...(setup.sensitivityLabels ? { sensitivityLabels: setup.sensitivityLabels.map((l) => ({ ...l, color: "#7a1d8c", tooltip: l.name, children: [] })) } : {}),
});
const sent: PaneOffice["sent"] = [];
if (setup.compose) {
  const c = setup.compose;
  double.compose({
    to: c.to,
    cc: c.cc,
    bcc: c.bcc,
    subject: c.subject,
    body: c.bodyText,
    attachments: c.attachments,
    ...(c.itemType ? { itemType: c.itemType } : {}),
    ...(c.resources ? { resources: c.resources } : {}),
  });
}
if (setup.read) {
  const r = setup.read;
  double.read({
    internetMessageId: r.internetMessageId,
    from: { emailAddress: r.from, displayName: r.fromName },
    to: [{ emailAddress: setup.userEmail ?? "ib@demo", displayName: "" }],
    subject: r.subject,
    body: r.bodyText,
    dateTimeCreated: new Date(r.date),
    ...(r.sharedMailbox ? { shared: { targetMailbox: r.sharedMailbox, owner: r.sharedMailbox } } : {}),
  });
}
if (setup.initializationContext !== undefined) double.setInitializationContext(setup.initializationContext, false);
double.onSendAsync = async () => {
  const m = double.composeSnapshot();
  sent.push({ to: m.to, subject: m.subject });
  return true;
};
double.install(window);
window.__ZV_OFFICE__ = { double, sent };
