/**
 * crossTab with several sessions in one process, as if each were a tab: they share an
 * in-memory Web Locks manager, one localStorage and real Node BroadcastChannels, and refresh
 * against the in-memory auth backend (rotation with reuse detection, so a second refresh with
 * the same refresh token would show up as `reuseDetected`).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthSession, type AuthSession, type AuthSessionOptions, type RefreshContext } from 'tokenflight';
import { resetCrossTabWarning } from '../src/cross-tab/createCrossTab.js';
import type { ChannelLike, LockManagerLike } from 'tokenflight/cross-tab';
import { LoggedOutError } from 'tokenflight';
import { RefreshRejectedError } from 'tokenflight';
import { SessionExpiredError } from 'tokenflight';
import { memoryStorage, webStorage } from 'tokenflight';
import { compareRecords, type SharedRecord, type SharedTokenStorage } from '../src/cross-tab/sharedRecord.js';
import { sharedWebStorage } from 'tokenflight/cross-tab';
import { crossTab } from 'tokenflight/cross-tab';
import { inspect, type InspectOption } from 'tokenflight/inspect';
import { createAuthBackend } from 'tokenflight/testing';
import type { TokenInput } from 'tokenflight';
import { deferred } from './support/deferred.js';
import { MapStorage } from './support/mapStorage.js';
import { memoryLocks } from './support/memoryLocks.js';
import { match } from './support/matchers.js';

const open: AuthSession[] = [];
afterEach(() => {
  for (const session of open.splice(0)) session.stop();
  vi.restoreAllMocks();
});

let worlds = 0;

interface TabOptions extends Partial<AuthSessionOptions> {
  inspector?: InspectOption;
  locks?: LockManagerLike;
  channel?: (name: string) => ChannelLike;
}

/** Tabs of one origin: shared locks, storage and channel name; each world has its own. */
function world({ stealAfter = 5_000 } = {}) {
  const name = `crossTab-test-${process.pid}-${++worlds}`;
  const backend = createAuthBackend();
  const local = new MapStorage();
  const locks = memoryLocks();
  const refreshedBy: string[] = [];

  function serverRefresh(label: string, latency = 0) {
    return async ({ refreshToken }: RefreshContext): Promise<TokenInput> => {
      refreshedBy.push(label);
      if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
      const result = await backend.refresh(refreshToken);
      if (!result.ok) throw new RefreshRejectedError(`refresh refused: ${result.reason}`, { status: 401 });
      return result.tokens;
    };
  }

  function tab(label: string, { locks: tabLocks, channel, inspector, ...options }: TabOptions = {}): AuthSession {
    const session = createAuthSession({
      refresh: serverRefresh(label),
      storage: webStorage(local, name),
      refreshTimeout: 2_000,
      retry: { minDelay: 20, maxDelay: 50 },
      ...options,
      plugins: [
        crossTab({ name, stealAfter, locks: tabLocks ?? locks.manager, channel }),
        ...(inspector ? [inspect(inspector)] : []),
      ],
    });
    open.push(session);
    return session;
  }

  const record = () => sharedWebStorage(local, name).readRecord();
  return {
    name,
    lockName: `tokenflight:${name}:refresh`,
    backend,
    local,
    locks,
    refreshedBy,
    serverRefresh,
    tab,
    record,
  };
}

/** A channel that, like a frozen tab, hears nothing until it is resumed, then everything in order. */
function freezableChannel() {
  let frozen = false;
  const held: { data: unknown }[] = [];
  const listeners = new Set<(event: { data: unknown }) => void>();
  const deliver = (event: { data: unknown }) =>
    frozen ? held.push(event) : listeners.forEach((listener) => listener(event));
  return {
    factory(name: string): ChannelLike {
      const real = new BroadcastChannel(name);
      real.addEventListener('message', (event) => deliver({ data: event.data }));
      return {
        postMessage: (message) => real.postMessage(message),
        addEventListener: (_type, listener) => listeners.add(listener),
        removeEventListener: (_type, listener) => listeners.delete(listener),
        close: () => real.close(),
      };
    },
    freeze: () => (frozen = true),
    resume() {
      frozen = false;
      for (const event of held.splice(0)) listeners.forEach((listener) => listener(event));
    },
  };
}

