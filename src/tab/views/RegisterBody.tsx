/**
 * The register grid's body: react-window's list over every position of the result (`count`), rendering a
 * row only for the positions in view. It replaces the react-window contrib's DataGridBody, which takes
 * its rows from Fluent's table (`getRows()`: a row object for every item, on every render): with 30,000
 * students that made the grid's items 30,000 positions and cost passes over all of them before the first
 * row (issue 17). Here the grid's items are the loaded rows only and the count comes from the server.
 *
 * The rest is the contrib body's: the rows are Fluent `DataGridRow`s under a `rowgroup`, each in the
 * row-id context Fluent's selection reads (the row's position). A narrow grid scrolls sideways in the
 * register's frame, header and rows together.
 */
import { TableBody, TableRowIdContextProvider, useFluent } from "@fluentui/react-components";
import { memo, type CSSProperties, type ReactNode, type RefObject } from "react";
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
  return (
    <TableBody as="div" className="fui-DataGridBody">
      <FixedSizeList<RenderRow>
        ref={props.listRef}
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
