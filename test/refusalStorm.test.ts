import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REFUSAL_HOLD_COUNT, REFUSAL_HOLD_MS } from '../src/adapter-core/refusalGuard.js';
import { ADAPTERS, API, createClient, useApi } from './support/api.js';
import { deferred } from './support/deferred.js';

// A 401 that gives no reason (no challenge, or one without an error code) is refreshed, but a
// route that refuses everyone must not cost one refresh per request.
const { api, countingSession } = useApi();
afterEach(() => vi.useRealTimers());

/** `/refuses` answers every request 401 with no challenge at all. */
function serveRefusingRoute() {
  let arrivals = 0;
  api.server.use(
    http.get(`${API}/refuses`, () => {
      arrivals += 1;
      return HttpResponse.json({ error: 'nobody gets in' }, { status: 401 });
    }),
  );
  return { arrivals: () => arrivals };
}

describe.each(ADAPTERS)('the %s adapter', (adapter) => {
  it('makes at most 2 refreshes for 20 sequential requests to a route that always answers 401', async () => {
    const { session, refreshes } = countingSession();
    serveRefusingRoute();
    const client = createClient(adapter, session);
    for (let i = 0; i < 20; i++) expect((await client.request(`${API}/refuses`)).status).toBe(401);
    expect(refreshes.length).toBeGreaterThanOrEqual(1);
    expect(refreshes.length).toBeLessThanOrEqual(2);
  });

  it(`still replaces a token that was really revoked, after at most ${REFUSAL_HOLD_COUNT} refused requests`, async () => {
    const { session, refreshes } = countingSession();
    serveRefusingRoute();
    const client = createClient(adapter, session);
    // a0 refused → refresh → a1 refused on its own replay: a1 is suspected of nothing but the route.
    expect((await client.request(`${API}/refuses`)).status).toBe(401);
    expect(refreshes).toEqual(['a1']);
    // Now the server revokes a1 for real: /secret refuses it (no challenge) and would take a2.
    api.acceptOnly('a2');
    const statuses: number[] = [];
    for (let i = 0; i <= REFUSAL_HOLD_COUNT; i++) statuses.push((await client.request(`${API}/secret`)).status);
    expect(statuses).toEqual([...Array<number>(REFUSAL_HOLD_COUNT).fill(401), 200]);
    expect(refreshes).toEqual(['a1', 'a2']);
  });

  it(`lets a refresh through again once ${REFUSAL_HOLD_MS} ms have passed since the token was suspected`, async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { session, refreshes } = countingSession();
    serveRefusingRoute();
    const client = createClient(adapter, session);
    await client.request(`${API}/refuses`);
    api.acceptOnly('a2');
    expect((await client.request(`${API}/secret`)).status).toBe(401);
    vi.setSystemTime(Date.now() + REFUSAL_HOLD_MS);
    expect(await client.request(`${API}/secret`)).toMatchObject({ status: 200, body: { token: 'a2' } });
    expect(refreshes).toEqual(['a1', 'a2']);
  });

  it('always believes a 401 that says invalid_token, even for a suspected token', async () => {
    const { session, refreshes } = countingSession();
    serveRefusingRoute();
    api.server.use(
      http.get(`${API}/explicit`, ({ request }) =>
        request.headers.get('authorization') === 'Bearer a2'
          ? HttpResponse.json({ ok: true })
          : HttpResponse.json({}, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } }),
      ),
    );
    const client = createClient(adapter, session);
    await client.request(`${API}/refuses`);
    expect((await client.request(`${API}/explicit`)).status).toBe(200);
    expect(refreshes).toEqual(['a1', 'a2']);
  });

  it('suspects no token whose replay was refused for a stated reason: its next reasonless 401 still refreshes', async () => {
    const { session, refreshes } = countingSession();
    api.server.use(
      http.get(`${API}/stated`, ({ request }) =>
        request.headers.get('authorization') === 'Bearer a0'
          ? HttpResponse.json({}, { status: 401 })
          : HttpResponse.json({}, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } }),
      ),
    );
    const client = createClient(adapter, session);
    // a0 refused without a reason → refresh → a1 refused on its replay, but as invalid_token.
    expect((await client.request(`${API}/stated`)).status).toBe(401);
    expect(refreshes).toEqual(['a1']);
    // a1 now refused without a reason: nothing held it, so it is replaced at once.
    api.acceptOnly('a2');
    expect((await client.request(`${API}/secret`)).status).toBe(200);
    expect(refreshes).toEqual(['a1', 'a2']);
  });

  it('replays at once a request sent with a suspected token that the session has replaced since', async () => {
    const { session, refreshes } = countingSession();
    serveRefusingRoute();
    const arrived = deferred();
    const answer = deferred();
    api.server.use(
      http.get(`${API}/slow`, async ({ request }) => {
        if (request.headers.get('authorization') === 'Bearer a2') return HttpResponse.json({ ok: true });
        arrived.resolve();
        await answer.promise;
        return HttpResponse.json({}, { status: 401 });
      }),
    );
    const client = createClient(adapter, session);
    // a1 is suspected: refused without a reason on its own replay.
    expect((await client.request(`${API}/refuses`)).status).toBe(401);
    expect(refreshes).toEqual(['a1']);
    // A request leaves with a1; the session moves on to a2 before its 401 comes back.
    const slow = client.request(`${API}/slow`);
    await arrived.promise;
    await session.refresh();
    answer.resolve();
    expect((await slow).status).toBe(200);
    expect(refreshes).toEqual(['a1', 'a2']);
  });
});

describe('the storm guard', () => {
  it('is shared by every adapter of a session', async () => {
    const { session, refreshes } = countingSession();
    const route = serveRefusingRoute();
    const clients = ADAPTERS.map((name) => createClient(name, session));
    const rounds = 2 * clients.length;
    for (let i = 0; i < rounds; i++)
      expect((await clients[i % clients.length]!.request(`${API}/refuses`)).status).toBe(401);
    expect(refreshes).toEqual(['a1']);
    // The first request and its replay, then one send each.
    expect(route.arrivals()).toBe(rounds + 1);
  });
});
