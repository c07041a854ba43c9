import { useMemo, useState } from "react";
import { FluentProvider } from "@fluentui/react-components";
import { THEMES, themeStyle } from "../../shared/theme.js";
import { taskpaneClient } from "./api.js";
import { AppContext } from "./common.js";
import { CheckView } from "./CheckView.js";
import type { MailHost } from "./host.js";
import { strings } from "./i18n.js";
import { RecordView } from "./RecordView.js";
import { RequestView } from "./RequestView.js";
import { SignInPrompt } from "./SignInPrompt.js";
import type { Challenge } from "../auth/chain.js";

export type Mode = "check" | "record" | "request";

export function parseMode(search: string): Mode {
  const m = new URLSearchParams(search).get("mode");
  return m === "record" || m === "request" ? m : "check";
}

/**
 * The task pane. `embedded`: mounted inside another page (the playground), which owns the page's
 * main landmark; the pane is then a labelled region instead.
 */
export function App({ host, mode, embedded = false }: { host: MailHost; mode: Mode; embedded?: boolean }) {
  // The backend's request to sign in again or to consent; answering it starts the view over (`round`).
  const [challenge, setChallenge] = useState<Challenge>();
  const [round, setRound] = useState(0);
  const ctx = useMemo(() => ({ host, api: taskpaneClient(host, setChallenge), t: strings(host.language()) }), [host]);
  const kind = host.theme();
  const view = mode === "record" ? <RecordView key={round} /> : mode === "request" ? <RequestView key={round} /> : <CheckView key={round} />;
  const prompt = challenge && (
    <SignInPrompt
      challenge={challenge}
      host={host}
      t={ctx.t}
      onDone={() => {
        setChallenge(undefined);
        setRound((r) => r + 1);
      }}
    />
  );
  return (
    // The class sits on an inner element: Fluent copies the provider's className onto popup portals,
    // and a full-height root there would cover the page.
    <FluentProvider theme={THEMES[kind]} style={themeStyle(kind)} data-theme={kind} lang={host.language()}>
      <AppContext.Provider value={ctx}>
        {embedded ? (
          <section className="zv-root" aria-label="Zorgvuldig">
            {prompt}
            {view}
          </section>
        ) : (
          <main className="zv-root">
            {prompt}
            {view}
          </main>
        )}
      </AppContext.Provider>
    </FluentProvider>
  );
}
