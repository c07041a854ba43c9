/**
 * The Smart Alerts on-send handler (OnMessageSend). Reads the message, asks the backend
 * (POST /api/check) and completes the event exactly once:
 *  - allow  -> the mail goes;
 *  - warn   -> Outlook asks the user (PromptUser) with the backend's message;
 *  - block  -> not sent; the dialog's action button opens the task pane on this check;
 *  - no usable answer within the school's send budget (policy, default 20 s; Outlook shows "taking
 *    longer" after 5 s and times out after 5 minutes) -> the school's fail mode (block, or let the user
 *    choose), never a silent allow.
 * The school's fail mode and budget are kept in the roaming settings, saved BEFORE the event completes.
 * If Outlook throws on `completed`, it is called once more with a minimal blocking answer: the only
 * second call.
 * Built by scripts/build.ts into ONE ES2016 IIFE (dist/addin/onsend.js) for classic Outlook's JavaScript
 * runtime: no DOM, no storage, no runtime imports. Nothing personal is logged.
 */
import { ApiClient, ApiError } from "../../shared/api.js";
import type { CheckResponse } from "../../../contract/sendcheck.js";
import { buildCheckRequest } from "./request.js";
import { associateEarlyHandlers } from "./early.js";
import { DEFAULT_SEND_BUDGET_MS, resolveConfig } from "./config.js";
import { completeFailedCompletion, completionFor, failCompletion, PROMPT_USER, type Completion } from "./decide.js";
import type { Failure } from "./messages.js";
import {
  displayLang,
  officeGlobal,
  readComposeItem,
  readKeptPolicy,
  readSessionOverride,
  recipientKey,
  newSendKey,
  saveKeptPolicy,
  stampCheck,
  type MailSnapshot,
  type OfficeLike,
} from "./office.js";
import { getAccessToken, TokenError } from "./token.js";
import { isCheckResponse } from "./validate.js";

export const HANDLER_NAME = "onMessageSendHandler";
/** OnAppointmentSend: the same handler; readComposeItem reads a meeting's attendees as its recipients. */
export const APPOINTMENT_HANDLER_NAME = "onAppointmentSendHandler";

/** The part of Office's MailboxEvent the handler uses. */
export interface SendEvent {
  completed(options: Record<string, unknown>): void;
}

export interface HandlerDeps {
  /** Defaults to the global Office object, looked up at event time. */
  office?: () => OfficeLike | undefined;
  fetchImpl?: typeof fetch;
}

class StepError extends Error {
  constructor(public readonly failure: Failure) {
    super(failure);
    this.name = "StepError";
  }
}

function classify(e: unknown): Failure {
  if (e instanceof StepError) return e.failure;
  if (e instanceof TokenError) return "auth";
  if (e instanceof ApiError) {
    // The backend needs the user to sign in again (a claims challenge) or to consent: only the task pane
    // can show that, so the Smart Alert says so and its button opens the pane.
    if (e.code === "INTERACTION_REQUIRED") return "signin";
    if (e.code === "CONSENT_REQUIRED") return "consent";
    if (e.status === 401 || e.status === 403) return "auth";
    if (e.status >= 500 || e.status === 429) return "unreachable";
    return "invalid";
  }
  const name = e && typeof e === "object" && "name" in e ? String((e as { name: unknown }).name) : "";
  if (name === "AbortError" || name === "TimeoutError") return "timeout";
  return "unreachable";
}

/** Waits for `p`, but no longer than `ms`. */
function within(p: Promise<void>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    p.then(
      () => {
        clearTimeout(t);
        resolve();
      },
      () => {
        clearTimeout(t);
        resolve();
      },
    );
  });
}

function toOfficeOptions(c: Completion, office: OfficeLike | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { allowEvent: c.allowEvent };
  if (c.errorMessage !== undefined) out.errorMessage = c.errorMessage;
  if (c.errorMessageMarkdown !== undefined) out.errorMessageMarkdown = c.errorMessageMarkdown;
  if (c.cancelLabel !== undefined) out.cancelLabel = c.cancelLabel;
  if (c.commandId !== undefined) out.commandId = c.commandId;
  if (c.contextData !== undefined) out.contextData = c.contextData;
  if (c.sendModeOverride !== undefined) {
    const e = office && office.MailboxEnums && office.MailboxEnums.SendModeOverride;
    out.sendModeOverride = (e && e.PromptUser) || PROMPT_USER;
  }
  return out;
}

