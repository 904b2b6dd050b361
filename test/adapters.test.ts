import { describe, expect, it } from 'vitest';
import { LoggedOutError, RefreshRejectedError, SessionExpiredError } from 'tokenflight';
import { ADAPTERS, API, createClient, ELSEWHERE, useApi } from './support/api.js';
import { flush, refreshStub } from './support/refreshStub.js';

const { api, session: createSession } = useApi();

function userSession(loggedIn = true) {
  const stub = refreshStub();
  const session = createSession({ refresh: stub.refresh, ...(loggedIn ? {} : { tokens: undefined }) });
  return { session, stub };
}

/** Waits (for real: msw answers asynchronously) until `condition` holds, or fails after ~1 s. */
async function until(condition: () => boolean) {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(condition()).toBe(true);
}

const arrivals = (count: number) => until(() => api.arrivals.length >= count);

describe.each(ADAPTERS)('the %s adapter', (adapter) => {
  it('sends the token to allowed origins only', async () => {
    const { session } = userSession();
    const client = createClient(adapter, session);
    const mine = await client.request(`${API}/echo`);
    const theirs = await client.request(`${ELSEWHERE}/echo`);
    expect(mine.body.authorization).toBe('Bearer a0');
    expect(theirs.body.authorization).toBeNull();
  });

  it('gives no token to anyone when no origin is allowed', async () => {
    const { session } = userSession();
    const client = createClient(adapter, session, { origins: [] });
    expect((await client.request(`${API}/echo`)).body.authorization).toBeNull();
  });

  it('lets a guest use public routes and hands protected ones their 401 as is', async () => {
    const { session, stub } = userSession(false);
    const client = createClient(adapter, session);
    expect((await client.request(`${API}/public`)).status).toBe(200);
    expect((await client.request(`${API}/secret`)).status).toBe(401);
    expect(api.arrivals.map((a) => a.authorization)).toEqual([null, null]);
    expect(stub.calls).toHaveLength(0);
  });

  it('answers any number of concurrent 401s with one refresh and one replay each', async () => {
    const { session, stub } = userSession();
    const client = createClient(adapter, session);
    api.acceptOnly('a1');
    const responses = Array.from({ length: 10 }, () => client.request(`${API}/secret`));
    await arrivals(10);
    await until(() => stub.calls.length > 0);
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
    const answered = await Promise.all(responses);
    expect(answered.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(answered.every((r) => r.body.token === 'a1')).toBe(true);
    expect(stub.calls).toHaveLength(1);
    expect(stub.last().context.refreshToken).toBe('r0');
    expect(api.arrivals).toHaveLength(20);
  });

  it('replays a stale 401 with the current token, without another refresh', async () => {
    const { session, stub } = userSession();
    const client = createClient(adapter, session);
    api.holdNext(1);
    const slow = client.request(`${API}/secret`);
    await arrivals(1);
    // Meanwhile the session moved on: a0 is gone for the server too.
    const refreshed = session.refresh();
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
    await refreshed;
    api.acceptOnly('a1');
    api.release();
    const response = await slow;
    expect(response).toMatchObject({ status: 200, body: { token: 'a1' } });
    expect(stub.calls).toHaveLength(1);
    expect(api.arrivals.map((a) => a.authorization)).toEqual(['Bearer a0', 'Bearer a1']);
  });

  it('replays once only: a second 401 goes back to the caller', async () => {
    const { session, stub } = userSession();
    const client = createClient(adapter, session);
    api.acceptOnly('nobody');
    const response = client.request(`${API}/secret`);
    await until(() => stub.calls.length > 0);
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
    expect((await response).status).toBe(401);
    expect(api.arrivals).toHaveLength(2);
    expect(stub.calls).toHaveLength(1);
  });

  it('replays a POST with its body intact', async () => {
    const { session, stub } = userSession();
    const client = createClient(adapter, session);
    api.acceptOnly('a1');
    const response = client.request(`${API}/secret`, { method: 'POST', body: 'payload' });
    await until(() => stub.calls.length > 0);
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
    expect(await response).toMatchObject({ status: 200, body: { body: 'payload' } });
    expect(api.arrivals.map((a) => a.body)).toEqual(['payload', 'payload']);
  });

  it('fails with SessionExpiredError when the refresh token is refused', async () => {
    const { session, stub } = userSession();
    const client = createClient(adapter, session);
    api.acceptOnly('a1');
    const response = client.request(`${API}/secret`);
    await until(() => stub.calls.length > 0);
    stub.last().answer.reject(new RefreshRejectedError());
    await expect(response).rejects.toBeInstanceOf(SessionExpiredError);
    expect(session.status).toBe('expired');
  });

  it('fails with LoggedOutError when the user logs out while the request waits', async () => {
    const { session, stub } = userSession();
    const client = createClient(adapter, session);
    void session.refresh().catch(() => undefined);
    const response = client.request(`${API}/secret`);
    await flush(20);
    expect(stub.calls).toHaveLength(1);
    session.logout();
    await expect(response).rejects.toBeInstanceOf(LoggedOutError);
    expect(api.arrivals).toHaveLength(0);
  });

  it('stops waiting for a token when the caller aborts', async () => {
    const { session } = userSession();
    const client = createClient(adapter, session);
    void session.refresh().catch(() => undefined);
    const controller = new AbortController();
    const response = client.request(`${API}/secret`, { signal: controller.signal });
    await flush(20);
    controller.abort(new Error('caller gave up'));
    await expect(response).rejects.toThrow('caller gave up');
    expect(api.arrivals).toHaveLength(0);
  });

  it('lets the requests released by one refresh out at most maxConcurrentReplays at a time, in queue order', async () => {
    const { session, stub } = userSession();
    const client = createClient(adapter, session, { maxConcurrentReplays: 4 });
    const refreshed = session.refresh();
    const responses = Array.from({ length: 300 }, (_, seq) => client.request(`${API}/secret?seq=${seq}`));
    await flush(50);
    expect(api.arrivals).toHaveLength(0);
    api.acceptOnly('a1');
    api.load.latency = 1;
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
    await refreshed;
    const answered = await Promise.all(responses);
    expect(answered.every((response) => response.status === 200)).toBe(true);
    expect(api.load.maxInFlight).toBe(4);
    expect(api.arrivals.map((arrival) => Number(arrival.seq))).toEqual(Array.from({ length: 300 }, (_, seq) => seq));
  });

  it('holds replays after a burst of 401s to maxConcurrentReplays too', async () => {
    const { session, stub } = userSession();
    const client = createClient(adapter, session, { maxConcurrentReplays: 3 });
    api.acceptOnly('a1');
    const responses = Array.from({ length: 40 }, () => client.request(`${API}/secret`));
    await arrivals(40);
    await until(() => api.load.inFlight === 0 && stub.calls.length === 1);
    api.load.maxInFlight = 0;
    api.load.latency = 1;
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
    const answered = await Promise.all(responses);
    expect(answered.every((response) => response.status === 200)).toBe(true);
    expect(api.arrivals).toHaveLength(80);
    expect(api.load.maxInFlight).toBe(3);
  });
});
