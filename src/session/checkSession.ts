import type { AuthSession } from './sessionTypes.js';

/**
 * Refuses what is not a session where a binding is handed one, so a wrong argument is named at
 * once instead of failing later inside the framework. Checks the store contract the bindings use.
 */
export function checkSession(session: AuthSession): void {
  if (typeof session?.subscribe !== 'function' || typeof session.getSnapshot !== 'function') {
    throw new TypeError(`tokenflight: session must be a session from createAuthSession, got ${String(session)}`);
  }
}
