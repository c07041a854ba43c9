/**
 * Pure mapping from a check result (or a failure) to the options of `event.completed`.
 * Smart Alerts limits: errorMessage and errorMessageMarkdown at most 500 characters, cancelLabel at most
 * 20, contextData at most 3 KB.
 */
import type { CheckResponse } from "../../../contract/sendcheck.js";
import { t, type Failure, type Lang } from "./messages.js";
import { fill } from "../../../contract/i18n.js";

/** The task pane button the Smart Alert's action button opens (manifest.xml). */
export const CHECK_COMMAND_ID = "msgComposeCheckButton";
export const PROMPT_USER = "promptUser";

export interface Completion {
  allowEvent: boolean;
  errorMessage?: string;
  errorMessageMarkdown?: string;
  cancelLabel?: string;
  commandId?: string;
  contextData?: string;
  /** The runtime value of Office.MailboxEnums.SendModeOverride.PromptUser. */
  sendModeOverride?: string;
}

export function clip(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 1) + "…";
}

/** Escapes the Markdown characters Outlook's dialog interprets. */
function md(s: string): string {
  return s.replace(/([\\`*_[\]#|<>~])/g, "\\$1");
}

/** The summary already says this sentence (also when the summary cut it short with "…"). */
function said(summary: string, sentence: string): boolean {
  if (summary.indexOf(sentence) >= 0) return true;
  const cut = summary.lastIndexOf("…");
  return cut > 0 && sentence.indexOf(summary.slice(Math.max(0, cut - 40), cut).trim()) >= 0;
}

/**
 * The dialog's Markdown: the summary, a blank line, then one list item per problem the summary does not
 * already say: one sentence per problem, never the same sentence twice (recipients with the same problem
 * share one item). Outlook's documented list form ends every item with "\r" ("- item\r"); items that do
 * not fit in 500 characters are left out whole, never cut in the middle.
 */
export function markdown(res: CheckResponse): string {
  const head = md(res.message);
  const order: string[] = [];
  const who: { [sentence: string]: string[] } = {};
  for (const r of res.recipients) {
    if (r.verdict === "allow") continue;
    for (const q of r.reasons) {
      if (said(res.message, q.message)) continue;
      if (!who[q.message]) {
        who[q.message] = [];
        order.push(q.message);
      }
      const list = who[q.message] || [];
      if (list.indexOf(r.address) < 0) list.push(r.address);
    }
  }
  let out = head;
  for (let i = 0; i < order.length; i++) {
    const sentence = order[i] || "";
    const next = out + (i === 0 ? "\n\n" : "") + "- **" + md((who[sentence] || []).join(", ")) + "**: " + md(sentence) + "\r";
    if (next.length > 500) break;
    out = next;
  }
  return clip(out, 500);
}

export function completionFor(res: CheckResponse, lang: Lang): Completion {
  if (res.verdict === "allow") return { allowEvent: true };
  const base: Completion = {
    allowEvent: false,
    errorMessage: clip(res.message, 500),
    errorMessageMarkdown: markdown(res),
    cancelLabel: t(lang).takeAction,
    commandId: CHECK_COMMAND_ID,
    contextData: JSON.stringify({ checkId: res.checkId }),
  };
  // A warning too is a SoftBlock (the manifest's send mode): Outlook's "Send Anyway" would tell the add-in
  // nothing and ask no reason, so the way on is "Actie ondernemen", which opens the pane, where sending
  // anyway asks a reason bound to this content. Only a school that chose the prompt-user send mode gets
  // Outlook's own choice.
  if (res.policy.sendMode === "prompt-user") base.sendModeOverride = PROMPT_USER;
  return base;
}

/**
 * The backend did not give a usable answer: follow the school's fail mode, never a silent allow.
 * `seconds` is the send budget the timeout texts name.
 */
export function failCompletion(mode: "block" | "prompt", failure: Failure, lang: Lang, seconds: number): Completion {
  const tx = t(lang);
  const text = (s: string): string => clip(fill(s, { s: seconds }), 500);
  if (mode === "prompt") return { allowEvent: false, errorMessage: text(tx.failPrompt[failure]), sendModeOverride: PROMPT_USER };
  return {
    allowEvent: false,
    errorMessage: text(tx.failBlock[failure]),
    cancelLabel: tx.takeAction,
    commandId: CHECK_COMMAND_ID,
    contextData: JSON.stringify({ failure }),
  };
}

/** The only second answer the handler ever gives: Outlook threw on the first. Blocking and minimal. */
export function completeFailedCompletion(lang: Lang): Completion {
  return { allowEvent: false, errorMessage: t(lang).completeFailed };
}
