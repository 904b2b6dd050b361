import { createSubscriber } from 'svelte/reactivity';
import type { AuthStatus } from '../../machines/authSessionTypes.js';
import type { TokenSet } from '../../domain/tokens.js';
import { checkSession } from '../session/optionChecks.js';
import type { AuthSession, SessionSnapshot } from '../session/createAuthSession.js';

/** The session as Svelte 5 reactive state: read it in a template, `$derived` or `$effect`. */
export interface SessionState {
  /** The whole `{ status, tokens }` snapshot. */
  readonly current: SessionSnapshot;
  readonly status: AuthStatus;
  readonly tokens: TokenSet | null;
}

/**
 * The session as runes-friendly state (`auth.status` in a template, `$derived(auth.status)` in a
 * script, in `.svelte` and `.svelte.ts` files alike). It subscribes while something reactive
 * reads it and unsubscribes when the last reader is gone: nothing to clean up. `$derived`
 * re-runs its readers only when its value changes, so `$derived(auth.status)` ignores new tokens.
 * On the server it reads the session as it is.
 */
export function sessionState(session: AuthSession): SessionState {
  checkSession('sessionState', session);
  const track = createSubscriber((update) => {
    // `subscribe` calls its listener at once with what the reader has just read: not a change.
    let subscribed = false;
    const unsubscribe = session.subscribe(() => {
      if (subscribed) update();
    });
    subscribed = true;
    return unsubscribe;
  });
  return {
    get current() {
      track();
      return session.getSnapshot();
    },
    get status() {
      track();
      return session.getSnapshot().status;
    },
    get tokens() {
      track();
      return session.getSnapshot().tokens;
    },
  };
}
