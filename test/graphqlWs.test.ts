import { createClient, type Client, type ClientOptions } from 'graphql-ws';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createAuthFetch } from 'tokenflight/fetch';
import { withSessionAuth, type GraphqlWsAuthOptions } from 'tokenflight/graphql-ws';
import { createAuthSession, LoggedOutError, SessionExpiredError, type AuthSession } from 'tokenflight';
import { startGraphqlWsServer, type GraphqlWsServer } from './support/graphqlWsServer.js';

let gql: GraphqlWsServer;
let session: AuthSession;
const clients: Client[] = [];

beforeEach(async () => {
  gql = await startGraphqlWsServer();
  session = createAuthSession({ refresh: gql.api.refresh, tokens: await gql.api.login() });
});
afterEach(async () => {
  for (const client of clients.splice(0)) await client.dispose();
  session.stop();
  await gql.close();
});

function connect(
  auth: GraphqlWsAuthOptions = { origins: [new URL(gql.url).origin] },
  options: Partial<ClientOptions> = {},
) {
  const client = createClient(
    withSessionAuth(
      session,
      {
        url: gql.url,
        webSocketImpl: WebSocket,
        retryWait: () => new Promise((resolve) => setTimeout(resolve, 10)),
        ...options,
      },
      auth,
    ),
  );
  clients.push(client);
  const received: number[] = [];
  const outcome: { error?: unknown; complete?: true } = {};
  client.subscribe<{ ticks: number }>(
    { query: 'subscription { ticks }' },
    {
      next: (result) => received.push(result.data!.ticks),
      error: (error) => (outcome.error = error),
      complete: () => (outcome.complete = true),
    },
  );
  return { client, received, outcome };
}

