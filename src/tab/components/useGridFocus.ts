import { useEffect, useRef, useState, type FocusEvent, type KeyboardEvent } from "react";
import { moveCell, type Cell } from "../model.js";

/**
 * A roving tab index over a grid's cells (the ARIA grid pattern, as the register does it): the grid is
 * one tab stop, the arrow keys, Home/End, Ctrl+Home/End and Page Up/Down move the active cell
 * (model.ts moveCell). Cells carry `data-cell="row:col"` (row -1: the header) and `tabIndex={tab(row, col)}`.
 * For grids whose rows are all rendered (the register, virtualised, scrolls first and keeps its own).
 */
export function useGridFocus(rows: number, cols: number, page = 10) {
  const [active, setActive] = useState<Cell>({ row: -1, col: 0 });
  const grid = useRef<HTMLDivElement>(null);
  const wanted = useRef(false);
  useEffect(() => {
    if (!wanted.current) return;
    wanted.current = false;
    grid.current?.querySelector<HTMLElement>(`[data-cell="${active.row}:${active.col}"]`)?.focus();
  }, [active]);
  const cellOf = (el: EventTarget): Cell | undefined => {
    const at = (el as HTMLElement).closest<HTMLElement>("[data-cell]")?.dataset.cell;
    if (!at) return undefined;
    const [row = 0, col = 0] = at.split(":").map(Number);
    return { row, col };
  };
  return {
    grid,
    tab: (row: number, col: number): 0 | -1 => (active.row === row && active.col === col ? 0 : -1),
    onFocus: (e: FocusEvent<HTMLDivElement>): void => {
      const c = cellOf(e.target);
      if (c) setActive((a) => (a.row === c.row && a.col === c.col ? a : c));
    },
    onKeyDown: (e: KeyboardEvent<HTMLDivElement>): void => {
      const here = cellOf(e.target);
      const next = here ? moveCell(e.key, e.ctrlKey || e.metaKey, here, rows, cols, page) : undefined;
      if (!next) return;
      e.preventDefault();
      wanted.current = true;
      setActive(next);
    },
  };
}
