import { Badge, Button, Field, Input, Select, Text, Title2, makeStyles, tokens } from "@fluentui/react-components";
import { useDeferredValue, useMemo, useState } from "react";
import { routes, type OverviewRow } from "../api.js";
import { useApp, useLoad } from "../context.js";
import { formatDate, useI18n, type MessageKey, type Translate, type Lang } from "../i18n.js";
import { NO_FILTERS, ROW_STATES, facets, filterRows, indexRows, sortRows, type Filters, type RowState, type Sort, type SortKey } from "../model.js";
import { VirtualGrid, type GridColumn } from "../components/VirtualGrid.js";
import { Empty, ErrorBox, Loading } from "../components/common.js";

const useStyles = makeStyles({
  filters: {
    display: "flex",
    flexWrap: "wrap",
    gap: tokens.spacingHorizontalM,
    alignItems: "flex-end",
    marginBottom: tokens.spacingVerticalM,
  },
  search: { minWidth: "260px", flexGrow: 1 },
  select: { minWidth: "160px" },
  count: { display: "block", marginBottom: tokens.spacingVerticalS },
});

export const STATE_LABEL: Record<RowState, MessageKey> = {
  valid: "stateValid",
  missing: "stateMissing",
  expiring: "stateExpiring",
  "refused-or-withdrawn": "stateRefusedOrWithdrawn",
};

const STATE_COLOR: Record<RowState, "success" | "informative" | "warning" | "danger"> = {
  valid: "success",
  missing: "informative",
  expiring: "warning",
  "refused-or-withdrawn": "danger",
};

export function StateBadge({ state }: { state: RowState }): JSX.Element {
  const { t } = useI18n();
  return (
    <Badge appearance="tint" color={STATE_COLOR[state]} shape="rounded">
      {t(STATE_LABEL[state])}
    </Badge>
  );
}

/** The grid's columns, defined once. */
function registerColumns(t: Translate, lang: Lang, names: ReturnType<typeof useApp>["names"]): GridColumn<OverviewRow, SortKey>[] {
  return [
    { id: "name", header: t("colName"), width: "minmax(180px, 2fr)", sortKey: "name", render: (r) => <Text weight="semibold">{r.name}</Text> },
    { id: "number", header: t("colNumber"), width: "minmax(110px, 1fr)", sortKey: "studentNumber", render: (r) => r.studentNumber },
    { id: "school", header: t("colSchool"), width: "minmax(120px, 1.2fr)", sortKey: "schoolId", render: (r) => names.school(r.schoolId) },
    { id: "class", header: t("colClass"), width: "70px", sortKey: "className", render: (r) => r.className },
    { id: "state", header: t("colState"), width: "minmax(170px, 1.4fr)", sortKey: "state", render: (r) => <StateBadge state={r.state} /> },
    { id: "expiry", header: t("colExpiry"), width: "minmax(100px, 1fr)", sortKey: "nextExpiry", render: (r) => formatDate(r.nextExpiry, lang) },
    { id: "parties", header: t("colParties"), width: "minmax(140px, 1.5fr)", render: (r) => r.parties.map((p) => names.party(p)).join(", ") },
    { id: "events", header: t("colEvents"), width: "130px", sortKey: "eventCount", render: (r) => r.eventCount },
  ];
}

