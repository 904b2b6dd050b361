import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clampDelay, MAX_DELAY } from '../domain/time.js';
import { backoffDelay, createDelays, effectiveMargin } from 'tokenflight/machine';
import type { AuthContext } from 'tokenflight/machine';
import { initialContext } from 'tokenflight/machine';
import { jwt } from './support/jwt.js';
import { refreshStub } from './support/refreshStub.js';
import { refreshingSession, startSession, tokenInput, useSessions } from './support/session.js';
import { match } from './support/matchers.js';

// When the session acts by itself: the proactive refresh, the heartbeat, and the delays they wait.
beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});
/** A session whose backoff jitter is fixed (random() = 0.5). */
const session = useSessions({ random: () => 0.5 });

describe('proactive refresh', () => {
  it('refreshes refreshMargin before expiry, not earlier', async () => {
    const stub = refreshStub();
    session({
      refresh: stub.refresh,
      refreshMargin: 60_000,
      tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 600 },
    });
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
    const user = session({
      refresh: stub.refresh,
      refreshMargin: 10_000,
      tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 100 },
    });
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
    // clampDelay itself: see 'delays' below.
    const stub = refreshStub();
    session({ refresh: stub.refresh, tokens: { accessToken: 'a0', expiresIn: 10 * 365 * 24 * 3600 } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(stub.calls).toHaveLength(0);
  });

  it('uses a JWT lifetime (exp - iat) when the answer carries no expiry, whatever the client clock says', async () => {
    const stub = refreshStub();
    // The server clock is a day ahead of ours: only the lifetime counts.
    const serverNow = Math.floor(Date.now() / 1000) + 86_400;
    session({
      refresh: stub.refresh,
      refreshMargin: 30_000,
      tokens: { accessToken: jwt({ iat: serverNow, exp: serverNow + 300 }) },
    });
    await vi.advanceTimersByTimeAsync(269_999);
    expect(stub.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(stub.calls).toHaveLength(1);
  });

  it('with proactiveRefresh: false, refreshes only when a request needs a token (as a server does)', async () => {
    const stub = refreshStub();
    const user = session({
      refresh: stub.refresh,
      proactiveRefresh: false,
      tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 600 },
    });
    await vi.advanceTimersByTimeAsync(700_000);
    expect(stub.calls).toHaveLength(0);
    expect(user.status).toBe('idle');
    const token = user.getToken();
    await vi.advanceTimersByTimeAsync(0);
    expect(stub.calls).toHaveLength(1);
    stub.calls[0]!.answer.resolve(tokenInput('a1'));
    await expect(token).resolves.toMatchObject({ accessToken: 'a1' });
  });

  it('refuses a proactiveRefresh that is not true or false', () => {
    expect(() => session({ refresh: refreshStub().refresh, proactiveRefresh: 'no' as never })).toThrow(
      new TypeError('tokenflight: proactiveRefresh must be true or false, got "no"'),
    );
  });

  it('does not refresh proactively when the expiry is unknown', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh, tokens: { accessToken: 'opaque' } });
    await vi.advanceTimersByTimeAsync(MAX_DELAY);
    expect(stub.calls).toHaveLength(0);
    expect(user.status).toBe('idle');
  });

  it('never refreshes a token logged in without a known expiry on a timer', async () => {
    const refresh = vi.fn(async () => tokenInput('a2'));
    const user = startSession({ refresh });
    user.login({ accessToken: 'opaque', refreshToken: 'r-opaque' });
    await vi.advanceTimersByTimeAsync(MAX_DELAY + 1);
    expect(refresh).not.toHaveBeenCalled();
    expect(user.status).toBe('idle');
  });

  it('a new login reschedules the proactive refresh for the new token', async () => {
    const refresh = vi.fn(async () => tokenInput('a9'));
    const user = startSession({ refresh });
    user.login(tokenInput('short', 10)); // due 5 s from now (margin capped at half the lifetime)
    await vi.advanceTimersByTimeAsync(1_000);
    user.login(tokenInput('long', 600));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(refresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(530_000);
    expect(refresh).toHaveBeenCalledTimes(1);
  });
});

