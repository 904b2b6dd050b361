/**
 * `promise`, or a rejection with the signal's reason as soon as `signal` aborts. `promise` is
 * always handled: it still settles later (a token, a timeout, a stop), seen by no one else. It
 * always adds the same number of steps, with or without a signal, so promises released together
 * stay in order (a queue of requests waiting for one refresh).
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (!signal) {
      promise.then(resolve, reject);
      return;
    }
    const onAbort = () => {
      reject(signal.reason);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => {
      signal.removeEventListener('abort', onAbort);
    });
  });
}
