import { Button, Text, makeStyles, tokens } from "@fluentui/react-components";
import { useState } from "react";
import { routes } from "../api.js";
import { useApp, useLoad } from "../context.js";
import { useI18n } from "../i18n.js";
import { ErrorBox, Success } from "./common.js";

const useStyles = makeStyles({
  bar: { display: "flex", gap: tokens.spacingHorizontalM, alignItems: "center", flexWrap: "wrap", margin: `${tokens.spacingVerticalS} 0` },
});

/**
 * The reminders due in the caller's schools (GET /api/consent-reminders) and, where a coordinator sends
 * them (the school's automatic reminders off), one action "Alle herinneringen sturen" that sends exactly
 * the due ones from the coordinator's own mailbox (POST /api/consent-reminders). Shown on the overview and
 * above Open verzoeken. Without Microsoft Graph (dev mode) the server cannot send: the count alone.
 */
export function RemindersDue({ onSent, testId }: { onSent?: () => void; testId: string }): JSX.Element | null {
  const { api } = useApp();
  const { t } = useI18n();
  const s = useStyles();
  const due = useLoad(async () => {
    const [d, me] = await Promise.all([api.call(routes.remindersDue), api.call(routes.me)]);
    return { ...d, graph: me.graph };
  }, [api]);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<number | undefined>();
  const [error, setError] = useState<unknown>();
  const send = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.call(routes.remindDue);
      setSent(r.reminded);
      if (r.failed > 0) setError(new Error(t("rmFailed", { n: r.failed })));
      onSent?.();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      due.reload();
    }
  };
  const d = due.data;
  if (!d) return due.error ? <ErrorBox error={due.error} onRetry={due.reload} /> : null;
  return (
    <div data-testid={testId}>
      <div className={s.bar}>
        <Text>
          {d.manual > 0 ? t("rmDue", { n: d.manual }) : t("rmNoneDue")}
          {d.automaticSchools.length > 0 ? ` ${t("rmAutomatic", { n: d.automaticSchools.length })}` : ""}
        </Text>
        {d.graph && d.manual > 0 ? (
          <Button appearance="primary" data-testid="rq-remind" disabled={busy} onClick={() => void send()}>
            {t("rmSendAll", { n: d.manual })}
          </Button>
        ) : null}
      </div>
      {sent !== undefined && sent > 0 ? <Success>{t("rqReminded", { n: sent })}</Success> : null}
      {error ? <ErrorBox error={error} /> : null}
    </div>
  );
}
