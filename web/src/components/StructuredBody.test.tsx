import { MantineProvider } from '@mantine/core';
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { StructuredBody } from './StructuredBody';

describe('StructuredBody', () => {
  it('renders a JSON body as tables: keys as row headers, arrays of objects with columns', () => {
    render(
      <MantineProvider>
        <StructuredBody
          title="Basic metabolic panel"
          body={{
            specimen: 'Serum',
            fasting: false,
            components: [
              { name: 'Sodium', value: 139, unit: 'mmol/L' },
              { name: 'Potassium', value: 4.2 },
            ],
          }}
        />
      </MantineProvider>,
    );
    expect(screen.getByRole('rowheader', { name: 'Specimen' })).toBeInTheDocument();
    expect(screen.getByRole('cell', { name: 'No' })).toBeInTheDocument();
    const inner = screen.getAllByRole('table')[1];
    expect(
      within(inner)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Name', 'Value', 'Unit']);
    expect(within(inner).getAllByRole('row')).toHaveLength(3);
    expect(
      within(inner)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['Sodium', '139', 'mmol/L', 'Potassium', '4.2', '—']);
  });

  it('keeps a text body as text', () => {
    render(
      <MantineProvider>
        <StructuredBody title="Note" body={'Line one\nLine two'} />
      </MantineProvider>,
    );
    expect(screen.getByText(/Line one/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
