/**
 * THE Office.js double of the project: an in-memory Outlook with the surface Zorgvuldig's add-in uses,
 * behaving as Office.js documents it. It is not Microsoft's Office.js and never talks to Exchange.
 * The on-send handler's tests, the task pane's browser tests (the real OfficeMailHost over this double as
 * `window.Office`) and the playground's simulator (src/playground/office-sim.ts) all build on it.
 *
 *   const double = new OfficeDouble({ displayLanguage: "nl-NL", userEmail: "ib@demo" });
 *   double.install();                    // globalThis.Office = double.office
 *   double.compose({ to: ["jgz@ggd-voorbeeldregio.example"], subject: "...", body: "..." });
 *   const options = await double.send(); // runs the associated OnMessageSend handler like Outlook does
 *
 * As documented (learn.microsoft.com/javascript/api/outlook):
 * - every `...Async` call answers later, never synchronously, with an AsyncResult
 *   `{ status: "succeeded" | "failed", value, error?: { name, message, code }, asyncContext }`; the
 *   options argument is optional (`getAsync(cb)` and `getAsync(options, cb)` both work) and its
 *   `asyncContext` comes back on the result;
 * - recipients are EmailAddressDetails `{ emailAddress, displayName, recipientType }` (recipientType
 *   "user" inside the user's own domain, "externalUser" outside it);
 * - `body.getAsync(coercionType)` gives text or HTML; `body.setAsync(data, { coercionType })`;
 * - `sessionData` (Mailbox 1.11) and `internetHeaders` (Mailbox 1.8) hold strings per item;
 * - `roamingSettings.get/set/remove` are synchronous, `saveAsync` persists them;
 * - `getInitializationContextAsync` fails when there is no context data;
 * - `event.completed` of an OnMessageSend event counts once: later calls are ignored;
 * - `auth.getAccessToken` rejects (code 13012) when single sign-on is not available;
 * - sensitivity labels (Mailbox 1.13, Microsoft 365 E5 / Purview): `context.sensitivityLabelsCatalog`
 *   `getIsEnabledAsync` and `getAsync` (SensitivityLabelDetails `{ id, name, color, tooltip, children }`),
 *   `item.sensitivityLabel.getAsync` (the applied label's GUID, "" when none) and `setAsync(id | details)`,
 *   which fails for a label not in the catalog or when the catalog is off.
 * A call can be made to fail on purpose (`fail("body.getAsync")`), as Outlook does when an item is gone.
 */

export type AsyncStatus = "succeeded" | "failed";

export interface DoubleAsyncResult<T> {
  status: AsyncStatus;
  value: T;
  error?: { name: string; message: string; code: number };
  asyncContext?: unknown;
  diagnostics?: unknown;
}

/**
 * Callbacks are typed with Office.js's own AsyncResult (@types/office-js) so the double is assignable
 * wherever the add-in expects the real thing; the objects passed are DoubleAsyncResult, whose status
 * strings are the runtime values of Office.AsyncResultStatus ("succeeded", "failed").
 */
export type DoubleCallback<T> = (r: Office.AsyncResult<T>) => void;

/** Office.EmailAddressDetails. */
export interface EmailAddressDetails {
  emailAddress: string;
  displayName: string;
  recipientType?: string;
}

export interface AttachmentInput {
  name: string;
  size?: number;
  /** Office.MailboxEnums.AttachmentType: "file" (default), "item" (an attached mail) or "cloud" (a link). */
  attachmentType?: "file" | "item" | "cloud";
  isInline?: boolean;
  contentType?: string;
  /**
   * What getAttachmentContentAsync answers (Mailbox 1.8): `format` "base64" (a file), "eml" (an attached
   * mail), "iCalendar" or "url" (a cloud attachment). Absent: the call fails, as for an attachment
   * Outlook cannot give.
   */
  content?: { format: "base64" | "eml" | "iCalendar" | "url"; content: string };
}

/** A location of an appointment (Office.LocationDetails): a room is a resource with its own mailbox. */
export interface LocationDetailsDouble {
  emailAddress: string;
  displayName: string;
  locationIdentifier: { id: string; type: "room" | "custom" };
}

/**
 * A message (or meeting request) being composed: the item the on-send handler reads. For an
 * appointment, `to` are the required attendees, `cc` the optional ones and `resources` the rooms.
 */
export interface ComposeMail {
  to: string[];
  cc: string[];
  bcc: string[];
  /**
   * Recipients exactly as Outlook gives them (X500 addresses, typed names Outlook could not resolve,
   * distribution lists); when given for a field they replace its plain addresses.
   */
  recipients?: Partial<Record<"to" | "cc" | "bcc", EmailAddressDetails[]>>;
  /** "message" (default) or "appointment" (a meeting being organised). */
  itemType?: "message" | "appointment";
  /** Rooms and equipment of an appointment (enhancedLocation, type room). */
  resources?: string[];
  subject: string;
  /** Plain text body. */
  body: string;
  attachments: AttachmentInput[];
}

