import { describe, expect, it, vi } from 'vitest';
import { LoggedOutError, RefreshRejectedError, SessionExpiredError } from 'tokenflight';
import type { TokenInput } from 'tokenflight';
import { refreshStub } from './support/refreshStub.js';
import { A0, NOW, refreshingSession, startSession, tokenInput, useFakeClock, useSessions } from './support/session.js';
import { match } from './support/matchers.js';

// Asking for a token: getToken() (the hot path) and unauthorized() (a 401), and the single refresh they share.
useFakeClock();
/** A session holding a0 / r0 for an hour. */
const session = useSessions({ tokens: A0 });

describe('getToken', () => {
  it('answers at once while idle', async () => {
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh });
    await expect(user.getToken()).resolves.toMatchObject({ accessToken: 'a0' });
    expect(stub.calls).toHaveLength(0);
  });

  it('answers at once when the token is usable, and refreshes when it is not', async () => {
    const { session: s, refresh } = refreshingSession({ now: () => Date.now() });
    s.login(tokenInput('a1', 1));
    await expect(s.getToken()).resolves.toMatchObject({ accessToken: 'a1' });
    expect(refresh).not.toHaveBeenCalled();
    vi.setSystemTime(NOW + 5_000);
    await expect(s.getToken()).resolves.toMatchObject({ accessToken: 'a2' });
    expect(refresh).toHaveBeenCalledWith(
      match.objectContaining({ refreshToken: 'r-a1', tokens: match.objectContaining({ accessToken: 'a1' }) }),
    );
  });

  it('refreshes first when the token is already past its expiry (a tab that slept)', async () => {
    const stub = refreshStub();
    let clock = 1_000_000;
    const user = session({
      refresh: stub.refresh,
      now: () => clock,
      tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 60 },
    });
    clock += 61_000;
    const token = user.getToken();
    expect(user.status).toBe('refreshing');
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 60 });
    await expect(token).resolves.toMatchObject({ accessToken: 'a1' });
  });

  it('waits during a refresh for the new token, even while the old one is still usable', async () => {
    let answer: (value: TokenInput) => void = () => {};
    const user = startSession({ refresh: () => new Promise((resolve) => (answer = resolve)) });
    user.login(tokenInput('a1'));
    const refreshing = user.refresh();
    const waiting = user.getToken();
    answer(tokenInput('a2'));
    await expect(refreshing).resolves.toMatchObject({ accessToken: 'a2' });
    await expect(waiting).resolves.toMatchObject({ accessToken: 'a2' });
  });
});

describe('requests that cannot be answered', () => {
  it('reject with LoggedOutError when logged out and SessionExpiredError when expired', async () => {
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

  it('reject with the expiry itself when another tab ended the session, not a copy wrapping it', async () => {
    const user = session({ refresh: refreshStub().refresh });
    user.actor.send({ type: 'SYNC', state: 'expired' });
    const error = await user.getToken().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect(error).toMatchObject({ message: 'The session expired in another tab' });
    expect((error as Error).cause).toBeUndefined();
  });

  it('reject each kind of waiter with its own error', async () => {
    const { session: s } = refreshingSession();
    await expect(s.getToken()).rejects.toBeInstanceOf(LoggedOutError);
    const rejecting = refreshingSession({ refresh: async () => Promise.reject(new RefreshRejectedError()) }).session;
    rejecting.login(tokenInput());
    await expect(rejecting.refresh()).rejects.toBeInstanceOf(SessionExpiredError);
    const failing = refreshingSession({
      refresh: async () => Promise.reject(new Error('down')),
      retry: { retries: 0 },
    }).session;
    failing.login(tokenInput());
    await expect(failing.refresh()).rejects.toThrow('down');
  });

  it('are refused with the error of the state they meet', async () => {
    let answer: () => Promise<TokenInput> = () => new Promise(() => {});
    const user = startSession({ refresh: () => answer(), maxQueue: 1 });
    for (const ask of [() => user.getToken(), () => user.unauthorized('x'), () => user.refresh()]) {
      await expect(ask()).rejects.toMatchObject({ name: 'LoggedOutError' });
    }
    user.login(tokenInput('a1'));
    const first = user.refresh();
    for (const ask of [() => user.getToken(), () => user.unauthorized('a1'), () => user.refresh()]) {
      await expect(ask()).rejects.toMatchObject({ name: 'QueueFullError' });
    }
    user.logout();
    await expect(first).rejects.toMatchObject({ name: 'LoggedOutError' });
    user.login(tokenInput('a2'));
    answer = async () => Promise.reject(new RefreshRejectedError());
    await expect(user.refresh()).rejects.toMatchObject({ name: 'SessionExpiredError' });
    for (const ask of [() => user.getToken(), () => user.unauthorized('a2'), () => user.refresh()]) {
      await expect(ask()).rejects.toMatchObject({ name: 'SessionExpiredError' });
    }
  });
});

describe('unauthorized (a 401)', () => {
  it('needs the access token a 401 was for', async () => {
    const { session: s } = refreshingSession();
    await expect(s.unauthorized(undefined as unknown as string)).rejects.toThrow(
      new TypeError('tokenflight: unauthorized() needs the refused access token'),
    );
  });

  it('concurrent 401s make exactly one refresh, and every caller gets the new token', async () => {
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

  it('answers a stale 401 with the current token, a fresh one with a refresh', async () => {
    const { session: s, refresh } = refreshingSession();
    s.login(tokenInput());
    await expect(s.unauthorized('older')).resolves.toMatchObject({ accessToken: 'a1' });
    await expect(s.unauthorized('a1')).resolves.toMatchObject({ accessToken: 'a2' });
    expect(refresh).toHaveBeenCalledTimes(1);
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

  it('refreshes for a stale 401 instead of handing out the current token when that has expired too', async () => {
    const stub = refreshStub();
    let clock = 1_000_000;
    const user = session({
      refresh: stub.refresh,
      now: () => clock,
      tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 60 },
    });
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

  it('answers stale 401s with the current token only while it is usable; an expired one is refreshed, or refused during a cooldown', async () => {
    let fail = true;
    const refresh = vi.fn(async () =>
      fail ? Promise.reject(Object.assign(new Error('503'), { status: 503 })) : tokenInput('a2'),
    );
    const user = startSession({ refresh, retry: { retries: 0 }, failureCooldown: 30_000 });
    user.login(tokenInput('a1', 10));
    await vi.advanceTimersByTimeAsync(5_000); // the proactive refresh fails: idle, cooling down
    expect(refresh).toHaveBeenCalledTimes(1);
    await expect(user.unauthorized('older')).resolves.toMatchObject({ accessToken: 'a1' });
    await vi.advanceTimersByTimeAsync(6_000); // a1 has expired; the cooldown holds, and a probe is due
    // Not the expired a1: a new token is needed, and the due probe (one attempt) is refused.
    await expect(user.unauthorized('older')).rejects.toMatchObject({ message: '503' });
    expect(refresh).toHaveBeenCalledTimes(2);
    // Right after the probe the cooldown refuses at once.
    await expect(user.unauthorized('older')).rejects.toMatchObject({ name: 'RefreshCooldownError' });
    expect(refresh).toHaveBeenCalledTimes(2);
    fail = false;
    await vi.advanceTimersByTimeAsync(2_000); // the next probe is due, and the server is back
    await expect(user.unauthorized('older')).resolves.toMatchObject({ accessToken: 'a2' });
    expect(refresh).toHaveBeenCalledTimes(3);
  });
});
