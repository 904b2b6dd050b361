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
const refresh = async () => ({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 3600 });

// --- snippet: cross-tab ---
import { createAuthSession, webStorage } from 'tokenflight';
import { crossTab } from 'tokenflight/cross-tab';

const shared = createAuthSession({
  refresh,
  storage: webStorage(localStorage, 'my-app-auth'),
  plugins: [crossTab()], // or crossTab({ name: 'my-app' })
});
// --- end of snippet ---

// --- snippet: tab-life ---
const defaults = createAuthSession({ refresh, tabLife: { wakeCheckInterval: 10_000, wakeLateBy: 30_000 } });
const withoutTabLife = createAuthSession({ refresh, tabLife: false }); // off
// --- end of snippet ---

// --- snippet: inspect ---
import { createBrowserInspector } from '@statelyai/inspect';
import { inspect } from 'tokenflight/inspect';

// Development only: it opens https://stately.ai/inspect in a new window (Vite's DEV flag here).
const inspector = import.meta.env.DEV ? createBrowserInspector() : undefined;

export const session = createAuthSession({
  refresh,
  plugins: inspector ? [inspect(inspector.inspect)] : [],
});
// --- end of snippet ---

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