/** A received message (the item of a read-mode task pane). */
export interface ReadMail {
  internetMessageId: string;
  from: EmailAddressDetails;
  to: EmailAddressDetails[];
  subject: string;
  body: string;
  dateTimeCreated: Date;
  /** The item is in a shared or delegated mailbox (getSharedPropertiesAsync answers; else it fails). */
  shared?: { targetMailbox: string; owner: string };
}

/**
 * What a handler passed to `event.completed`: Office.js's SmartAlertsEventCompletedOptions, with the
 * runtime (string) values of contextData and sendModeOverride.
 */
export type CompletedOptions = Omit<Office.SmartAlertsEventCompletedOptions, "contextData" | "sendModeOverride"> & {
  contextData?: string;
  sendModeOverride?: string;
  [key: string]: unknown;
};

/** The event object Outlook passes to an OnMessageSend handler, with what the double saw. */
export interface SendEventDouble {
  type: "olkMessageSend";
  completed(options?: CompletedOptions): void;
  /** Every `completed` call, in order (Outlook acts on the first only). */
  calls: CompletedOptions[];
  /** Resolves with the options of the first `completed` call. */
  first: Promise<CompletedOptions>;
}

/** A fresh OnMessageSend event, as Outlook passes one to each send. */
export function makeSendEvent(): SendEventDouble {
  let resolve: (o: CompletedOptions) => void = () => undefined;
  const first = new Promise<CompletedOptions>((r) => (resolve = r));
  const ev: SendEventDouble = {
    type: "olkMessageSend",
    calls: [],
    completed(options) {
      const o = { ...(options ?? {}) };
      ev.calls.push(o);
      resolve(o);
    },
    first,
  };
  return ev;
}

export interface NewMessageFormParams {
  toRecipients?: (string | EmailAddressDetails)[];
  ccRecipients?: (string | EmailAddressDetails)[];
  subject?: string;
  htmlBody?: string;
  attachments?: unknown[];
}

export interface OfficeDoubleOptions {
  /** E.g. "nl-NL" (default) or "en-US". */
  displayLanguage?: string;
  userEmail?: string;
  userName?: string;
  /** Initial roaming settings. */
  roaming?: Record<string, unknown>;
  /** Initial session data of the message being composed. */
  sessionData?: Record<string, string>;
  /** Highest Mailbox requirement set reported as supported (default "1.15"). */
  mailboxVersion?: string;
  /** Delay of every callback in ms (default 0: still asynchronous). */
  asyncDelayMs?: number;
  /**
   * Single sign-on: undefined = not available (the default; the add-in falls back to a dev token). Gets
   * the AuthOptions the add-in passed (also recorded in `ssoCalls`).
   */
  sso?: (options?: unknown) => Promise<string>;
  bodyBackgroundColor?: string;
  /** What mailbox.diagnostics.hostName says. */
  hostName?: string;
  /** The tenant's Purview sensitivity labels; absent: the catalog is not enabled (no E5 / Purview). */
  sensitivityLabels?: SensitivityLabelDetails[];
}

/** Office.SensitivityLabelDetails. */
export interface SensitivityLabelDetails {
  id: string;
  name: string;
  color: string;
  tooltip: string;
  children: SensitivityLabelDetails[];
}

/** The async calls the double can be told to fail. */
export type DoubleCall =
  | "to.getAsync"
  | "cc.getAsync"
  | "bcc.getAsync"
  | "subject.getAsync"
  | "body.getAsync"
  | "getAttachmentsAsync"
  | "getAttachmentContentAsync"
  | "sessionData.getAsync"
  | "sessionData.setAsync"
  | "internetHeaders.getAsync"
  | "internetHeaders.setAsync"
  | "roamingSettings.saveAsync"
  | "sensitivityLabel.setAsync";

type Handler = (event: never) => void;
export type ChangeKind = "compose" | "item" | "newMessage" | "roaming";
type ChangeListener = (kind: ChangeKind) => void;

export const OFFICE_ENUMS = {
  AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
  CoercionType: { Text: "text", Html: "html" },
  EventType: {
    InitializationContextChanged: "olkInitializationContextChanged",
    RecipientsChanged: "olkRecipientsChanged",
    ItemChanged: "olkItemSelectedChanged",
  },
  HostType: { Outlook: "Outlook" },
  PlatformType: { OfficeOnline: "OfficeOnline" },
  MailboxEnums: {
    SendModeOverride: { PromptUser: "promptUser" },
    ItemType: { Message: "message", Appointment: "appointment" },
    RecipientType: { Other: "other", DistributionList: "distributionList", User: "user", ExternalUser: "externalUser" },
    AttachmentType: { File: "file", Item: "item", Cloud: "cloud" },
  },
} as const;

