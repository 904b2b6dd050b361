/**
 * Data-layer recipes (test/userCode/dataLayers.ts, copied into docs/streams.md): Apollo Client, urql and TanStack Query on
 * tokenflight's fetch, against a real GraphQL/HTTP server whose tokens expire server-side.
 */
import { gql } from '@apollo/client';
import { CancelledError } from '@tanstack/query-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuthFetch } from 'tokenflight/fetch';
import { createAuthSession, SessionExpiredError, type AuthSession } from 'tokenflight';
import { startGraphqlHttpServer, type GraphqlHttpServer } from './support/graphqlHttpServer.js';
import { createApolloClient, createUrqlClient, sessionQueryClient } from './userCode/dataLayers.js';

let server: GraphqlHttpServer;
let session: AuthSession;

beforeEach(async () => {
  server = await startGraphqlHttpServer();
  session = createAuthSession({ refresh: server.api.refresh, tokens: await server.api.login() });
});
afterEach(async () => {
  session.stop();
  await server.close();
});

const ids = Array.from({ length: 20 }, (_, i) => i + 1);
const ITEM = 'query Item($id: Int!) { item(id: $id) }';

describe('Apollo Client 4: HttpLink on the session fetch', () => {
  it('20 concurrent queries through a server-side expiry: every one answered, exactly one refresh', async () => {
    const client = createApolloClient(session, server.url);
    await server.api.debug('expire');
    const results = await Promise.all(
      ids.map((id) => client.query({ query: gql(ITEM), variables: { id }, fetchPolicy: 'network-only' })),
    );
    expect(results.map((result) => result.data)).toEqual(ids.map((id) => ({ item: `item-${id}` })));
    expect(await server.api.refreshCalls()).toBe(1);
    expect(server.counts).toEqual({ unauthorized: 20, ok: 20 });
    client.stop();
  });

  it('when the session has expired, the query rejects with SessionExpiredError', async () => {
    const client = createApolloClient(session, server.url);
    await server.api.debug('revoke');
    await server.api.debug('expire');
    await expect(client.query({ query: gql(ITEM), variables: { id: 1 } })).rejects.toBeInstanceOf(SessionExpiredError);
    client.stop();
  });
});

describe('urql: the fetch option', () => {
  it('20 concurrent queries through a server-side expiry: every one answered, exactly one refresh', async () => {
    const client = createUrqlClient(session, server.url);
    await server.api.debug('expire');
    const results = await Promise.all(ids.map((id) => client.query(ITEM, { id }).toPromise()));
    expect(results.map((result): unknown[] => [result.error, result.data])).toEqual(
      ids.map((id) => [undefined, { item: `item-${id}` }]),
    );
    expect(await server.api.refreshCalls()).toBe(1);
    expect(server.counts).toEqual({ unauthorized: 20, ok: 20 });
  });
});

describe('TanStack Query (query-core): retry and session status', () => {
  function itemQuery(authFetch: ReturnType<typeof createAuthFetch>, calls: { count: number }, id: number, delay = 0) {
    return {
      queryKey: ['item', id],
      queryFn: async ({ signal }: { signal: AbortSignal }) => {
        calls.count += 1;
        const response = await authFetch(`${server.api.url}/api/secret?delay=${delay}&id=${id}`, { signal });
        if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { status: response.status });
        return ((await response.json()) as { user: string }).user;
      },
    };
  }

  it('20 concurrent queries through a server-side expiry: every one answered, exactly one refresh', async () => {
    const { queryClient, unwatch } = sessionQueryClient(session);
    const authFetch = createAuthFetch(session, { origins: [server.api.url] });
    const calls = { count: 0 };
    await server.api.debug('expire');
    const users = await Promise.all(ids.map((id) => queryClient.query(itemQuery(authFetch, calls, id))));
    expect(users).toEqual(Array(20).fill('ada'));
    expect(calls.count).toBe(20);
    expect(await server.api.refreshCalls()).toBe(1);
    unwatch();
    queryClient.clear();
  });

  it('a query failing with SessionExpiredError is not retried and the cache is cleared after; another error is retried', async () => {
    const { queryClient, unwatch } = sessionQueryClient(session);
    let attempts = 0;
    const flaky = () => (++attempts < 3 ? Promise.reject(new Error('network down')) : Promise.resolve('ok'));
    expect(await queryClient.query({ queryKey: ['flaky'], queryFn: flaky, retryDelay: 10 })).toBe('ok');
    expect(attempts).toBe(3);

    const calls = { count: 0 };
    await server.api.debug('revoke');
    await server.api.debug('expire');
    const authFetch = createAuthFetch(session, { origins: [server.api.url] });
    await expect(queryClient.query(itemQuery(authFetch, calls, 1))).rejects.toBeInstanceOf(SessionExpiredError);
    expect(calls.count).toBe(1);
    // Then the expired session's data is gone.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(queryClient.getQueryCache().getAll()).toEqual([]);
    unwatch();
  });

  it('a refresh leaves the cache alone; a logout cancels queries in flight and clears the cache', async () => {
    const { queryClient, unwatch } = sessionQueryClient(session);
    const authFetch = createAuthFetch(session, { origins: [server.api.url] });
    const calls = { count: 0 };
    await queryClient.query(itemQuery(authFetch, calls, 1));
    await session.refresh();
    expect(queryClient.getQueryData(['item', 1])).toBe('ada');
    expect(calls.count).toBe(1);

    const slow = queryClient.query(itemQuery(authFetch, calls, 2, 2000));
    const outcome = slow.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    session.logout();
    expect(await outcome).toBeInstanceOf(CancelledError);
    expect(queryClient.getQueryData(['item', 1])).toBeUndefined();
    expect(queryClient.getQueryCache().getAll()).toEqual([]);
    unwatch();
  });
});
