import { derived, get } from 'svelte/store';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthSession, type AuthSession } from 'tokenflight';
import { refreshStub } from './support/refreshStub.js';

const sessions: AuthSession[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.stop();
});

describe('Svelte', () => {
  it('the session is a Svelte store: subscribe calls at once and returns the unsubscribe function', () => {
    const session = createAuthSession({ refresh: refreshStub().refresh });
    sessions.push(session);
    const seen: string[] = [];
    const unsubscribe = session.subscribe((snapshot) => seen.push(snapshot.status));
    expect(seen).toEqual(['loggedOut']);
    session.login({ accessToken: 'a0' });
    unsubscribe();
    session.logout();
    expect(seen).toEqual(['loggedOut', 'idle']);
  });

  it('works with svelte/store get and derived', async () => {
    const stub = refreshStub();
    const session = createAuthSession({ refresh: stub.refresh });
    sessions.push(session);
    // --- snippet: svelte ---
    const status = derived(session, ($session) => $session.status);
    const signedIn = derived(session, ($session) => $session.tokens !== null);
    // In a component: {#if $signedIn}…{/if} <span>{$status}</span>
    // --- end of snippet ---
    const seen: string[] = [];
    const stop = status.subscribe((value) => seen.push(value));
    expect(get(session).status).toBe('loggedOut');
    expect(get(signedIn)).toBe(false);
    session.login({ accessToken: 'a0', refreshToken: 'r0', expiresIn: 3600 });
    expect(get(signedIn)).toBe(true);
    const refreshed = session.refresh();
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
    await refreshed;
    expect(get(session).tokens?.accessToken).toBe('a1');
    session.logout();
    stop();
    // derived drops repeats: the token change alone (idle → idle) is not a new status.
    expect(seen).toEqual(['loggedOut', 'idle', 'refreshing', 'idle', 'loggedOut']);
  });
});
