/** Pure logic of the register grid: search, filters, sorting. No React, no DOM; unit-tested. */
import type { OverviewRow } from "./api.js";

export type RowState = OverviewRow["state"];
export const ROW_STATES: readonly RowState[] = ["valid", "missing", "expiring", "refused-or-withdrawn"];

export interface Filters {
  query: string;
  state: RowState | "";
  partyId: string;
  purposeId: string;
  schoolId: string;
  className: string;
}

export const NO_FILTERS: Filters = { query: "", state: "", partyId: "", purposeId: "", schoolId: "", className: "" };

export type SortKey = "name" | "studentNumber" | "schoolId" | "className" | "state" | "nextExpiry" | "eventCount";
export interface Sort {
  key: SortKey;
  dir: "asc" | "desc";
}

/** Lower case without diacritics, so "Noël" matches "noel" and "Çelik" matches "celik". */
export function fold(s: string): string {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

export interface IndexedRow {
  row: OverviewRow;
  /** Folded name and student number, for search. */
  key: string;
}

export function indexRows(rows: OverviewRow[]): IndexedRow[] {
  return rows.map((row) => ({ row, key: `${fold(row.name)}\u0000${fold(row.studentNumber)}` }));
}

const collator = new Intl.Collator("nl", { sensitivity: "base", numeric: true });
const STATE_ORDER: Record<RowState, number> = { "refused-or-withdrawn": 0, missing: 1, expiring: 2, valid: 3 };

export function compareRows(a: OverviewRow, b: OverviewRow, key: SortKey): number {
  switch (key) {
    case "eventCount":
      return a.eventCount - b.eventCount;
    case "state":
      return STATE_ORDER[a.state] - STATE_ORDER[b.state];
    case "nextExpiry":
      // Students without an end date sort last ascending.
      return (a.nextExpiry ?? "\uffff").localeCompare(b.nextExpiry ?? "\uffff");
    default:
      return collator.compare(a[key], b[key]);
  }
}

/** Sorted copy; ties broken by name then id so the order is stable and total. */
export function sortRows(rows: IndexedRow[], sort: Sort): IndexedRow[] {
  const sign = sort.dir === "asc" ? 1 : -1;
  return [...rows].sort(
    (x, y) =>
      sign * compareRows(x.row, y.row, sort.key) ||
      collator.compare(x.row.name, y.row.name) ||
      (x.row.studentId < y.row.studentId ? -1 : x.row.studentId > y.row.studentId ? 1 : 0),
  );
}

export function filterRows(rows: IndexedRow[], f: Filters): OverviewRow[] {
  const terms = fold(f.query).split(/\s+/).filter(Boolean);
  const out: OverviewRow[] = [];
  for (const { row, key } of rows) {
    if (f.state && row.state !== f.state) continue;
    if (f.schoolId && row.schoolId !== f.schoolId) continue;
    if (f.className && row.className !== f.className) continue;
    if (f.partyId && !row.parties.includes(f.partyId)) continue;
    if (f.purposeId && !row.purposes.includes(f.purposeId)) continue;
    if (terms.length && !terms.every((t) => key.includes(t))) continue;
    out.push(row);
  }
  return out;
}

/** Distinct values for the filter menus, sorted. */
export function facets(rows: OverviewRow[]): { schools: string[]; classes: string[]; parties: string[]; purposes: string[] } {
  const schools = new Set<string>();
  const classes = new Set<string>();
  const parties = new Set<string>();
  const purposes = new Set<string>();
  for (const r of rows) {
    schools.add(r.schoolId);
    if (r.className) classes.add(r.className);
    for (const p of r.parties) parties.add(p);
    for (const p of r.purposes) purposes.add(p);
  }
  const sorted = (s: Set<string>): string[] => [...s].sort((a, b) => collator.compare(a, b));
  return { schools: sorted(schools), classes: sorted(classes), parties: sorted(parties), purposes: sorted(purposes) };
}

/** The window of rows to render for a scroll position (with overscan), for a fixed row height. */
export function visibleRange(scrollTop: number, viewport: number, rowHeight: number, total: number, overscan = 8): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const count = Math.ceil(viewport / rowHeight);
  const start = Math.min(total, Math.max(0, first - overscan));
  const end = Math.min(total, first + count + overscan);
  return { start, end: Math.max(start, end) };
}

/** Where a keyboard key moves the active row in a grid of `total` rows with `page` rows per screen. */
export function moveActive(key: string, current: number, total: number, page: number): number | undefined {
  if (total === 0) return undefined;
  const clamp = (n: number): number => Math.max(0, Math.min(total - 1, n));
  switch (key) {
    case "ArrowDown":
      return clamp(current + 1);
    case "ArrowUp":
      return clamp(current - 1);
    case "PageDown":
      return clamp(current + page);
    case "PageUp":
      return clamp(current - page);
    case "Home":
      return 0;
    case "End":
      return total - 1;
    default:
      return undefined;
  }
}
