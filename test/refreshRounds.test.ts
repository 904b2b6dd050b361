import { describe, expect, it, vi } from 'vitest';
import {
  InvalidRefreshAnswerError,
  InvalidTokenError,
  RefreshCooldownError,
  RefreshTimeoutError,
  SessionExpiredError,
  memoryStorage,
} from 'tokenflight';
import type { TokenInput } from 'tokenflight';
import { PROBE_INTERVAL } from '../machines/delays.js';
import { settledState } from './support/deferred.js';
import { refreshStub } from './support/refreshStub.js';
import { A0, startSession, tokenInput, useFakeClock, useSessions } from './support/session.js';

// A refresh round: what its answer does, how it retries (backoff, refreshTimeout), what ends the
// session (isTerminal), and the cooldown after a round that failed.
useFakeClock();
/** A session whose backoff jitter is fixed (random() = 0.5). */
const session = useSessions({ random: () => 0.5 });
const transient = () => Object.assign(new Error('503'), { status: 503 });

describe('a refresh that succeeds', () => {
  it('never presents a refresh token twice across rotations, and keeps the old one when none comes back', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh, tokens: A0 });
    for (const [index, next] of [
      ['a1', 'r1'],
      ['a2', undefined],
      ['a3', 'r3'],
    ].entries()) {
      const pending = user.unauthorized(user.tokens!.accessToken);
      stub
        .last()
        .answer.resolve({ accessToken: next[0]!, ...(next[1] ? { refreshToken: next[1] } : {}), expiresIn: 3600 });
      await pending;
      expect(stub.calls).toHaveLength(index + 1);
    }
    expect(stub.calls.map((call) => call.context.refreshToken)).toEqual(['r0', 'r1', 'r1']);
    expect(user.tokens?.refreshToken).toBe('r3');
  });

  it('keeps the refresh token when the answer has none', async () => {
    const user = startSession({ refresh: async () => ({ accessToken: 'a2', expiresIn: 600 }) });
    user.login(tokenInput('a1'));
    await user.refresh();
    expect(user.tokens).toMatchObject({ accessToken: 'a2', refreshToken: 'r-a1' });
  });
});

describe('a refresh that ends the session', () => {
  it('expires the session on a rejected refresh token and rejects every waiter with SessionExpiredError', async () => {
    const stub = refreshStub();
    const storage = memoryStorage();
    const user = session({ refresh: stub.refresh, storage, tokens: A0 });
    const expired = vi.fn();
    user.on('expired', expired);
    const waiters = [user.unauthorized('a0'), user.getToken(), user.refresh()];
    stub.last().answer.reject(Object.assign(new Error('invalid_grant'), { status: 400 }));
    for (const waiter of waiters) await expect(waiter).rejects.toBeInstanceOf(SessionExpiredError);
    expect(user.status).toBe('expired');
    expect(user.tokens).toBeNull();
    expect(storage.load()).toBeNull();
    expect(expired).toHaveBeenCalledOnce();
    expect(stub.calls).toHaveLength(1);
  });

  it('ends the session on a refresh answer without an accessToken, never storing it or retrying', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh, retry: { retries: 3 }, tokens: A0 });
    const waiter = user.refresh();
    stub.last().answer.resolve({ refreshToken: 'r1' } as never);
    const error = await waiter.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect((error as Error).cause).toBeInstanceOf(InvalidRefreshAnswerError);
    expect(((error as Error).cause as Error).cause).toBeInstanceOf(InvalidTokenError);
    expect(user.status).toBe('expired');
    expect(user.tokens).toBeNull();
    expect(stub.calls).toHaveLength(1);
  });

  it('uses a custom isTerminal to decide what ends the session', async () => {
    const stub = refreshStub();
    const user = session({
      refresh: stub.refresh,
      isTerminal: (error) => error instanceof SyntaxError,
      tokens: { accessToken: 'a0' },
    });
    const waiter = user.refresh();
    stub.last().answer.reject(new SyntaxError('bad json'));
    await expect(waiter).rejects.toMatchObject({ name: 'SessionExpiredError' });
    expect(user.status).toBe('expired');
  });

  it('a custom isTerminal decides which errors end the session, with no retry', async () => {
    const user = startSession({
      refresh: async () => Promise.reject(new Error('custom')),
      isTerminal: (error) => (error as Error).message === 'custom',
    });
    user.login(tokenInput('a1'));
    const failures: unknown[] = [];
    user.on('refreshFailed', ({ willRetry, attempt }) => failures.push({ willRetry, attempt }));
    await expect(user.refresh()).rejects.toMatchObject({ name: 'SessionExpiredError' });
    expect(failures).toEqual([{ willRetry: false, attempt: 1 }]);
  });
});