/** Publishes the next `count` values once the subscription is live again, and waits until they arrived. */
async function deliver(received: number[], count: number) {
  await vi.waitFor(() => expect(gql.subscribers()).toBe(1));
  const from = received.length + 1;
  for (let value = from; value < from + count; value++) gql.publish(value);
  await vi.waitFor(() => expect(received).toHaveLength(from + count - 1));
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const accepted = () => gql.connects.filter((c) => c.accepted).length;

describe('withSessionAuth keeps a graphql-ws client authorized', () => {
  it('connects with the session token in connection_init', async () => {
    const { received } = connect();
    await deliver(received, 2);
    expect(received).toEqual([1, 2]);
    expect(gql.connects).toEqual([{ token: session.tokens?.accessToken, accepted: true }]);
  });

  it('across three expiries: 4403, one refresh each, and the subscription gets every event', async () => {
    const { received, outcome } = connect();
    await deliver(received, 3);
    for (let round = 1; round <= 3; round++) {
      await gql.api.debug('expire');
      gql.dropSockets();
      // The reconnect presents the expired token, gets 4403, and comes back with a new one.
      await vi.waitFor(() => expect(accepted()).toBe(round + 1));
      await deliver(received, 3);
    }
    expect(received).toEqual(range(1, 12));
    expect(await gql.api.refreshCalls()).toBe(3);
    expect(gql.connects.map((c) => c.accepted)).toEqual([true, false, true, false, true, false, true]);
    // Each refused token is the one accepted just before it.
    for (const index of [1, 3, 5]) expect(gql.connects[index]!.token).toBe(gql.connects[index - 1]!.token);
    expect(outcome).toEqual({});
  });

  it('a stale 4403 (the session refreshed while it was on its way) is answered with the current token, no second refresh', async () => {
    const { received } = connect();
    await deliver(received, 1);
    await gql.api.debug('expire');
    gql.mode.verdictDelay = 300;
    gql.dropSockets();
    // The reconnect's connection_init arrived with the expired token and is being judged.
    await vi.waitFor(() => expect(gql.arrivals()).toBe(2));
    // While the socket's verdict is held back, an HTTP request refreshes the session.
    const authFetch = createAuthFetch(session, { origins: [gql.api.url] });
    expect((await authFetch(`${gql.api.url}/api/secret`)).status).toBe(200);
    await vi.waitFor(() => expect(accepted()).toBe(2));
    gql.mode.verdictDelay = 0;
    await deliver(received, 1);
    expect(await gql.api.refreshCalls()).toBe(1);
    expect(gql.connects.map((c) => c.accepted)).toEqual([true, false, true]);
  });

  it('4401 is not a refused token: no refresh, and the subscription gets the close event', async () => {
    gql.mode.close4401Next = true;
    const { outcome } = connect();
    await vi.waitFor(() => expect(outcome.error).toBeDefined());
    expect(outcome.error).toMatchObject({ code: 4401 });
    expect(await gql.api.refreshCalls()).toBe(0);
  });

  it('a second 4403 in a row (even the fresh token is refused) is final: one refresh, the close reaches the sink', async () => {
    gql.mode.refuseAll = true;
    const { outcome } = connect();
    await vi.waitFor(() => expect(outcome.error).toBeDefined());
    expect(outcome.error).toMatchObject({ code: 4403 });
    expect(await gql.api.refreshCalls()).toBe(1);
    expect(gql.connects.map((c) => c.accepted)).toEqual([false, false]);
  });

  it('reconnectBeforeExpiry: after each refresh the socket reconnects with the new token, before the old one expires', async () => {
    const { received, outcome } = connect({ origins: [new URL(gql.url).origin], reconnectBeforeExpiry: true });
    await deliver(received, 2);
    for (let round = 1; round <= 3; round++) {
      const { accessToken } = await session.refresh();
      await vi.waitFor(() => expect(gql.connects.at(-1)).toEqual({ token: accessToken, accepted: true }));
      await deliver(received, 2);
    }
    expect(received).toEqual(range(1, 8));
    expect(gql.connects.every((c) => c.accepted)).toBe(true);
    expect(gql.connects).toHaveLength(4);
    expect(await gql.api.refreshCalls()).toBe(3);
    expect(outcome).toEqual({});
  });

  it('without reconnectBeforeExpiry the socket stays on its first token (the server checks only at connect)', async () => {
    const { received } = connect();
    await deliver(received, 1);
    await session.refresh();
    await gql.api.debug('expire');
    await deliver(received, 1);
    expect(gql.connects).toHaveLength(1);
  });
});

describe('a connection that fails', () => {
  it('an error event (the upgrade answered 503 while the server restarts) is retried, and the subscription resumes', async () => {
    const { received, outcome } = connect();
    await deliver(received, 1);
    gql.mode.refuseUpgrades = 2;
    gql.dropSockets();
    // Two attempts fail (error event, then close 1006), the third connects.
    await vi.waitFor(() => expect(gql.connects.filter((each) => each.accepted)).toHaveLength(2));
    await deliver(received, 2);
    expect(gql.mode.refuseUpgrades).toBe(0);
    expect(outcome.error).toBeUndefined();
  });

  it('your shouldRetry still decides: one that retries close events only lets the error event end the subscription', async () => {
    const { received, outcome } = connect(undefined, {
      shouldRetry: (event) => typeof event === 'object' && event !== null && 'code' in event,
    });
    await deliver(received, 1);
    gql.mode.refuseUpgrades = 1;
    gql.dropSockets();
    await vi.waitFor(() => expect(outcome.error).toMatchObject({ type: 'error' }));
  });
});

describe('when the session ends, every subscription errors with the typed error', () => {
  it('logout closes the socket and the sink gets LoggedOutError', async () => {
    const { received, outcome } = connect();
    await deliver(received, 1);
    session.logout();
    await vi.waitFor(() => expect(outcome.error).toBeInstanceOf(LoggedOutError));
    await vi.waitFor(() => expect(gql.subscribers()).toBe(0));
    expect(gql.connects).toHaveLength(1);
  });

  it('a revoked refresh token: the 4403 cannot be refreshed, the sink gets SessionExpiredError', async () => {
    const { received, outcome } = connect();
    await deliver(received, 1);
    await gql.api.debug('revoke');
    await gql.api.debug('expire');
    gql.dropSockets();
    await vi.waitFor(() => expect(outcome.error).toBeInstanceOf(SessionExpiredError));
    expect(session.status).toBe('expired');
    expect(gql.connects.map((c) => c.accepted)).toEqual([true, false]);
  });
});

describe('bad input', () => {
  it('a socket outside the allowed origins gets no token: the sink gets a TypeError', async () => {
    const { outcome } = connect({ origins: ['http://127.0.0.2:1'] });
    await vi.waitFor(() => expect(outcome.error).toBeInstanceOf(TypeError));
    expect((outcome.error as Error).message).toMatch(/is not an allowed origin/);
    expect(gql.connects).toEqual([]);
  });
});
