import type { Actor } from 'xstate';
import type { authSessionMachine } from '../../machines/authSession.js';
import { clampDelay } from '../../domain/time.js';
import type { AuthEvent, SessionConfig } from '../../machines/authSessionTypes.js';
import { LoggedOutError } from '../../domain/errors/LoggedOutError.js';
import { QueueFullError } from '../../domain/errors/QueueFullError.js';
import { RefreshCooldownError } from '../../domain/errors/RefreshCooldownError.js';
import { SessionExpiredError } from '../../domain/errors/SessionExpiredError.js';
import { WaitTimeoutError } from '../../domain/errors/WaitTimeoutError.js';
import type { TokenSet } from '../../domain/tokens.js';

interface Pending {
  resolve: (tokens: TokenSet) => void;
  reject: (error: unknown) => void;
  /** The waitTimeout timer, when there is one. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** A request for a token, before the waiter's id and the time are added. */
export type TokenRequest = DistributiveOmit<Extract<AuthEvent, { id: number; at: number }>, 'id' | 'at'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface Waiters {
  /** A promise for a token, settled when the machine answers the request (or `waitTimeout` passes). */
  wait(request: TokenRequest): Promise<TokenSet>;
  /** Rejects everyone still waiting, and every later request. */
  close(error: unknown): void;
}

/** The session ended because of `reason`: the caller's message names it, not only its `cause`. */
function sessionExpiredBy(reason: unknown): SessionExpiredError {
  if (!(reason instanceof Error))
    return new SessionExpiredError(undefined, reason == null ? undefined : { cause: reason });
  return new SessionExpiredError(`The session has expired (${reason.name}: ${reason.message}); log in again`, {
    cause: reason,
  });
}

/**
 * The callers' promises, kept beside the machine: its context holds who waits and since when,
 * and it emits `waiters.resolved` / `waiters.rejected`, which settle them here.
 */
export interface WaitersParts {
  actor: Actor<typeof authSessionMachine>;
  config: SessionConfig;
  now: () => number;
  /** How long a caller waits at most (ms, at least 1); undefined: as long as the machine takes. */
  waitTimeout: number | undefined;
}

export function createWaiters({ actor, config, now, waitTimeout }: WaitersParts): Waiters {
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let closed = false;

  /** Takes a caller's entry out (it is settled by whoever took it), stopping its timer. */
  function takeOut(id: number): Pending | undefined {
    const entry = pending.get(id);
    if (entry) {
      pending.delete(id);
      clearTimeout(entry.timer);
    }
    return entry;
  }

  // Never unsubscribed: once closed no entry is left to settle, and the actor's stop drops them.
  actor.on('waiters.resolved', ({ ids, tokens }) => {
    for (const id of ids) takeOut(id)?.resolve(tokens);
  });
  actor.on('waiters.rejected', ({ ids, reason, error }) => {
    // What each reason tells the caller; any other (refreshFailed) passes the round's error on.
    const refusals: Partial<Record<typeof reason, () => unknown>> = {
      loggedOut: () => new LoggedOutError(),
      // `cause` is what ended the session, when known.
      expired: () => (error instanceof SessionExpiredError ? error : sessionExpiredBy(error)),
      queueFull: () => new QueueFullError(config.maxQueue),
      // A round that ended as a cooldown (cross-tab) already is one.
      coolingDown: () =>
        error instanceof RefreshCooldownError
          ? error
          : new RefreshCooldownError(config.failureCooldown, { cause: error }),
    };
    const reasonError = refusals[reason]?.() ?? error;
    for (const id of ids) takeOut(id)?.reject(reasonError);
  });

  return {
    wait(request) {
      if (closed) return Promise.reject(new LoggedOutError('The session was stopped'));
      return new Promise<TokenSet>((resolve, reject) => {
        const id = ++nextId;
        let timer: ReturnType<typeof setTimeout> | undefined;
        if (waitTimeout !== undefined) {
          timer = setTimeout(() => {
            if (!pending.delete(id)) return;
            actor.send({ type: 'WAITER.CANCEL', id });
            reject(new WaitTimeoutError(waitTimeout));
          }, clampDelay(waitTimeout));
        }
        // The machine may answer synchronously, so the entry is registered first.
        pending.set(id, { resolve, reject, timer });
        actor.send({ ...request, id, at: now() });
      });
    },
    close(error) {
      closed = true;
      // Deleting while iterating a Map is safe: every entry is still visited once.
      for (const [id] of pending) takeOut(id)?.reject(error);
    },
  };
}
