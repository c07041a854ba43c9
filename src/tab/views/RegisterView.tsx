/**
 * The register: Fluent UI's DataGrid, virtualised with react-window (@fluentui-contrib), over the
 * server's paged register (GET /api/register/rows: search, filters, sort and paging happen there, so
 * 30,000 students cost one page). Filters and sort live in the URL.
 *
 * Keyboard (the ARIA grid pattern): the grid is one tab stop (a roving tabindex over its cells); arrow
 * keys move from cell to cell, also past the rendered window (the list scrolls to the row, then the
 * cell takes focus); Home/End the first or last cell of the row, Ctrl+Home/Ctrl+End the first or last
 * row, Page Up/Down a screen. Enter opens the student (on a header: sorts), Space selects the row.
 * `aria-selected` is the selection, never the focus.
 */
import { Badge, Button, DataGridRow, Field, Input, Text, createTableColumn, makeStyles, mergeClasses, tokens, type TableColumnDefinition, type TableRowId } from "@fluentui/react-components";
import { TitledSection, OptionSelect } from "../components/layout.js";
import { DataGrid, DataGridCell, DataGridHeader, DataGridHeaderCell } from "@fluentui-contrib/react-data-grid-react-window";
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type FocusEvent, type KeyboardEvent } from "react";
import type { FixedSizeList } from "react-window";
import { RegisterBody } from "./RegisterBody.js";
import { routes, type OverviewRow, type TabApi } from "../api.js";
import { PdfButton } from "../components/PdfButton.js";
import type { RegisterPage } from "../../../contract/index.js";
import { useApp } from "../context.js";
import { formatDate, useI18n, type Lang, type MessageKey, type Translate } from "../i18n.js";
import { arrivedFirstPage, takeFirstPage } from "../first-page.js";
import { NO_FILTERS, REGISTER_PAGE, ROW_STATES, csvOf, filtersFromParams, moveCell, paramsWith, queryOf, type Cell, type Filters, type RowState, type Sort, type SortKey } from "../model.js";
import { Empty, ErrorBox, Loading } from "../components/common.js";
import { ImportLink } from "./onboarding/ImportLink.js";

const useStyles = makeStyles({
  filters: {
    display: "flex",
    flexWrap: "wrap",
    gap: tokens.spacingHorizontalM,
    alignItems: "flex-end",
    marginBottom: tokens.spacingVerticalM,
  },
  search: { minWidth: "220px", flexGrow: 1 },
  select: { minWidth: "150px" },
  count: { display: "block", marginBottom: tokens.spacingVerticalS },
  bulk: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalM, alignItems: "center", minHeight: "32px", marginBottom: tokens.spacingVerticalS },
  grid: {
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    overflowX: "auto",
  },
  header: { backgroundColor: tokens.colorNeutralBackground3 },
  row: { cursor: "pointer" },
  // As the virtualised grid's rows: as wide as their cells, so that the grid scrolls sideways as one.
  bodyRow: { minWidth: "fit-content" },
  // A selected row keeps the selected foreground with the selected background: in high contrast the
  // background is the highlight colour (cyan) and only the highlight text colour (black) is readable on it.
  selected: {
    backgroundColor: tokens.colorNeutralBackground1Selected,
    color: tokens.colorNeutralForeground1Selected,
    ":hover": { backgroundColor: tokens.colorNeutralBackground1Selected, color: tokens.colorNeutralForeground1Selected },
  },
  cell: { minWidth: 0, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
  focusable: {
    ":focus-visible": { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: "-2px" },
    ":focus": { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: "-2px" },
  },
  placeholder: { color: tokens.colorNeutralForeground3 },
  hidden: { display: "none" },
});

/** The header cell's own `sortable` (its type omits it; the virtualised grid does not give its sort to the cells). */
const SORTABLE = { sortable: true };

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

const PAGE = REGISTER_PAGE;
/**
 * A grid row's id is its position (stable: one function, no string per row): Fluent's table builds a set
 * of every row's id and a row object per position on each render, which for 30,000 students with ids
 * made of the loaded pages cost a pass of 30,000 lookups and strings per render (issue 17, first rows).
 */
const ROW_ID = (i: number): TableRowId => i;
const ROW_HEIGHT = 44;
/** Rows rendered beyond the visible window once the first rows are painted (none before: issue 17, first rows). */
const OVERSCAN = 6;

