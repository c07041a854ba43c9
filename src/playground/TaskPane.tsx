/**
 * The REAL task pane (src/addin/taskpane/App.tsx) mounted in the page, on the real Office.js host
 * wrapper (OfficeMailHost) over the simulated Office global: every Office call the pane makes goes
 * through office-sim.ts, exactly as in Outlook.
 */
import { forwardRef } from "react";
import { Button } from "@fluentui/react-components";
import { App, type Mode } from "../addin/taskpane/App.js";
import type { MailHost } from "../addin/taskpane/host.js";
import type { Strings } from "./i18n.js";

export interface TaskPaneProps {
  host: MailHost;
  mode: Mode;
  t: Strings;
  onClose(): void;
}

export const TaskPane = forwardRef<HTMLHeadingElement, TaskPaneProps>(function TaskPane({ host, mode, t, onClose }, ref) {
  return (
    <aside className="pg-pane" aria-labelledby="pg-pane-title" data-testid="taskpane" data-mode={mode}>
      <div className="pg-pane-header">
        <h2 id="pg-pane-title" className="pg-pane-title" tabIndex={-1} ref={ref}>
          {t.pane}
        </h2>
        <Button appearance="subtle" size="small" onClick={onClose} aria-label={t.closePane}>
          ✕
        </Button>
      </div>
      <div className="pg-pane-body">
        <App host={host} mode={mode} embedded />
      </div>
    </aside>
  );
});
