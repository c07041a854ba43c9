import { Card, CardHeader, Text, Title3, makeStyles, tokens } from "@fluentui/react-components";
import type { ReactNode } from "react";
import { RouteLink, TitledSection } from "../components/layout.js";
import { routes, type Stats } from "../api.js";
import { useApp, useLoad } from "../context.js";
import { formatDate, useI18n, type Translate } from "../i18n.js";
import { BarChart, type Bar } from "../components/BarChart.js";
import { ErrorBox, Loading } from "../components/common.js";
import { BreachFromOverrideButton } from "../components/BreachFromOverride.js";

const useStyles = makeStyles({
  grid: { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(340px, 1fr))", gap: tokens.spacingHorizontalL },
  card: { padding: tokens.spacingHorizontalL },
  big: { fontSize: tokens.fontSizeHero800, fontWeight: tokens.fontWeightSemibold, lineHeight: tokens.lineHeightHero800 },
  list: { paddingLeft: tokens.spacingHorizontalL, margin: 0 },
});

/** Consents expiring within the next 30 days grouped by the week from now (1-5) they end in. */
export function expiringPerWeek(items: Stats["expiringThisMonth"], t: Translate, now = new Date()): Bar[] {
  const weeks = new Map<number, number>();
  for (const e of items) {
    const d = new Date(e.validUntil);
    if (Number.isNaN(d.getTime())) continue;
    const w = Math.max(1, Math.floor((d.getTime() - now.getTime()) / (7 * 86400_000)) + 1);
    weeks.set(w, (weeks.get(w) ?? 0) + 1);
  }
  return [...weeks.entries()].sort((a, b) => a[0] - b[0]).map(([w, count]) => ({ label: t("ovWeek", { n: w }), value: count }));
}

export function OverviewView(): JSX.Element {
  const { api, names } = useApp();
  const { t, lang } = useI18n();
  const s = useStyles();
  const loaded = useLoad(() => api.call(routes.stats), [api]);
  if (loaded.loading && !loaded.data) return <Loading />;
  if (loaded.error || !loaded.data) return <ErrorBox error={loaded.error} onRetry={loaded.reload} />;
  const st = loaded.data;
  return (
    <TitledSection id="ov-title" title={t("ovTitle")}>
      <div className={s.grid}>
        <StatCard title={t("ovExpiring")} count={st.expiringThisMonth.length} testId="stat-expiring">
          {st.expiringThisMonth.length ? (
            <>
              <BarChart title={t("ovByWeek")} bars={expiringPerWeek(st.expiringThisMonth, t)} />
              <ul className={s.list}>
                {st.expiringThisMonth.map((e) => (
                  <li key={`${e.studentId}-${e.partyId}-${e.purposeId}`}>
                    <RouteLink to={{ view: "student", id: e.studentId }}>
                      {e.name}
                    </RouteLink>
                    : {names.party(e.partyId)}, {formatDate(e.validUntil, lang)}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <Text>{t("ovExpiringNone")}</Text>
          )}
        </StatCard>
        <StatCard title={t("ovDisclosures")}>
          {st.disclosuresPerParty.length ? (
            <BarChart title={t("ovDisclosures")} bars={st.disclosuresPerParty.map((d) => ({ label: d.name || names.party(d.partyId), value: d.count }))} />
          ) : (
            <Text>{t("ovDisclosuresNone")}</Text>
          )}
        </StatCard>
        <StatCard title={t("ovOverrides")} count={st.overrides.length} testId="stat-overrides">
          {st.overrides.length ? (
            <ul className={s.list}>
              {st.overrides.slice(0, 10).map((o) => (
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
