import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clampDelay, MAX_DELAY } from '../domain/time.js';
import { createAuthSession, RefreshCooldownError, RefreshTimeoutError, type AuthSession, type AuthSessionOptions } from '../src/index.js';
import { settledState } from './support/deferred.js';
import { refreshStub } from './support/refreshStub.js';

const sessions: AuthSession[] = [];
function session(options: AuthSessionOptions) {
  const created = createAuthSession({ random: () => 0.5, ...options });
  sessions.push(created);
  return created;
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  for (const created of sessions.splice(0)) created.stop();
  vi.useRealTimers();
});

function unbrokenJwt(claims: Record<string, number>): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}.signature`;
}

describe('proactive refresh', () => {
  it('refreshes refreshMargin before expiry, not earlier', async () => {
    const stub = refreshStub();
    session({ refresh: stub.refresh, refreshMargin: 60_000, tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 600 } });
    await vi.advanceTimersByTimeAsync(539_999);
    expect(stub.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(stub.calls).toHaveLength(1);
  });

  it('caps the margin at half the token lifetime, so short tokens are not refreshed at once', async () => {
    const stub = refreshStub();
    session({ refresh: stub.refresh, refreshMargin: 60_000, tokens: { accessToken: 'a0', expiresIn: 20 } });
    await vi.advanceTimersByTimeAsync(9_999);
    expect(stub.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(stub.calls).toHaveLength(1);
  });

  it('reschedules from each new token', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh, refreshMargin: 10_000, tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 100 } });
    await vi.advanceTimersByTimeAsync(90_000);
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 100 });
    await vi.advanceTimersByTimeAsync(0);
    expect(user.tokens?.accessToken).toBe('a1');
    await vi.advanceTimersByTimeAsync(89_999);
    expect(stub.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(stub.calls).toHaveLength(2);
    expect(stub.last().context.refreshToken).toBe('r1');
  });

  it('clamps delays beyond 2^31-1 ms instead of firing at once', async () => {
    expect(clampDelay(2 ** 40)).toBe(MAX_DELAY);
    expect(clampDelay(-5)).toBe(0);
    expect(clampDelay(Number.NaN)).toBe(0);
    const stub = refreshStub();
    session({ refresh: stub.refresh, tokens: { accessToken: 'a0', expiresIn: 10 * 365 * 24 * 3600 } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(stub.calls).toHaveLength(0);
  });

  it('uses a JWT lifetime (exp - iat) when the answer carries no expiry, whatever the client clock says', async () => {
    const stub = refreshStub();
    // The server clock is a day ahead of ours: only the lifetime counts.
    const serverNow = Math.floor(Date.now() / 1000) + 86_400;
    session({ refresh: stub.refresh, refreshMargin: 30_000, tokens: { accessToken: unbrokenJwt({ iat: serverNow, exp: serverNow + 300 }) } });
    await vi.advanceTimersByTimeAsync(269_999);
    expect(stub.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(stub.calls).toHaveLength(1);
  });

  it('does not refresh proactively when the expiry is unknown', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh, tokens: { accessToken: 'opaque' } });
    await vi.advanceTimersByTimeAsync(MAX_DELAY);
    expect(stub.calls).toHaveLength(0);
    expect(user.status).toBe('idle');
  });
});

describe('heartbeat', () => {
  it('checks every heartbeatInterval and refreshes when the server says the session is gone', async () => {
    const stub = refreshStub();
    const answers = [true, true, false];
    const heartbeat = vi.fn(async (_context: { tokens: { accessToken: string } }) => answers.shift() ?? true);
    const user = session({ refresh: stub.refresh, heartbeat, heartbeatInterval: 5_000, tokens: { accessToken: 'a0' } });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(heartbeat).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(heartbeat).toHaveBeenCalledTimes(1);
    expect(heartbeat.mock.calls[0]?.[0].tokens.accessToken).toBe('a0');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(heartbeat).toHaveBeenCalledTimes(3);
    expect(user.status).toBe('refreshing');
    expect(stub.calls).toHaveLength(1);
  });

  it('keeps the session when the heartbeat cannot reach the server, and aborts a hung one', async () => {
    const stub = refreshStub();
    const signals: AbortSignal[] = [];
    let mode: 'fail' | 'hang' = 'fail';
    const heartbeat = vi.fn(({ signal }: { signal: AbortSignal }) => {
      signals.push(signal);
      return mode === 'fail' ? Promise.reject(new TypeError('fetch failed')) : new Promise<boolean>(() => {});
    });
    const user = session({ refresh: stub.refresh, heartbeat, heartbeatInterval: 1_000, refreshTimeout: 3_000, tokens: { accessToken: 'a0' } });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(user.status).toBe('idle');
    mode = 'hang';
    await vi.advanceTimersByTimeAsync(1_000);
    expect(heartbeat).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(signals[1]?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(heartbeat).toHaveBeenCalledTimes(3);
    expect(stub.calls).toHaveLength(0);
  });
});

describe('backoff and timeouts', () => {
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
    // No storm: neither the proactive timer nor a need for a token presents r0 again yet.
    await vi.advanceTimersByTimeAsync(29_000);
    expect(stub.calls).toHaveLength(2);
    const during = user.getToken();
    await expect(during).rejects.toBeInstanceOf(RefreshCooldownError);
    await expect(during).rejects.toMatchObject({ cause: outage, cooldown: 30_000 });
    await expect(user.unauthorized('a0')).rejects.toBeInstanceOf(RefreshCooldownError);
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
    const user = session({ refresh: stub.refresh, retry: { retries: 0 }, failureCooldown: 5_000, tokens: { accessToken: 'a0', refreshToken: 'r0' } });
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

  it('aborts a hung refresh after refreshTimeout and fails with RefreshTimeoutError when out of retries', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh, refreshTimeout: 2_000, retry: { retries: 1, minDelay: 10, maxDelay: 10 }, tokens: { accessToken: 'a0', refreshToken: 'r0' } });
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

  it('uses a custom isTerminal to decide what ends the session', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh, isTerminal: (error) => error instanceof SyntaxError, tokens: { accessToken: 'a0' } });
    const waiter = user.refresh();
    stub.last().answer.reject(new SyntaxError('bad json'));
    await expect(waiter).rejects.toMatchObject({ name: 'SessionExpiredError' });
    expect(user.status).toBe('expired');
  });
});
