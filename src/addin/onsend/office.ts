/**
 * The only place the on-send handler touches Office.js: promisified `getAsync` wrappers over the item
 * being composed, the roaming settings and the session data the task pane shares with the handler.
 */
import { globalObject } from "./global.js";
import { langOf, type Lang } from "../../../contract/i18n.js";
import type { RecipientType } from "../../../contract/enums.js";

/** The parts of Office.js the handler uses (the real `Office` global satisfies it; tests pass a double). */
export interface OfficeLike {
  context: {
    displayLanguage?: string;
    mailbox: { item?: unknown; userProfile?: { emailAddress?: string } };
    roamingSettings?: {
      get(name: string): unknown;
      set(name: string, value: unknown): void;
      saveAsync(callback?: (r: Office.AsyncResult<void>) => void): void;
    };
  };
  AsyncResultStatus?: { Succeeded: unknown; Failed: unknown };
  CoercionType?: { Text: unknown };
  MailboxEnums?: { SendModeOverride?: { PromptUser?: unknown } };
  actions?: { associate(name: string, fn: (event: never) => void): void };
}

/** A recipient exactly as Outlook gives it: the address may be X500 or a typed name; never dropped. */
export interface RecipientDetail {
  address: string;
  name?: string;
  /** Office's recipientType; the server keeps an unknown one as "other". */
  type?: RecipientType;
}

/** An attachment: "file", "item" (an attached mail) or "cloud" (a link), as Office.MailboxEnums.AttachmentType. */
export interface AttachmentInfo {
  id: string;
  name: string;
  size?: number;
  kind: "file" | "item" | "cloud";
  contentType?: string;
}

export interface MailSnapshot {
  to: RecipientDetail[];
  cc: RecipientDetail[];
  bcc: RecipientDetail[];
  subject: string;
  body: string;
  attachments: AttachmentInfo[];
  /** The GUID of the Purview sensitivity label applied to the mail (Mailbox 1.13), when there is one. */
  sensitivityLabelId?: string;
}

type Callback<T> = (r: Office.AsyncResult<T>) => void;

/** Turns a callback-style Office call into a promise; a Failed status rejects with the Office error. */
export function getAsyncP<T>(call: (cb: Callback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      call((r) => {
        if (r && String(r.status) === "failed") reject(new Error((r.error && r.error.message) || "Office call failed"));
        else resolve(r.value);
      });
    } catch (e) {
      reject(e);
    }
  });
}

/** The global Office object when present (it is absent in Node and in tests that do not provide one). */
export function officeGlobal(): OfficeLike | undefined {
  const g = globalObject() as { Office?: OfficeLike };
  return g.Office;
}

/** Every recipient with its address, display name and recipientType; one with neither address nor name is kept as "?". */
function details(list: Office.EmailAddressDetails[] | undefined): RecipientDetail[] {
  return (list || []).map((r) => {
    const address = String((r && r.emailAddress) || "").trim();
    const name = String((r && r.displayName) || "").trim();
    const out: RecipientDetail = { address: address || name || "?" };
    if (name && name !== address) out.name = name;
    // Passed on as Outlook gives it; the server maps an unknown value to "other".
    if (r && r.recipientType) out.type = String(r.recipientType) as RecipientType;
    return out;
  });
}

/**
 * The applied sensitivity label's GUID (Mailbox 1.13; Purview), or "" where the host has no labels or
 * cannot tell: the check then judges the mail as not encrypted, the safe side.
 */
function readLabel(item: Office.MessageCompose): Promise<string> {
  const sl = item.sensitivityLabel as Office.SensitivityLabel | undefined;
  if (!sl || typeof sl.getAsync !== "function") return Promise.resolve("");
  return getAsyncP<string>((cb) => sl.getAsync(cb)).then(
    (v) => (typeof v === "string" && v.length <= 100 ? v : ""),
    () => "",
  );
}

function attachmentKind(type: unknown): AttachmentInfo["kind"] {
  const t = String(type || "file").toLowerCase();
  return t === "cloud" ? "cloud" : t === "item" ? "item" : "file";
}

/** Office.MailboxEnums.BodyMode.FullBody: the body with the quoted earlier messages. */
const FULL_BODY = "fullBody";

