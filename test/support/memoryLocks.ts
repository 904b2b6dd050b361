import type { LockManagerLike, LockRequestOptionsLike } from 'tokenflight/cross-tab';

interface Request {
  callback: (lock: unknown) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

const abortError = () => new DOMException('The lock request was aborted', 'AbortError');

/**
 * Exclusive Web Locks in memory, for sessions in one process: a FIFO queue per name, `signal`
 * (stop waiting), `ifAvailable` (callback(null) when taken), `steal` (the holder's request
 * rejects with an AbortError at once while its callback runs on). Callbacks run in a later
 * microtask, as in browsers.
 */
export function memoryLocks() {
  const holders = new Map<string, Request>();
  const queues = new Map<string, Request[]>();
  const log: string[] = [];

  function queue(name: string): Request[] {
    let entries = queues.get(name);
    if (!entries) queues.set(name, (entries = []));
    return entries;
  }

  function grant(name: string, request: Request): void {
    holders.set(name, request);
    if (request.onAbort) request.signal?.removeEventListener('abort', request.onAbort);
    queueMicrotask(() => {
      let result: Promise<unknown>;
      try {
        result = Promise.resolve(request.callback({ name, mode: 'exclusive' }));
      } catch (error) {
        result = Promise.reject(error);
      }
      result.then(
        (value) => release(name, request, () => request.resolve(value)),
        (error: unknown) => release(name, request, () => request.reject(error)),
      );
    });
  }

  function release(name: string, request: Request, settle: () => void): void {
    // A stolen holder's request was already rejected; its late release frees nothing.
    if (holders.get(name) !== request) return;
    holders.delete(name);
    settle();
    const next = queue(name).shift();
    if (next) grant(name, next);
  }

  const manager: LockManagerLike = {
    request<T>(name: string, options: LockRequestOptionsLike, callback: (lock: unknown) => T): Promise<Awaited<T>> {
      return new Promise<Awaited<T>>((resolve, reject) => {
        if (options.signal && (options.steal || options.ifAvailable)) {
          throw new DOMException('signal cannot be combined with steal or ifAvailable', 'NotSupportedError');
        }
        if (options.steal && options.ifAvailable) {
          throw new DOMException('steal cannot be combined with ifAvailable', 'NotSupportedError');
        }
        if (options.signal?.aborted) {
          reject(abortError());
          return;
        }
        const request: Request = {
          callback,
          resolve: resolve as (value: unknown) => void,
          reject,
          signal: options.signal,
          onAbort: undefined,
        };
        const busy = holders.has(name) || queue(name).length > 0;
        if (options.steal) {
          const holder = holders.get(name);
          if (holder) {
            log.push(`stolen:${name}`);
            holders.delete(name);
            holder.reject(abortError());
          }
          grant(name, request);
          return;
        }
        if (options.ifAvailable && busy) {
          return void Promise.resolve()
            .then(() => callback(null))
            .then(resolve as (value: unknown) => void, reject);
        }
        if (!busy) {
          grant(name, request);
          return;
        }
        request.onAbort = () => {
          const entries = queue(name);
          const index = entries.indexOf(request);
          if (index >= 0) entries.splice(index, 1);
          reject(abortError());
        };
        options.signal?.addEventListener('abort', request.onAbort, { once: true });
        queue(name).push(request);
      });
    },
  };

  return {
    manager,
    /** What happened to the locks, e.g. `stolen:<name>`. */
    log,
    isHeld: (name: string) => holders.has(name),
    waiting: (name: string) => queue(name).length,
  };
}
