import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderPage, stubApi } from '../test/render';
import MyRequestsPage from './MyRequests';

describe('my requests', () => {
  it('lists both kinds with status and due date, and withdraws a pending one', async () => {
    let withdrawn = false;
    const calls = stubApi((url, init) => {
      if (url.pathname === '/api/v1/pcp-access-requests')
        return {
          status: 200,
          body: {
            items: [
              {
                id: 'r1',
                patientId: 'p1',
                status: withdrawn ? 'withdrawn' : 'open',
                createdAt: '2026-11-16T15:00:00Z',
                dueAt: '2026-11-19T22:00:00Z',
              },
            ],
            nextCursor: null,
          },
        };
      if (url.pathname === '/api/v1/access-requests')
        return { status: 200, body: { items: [], nextCursor: null } };
      if (url.pathname === '/api/v1/pcp-access-requests/r1' && init.method === 'DELETE') {
        withdrawn = true;
        return { status: 204 };
      }
      return undefined;
    });
    renderPage(<MyRequestsPage />);
    const table = await screen.findByRole('table', { name: 'PCP access requests' });
    expect(within(table).getByText('Open')).toBeInTheDocument();
    expect(within(table).getByText('Nov 19, 2026')).toBeInTheDocument();
    expect(screen.getByText('No non-PCP access request.')).toBeInTheDocument();
    await userEvent.setup().click(within(table).getByRole('button', { name: 'Withdraw' }));
    expect(await within(table).findByText('Withdrawn')).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'DELETE' && c.path === '/api/v1/pcp-access-requests/r1')).toBe(
      true,
    );
  });
});
