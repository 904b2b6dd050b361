/**
 * createCrossTab's refresh on its own, one tab against an in-memory lock manager, a recording
 * channel and a shared storage: when the refresh runs, what it publishes, and how it ends when
 * the caller aborts, the lock is stolen or another tab wrote first.
 */
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCrossTab, type RefreshHere } from '../../src/cross-tab/createCrossTab.js';
import type { ChannelLike } from '../../src/cross-tab/types.js';
import { type SharedRecord } from '../../src/cross-tab/sharedRecord.js';
import { sharedWebStorage } from '../../src/cross-tab/sharedWebStorage.js';
import type { ReceivedTokens } from '../../domain/tokens.js';
import { deferred } from '../support/deferred.js';
import { MapStorage } from '../support/mapStorage.js';
import { memoryLocks } from '../support/memoryLocks.js';
import { flush } from '../support/refreshStub.js';

const HOLDING = 'tokenflight:holding-lock';

const received = (accessToken: string): ReceivedTokens => ({
  tokens: { accessToken, refreshToken: `${accessToken}-r`, expiresAt: null, tokenType: null, scope: null },
  lifetime: 60_000,
});

const loggedIn = (version: number, accessToken: string, writer = 'other-tab'): SharedRecord => ({
  version,
  writer,
  state: 'loggedIn',
  ...received(accessToken),
});

let tabs = 0;

