import { useMemo, useSyncExternalStore } from 'react';
import type { AuthStatus } from '../../machines/authSessionTypes.js';
import { checkSession } from '../session/optionChecks.js';
import type { AuthSession, SessionSnapshot } from '../session/createAuthSession.js';

/**
 * What the server renders, and what the browser renders while it hydrates: no user. A session
 * lives in the browser (the server never holds the user's tokens), so the first render matches
 * the server's HTML; the browser's own snapshot follows at once.
 */
export const SERVER_SNAPSHOT: SessionSnapshot = Object.freeze({ status: 'loggedOut', tokens: null });

export type Selector<T> = (snapshot: SessionSnapshot) => T;

const whole: Selector<SessionSnapshot> = (snapshot) => snapshot;
const statusOf: Selector<AuthStatus> = (snapshot) => snapshot.status;

/**
 * Remembers the last slice `select` made, and hands it back while the snapshot is the same or the
 * new slice `isEqual` the last one: React re-renders a component only when its slice changes.
 */
function memoizedSelection<T>(select: Selector<T>, isEqual: (a: T, b: T) => boolean): Selector<T> {
  let last: { snapshot: SessionSnapshot; selected: T } | undefined;
  return (snapshot) => {
    if (last?.snapshot === snapshot) return last.selected;
    const selected = select(snapshot);
    last = { snapshot, selected: last && isEqual(last.selected, selected) ? last.selected : selected };
    return last.selected;
  };
}

/**
 * The session's `{ status, tokens }`, or the slice of it `select` picks: the component re-renders
 * only when that slice changes (compared with `isEqual`, default `Object.is`). It only subscribes,
 * so StrictMode's double effects neither log out nor refresh. `select` may be an inline function.
 */
export function useSession(session: AuthSession): SessionSnapshot;
export function useSession<T>(session: AuthSession, select: Selector<T>, isEqual?: (a: T, b: T) => boolean): T;
export function useSession<T>(
  session: AuthSession,
  select?: Selector<T>,
  isEqual: (a: T, b: T) => boolean = Object.is,
): T | SessionSnapshot {
  checkSession('useSession', session);
  const selection = useMemo(() => (select ? memoizedSelection(select, isEqual) : whole), [select, isEqual]);
  return useSyncExternalStore(
    session.subscribe,
    () => selection(session.getSnapshot()),
    () => selection(SERVER_SNAPSHOT),
  );
}

/** The session's status; the component re-renders only when it changes (not for new tokens). */
export const useSessionStatus = (session: AuthSession): AuthStatus => useSession(session, statusOf);
