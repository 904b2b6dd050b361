// The user's claims in a second tab: the tab can pick up the new tokens (BroadcastChannel) before
// the user record written by the tab that logged in is visible in its localStorage (Chromium's
// storage is shared between renderer processes asynchronously). The record's storage event must
// bring the user then, or the tab stays logged in without a user.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthSession, webStorage } from 'tokenflight';
import { createUserStore, type UserRecord } from '../../src/oauth/userStore.js';
import { MapStorage } from '../support/mapStorage.js';

const page = new EventTarget();
afterEach(() => {
  vi.unstubAllGlobals();
});

const record: UserRecord = {
  idToken: 'id-token-1',
  claims: { iss: 'https://op.example', sub: 'alice', aud: 'spa', iat: 1, exp: 2 },
};

describe('the user store in a tab that did not log in', () => {
  it('reads the user when its record arrives after the tokens (storage event)', () => {
    vi.stubGlobal('addEventListener', page.addEventListener.bind(page));
    vi.stubGlobal('removeEventListener', page.removeEventListener.bind(page));
    const area = new MapStorage();
    const storage = webStorage(area, 'app');
    const session = createAuthSession({ refresh: () => Promise.reject(new Error('unused')), storage });
    const user = createUserStore();
    user.useStorage(storage);
    const disconnect = user.connect(session.actor);
    const heard: unknown[] = [];
    user.subscribe((claims) => heard.push(claims?.sub ?? null));

    session.login({ accessToken: 'a0', refreshToken: 'r0', expiresIn: 3600 });
    expect(user.get()).toBeNull();

    area.setItem('app:user', JSON.stringify(record));
    page.dispatchEvent(Object.assign(new Event('storage'), { key: 'app:user' }));

    expect(user.get()?.claims.sub).toBe('alice');
    expect(heard).toEqual(['alice']);
    disconnect();
    session.stop();
  });
});
