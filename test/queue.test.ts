import { describe, expect, it, vi } from 'vitest';
import { createAuthSession } from 'tokenflight';
import { QueueFullError, WaitTimeoutError } from 'tokenflight';
import type { TokenInput } from 'tokenflight';
import { settledState } from './support/deferred.js';
import { refreshStub } from './support/refreshStub.js';
import { A0, refreshingSession, startSession, tokenInput, useFakeClock, useSessions } from './support/session.js';
import { match } from './support/matchers.js';

// Who waits for a token during a refresh: the queue, its bound (maxQueue) and how long one waits (waitTimeout).
useFakeClock();
/** A session holding a0 / r0 for an hour. */
const session = useSessions({ tokens: A0 });

function heldSession(maxQueue: number) {
  let answer!: (tokens: TokenInput) => void;
  const session = createAuthSession({
    tokens: { accessToken: 'old', refreshToken: 'r1', expiresIn: 300 },
    maxQueue,
    refresh: () => new Promise<TokenInput>((resolve) => (answer = resolve)),
  });
  return { session, answer: (tokens: TokenInput) => answer(tokens) };
}

describe('the waiter queue', () => {
  it('releases every one of many queued callers with the new token, and empties', async () => {
    const { session, answer } = heldSession(5_001);
    const first = session.refresh();
    const waits = Array.from({ length: 5_000 }, () => session.getToken());
    expect(session.actor.getSnapshot().context.waiters).toHaveLength(5_001);
    answer({ accessToken: 'new', refreshToken: 'r2', expiresIn: 300 });
    const released = await Promise.all([first, ...waits]);
    expect(new Set(released.map((tokens) => tokens.accessToken))).toEqual(new Set(['new']));
    expect(session.actor.getSnapshot().context.waiters).toHaveLength(0);
    session.stop();
  });

  it('keeps each session its own queue', async () => {
    const a = heldSession(10);
    const b = heldSession(10);
    const waitsA = [a.session.refresh(), a.session.getToken(), a.session.getToken()];
    const waitB = b.session.refresh();
    expect(a.session.actor.getSnapshot().context.waiters).toHaveLength(3);
    expect(b.session.actor.getSnapshot().context.waiters).toHaveLength(1);
    a.answer({ accessToken: 'a2', expiresIn: 300 });
    b.answer({ accessToken: 'b2', expiresIn: 300 });
    expect((await Promise.all(waitsA)).map((t) => t.accessToken)).toEqual(['a2', 'a2', 'a2']);
    expect((await waitB).accessToken).toBe('b2');
    // A second round starts from an empty queue, not from the first round's array.
    const again = a.session.refresh();
    expect(a.session.actor.getSnapshot().context.waiters).toHaveLength(1);
    a.answer({ accessToken: 'a3', expiresIn: 300 });
    expect((await again).accessToken).toBe('a3');
    a.session.stop();
    b.session.stop();
  });

  it('a released queue starts the next round empty', async () => {
    let answer: (value: TokenInput) => void = () => {};
    const user = startSession({ refresh: () => new Promise((resolve) => (answer = resolve)), maxQueue: 2 });
    user.login(tokenInput('a1'));
    const first = user.refresh();
    answer(tokenInput('a2'));
    await first;
    const second = user.refresh();
    const alongside = user.getToken();
    answer(tokenInput('a3'));
    await expect(Promise.all([second, alongside])).resolves.toMatchObject([
      { accessToken: 'a3' },
      { accessToken: 'a3' },
    ]);
  });
});

describe('maxQueue', () => {
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

  it('turns away a refresh() beyond maxQueue with QueueFullError', async () => {
    let answer: (tokens: TokenInput) => void = () => {};
    const { session: s } = refreshingSession({
      maxQueue: 1,
      refresh: () => new Promise((resolve) => (answer = resolve)),
    });
    s.login(tokenInput());
    const first = s.refresh();
    await expect(s.refresh()).rejects.toMatchObject({ name: 'QueueFullError', maxQueue: 1 });
    answer(tokenInput('a3'));
    await expect(first).resolves.toMatchObject({ accessToken: 'a3' });
  });
});

describe('waitTimeout', () => {
  it('records who waits since when, and lets a waiter give up after waitTimeout', async () => {
    vi.useFakeTimers({ now: 5_000 });
    const stub = refreshStub();
    const user = session({ refresh: stub.refresh, waitTimeout: 2_000, refreshTimeout: 60_000 });
    const waiter = user.unauthorized('a0');
    expect(user.actor.getSnapshot().context.waiters).toEqual([{ id: match.any(Number), since: 5_000 }]);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(await settledState(waiter)).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    await expect(waiter).rejects.toBeInstanceOf(WaitTimeoutError);
    expect(user.actor.getSnapshot().context.waiters).toEqual([]);
    expect(user.status).toBe('refreshing');
  });

  it('gives up on a waiter after waitTimeout and takes it out of the queue', async () => {
    const { session: s } = refreshingSession({
      waitTimeout: 100,
      refresh: () => new Promise(() => {}),
      refreshTimeout: 10_000,
    });
    s.login(tokenInput());
    const waiting = s.refresh();
    const outcome = expect(waiting).rejects.toMatchObject({ name: 'WaitTimeoutError', timeout: 100 });
    await vi.advanceTimersByTimeAsync(99);
    expect(s.actor.getSnapshot().context.waiters).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await outcome;
    expect(s.actor.getSnapshot().context.waiters).toHaveLength(0);
  });

  it('a waiter answered before its timeout is not timed out later', async () => {
    const { session: s } = refreshingSession({ waitTimeout: 100 });
    s.login(tokenInput());
    await expect(s.refresh()).resolves.toMatchObject({ accessToken: 'a2' });
    await vi.advanceTimersByTimeAsync(200);
    expect(s.status).toBe('idle');
  });
});
