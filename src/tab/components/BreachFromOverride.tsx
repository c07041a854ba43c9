/** "Als datalek registreren" on an override found wrong (issue 15 item 8): the overview and the student's timeline. */
import { Button } from "@fluentui/react-components";
import { useApp } from "../context.js";
import { formatDate, useI18n } from "../i18n.js";
import { actsAsCoordinator } from "../audit.js";

/**
 * Opens the breach form prefilled from the override's check (students, blocked recipients, reason), for
 * coordinators and the privacy officer only (the route's access); nothing for anyone else.
 */
export function BreachFromOverrideButton(props: { checkId: string; reason: string; studentName: string; at: string }): JSX.Element | null {
  const { navigate, roles } = useApp();
  const { t, lang } = useI18n();
  if (!actsAsCoordinator(roles)) return null;
  return (
    <Button
      size="small"
      appearance="subtle"
      aria-label={t("ovBreachFromOverrideFor", { name: props.studentName, date: formatDate(props.at, lang) })}
      onClick={() => navigate({ view: "review", override: { checkId: props.checkId, reason: props.reason } })}
    >
      {t("ovBreachFromOverride")}
    </Button>
  );
}
