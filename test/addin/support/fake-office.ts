/**
 * A small Office.js double for the on-send handler: a message being composed, roaming settings, session
 * data and the Smart Alerts enums, with every getAsync answering asynchronously like Outlook does.
 */
export interface FakeMail {
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  body: string;
  attachments?: { name: string; size: number }[];
}

export interface FakeOfficeOptions {
  roaming?: Record<string, unknown>;
  sessionData?: Record<string, string>;
  displayLanguage?: string;
  /** Make reading the body fail (as Outlook does when the item is gone). */
  failBody?: boolean;
  userEmail?: string;
}

type Cb<T> = (r: { status: string; value: T; error?: { message: string } }) => void;

function later<T>(cb: Cb<T>, value: T, fail = false): void {
  setTimeout(() => cb(fail ? { status: "failed", value, error: { message: "failed" } } : { status: "succeeded", value }), 1);
}

function recipients(list: string[] = []) {
  return {
    getAsync(cb: Cb<{ emailAddress: string; displayName: string }[]>) {
      later(cb, list.map((a) => ({ emailAddress: a, displayName: a })));
    },
  };
}

export interface FakeOffice {
  context: {
    displayLanguage: string;
    mailbox: { item: unknown; userProfile: { emailAddress: string } };
    roamingSettings: { get(n: string): unknown; set(n: string, v: unknown): void; saveAsync(cb?: (r: unknown) => void): void };
  };
  AsyncResultStatus: { Succeeded: string; Failed: string };
  CoercionType: { Text: string; Html: string };
  MailboxEnums: { SendModeOverride: { PromptUser: string } };
  actions: { associate(name: string, fn: (event: never) => void): void };
  /** What the double saw. */
  associated: Map<string, (event: never) => void>;
  roaming: Record<string, unknown>;
  saves: number;
  /** Internet headers set on the message (internetHeaders.setAsync), and when (ms after the epoch). */
  headers: Record<string, string>;
  headersSetAt: number | undefined;
}

export function makeOffice(mail: FakeMail, opts: FakeOfficeOptions = {}): FakeOffice {
  const roaming: Record<string, unknown> = { ...(opts.roaming ?? {}) };
  const session: Record<string, string> = { ...(opts.sessionData ?? {}) };
  const associated = new Map<string, (event: never) => void>();
  const office: FakeOffice = {
    context: {
      displayLanguage: opts.displayLanguage ?? "nl-NL",
      mailbox: {
        userProfile: { emailAddress: opts.userEmail ?? "ib@demo" },
        item: {
          to: recipients(mail.to),
          cc: recipients(mail.cc),
          bcc: recipients(mail.bcc),
          subject: { getAsync: (cb: Cb<string>) => later(cb, mail.subject) },
          body: { getAsync: (_type: string, cb: Cb<string>) => later(cb, mail.body, opts.failBody) },
          getAttachmentsAsync: (cb: Cb<{ name: string; size: number; id: string }[]>) =>
            later(cb, (mail.attachments ?? []).map((a, i) => ({ ...a, id: String(i) }))),
          sessionData: { getAsync: (k: string, cb: Cb<string>) => later(cb, session[k] ?? "") },
          internetHeaders: {
            setAsync: (h: Record<string, string>, cb?: Cb<undefined>) => {
              setTimeout(() => {
                Object.assign(office.headers, h);
                office.headersSetAt = Date.now();
                if (cb) cb({ status: "succeeded", value: undefined });
              }, 5);
            },
          },
        },
      },
      roamingSettings: {
        get: (n: string) => roaming[n],
        set: (n: string, v: unknown) => {
          roaming[n] = v;
        },
        saveAsync: (cb?: (r: unknown) => void) => {
          office.saves++;
          if (cb) later(cb as Cb<undefined>, undefined);
        },
      },
    },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    CoercionType: { Text: "text", Html: "html" },
    MailboxEnums: { SendModeOverride: { PromptUser: "promptUser" } },
    actions: { associate: (name, fn) => void associated.set(name, fn) },
    associated,
    roaming,
    saves: 0,
    headers: {},
    headersSetAt: undefined,
  };
  return office;
}

/** An event double that counts `completed` calls. */
export interface FakeEvent {
  calls: Record<string, unknown>[];
  completed(o: Record<string, unknown>): void;
  /** Resolves at the first completed call. */
  first: Promise<Record<string, unknown>>;
}

export function makeEvent(): FakeEvent {
  let resolve: (o: Record<string, unknown>) => void = () => undefined;
  const first = new Promise<Record<string, unknown>>((r) => (resolve = r));
  const ev: FakeEvent = {
    calls: [],
    completed(o) {
      ev.calls.push(o);
      resolve(o);
    },
    first,
  };
  return ev;
}
