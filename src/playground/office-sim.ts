/**
 * A SIMULATED Office.js for Outlook: only the surface Zorgvuldig's add-in uses, in memory, no network.
 * It is not Microsoft's Office.js and never talks to Exchange. Used by the playground (dev mode only) and
 * meant to be shared by browser and Node tests of the on-send handler and the task pane:
 *
 *   const sim = new OfficeSim({ displayLanguage: "nl-NL", userEmail: "ib@regenboog.school.example" });
 *   sim.install();                       // globalThis.Office = sim.office (before loading onsend.js)
 *   sim.compose({ to: ["jgz@ggd-voorbeeldregio.example"], subject: "...", body: "..." });
 *   // load dist/addin/onsend.js (it calls Office.actions.associate) or associate a function yourself
 *   const options = await sim.send();     // runs the associated OnMessageSend handler like Outlook does
 *   // options = what the handler passed to event.completed (allowEvent, errorMessage, ...)
 *
 * The surface: Office.onReady, Office.actions.associate, Office.context.{displayLanguage, contentLanguage,
 * officeTheme, requirements.isSetSupported, roamingSettings, mailbox.{item, userProfile,
 * displayNewMessageForm, diagnostics}}, Office.auth.getAccessToken (rejects: no SSO in a simulation),
 * Office.AsyncResultStatus, Office.CoercionType, Office.EventType, Office.MailboxEnums; on a message being
 * composed: to/cc/bcc get/set/addAsync, subject and body get/setAsync, getAttachmentsAsync, sessionData,
 * getInitializationContextAsync, addHandlerAsync, sendAsync; on a received message: internetMessageId,
 * from, sender, to, subject, dateTimeCreated, body.getAsync.
 * Every callback is called asynchronously (like Outlook), with { status, value, error?, asyncContext }.
 */

export type SimStatus = "succeeded" | "failed";

export interface SimAsyncResult<T> {
  status: SimStatus;
  value: T;
  error?: { name: string; message: string; code: number };
  asyncContext?: unknown;
  diagnostics?: unknown;
}

/**
 * Callbacks are typed with Office.js's own AsyncResult (@types/office-js) so the simulation is assignable
 * wherever the add-in expects the real thing; the objects passed are SimAsyncResult, whose status strings
 * are the runtime values of Office.AsyncResultStatus ("succeeded", "failed").
 */
export type SimCallback<T> = (r: Office.AsyncResult<T>) => void;

export interface SimAddress {
  emailAddress: string;
  displayName: string;
  recipientType?: string;
}

export interface SimAttachment {
  name: string;
  size?: number;
}

/** A message being composed (the item the on-send handler reads). */
export interface SimComposeMail {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  /** Plain text body. */
  body: string;
  attachments: SimAttachment[];
}

/** A received message (the item of a read-mode task pane). */
export interface SimReadMail {
  internetMessageId: string;
  from: SimAddress;
  to: SimAddress[];
  subject: string;
  body: string;
  dateTimeCreated: Date;
}

/** What a handler passed to `event.completed` (Smart Alerts). */
export interface SimCompletedOptions {
  allowEvent?: boolean;
  errorMessage?: string;
  errorMessageMarkdown?: string;
  cancelLabel?: string;
  commandId?: string;
  contextData?: string;
  sendModeOverride?: string;
  [key: string]: unknown;
}

/** The event object Outlook passes to an OnMessageSend handler. */
export interface SimSendEvent {
  type: "olkMessageSend";
  completed(options?: SimCompletedOptions): void;
}

export interface NewMessageFormParams {
  toRecipients?: (string | SimAddress)[];
  ccRecipients?: (string | SimAddress)[];
  subject?: string;
  htmlBody?: string;
  attachments?: unknown[];
}

export interface OfficeSimOptions {
  /** E.g. "nl-NL" (default) or "en-US". */
  displayLanguage?: string;
  userEmail?: string;
  userName?: string;
  /** Initial roaming settings. */
  roaming?: Record<string, unknown>;
  /** Highest Mailbox requirement set reported as supported (default "1.15"). */
  mailboxVersion?: string;
  /** Delay of every callback in ms (default 0: still asynchronous). */
  asyncDelayMs?: number;
  /** Single sign-on: undefined = not available (the default; the add-in falls back to a dev token). */
  sso?: () => Promise<string>;
  bodyBackgroundColor?: string;
}

type Handler = (event: never) => void;
type ChangeListener = (kind: "compose" | "item" | "newMessage" | "roaming") => void;

