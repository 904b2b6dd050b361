import { describe, expect, it, vi } from 'vitest';
import { createAuthSession, InvalidTokenError, LoggedOutError, memoryStorage, RefreshRejectedError } from 'tokenflight';
import type { TokenInput } from 'tokenflight';
import { flush, refreshStub } from './support/refreshStub.js';
import { A0, NOW, refreshingSession, startSession, tokenInput, useFakeClock, useSessions } from './support/session.js';

useFakeClock();
/** A session holding a0 / r0 for an hour. */
const session = useSessions({ tokens: A0 });
const anySession = useSessions();

describe('starting a session', () => {
  it('starts logged out without tokens, idle with them', () => {
    const guest = anySession({ refresh: vi.fn() });
    expect(guest.status).toBe('loggedOut');
    expect(guest.tokens).toBeNull();
    const user = session({ refresh: vi.fn() });
    expect(user.status).toBe('idle');
    expect(user.tokens).toMatchObject({ accessToken: 'a0', refreshToken: 'r0' });
  });

  it('starts logged in from options.tokens, else from storage, and ignores corrupt storage', () => {
    expect(refreshingSession({ tokens: tokenInput() }).session.status).toBe('idle');
    const stored = { accessToken: 'kept', refreshToken: null, expiresAt: NOW + 60_000, tokenType: null, scope: null };
    const fromStorage = refreshingSession({ storage: memoryStorage(stored) }).session;
    expect(fromStorage.status).toBe('idle');
    expect(fromStorage.tokens).toEqual(stored);
    const corrupt = memoryStorage({
      accessToken: '',
      refreshToken: null,
      expiresAt: null,
      tokenType: null,
      scope: null,
    });
    expect(refreshingSession({ storage: corrupt }).session.status).toBe('loggedOut');
    expect(refreshingSession().session.status).toBe('loggedOut');
  });
});

describe('login and logout', () => {
  it('rejects a token set without a string accessToken with InvalidTokenError', () => {
    const user = session({ refresh: vi.fn() });
    const bad = [{}, { accessToken: 42 }, { accessToken: '' }, null, { accessToken: 'a', expiresIn: 'soon' }];
    for (const input of bad) {
      expect(() => user.login(input as never)).toThrow(InvalidTokenError);
      expect(() => user.login(input as never)).toThrow(InvalidTokenError);
    }
    expect(user.tokens?.accessToken).toBe('a0');
    expect(() => createAuthSession({ refresh: vi.fn(), tokens: { accessToken: 1 } as never })).toThrow(
      InvalidTokenError,
    );
  });

  it('emits login and logout wherever they happen, and logout always ends in loggedOut', async () => {
    let answer: () => Promise<TokenInput> = () => new Promise(() => {});
    const user = startSession({ refresh: () => answer() });
    const events: string[] = [];
    user.on('login', ({ tokens: t }) => events.push(`login ${t.accessToken}`));
    user.on('logout', () => events.push('logout'));

    user.login(tokenInput('a1')); // from loggedOut
    user.login(tokenInput('a2')); // from idle
    expect(user.tokens?.accessToken).toBe('a2');
    void user.refresh().catch(() => undefined);
    user.login(tokenInput('a3')); // from refreshing
    expect(user.status).toBe('idle');
    void user.refresh().catch(() => undefined);
    user.logout(); // from refreshing
    expect(user.status).toBe('loggedOut');
    user.login(tokenInput('a4'));
    answer = async () => Promise.reject(new RefreshRejectedError());
    await expect(user.refresh()).rejects.toMatchObject({ name: 'SessionExpiredError' });
    user.login(tokenInput('a5')); // from expired
    user.logout(); // from idle
    user.login(tokenInput('a6'));
    await expect(user.refresh()).rejects.toMatchObject({ name: 'SessionExpiredError' });
    user.logout(); // from expired
    expect(user.status).toBe('loggedOut');
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

describe('stop and dispose', () => {
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

  it('rejects whoever waits with "The session was stopped"; a late subscriber hears the last state once, an earlier one nothing more', async () => {
    const { session: s } = refreshingSession({ refresh: () => new Promise(() => {}) });
    s.login(tokenInput());
    const waiting = s.refresh();
    const listener = vi.fn();
    s.subscribe(listener);
    s[Symbol.dispose]();
    s.stop();
    await expect(waiting).rejects.toMatchObject({ name: 'LoggedOutError', message: 'The session was stopped' });
    await expect(s.getToken()).rejects.toMatchObject({ name: 'LoggedOutError', message: 'The session was stopped' });
    expect(() => s.login(tokenInput())).toThrow('The session was stopped');
    const late = vi.fn();
    s.subscribe(late)();
    expect(late).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