/**
 * The recipients of the item: To, Cc and Bcc of a message; of a meeting being organised
 * (OnAppointmentSend) the required attendees as To, the optional ones as Cc and the rooms and other
 * resources (enhancedLocation, Mailbox 1.8) as Bcc, so every attendee is checked like a recipient.
 */
function readRecipientFields(item: Office.MessageCompose | Office.AppointmentCompose): Promise<Office.EmailAddressDetails[]>[] {
  const appointment = item as Office.AppointmentCompose;
  if (appointment.requiredAttendees && !(item as Office.MessageCompose).to) {
    const loc = appointment.enhancedLocation;
    return [
      getAsyncP<Office.EmailAddressDetails[]>((cb) => appointment.requiredAttendees.getAsync(cb)),
      appointment.optionalAttendees ? getAsyncP<Office.EmailAddressDetails[]>((cb) => appointment.optionalAttendees.getAsync(cb)) : Promise.resolve([]),
      loc && typeof loc.getAsync === "function"
        ? getAsyncP<Office.LocationDetails[]>((cb) => loc.getAsync(cb)).then((rooms) =>
            (rooms || [])
              .filter((r) => r && r.emailAddress)
              .map((r) => ({ emailAddress: r.emailAddress, displayName: r.displayName || r.emailAddress, recipientType: "other" }) as Office.EmailAddressDetails),
          )
        : Promise.resolve([]),
    ];
  }
  const m = item as Office.MessageCompose;
  return [
    getAsyncP<Office.EmailAddressDetails[]>((cb) => m.to.getAsync(cb)),
    getAsyncP<Office.EmailAddressDetails[]>((cb) => m.cc.getAsync(cb)),
    m.bcc ? getAsyncP<Office.EmailAddressDetails[]>((cb) => m.bcc.getAsync(cb)) : Promise.resolve([]),
  ];
}

/**
 * Reads recipients, subject, full plain-text body and the attachments of the message (or meeting
 * request) being sent, and its sensitivity label.
 */
export async function readComposeItem(office: OfficeLike): Promise<MailSnapshot> {
  const item = office.context.mailbox.item as Office.MessageCompose | undefined;
  if (!item) throw new Error("No item");
  const text = (office.CoercionType && office.CoercionType.Text) || "text";
  const fields = readRecipientFields(item);
  const [to, cc, bcc, subject, body, attachments, label] = await Promise.all([
    fields[0],
    fields[1],
    fields[2],
    getAsyncP<string>((cb) => item.subject.getAsync(cb)),
    // The full body (Mailbox 1.14 bodyMode): the quoted earlier mail counts too; older clients ignore the option.
    getAsyncP<string>((cb) => item.body.getAsync(text as Office.CoercionType, { bodyMode: FULL_BODY } as Office.AsyncContextOptions, cb)),
    typeof item.getAttachmentsAsync === "function"
      ? getAsyncP<Office.AttachmentDetailsCompose[]>((cb) => item.getAttachmentsAsync(cb))
      : Promise.resolve([] as Office.AttachmentDetailsCompose[]),
    readLabel(item),
  ]);
  const snapshot: MailSnapshot = {
    to: details(to),
    cc: details(cc),
    bcc: details(bcc),
    subject: subject || "",
    body: body || "",
    attachments: (attachments || [])
      .filter((a) => !a.isInline)
      .map((a) => {
        const out: AttachmentInfo = { id: String(a.id || ""), name: String(a.name || ""), kind: attachmentKind(a.attachmentType) };
        if (typeof a.size === "number" && a.size >= 0) out.size = Math.floor(a.size);
        const ct = (a as { contentType?: unknown }).contentType;
        if (ct) out.contentType = String(ct);
        return out;
      }),
  };
  if (label) snapshot.sensitivityLabelId = label;
  return snapshot;
}

/**
 * The key in the item's session data where the task pane leaves the purpose the user chose for this
 * mail, as `{"purposeId":"..."}`; absent when the party's default purpose applies.
 */
export const PURPOSE_KEY = "zvPurpose";