describe('retries and backoff', () => {
  it('retries a 503 with exponential backoff, then succeeds', async () => {
    const stub = refreshStub();
    const user = session({
      refresh: stub.refresh,
      retry: { retries: 3, minDelay: 1_000, maxDelay: 60_000 },
      tokens: { accessToken: 'a0', refreshToken: 'r0' },
    });
    const waiter = user.unauthorized('a0');
    stub.last().answer.reject(Object.assign(new Error('Service Unavailable'), { status: 503 }));
    // random() = 0.5: half the step fixed plus a quarter: 750 ms, then 1500 ms.
    await vi.advanceTimersByTimeAsync(749);
    expect(stub.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(stub.calls).toHaveLength(2);
    stub.last().answer.reject(Object.assign(new Error('Service Unavailable'), { status: 503 }));
    await vi.advanceTimersByTimeAsync(1_499);
    expect(stub.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(stub.calls).toHaveLength(3);
    expect(stub.calls.every((call) => call.context.refreshToken === 'r0')).toBe(true);
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 60 });
    await expect(waiter).resolves.toMatchObject({ accessToken: 'a1' });
  });

  it('reports each failed attempt, whether it will retry, and the round that gives up', async () => {
    const refresh = vi.fn(async (): Promise<TokenInput> => Promise.reject(transient()));
    const user = startSession({ refresh, retry: { retries: 1, minDelay: 10, maxDelay: 10 } });
    const failures: unknown[] = [];
    user.on('refreshFailed', ({ attempt, willRetry, error }) =>
      failures.push({ attempt, willRetry, status: (error as { status: number }).status }),
    );
    user.login(tokenInput('a1'));
    const outcome = expect(user.refresh()).rejects.toMatchObject({ status: 503 });
    await vi.advanceTimersByTimeAsync(100);
    await outcome;
    expect(failures).toEqual([
      { attempt: 1, willRetry: true, status: 503 },
      { attempt: 2, willRetry: false, status: 503 },
    ]);
    expect(refresh).toHaveBeenCalledTimes(2);

    // A new round starts counting again: one retry again.
    const again = expect(user.refresh()).rejects.toMatchObject({ status: 503 });
    await vi.advanceTimersByTimeAsync(100);
    await again;
    expect(refresh).toHaveBeenCalledTimes(4);
  });
});

