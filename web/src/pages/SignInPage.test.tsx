import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';

import { SignInPage } from './SignInPage';

const fetchMock = vi.fn();

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function requests(): Request[] {
  return fetchMock.mock.calls.map((call) => call[0] as Request);
}

function renderAt(url: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[url]}>
        <Routes>
          <Route path="/sign-in" element={<SignInPage />} />
          <Route path="/" element={<p>Home page</p>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('SignInPage', () => {
  beforeEach(() => {
    fetchMock.mockReset();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => vi.unstubAllGlobals());
  test('does not use the link on load (mail previews would), only when the button is pressed', async () => {
    fetchMock.mockImplementation(async (request: Request) =>
      request.url.endsWith('/api/me') ? json(401, { error: { code: 'UNAUTHORIZED', message: 'sign in' } }) : new Response(null, { status: 204 }),
    );
    const user = userEvent.setup();
    renderAt('/sign-in?token=secret-token');

    const button = await screen.findByRole('button', { name: 'Sign in' });
    expect(requests().some((r) => r.url.includes('/auth/sign-in-link'))).toBe(false);

    await user.click(button);
    await screen.findByText('Home page');
    const redeem = requests().find((r) => r.url.endsWith('/api/auth/sign-in-link'));
    expect(redeem?.method).toBe('POST');
    expect(redeem?.headers.get('X-Requested-With')).toBe('mosaic');
    expect(await redeem?.clone().json()).toEqual({ token: 'secret-token' });
  });

  test("shows the server's message when the link does not work", async () => {
    fetchMock.mockImplementation(async (request: Request) =>
      request.url.endsWith('/api/me')
        ? json(401, { error: { code: 'UNAUTHORIZED', message: 'sign in' } })
        : json(400, { error: { code: 'INVALID_LINK', message: 'This sign-in link has expired.' } }),
    );
    const user = userEvent.setup();
    renderAt('/sign-in?token=old');
    await user.click(await screen.findByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('This sign-in link has expired.'));
  });

  test('without a link, explains how to get one', async () => {
    fetchMock.mockResolvedValue(json(401, { error: { code: 'UNAUTHORIZED', message: 'sign in' } }));
    renderAt('/sign-in');
    expect(await screen.findByText(/ask them for a sign-in link/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull();
  });

  test('offers "Login with Google" only when the server says it works', async () => {
    fetchMock.mockImplementation(async (request: Request) =>
      request.url.endsWith('/api/auth/providers')
        ? json(200, { google: true, google_login_url: '/auth/google/login', sign_in_links: true })
        : json(401, { error: { code: 'UNAUTHORIZED', message: 'sign in' } }),
    );
    renderAt('/sign-in');
    expect(await screen.findByRole('link', { name: 'Login with Google' })).toHaveAttribute('href', '/auth/google/login');
  });

  test('hides the Google button when it is not configured', async () => {
    fetchMock.mockImplementation(async (request: Request) =>
      request.url.endsWith('/api/auth/providers')
        ? json(200, { google: false, sign_in_links: true })
        : json(401, { error: { code: 'UNAUTHORIZED', message: 'sign in' } }),
    );
    renderAt('/sign-in');
    await screen.findByText(/ask them for a sign-in link/);
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(2));
    expect(screen.queryByRole('link', { name: 'Login with Google' })).toBeNull();
  });

  test('explains a failed provider sign-in from its error code', async () => {
    fetchMock.mockResolvedValue(json(401, { error: { code: 'UNAUTHORIZED', message: 'sign in' } }));
    renderAt('/sign-in?error=signup_not_allowed');
    expect(await screen.findByRole('alert')).toHaveTextContent('may not create an account here');
  });
});
