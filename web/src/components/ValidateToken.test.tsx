import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderPage, stubApi } from '../test/render';
import { ValidateTokenForm } from './ValidateToken';

describe('Validate a Token', () => {
  it('gives one generic error for a wrong pair, then a link to the record', async () => {
    let attempt = 0;
    stubApi((url) => {
      if (url.pathname !== '/api/v1/tokens/validate') return undefined;
      attempt++;
      return attempt === 1
        ? { status: 400, body: { status: 400, code: 'invalid_token', title: 'Bad Request' } }
        : { status: 200, body: { patientId: '6f1c1c33-0000-4000-8000-00000000000a' } };
    });
    renderPage(<ValidateTokenForm />);
    const user = userEvent.setup();
    await user.type(screen.getByRole('textbox', { name: 'Token' }), 'abc');
    await user.type(screen.getByRole('textbox', { name: 'MRN' }), 'MRN1');
    await user.click(screen.getByRole('button', { name: 'Validate' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'This token and MRN do not match a valid invitation.',
    );
    await user.click(screen.getByRole('button', { name: 'Validate' }));
    expect(await screen.findByRole('link', { name: 'Open the record' })).toHaveAttribute(
      'href',
      '/patients/6f1c1c33-0000-4000-8000-00000000000a',
    );
  });
});
