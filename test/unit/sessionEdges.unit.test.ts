import { createActor } from 'xstate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { authSessionMachine } from '../../machines/authSession.js';
import { MAX_DELAY } from '../../domain/time.js';
import { createAuthSession, type AuthSessionOptions } from '../../src/createAuthSession.js';
import { RefreshRejectedError } from '../../domain/errors/RefreshRejectedError.js';
import { REDACTED } from '../../src/inspect/redact.js';
import { memoryStorage } from '../../src/storage.js';
import type { TokenInput } from '../../domain/tokens.js';
import { inspect } from '../../src/inspect/index.js';

const NOW = Date.UTC(2026, 0, 1);
const tokens = (name: string, expiresIn?: number): TokenInput => ({ accessToken: name, refreshToken: `r-${name}`, expiresIn });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

const start = (options: Partial<AuthSessionOptions> & Pick<AuthSessionOptions, 'refresh'>) => createAuthSession({ random: () => 0.5, ...options });

describe('login and logout from every state', () => {
  it('emits login and logout wherever they happen, and logout always ends in loggedOut', async () => {
    let answer: () => Promise<TokenInput> = () => new Promise(() => {});
    const session = start({ refresh: () => answer() });
    const events: string[] = [];
    session.on('login', ({ tokens: t }) => events.push(`login ${t.accessToken}`));
    session.on('logout', () => events.push('logout'));

    session.login(tokens('a1', 600)); // from loggedOut
    session.login(tokens('a2', 600)); // from idle
    expect(session.tokens?.accessToken).toBe('a2');
    void session.refresh().catch(() => undefined);
    session.login(tokens('a3', 600)); // from refreshing
    expect(session.status).toBe('idle');
    void session.refresh().catch(() => undefined);
    session.logout(); // from refreshing
    expect(session.status).toBe('loggedOut');
    session.login(tokens('a4', 600));
    answer = async () => Promise.reject(new RefreshRejectedError());
    await expect(session.refresh()).rejects.toMatchObject({ name: 'SessionExpiredError' });
    session.login(tokens('a5', 600)); // from expired
    session.logout(); // from idle
    session.login(tokens('a6', 600));
    await expect(session.refresh()).rejects.toMatchObject({ name: 'SessionExpiredError' });
    session.logout(); // from expired
    expect(session.status).toBe('loggedOut');
    expect(events).toEqual([
      'login a1',
      'login a2',
      'login a3',
      'logout',
      'login a4',
      'login a5',
      'logout',
      'login a6',
      'logout',
    ]);
  });
});

describe('requests that cannot be answered', () => {
  it('are refused with the error of the state they meet', async () => {
    let answer: () => Promise<TokenInput> = () => new Promise(() => {});
    const session = start({ refresh: () => answer(), maxQueue: 1 });
    for (const ask of [() => session.getToken(), () => session.unauthorized('x'), () => session.refresh()]) {
      await expect(ask()).rejects.toMatchObject({ name: 'LoggedOutError' });
    }
    session.login(tokens('a1', 600));
    const first = session.refresh();
    for (const ask of [() => session.getToken(), () => session.unauthorized('a1'), () => session.refresh()]) {
      await expect(ask()).rejects.toMatchObject({ name: 'QueueFullError' });
    }
    session.logout();
    await expect(first).rejects.toMatchObject({ name: 'LoggedOutError' });
    session.login(tokens('a2', 600));
    answer = async () => Promise.reject(new RefreshRejectedError());
    await expect(session.refresh()).rejects.toMatchObject({ name: 'SessionExpiredError' });
    for (const ask of [() => session.getToken(), () => session.unauthorized('a2'), () => session.refresh()]) {
      await expect(ask()).rejects.toMatchObject({ name: 'SessionExpiredError' });
    }
  });

  it('a released queue starts the next round empty', async () => {
    let answer: (value: TokenInput) => void = () => {};
    const session = start({ refresh: () => new Promise((resolve) => (answer = resolve)), maxQueue: 2 });
    session.login(tokens('a1', 600));
    const first = session.refresh();
    answer(tokens('a2', 600));
    await first;
    const second = session.refresh();
    const alongside = session.getToken();
    answer(tokens('a3', 600));
    await expect(Promise.all([second, alongside])).resolves.toMatchObject([{ accessToken: 'a3' }, { accessToken: 'a3' }]);
  });
});