export function RegisterView(): JSX.Element {
  const { api, names, navigate } = useApp();
  const { t, lang } = useI18n();
  const s = useStyles();
  const params = new URLSearchParams(window.location.search);
  const [filters, setFilters] = useState<Filters>({ ...NO_FILTERS, schoolId: params.get("school") ?? "" });
  const [sort, setSort] = useState<Sort>({ key: "name", dir: "asc" });
  const loaded = useLoad(() => api.call(routes.overview).then((r) => r.rows), [api]);

  const indexed = useMemo(() => indexRows(loaded.data ?? []), [loaded.data]);
  const sorted = useMemo(() => sortRows(indexed, sort), [indexed, sort]);
  const f = useMemo(() => facets(loaded.data ?? []), [loaded.data]);
  // Typing stays responsive: filtering 10,000+ rows runs at a lower priority than the input.
  const deferred = useDeferredValue(filters);
  const visible = useMemo(() => filterRows(sorted, deferred), [sorted, deferred]);
  const columns = useMemo(() => registerColumns(t, lang, names), [t, lang, names]);

  const set = <K extends keyof Filters>(k: K, v: Filters[K]): void => setFilters((x) => ({ ...x, [k]: v }));
  const toggleSort = (key: SortKey): void => setSort((cur) => (cur.key === key ? { key, dir: cur.dir === "asc" ? "desc" : "asc" } : { key, dir: "asc" }));
  const filtered = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);

  return (
    <section aria-labelledby="register-title">
      <Title2 as="h1" block id="register-title">
        {t("registerTitle")}
      </Title2>
      <p>{t("registerIntro")}</p>
      <div className={s.filters} role="search">
        <Field label={t("searchLabel")} className={s.search}>
          <Input
            type="search"
            value={filters.query}
            placeholder={t("searchPlaceholder")}
            onChange={(_, d) => set("query", d.value)}
            data-testid="register-search"
          />
        </Field>
        <Field label={t("filterState")} className={s.select}>
          <Select value={filters.state} onChange={(_, d) => set("state", (ROW_STATES as readonly string[]).includes(d.value) ? (d.value as RowState) : "")}>
            <option value="">{t("filterAll")}</option>
            {ROW_STATES.map((st) => (
              <option key={st} value={st}>
                {t(STATE_LABEL[st])}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t("filterParty")} className={s.select}>
          <Select value={filters.partyId} onChange={(_, d) => set("partyId", d.value)}>
            <option value="">{t("filterAll")}</option>
            {f.parties.map((p) => (
              <option key={p} value={p}>
                {names.party(p)}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t("filterPurpose")} className={s.select}>
          <Select value={filters.purposeId} onChange={(_, d) => set("purposeId", d.value)}>
            <option value="">{t("filterAll")}</option>
            {f.purposes.map((p) => (
              <option key={p} value={p}>
                {names.purpose(p)}
              </option>
            ))}
          </Select>
        </Field>
        {f.schools.length > 1 || filters.schoolId ? (
          <Field label={t("filterSchool")} className={s.select}>
            <Select value={filters.schoolId} onChange={(_, d) => set("schoolId", d.value)}>
              <option value="">{t("filterAll")}</option>
              {f.schools.map((p) => (
                <option key={p} value={p}>
                  {names.school(p)}
                </option>
              ))}
            </Select>
          </Field>
        ) : null}
        <Field label={t("filterClass")} className={s.select}>
          <Select value={filters.className} onChange={(_, d) => set("className", d.value)}>
            <option value="">{t("filterAll")}</option>
            {f.classes.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </Select>
        </Field>
        <Button disabled={!filtered} onClick={() => setFilters(NO_FILTERS)}>
          {t("clearFilters")}
        </Button>
      </div>
      {loaded.loading && !loaded.data ? <Loading /> : null}
      {loaded.error ? <ErrorBox error={loaded.error} onRetry={loaded.reload} /> : null}
      {loaded.data ? (
        loaded.data.length === 0 ? (
          <Empty>{t("emptyRegister")}</Empty>
        ) : (
          <>
            <Text className={s.count} role="status" aria-live="polite" data-testid="register-count">
              {t("resultCount", { count: visible.length, total: loaded.data.length })}
            </Text>
            {visible.length === 0 ? (
              <Empty>{t("emptyFiltered")}</Empty>
            ) : (
              <VirtualGrid<OverviewRow, SortKey>
                label={t("gridLabel", { count: visible.length })}
                description={t("gridHelp")}
                rows={visible}
                columns={columns}
                rowId={(r) => r.studentId}
                rowLabel={(r) => `${r.name}, ${r.studentNumber}, ${t(STATE_LABEL[r.state])}`}
                onOpen={(r) => navigate({ view: "student", id: r.studentId })}
                sort={sort}
                onSort={toggleSort}
                sortLabels={{ asc: t("sortAsc"), desc: t("sortDesc"), sortBy: (col) => t("sortBy", { col }) }}
              />
            )}
          </>
        )
      ) : null}
    </section>
  );
}
