import { afterAll, describe, expect, it, vi } from 'vitest';
import { session } from './userCode/session.js';
import { refreshedFrom, states, subscription } from './userCode/machineWatch.js';

// The app's refresh call (test/userCode/refresh.ts), answered by the test.
const stub = await vi.hoisted(async () => (await import('./support/refreshStub.js')).refreshStub());
vi.mock('./userCode/refresh.js', () => ({ refresh: stub.refresh }));
afterAll(() => session.stop());

describe('anything else', () => {
  it('session.actor is an ordinary XState actor: subscribe, waitFor, getSnapshot', async () => {
    session.login({ accessToken: 'a0', refreshToken: 'r0', expiresIn: 3600 });
    const backToIdle = refreshedFrom('a0');
    const refreshed = session.refresh();
    stub.last().answer.resolve({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });
    await refreshed;
    await expect(backToIdle).resolves.toMatchObject({ context: { tokens: { accessToken: 'a1' } } });
    subscription.unsubscribe();
    session.logout();
    expect(states).toEqual([{ idle: 'waiting' }, { refreshing: 'requesting' }, { idle: 'waiting' }]);
    expect(session.actor.getSnapshot().value).toBe('loggedOut');
  });
});