describe('failures', () => {
  it('a custom isTerminal decides which errors end the session', async () => {
    const session = start({ refresh: async () => Promise.reject(new Error('custom')), isTerminal: (error) => (error as Error).message === 'custom' });
    session.login(tokens('a1', 600));
    const failures: unknown[] = [];
    session.on('refreshFailed', ({ willRetry, attempt }) => failures.push({ willRetry, attempt }));
    await expect(session.refresh()).rejects.toMatchObject({ name: 'SessionExpiredError' });
    expect(failures).toEqual([{ willRetry: false, attempt: 1 }]);
  });

  it('timeouts report whether they retry, and a round lost to timeouts cools down', async () => {
    const refresh = vi.fn(() => new Promise<TokenInput>(() => {}));
    const session = start({ refresh, refreshTimeout: 100, retry: { retries: 1, minDelay: 10, maxDelay: 10 }, failureCooldown: 30_000 });
    const failures: unknown[] = [];
    session.on('refreshFailed', ({ willRetry, attempt, error }) => failures.push({ willRetry, attempt, name: (error as Error).name }));
    session.login(tokens('a1', 10));
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

  it('a token without a known expiry is never refreshed on a timer', async () => {
    const refresh = vi.fn(async () => tokens('a2'));
    const session = start({ refresh });
    session.login(tokens('opaque'));
    await vi.advanceTimersByTimeAsync(MAX_DELAY + 1);
    expect(refresh).not.toHaveBeenCalled();
    expect(session.status).toBe('idle');
  });
});

describe('stale 401s', () => {
  it('are answered with the current token only while it is usable; an expired one is refreshed', async () => {
    let fail = true;
    const refresh = vi.fn(async () => (fail ? Promise.reject(Object.assign(new Error('503'), { status: 503 })) : tokens('a2', 600)));
    const session = start({ refresh, retry: { retries: 0 }, failureCooldown: 30_000 });
    session.login(tokens('a1', 10));
    await vi.advanceTimersByTimeAsync(5_000); // the proactive refresh fails: idle, cooling down
    expect(refresh).toHaveBeenCalledTimes(1);
    await expect(session.unauthorized('older')).resolves.toMatchObject({ accessToken: 'a1' });
    await vi.advanceTimersByTimeAsync(6_000); // a1 has expired, the cooldown still holds
    // Not the expired a1: a new token is needed, and the cooldown refuses it at once.
    await expect(session.unauthorized('older')).rejects.toMatchObject({ name: 'RefreshCooldownError' });
    expect(refresh).toHaveBeenCalledTimes(1);
    fail = false;
    await vi.advanceTimersByTimeAsync(25_000); // the cooldown (from 5 s to 35 s) is over: the due refresh runs
    await expect(session.unauthorized('older')).resolves.toMatchObject({ accessToken: 'a2' });
    expect(refresh).toHaveBeenCalledTimes(2);
  });
});

describe('session bookkeeping', () => {
  it('stores each new token set once, not on every status change', async () => {
    const storage = memoryStorage();
    const save = vi.spyOn(storage, 'save');
    const session = start({ refresh: async () => tokens('a2', 600), storage });
    session.login(tokens('a1', 600));
    await session.refresh();
    session.logout();
    expect(save.mock.calls.map(([t]) => t?.accessToken ?? null)).toEqual(['a1', 'a2', null]);
  });

  it('redacts refreshed tokens too', async () => {
    const seen: string[] = [];
    let round = 0;
    const session = start({
      refresh: async ({ refreshToken }) => (++round === 1 ? tokens('fresh-access', 600) : Promise.reject(new Error(String(refreshToken)))),
      retry: { retries: 0 },
      plugins: [inspect((event) => seen.push(JSON.stringify('snapshot' in event ? event.snapshot : null, (_, v: unknown) => (typeof v === 'object' && v && 'send' in v ? 0 : v))))],
    });
    session.login(tokens('a1', 600));
    await session.refresh();
    await expect(session.refresh()).rejects.toThrow('r-fresh-access');
    expect(seen.join('\n')).toContain(`"message":"${REDACTED}"`);
    expect(seen.join('\n')).not.toContain('r-fresh-access');
  });

  it('an inspector observer without next is fine; createAuthSession() without options says what it needs', () => {
    expect(() => start({ refresh: async () => tokens('a2'), plugins: [inspect({ complete: () => {} })] }).login(tokens('a1'))).not.toThrow();
    expect(() => createAuthSession(undefined as unknown as AuthSessionOptions)).toThrow('tokenflight: createAuthSession needs a refresh function');
  });
});

describe('the machine on its own defaults', () => {
  it('answers a token request at once while the token is usable, and refreshes for an unusable one', () => {
    const actor = createActor(authSessionMachine, {
      input: { config: { refreshMargin: 0, heartbeatInterval: null, refreshTimeout: 1_000, retries: 0, minDelay: 1, maxDelay: 1, maxQueue: 10, failureCooldown: 1_000 } },
    });
    const resolved: number[][] = [];
    actor.on('waiters.resolved', ({ ids }) => resolved.push(ids));
    actor.start();
    actor.send({ type: 'LOGIN', received: { tokens: { accessToken: 'a', refreshToken: null, expiresAt: Date.now() + 60_000, tokenType: null, scope: null }, lifetime: 60_000 } });
    actor.send({ type: 'TOKEN.REQUEST', id: 1, at: Date.now() });
    expect(resolved).toEqual([[1]]);
    expect(actor.getSnapshot().matches('idle')).toBe(true);
    actor.send({ type: 'TOKEN.REQUEST', id: 2, at: Date.now() + 60_000 });
    expect(actor.getSnapshot().matches('refreshing')).toBe(true);
    actor.stop();
  });

  it('does not refresh or check by itself before the token is due', async () => {
    const actor = createActor(authSessionMachine, {
      input: { config: { refreshMargin: 0, heartbeatInterval: 1, refreshTimeout: 1_000, retries: 0, minDelay: 1, maxDelay: 1, maxQueue: 10, failureCooldown: 1_000 } },
    });
    const events: string[] = [];
    actor.on('*', (event) => events.push(event.type));
    actor.start();
    actor.send({ type: 'LOGIN', received: { tokens: { accessToken: 'a', refreshToken: null, expiresAt: Date.now() + 60_000, tokenType: null, scope: null }, lifetime: 60_000 } });
    await vi.advanceTimersByTimeAsync(50);
    expect(events).toEqual(['login']);
    expect(actor.getSnapshot().matches('idle')).toBe(true);
    actor.stop();
  });
});
