import type { AuthSession } from '../session/createAuthSession.js';

const warned = new WeakMap<object, Set<string>>();

/**
 * Development only: its one call site is guarded by an unguarded `process.env.NODE_ENV`, which
 * bundlers replace, so production bundles drop it (test/devWarningBuilds.test.ts). A request to an origin outside `origins` goes out without the token, which
 * is easy to miss; while the session holds a token, say so once per origin per adapter (`gate`),
 * never with the token.
 */
export function warnUnlistedOrigin(gate: object, session: Pick<AuthSession, 'status'>, url: URL): void {
  if (session.status === 'loggedOut' || session.status === 'expired' || url.origin === 'null') return;
  const seen = warned.get(gate) ?? new Set<string>();
  warned.set(gate, seen);
  if (seen.has(url.origin)) return;
  seen.add(url.origin);
  console.warn(`tokenflight: no token for ${url.origin} (not in origins); pass origins: [...] to send one`);
}
