/**
 * The plugin seam: how `createAuthSession({ plugins })` composes what each plugin gives (refresh
 * wrappers, attempt allowances, storage, scheme, connections, inspectors, loggedOut).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createAuthSession,
  memoryStorage,
  webStorage,
  type AuthSession,
  type AuthSessionOptions,
  type PluginParts,
  type SessionPlugin,
} from 'tokenflight';
import { bearerScheme, type TokenScheme } from 'tokenflight';
import { crossTab } from 'tokenflight/cross-tab';
import type { TokenSet } from 'tokenflight';
import { MapStorage } from './support/mapStorage.js';
import { memoryLocks } from './support/memoryLocks.js';
import { refreshStub } from './support/refreshStub.js';

const sessions: AuthSession[] = [];
function session(options: Partial<AuthSessionOptions> = {}): AuthSession {
  const created = createAuthSession({
    refresh: async () => ({ accessToken: 'fresh', refreshToken: 'r-fresh' }),
    ...options,
  });
  sessions.push(created);
  return created;
}
afterEach(() => {
  for (const created of sessions.splice(0)) created.stop();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const plugin = (name: string, parts: PluginParts): SessionPlugin => ({ name, setup: () => parts });
const held = { accessToken: 'a0', refreshToken: 'r0' };
const scheme = (): TokenScheme => ({ authorize: () => {} });

describe('plugin composition', () => {
  it('chains refresh wrappers in order, the first plugin outermost, around the user refresh', async () => {
    const order: string[] = [];
    const wrapping = (name: string): SessionPlugin =>
      plugin(name, {
        refresh: async (input, signal, attempt) => {
          order.push(`${name} in`);
          const received = await attempt(input, signal);
          order.push(`${name} out`);
          return received;
        },
      });
    const user = session({
      refresh: async () => (order.push('refresh'), { accessToken: 'a1' }),
      tokens: held,
      plugins: [wrapping('outer'), wrapping('inner')],
    });
    await expect(user.refresh()).resolves.toMatchObject({ accessToken: 'a1' });
    expect(order).toEqual(['outer in', 'inner in', 'refresh', 'inner out', 'outer out']);
  });

  it('adds the attempt allowances to refreshTimeout', async () => {
    vi.useFakeTimers();
    const stub = refreshStub();
    const user = session({
      refresh: stub.refresh,
      refreshTimeout: 1_000,
      retry: { retries: 0 },
      tokens: held,
      plugins: [plugin('a', { attemptAllowance: 300 }), plugin('b', { attemptAllowance: 200 })],
    });
    user.refresh().catch(() => undefined);
    await vi.advanceTimersByTimeAsync(1_499);
    expect(stub.calls[0]?.context.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(stub.calls[0]?.context.signal.aborted).toBe(true);
  });

  it('loads from and saves to the storage a plugin gives, not the storage option', async () => {
    const expiresAt = Date.now() + 600_000;
    const given = memoryStorage({
      accessToken: 'from-plugin',
      refreshToken: null,
      expiresAt,
      tokenType: null,
      scope: null,
    });
    const option = memoryStorage({
      accessToken: 'from-option',
      refreshToken: null,
      expiresAt,
      tokenType: null,
      scope: null,
    });
    const user = session({ storage: option, plugins: [plugin('store', { storage: given })] });
    expect(user.tokens?.accessToken).toBe('from-plugin');
    user.login({ accessToken: 'next' });
    expect(given.load()?.accessToken).toBe('next');
    expect(option.load()?.accessToken).toBe('from-option');
  });

  it("uses a plugin's scheme as the session's scheme, Bearer without one", () => {
    const given = scheme();
    expect(session({ plugins: [plugin('dpop', { scheme: given })] }).scheme).toBe(given);
    expect(session().scheme).toBe(bearerScheme);
  });

  it.each(['storage', 'scheme'] as const)('two plugins giving a %s are a TypeError at creation naming both', (part) => {
    const value = part === 'storage' ? memoryStorage() : scheme();
    const create = () =>
      session({
        plugins: [plugin('first', { [part]: value }), plugin('other', {}), plugin('second', { [part]: value })],
      });
    expect(create).toThrow(TypeError);
    expect(create).toThrow(`plugins "first" and "second" both give a ${part}`);
  });

  it('refuses an entry that is not a plugin, saying what it takes', () => {
    for (const entry of [{}, null, undefined, { setup: 'x' }]) {
      expect(() => session({ plugins: [entry as unknown as SessionPlugin] })).toThrow(
        new TypeError('tokenflight: plugins takes plugins such as crossTab()'),
      );
    }
  });

  it('connects every plugin to the actor once it exists, and disconnects them all on stop', () => {
    const connected: unknown[] = [];
    const disconnected: string[] = [];
    const connecting = (name: string) =>
      plugin(name, { connect: (actor) => (connected.push(actor), () => disconnected.push(name)) });
    const user = session({ plugins: [connecting('a'), plugin('none', {}), connecting('b')] });
    expect(connected).toEqual([user.actor, user.actor]);
    expect(disconnected).toEqual([]);
    user.stop();
    user.stop();
    expect(disconnected).toEqual(['a', 'b']);
  });

  it('tells every inspecting plugin each token the session holds and every inspection event', async () => {
    const remembered: string[] = [];
    let events = 0;
    const inspecting = plugin('spy', {
      inspect: {
        remember: (tokens) => remembered.push(tokens.accessToken),
        observe: () => {
          events++;
        },
      },
    });
    const user = session({ tokens: held, plugins: [inspecting] });
    user.login({ accessToken: 'a1' });
    await user.refresh();
    expect(remembered).toEqual(expect.arrayContaining(['a0', 'a1', 'fresh']));
    expect(events).toBeGreaterThan(0);
  });
});

describe('loggedOut', () => {
  it("is called once on the app's logout, with the tokens held, before the session drops them", () => {
    const calls: { tokens: TokenSet; statusThen: string; tokensThen: TokenSet | null }[] = [];
    // Read when the plugin is called, after the session below exists.
    const revoking = plugin('revoke', {
      loggedOut: (tokens) => calls.push({ tokens, statusThen: user.status, tokensThen: user.tokens }),
    });
    const user = session({ tokens: held, plugins: [revoking] });
    const tokens = user.tokens;
    user.logout();
    user.logout();
    expect(calls).toEqual([{ tokens, statusThen: 'idle', tokensThen: tokens }]);
    expect(user.status).toBe('loggedOut');
  });

  it('a plugin that throws never breaks the logout; the others are still told, and the warning quotes no token', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const told: string[] = [];
    const user = session({
      tokens: held,
      plugins: [
        plugin('broken', {
          loggedOut: (tokens) => {
            throw new Error(`cannot revoke ${tokens.accessToken}`);
          },
        }),
        plugin('fine', { loggedOut: (tokens) => void told.push(tokens.accessToken) }),
      ],
    });
    expect(() => user.logout()).not.toThrow();
    expect(user.status).toBe('loggedOut');
    expect(told).toEqual(['a0']);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('"broken"');
    expect(String(warn.mock.calls[0]?.[0])).not.toContain('a0');
  });

  it('skips, without a warning, the plugins that have no loggedOut', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const told: string[] = [];
    const user = session({
      tokens: held,
      plugins: [plugin('quiet', {}), plugin('told', { loggedOut: (tokens) => void told.push(tokens.accessToken) })],
    });
    user.logout();
    expect(told).toEqual(['a0']);
    expect(warn).not.toHaveBeenCalled();
  });

  it("is not called for another tab's logout", async () => {
    const name = `plugins-test-${process.pid}`;
    const local = new MapStorage();
    const locks = memoryLocks();
    const loggedOut = vi.fn();
    const tab = (extra: SessionPlugin[]) =>
      session({ storage: webStorage(local, name), plugins: [crossTab({ name, locks: locks.manager }), ...extra] });
    const here = tab([]);
    const there = tab([plugin('revoke', { loggedOut })]);
    here.login(held);
    await vi.waitFor(() => expect(there.tokens?.accessToken).toBe('a0'));
    here.logout();
    await vi.waitFor(() => expect(there.status).toBe('loggedOut'));
    expect(loggedOut).not.toHaveBeenCalled();
  });
});
