/**
 * Outlook's Smart Alerts dialog, as the playground simulates it: the handler's message, "Send anyway"
 * where sendModeOverride is PromptUser, and the action button (cancelLabel) that opens the task pane.
 * role="alertdialog", aria-modal, focus trapped (Fluent Dialog), Esc = don't send.
 */
import { useEffect, useRef } from "react";
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
} from "@fluentui/react-components";
import type { SimCompletedOptions } from "./office-sim.js";
import { SIM_ENUMS } from "./office-sim.js";
import { MiniMarkdown } from "./markdown.js";
import type { Strings } from "./i18n.js";

export interface SmartAlertProps {
  options: SimCompletedOptions | undefined;
  t: Strings;
  onTakeAction(contextData: string | undefined): void;
  onSendAnyway(): void;
  onDontSend(): void;
}

export function SmartAlert({ options, t, onTakeAction, onSendAnyway, onDontSend }: SmartAlertProps) {
  const first = useRef<HTMLButtonElement>(null);
  const open = options !== undefined;
  useEffect(() => {
    if (!open) return;
    const id = window.setTimeout(() => first.current?.focus(), 0);
    return () => window.clearTimeout(id);
  }, [open]);

  const o = options ?? {};
  const prompt = o.sendModeOverride === SIM_ENUMS.MailboxEnums.SendModeOverride.PromptUser;
  const action = o.cancelLabel && o.commandId ? o.cancelLabel : undefined;
  const text = typeof o.errorMessageMarkdown === "string" && o.errorMessageMarkdown ? o.errorMessageMarkdown : undefined;

  return (
    <Dialog open={open} modalType="alert">
      <DialogSurface
        aria-describedby="pg-alert-message"
        data-testid="smart-alert"
        className="pg-alert"
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            e.stopPropagation();
            onDontSend();
          }
        }}
      >
        <DialogBody>
          <DialogTitle>{t.alertTitle}</DialogTitle>
          <DialogContent id="pg-alert-message" data-testid="smart-alert-message">
            {text ? <MiniMarkdown source={text} /> : <p className="pg-md-p">{o.errorMessage ?? ""}</p>}
          </DialogContent>
          <DialogActions>
            {prompt && (
              <Button appearance="primary" ref={first} onClick={onSendAnyway}>
                {t.sendAnyway}
              </Button>
            )}
            {action ? (
              <Button appearance={prompt ? "secondary" : "primary"} ref={prompt ? undefined : first} onClick={() => onTakeAction(o.contextData)}>
                {action}
              </Button>
            ) : (
              <Button appearance={prompt ? "secondary" : "primary"} ref={prompt ? undefined : first} onClick={onDontSend}>
                {t.dontSend}
              </Button>
            )}
            {action && <Button onClick={onDontSend}>{t.dontSend}</Button>}
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
