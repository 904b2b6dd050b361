// @vitest-environment jsdom
/// <reference types="vite/client" />
// Setups docs/multiple-tabs.md, docs/tab-life.md and docs/machine.md show, run as written by package name.
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.spyOn(console, 'warn').mockImplementation(() => undefined); // jsdom has no Web Locks: cross-tab says so once
const opened: string[] = [];
vi.stubGlobal('open', (url: string) => {
  opened.push(url);
  return null;
});
// The app's refresh call (test/userCode/refresh.ts), answered by the test.
vi.mock('./userCode/refresh.js', () => ({
  refresh: async () => ({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 }),
}));
// The user code runs after the stand-ins above, as a page loads its modules after the browser is up.
const { session: shared } = await import('./userCode/crossTabSession.js');
const { session: defaults, withoutTabLife } = await import('./userCode/tabLifeSessions.js');
const { session } = await import('./userCode/inspectSession.js');

afterAll(() => {
  for (const each of [shared, defaults, withoutTabLife, session]) each.stop();
});

describe('setups shown in docs/', () => {
  it('cross-tab stores under the given key (here a single tab: jsdom has no Web Locks)', () => {
    shared.login({ accessToken: 'a0', refreshToken: 'r0', expiresIn: 3600 });
    expect(JSON.parse(localStorage.getItem('my-app-auth')!)).toMatchObject({ accessToken: 'a0' });
    expect(console.warn).toHaveBeenCalledTimes(1);
  });

  it('tab life on and off', () => {
    expect(defaults.status).toBe('loggedOut');
    expect(withoutTabLife.status).toBe('loggedOut');
  });

  it('the inspector opens in development', async () => {
    expect(import.meta.env.DEV).toBe(true);
    expect(opened[0]).toMatch(/stately\.ai/);
    session.login({ accessToken: 'a0', refreshToken: 'r0', expiresIn: 3600 });
    await expect(session.refresh()).resolves.toMatchObject({ accessToken: 'a1' });
  });
});
