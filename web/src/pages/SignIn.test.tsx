import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderPage, stubApi } from '../test/render';
import { groupKey, SignInPage } from './SignIn';

const enrolment = {
  status: 'mfa_enrollment_required',
  mfaToken: 'mfa-1',
  secret: 'JBSWY3DPEHPK3PXPJBSWY3DP',
  otpauthUri:
    'otpauth://totp/MyPatients:dana%40example.test?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=MyPatients',
};

describe('sign-in', () => {
  it('shows the QR code and the key at the first sign-in, then sends the code', async () => {
    const calls = stubApi((url) => {
      if (url.pathname === '/api/v1/auth/login') return { status: 200, body: enrolment };
      if (url.pathname === '/api/v1/auth/mfa')
        return { status: 401, body: { status: 401, code: 'invalid_code', title: 'Unauthorized' } };
      return undefined;
    });
    renderPage(<SignInPage />, { route: '/sign-in' });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Email' }), 'dana@example.test');
    await user.type(screen.getByLabelText(/^Password/), 'velvet tractor nebula pickle 93');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByRole('heading', { name: 'Set up your authenticator' })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /QR code/ })).toBeInTheDocument();
    expect(screen.getByTestId('totp-key')).toHaveTextContent('JBSW Y3DP EHPK 3PXP JBSW Y3DP');
    await user.type(screen.getByRole('textbox', { name: /6-digit code/ }), '123456');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/not right or was already used/);
    expect(calls.find((c) => c.path === '/api/v1/auth/mfa')?.body).toEqual({
      mfaToken: 'mfa-1',
      code: '123456',
    });
  });

  it('says the credentials are wrong without telling which', async () => {
    stubApi((url) =>
      url.pathname === '/api/v1/auth/login'
        ? { status: 401, body: { status: 401, code: 'invalid_credentials', title: 'Unauthorized' } }
        : undefined,
    );
    renderPage(<SignInPage />, { route: '/sign-in' });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Email' }), 'x@example.test');
    await user.type(screen.getByLabelText(/^Password/), 'nope');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The email or password is not right.');
  });

  it('maps validation errors to their fields', async () => {
    stubApi((url) =>
      url.pathname === '/api/v1/auth/login'
        ? {
            status: 400,
            body: {
              status: 400,
              code: 'validation_failed',
              title: 'Bad Request',
              errors: [{ field: 'email', message: 'email must be an email' }],
            },
          }
        : undefined,
    );
    renderPage(<SignInPage />, { route: '/sign-in' });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Email' }), 'not-an-email');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await waitFor(() =>
      expect(screen.getByRole('textbox', { name: 'Email' })).toHaveAccessibleDescription(
        /email must be an email/,
      ),
    );
  });

  it('groups the key by four', () => {
    expect(groupKey('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
  });
});
