import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderPage } from '../test/render';
import { DataTable } from './DataTable';

interface Letter {
  id: string;
  name: string;
}

const columns = [
  { header: 'Letter', cell: (l: Letter) => l.name },
  { header: 'Actions', hideHeader: true, cell: (l: Letter) => <button type="button">Open {l.name}</button> },
];

describe('DataTable (the one table of the app)', () => {
  it('is named by its caption, with a column header per column, in order, and a row per record', () => {
    renderPage(
      <DataTable
        caption="Letters"
        rows={[
          { id: '1', name: 'alpha' },
          { id: '2', name: 'beta' },
        ]}
        rowKey={(l) => l.id}
        columns={columns}
      />,
    );
    const table = screen.getByRole('table', { name: 'Letters' });
    // A hidden header is hidden from sight only: screen readers still name the column.
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Letter', 'Actions']);
    for (const header of within(table).getAllByRole('columnheader'))
      expect(header).toHaveAttribute('scope', 'col');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map((r) =>
        within(r)
          .getAllByRole('cell')
          .map((c) => c.textContent),
      ),
    ).toEqual([
      ['alpha', 'Open alpha'],
      ['beta', 'Open beta'],
    ]);
    expect(within(rows[1]).getByRole('button', { name: 'Open beta' })).toBeInTheDocument();
  });

  it('with no record, keeps the caption and headers and has no body row', () => {
    renderPage(<DataTable caption="Letters" rows={[]} rowKey={(l: Letter) => l.id} columns={columns} />);
    const table = screen.getByRole('table', { name: 'Letters' });
    expect(within(table).getAllByRole('row')).toHaveLength(1);
    expect(within(table).getAllByRole('columnheader')).toHaveLength(2);
  });
});
