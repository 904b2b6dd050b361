import type { RefreshContext } from 'tokenflight';
import type { TokenInput } from 'tokenflight';
import { deferred, type Deferred } from './deferred.js';

export interface RefreshCall {
  context: RefreshContext;
  answer: Deferred<TokenInput>;
}

/** A refresh function whose calls the test sees and answers one by one. */
export function refreshStub() {
  const calls: RefreshCall[] = [];
  const refresh = (context: RefreshContext) => {
    const answer = deferred<TokenInput>();
    calls.push({ context, answer });
    return answer.promise;
  };
  return {
    refresh,
    calls,
    last: () => {
      const call = calls.at(-1);
      if (!call) throw new Error('no refresh call yet');
      return call;
    },
  };
}

/** Lets promise callbacks and the machine's reactions run. */
export async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await Promise.resolve();
}
