import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createReplayLimit } from '../src/adapter-core/replayLimit.js';
import { bearerScheme } from 'tokenflight';
import { createAuthFetch } from 'tokenflight/fetch';
import { createAuthSession, type AuthSession } from 'tokenflight';
import { classifyDpopChallenge } from 'tokenflight/oauth';
import { deferred } from './support/deferred.js';
import { flush, refreshStub } from './support/refreshStub.js';

const sessions: AuthSession[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.stop();
});

describe('createReplayLimit', () => {
  it('runs at most max tasks at once and starts them in the order they came', async () => {
    const limit = createReplayLimit(2);
    const gates = Array.from({ length: 5 }, () => deferred<number>());
    const started: number[] = [];
    const results = gates.map((gate, index) =>
      limit(() => {
        started.push(index);
        return gate.promise;
      }),
    );
    await flush();
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve(1);
    await flush();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.reject(new Error('boom'));
    await flush();
    expect(started).toEqual([0, 1, 2, 3]);
    for (const [index, gate] of gates.entries()) gate.resolve(index);
    await expect(results[0]).rejects.toThrow('boom');
    await expect(Promise.all(results.slice(1))).resolves.toEqual([1, 2, 3, 4]);
  });

  it('lets a waiting task leave the line when its signal aborts, and frees the slot of a task that throws', async () => {
    const limit = createReplayLimit(1);
    const first = deferred<string>();
    const running = limit(() => first.promise);
    const controller = new AbortController();
    const waiting = limit(async () => 'never', controller.signal);
    const after = limit(async () => 'after');
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    first.resolve('first');
    await expect(running).resolves.toBe('first');
    await expect(after).resolves.toBe('after');
    await expect(
      limit(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(limit(async () => 'still free')).resolves.toBe('still free');
  });

  it('a task in the middle of the line leaves it on abort; the others keep their order', async () => {
    const limit = createReplayLimit(1);
    const first = deferred<string>();
    const started: string[] = [];
    const task = (name: string) => async () => {
      started.push(name);
      return name;
    };
    const running = limit(() => first.promise);
    const second = limit(task('second'));
    const controller = new AbortController();
    const third = limit(task('third'), controller.signal);
    const fourth = limit(task('fourth'));
    controller.abort(new Error('third gave up'));
    first.resolve('first');
    await expect(third).rejects.toThrow('third gave up');
    await expect(Promise.all([running, second, fourth])).resolves.toEqual(['first', 'second', 'fourth']);
    expect(started).toEqual(['second', 'fourth']);
  });

  it('never starts a task whose signal was aborted before it came, even with a free slot', async () => {
    const limit = createReplayLimit(1);
    const controller = new AbortController();
    controller.abort(new Error('already gone'));
    let ran = false;
    await expect(
      limit(async () => {
        ran = true;
      }, controller.signal),
    ).rejects.toThrow('already gone');
    expect(ran).toBe(false);
    await expect(limit(async () => 'slot still free')).resolves.toBe('slot still free');
  });

  it('leaves no abort listener on a signal once its task started or left the line', async () => {
    const limit = createReplayLimit(1);
    const first = deferred<string>();
    const running = limit(() => first.promise);
    // A long-lived signal (one per page, say) must not collect a listener per request.
    const started = new AbortController();
    const waiting = limit(async () => 'waited', started.signal);
    const leaving = new AbortController();
    const left = limit(async () => 'never', leaving.signal);
    expect(getEventListeners(started.signal, 'abort')).toHaveLength(1);
    leaving.abort(new Error('left'));
    await expect(left).rejects.toThrow('left');
    expect(getEventListeners(leaving.signal, 'abort')).toHaveLength(0);
    first.resolve('first');
    await expect(Promise.all([running, waiting])).resolves.toEqual(['first', 'waited']);
    expect(getEventListeners(started.signal, 'abort')).toHaveLength(0);
  });

  it('treats undefined and Infinity as no limit', async () => {
    for (const max of [undefined, Number.POSITIVE_INFINITY]) {
      const limit = createReplayLimit(max);
      const gates = Array.from({ length: 20 }, () => deferred<number>());
      let started = 0;
      const results = gates.map((gate) =>
        limit(() => {
          started += 1;
          return gate.promise;
        }),
      );
      await flush();
      expect(started).toBe(20);
      gates.forEach((gate, index) => gate.resolve(index));
      await expect(Promise.all(results)).resolves.toEqual(gates.map((_, index) => index));
    }
  });

  it('refuses limits that are not whole numbers of at least 1', () => {
    expect(() => createReplayLimit(0)).toThrow('tokenflight: maxConcurrentReplays must be a whole number >= 1, got 0');
    expect(() => createReplayLimit(0)).toThrow(RangeError);
    expect(() => createReplayLimit(1.5)).toThrow(RangeError);
    expect(() => createReplayLimit(Number.NaN)).toThrow(RangeError);
  });
});

describe('maxConcurrentReplays at scale', () => {
  it('releases two thousand queued requests eight at a time, in queue order', async () => {
    const stub = refreshStub();
    const session = createAuthSession({
      refresh: stub.refresh,
      maxQueue: 5_000,
      tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 3600 },
    });
    sessions.push(session);
    let inFlight = 0;
    let maxInFlight = 0;
    const order: number[] = [];
    const authFetch = createAuthFetch(session, {
      origins: ['https://api.test'],
      maxConcurrentReplays: 8,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        order.push(Number(new URL(request.url).searchParams.get('seq')));
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return new Response(request.headers.get('authorization'));
      },
    });
    const refreshed = session.refresh();
    const responses = Array.from({ length: 2_000 }, (_, seq) => authFetch(`https://api.test/data?seq=${seq}`));
    await flush(20);
    expect(order).toHaveLength(0);
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
    await refreshed;
    const bodies = await Promise.all(responses.map(async (response) => (await response).text()));
    expect(new Set(bodies)).toEqual(new Set(['Bearer a1']));
    expect(maxInFlight).toBe(8);
    expect(order).toEqual(Array.from({ length: 2_000 }, (_, seq) => seq));
  });

  it('sends everything at once without a limit (the default)', async () => {
    const stub = refreshStub();
    const session = createAuthSession({
      refresh: stub.refresh,
      tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 3600 },
    });
    sessions.push(session);
    let inFlight = 0;
    let maxInFlight = 0;
    const authFetch = createAuthFetch(session, {
      origins: ['https://api.test'],
      fetch: async () => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return new Response('ok');
      },
    });
    const refreshed = session.refresh();
    const responses = Array.from({ length: 100 }, () => authFetch('https://api.test/data'));
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
    await refreshed;
    await Promise.all(responses);
    expect(maxInFlight).toBe(100);
  });

  it('counts a nonce retry (same token, sent again) as a replay: it waits for a slot too', async () => {
    const session = createAuthSession({
      refresh: async () => ({ accessToken: 'unused' }),
      tokens: { accessToken: 'a0', expiresIn: 3600 },
    });
    sessions.push(session);
    const retries: Array<ReturnType<typeof deferred<Response>>> = [];
    let sends = 0;
    const authFetch = createAuthFetch(session, {
      origins: ['https://api.test'],
      maxConcurrentReplays: 1,
      // Refusals read as the DPoP scheme reads them: a nonce request is a retry.
      scheme: { ...bearerScheme, classify: classifyDpopChallenge },
      fetch: async () => {
        // The first two sends leave from the hot path and are asked for a DPoP nonce; the retries wait here.
        if (++sends <= 2)
          return new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"' } });
        const retry = deferred<Response>();
        retries.push(retry);
        return retry.promise;
      },
    });
    const responses = [authFetch('https://api.test/a'), authFetch('https://api.test/b')];
    await flush(10);
    expect(retries).toHaveLength(1);
    retries[0]!.resolve(new Response('first'));
    await flush(10);
    expect(retries).toHaveLength(2);
    retries[1]!.resolve(new Response('second'));
    expect(await Promise.all(responses.map(async (response) => (await response).text()))).toEqual(['first', 'second']);
  });
});