interface Paged {
  /** The query the pages belong to. */
  key: string;
  total: number | undefined;
  all: number;
  facets: RegisterPage["facets"];
  pages: Map<number, OverviewRow[]>;
  error: unknown;
}

/** The server's pages of one query: the first at once, the others when the list shows their rows. */
function useRegisterPages(api: TabApi, filters: Filters, sort: Sort): Paged & { ensure(from: number, to: number): void; reload(): void } {
  const key = JSON.stringify([filters, sort]);
  const [tick, setTick] = useState(0);
  const empty = (): Paged => ({ key, total: undefined, all: 0, facets: { schools: [], classes: [], parties: [], purposes: [] }, pages: new Map(), error: undefined });
  // The first page may have arrived before this screen's code ran (main.tsx asks it at once): then the
  // first render shows the rows.
  const [arrived] = useState(() => arrivedFirstPage(queryOf(filters, sort, 0, PAGE)));
  const [state, setState] = useState<Paged>(() =>
    arrived ? { ...empty(), pages: new Map([[0, arrived.rows]]), total: arrived.total, all: arrived.all, facets: arrived.facets } : empty(),
  );
  const asked = useRef(new Set<string>(arrived ? [`${key}#0`] : []));
  const current = useRef(key);
  current.current = key;

  const fetchPage = useCallback(
    (n: number, k: string, f: Filters, s: Sort) => {
      const id = `${k}#${n}`;
      if (asked.current.has(id)) return;
      asked.current.add(id);
      const query = queryOf(f, s, n * PAGE, PAGE);
      // The first page may already be on its way (main.tsx asks it while the tab's code loads).
      (takeFirstPage(query) ?? api.call(routes.registerRows, { query })).then(
        (page) => {
          if (current.current !== k) return;
          setState((st) => {
            const base = st.key === k ? st : { ...empty(), key: k };
            const pages = new Map(base.pages);
            pages.set(n, page.rows);
            return { ...base, pages, total: page.total, all: page.all, facets: page.facets, error: undefined };
          });
        },
        (error: unknown) => {
          asked.current.delete(id);
          if (current.current === k) setState((st) => ({ ...st, error }));
        },
      );
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api],
  );

  // A new query: its first page (typing waits a moment so each key is not a request; the query the
  // register opens with is asked at once, in this very effect).
  const opened = useRef(false);
  useEffect(() => {
    if (!opened.current) {
      opened.current = true;
      fetchPage(0, key, filters, sort);
      return;
    }
    asked.current.clear();
    const wait = setTimeout(() => fetchPage(0, key, filters, sort), filters.query ? 200 : 0);
    return () => clearTimeout(wait);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick, fetchPage]);

  const ensure = useCallback(
    (from: number, to: number) => {
      for (let n = Math.floor(from / PAGE); n <= Math.floor(to / PAGE); n++) fetchPage(n, key, filters, sort);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key, fetchPage],
  );
  const view = state.key === key ? state : { ...state, key, pages: new Map<number, OverviewRow[]>() };
  return { ...view, ensure, reload: () => setTick((n) => n + 1) };
}

interface Col {
  id: SortKey | "parties";
  label: MessageKey;
  width: number;
  sortable: boolean;
  render(r: OverviewRow, ctx: { t: Translate; lang: Lang; names: ReturnType<typeof useApp>["names"] }): JSX.Element | string | number;
}

const COLS: Col[] = [
  { id: "name", label: "colName", width: 220, sortable: true, render: (r) => <Text weight="semibold">{r.name}</Text> },
  { id: "studentNumber", label: "colNumber", width: 120, sortable: true, render: (r) => r.studentNumber },
  { id: "schoolId", label: "colSchool", width: 160, sortable: true, render: (r, c) => c.names.school(r.schoolId) },
  { id: "className", label: "colClass", width: 100, sortable: true, render: (r) => r.className },
  { id: "state", label: "colState", width: 190, sortable: true, render: (r) => <StateBadge state={r.state} /> },
  { id: "nextExpiry", label: "colExpiry", width: 130, sortable: true, render: (r, c) => formatDate(r.nextExpiry, c.lang) },
  { id: "parties", label: "colParties", width: 200, sortable: false, render: (r, c) => r.parties.map((p) => c.names.party(p)).join(", ") },
  { id: "eventCount", label: "colEvents", width: 110, sortable: true, render: (r) => r.eventCount },
];