/** The lock manager as a frozen tab sees it: the news that its lock was stolen never arrives. */
function deafToSteals(locks: LockManagerLike): LockManagerLike {
  return {
    request(name, options, callback) {
      let granted = false;
      return locks
        .request(name, options, (lock) => {
          granted = lock !== null;
          return callback(lock);
        })
        .catch((error: unknown) => (granted ? new Promise<never>(() => {}) : Promise.reject(error)));
    },
  };
}

async function loggedInEverywhere(tabs: AuthSession[], backend: ReturnType<typeof createAuthBackend>) {
  const issued = await backend.login('ada');
  tabs[0]!.login(issued);
  await vi.waitFor(() => {
    for (const tab of tabs) expect(tab.tokens?.accessToken).toBe(issued.accessToken);
  });
  return issued;
}

describe('crossTab', () => {
  it('a burst of 401s in three tabs at once makes one refresh, and every tab ends with its tokens', async () => {
    const { tab, backend, refreshedBy, record } = world();
    const tabs = [tab('a'), tab('b'), tab('c')];
    const issued = await loggedInEverywhere(tabs, backend);
    const loginVersion = record()!.version;

    const burst = tabs.flatMap((session) => Array.from({ length: 20 }, () => session.unauthorized(issued.accessToken)));
    const answers = await Promise.all(burst);

    expect(refreshedBy).toHaveLength(1);
    expect(backend.stats()).toMatchObject({ refreshCalls: 1, refreshOk: 1, reuseDetected: 0 });
    const fresh = answers[0]!.accessToken;
    expect(fresh).not.toBe(issued.accessToken);
    expect(new Set(answers.map((tokens) => tokens.accessToken))).toEqual(new Set([fresh]));
    for (const session of tabs) expect(session.tokens?.accessToken).toBe(fresh);
    expect(record()).toMatchObject({ state: 'loggedIn', version: loginVersion + 1, tokens: { accessToken: fresh } });

    // A tab opened later starts from the shared tokens.
    expect(tab('d').tokens?.accessToken).toBe(fresh);
  });

  it('the tabs that waited adopt the tokens at once and announce it as coming from another tab', async () => {
    const { tab, backend } = world();
    const [a, b] = [tab('a'), tab('b')];
    const issued = await loggedInEverywhere([a, b], backend);
    const seen: string[] = [];
    b.on('refreshed', (event) => seen.push(event.fromOtherTab ? 'from other tab' : 'here'));

    await Promise.all([a.refresh(), b.unauthorized(issued.accessToken)]);

    expect(backend.stats().refreshCalls).toBe(1);
    expect(seen).toHaveLength(1);
    expect(b.tokens).toEqual(a.tokens);
  });

  it("requests arriving between a refresh's publish and the machine storing it do not republish the old tokens", async () => {
    const { tab, backend, local, name, record } = world();
    const shared = sharedWebStorage(local, name);
    let duringPublish: (() => void) | null = null;
    const spied: SharedTokenStorage = {
      ...shared,
      writeRecord(next) {
        const wrote = shared.writeRecord(next);
        duringPublish?.();
        return wrote;
      },
    };
    const a = tab('a', { storage: spied });
    await loggedInEverywhere([a], backend);
    const loginVersion = record()!.version;
    duringPublish = () => void a.getToken();

    const fresh = await a.refresh();

    expect(record()).toMatchObject({ version: loginVersion + 1, tokens: { accessToken: fresh.accessToken } });
    expect(a.tokens).toEqual(fresh);
  });

  it('a tab that has not heard the news yet re-reads the shared storage once it holds the lock and adopts', async () => {
    const { tab, backend } = world();
    const deaf = freezableChannel();
    const a = tab('a');
    const b = tab('b', { channel: deaf.factory });
    const issued = await loggedInEverywhere([a, b], backend);

    deaf.freeze();
    const [fromA, fromB] = await Promise.all([a.unauthorized(issued.accessToken), b.unauthorized(issued.accessToken)]);

    expect(backend.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
    expect(fromB).toEqual(fromA);
    expect(b.tokens).toEqual(a.tokens);
    deaf.resume();
  });

  it('a login in one tab logs in the others; a logout logs them out and rejects what they wait for', async () => {
    const { tab, backend, record, local, name } = world();
    const hung = deferred<TokenInput>();
    const a = tab('a');
    const b = tab('b', { refresh: () => hung.promise });
    const events: string[] = [];
    b.on('login', (event) => events.push(`login${event.fromOtherTab ? ' from other tab' : ''}`));
    b.on('logout', (event) => events.push(`logout${event.fromOtherTab ? ' from other tab' : ''}`));
    await loggedInEverywhere([a, b], backend);

    // b is mid-refresh (holding the lock) when a logs out.
    const waiting = b.refresh();
    a.logout();

    await expect(waiting).rejects.toBeInstanceOf(LoggedOutError);
    expect(b.status).toBe('loggedOut');
    expect(events).toEqual(['login from other tab', 'logout from other tab']);
    expect(record()).toMatchObject({ state: 'loggedOut', tokens: null });

    // b's refresh answers late: it must not log b back in or write its tokens.
    hung.resolve({ accessToken: 'late-after-logout', refreshToken: 'late-r', expiresIn: 30 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(b.status).toBe('loggedOut');
    expect(a.status).toBe('loggedOut');
    expect(local.getItem(name)).not.toContain('late-after-logout');
  });

  it('a refresh token refused in one tab expires every tab, and their waiters get SessionExpiredError', async () => {
    const { tab, backend } = world();
    const [a, b] = [tab('a'), tab('b')];
    await loggedInEverywhere([a, b], backend);
    backend.revokeRefreshTokens();

    const [inA, inB] = await Promise.allSettled([a.refresh(), b.refresh()]);

    expect(inA).toMatchObject({ status: 'rejected', reason: match.any(SessionExpiredError) });
    expect(inB).toMatchObject({ status: 'rejected', reason: match.any(SessionExpiredError) });
    expect([a.status, b.status]).toEqual(['expired', 'expired']);
    expect(backend.stats().refreshCalls).toBe(1);

    // Logging in again in one tab brings every tab back.
    const logins: boolean[] = [];
    b.on('login', (event) => logins.push(event.fromOtherTab === true));
    a.login(await backend.login('ada'));
    await vi.waitFor(() => expect(b.status).toBe('idle'));
    expect(b.tokens).toEqual(a.tokens);
    expect(logins).toEqual([true]);
  });

  it('a lock held by a frozen tab is stolen after stealAfter, and the frozen tab discards its late result', async () => {
    const { tab, backend, locks, lockName, record } = world({ stealAfter: 150 });
    const thaw = deferred();
    const channel = freezableChannel();
    const frozenTab = tab('frozen', {
      // Long enough that only the steal can free the lock.
      refreshTimeout: 60_000,
      locks: deafToSteals(locks.manager),
      channel: channel.factory,
      refresh: async () => {
        await thaw.promise;
        return { accessToken: 'late-from-frozen-tab', refreshToken: 'late-r', expiresIn: 30 };
      },
    });
    const live = tab('live');
    await loggedInEverywhere([frozenTab, live], backend);

    channel.freeze();
    const frozenWaiter = frozenTab.refresh();
    await vi.waitFor(() => expect(locks.isHeld(lockName)).toBe(true));

    const fresh = await live.refresh();
    expect(locks.log).toEqual([`stolen:${lockName}`]);
    expect(backend.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });

    // The frozen tab thaws: its refresh answers before it hears any message.
    thaw.resolve();
    await expect(frozenWaiter).resolves.toEqual(fresh);
    channel.resume();
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(frozenTab.tokens).toEqual(fresh);
    expect(live.tokens).toEqual(fresh);
    expect(record()?.tokens).toEqual(fresh);
  });

  it('waiting for a held lock does not count against refreshTimeout: the tab steals it and refreshes', async () => {
    const { tab, backend, locks, lockName } = world({ stealAfter: 300 });
    // The refresh itself is quick, but the wait for the lock is longer than refreshTimeout.
    const waiting = tab('waiting', { refreshTimeout: 200, retry: { retries: 0 } });
    const issued = await loggedInEverywhere([waiting], backend);
    // A frozen tab holds the lock and never lets go.
    void locks.manager.request(lockName, {}, () => new Promise<never>(() => {})).catch(() => {});
    await vi.waitFor(() => expect(locks.isHeld(lockName)).toBe(true));

    const fresh = await waiting.refresh();
    expect(fresh.accessToken).not.toBe(issued.accessToken);
    expect(locks.log).toEqual([`stolen:${lockName}`]);
  });

  it('tabs that steal at the same instant rob each other before refreshing: still one refresh', async () => {
    // No jitter: both waiting tabs steal in the same timer turn, before any "holding" message.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { tab, backend, locks, lockName, refreshedBy, serverRefresh } = world({ stealAfter: 150 });
    const frozen = tab('frozen', {
      refreshTimeout: 60_000,
      refresh: () => new Promise<never>(() => {}),
      locks: deafToSteals(locks.manager),
    });
    // Refreshes slow enough that a robbed tab that went on would still be on the wire.
    const b = tab('b', { refresh: serverRefresh('b', 100) });
    const c = tab('c', { refresh: serverRefresh('c', 100) });
    const issued = await loggedInEverywhere([frozen, b, c], backend);

    void frozen.refresh().catch(() => {});
    await vi.waitFor(() => expect(locks.isHeld(lockName)).toBe(true));
    const [fromB, fromC] = await Promise.all([b.unauthorized(issued.accessToken), c.unauthorized(issued.accessToken)]);

    expect(locks.log).toEqual([`stolen:${lockName}`, `stolen:${lockName}`]);
    expect(refreshedBy).toHaveLength(1);
    expect(backend.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
    expect(fromB).toEqual(fromC);
  });

  it("a live holder that got the lock late is not robbed: each new holder restarts the others' steal timers", async () => {
    const { tab, backend, locks, refreshedBy, serverRefresh } = world({ stealAfter: 400 });
    // a's refresh hangs until its 300 ms timeout; b then holds the lock for a slow 250 ms refresh.
    const a = tab('a', { refreshTimeout: 300, refresh: () => new Promise<never>(() => {}) });
    const b = tab('b', { refreshTimeout: 1_000, refresh: serverRefresh('b', 250) });
    const c = tab('c');
    const issued = await loggedInEverywhere([a, b, c], backend);

    void a.refresh().catch(() => {});
    await vi.waitFor(() => expect(a.status).toBe('refreshing'));
    const [fromB, fromC] = await Promise.all([b.unauthorized(issued.accessToken), c.unauthorized(issued.accessToken)]);

    // Without the restart, c would steal at 400 ms while b's refresh is on the wire: a reuse.
    expect(locks.log).toEqual([]);
    expect(refreshedBy).toEqual(['b']);
    expect(backend.stats()).toMatchObject({ refreshCalls: 1, reuseDetected: 0 });
    expect(fromC).toEqual(fromB);
  });

  it('a tab closed mid-refresh frees the lock at once: the next tab refreshes without waiting to steal', async () => {
    const { tab, backend, locks, lockName } = world({ stealAfter: 60_000 });
    const closing = tab('closing', { refresh: () => new Promise<never>(() => {}) });
    const staying = tab('staying');
    const issued = await loggedInEverywhere([closing, staying], backend);

    void closing.refresh().catch(() => {});
    await vi.waitFor(() => expect(locks.isHeld(lockName)).toBe(true));
    const waiting = staying.unauthorized(issued.accessToken);
    closing.stop();

    const fresh = await waiting;
    expect(fresh.accessToken).not.toBe(issued.accessToken);
    expect(locks.log).toEqual([]);
    expect(backend.stats().refreshCalls).toBe(1);
  });

  it('tokens that arrive from another tab never reach an inspector', async () => {
    const { tab, backend } = world();
    const inspected: unknown[] = [];
    const a = tab('a');
    const b = tab('b', { inspector: (event) => inspected.push(event) });
    const issued = await loggedInEverywhere([a, b], backend);
    const fresh = await a.refresh();
    await vi.waitFor(() => expect(b.tokens).toEqual(fresh));

    expect(inspected.some((event) => JSON.stringify(event).includes('"SYNC"'))).toBe(true);
    const seen = JSON.stringify(inspected.map((event) => ({ ...(event as object), actorRef: undefined })));
    for (const secret of [issued.accessToken, issued.refreshToken, fresh.accessToken, fresh.refreshToken!]) {
      expect(seen).not.toContain(secret);
    }
  });

  it('a stale write never replaces a newer record', () => {
    const storage = sharedWebStorage(new MapStorage(), 'k');
    const newer: SharedRecord = { version: 5, writer: 'b', state: 'loggedOut', tokens: null, lifetime: null };
    const stale: SharedRecord = {
      version: 4,
      writer: 'z',
      state: 'loggedIn',
      tokens: { accessToken: 'old', refreshToken: 'r', expiresAt: null, tokenType: null, scope: null },
      lifetime: null,
    };
    expect(storage.writeRecord(newer)).toBe(true);
    expect(storage.writeRecord(stale)).toBe(false);
    expect(storage.writeRecord({ ...newer, writer: 'a' })).toBe(false);
    expect(storage.readRecord()).toEqual(newer);
    expect(storage.load()).toBeNull();
    // Equal versions: every tab picks the same winner.
    expect(compareRecords({ ...newer, writer: 'a' }, newer)).toBeLessThan(0);
  });

  it('without Web Locks or a shared storage it runs as one tab and says so once, without any token', async () => {
    resetCrossTabWarning();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const refresh = vi.fn(async () => ({ accessToken: 'secret-new', refreshToken: 'secret-r2', expiresIn: 30 }));
    const tokens = { accessToken: 'secret-a', refreshToken: 'secret-r', expiresIn: 30 };

    // Node has BroadcastChannel but no navigator.locks.
    const first = createAuthSession({ refresh, tokens, storage: webStorage(new MapStorage()), plugins: [crossTab()] });
    const second = createAuthSession({
      refresh,
      tokens,
      storage: webStorage(new MapStorage()),
      plugins: [crossTab({ name: 'other' })],
    });
    open.push(first, second);

    expect(warn).toHaveBeenCalledTimes(1);
    const message = String(warn.mock.calls[0]?.[0]);
    expect(message).toMatch(/navigator\.locks/);
    expect(message).not.toMatch(/secret/);
    await expect(first.refresh()).resolves.toMatchObject({ accessToken: 'secret-new' });

    resetCrossTabWarning();
    const third = createAuthSession({
      refresh,
      tokens,
      storage: memoryStorage(),
      plugins: [crossTab({ locks: memoryLocks().manager })],
    });
    open.push(third);
    expect(String(warn.mock.calls[1]?.[0])).toMatch(/not shared/);
  });
});
