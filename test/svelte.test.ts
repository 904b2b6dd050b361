import { get } from 'svelte/store';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthSession, type AuthSession } from 'tokenflight';
import { refreshStub } from './support/refreshStub.js';
import { session as appSession } from './userCode/session.js';
import { signedIn, status } from './userCode/svelteStores.js';

// The app's refresh call (test/userCode/refresh.ts), answered by the test.
const stub = await vi.hoisted(async () => (await import('./support/refreshStub.js')).refreshStub());
vi.mock('./userCode/refresh.js', () => ({ refresh: stub.refresh }));
afterAll(() => appSession.stop());

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
    const session = appSession; // the app's session (test/userCode/session.ts), which the stores derive from
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