describe('refreshTimeout', () => {
  it('aborts a hung refresh after refreshTimeout and fails with RefreshTimeoutError when out of retries', async () => {
    const stub = refreshStub();
    const user = session({
      refresh: stub.refresh,
      refreshTimeout: 2_000,
      retry: { retries: 1, minDelay: 10, maxDelay: 10 },
      tokens: { accessToken: 'a0', refreshToken: 'r0' },
    });
    const waiter = user.unauthorized('a0');
    waiter.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(stub.calls[0]?.context.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(stub.calls[0]?.context.signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(10);
    expect(stub.calls).toHaveLength(2);
    expect(await settledState(waiter)).toBe('pending');
    await vi.advanceTimersByTimeAsync(2_000);
    await expect(waiter).rejects.toBeInstanceOf(RefreshTimeoutError);
    expect(stub.calls[1]?.context.signal.aborted).toBe(true);
    expect(user.status).toBe('idle');
    // The hung call answering late changes nothing.
    stub.calls[0]?.answer.resolve({ accessToken: 'late' });
    await vi.advanceTimersByTimeAsync(0);
    expect(user.tokens?.accessToken).toBe('a0');
  });

  it('a hanging refresh is aborted after refreshTimeout, retried, then given up with RefreshTimeoutError', async () => {
    const signals: AbortSignal[] = [];
    const user = startSession({
      refresh: ({ signal }) => {
        signals.push(signal);
        return new Promise(() => {});
      },
      refreshTimeout: 100,
      retry: { retries: 1, minDelay: 10, maxDelay: 10 },
    });
    user.login(tokenInput('a1'));
    const outcome = expect(user.refresh()).rejects.toMatchObject({ name: 'RefreshTimeoutError', timeout: 100 });
    await vi.advanceTimersByTimeAsync(99);
    expect(signals.map((s) => s.aborted)).toEqual([false]);
    await vi.advanceTimersByTimeAsync(1);
    expect(signals.map((s) => s.aborted)).toEqual([true]);
    await vi.advanceTimersByTimeAsync(110);
    await outcome;
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
    expect(user.status).toBe('idle');
  });

  it('timeouts report whether they retry, and a round lost to timeouts cools down', async () => {
    const refresh = vi.fn(() => new Promise<TokenInput>(() => {}));
    const user = startSession({
      refresh,
      refreshTimeout: 100,
      retry: { retries: 1, minDelay: 10, maxDelay: 10 },
      failureCooldown: 30_000,
    });
    const failures: unknown[] = [];
    user.on('refreshFailed', ({ willRetry, attempt, error }) =>
      failures.push({ willRetry, attempt, name: (error as Error).name }),
    );
    user.login(tokenInput('a1', 10));
    await vi.advanceTimersByTimeAsync(5_000 + 100 + 10 + 100);
    expect(failures).toEqual([
      { willRetry: true, attempt: 1, name: 'RefreshTimeoutError' },
      { willRetry: false, attempt: 2, name: 'RefreshTimeoutError' },
    ]);
    expect(refresh).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(29_000);
    expect(refresh).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(refresh).toHaveBeenCalledTimes(3);
  });
});

describe('the failure cooldown', () => {
  async function sessionAfterFailedRound() {
    const stub = refreshStub();
    const user = session({
      refresh: stub.refresh,
      retry: { retries: 1, minDelay: 100, maxDelay: 100 },
      failureCooldown: 30_000,
      tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 1 },
    });
    // The margin is capped at half the 1 s lifetime.
    await vi.advanceTimersByTimeAsync(500);
    expect(stub.calls).toHaveLength(1);
    const waiter = user.getToken();
    const outage = Object.assign(new Error('Bad Gateway'), { status: 502 });
    stub.last().answer.reject(new TypeError('fetch failed'));
    await vi.advanceTimersByTimeAsync(100);
    stub.last().answer.reject(outage);
    await expect(waiter).rejects.toBe(outage);
    expect(user.status).toBe('idle');
    expect(user.tokens?.accessToken).toBe('a0');
    expect(stub.calls).toHaveLength(2);
    return { stub, user, outage };
  }

  it('keeps the old tokens when retries run out and holds off for the cooldown: needs fail at once, no new attempt', async () => {
    const { stub, user, outage } = await sessionAfterFailedRound();
    // No storm: until a probe is due, a need for a token fails at once and presents nothing.
    await vi.advanceTimersByTimeAsync(PROBE_INTERVAL - 1);
    const during = user.getToken();
    await expect(during).rejects.toBeInstanceOf(RefreshCooldownError);
    await expect(during).rejects.toMatchObject({ cause: outage, cooldown: 30_000 });
    await expect(user.unauthorized('a0')).rejects.toBeInstanceOf(RefreshCooldownError);
    // Without a need, the proactive timer does not present r0 again before the cooldown ends.
    await vi.advanceTimersByTimeAsync(29_000 - PROBE_INTERVAL);
    expect(stub.calls).toHaveLength(2);
  });

  it('tries again on the next need once the cooldown has passed', async () => {
    const { stub, user } = await sessionAfterFailedRound();
    await vi.advanceTimersByTimeAsync(29_999);
    expect(stub.calls).toHaveLength(2);
    // The proactive timer waited for the cooldown; at its end the overdue token is refreshed.
    await vi.advanceTimersByTimeAsync(1);
    expect(stub.calls).toHaveLength(3);
    const next = user.getToken();
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 600 });
    await expect(next).resolves.toMatchObject({ accessToken: 'a1' });
  });

  it('tries again on the next need after the cooldown even without a known expiry', async () => {
    const stub = refreshStub();
    const user = session({
      refresh: stub.refresh,
      retry: { retries: 0 },
      failureCooldown: 5_000,
      tokens: { accessToken: 'a0', refreshToken: 'r0' },
    });
    const first = user.unauthorized('a0');
    stub.last().answer.reject(new TypeError('fetch failed'));
    await expect(first).rejects.toBeInstanceOf(TypeError);
    await expect(user.unauthorized('a0')).rejects.toBeInstanceOf(RefreshCooldownError);
    await vi.advanceTimersByTimeAsync(5_000);
    const again = user.unauthorized('a0');
    expect(stub.calls).toHaveLength(2);
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1' });
    await expect(again).resolves.toMatchObject({ accessToken: 'a1' });
  });

  it('lets an explicit refresh() try at once during the cooldown', async () => {
    const { stub, user } = await sessionAfterFailedRound();
    await vi.advanceTimersByTimeAsync(1_000);
    const asked = user.refresh();
    expect(stub.calls).toHaveLength(3);
    expect(stub.last().context.refreshToken).toBe('r0');
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 600 });
    await expect(asked).resolves.toMatchObject({ accessToken: 'a1' });
    // A new token ends the cooldown.
    await expect(user.getToken()).resolves.toMatchObject({ accessToken: 'a1' });
  });

  it('after a failed round the proactive refresh waits out the cooldown', async () => {
    const refresh = vi.fn(async (): Promise<TokenInput> => Promise.reject(transient()));
    const user = startSession({ refresh, retry: { retries: 0 }, failureCooldown: 30_000 });
    user.login(tokenInput('a1', 10));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(refresh).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(29_000);
    expect(refresh).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(refresh).toHaveBeenCalledTimes(2);
    expect(user.status).toBe('idle');
  });
});
