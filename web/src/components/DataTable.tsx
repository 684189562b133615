import { Table } from '@mantine/core';
import type { ReactNode } from 'react';

/** One column: its header and what a row shows in it. */
export interface Column<T> {
  header: string;
  /** Header read by screen readers only (e.g. a column of row actions). */
  hideHeader?: boolean;
  cell: (row: T) => ReactNode;
}

/**
 * The striped, scrollable table every list of the app uses: a hidden caption names it for screen
 * readers (and the browser tests), headers are column headers.
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  minWidth = 640,
}: {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T, index: number) => string;
  minWidth?: number;
}) {
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table striped>
        <caption className="visually-hidden">{caption}</caption>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c.header} scope="col">
                {c.hideHeader ? <span className="visually-hidden">{c.header}</span> : c.header}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row, i) => (
            <Table.Tr key={rowKey(row, i)}>
              {columns.map((c) => (
                <Table.Td key={c.header}>{c.cell(row)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
