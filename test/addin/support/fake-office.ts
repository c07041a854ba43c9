/**
 * The on-send handler's view of the project's one Office.js double (src/shared/office-double.ts): a
 * message being composed, roaming settings, session data and the Smart Alerts enums, every getAsync
 * answering asynchronously as Outlook does.
 */
import {
  makeSendEvent,
  OfficeDouble,
  type AttachmentInput,
  type EmailAddressDetails,
  type OfficeGlobalDouble,
  type SendEventDouble,
} from "../../../src/shared/office-double.js";

export interface FakeMail {
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  body: string;
  attachments?: AttachmentInput[];
  /** Recipients exactly as Outlook gives them (X500, typed names, lists); replace the plain lists when given. */
  details?: { to?: EmailAddressDetails[]; cc?: EmailAddressDetails[]; bcc?: EmailAddressDetails[] };
  /** A meeting being organised: `to` required, `cc` optional attendees, `resources` rooms. */
  itemType?: "message" | "appointment";
  resources?: string[];
}

export interface FakeOfficeOptions {
  roaming?: Record<string, unknown>;
  sessionData?: Record<string, string>;
  displayLanguage?: string;
  /** Make reading the body fail (as Outlook does when the item is gone). */
  failBody?: boolean;
  userEmail?: string;
  /** The tenant's sensitivity labels (absent: no catalog) and the label applied to the mail. */
  sensitivityLabels?: { id: string; name: string }[];
  appliedLabel?: string;
  /** Office single sign-on (`auth.getAccessToken`); absent: not available (13012). */
  sso?: (options?: unknown) => Promise<string>;
}

/** The `Office` global of the double, with what the double saw. */
export interface FakeOffice extends OfficeGlobalDouble {
  associated: Map<string, (event: never) => void>;
  roaming: Record<string, unknown>;
  /** Session data of the item (what the task pane left, and what the handler wrote). */
  sessionData: Map<string, string>;
  /** How often roamingSettings.saveAsync was called. */
  readonly saves: number;
  /** The double behind it (its other records: internet headers, completions, ...). */
  double: OfficeDouble;
}

export function makeOffice(mail: FakeMail, opts: FakeOfficeOptions = {}): FakeOffice {
  const double = new OfficeDouble({
    displayLanguage: opts.displayLanguage ?? "nl-NL",
    userEmail: opts.userEmail ?? "ib@demo",
    ...(opts.sso ? { sso: opts.sso } : {}),
    ...(opts.roaming ? { roaming: opts.roaming } : {}),
    ...(opts.sensitivityLabels ? { sensitivityLabels: opts.sensitivityLabels.map((l) => ({ ...l, color: "#000000", tooltip: l.name, children: [] })) } : {}),
  });
  double.compose({
    to: mail.to,
    cc: mail.cc ?? [],
    bcc: mail.bcc ?? [],
    subject: mail.subject,
    body: mail.body,
    attachments: mail.attachments ?? [],
    ...(mail.details ? { recipients: mail.details } : {}),
    ...(mail.itemType ? { itemType: mail.itemType } : {}),
    ...(mail.resources ? { resources: mail.resources } : {}),
  });
  for (const [k, v] of Object.entries(opts.sessionData ?? {})) double.sessionData.set(k, v);
  if (opts.failBody) double.fail("body.getAsync");
  if (opts.appliedLabel) double.sensitivityLabel = opts.appliedLabel;
  const office = { ...double.office, associated: double.associated, roaming: double.roaming, sessionData: double.sessionData, double };
  return Object.defineProperty(office, "saves", { get: () => double.saves, enumerable: true }) as FakeOffice;
}

/** An OnMessageSend event double that records its `completed` calls. */
export type FakeEvent = SendEventDouble;

export function makeEvent(): FakeEvent {
  return makeSendEvent();
}
