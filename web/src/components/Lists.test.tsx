import { useQuery } from '@tanstack/react-query';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderPage } from '../test/render';
import { ListState, useCursorList } from './Lists';

const pages: Record<string, { items: string[]; nextCursor: string | null }> = {
  first: { items: ['a', 'b'], nextCursor: 'c2' },
  c2: { items: ['c'], nextCursor: null },
};

function Paged() {
  const query = useCursorList<string>(['letters'], (cursor) => Promise.resolve(pages[cursor ?? 'first']));
  return (
    <ListState query={query} what="letters" empty="No letter.">
      {(items) => <p>Letters: {items.join(',')}</p>}
    </ListState>
  );
}

function Plain({ items }: { items: string[] }) {
  const query = useQuery({ queryKey: ['plain', items], queryFn: () => Promise.resolve(items) });
  return (
    <ListState query={query} what="letters" empty="No letter.">
      {(list) => <p>Letters: {list.join(',')}</p>}
    </ListState>
  );
}

function Failing() {
  const query = useQuery({
    queryKey: ['failing'],
    queryFn: (): Promise<string[]> => Promise.reject(new Error('boom')),
  });
  return (
    <ListState query={query} what="letters" empty="No letter.">
      {(list) => <p>{list.join(',')}</p>}
    </ListState>
  );
}

describe('ListState (the one list component)', () => {
  it('pages a cursor list with "Show more", which goes once the API has no next page', async () => {
    renderPage(<Paged />);
    expect(await screen.findByText('Letters: a,b')).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Show more letters' }));
    expect(await screen.findByText('Letters: a,b,c')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Show more letters' })).toBeNull();
  });

  it('shows a plain list, and its empty state', async () => {
    renderPage(
      <>
        <Plain items={['x']} />
        <Plain items={[]} />
      </>,
    );
    expect(await screen.findByText('Letters: x')).toBeInTheDocument();
    expect(await screen.findByText('No letter.')).toBeInTheDocument();
  });

  it('shows the error as an alert naming what could not be loaded', async () => {
    renderPage(<Failing />);
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load letters');
  });
});
