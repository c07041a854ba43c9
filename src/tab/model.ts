/**
 * Pure logic of the register grid: its filters and sort as URL parameters and as the server's query,
 * and where a key moves the active cell. No React, no DOM; unit-tested. The search, filtering, sorting
 * and paging themselves run on the server (GET /api/register/rows).
 */
import { OVERVIEW_STATES, REGISTER_SORT_KEYS, type RegisterSortKey } from "../../contract/enums.js";
import type { OverviewRow, RegisterQuery } from "../../contract/index.js";

export type RowState = OverviewRow["state"];
export const ROW_STATES: readonly RowState[] = OVERVIEW_STATES;

export interface Filters {
  query: string;
  state: RowState | "";
  partyId: string;
  purposeId: string;
  schoolId: string;
  className: string;
}

export const NO_FILTERS: Filters = { query: "", state: "", partyId: "", purposeId: "", schoolId: "", className: "" };

export type SortKey = RegisterSortKey;
export interface Sort {
  key: SortKey;
  dir: "asc" | "desc";
}
export const DEFAULT_SORT: Sort = { key: "name", dir: "asc" };

/** The URL parameter of each filter: kept in the address, so they survive opening a student and coming back. */
const PARAM: Record<keyof Filters, string> = { query: "q", state: "state", partyId: "party", purposeId: "purpose", schoolId: "school", className: "class" };
/** Every parameter the register keeps in the URL (hrefOf carries them to the student page and back). */
export const REGISTER_PARAMS: readonly string[] = [...Object.values(PARAM), "sort", "dir"];

export function filtersFromParams(p: URLSearchParams): { filters: Filters; sort: Sort } {
  const state = p.get(PARAM.state) ?? "";
  const key = p.get("sort") ?? "";
  return {
    filters: {
      query: p.get(PARAM.query) ?? "",
      state: (ROW_STATES as readonly string[]).includes(state) ? (state as RowState) : "",
      partyId: p.get(PARAM.partyId) ?? "",
      purposeId: p.get(PARAM.purposeId) ?? "",
      schoolId: p.get(PARAM.schoolId) ?? "",
      className: p.get(PARAM.className) ?? "",
    },
    sort: {
      key: (REGISTER_SORT_KEYS as readonly string[]).includes(key) ? (key as SortKey) : DEFAULT_SORT.key,
      dir: p.get("dir") === "desc" ? "desc" : "asc",
    },
  };
}

/** The URL parameters with these filters and this sort (others, such as lang and theme, kept). */
export function paramsWith(current: URLSearchParams, filters: Filters, sort: Sort): URLSearchParams {
  const p = new URLSearchParams(current);
  for (const k of Object.keys(PARAM) as (keyof Filters)[]) {
    const v = filters[k];
    if (v) p.set(PARAM[k], v);
    else p.delete(PARAM[k]);
  }
  if (sort.key !== DEFAULT_SORT.key || sort.dir !== DEFAULT_SORT.dir) {
    p.set("sort", sort.key);
    p.set("dir", sort.dir);
  } else {
    p.delete("sort");
    p.delete("dir");
  }
  return p;
}

/** Rows the register asks per page (GET /api/register/rows). */
export const REGISTER_PAGE = 100;

/** The server's query for one page. */
export function queryOf(f: Filters, sort: Sort, offset: number, limit: number): RegisterQuery {
  return {
    ...(f.query.trim() ? { q: f.query.trim() } : {}),
    ...(f.state ? { state: f.state } : {}),
    ...(f.partyId ? { partyId: f.partyId } : {}),
    ...(f.purposeId ? { purposeId: f.purposeId } : {}),
    ...(f.schoolId ? { schoolId: f.schoolId } : {}),
    ...(f.className ? { className: f.className } : {}),
    sort: sort.key,
    dir: sort.dir,
    offset,
    limit,
  };
}

/** Lower case without diacritics, so "Noël" matches "noel" and "Çelik" matches "celik". */
export function fold(s: string): string {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

/**
 * A cell of the grid: row -1 is the header row, 0.. the body rows (of all `rows`, loaded or not);
 * col 0.. the columns.
 */
export interface Cell {
  row: number;
  col: number;
}

/**
 * Where a key moves the active cell (the ARIA grid pattern): arrows by one cell, Home/End to the first
 * or last cell of the row, Ctrl+Home/Ctrl+End to the first or last row, Page Up/Down by a screen.
 * Undefined: the key is not a move.
 */
export function moveCell(key: string, ctrl: boolean, at: Cell, rows: number, cols: number, page: number): Cell | undefined {
  const row = (r: number): number => Math.max(-1, Math.min(rows - 1, r));
  const col = (c: number): number => Math.max(0, Math.min(cols - 1, c));
  switch (key) {
    case "ArrowDown":
      return { row: row(at.row + 1), col: at.col };
    case "ArrowUp":
      return { row: row(at.row - 1), col: at.col };
    case "ArrowRight":
      return { row: at.row, col: col(at.col + 1) };
    case "ArrowLeft":
      return { row: at.row, col: col(at.col - 1) };
    case "PageDown":
      return { row: row(Math.max(0, at.row) + page), col: at.col };
    case "PageUp":
      return { row: at.row <= 0 ? -1 : Math.max(0, at.row - page), col: at.col };
    case "Home":
      return ctrl ? { row: rows > 0 ? 0 : -1, col: at.col } : { row: at.row, col: 0 };
    case "End":
      return ctrl ? { row: rows - 1, col: at.col } : { row: at.row, col: cols - 1 };
    default:
      return undefined;
  }
}

/** A CSV of rows (semicolon-separated, as Dutch spreadsheets expect), quoted where needed. */
export function csvOf(header: string[], rows: string[][]): string {
  const cell = (v: string): string => (/[";\n\r]/.test(v) || /^[=+\-@]/.test(v) ? `"${(/^[=+\-@]/.test(v) ? "'" : "") + v.replace(/"/g, '""')}"` : v);
  return [header, ...rows].map((r) => r.map(cell).join(";")).join("\r\n") + "\r\n";
}
