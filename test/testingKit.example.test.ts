// Testing your auth flows with tokenflight/testing — a complete example (docs/testing.md shows this file).
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuthSession, type AuthSession } from 'tokenflight';
import { createAuthClient, createAuthFlowModel, createAuthServer } from 'tokenflight/testing';

// 1. A fake auth server (login, rotating refresh tokens with reuse detection, a protected route…)
//    served by msw. In a browser test use `setupWorker(...auth.handlers)` from 'msw/browser'.
const auth = createAuthServer({ origin: 'https://api.example.test', accessTtl: 60 });
const mswServer = setupServer(...auth.handlers);
beforeAll(() => mswServer.listen({ onUnhandledRequest: 'error' }));
afterEach(() => auth.reset());
afterAll(() => mswServer.close());

// 2. Your app. Here a tiny one that shows a screen for the session's status; yours renders React,
//    Vue, Svelte… and talks to the session the same way.
function createApp(session: AuthSession) {
  let screen = 'login';
  const unsubscribe = session.subscribe(({ status }) => {
    screen =
      status === 'idle' || status === 'refreshing' ? 'dashboard' : status === 'expired' ? 'session-expired' : 'login';
  });
  return { screen: () => screen, unmount: unsubscribe };
}

// 3. The flow model: every transition between loggedOut / idle / refreshing / expired is walked
//    for real against the server, and you say what your app must show in each state.
const flow = createAuthFlowModel({
  server: auth,
  setup: () => {
    const client = createAuthClient(auth);
    const session = createAuthSession({ refresh: client.refresh, heartbeat: client.heartbeat });
    const app = createApp(session);
    return { session, app, dispose: app.unmount };
  },
  states: {
    loggedOut: ({ app, session }) => {
      expect(app.screen()).toBe('login');
      expect(session.tokens).toBeNull();
    },
    idle: ({ app, session }) => {
      expect(app.screen()).toBe('dashboard');
      expect(session.tokens?.accessToken).toEqual(expect.any(String));
    },
    refreshing: ({ app, server }) => {
      expect(app.screen()).toBe('dashboard'); // no flicker to the login screen while refreshing
      expect(server.counters().refreshCalls).toBe(0); // the refresh is still on its way
    },
    expired: ({ app, session }) => {
      expect(app.screen()).toBe('session-expired');
      expect(session.tokens).toBeNull();
    },
  },
});

describe('my app across every auth transition', () => {
  for (const path of flow.paths()) {
    it(path.description, () => path.run());
  }

  afterAll(() => {
    const { states, transitions } = flow.coverage();
    console.log(
      `[flow model] ${states[0]}/${states[1]} states, ${transitions[0]}/${transitions[1]} transitions covered`,
    );
    expect(transitions[0]).toBe(transitions[1]);
  });
});

// 4. The server's counters and faults for the cases a model does not walk.
describe('my app under server trouble', () => {
  it('makes one refresh for many concurrent 401s, and the server sees no reused token', async () => {
    const client = createAuthClient(auth);
    using session = createAuthSession({ refresh: client.refresh });
    session.login(await client.login('ada'));
    auth.expireAccessTokens();

    const results = await Promise.all(
      Array.from({ length: 5 }, () => session.unauthorized(session.tokens!.accessToken)),
    );

    expect(new Set(results.map((tokens) => tokens.accessToken)).size).toBe(1);
    expect(auth.counters()).toMatchObject({ refreshCalls: 1, refreshOk: 1, reuseDetected: 0 });
  });

  it('retries a refresh after a 503 and survives it', async () => {
    const client = createAuthClient(auth);
    using session = createAuthSession({ refresh: client.refresh, retry: { minDelay: 1, maxDelay: 5 } });
    session.login(await client.login('ada'));
    auth.inject('refresh', 'serverError');

    expect((await session.refresh()).accessToken).toEqual(expect.any(String));
    expect(auth.counters()).toMatchObject({ faults: 1, refreshOk: 1 });
  });
});