/** A JSON value the task pane left in the item's session data (Mailbox 1.11), or undefined. */
async function readSessionJson(office: OfficeLike, key: string): Promise<Record<string, unknown> | undefined> {
  const item = office.context.mailbox.item as Office.MessageCompose | undefined;
  const sd = item && item.sessionData;
  if (!sd || typeof sd.getAsync !== "function") return undefined;
  try {
    const raw = await getAsyncP<string>((cb) => sd.getAsync(key, cb));
    const v: unknown = raw ? JSON.parse(raw) : undefined;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The purpose the task pane chose for this mail, if any. */
export async function readSessionPurpose(office: OfficeLike): Promise<string | undefined> {
  const v = await readSessionJson(office, PURPOSE_KEY);
  const id = v && v.purposeId;
  return typeof id === "string" && id.length > 0 && id.length <= 100 ? id : undefined;
}

/**
 * The key in the item's session data where the task pane leaves the students the user named for a mail
 * in which the check recognised none, as `{"studentIds":["..."]}`.
 */
export const STUDENTS_KEY = "zvStudents";

/** The students the task pane named for this mail, if any. */
export async function readSessionStudents(office: OfficeLike): Promise<string[] | undefined> {
  const v = await readSessionJson(office, STUDENTS_KEY);
  const ids = v && v.studentIds;
  if (!Array.isArray(ids)) return undefined;
  const ok = ids.filter((x): x is string => typeof x === "string" && x.length > 0 && x.length <= 100).slice(0, 20);
  return ok.length > 0 ? ok : undefined;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Base64 to bytes without `atob` (absent in classic Outlook's JavaScript-only runtime). */
export function base64ToBytes(b64: string): Uint8Array {
  const clean = b64.replace(/[^A-Za-z0-9+/]/g, "");
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let n = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const a = B64.indexOf(clean.charAt(i));
    const b = B64.indexOf(clean.charAt(i + 1));
    const c = i + 2 < clean.length ? B64.indexOf(clean.charAt(i + 2)) : -1;
    const d = i + 3 < clean.length ? B64.indexOf(clean.charAt(i + 3)) : -1;
    out[n++] = (a << 2) | (b >> 4);
    if (c >= 0) out[n++] = ((b & 15) << 4) | (c >> 2);
    if (d >= 0) out[n++] = ((c & 3) << 6) | d;
  }
  return out.subarray(0, n);
}

/** A string as UTF-8 bytes without `TextEncoder` (an attached mail arrives as EML text). */
export function utf8Bytes(s: string): Uint8Array {
  const encoded = unescape(encodeURIComponent(s));
  const out = new Uint8Array(encoded.length);
  for (let i = 0; i < encoded.length; i++) out[i] = encoded.charCodeAt(i);
  return out;
}

/** An attachment's contents, or why the add-in did not read them. */
export type AttachmentContent =
  | { bytes: Uint8Array; contentType?: string }
  | { unread: "too-large" | "mail-too-large" | "unreadable" | "cloud"; url?: string };

/**
 * Reads each attachment's contents with getAttachmentContentAsync (Mailbox 1.8), within the caps (MB per
 * attachment, MB per mail): a file arrives as Base64, an attached mail as EML, a cloud attachment as a URL
 * only. Same order as `list`; never rejects.
 */
export async function readAttachmentContents(
  office: OfficeLike,
  list: AttachmentInfo[],
  caps: { attachmentMaxMb: number; mailAttachmentsMaxMb: number },
): Promise<AttachmentContent[]> {
  const item = office.context.mailbox.item as Office.MessageCompose | undefined;
  const canRead = !!item && typeof item.getAttachmentContentAsync === "function";
  const per = caps.attachmentMaxMb * 1024 * 1024;
  const total = caps.mailAttachmentsMaxMb * 1024 * 1024;
  let used = 0;
  const out: AttachmentContent[] = [];
  for (const a of list) {
    if (a.kind !== "cloud" && typeof a.size === "number" && a.size > per) {
      out.push({ unread: "too-large" });
      continue;
    }
    if (a.kind !== "cloud" && used + (a.size || 0) > total) {
      out.push({ unread: "mail-too-large" });
      continue;
    }
    if (!canRead || !item) {
      out.push(a.kind === "cloud" ? { unread: "cloud" } : { unread: "unreadable" });
      continue;
    }
    try {
      const c = await getAsyncP<Office.AttachmentContent>((cb) => item.getAttachmentContentAsync(a.id, cb));
      const format = String((c && c.format) || "").toLowerCase();
      const content = String((c && c.content) || "");
      if (format === "url") out.push({ unread: "cloud", url: content });
      else if (format === "base64" || format === "eml" || format === "icalendar") {
        const bytes = format === "base64" ? base64ToBytes(content) : utf8Bytes(content);
        used += bytes.length;
        if (bytes.length > per) out.push({ unread: "too-large" });
        else if (used > total) out.push({ unread: "mail-too-large" });
        else out.push(format === "eml" ? { bytes, contentType: "message/rfc822" } : a.contentType ? { bytes, contentType: a.contentType } : { bytes });
      } else out.push({ unread: "unreadable" });
    } catch {
      out.push(a.kind === "cloud" ? { unread: "cloud" } : { unread: "unreadable" });
    }
  }
  return out;
}

/** The internet header every checked mail carries (CHECK_HEADER in contract/sendcheck.ts). */
export const CHECK_HEADER_NAME = "x-zorgvuldig-check";

/**
 * Stamps the message with `x-zorgvuldig-check: <checkId>.<mac>` (Mailbox 1.8 internetHeaders; set
 * overwrites, never removes) and resolves once Outlook answered, or at once where the API is missing.
 * Never rejects: a mail without the header is found in Sent Items and judged there.
 */
export function stampCheckHeader(office: OfficeLike, value: string): Promise<void> {
  return new Promise<void>((resolve) => {
    try {
      const item = office.context.mailbox.item as Office.MessageCompose | undefined;
      const ih = item && item.internetHeaders;
      if (!ih || typeof ih.setAsync !== "function") return resolve();
      const headers: { [name: string]: string } = {};
      headers[CHECK_HEADER_NAME] = value;
      ih.setAsync(headers, () => resolve());
    } catch {
      resolve();
    }
  });
}

/** The custom property a meeting carries its check in (CHECK_CUSTOM_PROPERTY in contract/sendcheck.ts). */
export const CHECK_PROPERTY_NAME = "zvCheck";

interface CustomPropertiesLike {
  set(name: string, value: string): void;
  saveAsync(callback: (r: Office.AsyncResult<void>) => void): void;
}

/**
 * Stamps a meeting (an appointment has no internet headers) with its check as the item's custom property
 * `zvCheck` (Mailbox 1.1: load, set, save); Graph shows it on the organiser's calendar event. Resolves once
 * Outlook saved it, or at once where the API is missing. Never rejects: an unstamped meeting is found in
 * the organiser's calendar and judged there.
 */
export function stampCheckProperty(office: OfficeLike, value: string): Promise<void> {
  return new Promise<void>((resolve) => {
    try {
      const item = office.context.mailbox.item as Office.AppointmentCompose | undefined;
      if (!item || typeof item.loadCustomPropertiesAsync !== "function") return resolve();
      item.loadCustomPropertiesAsync((r) => {
        try {
          const props = r && (r.value as unknown as CustomPropertiesLike | undefined);
          if (String(r && r.status) === "failed" || !props) return resolve();
          props.set(CHECK_PROPERTY_NAME, value);
          props.saveAsync(() => resolve());
        } catch {
          resolve();
        }
      });
    } catch {
      resolve();
    }
  });
}

/** Stamps the item being sent: a message with the internet header, a meeting with the custom property. */
export function stampCheck(office: OfficeLike, value: string): Promise<void> {
  const item = office.context.mailbox.item as { internetHeaders?: unknown } | undefined;
  return item && item.internetHeaders ? stampCheckHeader(office, value) : stampCheckProperty(office, value);
}

/** An Idempotency-Key for one send: the server derives the check id from it. */
export function newSendKey(): string {
  let r = "";
  const c = (globalObject() as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (c && typeof c.getRandomValues === "function") {
    const a = c.getRandomValues(new Uint8Array(16));
    for (let i = 0; i < a.length; i++) r += ((a[i] || 0) + 256).toString(16).slice(1);
  } else {
    while (r.length < 32) r += Math.random().toString(16).slice(2);
  }
  return "zv-send-" + r.slice(0, 32);
}

/** The key in the item's session data where the task pane leaves a recorded override. */
export const OVERRIDE_KEY = "zvOverride";

export interface SessionOverride {
  checkId: string;
  /** Sorted, lower-cased recipients the override was given for. */
  recipients: string[];
}

/** The override the task pane recorded for this mail, if any. */
export async function readSessionOverride(office: OfficeLike): Promise<SessionOverride | undefined> {
  const v = await readSessionJson(office, OVERRIDE_KEY);
  if (!v || typeof v.checkId !== "string" || !Array.isArray(v.recipients)) return undefined;
  return { checkId: v.checkId, recipients: v.recipients.map(String) };
}

export function recipientKey(m: Pick<MailSnapshot, "to" | "cc" | "bcc">): string[] {
  return [...m.to, ...m.cc, ...m.bcc].map((r) => r.address.toLowerCase()).sort();
}

export const FAIL_MODE_SETTING = "zv.failMode";
export const SEND_BUDGET_SETTING = "zv.sendBudgetSeconds";
export const ATTACHMENT_CAPS_SETTING = "zv.attachmentCapsMb";

/** The school's caps on attachment contents, as last learned (defaults 10 MB per attachment, 25 MB per mail). */
export function readAttachmentCaps(office: OfficeLike | undefined): { attachmentMaxMb: number; mailAttachmentsMaxMb: number } {
  const v = roamingGet(office, ATTACHMENT_CAPS_SETTING);
  const m = typeof v === "string" ? /^(\d{1,3}),(\d{1,3})$/.exec(v) : null;
  return m ? { attachmentMaxMb: Number(m[1]), mailAttachmentsMaxMb: Number(m[2]) } : { attachmentMaxMb: 10, mailAttachmentsMaxMb: 25 };
}

/** What the handler remembers of the school's policy for the next send (roaming settings). */
export interface KeptPolicy {
  failMode: "block" | "prompt";
  /** The send budget in seconds, or undefined before the first successful check. */
  sendBudgetSeconds?: number;
}

function roamingGet(office: OfficeLike | undefined, name: string): unknown {
  try {
    const rs = office && office.context.roamingSettings;
    return rs ? rs.get(name) : undefined;
  } catch {
    return undefined;
  }
}

export function readKeptPolicy(office: OfficeLike | undefined): KeptPolicy {
  const mode = roamingGet(office, FAIL_MODE_SETTING);
  const budget = roamingGet(office, SEND_BUDGET_SETTING);
  const out: KeptPolicy = { failMode: mode === "prompt" ? "prompt" : "block" };
  if (typeof budget === "number" && budget >= 1 && budget <= 300) out.sendBudgetSeconds = Math.floor(budget);
  return out;
}

/**
 * Remembers the school's fail mode and send budget for the next time, and resolves once Outlook has
 * saved them (or at once when nothing changed). The handler waits for this BEFORE it completes the
 * event: the JavaScript-only runtime may stop right after `event.completed`, so a save started then
 * may never finish. Never rejects: roaming settings are a convenience, the defaults are the safe side.
 */
export function saveKeptPolicy(
  office: OfficeLike | undefined,
  p: Required<KeptPolicy> & { attachmentMaxMb?: number; mailAttachmentsMaxMb?: number },
): Promise<void> {
  return new Promise<void>((resolve) => {
    try {
      const rs = office && office.context.roamingSettings;
      if (!rs) return resolve();
      const caps = p.attachmentMaxMb && p.mailAttachmentsMaxMb ? `${p.attachmentMaxMb},${p.mailAttachmentsMaxMb}` : undefined;
      const capsSame = caps === undefined || rs.get(ATTACHMENT_CAPS_SETTING) === caps;
      if (rs.get(FAIL_MODE_SETTING) === p.failMode && rs.get(SEND_BUDGET_SETTING) === p.sendBudgetSeconds && capsSame) return resolve();
      rs.set(FAIL_MODE_SETTING, p.failMode);
      rs.set(SEND_BUDGET_SETTING, p.sendBudgetSeconds);
      if (caps !== undefined) rs.set(ATTACHMENT_CAPS_SETTING, caps);
      rs.saveAsync(() => resolve());
    } catch {
      resolve();
    }
  });
}

export function displayLang(office: OfficeLike | undefined): Lang {
  return langOf(office && office.context.displayLanguage);
}
