/**
 * Everything the task pane needs from Outlook, behind one interface, so the UI runs (and is tested)
 * without Outlook: `OfficeMailHost` is the Office.js implementation; tests and the playground run it over
 * the project's Office.js double (src/shared/office-double.ts). All Office.js calls of the task pane live
 * in this file.
 */
import { devTokenProvider, type TokenProvider } from "../../shared/api.js";
import { TokenChain, type Challenge, type TokenSource } from "../auth/chain.js";
import { hostSupportsNaa, naaSource } from "../auth/naa.js";
import { officeSsoSource } from "../auth/office-sso.js";
import { resolveConfig } from "../onsend/config.js";
import { readComposeItem, recipientKey, type OfficeLike } from "../onsend/office.js";
import { buildCheckRequest } from "../onsend/request.js";
import type { ApiClient } from "../../shared/api.js";
import type { CheckRequestBody } from "../../../contract/sendcheck.js";
import type { ThemeKind } from "../../shared/theme.js";
import { langOf } from "../../../contract/i18n.js";

export type { Lang } from "../../../contract/enums.js";
import type { Lang } from "../../../contract/enums.js";
export type { ThemeKind };

export interface ReadMessage {
  /** Internet Message-ID header of the message. */
  internetMessageId: string;
  /** Sender's address, lower-cased. */
  from: string;
  fromName: string;
  subject: string;
  bodyText: string;
  /** ISO date-time the message was sent/received. */
  date: string;
  /** The item's id for Microsoft Graph (REST id), when the host can tell it. */
  restId?: string;
  /**
   * The item is in a shared folder or a shared/delegated mailbox (`getSharedPropertiesAsync`): the
   * address of that mailbox (its owner), e.g. zorg@school.nl. Undefined for the user's own mailbox.
   */
  mailboxOwner?: string;
}

/**
 * The check of the item being composed, built exactly as the on-send handler builds it (onsend/request.ts):
 * every recipient (a meeting's required and optional attendees and rooms), the full body, the attachments'
 * contents (uploaded raw, or the kept receipts of files uploaded before), the purpose, the students named
 * and the sensitivity label.
 */
export interface ComposeCheck {
  body: CheckRequestBody;
  /** The recipients' addresses, lower-cased and sorted: what an override mark names. */
  recipients: string[];
}

export interface NewMessage {
  to: string[];
  subject: string;
  htmlBody: string;
}

/**
 * The purpose the user chose in the pane, left in the item's session data (Mailbox 1.11) under
 * PURPOSE_KEY as the JSON string `{"purposeId":"..."}`, for the on-send handler to send as the check's
 * `purposeId`. Removed when the user goes back to the party's default purpose.
 */
export interface PurposeMark {
  purposeId: string;
}
import { PURPOSE_KEY, STUDENTS_KEY } from "../onsend/office.js";
export { PURPOSE_KEY, STUDENTS_KEY };

/** Left in the item's session data after an override, for the on-send handler (see onsend/office.ts). */
export interface OverrideMark {
  checkId: string;
  recipients: string[];
}

