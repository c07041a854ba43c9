/**
 * Warnings before Send (issue 14 item 4), in the same event runtime as the send handler:
 *  - OnNewMessageCompose warms up: the token and the connection (GET /api/me), so the first check is fast;
 *  - OnMessageRecipientsChanged (resolved recipient changes) and OnMessageAttachmentsChanged run a DRY-RUN
 *    check (a query, without `mode: "send"`: the server writes nothing) and show its outcome in the InfoBar: an insight
 *    message with a "Controleren" action that opens the task pane. On Mac the action is not shown
 *    (office-js #6432), so the message itself names the way out. An allowed mail clears the message.
 * Recipient changes check names and addresses only; attachment changes also upload the contents. The
 * send handler stays the final gate. Every path completes the event once; nothing personal is logged.
 */
import { ApiClient } from "../../shared/api.js";
import type { CheckRequestBody, CheckResponse } from "../../../contract/sendcheck.js";
import { resolveConfig } from "./config.js";
import { CHECK_COMMAND_ID } from "./decide.js";
import { t } from "./messages.js";
import { displayLang, getAsyncP, officeGlobal, readComposeItem, type MailSnapshot, type OfficeLike } from "./office.js";
import { buildCheckRequest } from "./request.js";
import { getAccessToken } from "./token.js";
import { isCheckResponse } from "./validate.js";

export const WARM_UP_HANDLER_NAME = "onNewMessageComposeHandler";
export const RECIPIENTS_CHANGED_HANDLER_NAME = "onRecipientsChangedHandler";
export const ATTACHMENTS_CHANGED_HANDLER_NAME = "onAttachmentsChangedHandler";

/** The key of the early warning in the item's notification messages (one, replaced on every change). */
export const EARLY_NOTICE_KEY = "zvEarly";
/** Outlook shows at most 150 characters of an insight message. */
export const NOTICE_MAX = 150;
/** An early check that takes longer than this is given up (the send check still runs). */
const EARLY_BUDGET_MS = 20_000;

/** An event of the compose events: completed without options. */
export interface ComposeEvent {
  completed(options?: Record<string, unknown>): void;
}

export interface EarlyDeps {
  office?: () => OfficeLike | undefined;
  fetchImpl?: typeof fetch;
}

type Notifications = {
  replaceAsync(key: string, details: Record<string, unknown>, cb: (r: Office.AsyncResult<void>) => void): void;
  removeAsync(key: string, cb: (r: Office.AsyncResult<void>) => void): void;
};

function notificationsOf(office: OfficeLike): Notifications | undefined {
  const item = office.context.mailbox.item as { notificationMessages?: Notifications } | undefined;
  return item && item.notificationMessages ? item.notificationMessages : undefined;
}

/** The InfoBar text: the backend's message cut to fit, followed by the way out. */
export function noticeText(message: string, lang: "nl" | "en"): string {
  const hint = t(lang).earlyHint;
  const room = NOTICE_MAX - hint.length;
  const text = message.length > room ? `${message.slice(0, room - 1).replace(/\s+$/, "")}…` : message;
  return text + hint;
}

/** Shows (or clears) the early warning for a dry-run answer. Never rejects. */
export async function showEarlyNotice(office: OfficeLike, check: Pick<CheckResponse, "verdict" | "message">, lang: "nl" | "en"): Promise<void> {
  const n = notificationsOf(office);
  if (!n) return;
  try {
    if (check.verdict === "allow") {
      await getAsyncP<void>((cb) => n.removeAsync(EARLY_NOTICE_KEY, cb));
      return;
    }
    await getAsyncP<void>((cb) =>
      n.replaceAsync(
        EARLY_NOTICE_KEY,
        {
          type: "insightMessage",
          message: noticeText(check.message, lang),
          icon: "Icon.16",
          actions: [{ actionText: t(lang).check, actionType: "showTaskPane", commandId: CHECK_COMMAND_ID }],
        },
        cb,
      ),
    );
  } catch {
    // No message to remove, or the client refused it: the send check still runs.
  }
}

function once(event: ComposeEvent): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    try {
      event.completed();
    } catch {
      // The event is Outlook's.
    }
  };
}

function apiFor(office: OfficeLike, fetchImpl: typeof fetch | undefined, lang: "nl" | "en"): ApiClient {
  const cfg = resolveConfig();
  const profile = office.context.mailbox.userProfile;
  const f = fetchImpl || fetch;
  const tokenDeps = { fetchImpl: f, user: (profile && profile.emailAddress) || undefined };
  return new ApiClient({ baseUrl: cfg.apiBaseUrl, lang, fetchImpl: f, getToken: () => getAccessToken(cfg, tokenDeps) });
}

/**
 * The dry-run request: a query (no `mode: "send"`: the server writes nothing), with attachment contents
 * when attachments changed (kept for the send check to reuse), otherwise names only for attachments not
 * uploaded before.
 */
async function dryRunRequest(office: OfficeLike, api: ApiClient, mail: MailSnapshot, withContents: boolean): Promise<CheckRequestBody> {
  return buildCheckRequest(office, api, mail, withContents);
}

export function createEarlyCheckHandler(what: "recipients" | "attachments", deps: EarlyDeps = {}): (event: ComposeEvent) => void {
  return function earlyCheckHandler(event: ComposeEvent): void {
    const finish = once(event);
    const timer = setTimeout(finish, EARLY_BUDGET_MS);
    const office = deps.office ? deps.office() : officeGlobal();
    const run = async (): Promise<void> => {
      if (!office) return;
      const lang = displayLang(office);
      const mail = await readComposeItem(office);
      if (mail.to.length + mail.cc.length + mail.bcc.length === 0) {
        await showEarlyNotice(office, { verdict: "allow", message: "" }, lang);
        return;
      }
      const api = apiFor(office, deps.fetchImpl, lang);
      const res: unknown = await api.post<unknown>("/api/check", await dryRunRequest(office, api, mail, what === "attachments"));
      if (isCheckResponse(res)) await showEarlyNotice(office, res, lang);
    };
    const end = (): void => {
      clearTimeout(timer);
      finish();
    };
    run().then(end, end);
  };
}

/** OnNewMessageCompose: a token and a warm connection before the user presses Send. */
export function createWarmUpHandler(deps: EarlyDeps = {}): (event: ComposeEvent) => void {
  return function warmUpHandler(event: ComposeEvent): void {
    const finish = once(event);
    const timer = setTimeout(finish, EARLY_BUDGET_MS);
    const office = deps.office ? deps.office() : officeGlobal();
    const end = (): void => {
      clearTimeout(timer);
      finish();
    };
    if (!office) return end();
    apiFor(office, deps.fetchImpl, displayLang(office)).get<unknown>("/api/me").then(end, end);
  };
}

/** Associates the early handlers with Outlook (called where the send handler is associated). */
export function associateEarlyHandlers(office: OfficeLike): void {
  const actions = office.actions;
  if (!actions || typeof actions.associate !== "function") return;
  actions.associate(WARM_UP_HANDLER_NAME, createWarmUpHandler() as (event: never) => void);
  actions.associate(RECIPIENTS_CHANGED_HANDLER_NAME, createEarlyCheckHandler("recipients") as (event: never) => void);
  actions.associate(ATTACHMENTS_CHANGED_HANDLER_NAME, createEarlyCheckHandler("attachments") as (event: never) => void);
}
