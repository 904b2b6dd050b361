import { afterEach, beforeEach, expect, it, vi } from 'vitest';
// axios and follow-redirects probe `window` at import: that is theirs, not tokenflight's, so they load first.
import 'axios';
import 'ky';

// Browser globals a server render must never reach for. Each read is recorded, never answered.
const BROWSER_GLOBALS = ['window', 'document', 'localStorage', 'sessionStorage', 'location'] as const;
const touched: string[] = [];

beforeEach(() => {
  touched.length = 0;
  for (const name of BROWSER_GLOBALS) {
    expect(name in globalThis).toBe(false);
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        touched.push(name);
        return undefined;
      },
    });
  }
  vi.resetModules();
  vi.useFakeTimers();
});
afterEach(() => {
  for (const name of BROWSER_GLOBALS) Reflect.deleteProperty(globalThis, name);
  vi.useRealTimers();
});

it('importing every tokenflight entry point touches no browser global', async () => {
  await import('tokenflight');
  await import('tokenflight/fetch');
  await import('tokenflight/axios');
  await import('tokenflight/ky');
  expect(touched).toEqual([]);
});

it('a session on the server only checks that there is no document, and leaves no timer or listener', async () => {
  const { createAuthSession } = await import('tokenflight');
  const session = createAuthSession({
    refresh: async () => ({ accessToken: 'a1', refreshToken: 'r1', expiresIn: 600 }),
    tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 600 },
  });
  expect(touched).toEqual(['document']);
  await expect(session.refresh()).resolves.toMatchObject({ accessToken: 'a1' });
  session.stop();
  expect(vi.getTimerCount()).toBe(0);
  expect(touched).toEqual(['document']);
});
