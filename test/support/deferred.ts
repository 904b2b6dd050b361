/** A promise with its settle functions outside, for refresh calls a test answers by hand. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/** `deferred()`: a gate to open with `resolve()`. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Whether a promise has settled yet, without waiting for it. */
export async function settledState(promise: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  const marker = Symbol('pending');
  try {
    const value = await Promise.race([promise, Promise.resolve(marker)]);
    return value === marker ? 'pending' : 'resolved';
  } catch {
    return 'rejected';
  }
}
