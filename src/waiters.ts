import type { Actor } from 'xstate';
import type { authSessionMachine } from '../machines/authSession.js';
import { clampDelay } from '../domain/time.js';
import type { AuthEvent, SessionConfig } from '../machines/authSessionTypes.js';
import { LoggedOutError } from '../domain/errors/LoggedOutError.js';
import { QueueFullError } from '../domain/errors/QueueFullError.js';
import { RefreshCooldownError } from '../domain/errors/RefreshCooldownError.js';
import { SessionExpiredError } from '../domain/errors/SessionExpiredError.js';
import { WaitTimeoutError } from '../domain/errors/WaitTimeoutError.js';
import type { TokenSet } from '../domain/tokens.js';

/** The refusal for a request in an expired session: `cause` is what ended it, when known. */
function expiredBecause(reason: unknown): SessionExpiredError {
  if (reason instanceof SessionExpiredError) return reason;
  return reason == null ? new SessionExpiredError() : new SessionExpiredError(undefined, { cause: reason });
}

/** The refusal during a cooldown; a round that ended as a cooldown (cross-tab) already is one. */
function cooldownError(cooldown: number, reason: unknown): RefreshCooldownError {
  return reason instanceof RefreshCooldownError ? reason : new RefreshCooldownError(cooldown, { cause: reason });
}

interface Pending {
  resolve: (tokens: TokenSet) => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export interface Waiters {
  /** A promise for a token, settled when the machine answers the event (or `waitTimeout` passes). */
  wait(event: (id: number, at: number) => AuthEvent): Promise<TokenSet>;
  /** Rejects everyone still waiting and stops listening to the machine. */
  close(error: unknown): void;
}

/**
 * The callers' promises, kept beside the machine: its context holds who waits and since when,
 * and it emits `waiters.resolved` / `waiters.rejected`, which settle them here.
 */
export function createWaiters(
  actor: Actor<typeof authSessionMachine>,
  config: SessionConfig,
  now: () => number,
  waitTimeout: number | undefined,
): Waiters {
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let closed = false;

  function settle(id: number): Pending | undefined {
    const entry = pending.get(id);
    if (!entry) return undefined;
    pending.delete(id);
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    return entry;
  }

  const subscriptions = [
    actor.on('waiters.resolved', ({ ids, tokens }) => {
      for (const id of ids) settle(id)?.resolve(tokens);
    }),
    actor.on('waiters.rejected', ({ ids, reason, error }) => {
      const reasonError =
        reason === 'loggedOut'
          ? new LoggedOutError()
          : reason === 'expired'
            ? expiredBecause(error)
            : reason === 'queueFull'
              ? new QueueFullError(config.maxQueue)
              : reason === 'coolingDown'
                ? cooldownError(config.failureCooldown, error)
                : error;
      for (const id of ids) settle(id)?.reject(reasonError);
    }),
  ];

  return {
    wait(event) {
      if (closed) return Promise.reject(new LoggedOutError('The session was stopped'));
      return new Promise<TokenSet>((resolve, reject) => {
        const id = ++nextId;
        const entry: Pending = { resolve, reject, timer: undefined };
        pending.set(id, entry);
        if (waitTimeout !== undefined) {
          entry.timer = setTimeout(() => {
            if (!settle(id)) return;
            actor.send({ type: 'WAITER.CANCEL', id });
            reject(new WaitTimeoutError(waitTimeout));
          }, clampDelay(waitTimeout));
        }
        // The machine may answer synchronously, so the entry is registered first.
        actor.send(event(id, now()));
      });
    },
    close(error) {
      closed = true;
      for (const subscription of subscriptions) subscription.unsubscribe();
      for (const id of [...pending.keys()]) settle(id)?.reject(error);
    },
  };
}
