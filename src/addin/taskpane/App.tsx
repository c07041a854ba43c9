import { useMemo } from "react";
import { FluentProvider, teamsDarkTheme, teamsHighContrastTheme, webLightTheme } from "@fluentui/react-components";
import { TaskpaneApi } from "./api.js";
import { AppContext } from "./common.js";
import { CheckView } from "./CheckView.js";
import type { MailHost } from "./host.js";
import { strings } from "./i18n.js";
import { RecordView } from "./RecordView.js";
import { RequestView } from "./RequestView.js";

export type Mode = "check" | "record" | "request";

export function parseMode(search: string): Mode {
  const m = new URLSearchParams(search).get("mode");
  return m === "record" || m === "request" ? m : "check";
}

export function App({ host, mode }: { host: MailHost; mode: Mode }) {
  const ctx = useMemo(() => ({ host, api: new TaskpaneApi(host), t: strings(host.language()) }), [host]);
  const kind = host.theme();
  const theme = kind === "dark" ? teamsDarkTheme : kind === "contrast" ? teamsHighContrastTheme : webLightTheme;
  return (
    <FluentProvider theme={theme} lang={host.language()} className="zv-root">
      <AppContext.Provider value={ctx}>
        <main>{mode === "record" ? <RecordView /> : mode === "request" ? <RequestView /> : <CheckView />}</main>
      </AppContext.Provider>
    </FluentProvider>
  );
}
