import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { Layout } from '../components/Layout';
import { stubApi } from '../test/render';
import { SessionProvider, useSession } from './session';

const me = {
  id: 'u1',
  kind: 'provider',
  email: 'dana@example.test',
  firstName: 'Dana',
  lastName: 'Reyes',
  npi: '1234567893',
  practice: { id: 'p1', name: 'Harbor' },
  isSponsor: false,
  status: 'active',
  lockReason: null,
};

function Phase() {
  const { state } = useSession();
  return <p>phase: {state.phase === 'signed_out' ? `signed_out ${state.reason ?? ''}` : state.phase}</p>;
}

function renderSession(idleLimitMs: number, idleWarningMs: number) {
  return render(
    <MantineProvider>
      <QueryClientProvider client={new QueryClient()}>
        <SessionProvider idleLimitMs={idleLimitMs} idleWarningMs={idleWarningMs}>
          <MemoryRouter>
            <Layout>
              <Phase />
            </Layout>
          </MemoryRouter>
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>,
  );
}

describe('session', () => {
  it('restores a session from the refresh cookie at start, keeping the token in memory only', async () => {
    const calls = stubApi((url) => {
      if (url.pathname === '/api/v1/auth/refresh')
        return { status: 200, body: { accessToken: 'at-1', refreshToken: 'rt-1', expiresIn: 900 } };
      if (url.pathname === '/api/v1/me') return { status: 200, body: me };
      return undefined;
    });
    renderSession(60_000, 10_000);
    expect(await screen.findByText('phase: signed_in')).toBeInTheDocument();
    expect(calls[0]).toMatchObject({ method: 'POST', path: '/api/v1/auth/refresh', body: {} });
    expect(localStorage.length + sessionStorage.length).toBe(0);
  });

  it('shows sign-in when the refresh fails (no cookie, or a server without it)', async () => {
    stubApi((url) =>
      url.pathname === '/api/v1/auth/refresh'
        ? { status: 400, body: { status: 400, code: 'validation_failed' } }
        : undefined,
    );
    renderSession(60_000, 10_000);
    expect(await screen.findByText('phase: signed_out')).toBeInTheDocument();
  });

  it('warns before the idle limit, and signs out at it', async () => {
    const calls = stubApi((url) => {
      if (url.pathname === '/api/v1/auth/refresh') return { status: 200, body: { accessToken: 'at-1' } };
      if (url.pathname === '/api/v1/me') return { status: 200, body: me };
      if (url.pathname === '/api/v1/auth/logout') return { status: 204 };
      return undefined;
    });
    renderSession(1600, 1000);
    expect(await screen.findByText('phase: signed_in')).toBeInTheDocument();
    expect(
      await screen.findByText(/you will be signed out in one minute/, {}, { timeout: 1500 }),
    ).toBeInTheDocument();
    expect(await screen.findByText('phase: signed_out idle', {}, { timeout: 2000 })).toBeInTheDocument();
    expect(calls.some((c) => c.path === '/api/v1/auth/logout')).toBe(true);
  });

  it('stays signed in when the person answers the warning', async () => {
    stubApi((url) => {
      if (url.pathname === '/api/v1/auth/refresh') return { status: 200, body: { accessToken: 'at-1' } };
      if (url.pathname === '/api/v1/me') return { status: 200, body: me };
      return undefined;
    });
    renderSession(1600, 1000);
    await screen.findByText('phase: signed_in');
    await userEvent.click(await screen.findByRole('button', { name: 'Stay signed in' }, { timeout: 1500 }));
    expect(screen.getByText('phase: signed_in')).toBeInTheDocument();
  });
});
