import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderPage, stubApi } from '../test/render';
import ValidationPage from './Validation';

const validation = {
  id: 'v1',
  period: '2026-10',
  dueAt: '2026-10-31T04:00:00Z',
  lastDay: '2026-10-30',
  status: 'pending',
  users: [
    {
      id: 'u1',
      firstName: 'Riley',
      lastName: 'Nguyen',
      email: 'riley@example.test',
      role: 'registered_nurse',
    },
    { id: 'u2', firstName: 'Sam', lastName: 'Ortiz', email: 'sam@example.test', role: 'office_manager' },
  ],
};

describe('sponsor validation', () => {
  it('needs a decision for everyone, then sends keep/remove for each', async () => {
    const calls = stubApi((url) => {
      if (url.pathname === '/api/v1/sponsorship/validation') return { status: 200, body: validation };
      if (url.pathname === '/api/v1/sponsorship/validation/v1/complete')
        return { status: 200, body: { status: 'completed' } };
      return undefined;
    });
    renderPage(<ValidationPage />);
    expect(await screen.findByText('Oct 30, 2026')).toBeInTheDocument();
    const complete = screen.getByRole('button', { name: 'Complete the validation' });
    expect(complete).toBeDisabled();
    const user = userEvent.setup();
    const [keepRiley] = screen.getAllByRole('radio', { name: 'Keep' });
    const removeSam = screen.getAllByRole('radio', { name: 'Remove' })[1];
    await user.click(keepRiley);
    expect(complete).toBeDisabled();
    await user.click(removeSam);
    await user.click(complete);
    expect(await screen.findByText('Validation complete')).toBeInTheDocument();
    expect(calls.find((c) => c.path.endsWith('/complete'))?.body).toEqual({
      decisions: [
        { userId: 'u1', keep: true },
        { userId: 'u2', keep: false },
      ],
    });
  });

  it('says when no validation is open', async () => {
    stubApi(() => undefined);
    renderPage(<ValidationPage />);
    expect(await screen.findByText(/No validation is open/)).toBeInTheDocument();
  });
});
