/** Runs a task when a slot is free; tasks start in the order they were handed in. */
export type ReplayLimit = <T>(task: () => Promise<T>, signal?: AbortSignal) => Promise<T>;

/** What an adapter with no `maxConcurrentReplays` has: every task runs at once. */
export const NO_LIMIT: ReplayLimit = (task) => task();

/**
 * At most `max` tasks at a time (undefined: no limit), first come first served. A task whose
 * signal aborts while it waits for a slot leaves the line and rejects with the abort reason.
 */
export function createReplayLimit(max: number | undefined): ReplayLimit {
  if (max === undefined) return NO_LIMIT;
  // A limit was set (axios and ky send replays through it, see `holdsBack`), though it never fills.
  if (max === Infinity) return (task) => task();
  if (!Number.isInteger(max) || max < 1) {
    throw new RangeError(`tokenflight: maxConcurrentReplays must be a whole number >= 1, got ${String(max)}`);
  }
  let running = 0;
  // The tasks waiting for a slot, in order; a Set, so one that leaves is taken out by itself.
  const line = new Set<() => void>();

  return (task, signal) =>
    new Promise((resolve, reject) => {
      // Only registered while `start` waits in the line, so only when there is a signal.
      const leave = () => {
        line.delete(start);
        reject(signal?.reason);
      };
      const start = () => {
        line.delete(start);
        signal?.removeEventListener('abort', leave);
        running += 1;
        // `then(task)` also turns a task that throws synchronously into a rejection.
        Promise.resolve()
          .then(task)
          .then(resolve, reject)
          .finally(() => {
            running -= 1;
            line.values().next().value?.();
          });
      };
      if (signal?.aborted) reject(signal.reason);
      else if (running < max) start();
      else {
        line.add(start);
        signal?.addEventListener('abort', leave, { once: true });
      }
    });
}
