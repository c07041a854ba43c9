/**
 * A windowed, keyboard-operable ARIA grid: only the rows in view (plus a few) are in the DOM, so it
 * stays smooth with tens of thousands of rows. Fluent's DataGrid is not virtualised; this keeps its
 * look through Fluent tokens.
 *
 * Keyboard: the grid is one tab stop; arrow keys, Page Up/Down, Home and End move the active row
 * (aria-activedescendant), Enter or Space opens it. Column headers are sort buttons.
 */
import { makeStyles, tokens, mergeClasses } from "@fluentui/react-components";
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { moveActive, visibleRange } from "../model.js";

export interface GridColumn<T, K extends string> {
  id: string;
  header: string;
  /** CSS grid track, e.g. "2fr" or "120px". */
  width: string;
  sortKey?: K;
  render(row: T): ReactNode;
}

export interface VirtualGridProps<T, K extends string> {
  label: string;
  description?: string;
  rows: readonly T[];
  columns: readonly GridColumn<T, K>[];
  rowId(row: T): string;
  rowLabel(row: T): string;
  onOpen(row: T): void;
  sort?: { key: K; dir: "asc" | "desc" };
  onSort?(key: K): void;
  sortLabels: { asc: string; desc: string; sortBy(col: string): string };
  rowHeight?: number;
  height?: number | string;
}

const HEADER_HEIGHT = 40;

const useStyles = makeStyles({
  grid: {
    position: "relative",
    overflowY: "auto",
    overflowX: "auto",
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    outlineStyle: "none",
  },
  gridFocused: {
    outline: `2px solid ${tokens.colorStrokeFocus2}`,
    outlineOffset: "2px",
  },
  header: {
    position: "sticky",
    top: 0,
    zIndex: 1,
    backgroundColor: tokens.colorNeutralBackground3,
    borderBottom: `1px solid ${tokens.colorNeutralStroke1}`,
  },
  row: {
    display: "grid",
    alignItems: "center",
    columnGap: tokens.spacingHorizontalS,
    paddingLeft: tokens.spacingHorizontalM,
    paddingRight: tokens.spacingHorizontalM,
    boxSizing: "border-box",
  },
  bodyRow: {
    position: "absolute",
    left: 0,
    right: 0,
    cursor: "pointer",
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    ":hover": { backgroundColor: tokens.colorNeutralBackground1Hover, color: tokens.colorNeutralForeground1Hover },
  },
  active: {
    backgroundColor: tokens.colorNeutralBackground1Selected,
    // The selected foreground belongs with the selected background: in high contrast the background is
    // cyan and the normal foreground white (1.46:1); the selected foreground there is black.
    color: tokens.colorNeutralForeground1Selected,
  },
  activeFocused: {
    outline: `2px solid ${tokens.colorStrokeFocus2}`,
    outlineOffset: "-2px",
  },
  cell: {
    overflow: "hidden",
    textOverflow: "ellipsis",
    whiteSpace: "nowrap",
    minWidth: 0,
  },
  sortButton: {
    appearance: "none",
    backgroundColor: "transparent",
    border: "none",
    padding: 0,
    margin: 0,
    font: "inherit",
    cursor: "pointer",
    fontWeight: tokens.fontWeightSemibold,
    color: tokens.colorNeutralForeground1,
    display: "inline-flex",
    gap: "4px",
    borderRadius: tokens.borderRadiusSmall,
    ":focus-visible": { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: "2px" },
  },
  headerText: { fontWeight: tokens.fontWeightSemibold },
});

