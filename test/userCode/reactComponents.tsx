// User code for docs/frameworks.md (React), as an app would write it; test/react.binding.test.tsx and
// test/react.test.tsx render it.
// --- snippet: react-selectors ---
import { useSelector } from '@xstate/react';
import type { AuthSession } from 'tokenflight';
import { useSession, useSessionStatus } from 'tokenflight/react';

export function StatusBadge({ session }: { session: AuthSession }) {
  const status = useSessionStatus(session);
  return <span>{status}</span>;
}

export function TokenExpiry({ session }: { session: AuthSession }) {
  // Any slice: a component re-renders only when what its selector returns changes.
  const expiresAt = useSession(session, (snapshot) => snapshot.tokens?.expiresAt ?? null);
  return <time>{expiresAt === null ? '-' : new Date(expiresAt).toISOString()}</time>;
}
// --- end of snippet ---

// --- snippet: react-hook ---
export function SessionBadge({ session }: { session: AuthSession }) {
  const { status } = useSession(session);
  return <span>{status}</span>;
}

export function RefreshSpinner({ session }: { session: AuthSession }) {
  const refreshing = useSelector(session.actor, (snapshot) => snapshot.matches('refreshing'));
  return refreshing ? <span>refreshing…</span> : null;
}
// --- end of snippet ---