/** The double's `Office` global (structurally what the add-in's OfficeLike and host.ts read). */
export interface OfficeGlobalDouble {
  readonly simulated: true;
  context: {
    displayLanguage: string;
    contentLanguage: string;
    officeTheme: { bodyBackgroundColor: string; bodyForegroundColor: string; controlBackgroundColor: string; controlForegroundColor: string };
    requirements: { isSetSupported(name: string, version?: string): boolean };
    sensitivityLabelsCatalog: {
      getIsEnabledAsync(a?: unknown, b?: unknown): void;
      getAsync(a?: unknown, b?: unknown): void;
    };
    roamingSettings: {
      get(name: string): unknown;
      set(name: string, value: unknown): void;
      remove(name: string): void;
      saveAsync(callback?: DoubleCallback<void>): void;
    };
    mailbox: {
      item: unknown;
      userProfile: { emailAddress: string; displayName: string; timeZone: string };
      diagnostics: { hostName: string; hostVersion: string };
      displayNewMessageForm(params: NewMessageFormParams): void;
    };
  };
  auth: { getAccessToken(options?: unknown): Promise<string> };
  actions: { associate(name: string, fn: Handler): void };
  onReady(callback?: (info: { host: string; platform: string }) => void): Promise<{ host: string; platform: string }>;
  AsyncResultStatus: typeof OFFICE_ENUMS.AsyncResultStatus;
  CoercionType: typeof OFFICE_ENUMS.CoercionType;
  EventType: typeof OFFICE_ENUMS.EventType;
  HostType: typeof OFFICE_ENUMS.HostType;
  PlatformType: typeof OFFICE_ENUMS.PlatformType;
  MailboxEnums: typeof OFFICE_ENUMS.MailboxEnums;
}

