import { Card, CardHeader, Text, Title3, makeStyles, tokens } from "@fluentui/react-components";
import type { ReactNode } from "react";
import { RouteLink, TitledSection } from "../components/layout.js";
import { routes } from "../api.js";
import { useApp, useLoad } from "../context.js";
import { formatDate, useI18n } from "../i18n.js";
import { BarChart } from "../components/BarChart.js";
import { ROW_STATES } from "../model.js";
import { STATE_LABEL } from "./RegisterView.js";
import { ErrorBox, Loading } from "../components/common.js";
import { BreachFromOverrideButton } from "../components/BreachFromOverride.js";
import { RemindersDue } from "../components/RemindersDue.js";

const useStyles = makeStyles({
  grid: { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(340px, 1fr))", gap: tokens.spacingHorizontalL },
  card: { padding: tokens.spacingHorizontalL },
  big: { fontSize: tokens.fontSizeHero800, fontWeight: tokens.fontWeightSemibold, lineHeight: tokens.lineHeightHero800 },
  list: { paddingLeft: tokens.spacingHorizontalL, margin: 0 },
});

/**
 * The register in numbers (GET /api/register/overview: counts, never every row). Each number links to the
 * students behind it: the register opened on that state, or sorted by the first end date.
 */
export function OverviewView(): JSX.Element {
  const { api, names } = useApp();
  const { t, lang } = useI18n();
  const s = useStyles();
  const loaded = useLoad(() => api.call(routes.overview), [api]);
  if (loaded.loading && !loaded.data) return <Loading />;
  if (loaded.error || !loaded.data) return <ErrorBox error={loaded.error} onRetry={loaded.reload} />;
  const ov = loaded.data;
  return (
    <TitledSection id="ov-title" title={t("ovTitle")}>
      <div className={s.grid}>
        <StatCard title={t("ovStates")} count={ov.students} testId="stat-students">
          <ul className={s.list}>
            {ROW_STATES.map((st) => (
              <li key={st}>
                <RouteLink to={{ view: "register", state: st }} data-testid={`stat-state-${st}`}>
                  {t(STATE_LABEL[st])}: {ov.states[st]}
                </RouteLink>
              </li>
            ))}
          </ul>
        </StatCard>
        {ov.work ? (
          <StatCard title={t("ovWork")}>
            <ul className={s.list}>
              <li>
                <RouteLink to={{ view: "requests", state: "open" }} data-testid="stat-open-requests">
                  {t("ovOpenRequests", { n: ov.work.openRequests })}
                </RouteLink>
              </li>
              <li>
                <RouteLink to={{ view: "review" }} data-testid="stat-to-review">
                  {t("ovToReview", { n: ov.work.toReview })}
                </RouteLink>
              </li>
            </ul>
          </StatCard>
        ) : null}
        <StatCard title={t("ovExpiring")} count={ov.expiring.consents} testId="stat-expiring">
          {ov.expiring.consents ? (
            <>
              <BarChart title={t("ovByWeek")} bars={ov.expiring.perWeek.map((w) => ({ label: t("ovWeek", { n: w.week }), value: w.consents }))} />
              <ul className={s.list}>
                {ov.expiring.soonest.map((e) => (
                  <li key={`${e.studentId}-${e.partyId}-${e.purposeId}`}>
                    <RouteLink to={{ view: "student", id: e.studentId }}>{e.name}</RouteLink>: {names.party(e.partyId)}, {formatDate(e.validUntil, lang)}
                  </li>
                ))}
              </ul>
              <RouteLink to={{ view: "register", sort: "nextExpiry" }} data-testid="stat-expiring-all">
                {t("ovExpiringAll", { n: ov.expiring.students })}
              </RouteLink>
            </>
          ) : (
            <Text>{t("ovExpiringNone")}</Text>
          )}
        </StatCard>
        <StatCard title={t("rmTitle")}>
          <RemindersDue testId="ov-reminders" />
          <RouteLink to={{ view: "requests" }}>{t("rqTitle")}</RouteLink>
        </StatCard>
        <StatCard title={t("ovDisclosures")}>
          {ov.disclosuresPerParty.length ? (
            <BarChart title={t("ovDisclosures")} bars={ov.disclosuresPerParty.map((d) => ({ label: d.name || names.party(d.partyId), value: d.count }))} />
          ) : (
            <Text>{t("ovDisclosuresNone")}</Text>
          )}
        </StatCard>
        <StatCard title={t("ovOverrides")} count={ov.overrides.count} testId="stat-overrides">
          {ov.overrides.latest.length ? (
            <ul className={s.list}>
              {ov.overrides.latest.map((o) => (
                <li key={o.checkId}>
                  <RouteLink to={{ view: "student", id: o.studentId }}>
                    {o.name}
                  </RouteLink>{" "}
                  ({formatDate(o.at, lang)}): {o.reason}{" "}
                  {/* An override found wrong becomes a breach record (issue 15 item 8): the form, prefilled from the override's check. */}
                  <BreachFromOverrideButton checkId={o.checkId} reason={o.reason} studentName={o.name} at={o.at} />
                </li>
              ))}
            </ul>
          ) : (
            <Text>{t("ovOverridesNone")}</Text>
          )}
        </StatCard>
      </div>
    </TitledSection>
  );
}

/** One card of the overview: its h2 and, when given, the big number (`testId` names it for the tests). */
function StatCard(props: { title: string; count?: number; testId?: string; children: ReactNode }): JSX.Element {
  const s = useStyles();
  return (
    <Card className={s.card}>
      <CardHeader header={<Title3 as="h2" block>{props.title}</Title3>} />
      {props.count !== undefined ? (
        <Text className={s.big} data-testid={props.testId}>
          {props.count}
        </Text>
      ) : null}
      {props.children}
    </Card>
  );
}
