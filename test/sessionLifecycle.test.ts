import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createAuthSession,
  InvalidRefreshAnswerError,
  InvalidTokenError,
  LoggedOutError,
  memoryStorage,
  QueueFullError,
  RefreshRejectedError,
  SessionExpiredError,
  WaitTimeoutError,
  type AuthSession,
  type AuthSessionOptions,
} from '../src/index.js';
import { settledState } from './support/deferred.js';
import { flush, refreshStub } from './support/refreshStub.js';

const sessions: AuthSession[] = [];
function session(options: Partial<AuthSessionOptions> & Pick<AuthSessionOptions, 'refresh'>) {
  const created = createAuthSession({ tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 3600 }, ...options });
  sessions.push(created);
  return created;
}

afterEach(() => {
  for (const created of sessions.splice(0)) created.stop();
  vi.useRealTimers();
});

describe('creating a session', () => {
  it('needs a refresh function and sane numbers', () => {
    expect(() => createAuthSession({} as AuthSessionOptions)).toThrow(TypeError);
    expect(() => createAuthSession({ refresh: vi.fn(), maxQueue: 0 })).toThrow(RangeError);
    expect(() => createAuthSession({ refresh: vi.fn(), refreshMargin: Number.NaN })).toThrow(RangeError);
    expect(() => createAuthSession({ refresh: vi.fn(), retry: { retries: -1 } })).toThrow(/retry\.retries/);
  });

  it('starts logged out without tokens, idle with them', () => {
    const guest = createAuthSession({ refresh: vi.fn() });
    sessions.push(guest);
    expect(guest.status).toBe('loggedOut');
    expect(guest.tokens).toBeNull();
    const user = session({ refresh: vi.fn() });
    expect(user.status).toBe('idle');
    expect(user.tokens).toMatchObject({ accessToken: 'a0', refreshToken: 'r0' });
  });

  it('restores tokens from storage and writes every change back', async () => {
    const storage = memoryStorage({ accessToken: 'stored', refreshToken: 'rs', expiresAt: Date.now() + 600_000, tokenType: null, scope: null });
    const stub = refreshStub();
    const restored = createAuthSession({ refresh: stub.refresh, storage });
    sessions.push(restored);
    expect(restored.tokens?.accessToken).toBe('stored');
    const pending = restored.refresh();
    stub.last().answer.resolve({ accessToken: 'fresh', refreshToken: 'r1', expiresIn: 60 });
    await pending;
    expect(storage.load()?.accessToken).toBe('fresh');
    restored.logout();
    expect(storage.load()).toBeNull();
  });

  it('rejects a token set without a string accessToken with a typed TypeError', () => {
    const user = session({ refresh: vi.fn() });
    const bad = [{}, { accessToken: 42 }, { accessToken: '' }, null, { accessToken: 'a', expiresIn: 'soon' }];
    for (const input of bad) {
      expect(() => user.login(input as never)).toThrow(InvalidTokenError);
      expect(() => user.login(input as never)).toThrow(TypeError);
    }
    expect(user.tokens?.accessToken).toBe('a0');
    expect(() => createAuthSession({ refresh: vi.fn(), tokens: { accessToken: 1 } as never })).toThrow(InvalidTokenError);
  });
});

describe('getToken', () => {
  it('answers at once while idle', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh });
    await expect(user.getToken()).resolves.toMatchObject({ accessToken: 'a0' });
    expect(stub.calls).toHaveLength(0);
  });

  it('rejects with LoggedOutError when logged out and SessionExpiredError when expired', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh });
    const refreshing = user.refresh();
    stub.last().answer.reject(new RefreshRejectedError());
    await expect(refreshing).rejects.toBeInstanceOf(SessionExpiredError);
    expect(user.status).toBe('expired');
    await expect(user.getToken()).rejects.toMatchObject({ name: 'SessionExpiredError' });
    await expect(user.unauthorized('a0')).rejects.toBeInstanceOf(SessionExpiredError);
    user.logout();
    await expect(user.getToken()).rejects.toMatchObject({ name: 'LoggedOutError' });
    await expect(user.refresh()).rejects.toBeInstanceOf(LoggedOutError);
  });

  it('refreshes first when the token is already past its expiry (a tab that slept)', async () => {
    const stub = refreshStub();
    let clock = 1_000_000;
    const user = session({ refresh: stub.refresh, now: () => clock, tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 60 } });
    clock += 61_000;
    const token = user.getToken();
    expect(user.status).toBe('refreshing');
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 60 });
    await expect(token).resolves.toMatchObject({ accessToken: 'a1' });
  });
});

