import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAuthSession, type AuthSessionOptions } from '../../src/createAuthSession.js';
import * as errors from '../../domain/errors/index.js';
import { REDACTED } from '../../src/inspect/redact.js';
import { memoryStorage } from '../../src/storage.js';
import type { TokenInput } from '../../domain/tokens.js';
import { inspect } from '../../src/inspect/index.js';

const NOW = Date.UTC(2026, 0, 1);
const fresh = (name = 'a1', expiresIn = 600): TokenInput => ({ accessToken: name, refreshToken: `r-${name}`, expiresIn });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

function session(options: Partial<AuthSessionOptions> = {}) {
  const refresh = vi.fn(async () => fresh('a2'));
  return { refresh, session: createAuthSession({ refresh, ...options }) };
}

describe('createAuthSession options', () => {
  it('needs a refresh function', () => {
    expect(() => createAuthSession({} as AuthSessionOptions)).toThrow(new TypeError('tokenflight: createAuthSession needs a refresh function'));
    expect(() => createAuthSession(undefined as unknown as AuthSessionOptions)).toThrow(TypeError);
  });

  it.each([
    ['refreshMargin', { refreshMargin: -1 }, 'refreshMargin must be a number >= 0, got -1'],
    ['refreshTimeout', { refreshTimeout: 0 }, 'refreshTimeout must be a number >= 1, got 0'],
    ['heartbeatInterval', { heartbeat: async () => true, heartbeatInterval: 0 }, 'heartbeatInterval must be a number >= 1, got 0'],
    ['retry.retries', { retry: { retries: NaN } }, 'retry.retries must be a number >= 0, got NaN'],
    ['retry.minDelay', { retry: { minDelay: -1 } }, 'retry.minDelay must be a number >= 0, got -1'],
    ['retry.maxDelay', { retry: { maxDelay: '5' as unknown as number } }, 'retry.maxDelay must be a number >= 0, got 5'],
    ['maxQueue', { maxQueue: 0 }, 'maxQueue must be a number >= 1, got 0'],
    ['failureCooldown', { failureCooldown: -1 }, 'failureCooldown must be a number >= 0, got -1'],
    ['waitTimeout', { waitTimeout: 0 }, 'waitTimeout must be a number >= 1, got 0'],
  ])('refuses a bad %s', (_, options, message) => {
    expect(() => session(options as Partial<AuthSessionOptions>)).toThrow(new RangeError(`tokenflight: ${message}`));
  });

  it('fills in defaults and floors counts', () => {
    const { session: s } = session({ retry: { retries: 2.7 }, maxQueue: 1.5 });
    expect(s.actor.getSnapshot().context.config).toEqual({
      refreshMargin: 60_000,
      heartbeatInterval: null,
      refreshTimeout: 10_000,
      retries: 2,
      minDelay: 1_000,
      maxDelay: 30_000,
      maxQueue: 1,
      failureCooldown: 30_000,
    });
    const withHeartbeat = session({ heartbeat: async () => true });
    expect(withHeartbeat.session.actor.getSnapshot().context.config.heartbeatInterval).toBe(300_000);
  });
});

