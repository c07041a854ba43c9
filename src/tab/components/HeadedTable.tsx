import { Table, TableBody, TableHeader, TableHeaderCell, TableRow, type TableProps } from "@fluentui/react-components";
import type { ReactNode } from "react";

/**
 * A Fluent UI table with one header row: `columns` are the header cells, `children` the body rows.
 * Every other prop (aria-label/aria-labelledby, size, data-testid) goes to the table itself.
 */
export function HeadedTable(props: Omit<TableProps, "children"> & { columns: readonly ReactNode[]; children: ReactNode }): JSX.Element {
  const { columns, children, ...table } = props;
  return (
    <Table {...table}>
      <TableHeader>
        <TableRow>
          {columns.map((c, i) => (
            <TableHeaderCell key={i}>{c}</TableHeaderCell>
          ))}
        </TableRow>
      </TableHeader>
      <TableBody>{children}</TableBody>
    </Table>
  );
}