describe('concurrent 401s', () => {
  it('make exactly one refresh, and every caller gets the new token', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh });
    const callers = Array.from({ length: 25 }, () => user.unauthorized('a0'));
    callers.push(user.getToken());
    expect(user.status).toBe('refreshing');
    expect(stub.calls).toHaveLength(1);
    expect(stub.last().context.refreshToken).toBe('r0');
    expect(user.actor.getSnapshot().context.waiters).toHaveLength(26);
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
    const results = await Promise.all(callers);
    expect(new Set(results.map((tokens) => tokens.accessToken))).toEqual(new Set(['a1']));
    expect(stub.calls).toHaveLength(1);
    expect(user.actor.getSnapshot().context.waiters).toHaveLength(0);
  });

  it('does not refresh again for a 401 that used a token already replaced (a stale 401)', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh });
    const first = user.unauthorized('a0');
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
    await first;
    await expect(user.unauthorized('a0')).resolves.toMatchObject({ accessToken: 'a1' });
    expect(stub.calls).toHaveLength(1);
    expect(user.status).toBe('idle');
  });

  it('never presents a refresh token twice across rotations, and keeps the old one when none comes back', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh });
    for (const [index, next] of [['a1', 'r1'], ['a2', undefined], ['a3', 'r3']].entries()) {
      const pending = user.unauthorized(user.tokens!.accessToken);
      stub.last().answer.resolve({ accessToken: next[0]!, ...(next[1] ? { refreshToken: next[1] } : {}), expiresIn: 3600 });
      await pending;
      expect(stub.calls).toHaveLength(index + 1);
    }
    expect(stub.calls.map((call) => call.context.refreshToken)).toEqual(['r0', 'r1', 'r1']);
    expect(user.tokens?.refreshToken).toBe('r3');
  });
});

describe('a refresh that fails', () => {
  it('expires the session on a rejected refresh token and rejects every waiter with SessionExpiredError', async () => {
    const stub = refreshStub();
    const storage = memoryStorage();
    const user = session({ refresh: stub.refresh, storage });
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
    const user = session({ refresh: stub.refresh, retry: { retries: 3 } });
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

  it('drops the late result of a refresh cut short by logout, and rejects waiters with LoggedOutError', async () => {
    const stub = refreshStub();
    const storage = memoryStorage();
    const user = session({ refresh: stub.refresh, storage });
    const waiters = [user.unauthorized('a0'), user.getToken()];
    const { signal } = stub.last().context;
    user.logout();
    for (const waiter of waiters) await expect(waiter).rejects.toBeInstanceOf(LoggedOutError);
    expect(signal.aborted).toBe(true);
    stub.last().answer.resolve({ accessToken: 'late', refreshToken: 'r-late', expiresIn: 60 });
    await flush();
    expect(user.status).toBe('loggedOut');
    expect(user.tokens).toBeNull();
    expect(storage.load()).toBeNull();
  });

  it('gives waiters the new tokens when the user logs in during a refresh', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh });
    const waiter = user.unauthorized('a0');
    user.login({ accessToken: 'typed-in', refreshToken: 'r9', expiresIn: 60 });
    await expect(waiter).resolves.toMatchObject({ accessToken: 'typed-in' });
    expect(stub.last().context.signal.aborted).toBe(true);
  });
});

