import type { LockManagerLike } from './types.js';

export interface ExclusiveOptions {
  /** The caller gave up: stop waiting, and let go of the lock even if the work hangs. */
  signal: AbortSignal;
  /** Waiting longer than this means the holder is frozen or hung: take the lock from it. */
  stealAfter: number;
}

export interface Grant {
  /** Another holder had the lock first, so it may just have written the shared state. */
  contended: boolean;
  stolen: boolean;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
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
 * work ends or the caller aborts, so a hung refresh cannot orphan it; a holder whose lock was
 * stolen keeps running, and its result is judged by the shared record's version, not here.
 */
export async function runExclusive<T>(
  locks: LockManagerLike,
  name: string,
  { signal, stealAfter }: ExclusiveOptions,
  work: (grant: Grant) => Promise<T>,
): Promise<T> {
  if (signal.aborted) throw abortError(signal);
  let outcome: Promise<T> | undefined;

  async function attempt(options: Parameters<LockManagerLike['request']>[1], grant: Grant): Promise<boolean> {
    try {
      await locks.request(name, options, (lock) => {
        if (lock === null) return undefined;
        outcome = Promise.resolve(grant).then(work);
        // Nobody waits on this rejection here; the caller awaits `outcome` itself.
        outcome.catch(() => {});
        return releaseWhen(outcome, signal);
      });
    } catch (error) {
      // Rejected after the grant: our lock was stolen. The work goes on; its version check decides.
      if (outcome === undefined) throw error;
    }
    return outcome !== undefined;
  }

  if (await attempt({ ifAvailable: true }, { contended: false, stolen: false })) return outcome!;

  const waiting = new AbortController();
  const stopWaiting = () => waiting.abort();
  signal.addEventListener('abort', stopWaiting);
  const stealTimer = setTimeout(stopWaiting, stealAfter);
  try {
    if (await attempt({ signal: waiting.signal }, { contended: true, stolen: false })) return outcome!;
  } catch (error) {
    if (signal.aborted) throw abortError(signal);
    if (!waiting.signal.aborted) throw error;
  } finally {
    clearTimeout(stealTimer);
    signal.removeEventListener('abort', stopWaiting);
  }
  if (signal.aborted) throw abortError(signal);
  await attempt({ steal: true }, { contended: true, stolen: true });
  return outcome!;
}
