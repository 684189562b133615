import { Autocomplete, Combobox, MantineProvider, mergeThemeOverrides, Modal, Popover } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';
import { SessionProvider } from '../auth/session';
import { theme } from '../theme';

/** Mantine's transitions off: jsdom runs no animation frames (Mantine's testing guide). */
const testTheme = mergeThemeOverrides(theme, {
  components: {
    Modal: Modal.extend({ defaultProps: { transitionProps: { duration: 0 } } }),
    Popover: Popover.extend({ defaultProps: { transitionProps: { duration: 0 } } }),
    Combobox: Combobox.extend({ defaultProps: { transitionProps: { duration: 0 } } }),
    Autocomplete: Autocomplete.extend({
      defaultProps: { comboboxProps: { transitionProps: { duration: 0 } } },
    }),
  },
});

export type Handler = (
  url: URL,
  init: RequestInit & { body?: string },
) => { status: number; body?: unknown } | undefined;

/**
 * Stubs fetch with `handler` (by path); unhandled requests answer 404 problem+json, so the
 * session restore at start (POST /auth/refresh) fails and the app is signed out unless handled.
 */
export function stubApi(handler: Handler) {
  const calls: Array<{ method: string; path: string; body: unknown }> = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request =
      input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'), init);
    const url = new URL(request.url, 'http://localhost');
    const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.clone().text();
    calls.push({
      method: request.method,
      path: url.pathname + url.search,
      body: text ? JSON.parse(text) : undefined,
    });
    const answer = handler(url, { method: request.method, body: text });
    const status = answer?.status ?? 404;
    const body = answer ? answer.body : { status: 404, title: 'Not Found', code: 'not_found' };
    const problem = status >= 400;
    return new Response(status === 204 || body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'Content-Type': problem ? 'application/problem+json' : 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return calls;
}

export function renderPage(ui: ReactElement, { route = '/' }: { route?: string } = {}) {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  return render(
    <MantineProvider theme={testTheme}>
      <QueryClientProvider client={client}>
        <SessionProvider>
          <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>,
  );
}
