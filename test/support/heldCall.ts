/** A call into a fake (refresh, heartbeat) that stays pending until the test answers it. */
export interface HeldCall<TInput, TOutput> {
  input: TInput;
  signal: AbortSignal;
  settled: boolean;
  /** Marked by a test that decided this call never gets an answer. */
  hanging: boolean;
  resolve(output: TOutput): void;
  reject(error: unknown): void;
}

/** Records a new held call in `calls` and returns the promise the caller awaits. */
export function holdCall<TInput, TOutput>(
  calls: HeldCall<TInput, TOutput>[],
  input: TInput,
  signal: AbortSignal,
): Promise<TOutput> {
  return new Promise<TOutput>((resolve, reject) => {
    const call: HeldCall<TInput, TOutput> = {
      input,
      signal,
      settled: false,
      hanging: false,
      resolve: (output) => {
        call.settled = true;
        resolve(output);
      },
      reject: (error) => {
        call.settled = true;
        reject(error);
      },
    };
    calls.push(call);
  });
}

/** The calls still waiting for an answer that the caller has not given up on. */
export function liveCalls<T extends HeldCall<unknown, unknown>>(calls: T[]): T[] {
  return calls.filter((call) => !call.settled && !call.signal.aborted);
}