export function createOnMessageSendHandler(deps: HandlerDeps = {}): (event: SendEvent) => void {
  return function onMessageSendHandler(event: SendEvent): void {
    const office = deps.office ? deps.office() : officeGlobal();
    const cfg = resolveConfig();
    const lang = displayLang(office);
    const kept = readKeptPolicy(office);
    const failMode = kept.failMode;
    const budgetMs = cfg.timeoutMs || (kept.sendBudgetSeconds ? kept.sendBudgetSeconds * 1000 : DEFAULT_SEND_BUDGET_MS);
    const seconds = Math.round(budgetMs / 1000);
    const started = Date.now();
    const baseFetch = deps.fetchImpl || fetch;
    const controller = typeof AbortController === "function" ? new AbortController() : undefined;
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const finish = (c: Completion): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (controller) controller.abort();
      try {
        event.completed(toOfficeOptions(c, office));
      } catch {
        // Outlook refused the answer (an option it does not know, a limit): a minimal blocking answer,
        // once. If that throws too, nothing more can be done: the event is Outlook's.
        try {
          event.completed(toOfficeOptions(completeFailedCompletion(lang), office));
        } catch {
          // see above
        }
      }
    };

    timer = setTimeout(() => finish(failCompletion(failMode, "timeout", lang, seconds)), budgetMs);

    const signalled: typeof fetch = (input, init) =>
      baseFetch(input, controller ? Object.assign({}, init, { signal: controller.signal }) : init);

    const run = async (): Promise<Completion> => {
      if (!office) throw new StepError("item");
      let mail: MailSnapshot;
      try {
        mail = await readComposeItem(office);
      } catch {
        throw new StepError("item");
      }
      // The task pane recorded an override for this mail: the server lets it go only when the mail's
      // digest still matches the overridden one (an edited mail is checked again).
      const override = await readSessionOverride(office);
      const overrideOf = override && override.recipients.join("\n") === recipientKey(mail).join("\n") ? override.checkId : undefined;

      const profile = office.context.mailbox.userProfile;
      const tokenDeps = { fetchImpl: signalled, user: (profile && profile.emailAddress) || undefined };
      const api = new ApiClient({ baseUrl: cfg.apiBaseUrl, lang, fetchImpl: signalled, getToken: () => getAccessToken(cfg, tokenDeps) });
      // Every recipient as Outlook gave it; attachment contents uploaded first (or the early warning's
      // receipts of the same files reused), their receipts in the check; the pane's purpose and students.
      const body = await buildCheckRequest(office, api, mail);
      // The recording check: one pending record, confirmed when the mail shows up in Sent Items.
      body.mode = "send";
      if (overrideOf) body.overrideOf = overrideOf;
      const res: unknown = await api.post<unknown>("/api/check", body, { "idempotency-key": newSendKey() });
      if (!isCheckResponse(res)) throw new StepError("invalid");
      const check: CheckResponse = res;
      // The stamp goes on the mail (a meeting: its custom property) whatever the verdict ("Send Anyway" and SoftBlock still send), and the
      // policy is saved, both BEFORE completing (the runtime may stop right after), within the budget.
      const left = budgetMs - (Date.now() - started) - 250;
      if (left > 0) {
        const writes: Promise<void>[] = [saveKeptPolicy(office, check.policy)];
        if (check.stamp) writes.push(stampCheck(office, check.stamp));
        await within(Promise.all(writes).then(() => undefined), Math.min(left, 2000));
      }
      return completionFor(check, lang);
    };

    run().then(finish, (e: unknown) => finish(failCompletion(failMode, classify(e), lang, seconds)));
  };
}

export const onMessageSendHandler = createOnMessageSendHandler();

// Register with Outlook where Office is present (absent in Node and in tests).
const office = officeGlobal();
if (office && office.actions && typeof office.actions.associate === "function") {
  office.actions.associate(HANDLER_NAME, onMessageSendHandler as (event: never) => void);
  office.actions.associate(APPOINTMENT_HANDLER_NAME, onMessageSendHandler as (event: never) => void);
  associateEarlyHandlers(office);
}