export class SendTimeout extends Error {
  constructor(ms: number) {
    super(`The OnMessageSend handler did not call event.completed within ${ms} ms`);
    this.name = "SendTimeout";
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function emptyCompose(): ComposeMail {
  return { to: [], cc: [], bcc: [], subject: "", body: "", attachments: [] };
}

function toAddress(x: unknown): EmailAddressDetails | undefined {
  if (typeof x === "string") return x.trim() ? { emailAddress: x.trim(), displayName: x.trim() } : undefined;
  if (x && typeof x === "object" && "emailAddress" in x) {
    const e = String((x as { emailAddress: unknown }).emailAddress ?? "").trim();
    const dn = "displayName" in x ? String((x as { displayName: unknown }).displayName ?? "") : "";
    return e ? { emailAddress: e, displayName: dn || e } : undefined;
  }
  return undefined;
}

const domainOf = (address: string): string => address.slice(address.lastIndexOf("@") + 1).toLowerCase();

/** Plain text of a (simple) HTML body: what Outlook's CoercionType.Text gives back, roughly. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(br|\/p|\/div|\/li|\/h\d)\s*\/?>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const textToHtml = (text: string): string => `<html><body>${text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/\n/g, "<br>")}</body></html>`;

function versionAtMost(v: string | undefined, max: string): boolean {
  if (!v) return true;
  const a = v.split(".").map(Number);
  const b = max.split(".").map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y;
  }
  return true;
}

/** Splits Office's optional-arguments convention: (options?, callback?) in any of its forms. */
function splitArgs<T>(a: unknown, b: unknown): { options: Record<string, unknown>; cb: DoubleCallback<T> | undefined } {
  if (typeof a === "function") return { options: {}, cb: a as DoubleCallback<T> };
  const options = a && typeof a === "object" ? (a as Record<string, unknown>) : {};
  return { options, cb: typeof b === "function" ? (b as DoubleCallback<T>) : undefined };
}

export class OfficeDouble {
  readonly office: OfficeGlobalDouble;
  /** Handlers registered with Office.actions.associate, by name. */
  readonly associated = new Map<string, Handler>();
  /** The options of every auth.getAccessToken call, in order. */
  readonly ssoCalls: unknown[] = [];
  /** Every displayNewMessageForm call, in order. */
  readonly newMessages: NewMessageFormParams[] = [];
  /** Every event.completed call of every send, in order. */
  readonly completions: CompletedOptions[] = [];
  readonly roaming: Record<string, unknown>;
  /** How often roamingSettings.saveAsync was called. */
  saves = 0;
  /** Session data of the message being composed (Mailbox 1.11). */
  readonly sessionData = new Map<string, string>();
  /** Internet headers set on the message being composed (Mailbox 1.8). */
  readonly internetHeaders = new Map<string, string>();
  /** The GUID of the sensitivity label applied to the message being composed ("" when none). */
  sensitivityLabel = "";
  /** The item's notification messages (the InfoBar), by key. */
  readonly notifications = new Map<string, Record<string, unknown>>();
  /** When internet headers were last set (ms since the epoch): a handler must stamp before it completes. */
  internetHeadersSetAt: number | undefined;
  /** The add-in's custom properties of the item being composed, as last saved (Mailbox 1.1 saveAsync). */
  readonly customProperties = new Map<string, string>();
  /** When custom properties were last saved (ms since the epoch). */
  customPropertiesSavedAt: number | undefined;
  /** Called by item.sendAsync; without it sendAsync fails (nothing can send). */
  onSendAsync: (() => Promise<boolean>) | undefined;

  private composeState: ComposeMail = emptyCompose();
  private readMail: ReadMail | undefined;
  private current: "compose" | "read" = "compose";
  private initContext: string | undefined;
  private contextHandlers: ((e: { type: string; initializationContextData: string }) => void)[] = [];
  private listeners = new Set<ChangeListener>();
  private failing = new Map<DoubleCall, string>();
  private readonly delay: number;
  private readonly labels: SensitivityLabelDetails[] | undefined;
  private readonly composeItem: object;
  private readonly appointmentItem: object;
  private readItem: object | undefined;

  constructor(opts: OfficeDoubleOptions = {}) {
    this.delay = opts.asyncDelayMs ?? 0;
    this.labels = opts.sensitivityLabels;
    this.roaming = { ...(opts.roaming ?? {}) };
    for (const [k, v] of Object.entries(opts.sessionData ?? {})) this.sessionData.set(k, v);
    this.composeItem = this.makeComposeItem();
    this.appointmentItem = this.makeAppointmentItem(this.composeItem);
    const double = this;
    const lang = opts.displayLanguage ?? "nl-NL";
    const mailboxVersion = opts.mailboxVersion ?? "1.15";
    this.office = {
      simulated: true,
      context: {
        displayLanguage: lang,
        contentLanguage: lang,
        officeTheme: {
          bodyBackgroundColor: opts.bodyBackgroundColor ?? "#ffffff",
          bodyForegroundColor: "#242424",
          controlBackgroundColor: "#ffffff",
          controlForegroundColor: "#242424",
        },
        requirements: {
          isSetSupported(name: string, version?: string): boolean {
            if (/^mailbox$/i.test(name)) return versionAtMost(version, mailboxVersion);
            if (/^identityapi$/i.test(name)) return !!opts.sso && versionAtMost(version, "1.3");
            return false;
          },
        },
        sensitivityLabelsCatalog: {
          getIsEnabledAsync: (a?: unknown, b?: unknown) => {
            const { options, cb } = splitArgs<boolean>(a, b);
            this.later(cb, opts.sensitivityLabels !== undefined, undefined, options.asyncContext);
          },
          getAsync: (a?: unknown, b?: unknown) => {
            const { options, cb } = splitArgs<SensitivityLabelDetails[]>(a, b);
            const labels = opts.sensitivityLabels;
            if (labels === undefined) this.later(cb, [], "The catalog of sensitivity labels is not enabled", options.asyncContext);
            else this.later(cb, structuredClone(labels), undefined, options.asyncContext);
          },
        },
        roamingSettings: {
          get: (name: string) => this.roaming[name],
          set: (name: string, value: unknown) => {
            this.roaming[name] = value;
          },
          remove: (name: string) => {
            delete this.roaming[name];
          },
          saveAsync: (cb?: DoubleCallback<void>) => {
            this.saves++;
            this.emit("roaming");
            this.answer("roamingSettings.saveAsync", cb, undefined);
          },
        },
        mailbox: {
          get item(): unknown {
            if (double.current === "read") return double.readItem;
            return double.composeState.itemType === "appointment" ? double.appointmentItem : double.composeItem;
          },
          userProfile: {
            emailAddress: opts.userEmail ?? "ib@demo",
            displayName: opts.userName ?? "Intern begeleider",
            timeZone: "W. Europe Standard Time",
          },
          diagnostics: { hostName: opts.hostName ?? "Outlook (double)", hostVersion: "0.0" },
          displayNewMessageForm: (params: NewMessageFormParams) => {
            this.newMessages.push(params);
            this.emit("newMessage");
          },
        },
      },
      auth: {
        getAccessToken: (options?: unknown): Promise<string> => {
          this.ssoCalls.push(options);
          return opts.sso ? opts.sso(options) : Promise.reject(Object.assign(new Error("Single sign-on is not available"), { code: 13012 }));
        },
      },
      actions: {
        associate: (name: string, fn: Handler) => {
          this.associated.set(name, fn);
        },
      },
      onReady(callback?: (info: { host: string; platform: string }) => void) {
        const info = { host: "Outlook", platform: "OfficeOnline" };
        return new Promise((resolve) => {
          setTimeout(() => {
            if (callback) callback(info);
            resolve(info);
          }, 0);
        });
      },
      ...OFFICE_ENUMS,
    };
  }

  /** Makes this double the global `Office` (returns a function that restores the previous value). */
  install(target: object = globalThis): () => void {
    const t = target as { Office?: unknown };
    const before = t.Office;
    t.Office = this.office;
    return () => {
      t.Office = before;
    };
  }

  /** Hears every change the add-in or the user makes (the playground re-renders on it). */
  subscribe(l: ChangeListener): () => void {
    this.listeners.add(l);
    return () => void this.listeners.delete(l);
  }

  /** From now on the named call answers with status "failed" and this message. */
  fail(call: DoubleCall, message = "The operation failed"): void {
    this.failing.set(call, message);
  }

  // ------------------------------------------------------------------ the items

  /** Starts (or replaces) the message being composed and makes it the current item. */
  compose(mail: Partial<ComposeMail>): void {
    this.composeState = { ...emptyCompose(), ...structuredClone(mail) };
    this.sensitivityLabel = "";
    this.sessionData.clear();
    this.internetHeaders.clear();
    this.internetHeadersSetAt = undefined;
    this.customProperties.clear();
    this.customPropertiesSavedAt = undefined;
    this.current = "compose";
    this.emit("compose");
  }

  /** Changes fields of the message being composed (the user typing). */
  updateCompose(patch: Partial<ComposeMail>): void {
    this.composeState = { ...this.composeState, ...structuredClone(patch) };
    this.emit("compose");
  }

  /** The message being composed as it is now (including the add-in's setAsync changes). */
  composeSnapshot(): ComposeMail {
    return structuredClone(this.composeState);
  }

  /** Makes a received message the current item (a task pane opened on it reads it). */
  read(mail: ReadMail): void {
    this.readMail = structuredClone(mail);
    this.readItem = this.makeReadItem();
    this.current = "read";
    this.emit("item");
  }

  /** Makes the message being composed the current item again. */
  selectCompose(): void {
    this.current = "compose";
    this.emit("item");
  }

  currentKind(): "compose" | "read" {
    return this.current;
  }

  /** The data a Smart Alert passed to the task pane (contextData); fires InitializationContextChanged. */
  setInitializationContext(data: string | undefined, notify = true): void {
    this.initContext = data;
    if (notify && data !== undefined) {
      for (const h of [...this.contextHandlers]) {
        setTimeout(() => h({ type: OFFICE_ENUMS.EventType.InitializationContextChanged, initializationContextData: data }), this.delay);
      }
    }
  }

  /** The task pane's runtime ended: its event handlers go with it. */
  closeTaskPane(): void {
    this.contextHandlers = [];
    this.initContext = undefined;
  }

  // ------------------------------------------------------------------ sending

  /**
   * Runs the associated OnMessageSend handler as Outlook does: a fresh event object, resolved with the
   * options of the first `event.completed` call; rejects with SendTimeout when it never comes.
   */
  send(opts: { handler?: string; timeoutMs?: number } = {}): Promise<CompletedOptions> {
    return this.launch(opts.handler ?? "onMessageSendHandler", "olkMessageSend", opts.timeoutMs);
  }

  /**
   * Runs an associated event-based handler as Outlook launches one for `type` (e.g.
   * "olkAppointmentSend", "olkRecipientsChanged", "olkAttachmentsChanged", "olkNewMessageCompose"):
   * resolves with the options of its first `event.completed` call.
   */
  launch(name: string, type: string, timeoutMs = 300_000, extra: Record<string, unknown> = {}): Promise<CompletedOptions> {
    const fn = this.associated.get(name);
    if (!fn) return Promise.reject(new Error(`No function is associated with "${name}" (is onsend.js loaded?)`));
    const event = Object.assign(makeSendEvent(), extra, { type }) as SendEventDouble;
    const seen = event.completed;
    event.completed = (options) => {
      this.completions.push({ ...(options ?? {}) });
      seen(options);
    };
    return new Promise<CompletedOptions>((resolve, reject) => {
      const timer = setTimeout(() => reject(new SendTimeout(timeoutMs)), timeoutMs);
      event.first.then((o) => {
        clearTimeout(timer);
        resolve(o);
      }, reject);
      try {
        (fn as (e: SendEventDouble) => void)(event);
      } catch (e) {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  // ------------------------------------------------------------------ internals

  private emit(kind: ChangeKind): void {
    for (const l of [...this.listeners]) l(kind);
  }

  /** Calls back later with an AsyncResult: "failed" with `error`, or when the call was told to fail. */
  private later<T>(cb: DoubleCallback<T> | undefined, value: T, error?: string, asyncContext?: unknown): void {
    if (!cb) return;
    const r: DoubleAsyncResult<T> = error
      ? { status: "failed", value, error: { name: "GenericError", message: error, code: 9000 }, asyncContext, diagnostics: undefined }
      : { status: "succeeded", value, asyncContext, diagnostics: undefined };
    // The declared enum of @types/office-js is numeric; Office.js's runtime values are these strings.
    setTimeout(() => cb(r as unknown as Office.AsyncResult<T>), this.delay);
  }

  private answer<T>(call: DoubleCall, cb: DoubleCallback<T> | undefined, value: T, asyncContext?: unknown): void {
    this.later(cb, value, this.failing.get(call), asyncContext);
  }

  private recipientField(field: "to" | "cc" | "bcc") {
    const list = (): EmailAddressDetails[] => {
      const given = this.composeState.recipients?.[field];
      if (given) return given.map((r) => ({ ...r }));
      const own = domainOf(this.office.context.mailbox.userProfile.emailAddress);
      return this.composeState[field].map((a) => ({
        emailAddress: a,
        displayName: a,
        recipientType: domainOf(a) === own ? OFFICE_ENUMS.MailboxEnums.RecipientType.User : OFFICE_ENUMS.MailboxEnums.RecipientType.ExternalUser,
      }));
    };
    const set = (items: unknown[], add: boolean) => {
      const addrs = (Array.isArray(items) ? items : []).map(toAddress).filter((x): x is EmailAddressDetails => !!x && EMAIL.test(x.emailAddress));
      const next = addrs.map((a) => a.emailAddress);
      const recipients = { ...this.composeState.recipients };
      delete recipients[field];
      this.composeState = { ...this.composeState, recipients, [field]: add ? [...this.composeState[field], ...next] : next };
      this.emit("compose");
    };
    return {
      getAsync: (a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<EmailAddressDetails[]>(a, b);
        this.answer(`${field}.getAsync`, cb, list(), options.asyncContext);
      },
      setAsync: (items: unknown[], a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<void>(a, b);
        set(items, false);
        this.later(cb, undefined, undefined, options.asyncContext);
      },
      addAsync: (items: unknown[], a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<void>(a, b);
        set(items, true);
        this.later(cb, undefined, undefined, options.asyncContext);
      },
    };
  }

  private makeComposeItem(): object {
    return {
      itemType: OFFICE_ENUMS.MailboxEnums.ItemType.Message,
      to: this.recipientField("to"),
      cc: this.recipientField("cc"),
      bcc: this.recipientField("bcc"),
      subject: {
        getAsync: (a?: unknown, b?: unknown) => {
          const { options, cb } = splitArgs<string>(a, b);
          this.answer("subject.getAsync", cb, this.composeState.subject, options.asyncContext);
        },
        setAsync: (subject: string, a?: unknown, b?: unknown) => {
          const { options, cb } = splitArgs<void>(a, b);
          this.composeState = { ...this.composeState, subject: String(subject) };
          this.emit("compose");
          this.later(cb, undefined, undefined, options.asyncContext);
        },
      },
      body: {
        getAsync: (coercion: unknown, a?: unknown, b?: unknown) => {
          const { options, cb } = splitArgs<string>(a, b);
          const body = this.composeState.body;
          this.answer("body.getAsync", cb, coercion === "html" ? textToHtml(body) : body, options.asyncContext);
        },
        getTypeAsync: (a?: unknown, b?: unknown) => {
          const { options, cb } = splitArgs<string>(a, b);
          this.later(cb, "html", undefined, options.asyncContext);
        },
        setAsync: (data: string, a?: unknown, b?: unknown) => {
          const { options, cb } = splitArgs<void>(a, b);
          const text = options.coercionType === "html" ? htmlToText(String(data)) : String(data);
          this.composeState = { ...this.composeState, body: text };
          this.emit("compose");
          this.later(cb, undefined, undefined, options.asyncContext);
        },
      },
      sensitivityLabel: {
        getAsync: (a?: unknown, b?: unknown) => {
          const { options, cb } = splitArgs<string>(a, b);
          this.later(cb, this.sensitivityLabel, undefined, options.asyncContext);
        },
        setAsync: (label: unknown, a?: unknown, b?: unknown) => {
          const { options, cb } = splitArgs<void>(a, b);
          const id = typeof label === "string" ? label : label && typeof label === "object" && "id" in label ? String((label as { id: unknown }).id) : "";
          const known = (labels: SensitivityLabelDetails[]): boolean => labels.some((l) => l.id === id || known(l.children));
          const catalog = this.labels;
          const error =
            this.failing.get("sensitivityLabel.setAsync") ??
            (catalog === undefined ? "The catalog of sensitivity labels is not enabled" : !known(catalog) ? "The sensitivity label is not in the catalog" : undefined);
          if (!error) {
            this.sensitivityLabel = id;
            this.emit("compose");
          }
          this.later(cb, undefined, error, options.asyncContext);
        },
      },
      getAttachmentsAsync: (a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<{ id: string; name: string; size: number; attachmentType: string; isInline: boolean; contentType?: string }[]>(a, b);
        const value = this.composeState.attachments.map((x, i) => ({
          id: String(i),
          name: x.name,
          size: x.size ?? 0,
          attachmentType: x.attachmentType ?? OFFICE_ENUMS.MailboxEnums.AttachmentType.File,
          isInline: x.isInline ?? false,
          ...(x.contentType ? { contentType: x.contentType } : {}),
        }));
        this.answer("getAttachmentsAsync", cb, value, options.asyncContext);
      },
      getAttachmentContentAsync: (id: string, a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<{ format: string; content: string }>(a, b);
        const content = this.composeState.attachments[Number(id)]?.content;
        if (!content) this.later(cb, { format: "", content: "" }, "The attachment's content is not available", options.asyncContext);
        else this.answer("getAttachmentContentAsync", cb, { ...content }, options.asyncContext);
      },
      notificationMessages: this.makeNotifications(),
      sessionData: {
        getAsync: (name: string, cb?: DoubleCallback<string>) => this.answer("sessionData.getAsync", cb, this.sessionData.get(name) ?? ""),
        setAsync: (name: string, value: string, cb?: DoubleCallback<void>) => {
          if (!this.failing.has("sessionData.setAsync")) this.sessionData.set(name, String(value));
          this.answer("sessionData.setAsync", cb, undefined);
        },
        removeAsync: (name: string, cb?: DoubleCallback<void>) => {
          this.sessionData.delete(name);
          this.later(cb, undefined);
        },
        getAllAsync: (cb?: DoubleCallback<Record<string, string>>) => this.later(cb, Object.fromEntries(this.sessionData)),
        clearAsync: (cb?: DoubleCallback<void>) => {
          this.sessionData.clear();
          this.later(cb, undefined);
        },
      },
      internetHeaders: {
        getAsync: (names: string[], a?: unknown, b?: unknown) => {
          const { options, cb } = splitArgs<Record<string, string>>(a, b);
          const value: Record<string, string> = {};
          for (const n of names) {
            const v = this.internetHeaders.get(n.toLowerCase());
            if (v !== undefined) value[n] = v;
          }
          this.answer("internetHeaders.getAsync", cb, value, options.asyncContext);
        },
        setAsync: (headers: Record<string, string>, a?: unknown, b?: unknown) => {
          const { options, cb } = splitArgs<void>(a, b);
          if (!this.failing.has("internetHeaders.setAsync")) {
            for (const [k, v] of Object.entries(headers)) this.internetHeaders.set(k.toLowerCase(), String(v));
            this.internetHeadersSetAt = Date.now();
          }
          this.answer("internetHeaders.setAsync", cb, undefined, options.asyncContext);
        },
        removeAsync: (names: string[], a?: unknown, b?: unknown) => {
          const { options, cb } = splitArgs<void>(a, b);
          for (const n of names) this.internetHeaders.delete(n.toLowerCase());
          this.later(cb, undefined, undefined, options.asyncContext);
        },
      },
      loadCustomPropertiesAsync: (a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<object>(a, b);
        // A copy: set and remove change it, saveAsync writes it back (the item keeps what was saved).
        const working = new Map(this.customProperties);
        const props = {
          get: (name: string) => working.get(name),
          getAll: () => Object.fromEntries(working),
          set: (name: string, value: unknown) => void working.set(name, String(value)),
          remove: (name: string) => void working.delete(name),
          saveAsync: (c?: unknown, d?: unknown) => {
            const saved = splitArgs<void>(c, d);
            this.customProperties.clear();
            for (const [k, v] of working) this.customProperties.set(k, v);
            this.customPropertiesSavedAt = Date.now();
            this.later(saved.cb, undefined, undefined, saved.options.asyncContext);
          },
        };
        this.later(cb, props, undefined, options.asyncContext);
      },
      getInitializationContextAsync: (a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<string>(a, b);
        // Outlook fails the call when there is no context data.
        if (this.initContext === undefined) this.later(cb, "", "No initialization context", options.asyncContext);
        else this.later(cb, this.initContext, undefined, options.asyncContext);
      },
      addHandlerAsync: (eventType: string, handler: (e: { type: string; initializationContextData: string }) => void, a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<void>(a, b);
        if (eventType === OFFICE_ENUMS.EventType.InitializationContextChanged) this.contextHandlers.push(handler);
        this.later(cb, undefined, undefined, options.asyncContext);
      },
      removeHandlerAsync: (eventType: string, a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<void>(a, b);
        if (eventType === OFFICE_ENUMS.EventType.InitializationContextChanged) this.contextHandlers = [];
        this.later(cb, undefined, undefined, options.asyncContext);
      },
      sendAsync: (a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<void>(a, b);
        const route = this.onSendAsync;
        if (!route) {
          this.later(cb, undefined, "Sending is not available here", options.asyncContext);
          return;
        }
        route().then(
          (sent) => this.later(cb, undefined, sent ? undefined : "The message was not sent", options.asyncContext),
          (e: unknown) => this.later(cb, undefined, e instanceof Error ? e.message : "Send failed", options.asyncContext),
        );
      },
    };
  }

  /** item.notificationMessages: the InfoBar messages of the item, by key (at most 5, as Outlook allows). */
  private makeNotifications(): object {
    const set = (key: string, details: Record<string, unknown>, replace: boolean, cb: DoubleCallback<void> | undefined, ctx: unknown) => {
      if (!replace && this.notifications.has(key)) return this.later(cb, undefined, "A notification with this key exists", ctx);
      if (!this.notifications.has(key) && this.notifications.size >= 5) return this.later(cb, undefined, "At most 5 notifications", ctx);
      this.notifications.set(key, structuredClone(details));
      this.emit("compose");
      this.later(cb, undefined, undefined, ctx);
    };
    return {
      addAsync: (key: string, details: Record<string, unknown>, a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<void>(a, b);
        set(key, details, false, cb, options.asyncContext);
      },
      replaceAsync: (key: string, details: Record<string, unknown>, a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<void>(a, b);
        set(key, details, true, cb, options.asyncContext);
      },
      removeAsync: (key: string, a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<void>(a, b);
        const had = this.notifications.delete(key);
        this.emit("compose");
        this.later(cb, undefined, had ? undefined : "No notification with this key", options.asyncContext);
      },
      getAllAsync: (a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<Record<string, unknown>[]>(a, b);
        this.later(cb, [...this.notifications.entries()].map(([key, d]) => ({ key, ...d })), undefined, options.asyncContext);
      },
    };
  }

  /**
   * The appointment being organised: the compose item's body, subject, attachments and session data,
   * with required and optional attendees (the `to` and `cc` lists) and the rooms in enhancedLocation.
   */
  private makeAppointmentItem(base: object): object {
    const b = base as { to: object; cc: object };
    const rest: Record<string, unknown> = { ...base };
    delete rest.to;
    delete rest.cc;
    delete rest.bcc;
    // An appointment has no internet headers (AppointmentCompose): a meeting carries its check as a custom property.
    delete rest.internetHeaders;
    return {
      ...rest,
      itemType: OFFICE_ENUMS.MailboxEnums.ItemType.Appointment,
      requiredAttendees: b.to,
      optionalAttendees: b.cc,
      enhancedLocation: {
        getAsync: (a?: unknown, c?: unknown) => {
          const { options, cb } = splitArgs<LocationDetailsDouble[]>(a, c);
          const rooms = (this.composeState.resources ?? []).map((r) => ({ emailAddress: r, displayName: r, locationIdentifier: { id: r, type: "room" as const } }));
          this.later(cb, rooms, undefined, options.asyncContext);
        },
      },
    };
  }

  private makeReadItem(): object | undefined {
    const m = this.readMail;
    if (!m) return undefined;
    return {
      itemType: OFFICE_ENUMS.MailboxEnums.ItemType.Message,
      internetMessageId: m.internetMessageId,
      from: { ...m.from },
      sender: { ...m.from },
      to: m.to.map((x) => ({ ...x })),
      cc: [],
      subject: m.subject,
      dateTimeCreated: new Date(m.dateTimeCreated.getTime()),
      dateTimeModified: new Date(m.dateTimeCreated.getTime()),
      body: {
        getAsync: (coercion: unknown, a?: unknown, b?: unknown) => {
          const { options, cb } = splitArgs<string>(a, b);
          this.answer("body.getAsync", cb, coercion === "html" ? textToHtml(m.body) : m.body, options.asyncContext);
        },
      },
      getInitializationContextAsync: (a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<string>(a, b);
        this.later(cb, "", "No initialization context", options.asyncContext);
      },
      addHandlerAsync: (_eventType: string, _handler: unknown, a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<void>(a, b);
        this.later(cb, undefined, undefined, options.asyncContext);
      },
      // Mailbox 1.8: only an item in a shared folder or a shared/delegated mailbox has shared properties.
      getSharedPropertiesAsync: (a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<object | undefined>(a, b);
        const sh = m.shared;
        const value = sh ? { targetMailbox: sh.targetMailbox, owner: sh.owner, targetRestUrl: "https://outlook.office.com/api", delegatePermissions: 1 } : undefined;
        this.later(cb, value, sh ? undefined : "The item is not in a shared folder", options.asyncContext);
      },
    };
  }
}
