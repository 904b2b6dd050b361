/**
 * runExclusive on its own, against the in-memory Web Locks manager: when the work runs, what
 * the caller's abort does at each stage, when a waiting tab steals, and what is left behind.
 */
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runExclusive, stealJitter, type LockGrant } from '../../src/cross-tab/runExclusive.js';
import type { LockManagerLike } from '../../src/cross-tab/types.js';
import { deferred } from '../support/deferred.js';
import { memoryLocks } from '../support/memoryLocks.js';
import { flush } from '../support/refreshStub.js';

const LOCK = 'unit-lock';

/** Holds the lock as another tab would, until `release()`. */
function holdLock(locks: LockManagerLike) {
  const held = deferred();
  // A robbed holder's request rejects; that is the thief's business, not this test's.
  locks.request(LOCK, {}, () => held.promise).catch(() => {});
  return { release: () => held.resolve() };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('stealJitter', () => {
  it('adds at most a quarter of stealAfter, and never more than a second', () => {
    expect(stealJitter(400)).toBe(100);
    expect(stealJitter(8_000)).toBe(1_000);
  });
});

describe('runExclusive', () => {
  it('runs at once on a free lock, uncontended, and returns what the work returns', async () => {
    const locks = memoryLocks();
    const grants: LockGrant[] = [];
    const result = await runExclusive(
      locks.manager,
      LOCK,
      { signal: new AbortController().signal, stealAfter: 1_000 },
      async (grant) => {
        grants.push(grant);
        expect(locks.isHeld(LOCK)).toBe(true);
        return 'done';
      },
    );
    expect(result).toBe('done');
    expect(grants.map((grant) => grant.contended)).toEqual([false]);
    expect(locks.isHeld(LOCK)).toBe(false);
  });

  it('after waiting for a holder, runs contended and leaves no timer or listener behind', async () => {
    const locks = memoryLocks();
    const holder = holdLock(locks.manager);
    const { signal } = new AbortController();
    const unsubscribe = vi.fn();
    const work = vi.fn(async (grant: LockGrant) => grant.contended);
    const running = runExclusive(
      locks.manager,
      LOCK,
      { signal, stealAfter: 1_000, onNewHolder: () => unsubscribe },
      work,
    );
    await flush();
    expect(work).not.toHaveBeenCalled();

    holder.release();
    await expect(running).resolves.toBe(true);
    expect(locks.log).toEqual([]);
    // The steal timer, the caller's abort listener and the "new holder" subscription are all gone.
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    expect(unsubscribe).toHaveBeenCalledTimes(1);
  });

  it('an already aborted signal rejects with its reason before asking for the lock', async () => {
    const locks = memoryLocks();
    const request = vi.spyOn(locks.manager, 'request');
    const reason = new Error('caller gave up');
    const work = vi.fn(async () => 'never');
    await expect(
      runExclusive(locks.manager, LOCK, { signal: AbortSignal.abort(reason), stealAfter: 1_000 }, work),
    ).rejects.toBe(reason);
    expect(work).not.toHaveBeenCalled();
    expect(request).not.toHaveBeenCalled();
  });

  it('an aborted signal without a reason (older browsers) rejects with an AbortError', async () => {
    const locks = memoryLocks();
    const signal = { aborted: true, reason: undefined } as AbortSignal;
    const error = await runExclusive(locks.manager, LOCK, { signal, stealAfter: 1_000 }, async () => 'never').catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DOMException);
    expect(error).toMatchObject({ name: 'AbortError', message: 'The operation was aborted' });
  });

  it('aborting while waiting rejects with the reason at once, leaves the queue and never runs the work', async () => {
    const locks = memoryLocks();
    holdLock(locks.manager);
    const controller = new AbortController();
    const { signal } = controller;
    const work = vi.fn(async () => 'never');
    const running = runExclusive(locks.manager, LOCK, { signal, stealAfter: 60_000 }, work);
    await flush();
    expect(locks.waiting(LOCK)).toBe(1);

    const reason = new Error('caller gave up');
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(locks.waiting(LOCK)).toBe(0);
    expect(work).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('aborting while the work hangs frees the lock for the next tab at once', async () => {
    const locks = memoryLocks();
    const controller = new AbortController();
    const { signal } = controller;
    void runExclusive(locks.manager, LOCK, { signal, stealAfter: 60_000 }, () => new Promise<never>(() => {}));
    await flush();
    expect(locks.isHeld(LOCK)).toBe(true);

    controller.abort();
    await flush();
    expect(locks.isHeld(LOCK)).toBe(false);
  });

  it('an abort that lands before the lock is granted frees it as soon as it is granted', async () => {
    const locks = memoryLocks();
    const controller = new AbortController();
    const work = vi.fn(() => new Promise<never>(() => {}));
    void runExclusive(locks.manager, LOCK, { signal: controller.signal, stealAfter: 60_000 }, work);
    controller.abort();
    await flush();
    expect(locks.isHeld(LOCK)).toBe(false);
  });

  it("once the work settles the caller's signal keeps no listener", async () => {
    const locks = memoryLocks();
    const { signal } = new AbortController();
    await runExclusive(locks.manager, LOCK, { signal, stealAfter: 1_000 }, async () => 'done');
    await flush();
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('steals after stealAfter plus a random share of the jitter, even without "new holder" news', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const locks = memoryLocks();
    holdLock(locks.manager);
    const running = runExclusive(
      locks.manager,
      LOCK,
      { signal: new AbortController().signal, stealAfter: 400 },
      async (grant) => grant.contended,
    );
    await flush();

    // 400 + 0.5 * stealJitter(400) = 450 ms.
    await vi.advanceTimersByTimeAsync(449);
    expect(locks.log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(locks.log).toEqual([`stolen:${LOCK}`]);
    await expect(running).resolves.toBe(true);
  });

  it('a holder robbed of the lock is told through grant.lost with an AbortError', async () => {
    const locks = memoryLocks();
    const lost = deferred<AbortSignal>();
    const finish = deferred<string>();
    const running = runExclusive(
      locks.manager,
      LOCK,
      { signal: new AbortController().signal, stealAfter: 1_000 },
      (grant) => {
        lost.resolve(grant.lost);
        return finish.promise;
      },
    );
    const signal = await lost.promise;
    expect(signal.aborted).toBe(false);

    void locks.manager.request(LOCK, { steal: true }, () => 'thief');
    await flush();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(DOMException);
    expect(signal.reason).toMatchObject({ name: 'AbortError', message: 'Another tab took the refresh lock' });
    // The work itself decides what to do; its result still comes back.
    finish.resolve('late');
    await expect(running).resolves.toBe('late');
  });

  it('a lock manager that refuses the wait rejects with its error instead of stealing', async () => {
    const locks = memoryLocks();
    holdLock(locks.manager);
    const refused = new DOMException('The document is not fully active', 'InvalidStateError');
    const picky: LockManagerLike = {
      request: (name, options, callback) =>
        options.signal ? Promise.reject(refused) : locks.manager.request(name, options, callback),
    };
    const work = vi.fn(async () => 'never');
    await expect(
      runExclusive(picky, LOCK, { signal: new AbortController().signal, stealAfter: 1_000 }, work),
    ).rejects.toBe(refused);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(locks.log).toEqual([]);
    expect(work).not.toHaveBeenCalled();
  });
});
