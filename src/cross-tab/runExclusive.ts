import type { LockManagerLike } from './types.js';

/**
 * The most a tab adds, at random, to `stealAfter`. Tabs that queued together would otherwise
 * all steal at once and rob each other; spread out, the first thief's "holding" message
 * restarts the others' wait.
 */
export function stealJitter(stealAfter: number): number {
  return Math.min(1_000, stealAfter / 4);
}

export interface ExclusiveOptions {
  /** The caller gave up: stop waiting, and let go of the lock even if the work hangs. */
  signal: AbortSignal;
  /** Waiting longer than this means the holder is frozen or hung: take the lock from it. */
  stealAfter: number;
  /**
   * Calls its listener whenever another tab says it has just been granted the lock: the wait
   * starts over, so a live holder that got the lock late is never robbed. Returns the unsubscribe.
   */
  onNewHolder?: (listener: () => void) => () => void;
}

export interface LockGrant {
  /** Another holder had the lock first, so it may just have written the shared state. */
  contended: boolean;
  /** Aborts when another tab steals the lock from this one: stop, its result is not wanted. */
  lost: AbortSignal;
}

/** Throws the signal's reason once aborted; older browsers abort without one, so an AbortError then. */
function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

/** Settles when `work` settles or `signal` aborts, whichever comes first; never rejects. */
function releaseWhen(work: Promise<unknown>, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done);
    if (signal.aborted) done();
    work.then(done, done);
  });
}

/**
 * Runs `work` while holding the Web Lock `name`: at once when it is free, else after the
 * holder releases it, else (after `stealAfter`) by stealing it. The lock is released when the
 * work ends or the caller aborts, so a hung refresh cannot orphan it. A holder whose lock is
 * stolen is told through `grant.lost`; whatever it still writes is judged by the record's version.
 */
export async function runExclusive<T>(
  locks: LockManagerLike,
  name: string,
  { signal, stealAfter, onNewHolder }: ExclusiveOptions,
  work: (grant: LockGrant) => Promise<T>,
): Promise<T> {
  throwIfAborted(signal);
  let outcome: Promise<T> | undefined;
  const lost = new AbortController();

  /** Resolves with the work once granted (it has started), null when `ifAvailable` found the lock taken. */
  function attempt(
    options: Parameters<LockManagerLike['request']>[1],
    contended: boolean,
  ): Promise<{ work: Promise<T> } | null> {
    return new Promise((resolve, reject) => {
      locks
        .request(name, options, (lock) => {
          if (lock === null) {
            resolve(null);
            return;
          }
          const started = Promise.resolve({ contended, lost: lost.signal }).then(work);
          outcome = started;
          // Nobody waits on this rejection here; the caller awaits the work itself.
          started.catch(() => {});
          resolve({ work: started });
          return releaseWhen(started, signal);
        })
        .catch((error: unknown) => {
          if (outcome === undefined) {
            reject(error);
            return;
          }
          // Rejected after the grant: another tab stole the lock.
          lost.abort(new DOMException('Another tab took the refresh lock', 'AbortError'));
        });
    });
  }

  const free = await attempt({ ifAvailable: true }, false);
  if (free) return free.work;

  const waiting = new AbortController();
  const stopWaiting = () => waiting.abort();
  signal.addEventListener('abort', stopWaiting);
  const bound = () => stealAfter + Math.random() * stealJitter(stealAfter);
  let stealTimer = setTimeout(stopWaiting, bound());
  const unsubscribe = onNewHolder?.(() => {
    clearTimeout(stealTimer);
    stealTimer = setTimeout(stopWaiting, bound());
  });
  let waited: { work: Promise<T> } | null = null;
  try {
    waited = await attempt({ signal: waiting.signal }, true);
  } catch (error) {
    throwIfAborted(signal);
    if (!waiting.signal.aborted) throw error;
  } finally {
    clearTimeout(stealTimer);
    unsubscribe?.();
    signal.removeEventListener('abort', stopWaiting);
  }
  if (waited) return waited.work;
  throwIfAborted(signal);
  const stolen = await attempt({ steal: true }, true);
  // A steal is always granted: it breaks whatever lock is held.
  if (!stolen) throw new Error('tokenflight: the lock manager refused a steal');
  return stolen.work;
}