function oneTab({ isTerminal = (): boolean => false }: { isTerminal?: (error: unknown) => boolean } = {}) {
  const name = `refresh-unit-${++tabs}`;
  const locks = memoryLocks();
  const local = new MapStorage();
  const store = sharedWebStorage(local, name);
  store.writeRecord(loggedIn(1, 'start'));
  const posted: unknown[] = [];
  const channel: ChannelLike = {
    postMessage: (message) => posted.push(message),
    addEventListener() {},
    removeEventListener() {},
    close() {},
  };
  const crossTab = createCrossTab({
    options: { name, locks: locks.manager, channel: () => channel, stealAfter: 1_000 },
    storage: store,
    refreshTimeout: 2_000,
    isTerminal,
  })!;
  crossTab.storage.load();
  const input = { tokens: received('start').tokens };
  const refresh = (refreshHere: RefreshHere, signal = new AbortController().signal) =>
    crossTab.refresh(input, signal, refreshHere);
  /** Holds the refresh lock as another tab would, until `release()`. */
  function holdLock() {
    const held = deferred();
    void locks.manager.request(`tokenflight:${name}:refresh`, {}, () => held.promise).catch(() => {});
    return { release: () => held.resolve() };
  }
  return { crossTab, locks, local, store, posted, refresh, holdLock, lockName: `tokenflight:${name}:refresh` };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('crossTab refresh', () => {
  it('on a free lock refreshes at once, says it holds the lock, then writes and announces the next version', async () => {
    const { refresh, posted, store } = oneTab();
    const { signal } = new AbortController();
    const refreshHere = vi.fn<RefreshHere>(async () => received('fresh'));

    const result = refresh(refreshHere, signal);
    await flush(10);
    // No settle pause without a previous holder.
    expect(refreshHere).toHaveBeenCalledTimes(1);

    await expect(result).resolves.toEqual(received('fresh'));
    expect(posted[0]).toBe(HOLDING);
    expect(posted[1]).toMatchObject({ version: 2, state: 'loggedIn', tokens: received('fresh').tokens });
    expect(store.readRecord()).toEqual(posted[1]);
    // The refresh timeout is cleared, and neither the caller's signal nor the one the refresh
    // was given (which a fetch may keep) keeps a listener of ours.
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    const attemptSignal = refreshHere.mock.calls[0]![1];
    expect(getEventListeners(attemptSignal, 'abort')).toHaveLength(0);
  });

  it('after a previous holder, an abort during the settle pause ends it without refreshing', async () => {
    const { refresh, holdLock } = oneTab();
    const holder = holdLock();
    const controller = new AbortController();
    const refreshHere = vi.fn(async () => received('never'));
    const result = refresh(refreshHere, controller.signal);
    await flush();
    holder.release();
    await flush(10);

    const reason = new Error('session stopped');
    controller.abort(reason);
    const rejected = expect(result).rejects.toBe(reason);
    await vi.advanceTimersByTimeAsync(30);
    await rejected;
    expect(refreshHere).not.toHaveBeenCalled();
  });

  it('a caller abort mid-refresh rejects at once and aborts the refresh with the same reason', async () => {
    const { refresh, posted } = oneTab();
    const controller = new AbortController();
    const { signal } = controller;
    const refreshSignal = deferred<AbortSignal>();
    const result = refresh((_, attempt) => (refreshSignal.resolve(attempt), new Promise<never>(() => {})), signal);
    const attempt = await refreshSignal.promise;

    const reason = new Error('logged out');
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(attempt.reason).toBe(reason);
    expect(posted).toEqual([HOLDING]);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    // The abandoned request never settles; the signal it holds keeps nothing of ours alive.
    expect(getEventListeners(attempt, 'abort')).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a caller that aborts from inside its refresh (a logout) gets the abort, and nothing is published', async () => {
    const { refresh, posted } = oneTab();
    const controller = new AbortController();
    const reason = new Error('logged out while refreshing');
    const result = refresh(async () => {
      controller.abort(reason);
      return received('too-late');
    }, controller.signal);
    await expect(result).rejects.toBe(reason);
    expect(posted).toEqual([HOLDING]);
  });

  it('a holder robbed of the lock aborts its refresh with "Another tab took the refresh lock"', async () => {
    const { refresh, locks, lockName, posted } = oneTab();
    const refreshSignal = deferred<AbortSignal>();
    const result = refresh((_, attempt) => (refreshSignal.resolve(attempt), new Promise<never>(() => {})));
    const attempt = await refreshSignal.promise;

    void locks.manager.request(lockName, { steal: true }, () => new Promise<never>(() => {}));
    const error = await result.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DOMException);
    expect(error).toMatchObject({ name: 'AbortError', message: 'Another tab took the refresh lock' });
    expect(attempt.reason).toBe(error);
    expect(posted).toEqual([HOLDING]);
  });

  it('a refresh that fails after another tab wrote newer tokens ends with those tokens', async () => {
    const { refresh, store, posted } = oneTab();
    const result = refresh(async () => {
      store.writeRecord(loggedIn(2, 'from-thief'));
      throw new Error('refresh token already used');
    });
    await expect(result).resolves.toEqual(received('from-thief'));
    expect(posted).toEqual([HOLDING]);
  });

  it('a refresh that succeeds after another tab wrote newer tokens (it stole the lock) ends with those tokens and publishes nothing', async () => {
    const { refresh, store, posted } = oneTab();
    const result = refresh(async () => {
      store.writeRecord(loggedIn(2, 'from-thief'));
      return received('ours-too-late');
    });
    await expect(result).resolves.toEqual(received('from-thief'));
    expect(posted).toEqual([HOLDING]);
    expect(store.readRecord()).toMatchObject({ version: 2, tokens: received('from-thief').tokens });
  });

  it('a terminal failure publishes "expired"; any other failure leaves the shared record alone', async () => {
    const failures = { terminal: new Error('refused'), transient: new Error('network down') };
    const { refresh, store, posted } = oneTab({ isTerminal: (error) => error === failures.terminal });

    await expect(refresh(async () => Promise.reject(failures.transient))).rejects.toBe(failures.transient);
    expect(store.readRecord()).toMatchObject({ version: 1, state: 'loggedIn' });
    expect(posted).toEqual([HOLDING]);

    await expect(refresh(async () => Promise.reject(failures.terminal))).rejects.toBe(failures.terminal);
    expect(store.readRecord()).toMatchObject({ version: 2, state: 'expired', tokens: null });
    expect(posted).toEqual([HOLDING, HOLDING, store.readRecord()]);
  });

  it('a logout written by another tab before the refresh ends it with an AbortError', async () => {
    const { refresh, store } = oneTab();
    store.writeRecord({ version: 2, writer: 'other-tab', state: 'loggedOut', tokens: null, lifetime: null });
    const refreshHere = vi.fn(async () => received('never'));
    const error = await refresh(refreshHere).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DOMException);
    expect(error).toMatchObject({ name: 'AbortError', message: 'The session ended in another tab' });
    expect(refreshHere).not.toHaveBeenCalled();
  });

  it('with the shared storage full, each refresh still announces a new version', async () => {
    const { refresh, local, posted } = oneTab();
    local.failWrites = true;
    await refresh(async () => received('first'));
    await refresh(async () => received('second'));
    // Other tabs drop a version they already have: the second must not repeat the first's.
    const versions = posted
      .filter((message) => message !== HOLDING)
      .map((message) => (message as SharedRecord).version);
    expect(versions).toEqual([2, 3]);
  });
});
