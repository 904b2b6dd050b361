/**
 * createCrossTab with the session's retry settings: the tabs of an origin run one refresh round.
 * Tabs here are createCrossTab instances on one in-memory lock manager, one shared storage and a
 * message bus that delivers each post to the other tabs, under fake timers: when a tab whose
 * attempt failed attempts again, what it tells the other tabs, and how news from another tab
 * (new tokens, the round's end) reaches a tab that waits out the backoff.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCrossTab, type RefreshHere } from '../../src/cross-tab/createCrossTab.js';
import type { RoundSettings } from '../../src/cross-tab/originRound.js';
import type { ChannelLike } from '../../src/cross-tab/types.js';
import type { SharedRecord } from '../../src/cross-tab/sharedRecord.js';
import { ROUND, type SharedRound } from '../../src/cross-tab/sharedRound.js';
import { sharedWebStorage } from '../../src/cross-tab/sharedWebStorage.js';
import { RefreshCooldownError } from '../../domain/errors/RefreshCooldownError.js';
import type { ReceivedTokens } from '../../domain/tokens.js';
import { deferred } from '../support/deferred.js';
import { MapStorage } from '../support/mapStorage.js';
import { memoryLocks } from '../support/memoryLocks.js';
import { flush } from '../support/refreshStub.js';
import { standInMachine, tokenSet } from '../support/crossTabStandIns.js';
import { match } from '../support/matchers.js';

const HOLDING = 'tokenflight:holding-lock';
/** Every backoff of the round: minDelay = maxDelay and a random source of 1. */
const DELAY = 10_000;
const STEAL_AFTER = 1_000;
const REFRESH_TIMEOUT = 2_000;

const received = (accessToken: string): ReceivedTokens => ({ tokens: tokenSet(accessToken), lifetime: null });
const START: SharedRecord = { version: 1, writer: 'other-tab', state: 'loggedIn', ...received('start') };

class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError';
  readonly status = 503;
}

let origins = 0;

/** One origin: shared locks, storage and channel; `tab()` opens a connected tab. */
function origin({ retries = 2, now }: { retries?: number; now?: () => number } = {}) {
  const name = `round-wait-unit-${++origins}`;
  const locks = memoryLocks();
  const local = new MapStorage();
  sharedWebStorage(local, name).writeRecord(START);
  const bus = new Set<Set<(event: { data: unknown }) => void>>();
  /** Posts from outside any tab (a test playing another tab), delivered like a BroadcastChannel's: later, to everyone. */
  const broadcast = (data: unknown, except?: Set<(event: { data: unknown }) => void>) => {
    const copy = structuredClone(data);
    queueMicrotask(() =>
      bus.forEach((listeners) => listeners !== except && listeners.forEach((listener) => listener({ data: copy }))),
    );
  };
  const round: RoundSettings = { retries, minDelay: DELAY, maxDelay: DELAY, failureCooldown: 60_000, random: () => 1 };

  function tab({ coolingDown = false, withRound = true } = {}) {
    const posted: unknown[] = [];
    const listeners = new Set<(event: { data: unknown }) => void>();
    bus.add(listeners);
    const channel: ChannelLike = {
      postMessage: (message) => {
        posted.push(message);
        broadcast(message, listeners);
      },
      addEventListener: (_type, listener) => listeners.add(listener),
      removeEventListener: (_type, listener) => listeners.delete(listener),
      close: () => bus.delete(listeners),
    };
    const crossTab = createCrossTab({
      options: { name, locks: locks.manager, channel: () => channel, stealAfter: STEAL_AFTER },
      storage: sharedWebStorage(local, name),
      refreshTimeout: REFRESH_TIMEOUT,
      isTerminal: () => false,
      ...(withRound ? { round } : {}),
      ...(now ? { now } : {}),
    })!;
    crossTab.storage.load();
    const machine = standInMachine({ tokens: START.tokens, coolingDown });
    crossTab.connect(machine.actor);
    const refresh = (refreshHere: RefreshHere, signal = new AbortController().signal) =>
      crossTab.refresh({ tokens: START.tokens! }, signal, refreshHere);
    const holdings = () => posted.filter((message) => message === HOLDING).length;
    return { crossTab, machine, posted, refresh, holdings };
  }

  /** Holds the refresh lock as another tab would, until `release()`. */
  function holdLock() {
    const held = deferred();
    void locks.manager.request(`tokenflight:${name}:refresh`, {}, () => held.promise);
    return { release: () => held.resolve() };
  }

  const store = sharedWebStorage(local, name);
  return { tab, broadcast, holdLock, store, locks, lockName: `tokenflight:${name}:refresh` };
}