export function VirtualGrid<T, K extends string>(props: VirtualGridProps<T, K>): JSX.Element {
  const { rows, columns, rowId, rowHeight = 44 } = props;
  const s = useStyles();
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const [active, setActive] = useState(0);
  const [focused, setFocused] = useState(false);
  const idPrefix = useRef(`zvgrid-${Math.random().toString(36).slice(2, 8)}`).current;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = (): void => setViewport(el.clientHeight - HEADER_HEIGHT);
    measure();
    const ro = typeof ResizeObserver === "undefined" ? undefined : new ResizeObserver(measure);
    ro?.observe(el);
    return () => ro?.disconnect();
  }, []);

  // Keep the active row inside the list when the rows change (search, filters).
  useEffect(() => {
    setActive((a) => Math.min(a, Math.max(0, rows.length - 1)));
  }, [rows]);

  const scrollIntoView = useCallback(
    (index: number) => {
      const el = scroller.current;
      if (!el) return;
      const top = index * rowHeight;
      const bottom = top + rowHeight;
      const visibleTop = el.scrollTop;
      const visibleBottom = el.scrollTop + (el.clientHeight - HEADER_HEIGHT);
      if (top < visibleTop) el.scrollTop = top;
      else if (bottom > visibleBottom) el.scrollTop = bottom - (el.clientHeight - HEADER_HEIGHT);
    },
    [rowHeight],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.target !== e.currentTarget) return; // keys on the sort buttons are theirs
    const page = Math.max(1, Math.floor(viewport / rowHeight) - 1);
    const next = moveActive(e.key, active, rows.length, page);
    if (next !== undefined) {
      e.preventDefault();
      setActive(next);
      scrollIntoView(next);
      return;
    }
    if (e.key === "Enter" || e.key === " ") {
      const row = rows[active];
      if (row) {
        e.preventDefault();
        props.onOpen(row);
      }
    }
  };

  const { start, end } = visibleRange(scrollTop, viewport, rowHeight, rows.length);
  const template = columns.map((c) => c.width).join(" ");
  const activeRow = rows[active];
  const activeId = activeRow ? `${idPrefix}-${rowId(activeRow)}` : undefined;

  const rendered: JSX.Element[] = [];
  for (let i = start; i < end; i++) {
    const row = rows[i];
    if (row === undefined) continue;
    const isActive = i === active;
    rendered.push(
      <div
        key={rowId(row)}
        id={`${idPrefix}-${rowId(row)}`}
        role="row"
        aria-rowindex={i + 2}
        aria-selected={isActive}
        aria-label={props.rowLabel(row)}
        className={mergeClasses(s.row, s.bodyRow, isActive && s.active, isActive && focused && s.activeFocused)}
        style={{ top: i * rowHeight, height: rowHeight, gridTemplateColumns: template }}
        onClick={() => {
          setActive(i);
          props.onOpen(row);
        }}
      >
        {columns.map((c, ci) => (
          <div key={c.id} role="gridcell" aria-colindex={ci + 1} className={s.cell}>
            {c.render(row)}
          </div>
        ))}
      </div>,
    );
  }

  return (
    <div
      ref={scroller}
      role="grid"
      aria-label={props.label}
      aria-describedby={props.description ? `${idPrefix}-desc` : undefined}
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length}
      aria-activedescendant={focused ? activeId : undefined}
      aria-multiselectable={false}
      tabIndex={0}
      className={mergeClasses(s.grid, focused && s.gridFocused, "zv-grid")}
      style={{ height: props.height ?? "min(65vh, 640px)" }}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      onKeyDown={onKeyDown}
      onFocus={(e) => e.target === e.currentTarget && setFocused(true)}
      onBlur={(e) => e.target === e.currentTarget && setFocused(false)}
    >
      {props.description ? (
        <span id={`${idPrefix}-desc`} hidden>
          {props.description}
        </span>
      ) : null}
      <div role="rowgroup" className={s.header}>
        <div role="row" aria-rowindex={1} className={s.row} style={{ height: HEADER_HEIGHT, gridTemplateColumns: template }}>
          {columns.map((c, ci) => {
            const sorted = props.sort && c.sortKey && props.sort.key === c.sortKey ? props.sort.dir : undefined;
            return (
              <div
                key={c.id}
                role="columnheader"
                aria-colindex={ci + 1}
                aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : c.sortKey ? "none" : undefined}
                className={s.cell}
              >
                {c.sortKey && props.onSort ? (
                  <button
                    type="button"
                    className={s.sortButton}
                    title={props.sortLabels.sortBy(c.header)}
                    onClick={() => c.sortKey && props.onSort?.(c.sortKey)}
                  >
                    {c.header}
                    <span aria-hidden="true">{sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : ""}</span>
                  </button>
                ) : (
                  <span className={s.headerText}>{c.header}</span>
                )}
              </div>
            );
          })}
        </div>
      </div>
      <div role="rowgroup" style={{ position: "relative", height: rows.length * rowHeight }}>
        {rendered}
      </div>
    </div>
  );
}
