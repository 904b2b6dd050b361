/**
 * createCrossTab's setup: how long a refresh may wait for the lock, which stealAfter values it
 * accepts, the defaults it finds on the page (navigator.locks, BroadcastChannel, localStorage)
 * and the one warning it gives when one of them is missing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCrossTab, resetCrossTabWarning, type CrossTabSetup } from '../../src/cross-tab/createCrossTab.js';
import { crossTab } from '../../src/cross-tab/crossTabPlugin.js';
import { createAuthSession } from '../../src/session/createAuthSession.js';
import { memoryStorage, webStorage } from '../../src/session/storage.js';
import type { ChannelLike } from '../../src/cross-tab/types.js';
import { type SharedRecord } from '../../src/cross-tab/sharedRecord.js';
import { sharedWebStorage } from '../../src/cross-tab/sharedWebStorage.js';
import { MapStorage } from '../support/mapStorage.js';
import { memoryLocks } from '../support/memoryLocks.js';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function setup(overrides: Partial<CrossTabSetup> = {}): CrossTabSetup {
  return {
    options: { locks: memoryLocks().manager, channel: () => silentChannel() },
    storage: sharedWebStorage(new MapStorage(), 'setup'),
    refreshTimeout: 2_000,
    isTerminal: () => false,
    ...overrides,
  };
}

function silentChannel(): ChannelLike {
  return { postMessage() {}, addEventListener() {}, removeEventListener() {}, close() {} };
}

const stored: SharedRecord = {
  version: 3,
  writer: 'other-tab',
  state: 'loggedIn',
  tokens: { accessToken: 'shared-a', refreshToken: 'shared-r', expiresAt: null, tokenType: null, scope: null },
  lifetime: null,
};

describe('createCrossTab lock wait', () => {
  it('is stealAfter plus its jitter, the settle pause and a second of slack', () => {
    const attemptAllowance = (stealAfter: number) =>
      createCrossTab(setup({ options: { ...setup().options, stealAfter } }))!.attemptAllowance;
    // Jitter: a quarter of stealAfter, at most 1000 ms; settle 30 ms; slack 1000 ms.
    expect(attemptAllowance(400)).toBe(400 + 100 + 30 + 1_000);
    expect(attemptAllowance(8_000)).toBe(8_000 + 1_000 + 30 + 1_000);
    expect(attemptAllowance(0)).toBe(30 + 1_000);
  });

  it("with the session's retry settings, covers the whole round: a lock wait per attempt, and each retry's refresh timeout and longest backoff", () => {
    const round = { retries: 2, minDelay: 20, maxDelay: 40, failureCooldown: 60_000, random: () => 0.5 };
    const crossTab = createCrossTab(
      setup({ options: { ...setup().options, stealAfter: 400 }, refreshTimeout: 2_000, round }),
    )!;
    const lockWait = 400 + 100 + 30;
    expect(crossTab.attemptAllowance).toBe(3 * lockWait + 2 * (2_000 + 40) + 1_000);
  });

  it('steals by default 2 s after the refresh timeout', () => {
    const crossTab = createCrossTab(setup({ refreshTimeout: 2_000 }))!;
    expect(crossTab.attemptAllowance).toBe(4_000 + 1_000 + 30 + 1_000);
  });

  it.each([
    [-1, '-1'],
    [Number.NaN, 'NaN'],
    ['5', '"5"'],
  ])('refuses stealAfter %s with a RangeError that names it, in crossTab() already', (stealAfter, got) => {
    const bad = setup({ options: { ...setup().options, stealAfter: stealAfter as number } });
    const message = `tokenflight: crossTab.stealAfter must be a number >= 0, got ${got}`;
    expect(() => createCrossTab(bad)).toThrow(new RangeError(message));
    expect(() => crossTab({ stealAfter: stealAfter as number })).toThrow(new RangeError(message));
  });
});

describe('createCrossTab defaults', () => {
  it('uses navigator.locks, BroadcastChannel and localStorage under the name "tokenflight"', async () => {
    const locks = memoryLocks();
    const requested: string[] = [];
    const opened: string[] = [];
    vi.stubGlobal('navigator', {
      locks: {
        request: (name: string, ...rest: [never, never]) => (
          requested.push(name),
          locks.manager.request(name, ...rest)
        ),
      },
    });
    vi.stubGlobal(
      'BroadcastChannel',
      class {
        constructor(name: string) {
          opened.push(name);
        }
        postMessage() {}
        addEventListener() {}
        removeEventListener() {}
        close() {}
      },
    );
    const local = new MapStorage();
    local.setItem('tokenflight', JSON.stringify(stored));
    vi.stubGlobal('localStorage', local);

    const crossTab = createCrossTab(setup({ options: {}, storage: undefined }));

    expect(crossTab).not.toBeNull();
    expect(crossTab!.storage.load()).toEqual(stored.tokens);
    expect(opened).toEqual(['tokenflight:tokenflight']);
    const fresh = {
      tokens: { accessToken: 'new-a', refreshToken: 'new-r', expiresAt: null, tokenType: null, scope: null },
      lifetime: null,
    };
    await expect(
      crossTab!.refresh({ tokens: stored.tokens }, new AbortController().signal, async () => fresh),
    ).resolves.toEqual(fresh);
    expect(requested).toEqual(['tokenflight:tokenflight:refresh']);
    expect(JSON.parse(local.getItem('tokenflight')!)).toMatchObject({ version: 4, tokens: { accessToken: 'new-a' } });
  });

  it('a localStorage that throws on access (opaque origin) means one tab, with a warning', () => {
    resetCrossTabWarning();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException('access denied', 'SecurityError');
      },
    });
    try {
      expect(createCrossTab(setup({ storage: undefined }))).toBeNull();
    } finally {
      delete (globalThis as { localStorage?: unknown }).localStorage;
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/not shared between tabs/);
  });

  it('without BroadcastChannel it runs as one tab and says which API is missing', () => {
    resetCrossTabWarning();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.stubGlobal('BroadcastChannel', undefined);
    expect(createCrossTab(setup({ options: { locks: memoryLocks().manager } }))).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toBe(
      'tokenflight: crossTab is off, this page has no BroadcastChannel; each tab refreshes on its own.',
    );
  });

  it('a freshly loaded page warns on its first fallback without any reset', async () => {
    vi.resetModules();
    const fresh = await import('../../src/cross-tab/createCrossTab.js');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    // Node has no navigator.locks.
    expect(fresh.createCrossTab(setup({ options: {} }))).toBeNull();
    expect(fresh.createCrossTab(setup({ options: {} }))).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/navigator\.locks/);
  });
});

describe('crossTab() options', () => {
  it.each([
    [null, 'null'],
    ['shared', '"shared"'],
    [42, '42'],
  ])('refuses %s with a TypeError: it takes an options object or nothing', (options, got) => {
    expect(() => crossTab(options as never)).toThrow(
      new TypeError(`tokenflight: crossTab's options must be an object, got ${got}`),
    );
  });

  it.each([
    [{ name: '' }, 'crossTab.name must be a non-empty string, got ""'],
    [{ name: 7 }, 'crossTab.name must be a non-empty string, got 7'],
    [{ locks: {} }, 'crossTab.locks must be a lock manager (navigator.locks), got an object'],
    [{ channel: 'tokenflight' }, 'crossTab.channel must be a function, got "tokenflight"'],
  ])('refuses %o when crossTab() is called', (options, message) => {
    expect(() => crossTab(options as never)).toThrow(new TypeError(`tokenflight: ${message}`));
  });

  it('is named "crossTab" when another plugin also gives the session its storage', () => {
    const storagePlugin = { name: 'vault', setup: () => ({ storage: memoryStorage() }) };
    const build = () =>
      createAuthSession({
        refresh: async () => ({ accessToken: 'a', refreshToken: 'r' }),
        storage: webStorage(new MapStorage(), 'plugin-name'),
        plugins: [crossTab({ locks: memoryLocks().manager, channel: () => silentChannel() }), storagePlugin],
      });
    expect(build).toThrow('tokenflight: plugins "crossTab" and "vault" both give a storage; a session takes one');
  });
});
