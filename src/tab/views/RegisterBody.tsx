/**
 * The register grid's body: react-window's list over every position of the result (`count`), rendering a
 * row only for the positions in view. It replaces the react-window contrib's DataGridBody, which takes
 * its rows from Fluent's table (`getRows()`: a row object for every item, on every render): with 30,000
 * students that made the grid's items 30,000 positions and cost passes over all of them before the first
 * row (issue 17). Here the grid's items are the loaded rows only and the count comes from the server.
 *
 * The rest is the contrib body's: the rows are Fluent `DataGridRow`s under a `rowgroup`, each in the
 * row-id context Fluent's selection reads (the row's position), and the body and the header scroll
 * sideways together.
 */
import { TableBody, TableRowIdContextProvider, useFluent } from "@fluentui/react-components";
import { memo, useCallback, useRef, type CSSProperties, type ReactNode, type RefObject } from "react";
import { FixedSizeList, type ListChildComponentProps, type ListOnItemsRenderedProps } from "react-window";

type RenderRow = (index: number, style: CSSProperties) => ReactNode;

/** react-window's row: one component for the list's life (a new one would remount every row). */
const BodyRow = memo(function BodyRow({ index, style, data }: ListChildComponentProps<RenderRow>): JSX.Element {
  return <TableRowIdContextProvider value={index}>{data(index, style)}</TableRowIdContextProvider>;
});

export function RegisterBody(props: {
  /** All positions of the result (the server's total), not the loaded ones. */
  count: number;
  itemSize: number;
  height: number;
  listRef: RefObject<FixedSizeList>;
  overscanCount: number;
  onItemsRendered(p: ListOnItemsRenderedProps): void;
  renderRow: RenderRow;
}): JSX.Element {
  const { dir } = useFluent();
  // The body and the header scroll sideways together (the header's own scrollbar is hidden); listened to
  // while the body is in the page.
  const unlisten = useRef<(() => void) | undefined>(undefined);
  const outerRef = useCallback((el: HTMLElement | null) => {
    unlisten.current?.();
    unlisten.current = undefined;
    const header = el?.closest("[role=grid]")?.querySelector<HTMLElement>(".fui-DataGridHeader");
    if (!el || !header) return;
    const follow = (from: HTMLElement, to: HTMLElement) => () => {
      if (to.scrollLeft !== from.scrollLeft) to.scroll({ left: from.scrollLeft, behavior: "instant" });
    };
    const onBody = follow(el, header);
    const onHeader = follow(header, el);
    el.addEventListener("scroll", onBody);
    header.addEventListener("scroll", onHeader);
    unlisten.current = () => {
      el.removeEventListener("scroll", onBody);
      header.removeEventListener("scroll", onHeader);
    };
  }, []);
  return (
    <TableBody as="div" className="fui-DataGridBody">
      <FixedSizeList<RenderRow>
        ref={props.listRef}
        outerRef={outerRef}
        itemSize={props.itemSize}
        height={props.height}
        width="100%"
        itemCount={props.count}
        // A new function on each render of the grid: the rows in view render again with it (the row renderer
        // reads the selection, the loaded pages and the active cell of that render).
        itemData={(index: number, style: CSSProperties) => props.renderRow(index, style)}
        direction={dir}
        overscanCount={props.overscanCount}
        onItemsRendered={props.onItemsRendered}
      >
        {BodyRow}
      </FixedSizeList>
    </TableBody>
  );
}