describe('heartbeat', () => {
  it('checks every heartbeatInterval and refreshes when the server says the session is gone', async () => {
    const stub = refreshStub();
    const answers = [true, true, false];
    const heartbeat = vi.fn<(context: { tokens: { accessToken: string } }) => Promise<boolean>>(
      async () => answers.shift() ?? true,
    );
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
    const user = session({
      refresh: stub.refresh,
      heartbeat,
      heartbeatInterval: 1_000,
      refreshTimeout: 3_000,
      tokens: { accessToken: 'a0' },
    });
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

  it('a heartbeat that answers false starts a refresh; one that answers anything else does not', async () => {
    const heartbeat = vi.fn(async () => false);
    const { session: s, refresh } = refreshingSession({ heartbeat, heartbeatInterval: 1_000 });
    s.login(tokenInput());
    await vi.advanceTimersByTimeAsync(1_000);
    expect(heartbeat).toHaveBeenCalledWith(
      match.objectContaining({ tokens: match.objectContaining({ accessToken: 'a1' }) }),
    );
    expect(refresh).toHaveBeenCalledTimes(1);
    heartbeat.mockImplementation(async () => undefined as unknown as boolean);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('a heartbeat that fails or hangs changes nothing; the next one comes an interval later', async () => {
    const refresh = vi.fn(async () => tokenInput('a2'));
    const heartbeat = vi.fn((): Promise<boolean> => Promise.reject(new Error('offline')));
    const user = startSession({ refresh, heartbeat, heartbeatInterval: 1_000, refreshTimeout: 100 });
    user.login(tokenInput('a1'));
    const listener = vi.fn();
    user.subscribe(listener);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(heartbeat).toHaveBeenCalledTimes(1);
    heartbeat.mockImplementation(() => new Promise(() => {}));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(heartbeat).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(100 + 999);
    expect(heartbeat).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(heartbeat).toHaveBeenCalledTimes(3);
    expect(refresh).not.toHaveBeenCalled();
    // Heartbeats move between idle substates only: subscribers hear nothing.
    expect(listener).toHaveBeenCalledTimes(1);
  });
});

/** The machine's context for these options, changed by `over`. */
const context = (over: Partial<AuthContext> = {}): AuthContext => ({
  ...initialContext({
    proactiveRefresh: true,
    refreshMargin: 60_000,
    heartbeatInterval: 5_000,
    refreshTimeout: 7_000,
    retries: 3,
    minDelay: 1_000,
    maxDelay: 8_000,
    maxQueue: 10,
    failureCooldown: 30_000,
  }),
  ...over,
});

describe('delays', () => {
  it('clamps to what setTimeout can wait', () => {
    expect(clampDelay(NaN)).toBe(0);
    expect(clampDelay(-5)).toBe(0);
    expect(clampDelay(5)).toBe(5);
    expect(clampDelay(2 ** 40)).toBe(MAX_DELAY);
    expect(MAX_DELAY).toBe(2_147_483_647);
  });

  it('caps the margin at half the lifetime', () => {
    expect(effectiveMargin(context())).toBe(60_000);
    expect(effectiveMargin(context({ lifetime: 30_000 }))).toBe(15_000);
    expect(effectiveMargin(context({ lifetime: 600_000 }))).toBe(60_000);
  });

  it('backs off exponentially with equal jitter, up to maxDelay', () => {
    expect(backoffDelay(1, 1_000, 8_000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1_000, 8_000, () => 1)).toBe(1_000);
    expect(backoffDelay(2, 1_000, 8_000, () => 0.5)).toBe(1_500);
    expect(backoffDelay(3, 1_000, 8_000, () => 0)).toBe(2_000);
    expect(backoffDelay(10, 1_000, 8_000, () => 1)).toBe(8_000);
    expect(backoffDelay(0, 1_000, 8_000, () => 1)).toBe(1_000);
  });

  it('schedules the proactive refresh a margin before expiry, later while cooling down', () => {
    const delays = createDelays(
      () => 1_000,
      () => 0.5,
    );
    const tokens = { accessToken: 'a', refreshToken: null, expiresAt: 601_000, tokenType: null, scope: null };
    expect(delays.refreshDue({ context: context() })).toBe(MAX_DELAY);
    expect(delays.refreshDue({ context: context({ tokens: { ...tokens, expiresAt: null } }) })).toBe(MAX_DELAY);
    expect(delays.refreshDue({ context: context({ tokens, lifetime: 600_000 }) })).toBe(540_000);
    expect(
      delays.refreshDue({ context: context({ tokens: { ...tokens, expiresAt: 2_000 }, lifetime: 600_000 }) }),
    ).toBe(0);
    expect(
      delays.refreshDue({ context: context({ tokens: { ...tokens, expiresAt: 2_000 }, coolingDown: true }) }),
    ).toBe(30_000);
    expect(delays.refreshDue({ context: context({ tokens, lifetime: 600_000, coolingDown: true }) })).toBe(540_000);
  });

  it('reads the other delays from the config', () => {
    const delays = createDelays(
      () => 0,
      () => 0,
    );
    expect(delays.heartbeatInterval({ context: context() })).toBe(5_000);
    const noHeartbeat = context();
    noHeartbeat.config.heartbeatInterval = null;
    expect(delays.heartbeatInterval({ context: noHeartbeat })).toBe(MAX_DELAY);
    expect(delays.refreshTimeout({ context: context() })).toBe(7_000);
    expect(delays.retryDelay({ context: context({ attempt: 2 }) })).toBe(1_000);
    expect(createDelays(() => 0).retryDelay({ context: context({ attempt: 1 }) })).toBeGreaterThanOrEqual(500);
  });
});
