// @vitest-environment jsdom
// The README's ten-minute path, run as written (by package name) against tokenflight/testing's auth server.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LoggedOutError } from 'tokenflight';
import { createAuthServer } from 'tokenflight/testing';
import { API, loadSecret, logIn, logOut, session } from './userCode/quickStart.js';

const auth = createAuthServer({ origin: API, accessTtl: 60 });
const mswServer = setupServer(...auth.handlers);
beforeAll(() => mswServer.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  session.logout();
  auth.reset();
});
afterAll(() => {
  session.stop();
  mswServer.close();
});

describe("the README's ten-minute path", () => {
  it('logs in, makes one refresh for concurrent 401s, and logs out at the server too', async () => {
    expect(await loadSecret()).toBeNull(); // a guest: the 401 comes back as it is
    await logIn('ada', 'secret');
    expect(session.status).toBe('idle');
    expect(JSON.parse(localStorage.getItem('tokenflight')!)).toMatchObject({
      accessToken: session.tokens!.accessToken,
    });

    auth.expireAccessTokens();
    const answers = await Promise.all([loadSecret(), loadSecret(), loadSecret()]);
    expect(answers.every((answer) => answer !== null)).toBe(true);
    expect(auth.counters()).toMatchObject({ refreshCalls: 1, refreshOk: 1, reuseDetected: 0 });

    const refreshToken = session.tokens!.refreshToken!;
    await logOut();
    expect(session.status).toBe('loggedOut');
    expect(localStorage.getItem('tokenflight')).toBeNull();
    expect(auth.counters().requests.logout).toBe(1);
    // The refresh token no longer works at the server either.
    await expect(session.refresh()).rejects.toBeInstanceOf(LoggedOutError);
    const reused = await fetch(`${API}/api/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    expect(reused.status).toBe(401);
  });

  it('turns a refused refresh into the expired state and a null answer', async () => {
    await logIn('ada', 'secret');
    auth.expireAccessTokens();
    auth.revokeRefreshTokens();
    expect(await loadSecret()).toBeNull();
    expect(session.status).toBe('expired');
  });
});