describe('the queue', () => {
  it('turns callers away beyond maxQueue with QueueFullError, and keeps serving the rest', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh, maxQueue: 3 });
    const admitted = [user.unauthorized('a0'), user.getToken(), user.getToken()];
    const turnedAway = user.getToken();
    await expect(turnedAway).rejects.toBeInstanceOf(QueueFullError);
    await expect(turnedAway).rejects.toMatchObject({ maxQueue: 3 });
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 60 });
    await expect(Promise.all(admitted)).resolves.toHaveLength(3);
  });

  it('records who waits since when, and lets a waiter give up after waitTimeout', async () => {
    vi.useFakeTimers({ now: 5_000 });
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh, waitTimeout: 2_000, refreshTimeout: 60_000 });
    const waiter = user.unauthorized('a0');
    expect(user.actor.getSnapshot().context.waiters).toEqual([{ id: expect.any(Number), since: 5_000 }]);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(await settledState(waiter)).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    await expect(waiter).rejects.toBeInstanceOf(WaitTimeoutError);
    expect(user.actor.getSnapshot().context.waiters).toEqual([]);
    expect(user.status).toBe('refreshing');
  });
});

describe('observing the session', () => {
  it('keeps the snapshot object until status or tokens change, and tells subscribers', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh });
    const seen: string[] = [];
    const unsubscribe = user.subscribe((snapshot) => seen.push(snapshot.status));
    const before = user.getSnapshot();
    expect(user.getSnapshot()).toBe(before);
    const pending = user.unauthorized('a0');
    void user.getToken();
    const during = user.getSnapshot();
    expect(during).not.toBe(before);
    expect(during.status).toBe('refreshing');
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 60 });
    await pending;
    expect(user.getSnapshot().tokens?.accessToken).toBe('a1');
    expect(seen).toEqual(['idle', 'refreshing', 'idle']);
    unsubscribe();
    user.logout();
    expect(seen).toHaveLength(3);
  });

  it('emits typed lifecycle events', async () => {
    const stub = refreshStub();
    const user = createAuthSession({ refresh: stub.refresh, retry: { retries: 0 } });
    sessions.push(user);
    const events: string[] = [];
    for (const type of ['login', 'refreshed', 'refreshFailed', 'expired', 'logout'] as const) {
      user.on(type, (event) => events.push(event.type));
    }
    user.login({ accessToken: 'a0', refreshToken: 'r0' });
    const ok = user.refresh();
    stub.last().answer.resolve({ accessToken: 'a1' });
    await ok;
    const failing = user.refresh();
    stub.last().answer.reject(new RefreshRejectedError());
    await failing.catch(() => undefined);
    user.logout();
    expect(events).toEqual(['login', 'refreshed', 'refreshFailed', 'expired', 'logout']);
  });
});

describe('stop', () => {
  it('rejects whoever waits, clears every timer and refuses new work', async () => {
    vi.useFakeTimers();
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh, heartbeat: async () => true, waitTimeout: 10_000 });
    const waiter = user.unauthorized('a0');
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    user.stop();
    await expect(waiter).rejects.toBeInstanceOf(LoggedOutError);
    expect(vi.getTimerCount()).toBe(0);
    await expect(user.getToken()).rejects.toBeInstanceOf(LoggedOutError);
    expect(() => user.login({ accessToken: 'x' })).toThrow(LoggedOutError);
    user[Symbol.dispose]();
  });
});

describe('a stale 401 when the current token has expired too', () => {
  it('refreshes instead of handing out the expired token', async () => {
    const stub = refreshStub();
    let clock = 1_000_000;
    const user = session({ refresh: stub.refresh, now: () => clock, tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 60 } });
    const first = user.unauthorized('a0');
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 60 });
    await first;
    clock += 61_000;
    const late = user.unauthorized('a0');
    expect(user.status).toBe('refreshing');
    stub.last().answer.resolve({ accessToken: 'a2', refreshToken: 'r2', expiresIn: 60 });
    await expect(late).resolves.toMatchObject({ accessToken: 'a2' });
    expect(stub.calls).toHaveLength(2);
  });
});