describe('createAuthSession', () => {
  it('starts logged in from options.tokens, else from storage, and ignores corrupt storage', () => {
    expect(session({ tokens: fresh() }).session.status).toBe('idle');
    const stored = { accessToken: 'kept', refreshToken: null, expiresAt: NOW + 60_000, tokenType: null, scope: null };
    const fromStorage = session({ storage: memoryStorage(stored) }).session;
    expect(fromStorage.status).toBe('idle');
    expect(fromStorage.tokens).toEqual(stored);
    const corrupt = memoryStorage({ accessToken: '', refreshToken: null, expiresAt: null, tokenType: null, scope: null });
    expect(session({ storage: corrupt }).session.status).toBe('loggedOut');
    expect(session().session.status).toBe('loggedOut');
  });

  it('stores tokens as they change and clears them on logout', () => {
    const storage = memoryStorage();
    const { session: s } = session({ storage });
    s.login(fresh());
    expect(storage.load()).toMatchObject({ accessToken: 'a1' });
    s.logout();
    expect(storage.load()).toBeNull();
  });

  it('answers getToken at once when the token is usable, and refreshes when it is not', async () => {
    const { session: s, refresh } = session({ now: () => Date.now() });
    s.login(fresh('a1', 1));
    await expect(s.getToken()).resolves.toMatchObject({ accessToken: 'a1' });
    expect(refresh).not.toHaveBeenCalled();
    vi.setSystemTime(NOW + 5_000);
    await expect(s.getToken()).resolves.toMatchObject({ accessToken: 'a2' });
    expect(refresh).toHaveBeenCalledWith(expect.objectContaining({ refreshToken: 'r-a1', tokens: expect.objectContaining({ accessToken: 'a1' }) }));
  });

  it('rejects each kind of waiter with its own error', async () => {
    const { session: s } = session();
    await expect(s.getToken()).rejects.toBeInstanceOf(errors.LoggedOutError);
    const rejecting = session({ refresh: async () => Promise.reject(new errors.RefreshRejectedError()) }).session;
    rejecting.login(fresh());
    await expect(rejecting.refresh()).rejects.toBeInstanceOf(errors.SessionExpiredError);
    const failing = session({ refresh: async () => Promise.reject(new Error('down')), retry: { retries: 0 } }).session;
    failing.login(fresh());
    await expect(failing.refresh()).rejects.toThrow('down');
  });

  it('turns away callers beyond maxQueue with QueueFullError', async () => {
    let answer: (tokens: TokenInput) => void = () => {};
    const { session: s } = session({ maxQueue: 1, refresh: () => new Promise((resolve) => (answer = resolve)) });
    s.login(fresh());
    const first = s.refresh();
    await expect(s.refresh()).rejects.toMatchObject({ name: 'QueueFullError', maxQueue: 1 });
    answer(fresh('a3'));
    await expect(first).resolves.toMatchObject({ accessToken: 'a3' });
  });

  it('gives up on a waiter after waitTimeout and takes it out of the queue', async () => {
    const { session: s } = session({ waitTimeout: 100, refresh: () => new Promise(() => {}), refreshTimeout: 10_000 });
    s.login(fresh());
    const waiting = s.refresh();
    const outcome = expect(waiting).rejects.toMatchObject({ name: 'WaitTimeoutError', timeout: 100 });
    await vi.advanceTimersByTimeAsync(99);
    expect(s.actor.getSnapshot().context.waiters).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await outcome;
    expect(s.actor.getSnapshot().context.waiters).toHaveLength(0);
  });

  it('a waiter answered before its timeout is not timed out later', async () => {
    const { session: s } = session({ waitTimeout: 100 });
    s.login(fresh());
    await expect(s.refresh()).resolves.toMatchObject({ accessToken: 'a2' });
    await vi.advanceTimersByTimeAsync(200);
    expect(s.status).toBe('idle');
  });

  it('needs the access token a 401 was for', async () => {
    const { session: s } = session();
    await expect(s.unauthorized(undefined as unknown as string)).rejects.toThrow(
      new TypeError('tokenflight: unauthorized() needs the access token the request used'),
    );
  });

  it('answers a stale 401 with the current token, a fresh one with a refresh', async () => {
    const { session: s, refresh } = session();
    s.login(fresh());
    await expect(s.unauthorized('older')).resolves.toMatchObject({ accessToken: 'a1' });
    await expect(s.unauthorized('a1')).resolves.toMatchObject({ accessToken: 'a2' });
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('subscribe calls at once and on each change; getSnapshot is stable between changes', () => {
    const { session: s } = session();
    const seen: string[] = [];
    const unsubscribe = s.subscribe(({ status }) => seen.push(status));
    const before = s.getSnapshot();
    expect(s.getSnapshot()).toBe(before);
    s.login(fresh());
    expect(s.getSnapshot()).not.toBe(before);
    unsubscribe();
    s.logout();
    expect(seen).toEqual(['loggedOut', 'idle']);
  });

  it('on() forwards lifecycle events until unsubscribed', () => {
    const { session: s } = session();
    const logins = vi.fn();
    const off = s.on('login', logins);
    s.login(fresh());
    off();
    s.login(fresh('a3'));
    expect(logins).toHaveBeenCalledTimes(1);
    expect(logins).toHaveBeenCalledWith(expect.objectContaining({ type: 'login', tokens: expect.objectContaining({ accessToken: 'a1' }) }));
  });

  it('stop rejects whoever waits, and the session refuses new work', async () => {
    const { session: s } = session({ refresh: () => new Promise(() => {}) });
    s.login(fresh());
    const waiting = s.refresh();
    const listener = vi.fn();
    s.subscribe(listener);
    s[Symbol.dispose]();
    s.stop();
    await expect(waiting).rejects.toMatchObject({ name: 'LoggedOutError', message: 'The session was stopped' });
    await expect(s.getToken()).rejects.toMatchObject({ name: 'LoggedOutError', message: 'The session was stopped' });
    expect(() => s.login(fresh())).toThrow('The session was stopped');
    const late = vi.fn();
    s.subscribe(late)();
    expect(late).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('validates tokens given to login', () => {
    const { session: s } = session();
    expect(() => s.login({ accessToken: '' })).toThrow(errors.InvalidTokenError);
  });

  it('a heartbeat that answers false starts a refresh; one that answers anything else does not', async () => {
    const heartbeat = vi.fn(async () => false);
    const { session: s, refresh } = session({ heartbeat, heartbeatInterval: 1_000 });
    s.login(fresh());
    await vi.advanceTimersByTimeAsync(1_000);
    expect(heartbeat).toHaveBeenCalledWith(expect.objectContaining({ tokens: expect.objectContaining({ accessToken: 'a1' }) }));
    expect(refresh).toHaveBeenCalledTimes(1);
    heartbeat.mockImplementation(async () => undefined as unknown as boolean);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('shows an inspector (function or observer) every token redacted', () => {
    const seen: unknown[] = [];
    session({ plugins: [inspect((event) => seen.push(event))], tokens: fresh('visible-token') }).session.login(fresh('second-token'));
    const observed: unknown[] = [];
    session({ plugins: [inspect({ next: (event) => observed.push(event) })], tokens: fresh('other-token') });
    const text = JSON.stringify([seen, observed], (_, value: unknown) => (typeof value === 'object' && value && 'send' in value ? '[actor]' : value));
    expect(seen.length).toBeGreaterThan(0);
    expect(observed.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/visible-token|second-token|other-token|r-visible/);
    expect(text).toContain(REDACTED);
  });
});