export const SIM_ENUMS = {
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

/** The simulated `Office` global (structurally what the add-in's OfficeLike and host.ts read). */
export interface SimOfficeGlobal {
  readonly simulated: true;
  context: {
    displayLanguage: string;
    contentLanguage: string;
    officeTheme: { bodyBackgroundColor: string; bodyForegroundColor: string; controlBackgroundColor: string; controlForegroundColor: string };
    requirements: { isSetSupported(name: string, version?: string): boolean };
    roamingSettings: {
      get(name: string): unknown;
      set(name: string, value: unknown): void;
      remove(name: string): void;
      saveAsync(callback?: SimCallback<void>): void;
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
  AsyncResultStatus: typeof SIM_ENUMS.AsyncResultStatus;
  CoercionType: typeof SIM_ENUMS.CoercionType;
  EventType: typeof SIM_ENUMS.EventType;
  HostType: typeof SIM_ENUMS.HostType;
  PlatformType: typeof SIM_ENUMS.PlatformType;
  MailboxEnums: typeof SIM_ENUMS.MailboxEnums;
}

export class SimSendTimeout extends Error {
  constructor(ms: number) {
    super(`The simulated OnMessageSend handler did not call event.completed within ${ms} ms`);
    this.name = "SimSendTimeout";
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function emptyCompose(): SimComposeMail {
  return { to: [], cc: [], bcc: [], subject: "", body: "", attachments: [] };
}

function toAddress(x: unknown): SimAddress | undefined {
  if (typeof x === "string") return x.trim() ? { emailAddress: x.trim(), displayName: x.trim() } : undefined;
  if (x && typeof x === "object" && "emailAddress" in x) {
    const e = String((x as { emailAddress: unknown }).emailAddress ?? "").trim();
    const dn = "displayName" in x ? String((x as { displayName: unknown }).displayName ?? "") : "";
    return e ? { emailAddress: e, displayName: dn || e } : undefined;
  }
  return undefined;
}

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
function splitArgs<T>(a: unknown, b: unknown): { options: Record<string, unknown>; cb: SimCallback<T> | undefined } {
  if (typeof a === "function") return { options: {}, cb: a as SimCallback<T> };
  const options = a && typeof a === "object" ? (a as Record<string, unknown>) : {};
  return { options, cb: typeof b === "function" ? (b as SimCallback<T>) : undefined };
}

export class OfficeSim {
  readonly office: SimOfficeGlobal;
  /** Handlers registered with Office.actions.associate, by name. */
  readonly associated = new Map<string, Handler>();
  /** Every displayNewMessageForm call, in order. */
  readonly newMessages: NewMessageFormParams[] = [];
  /** Every event.completed call of every simulated send, in order. */
  readonly completions: SimCompletedOptions[] = [];
  readonly roaming: Record<string, unknown>;
  /** Session data of the message being composed (Mailbox 1.11). */
  readonly sessionData = new Map<string, string>();
  /** Internet headers set on the message being composed (Mailbox 1.8): the check's stamp goes here. */
  readonly internetHeaders = new Map<string, string>();

  private composeState: SimComposeMail = emptyCompose();
  private readMail: SimReadMail | undefined;
  private current: "compose" | "read" = "compose";
  private initContext: string | undefined;
  private contextHandlers: ((e: { type: string; initializationContextData: string }) => void)[] = [];
  private listeners = new Set<ChangeListener>();
  private readonly delay: number;
  private readonly composeItem: object;
  private readItem: object | undefined;
  /** Called by item.sendAsync (the task pane's "send"); the playground routes it through its send flow. */
  onSendAsync: (() => Promise<boolean>) | undefined;

  constructor(private readonly opts: OfficeSimOptions = {}) {
    this.delay = opts.asyncDelayMs ?? 0;
    this.roaming = { ...(opts.roaming ?? {}) };
    this.composeItem = this.makeComposeItem();
    const sim = this;
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
        roamingSettings: {
          get: (name: string) => this.roaming[name],
          set: (name: string, value: unknown) => {
            this.roaming[name] = value;
          },
          remove: (name: string) => {
            delete this.roaming[name];
          },
          saveAsync: (cb?: SimCallback<void>) => {
            this.emit("roaming");
            this.later(cb, undefined);
          },
        },
        mailbox: {
          get item(): unknown {
            return sim.current === "read" ? sim.readItem : sim.composeItem;
          },
          userProfile: {
            emailAddress: opts.userEmail ?? "ib@regenboog.school.example",
            displayName: opts.userName ?? "Intern begeleider",
            timeZone: "W. Europe Standard Time",
          },
          diagnostics: { hostName: "Outlook (simulatie)", hostVersion: "0.0" },
          displayNewMessageForm: (params: NewMessageFormParams) => {
            this.newMessages.push(params);
            this.emit("newMessage");
          },
        },
      },
      auth: {
        getAccessToken: (): Promise<string> =>
          opts.sso ? opts.sso() : Promise.reject(Object.assign(new Error("Single sign-on is not available in the simulation"), { code: 13012 })),
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
      ...SIM_ENUMS,
    };
  }

  /** Makes this simulation the global `Office` (returns a function that restores the previous value). */
  install(target: object = globalThis): () => void {
    const t = target as { Office?: unknown };
    const before = t.Office;
    t.Office = this.office;
    return () => {
      t.Office = before;
    };
  }

  subscribe(l: ChangeListener): () => void {
    this.listeners.add(l);
    return () => void this.listeners.delete(l);
  }

  // ------------------------------------------------------------------ the items

  /** Starts (or replaces) the message being composed and makes it the current item. */
  compose(mail: Partial<SimComposeMail>): void {
    this.composeState = { ...emptyCompose(), ...structuredClone(mail) };
    this.sessionData.clear();
    this.internetHeaders.clear();
    this.current = "compose";
    this.emit("compose");
  }

  /** Changes fields of the message being composed (the user typing). */
  updateCompose(patch: Partial<SimComposeMail>): void {
    this.composeState = { ...this.composeState, ...structuredClone(patch) };
    this.emit("compose");
  }

  /** The message being composed as it is now (including the add-in's setAsync changes). */
  composeSnapshot(): SimComposeMail {
    return structuredClone(this.composeState);
  }

  /** Makes a received message the current item (a task pane opened on it reads it). */
  read(mail: SimReadMail): void {
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
        setTimeout(() => h({ type: SIM_ENUMS.EventType.InitializationContextChanged, initializationContextData: data }), this.delay);
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
   * options of the first `event.completed` call; rejects with SimSendTimeout when it never comes.
   */
  send(opts: { handler?: string; timeoutMs?: number } = {}): Promise<SimCompletedOptions> {
    const name = opts.handler ?? "onMessageSendHandler";
    const fn = this.associated.get(name);
    if (!fn) return Promise.reject(new Error(`No function is associated with "${name}" (is onsend.js loaded?)`));
    const timeoutMs = opts.timeoutMs ?? 300_000;
    return new Promise<SimCompletedOptions>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        reject(new SimSendTimeout(timeoutMs));
      }, timeoutMs);
      const event: SimSendEvent = {
        type: "olkMessageSend",
        completed: (options?: SimCompletedOptions) => {
          const o = { ...(options ?? {}) };
          this.completions.push(o);
          if (settled) return; // Outlook ignores later calls
          settled = true;
          clearTimeout(timer);
          resolve(o);
        },
      };
      try {
        (fn as (e: SimSendEvent) => void)(event);
      } catch (e) {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      }
    });
  }

  // ------------------------------------------------------------------ internals

  private emit(kind: Parameters<ChangeListener>[0]): void {
    for (const l of [...this.listeners]) l(kind);
  }

  private later<T>(cb: SimCallback<T> | undefined, value: T, error?: string, asyncContext?: unknown): void {
    if (!cb) return;
    const r: SimAsyncResult<T> = error
      ? { status: "failed", value, error: { name: "GenericError", message: error, code: 9000 }, asyncContext, diagnostics: undefined }
      : { status: "succeeded", value, asyncContext, diagnostics: undefined };
    // The declared enum of @types/office-js is numeric; Office.js's runtime values are these strings.
    setTimeout(() => cb(r as unknown as Office.AsyncResult<T>), this.delay);
  }

  private recipientField(field: "to" | "cc" | "bcc") {
    const list = (): SimAddress[] => this.composeState[field].map((a) => ({ emailAddress: a, displayName: a, recipientType: "externalUser" }));
    const set = (items: unknown[], add: boolean) => {
      const addrs = (Array.isArray(items) ? items : []).map(toAddress).filter((x): x is SimAddress => !!x && EMAIL.test(x.emailAddress));
      const next = addrs.map((a) => a.emailAddress);
      this.composeState = { ...this.composeState, [field]: add ? [...this.composeState[field], ...next] : next };
      this.emit("compose");
    };
    return {
      getAsync: (a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<SimAddress[]>(a, b);
        this.later(cb, list(), undefined, options.asyncContext);
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
    const sim = this;
    return {
      itemType: SIM_ENUMS.MailboxEnums.ItemType.Message,
      to: this.recipientField("to"),
      cc: this.recipientField("cc"),
      bcc: this.recipientField("bcc"),
      subject: {
        getAsync: (a?: unknown, b?: unknown) => {
          const { options, cb } = splitArgs<string>(a, b);
          this.later(cb, this.composeState.subject, undefined, options.asyncContext);
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
          const html = `<html><body>${this.composeState.body.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/\n/g, "<br>")}</body></html>`;
          this.later(cb, coercion === "html" ? html : this.composeState.body, undefined, options.asyncContext);
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
      getAttachmentsAsync: (a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<{ id: string; name: string; size: number; attachmentType: string; isInline: boolean }[]>(a, b);
        const value = this.composeState.attachments.map((x, i) => ({
          id: String(i),
          name: x.name,
          size: x.size ?? 0,
          attachmentType: SIM_ENUMS.MailboxEnums.AttachmentType.File,
          isInline: false,
        }));
        this.later(cb, value, undefined, options.asyncContext);
      },
      sessionData: {
        getAsync: (name: string, cb?: SimCallback<string>) => this.later(cb, this.sessionData.get(name) ?? ""),
        setAsync: (name: string, value: string, cb?: SimCallback<void>) => {
          this.sessionData.set(name, String(value));
          this.later(cb, undefined);
        },
        removeAsync: (name: string, cb?: SimCallback<void>) => {
          this.sessionData.delete(name);
          this.later(cb, undefined);
        },
        getAllAsync: (cb?: SimCallback<Record<string, string>>) => this.later(cb, Object.fromEntries(this.sessionData)),
        clearAsync: (cb?: SimCallback<void>) => {
          this.sessionData.clear();
          this.later(cb, undefined);
        },
      },
      internetHeaders: {
        setAsync: (headers: Record<string, string>, a?: unknown, b?: unknown) => {
          const { options, cb } = splitArgs<void>(a, b);
          for (const [k, v] of Object.entries(headers)) this.internetHeaders.set(k.toLowerCase(), String(v));
          this.later(cb, undefined, undefined, options.asyncContext);
        },
        getAsync: (names: string[], a?: unknown, b?: unknown) => {
          const { options, cb } = splitArgs<Record<string, string>>(a, b);
          const out: Record<string, string> = {};
          for (const n of names) {
            const v = this.internetHeaders.get(n.toLowerCase());
            if (v !== undefined) out[n] = v;
          }
          this.later(cb, out, undefined, options.asyncContext);
        },
      },
      getInitializationContextAsync: (a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<string>(a, b);
        // Outlook fails the call when there is no context data.
        if (this.initContext === undefined) this.later(cb, "", "No initialization context", options.asyncContext);
        else this.later(cb, this.initContext, undefined, options.asyncContext);
      },
      addHandlerAsync: (eventType: string, handler: (e: { type: string; initializationContextData: string }) => void, a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<void>(a, b);
        if (eventType === SIM_ENUMS.EventType.InitializationContextChanged) this.contextHandlers.push(handler);
        this.later(cb, undefined, undefined, options.asyncContext);
      },
      removeHandlerAsync: (eventType: string, a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<void>(a, b);
        if (eventType === SIM_ENUMS.EventType.InitializationContextChanged) this.contextHandlers = [];
        this.later(cb, undefined, undefined, options.asyncContext);
      },
      sendAsync: (a?: unknown, b?: unknown) => {
        const { options, cb } = splitArgs<void>(a, b);
        const route = sim.onSendAsync;
        if (!route) {
          this.later(cb, undefined, "Sending is not available in this simulation", options.asyncContext);
          return;
        }
        route().then(
          (sent) => this.later(cb, undefined, sent ? undefined : "The message was not sent", options.asyncContext),
          (e: unknown) => this.later(cb, undefined, e instanceof Error ? e.message : "Send failed", options.asyncContext),
        );
      },
    };
  }

  private makeReadItem(): object | undefined {
    const m = this.readMail;
    if (!m) return undefined;
    return {
      itemType: SIM_ENUMS.MailboxEnums.ItemType.Message,
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
          const html = `<html><body>${m.body.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/\n/g, "<br>")}</body></html>`;
          this.later(cb, coercion === "html" ? html : m.body, undefined, options.asyncContext);
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
    };
  }
}
