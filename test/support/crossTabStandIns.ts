import type { Actor } from 'xstate';
import type { authSessionMachine } from 'tokenflight/machine';
import type { TokenSet } from 'tokenflight';

/** A token set `accessToken` with refresh token `<accessToken>-r`, no expiry, type or scope. */
export const tokenSet = (accessToken: string): TokenSet => ({
  accessToken,
  refreshToken: `${accessToken}-r`,
  expiresAt: null,
  tokenType: null,
  scope: null,
});

/** What the stand-in machine holds: its tokens, whether it is expired, whether it cools down. */
export interface StandInState {
  tokens: TokenSet | null;
  expired?: boolean;
  coolingDown?: boolean;
}

/** The session machine as crossTab sees it: snapshots the test sets, and the events it is sent. */
export function standInMachine(initial: StandInState) {
  const snapshotOf = ({ tokens, expired = false, coolingDown = false }: StandInState) => ({
    matches: (state: string) => expired && state === 'expired',
    context: { tokens, lifetime: null, coolingDown },
  });
  let current = snapshotOf(initial);
  const listeners = new Set<(snapshot: unknown) => void>();
  const sent: unknown[] = [];
  const actor = {
    getSnapshot: () => current,
    subscribe: (listener: (snapshot: unknown) => void) => {
      listeners.add(listener);
      return { unsubscribe: () => listeners.delete(listener) };
    },
    send: (event: unknown) => sent.push(event),
  };
  return {
    actor: actor as unknown as Actor<typeof authSessionMachine>,
    sent,
    listeners,
    /** A change in this tab (a login, a logout, an expiry): every subscriber sees the new snapshot. */
    become(next: StandInState) {
      current = snapshotOf(next);
      for (const listener of listeners) listener(current);
    },
  };
}
