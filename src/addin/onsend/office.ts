/**
 * The only place the on-send handler touches Office.js: promisified `getAsync` wrappers over the item
 * being composed, the roaming settings and the session data the task pane shares with the handler.
 */
import { globalObject } from "./global.js";

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

export interface MailSnapshot {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  body: string;
  attachments: { name: string; size?: number }[];
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

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function addresses(list: Office.EmailAddressDetails[] | undefined): string[] {
  return (list || []).map((r) => String((r && r.emailAddress) || "").trim()).filter((a) => EMAIL.test(a));
}

/** Reads recipients, subject, plain-text body and attachment names of the message being sent. */
export async function readComposeItem(office: OfficeLike): Promise<MailSnapshot> {
  const item = office.context.mailbox.item as Office.MessageCompose | undefined;
  if (!item) throw new Error("No item");
  const text = (office.CoercionType && office.CoercionType.Text) || "text";
  const [to, cc, bcc, subject, body, attachments] = await Promise.all([
    getAsyncP<Office.EmailAddressDetails[]>((cb) => item.to.getAsync(cb)),
    getAsyncP<Office.EmailAddressDetails[]>((cb) => item.cc.getAsync(cb)),
    item.bcc ? getAsyncP<Office.EmailAddressDetails[]>((cb) => item.bcc.getAsync(cb)) : Promise.resolve([]),
    getAsyncP<string>((cb) => item.subject.getAsync(cb)),
    getAsyncP<string>((cb) => item.body.getAsync(text as Office.CoercionType, cb)),
    typeof item.getAttachmentsAsync === "function"
      ? getAsyncP<Office.AttachmentDetailsCompose[]>((cb) => item.getAttachmentsAsync(cb))
      : Promise.resolve([] as Office.AttachmentDetailsCompose[]),
  ]);
  return {
    to: addresses(to),
    cc: addresses(cc),
    bcc: addresses(bcc),
    subject: subject || "",
    body: body || "",
    attachments: (attachments || []).map((a) =>
      typeof a.size === "number" && a.size >= 0 ? { name: String(a.name || ""), size: Math.floor(a.size) } : { name: String(a.name || "") },
    ),
  };
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
  return [...m.to, ...m.cc, ...m.bcc].map((a) => a.toLowerCase()).sort();
}

export const FAIL_MODE_SETTING = "zv.failMode";
export const SEND_BUDGET_SETTING = "zv.sendBudgetSeconds";

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
export function saveKeptPolicy(office: OfficeLike | undefined, p: Required<KeptPolicy>): Promise<void> {
  return new Promise<void>((resolve) => {
    try {
      const rs = office && office.context.roamingSettings;
      if (!rs) return resolve();
      if (rs.get(FAIL_MODE_SETTING) === p.failMode && rs.get(SEND_BUDGET_SETTING) === p.sendBudgetSeconds) return resolve();
      rs.set(FAIL_MODE_SETTING, p.failMode);
      rs.set(SEND_BUDGET_SETTING, p.sendBudgetSeconds);
      rs.saveAsync(() => resolve());
    } catch {
      resolve();
    }
  });
}

export function displayLang(office: OfficeLike | undefined): "nl" | "en" {
  const l = (office && office.context.displayLanguage) || "nl";
  return /^en/i.test(l) ? "en" : "nl";
}
