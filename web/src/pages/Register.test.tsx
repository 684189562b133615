import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderPage, stubApi } from '../test/render';
import RegisterPage from './Register';

describe('registration', () => {
  it('checks the NPI check digit as it is typed', async () => {
    stubApi(() => undefined);
    renderPage(<RegisterPage />);
    const user = userEvent.setup();
    const npi = screen.getByRole('textbox', { name: 'NPI' });
    await user.type(npi, '1234567890');
    expect(npi).toHaveAccessibleDescription(/check digit does not match/);
    await user.clear(npi);
    await user.type(npi, '1234567893');
    expect(npi).not.toHaveAccessibleDescription(/check digit/);
  });

  it('offers practices from /practices?q= and sends the chosen id; server field errors land on the fields', async () => {
    const calls = stubApi((url) => {
      if (url.pathname === '/api/v1/practices')
        return {
          status: 200,
          body: { items: [{ id: 'pr-1', name: 'Harbor Pediatrics', city: 'Newton' }], nextCursor: null },
        };
      if (url.pathname === '/api/v1/auth/register')
        return { status: 409, body: { status: 409, code: 'email_taken', title: 'Conflict' } };
      return undefined;
    });
    renderPage(<RegisterPage />);
    const user = userEvent.setup();
    await user.type(screen.getByRole('textbox', { name: 'First name' }), 'Dana');
    await user.type(screen.getByRole('textbox', { name: 'Last name' }), 'Reyes');
    await user.type(screen.getByRole('textbox', { name: 'Email' }), 'dana@example.test');
    await user.type(screen.getByLabelText(/^Password/), 'velvet tractor nebula pickle 93');
    await user.type(screen.getByRole('textbox', { name: 'NPI' }), '1234567893');
    await user.type(screen.getByRole('combobox', { name: 'Practice' }), 'Harb');
    await waitFor(() => expect(calls.some((c) => c.path.startsWith('/api/v1/practices?'))).toBe(true));
    // jsdom does not compute the dropdown's visibility: the option is found by its text.
    await user.click(await screen.findByText('Harbor Pediatrics — Newton'));
    await user.click(screen.getByRole('button', { name: 'Register' }));
    expect(await screen.findByText('An account already uses this email.')).toBeInTheDocument();
    const sent = calls.find((c) => c.path === '/api/v1/auth/register')?.body as Record<string, unknown>;
    expect(sent).toMatchObject({ email: 'dana@example.test', npi: '1234567893', practiceId: 'pr-1' });
    expect(sent).not.toHaveProperty('newPractice');
  });
});
