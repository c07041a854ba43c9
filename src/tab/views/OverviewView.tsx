import { Button, Card, CardHeader, Link, Text, Title2, Title3, makeStyles, tokens } from "@fluentui/react-components";
import type { MouseEvent } from "react";
import { routes, type Stats } from "../api.js";
import { useApp, useLoad } from "../context.js";
import { formatDate, useI18n, type Translate } from "../i18n.js";
import { BarChart, type Bar } from "../components/BarChart.js";
import { ErrorBox, Loading } from "../components/common.js";
import { actsAsCoordinator } from "../audit.js";

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
  const { api, names, navigate, href, roles } = useApp();
  const { t, lang } = useI18n();
  const s = useStyles();
  const loaded = useLoad(() => api.call(routes.stats), [api]);
  if (loaded.loading && !loaded.data) return <Loading />;
  if (loaded.error || !loaded.data) return <ErrorBox error={loaded.error} onRetry={loaded.reload} />;
  const st = loaded.data;
  const open = (id: string) => (e: MouseEvent) => {
    e.preventDefault();
    navigate({ view: "student", id });
  };
  return (
    <section aria-labelledby="ov-title">
      <Title2 as="h1" block id="ov-title">
        {t("ovTitle")}
      </Title2>
      <div className={s.grid}>
        <Card className={s.card}>
          <CardHeader header={<Title3 as="h2" block>{t("ovExpiring")}</Title3>} />
          <Text className={s.big} data-testid="stat-expiring">
            {st.expiringThisMonth.length}
          </Text>
          {st.expiringThisMonth.length ? (
            <>
              <BarChart title={t("ovByWeek")} bars={expiringPerWeek(st.expiringThisMonth, t)} />
              <ul className={s.list}>
                {st.expiringThisMonth.map((e) => (
                  <li key={`${e.studentId}-${e.partyId}-${e.purposeId}`}>
                    <Link href={href({ view: "student", id: e.studentId })} onClick={open(e.studentId)}>
                      {e.name}
                    </Link>
                    : {names.party(e.partyId)}, {formatDate(e.validUntil, lang)}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <Text>{t("ovExpiringNone")}</Text>
          )}
        </Card>
        <Card className={s.card}>
          <CardHeader header={<Title3 as="h2" block>{t("ovDisclosures")}</Title3>} />
          {st.disclosuresPerParty.length ? (
            <BarChart title={t("ovDisclosures")} bars={st.disclosuresPerParty.map((d) => ({ label: d.name || names.party(d.partyId), value: d.count }))} />
          ) : (
            <Text>{t("ovDisclosuresNone")}</Text>
          )}
        </Card>
        <Card className={s.card}>
          <CardHeader header={<Title3 as="h2" block>{t("ovOverrides")}</Title3>} />
          <Text className={s.big} data-testid="stat-overrides">
            {st.overrides.length}
          </Text>
          {st.overrides.length ? (
            <ul className={s.list}>
              {st.overrides.slice(0, 10).map((o) => (
                <li key={o.checkId}>
                  <Link href={href({ view: "student", id: o.studentId })} onClick={open(o.studentId)}>
                    {o.name}
                  </Link>{" "}
                  ({formatDate(o.at, lang)}): {o.reason}{" "}
                  {/* An override found wrong becomes a breach record (issue 15 item 8): the form, prefilled from the override's check. */}
                  {actsAsCoordinator(roles) ? (
                    <Button
                      size="small"
                      appearance="subtle"
                      aria-label={t("ovBreachFromOverrideFor", { name: o.name, date: formatDate(o.at, lang) })}
                      onClick={() => navigate({ view: "review", override: { checkId: o.checkId, reason: o.reason } })}
                    >
                      {t("ovBreachFromOverride")}
                    </Button>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <Text>{t("ovOverridesNone")}</Text>
          )}
        </Card>
      </div>
    </section>
  );
}
