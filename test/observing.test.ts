import { describe, expect, it, vi } from 'vitest';
import { RefreshRejectedError } from 'tokenflight';
import type { TokenInput } from 'tokenflight';
import { refreshStub } from './support/refreshStub.js';
import { A0, refreshingSession, startSession, tokenInput, useFakeClock, useSessions } from './support/session.js';
import { match } from './support/matchers.js';

// Watching a session: subscribe() and getSnapshot() for its state, on() for its lifecycle events.
useFakeClock();
/** A session holding a0 / r0 for an hour. */
const session = useSessions({ tokens: A0 });
const anySession = useSessions();

describe('subscribe and getSnapshot', () => {
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

  it('subscribe calls at once and on each change; getSnapshot is stable between changes', () => {
    const { session: s } = refreshingSession();
    const seen: string[] = [];
    const unsubscribe = s.subscribe(({ status }) => seen.push(status));
    const before = s.getSnapshot();
    expect(s.getSnapshot()).toBe(before);
    s.login(tokenInput());
    expect(s.getSnapshot()).not.toBe(before);
    unsubscribe();
    s.logout();
    expect(seen).toEqual(['loggedOut', 'idle']);
  });
});

describe('lifecycle events', () => {
  it('emits typed lifecycle events', async () => {
    const stub = refreshStub();
    const user = anySession({ refresh: stub.refresh, retry: { retries: 0 } });
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

  it('on() forwards lifecycle events until unsubscribed', () => {
    const { session: s } = refreshingSession();
    const logins = vi.fn();
    const off = s.on('login', logins);
    s.login(tokenInput());
    off();
    s.login(tokenInput('a3'));
    expect(logins).toHaveBeenCalledTimes(1);
    expect(logins).toHaveBeenCalledWith(
      match.objectContaining({ type: 'login', tokens: match.objectContaining({ accessToken: 'a1' }) }),
    );
  });

  it('emits refreshed with the new tokens, expired with the error, and logout', async () => {
    let answer: () => Promise<TokenInput> = async () => tokenInput('a2');
    const user = startSession({ refresh: () => answer() });
    const seen: unknown[] = [];
    user.on('refreshed', ({ tokens: t }) => seen.push(['refreshed', t.accessToken]));
    user.on('expired', ({ error }) => seen.push(['expired', (error as Error).name]));
    user.on('logout', ({ type }) => seen.push([type]));
    user.login(tokenInput('a1'));
    await user.refresh();
    answer = async () => Promise.reject(new RefreshRejectedError());
    await expect(user.refresh()).rejects.toMatchObject({ name: 'SessionExpiredError' });
    user.login(tokenInput('a3'));
    user.logout();
    expect(seen).toEqual([['refreshed', 'a2'], ['expired', 'RefreshRejectedError'], ['logout']]);
  });
});
