import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuthFetch } from 'tokenflight/fetch';
import { createAuthSession, ExpiredAnswerError, type RefreshContext } from 'tokenflight';
import { createAuthClient, createAuthServer } from 'tokenflight/testing';

/**
 * A refresh answer that reaches the page after its access token has expired (a suspended tab, a
 * slow network) is never handed out: the session refreshes again with the refresh token that
 * answer carried. One clock, moved by hand, serves the server and the session.
 */

const ORIGIN = 'https://api.dead-answer.test';
let clock = Date.UTC(2026, 0, 1);
const now = () => clock;
const server = createAuthServer({ origin: ORIGIN, accessTtl: 3, now });
const msw = setupServer(...server.handlers);
const client = createAuthClient(server);

beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.reset());
afterAll(() => msw.close());

/** The app's refresh, whose answers reach the page `heldFor(call)` ms after the server sent them. */
function slowPage(heldFor: (call: number) => number) {
  let calls = 0;
  return async (context: RefreshContext) => {
    const answer = await client.refresh(context);
    clock += heldFor(calls++);
    return answer;
  };
}

describe('a refresh answer that arrives already expired', () => {
  it('is not handed out: three 401s are replayed with a live token from a second refresh', async () => {
    const session = createAuthSession({
      tokens: await client.login('ada'),
      refresh: slowPage((call) => (call === 0 ? 3_500 : 0)),
      now,
      refreshMargin: 0,
      retry: { minDelay: 1, maxDelay: 1 },
      tabLife: false,
    });
    const authFetch = createAuthFetch(session, { origins: [ORIGIN] });
    server.expireAccessTokens();

    const statuses = await Promise.all([1, 2, 3].map(async () => (await authFetch(server.url('protected'))).status));

    expect(statuses).toEqual([200, 200, 200]);
    expect(session.status).toBe('idle');
    // The second refresh presented the refresh token the held answer carried: no reuse, no refusal.
    expect(server.counters()).toMatchObject({ refreshOk: 2, reuseDetected: 0, refreshRejected: 0 });
    session.stop();
  });

  it('ends the round with ExpiredAnswerError when every answer arrives dead, instead of looping', async () => {
    const session = createAuthSession({
      tokens: await client.login('ada'),
      refresh: slowPage(() => 3_500),
      now,
      refreshMargin: 0,
      retry: { retries: 2, minDelay: 1, maxDelay: 1 },
      tabLife: false,
    });
    const failures: unknown[] = [];
    session.on('refreshFailed', ({ error }) => failures.push(error));

    await expect(session.refresh()).rejects.toBeInstanceOf(ExpiredAnswerError);

    expect(failures).toHaveLength(3);
    expect(server.counters()).toMatchObject({ refreshOk: 3, reuseDetected: 0 });
    // The session keeps the last answer's refresh token (the server rotated to it) and cools down.
    expect(session.status).toBe('idle');
    await expect(session.getToken()).rejects.toThrow(/cooldown/);
    session.stop();
  });
});