export interface MailHost {
  readonly kind: "office";
  apiBaseUrl(): string;
  language(): Lang;
  theme(): ThemeKind;
  userEmail(): string;
  getToken: TokenProvider;
  /**
   * Signs in again with UI, as the backend asked (INTERACTION_REQUIRED with Entra's claims, or
   * CONSENT_REQUIRED); later `getToken` calls give the new token.
   */
  challenge(c: Challenge): Promise<void>;
  /** Data the Smart Alert passed (contextData), or undefined. */
  initializationContext(): Promise<string | undefined>;
  /** Called when Outlook passes new context data to an open pane. */
  onInitializationContext(cb: (data: string) => void): void;
  readMessage(): Promise<ReadMessage>;
  /** The check request of the item being composed (a message or a meeting), its attachments uploaded through `api`. */
  readCheck(api: ApiClient): Promise<ComposeCheck>;
  removeRecipient(address: string): Promise<void>;
  setRecipients(to: string[]): Promise<void>;
  setSubject(subject: string): Promise<void>;
  setBodyHtml(html: string): Promise<void>;
  displayNewMessage(m: NewMessage): void;
  markOverride(o: OverrideMark): Promise<void>;
  /** The purpose chosen for this mail (session data PURPOSE_KEY), or undefined for the party's default. */
  readPurpose(): Promise<string | undefined>;
  setPurpose(purposeId: string | undefined): Promise<void>;
  /** The students the user named for a mail in which none was recognised (session data STUDENTS_KEY). */
  readStudents(): Promise<string[]>;
  setStudents(studentIds: string[]): Promise<void>;
  /**
   * The tenant's Microsoft Purview sensitivity labels (Mailbox 1.13, `sensitivityLabelsCatalog`), nested
   * labels flattened; undefined when the host has no catalog or it is not enabled (no Purview licence).
   */
  sensitivityLabels(): Promise<SensitivityLabelInfo[] | undefined>;
  /** The id (GUID) of the label applied to the mail being composed, or undefined. */
  readSensitivityLabel(): Promise<string | undefined>;
  /** Applies a label of the catalog to the mail being composed (`item.sensitivityLabel.setAsync`). */
  applySensitivityLabel(id: string): Promise<void>;
  canSend(): boolean;
  send(): Promise<void>;
}

export interface SensitivityLabelInfo {
  id: string;
  name: string;
}

/** Labels and their sublabels, in one list. */
export function flattenLabels(labels: readonly { id: string; name: string; children?: readonly { id: string; name: string; children?: unknown }[] }[]): SensitivityLabelInfo[] {
  const out: SensitivityLabelInfo[] = [];
  const walk = (list: readonly { id: string; name: string; children?: unknown }[]) => {
    for (const l of list) {
      out.push({ id: l.id, name: l.name });
      if (Array.isArray(l.children)) walk(l.children as { id: string; name: string; children?: unknown }[]);
    }
  };
  walk(labels);
  return out;
}

export const OVERRIDE_KEY = "zvOverride";

/** The purpose id of a PURPOSE_KEY value, or undefined when absent or not well-formed. */
export function parsePurposeMark(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<PurposeMark>;
    return typeof v.purposeId === "string" && v.purposeId.length > 0 ? v.purposeId : undefined;
  } catch {
    return undefined;
  }
}

type Cb<T> = (r: Office.AsyncResult<T>) => void;
function p<T>(call: (cb: Cb<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    call((r) => (r.status === Office.AsyncResultStatus.Failed ? reject(new Error(r.error.message)) : resolve(r.value)));
  });
}

const isLocal = (origin: string): boolean => /^https?:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(origin);

/** Outlook through Office.js. Construct after Office.onReady. */
export class OfficeMailHost implements MailHost {
  readonly kind = "office" as const;
  /** Nested app authentication, then Office SSO, then (on a local backend only) a development token. */
  readonly tokens: TokenChain;

  constructor(private readonly origin: string = window.location.origin) {
    const sources: TokenSource[] = [];
    const cfg = resolveConfig();
    if (cfg.clientId && cfg.apiScope && hostSupportsNaa(Office)) sources.push(naaSource({ clientId: cfg.clientId, scope: cfg.apiScope }, true));
    sources.push(officeSsoSource(() => Office.auth, true));
    if (isLocal(origin)) {
      const dev = devTokenProvider(origin, this.userEmail().replace(/[^A-Za-z0-9._@-]/g, "") || "dev@localhost");
      sources.push({ name: "dev", acquire: dev, challenge: dev });
    }
    this.tokens = new TokenChain(sources);
  }

  private get compose(): Office.MessageCompose {
    return Office.context.mailbox.item as Office.MessageCompose;
  }
  private get read(): Office.MessageRead {
    return Office.context.mailbox.item as Office.MessageRead;
  }

