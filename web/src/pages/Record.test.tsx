import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderPage, stubApi } from '../test/render';
import { DocumentList } from './Record';

const doc = (i: number) => ({
  id: `d${i}`,
  category: 'encounter',
  occurredAt: '2026-10-01T14:00:00Z',
  title: `Visit ${i}`,
  body: 'text',
});

describe('record sections', () => {
  it('pages with the cursor and says how many restricted documents are withheld', async () => {
    const calls = stubApi((url) => {
      if (!url.pathname.endsWith('/documents')) return undefined;
      return url.searchParams.get('cursor') === 'c2'
        ? { status: 200, body: { items: [doc(3)], nextCursor: null, withheld: 2 } }
        : { status: 200, body: { items: [doc(1), doc(2)], nextCursor: 'c2', withheld: 2 } };
    });
    renderPage(<DocumentList patientId="p1" category="encounter" label="Encounters" />);
    expect(await screen.findByText('Visit 1')).toBeInTheDocument();
    expect(screen.getByText('2 restricted documents are not shown.')).toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('Visit 3')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();
    expect(calls.at(-1)?.path).toContain('cursor=c2');
    await user.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(await screen.findByText('Visit 1')).toBeInTheDocument();
  });

  it('has an empty state', async () => {
    stubApi((url) =>
      url.pathname.endsWith('/documents')
        ? { status: 200, body: { items: [], nextCursor: null } }
        : undefined,
    );
    renderPage(<DocumentList patientId="p1" category="allergy" label="Allergies" />);
    expect(await screen.findByText('No allergies on record.')).toBeInTheDocument();
  });
});