/**
 * The register screen. Memoised: it takes no props, so the app's own updates (the lookups, /me and the
 * audit status arriving just after the first page) do not render the grid's rows again; the contexts it
 * reads (names, language) still do.
 */
export const RegisterView = memo(function RegisterView(): JSX.Element {
  const { api, names, navigate } = useApp();
  const { t, lang } = useI18n();
  const s = useStyles();
  const initial = useMemo(() => filtersFromParams(new URLSearchParams(window.location.search)), []);
  const [filters, setFilters] = useState<Filters>(initial.filters);
  const [sort, setSort] = useState<Sort>(initial.sort);
  const paged = useRegisterPages(api, filters, sort);
  const [selected, setSelected] = useState<Map<string, OverviewRow>>(new Map());
  const [active, setActive] = useState<Cell>({ row: 0, col: 1 });
  const focusWanted = useRef(false);
  const listRef = useRef<FixedSizeList>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  // The list's height from the window's at once (a layout effect setting it rendered the whole grid twice).
  const [height] = useState(() => Math.max(300, Math.min(640, Math.round(window.innerHeight * 0.62))));
  // The first rows are painted without the rows below the window (overscan): those come a frame later.
  const [overscan, setOverscan] = useState(0);

  // Filters and sort in the URL (replaced, not pushed: the back button leaves the register).
  useEffect(() => {
    const p = paramsWith(new URLSearchParams(window.location.search), filters, sort);
    window.history.replaceState(null, "", `?${p.toString()}`);
  }, [filters, sort]);

  const total = paged.total ?? 0;
  const rowAt = useCallback((i: number): OverviewRow | undefined => paged.pages.get(Math.floor(i / PAGE))?.[i % PAGE], [paged.pages]);
  // The grid's items are the positions of the loaded rows (a page of 100 each), not all `total`: Fluent's
  // table makes a set of every item's id and a row object per item on each render, and the body
  // (RegisterBody) lists all `total` positions itself (issue 17, the first rows).
  const items = useMemo(() => loadedPositions(paged.pages), [paged.pages]);
  const colCount = COLS.length + 1; // the selection column first
  const focusName = filters.partyId || filters.purposeId ? [names.party(filters.partyId), names.purpose(filters.purposeId)].filter(Boolean).join(" · ") : "";

  // The active cell stays inside the grid when the rows change.
  useEffect(() => {
    setActive((a) => (total > 0 && a.row >= total ? { row: total - 1, col: a.col } : a));
  }, [total]);

  // After a move, focus the active cell once its row is rendered (the list may first have to scroll there).
  useEffect(() => {
    if (!focusWanted.current) return;
    let tries = 0;
    let frame = 0;
    const attempt = (): void => {
      const el = gridRef.current?.querySelector<HTMLElement>(`[data-cell="${active.row}:${active.col}"]`);
      if (el) {
        focusWanted.current = false;
        el.focus();
      } else if (tries++ < 120) frame = requestAnimationFrame(attempt);
    };
    attempt();
    return () => cancelAnimationFrame(frame);
  }, [active, paged.pages, selected]);

  // The grid counts its header row: aria-rowcount is the rows plus one (the contrib grid sets the rows only).
  useLayoutEffect(() => {
    gridRef.current?.querySelector("[role=grid]")?.setAttribute("aria-rowcount", String(total + 1));
  });

  // Fluent's column sizing knows the grid's width only once it is in the page (it measures it as it mounts
  // and renders again, before the first paint). The rows wait for that second render instead of being
  // rendered twice: the first one holds the header and an empty list (issue 17, the first rows).
  const [sized, setSized] = useState(false);
  useLayoutEffect(() => {
    if (!sized && gridRef.current) setSized(true);
  });

  const set = <K extends keyof Filters>(k: K, v: Filters[K]): void => setFilters((x) => ({ ...x, [k]: v }));
  const toggleSort = (key: SortKey): void => {
    // The grid reloads its rows: the focus comes back to this header once they are there.
    focusWanted.current = true;
    setSort((cur) => (cur.key === key ? { key, dir: cur.dir === "asc" ? "desc" : "asc" } : { key, dir: "asc" }));
  };
  const filtered = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);

  const columns: TableColumnDefinition<number>[] = useMemo(
    () =>
      COLS.map((c) =>
        createTableColumn<number>({
          columnId: c.id,
          renderHeaderCell: () => (c.id === "state" && focusName ? t("stateFor", { what: focusName }) : t(c.label)),
          renderCell: (i) => {
            const r = rowAt(i);
            return r ? c.render(r, { t, lang, names }) : c.id === "name" ? <span className={s.placeholder}>{t("rowLoading")}</span> : "";
          },
        }),
      ),
    [rowAt, t, lang, names, focusName, s.placeholder],
  );

  // The focused cell is the active one (one tab stop): a click or a focus() moves it as the arrows do.
  const onFocus = (e: FocusEvent<HTMLDivElement>): void => {
    const at = (e.target as HTMLElement).closest<HTMLElement>("[data-cell]")?.dataset.cell;
    if (!at) return;
    const [row = 0, col = 0] = at.split(":").map(Number);
    setActive((a) => (a.row === row && a.col === col ? a : { row, col }));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const target = e.target as HTMLElement;
    const at = target.closest<HTMLElement>("[data-cell]")?.dataset.cell;
    if (!at) return;
    const [r = 0, c = 0] = at.split(":").map(Number);
    const here = { row: r, col: c };
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const next = moveCell(e.key, e.ctrlKey || e.metaKey, here, total, colCount, page);
    if (next) {
      e.preventDefault();
      e.stopPropagation();
      focusWanted.current = true;
      if (next.row >= 0) listRef.current?.scrollToItem(next.row);
      setActive(next);
      return;
    }
    if (here.row >= 0 && e.key === "Enter") {
      const row = rowAt(here.row);
      if (row) {
        e.preventDefault();
        navigate({ view: "student", id: row.studentId });
      }
    }
    // Space: the row toggles its selection itself (DataGridRow); the focus stays on this cell.
    if (here.row >= 0 && e.key === " ") focusWanted.current = true;
  };

  const downloadSelection = (): void => {
    const rows = [...selected.values()];
    const csv = csvOf(
      [t("colName"), t("colNumber"), t("colSchool"), t("colClass"), t("colState"), t("colExpiry")],
      rows.map((r) => [r.name, r.studentNumber, names.school(r.schoolId), r.className, t(STATE_LABEL[r.state]), formatDate(r.nextExpiry, lang)]),
    );
    const url = URL.createObjectURL(new Blob(["\ufeff", csv], { type: "text/csv;charset=utf-8" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "leerlingen.csv";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const tab = (row: number, col: number): 0 | -1 => (active.row === row && active.col === col ? 0 : -1);
  // The row renderer keeps its identity: the contrib body makes it react-window's row component, and a new
  // one would remount every row (and drop the focus) on each move. It reads the current state from a ref.
  const live = useRef({ rowAt, selected, tab, t, navigate, s });
  live.current = { rowAt, selected, tab, t, navigate, s };
  const renderRow = useCallback((index: number, style: CSSProperties) => {
    const { rowAt: at, selected: sel, tab: tb, t: tr, navigate: go, s: st } = live.current;
    const r = at(index);
    return (
      <DataGridRow<number>
        // By position, not by student: a row's id changes when its page arrives, and a new key would remount it (and drop the focus).
        key={index}
        style={style}
        aria-rowindex={index + 2}
        className={mergeClasses(st.row, st.bodyRow, r && sel.has(r.studentId) && st.selected)}
        data-testid="register-row"
        aria-label={r ? `${r.name}, ${r.studentNumber}, ${tr(STATE_LABEL[r.state])}` : tr("rowLoading")}
        selectionCell={{
          checkboxIndicator: {
            "aria-label": tr("selectRow", { name: r?.name ?? String(index + 1) }),
            input: { tabIndex: tb(index, 0), "data-cell": `${index}:0` } as Record<string, unknown>,
          },
        }}
        onDoubleClick={() => r && go({ view: "student", id: r.studentId })}
      >
        {({ renderCell, columnId }) => {
          const ci = COLS.findIndex((c) => c.id === columnId) + 1;
          return (
            <DataGridCell
              tabIndex={tb(index, ci)}
              data-cell={`${index}:${ci}`}
              className={mergeClasses(st.cell, st.focusable)}
              onClick={(e) => {
                // A click on the name opens the student; elsewhere it selects the row.
                if (ci === 1 && r) {
                  e.stopPropagation();
                  go({ view: "student", id: r.studentId });
                }
              }}
            >
              {renderCell(index)}
            </DataGridCell>
          );
        }}
      </DataGridRow>
    );
  }, []);
  // The grid's row ids are positions (ROW_ID): the selection, kept by student, is shown on the loaded rows
  // that hold a selected student (a page of 100 each, not the 30,000 positions).
  const shown = loadedAllRows(paged.pages, total);
  useEffect(() => {
    if (!shown || overscan) return;
    // After the frame that painted the first rows (a timer set in an animation frame runs after its paint).
    let timer = 0;
    const frame = requestAnimationFrame(() => {
      timer = window.setTimeout(() => setOverscan(OVERSCAN), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [shown, overscan]);
  const selectedIds = useMemo(() => {
    const ids = new Set<TableRowId>();
    if (selected.size === 0) return ids;
    for (const [n, rows] of paged.pages) rows.forEach((r, i) => selected.has(r.studentId) && ids.add(n * PAGE + i));
    return ids;
  }, [selected, paged.pages]);
  const loadedAll = paged.pages.get(0) !== undefined;
  const f = paged.facets;
  // The class overview (PDF) is of one class of one school: the chosen school, or the only one.
  const classSchool = filters.schoolId || (f.schools.length === 1 ? (f.schools[0] ?? "") : "");

  return (
    <TitledSection id="register-title" title={t("registerTitle")}>
      <p>{t("registerIntro")}</p>
      <div className={s.filters} role="search">
        <Field label={t("searchLabel")} className={s.search}>
          <Input type="search" value={filters.query} placeholder={t("searchPlaceholder")} onChange={(_, d) => set("query", d.value)} data-testid="register-search" />
        </Field>
        <Field label={t("filterState")} className={s.select}>
          <OptionSelect value={filters.state} onChange={(_, d) => set("state", (ROW_STATES as readonly string[]).includes(d.value) ? (d.value as RowState) : "")} options={ROW_STATES} label={(st) => t(STATE_LABEL[st])} allLabel={t("filterAll")} />
        </Field>
        <Field label={t("filterParty")} className={s.select}>
          <OptionSelect value={filters.partyId} onChange={(_, d) => set("partyId", d.value)} options={uniqueWith(f.parties, filters.partyId)} label={(p) => names.party(p)} allLabel={t("filterAll")} />
        </Field>
        <Field label={t("filterPurpose")} className={s.select}>
          <OptionSelect value={filters.purposeId} onChange={(_, d) => set("purposeId", d.value)} options={uniqueWith(f.purposes, filters.purposeId)} label={(p) => names.purpose(p)} allLabel={t("filterAll")} />
        </Field>
        {f.schools.length > 1 || filters.schoolId ? (
          <Field label={t("filterSchool")} className={s.select}>
            <OptionSelect value={filters.schoolId} onChange={(_, d) => set("schoolId", d.value)} options={uniqueWith(f.schools, filters.schoolId)} label={(p) => names.school(p)} allLabel={t("filterAll")} />
          </Field>
        ) : null}
        <Field label={t("filterClass")} className={s.select}>
          <OptionSelect value={filters.className} onChange={(_, d) => set("className", d.value)} options={uniqueWith(f.classes, filters.className)} label={(c) => c} allLabel={t("filterAll")} />
        </Field>
        <Button disabled={!filtered} onClick={() => setFilters(NO_FILTERS)}>
          {t("clearFilters")}
        </Button>
      </div>
      {paged.error ? <ErrorBox error={paged.error} onRetry={paged.reload} /> : null}
      {!loadedAll && !paged.error ? <Loading /> : null}
      {loadedAll ? (
        paged.all === 0 ? (
          <Empty>
            {t("emptyRegister")} <ImportLink />
          </Empty>
        ) : (
          <>
            <Text className={s.count} role="status" aria-live="polite" data-testid="register-count">
              {t("resultCount", { count: total, total: paged.all })}
            </Text>
            <div className={s.bulk} data-testid="register-bulk">
              <Text>{t("selectedCount", { count: selected.size })}</Text>
              <Button size="small" disabled={selected.size === 0} onClick={downloadSelection}>
                {t("exportSelection")}
              </Button>
              <Button size="small" appearance="subtle" disabled={selected.size === 0} onClick={() => setSelected(new Map())}>
                {t("clearSelection")}
              </Button>
              {classSchool && filters.className ? (
                <PdfButton
                  size="small"
                  label={t("docClassPdf", { className: filters.className })}
                  fileName={`klasoverzicht-${filters.className.replace(/\s+/g, "-")}.pdf`}
                  fetchPdf={() => api.download(routes.classOverview, { query: { schoolId: classSchool, className: filters.className, lang } })}
                  testId="register-class-pdf"
                />
              ) : null}
            </div>
            {total === 0 ? (
              <Empty>{t("emptyFiltered")}</Empty>
            ) : (
              <div ref={gridRef} className={s.grid} onKeyDown={onKeyDown} onFocus={onFocus}>
                <span id="register-grid-help" className={s.hidden}>
                  {t("gridHelp")}
                </span>
                <DataGrid
                  items={items}
                  columns={columns}
                  getRowId={ROW_ID}
                  focusMode="none"
                  selectionMode="multiselect"
                  selectedItems={selectedIds}
                  onSelectionChange={(_, d) => {
                    // Selected students not on a loaded row of this query stay selected; the loaded rows say the rest.
                    const shown = new Set<string>();
                    for (const rows of paged.pages.values()) for (const r of rows) shown.add(r.studentId);
                    const next = new Map([...selected].filter(([id]) => !shown.has(id)));
                    for (const id of d.selectedItems) {
                      const r = typeof id === "number" ? rowAt(id) : undefined;
                      if (r) next.set(r.studentId, r);
                    }
                    setSelected(next);
                  }}
                  columnSizingOptions={Object.fromEntries(COLS.map((c) => [c.id, { idealWidth: c.width, minWidth: Math.min(c.width, 90) }]))}
                  resizableColumns
                  aria-label={t("gridLabel", { count: total })}
                  aria-describedby="register-grid-help"
                  data-testid="register-grid"
                >
                  <DataGridHeader className={s.header}>
                    <DataGridRow
                      aria-rowindex={1}
                      className={s.bodyRow}
                      selectionCell={{
                        checkboxIndicator: { "aria-label": t("selectAllRows"), input: { tabIndex: tab(-1, 0), "data-cell": "-1:0" } as Record<string, unknown> },
                      }}
                    >
                      {({ renderHeaderCell, columnId }) => {
                        const ci = COLS.findIndex((c) => c.id === columnId) + 1;
                        const sortable = COLS[ci - 1]?.sortable ?? false;
                        return sortable ? (
                          // The header cells sort themselves (the virtualised grid does not pass its sort to them):
                          // aria-sort and the arrow from the URL's sort, Enter or a click on the button toggles.
                          <DataGridHeaderCell
                            {...SORTABLE}
                            sortDirection={sort.key === columnId ? (sort.dir === "asc" ? "ascending" : "descending") : undefined}
                            onClick={() => toggleSort(columnId as SortKey)}
                            button={{ tabIndex: tab(-1, ci), "data-cell": `-1:${ci}`, className: s.focusable } as Record<string, unknown>}
                          >
                            {renderHeaderCell()}
                          </DataGridHeaderCell>
                        ) : (
                          <DataGridHeaderCell tabIndex={tab(-1, ci)} data-cell={`-1:${ci}`} className={s.focusable}>
                            {renderHeaderCell()}
                          </DataGridHeaderCell>
                        );
                      }}
                    </DataGridRow>
                  </DataGridHeader>
                  <RegisterBody
                    count={total}
                    itemSize={ROW_HEIGHT}
                    height={sized ? height : 0}
                    listRef={listRef}
                    overscanCount={overscan}
                    onItemsRendered={({ overscanStartIndex, overscanStopIndex }) => paged.ensure(overscanStartIndex, overscanStopIndex)}
                    renderRow={renderRow}
                  />
                </DataGrid>
              </div>
            )}
          </>
        )
      ) : null}
    </TitledSection>
  );
});

/** The positions (in the whole result) of the rows of the loaded pages, in order. */
export function loadedPositions(pages: ReadonlyMap<number, readonly unknown[]>): number[] {
  const out: number[] = [];
  for (const n of [...pages.keys()].sort((a, b) => a - b)) {
    const rows = pages.get(n) ?? [];
    for (let i = 0; i < rows.length; i++) out.push(n * PAGE + i);
  }
  return out;
}

/** True once the grid has rows to show (the first page of a non-empty result). */
function loadedAllRows(pages: Map<number, OverviewRow[]>, total: number): boolean {
  return total > 0 && pages.has(0);
}

/** The facet values, with the chosen one kept even when the server no longer lists it. */
function uniqueWith(values: readonly string[], chosen: string): string[] {
  return chosen && !values.includes(chosen) ? [chosen, ...values] : [...values];
}
