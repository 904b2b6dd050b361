/** Runs a task when a slot is free; tasks start in the order they were handed in. */
export type ReplayLimit = <T>(task: () => Promise<T>, signal?: AbortSignal) => Promise<T>;

/**
 * At most `max` tasks at a time (undefined: no limit), first come first served. A task whose
 * signal aborts while it waits for a slot leaves the line and rejects with the abort reason.
 */
export function createReplayLimit(max: number | undefined): ReplayLimit {
  if (max === undefined || max === Number.POSITIVE_INFINITY) return (task) => task();
  if (!Number.isInteger(max) || max < 1) {
    throw new RangeError(`tokenflight: maxConcurrentReplays must be a whole number >= 1, got ${String(max)}`);
  }
  let running = 0;
  const line: Array<() => void> = [];

  function startNext() {
    running -= 1;
    line.shift()?.();
  }

  return <T>(task: () => Promise<T>, signal?: AbortSignal) =>
    new Promise<T>((resolve, reject) => {
      const start = () => {
        signal?.removeEventListener('abort', leave);
        running += 1;
        // `then(task)` also turns a task that throws synchronously into a rejection.
        Promise.resolve().then(task).then(resolve, reject).finally(startNext);
      };
      const leave = () => {
        const index = line.indexOf(start);
        if (index === -1) return;
        line.splice(index, 1);
        reject(signal?.reason);
      };
      if (signal?.aborted) return reject(signal.reason);
      if (running < max) return start();
      line.push(start);
      signal?.addEventListener('abort', leave, { once: true });
    });
}