  apiBaseUrl(): string {
    return this.origin;
  }
  language(): Lang {
    return langOf(Office.context.displayLanguage);
  }
  theme(): ThemeKind {
    if (window.matchMedia && window.matchMedia("(forced-colors: active)").matches) return "contrast";
    const bg = Office.context.officeTheme?.bodyBackgroundColor;
    const m = bg ? /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(bg) : null;
    if (!m) return "light";
    const [r, g, b] = [m[1], m[2], m[3]].map((h) => parseInt(h ?? "ff", 16));
    const lum = (0.299 * (r ?? 255) + 0.587 * (g ?? 255) + 0.114 * (b ?? 255)) / 255;
    return lum < 0.4 ? "dark" : "light";
  }
  userEmail(): string {
    return Office.context.mailbox.userProfile?.emailAddress ?? "";
  }
  getToken: TokenProvider = () => this.tokens.acquire();
  async challenge(c: Challenge): Promise<void> {
    await this.tokens.challenge(c);
  }
  async initializationContext(): Promise<string | undefined> {
    const item = this.compose;
    if (typeof item.getInitializationContextAsync !== "function") return undefined;
    try {
      const v = await p<string>((cb) => item.getInitializationContextAsync(cb));
      return v || undefined;
    } catch {
      return undefined;
    }
  }
  onInitializationContext(cb: (data: string) => void): void {
    try {
      Office.context.mailbox.item?.addHandlerAsync(Office.EventType.InitializationContextChanged, (e: { initializationContextData?: string }) => {
        if (e.initializationContextData) cb(e.initializationContextData);
      });
    } catch {
      // Older hosts: the pane is reopened instead.
    }
  }
  async readMessage(): Promise<ReadMessage> {
    const item = this.read;
    const bodyText = await p<string>((cb) => item.body.getAsync(Office.CoercionType.Text, cb));
    const when = item.dateTimeCreated instanceof Date ? item.dateTimeCreated : new Date();
    const mailbox = Office.context.mailbox;
    const restId =
      item.itemId && typeof mailbox.convertToRestId === "function"
        ? mailbox.convertToRestId(item.itemId, Office.MailboxEnums.RestVersion.v2_0)
        : undefined;
    const mailboxOwner = await this.sharedMailbox(item);
    return {
      ...(restId ? { restId } : {}),
      ...(mailboxOwner ? { mailboxOwner } : {}),
      internetMessageId: item.internetMessageId ?? "",
      from: (item.from?.emailAddress ?? "").toLowerCase(),
      fromName: item.from?.displayName ?? "",
      subject: item.subject ?? "",
      bodyText,
      date: when.toISOString(),
    };
  }
  /** The shared or delegated mailbox the item is in (Mailbox 1.8, SupportsSharedFolders), or undefined. */
  private async sharedMailbox(item: Office.MessageRead): Promise<string | undefined> {
    if (typeof item.getSharedPropertiesAsync !== "function") return undefined;
    try {
      const props = await p<Office.SharedProperties>((cb) => item.getSharedPropertiesAsync(cb));
      const owner = (props.targetMailbox || props.owner || "").trim().toLowerCase();
      return owner && owner !== this.userEmail().toLowerCase() ? owner : undefined;
    } catch {
      // Not in a shared folder: Outlook fails the call.
      return undefined;
    }
  }
  async readCheck(api: ApiClient): Promise<ComposeCheck> {
    const office = Office as unknown as OfficeLike;
    const mail = await readComposeItem(office);
    return { body: await buildCheckRequest(office, api, mail), recipients: recipientKey(mail) };
  }
  async removeRecipient(address: string): Promise<void> {
    const item = this.compose;
    const meeting = Office.context.mailbox.item as Office.AppointmentCompose;
    const lc = address.toLowerCase();
    // A meeting's attendees (OnAppointmentSend reads them as its recipients), else To, Cc and Bcc.
    const fields = item.to ? [item.to, item.cc, item.bcc] : [meeting.requiredAttendees, meeting.optionalAttendees];
    for (const field of fields.filter((f) => !!f)) {
      const list = await p<Office.EmailAddressDetails[]>((cb) => field.getAsync(cb));
      const kept = list.filter((r) => r.emailAddress.toLowerCase() !== lc);
      if (kept.length !== list.length) await p<void>((cb) => field.setAsync(kept, cb));
    }
  }
  async setRecipients(to: string[]): Promise<void> {
    await p<void>((cb) => this.compose.to.setAsync(to, cb));
  }
  async setSubject(subject: string): Promise<void> {
    await p<void>((cb) => this.compose.subject.setAsync(subject, cb));
  }
  async setBodyHtml(html: string): Promise<void> {
    await p<void>((cb) => this.compose.body.setAsync(html, { coercionType: Office.CoercionType.Html }, cb));
  }
  displayNewMessage(m: NewMessage): void {
    Office.context.mailbox.displayNewMessageForm({ toRecipients: m.to, subject: m.subject, htmlBody: m.htmlBody });
  }
  async markOverride(o: OverrideMark): Promise<void> {
    const sd = this.compose.sessionData;
    if (!sd) return;
    await p<void>((cb) => sd.setAsync(OVERRIDE_KEY, JSON.stringify(o), cb));
  }
  async readPurpose(): Promise<string | undefined> {
    const sd = this.compose.sessionData;
    if (!sd) return undefined;
    const raw = await p<string>((cb) => sd.getAsync(PURPOSE_KEY, cb)).catch(() => "");
    return parsePurposeMark(raw);
  }
  async setPurpose(purposeId: string | undefined): Promise<void> {
    const sd = this.compose.sessionData;
    if (!sd) return;
    if (purposeId) await p<void>((cb) => sd.setAsync(PURPOSE_KEY, JSON.stringify({ purposeId } satisfies PurposeMark), cb));
    else await p<void>((cb) => sd.removeAsync(PURPOSE_KEY, cb));
  }
  async sensitivityLabels(): Promise<SensitivityLabelInfo[] | undefined> {
    const catalog = Office.context.sensitivityLabelsCatalog as Office.SensitivityLabelsCatalog | undefined;
    if (!catalog || !Office.context.requirements.isSetSupported("Mailbox", "1.13")) return undefined;
    try {
      if (!(await p<boolean>((cb) => catalog.getIsEnabledAsync(cb)))) return undefined;
      return flattenLabels(await p<Office.SensitivityLabelDetails[]>((cb) => catalog.getAsync(cb)));
    } catch {
      return undefined;
    }
  }
  async readSensitivityLabel(): Promise<string | undefined> {
    const sl = this.compose.sensitivityLabel as Office.SensitivityLabel | undefined;
    if (!sl || !Office.context.requirements.isSetSupported("Mailbox", "1.13")) return undefined;
    const id = await p<string>((cb) => sl.getAsync(cb)).catch(() => "");
    return id || undefined;
  }
  async applySensitivityLabel(id: string): Promise<void> {
    await p<void>((cb) => this.compose.sensitivityLabel.setAsync(id, cb));
  }
  async readStudents(): Promise<string[]> {
    const sd = this.compose.sessionData;
    if (!sd) return [];
    const raw = await p<string>((cb) => sd.getAsync(STUDENTS_KEY, cb)).catch(() => "");
    try {
      const v = raw ? (JSON.parse(raw) as { studentIds?: unknown }) : {};
      return Array.isArray(v.studentIds) ? v.studentIds.filter((x): x is string => typeof x === "string") : [];
    } catch {
      return [];
    }
  }
  async setStudents(studentIds: string[]): Promise<void> {
    const sd = this.compose.sessionData;
    if (!sd) return;
    if (studentIds.length > 0) await p<void>((cb) => sd.setAsync(STUDENTS_KEY, JSON.stringify({ studentIds }), cb));
    else await p<void>((cb) => sd.removeAsync(STUDENTS_KEY, cb));
  }
  canSend(): boolean {
    return typeof this.compose.sendAsync === "function" && Office.context.requirements.isSetSupported("Mailbox", "1.15");
  }
  async send(): Promise<void> {
    await p<void>((cb) => this.compose.sendAsync(cb));
  }
}