/** A refresh endpoint that fails with a 503 `failures` times, then answers with `fresh`. */
function flakyServer(failures: number) {
  const errors: ServiceUnavailableError[] = [];
  const refreshHere = vi.fn<RefreshHere>(async () => {
    if (errors.length < failures) {
      const error = new ServiceUnavailableError(`refresh failed (503) #${errors.length + 1}`);
      errors.push(error);
      throw error;
    }
    return received('fresh');
  });
  return { refreshHere, errors };
}

const roundsIn = (posted: unknown[]) =>
  posted.filter((message): message is SharedRound => (message as SharedRound | null)?.kind === ROUND);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('one refresh round per origin, as one tab runs it', () => {
  it('a failed attempt is announced, the lock let go, and the next attempt starts at the retry time', async () => {
    const { tab, locks, lockName } = origin();
    const a = tab();
    const server = flakyServer(1);
    const failedAt = Date.now();

    const result = a.refresh(server.refreshHere);
    await flush(20);
    expect(server.refreshHere).toHaveBeenCalledTimes(1);
    // The other tabs hear of the failure, and the lock is free while this tab backs off.
    expect(a.posted).toEqual([
      HOLDING,
      expect.objectContaining({ kind: ROUND, failures: 1, retryAt: failedAt + DELAY, cooldownUntil: null }),
    ]);
    expect(locks.isHeld(lockName)).toBe(false);

    await vi.advanceTimersByTimeAsync(DELAY - 1);
    expect(server.refreshHere).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual(received('fresh'));
    expect(server.refreshHere).toHaveBeenCalledTimes(2);
    expect(a.posted.slice(2)).toEqual([
      HOLDING,
      expect.objectContaining({ version: 2, state: 'loggedIn', tokens: tokenSet('fresh') }),
    ]);
  });

  it('the round times are on the session clock (`now`), which other tabs share', async () => {
    const offset = -3_600_000;
    const { tab, store } = origin({ now: () => Date.now() + offset });
    const a = tab();
    const failedAt = Date.now() + offset;

    void a.refresh(flakyServer(1).refreshHere);
    await flush(20);
    expect(roundsIn(a.posted)).toEqual([expect.objectContaining({ failures: 1, retryAt: failedAt + DELAY })]);
    expect(store.readRound!()).toMatchObject({ failures: 1, retryAt: failedAt + DELAY });
  });

  it('the failure that uses up the retries ends the round: a RefreshCooldownError caused by that very failure, announced to every tab', async () => {
    const { tab } = origin({ retries: 1 });
    const a = tab();
    const server = flakyServer(2);

    const result = a.refresh(server.refreshHere);
    const rejected = expect(result).rejects.toBeInstanceOf(RefreshCooldownError);
    await vi.advanceTimersByTimeAsync(DELAY);
    await rejected;
    // The caller sees what the server said (its status and all), not a copy rebuilt from the round.
    const error = (await result.then(
      () => null,
      (caught: unknown) => caught as Error,
    ))!;
    expect(error.cause).toBe(server.errors[1]);
    expect(server.refreshHere).toHaveBeenCalledTimes(2);
    expect(roundsIn(a.posted).at(-1)).toMatchObject({
      failures: 2,
      cooldownUntil: match.any(Number),
      cause: { name: 'ServiceUnavailableError' },
    });
    expect(a.holdings()).toBe(2);
  });

  it('a tab that gets the lock during the backoff waits too; at the retry time one tab attempts and the other takes its tokens', async () => {
    const { tab } = origin();
    const [a, b] = [tab(), tab()];
    const serverA = flakyServer(1);
    const serverB = flakyServer(0);

    const resultA = a.refresh(serverA.refreshHere);
    await flush(20);
    const resultB = b.refresh(serverB.refreshHere);
    await vi.advanceTimersByTimeAsync(DELAY - 1);
    expect(serverA.refreshHere).toHaveBeenCalledTimes(1);
    expect(serverB.refreshHere).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(100);
    await expect(resultA).resolves.toEqual(received('fresh'));
    await expect(resultB).resolves.toEqual(received('fresh'));
    expect(serverA.refreshHere).toHaveBeenCalledTimes(2);
    expect(serverB.refreshHere).not.toHaveBeenCalled();
  });

  it('a login in another tab reaches a tab waiting out the backoff at once: it takes those tokens without taking the lock again', async () => {
    const { tab } = origin();
    const [a, b] = [tab(), tab()];
    const server = flakyServer(1);
    const result = a.refresh(server.refreshHere);
    await flush(20);
    expect(a.holdings()).toBe(1);

    b.machine.become({ tokens: tokenSet('logged-in-elsewhere') });
    await flush(20);
    await expect(result).resolves.toEqual(received('logged-in-elsewhere'));
    expect(server.refreshHere).toHaveBeenCalledTimes(1);
    // A second "holding" would restart every queued tab's steal wait for nothing.
    expect(a.holdings()).toBe(1);
  });

  it('a logout in another tab ends the refresh of a tab waiting out the backoff at once', async () => {
    const { tab } = origin();
    const [a, b] = [tab(), tab()];
    const result = a.refresh(flakyServer(1).refreshHere);
    await flush(20);

    b.machine.become({ tokens: null });
    await flush(20);
    await expect(result).rejects.toMatchObject({ name: 'AbortError', message: 'The session ended in another tab' });
    // Its machine is told to log out too (the stand-in does not move, so it may be told twice).
    expect(a.machine.sent).toContainEqual({ type: 'SYNC', state: 'loggedOut' });
  });

  it('a round that gave up in another tab fails a waiting tab at once with its error, while that tab still holds the lock', async () => {
    const { tab, broadcast, holdLock, store } = origin();
    const a = tab();
    const server = flakyServer(1);
    const result = a.refresh(server.refreshHere);
    await flush(20);
    const [ours] = roundsIn(a.posted);

    // Another tab, under the lock, made the round's last attempt: it writes and announces the end.
    const holder = holdLock();
    const over: SharedRound = {
      ...ours!,
      seq: ours!.seq + 1,
      writer: 'other-tab',
      failures: 3,
      retryAt: Date.now(),
      cooldownUntil: Date.now() + 60_000,
      cause: { name: 'ServiceUnavailableError', message: 'refresh failed (503)' },
    };
    store.writeRound!(over);
    broadcast(over);
    await flush(20);

    const error = (await result.then(
      () => null,
      (caught: unknown) => caught as RefreshCooldownError,
    ))!;
    expect(error).toBeInstanceOf(RefreshCooldownError);
    expect(error.cooldown).toBe(60_000);
    expect(error.cause).toMatchObject({ name: 'ServiceUnavailableError', message: 'refresh failed (503)' });
    expect(server.refreshHere).toHaveBeenCalledTimes(1);
    expect(a.holdings()).toBe(1);
    holder.release();
  });

  describe('a round left by tabs that are gone', () => {
    // The lock wait (stealAfter, its quarter of jitter, 30 ms of settling), the refresh timeout and a second.
    const STALE_AFTER = STEAL_AFTER + STEAL_AFTER / 4 + 30 + REFRESH_TIMEOUT + 1_000;

    /** A round that used up its retries, last written at its retry time by a tab since closed. */
    function leftBehind(store: ReturnType<typeof origin>['store'], retryAt: number) {
      store.writeRound!({
        kind: ROUND,
        base: { version: 1, writer: 'other-tab' },
        seq: 3,
        writer: 'closed-tab',
        failures: 2,
        retryAt,
        cooldownUntil: null,
        cause: { name: 'Error', message: 'down' },
      });
    }

    it('still counts up to the lock wait, the refresh timeout and a second past its retry time: the next failure ends it', async () => {
      const { tab, store } = origin({ retries: 2 });
      leftBehind(store, Date.now() - STALE_AFTER);
      const a = tab();
      await expect(a.refresh(flakyServer(1).refreshHere)).rejects.toBeInstanceOf(RefreshCooldownError);
    });

    it('is ignored after that: the next failure starts a new round that backs off', async () => {
      const { tab, store } = origin({ retries: 2 });
      leftBehind(store, Date.now() - STALE_AFTER - 1);
      const a = tab();
      const server = flakyServer(1);
      const result = a.refresh(server.refreshHere);
      await flush(20);
      expect(roundsIn(a.posted)).toEqual([expect.objectContaining({ failures: 1, cooldownUntil: null })]);
      await vi.advanceTimersByTimeAsync(DELAY);
      await expect(result).resolves.toEqual(received('fresh'));
    });
  });

  it("without retry settings (each tab retries on its own), a refresh during the machine's cooldown just refreshes", async () => {
    const { tab, store } = origin();
    const a = tab({ coolingDown: true, withRound: false });
    await expect(a.refresh(async () => received('fresh'))).resolves.toEqual(received('fresh'));
    expect(store.readRecord()).toMatchObject({ version: 2, tokens: tokenSet('fresh') });
    expect(store.readRound!()).toBeNull();
  });
});
