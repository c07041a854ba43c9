import { useState } from "react";
import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import type { Challenge } from "../auth/chain.js";
import type { MailHost } from "./host.js";
import type { Strings } from "./i18n.js";

/**
 * The backend asked the user to sign in again (INTERACTION_REQUIRED, e.g. multi-factor: Entra's claims
 * challenge is passed to the sign-in) or to consent (CONSENT_REQUIRED). One button answers it with the
 * host's interactive sign-in; `onDone` then starts the pane's view over with the new token.
 */
export function SignInPrompt({ challenge, host, t, onDone }: { challenge: Challenge; host: MailHost; t: Strings; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const consent = challenge.kind === "consent";
  const go = async () => {
    setBusy(true);
    setFailed(false);
    try {
      await host.challenge(challenge);
      onDone();
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <MessageBar intent="warning" layout="multiline" data-testid="sign-in-prompt" aria-live="polite">
      <MessageBarBody>
        <MessageBarTitle>{consent ? t.consentTitle : t.signInTitle}</MessageBarTitle>
        {consent ? t.consentText : t.signInText}
        {failed && <div role="alert">{t.signInFailed}</div>}
      </MessageBarBody>
      <MessageBarActions>
        <Button appearance="primary" disabled={busy} onClick={() => void go()}>
          {busy ? t.signInBusy : consent ? t.consentButton : t.signInButton}
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}
