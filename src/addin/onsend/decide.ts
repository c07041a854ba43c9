/**
 * Pure mapping from a check result (or a failure) to the options of `event.completed`.
 * Smart Alerts limits: errorMessage and errorMessageMarkdown at most 500 characters, cancelLabel at most
 * 20, contextData at most 3 KB.
 */
import type { CheckResponse } from "../../../contract/sendcheck.js";
import { t, type Failure, type Lang } from "./messages.js";

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

function markdown(res: CheckResponse): string {
  const head = md(res.message);
  const lines: string[] = [];
  for (const r of res.recipients) {
    if (r.verdict === "allow") continue;
    const why = r.reasons.map((q) => q.message).join(" ");
    lines.push("- **" + md(r.address) + "**: " + md(why));
  }
  let out = head;
  for (const l of lines) {
    const next = out + (out === head ? "\n\n" : "\n") + l;
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
  // A warning lets the user choose; a block does too only where the school set the prompt-user send mode.
  if (res.verdict === "warn" || res.policy.sendMode === "prompt-user") base.sendModeOverride = PROMPT_USER;
  return base;
}

/** The backend did not give a usable answer: follow the school's fail mode, never a silent allow. */
export function failCompletion(mode: "block" | "prompt", failure: Failure, lang: Lang): Completion {
  const tx = t(lang);
  if (mode === "prompt") return { allowEvent: false, errorMessage: clip(tx.failPrompt[failure], 500), sendModeOverride: PROMPT_USER };
  return {
    allowEvent: false,
    errorMessage: clip(tx.failBlock[failure], 500),
    cancelLabel: tx.takeAction,
    commandId: CHECK_COMMAND_ID,
    contextData: JSON.stringify({ failure }),
  };
}
