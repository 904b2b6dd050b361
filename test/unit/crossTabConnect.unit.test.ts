/**
 * createCrossTab's connect: which messages from other tabs reach the session machine (as SYNC
 * events), which of the machine's changes are published, and what disconnecting leaves behind.
 * The machine is a stand-in whose snapshots the test sets, so every SYNC it is sent is visible.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCrossTab } from '../../src/cross-tab/createCrossTab.js';
import type { ChannelLike } from '../../src/cross-tab/types.js';
import { type SharedRecord, type SharedTokenStorage } from '../../src/cross-tab/sharedRecord.js';
import { sharedWebStorage } from '../../src/cross-tab/sharedWebStorage.js';
import { deferred } from '../support/deferred.js';
import { MapStorage } from '../support/mapStorage.js';
import { memoryLocks } from '../support/memoryLocks.js';
import { flush } from '../support/refreshStub.js';
import { standInMachine, tokenSet, type StandInState } from '../support/crossTabStandIns.js';

const HOLDING = 'tokenflight:holding-lock';
const loggedIn = (version: number, accessToken: string): SharedRecord => ({
  version,
  writer: 'other-tab',
  state: 'loggedIn',
  tokens: tokenSet(accessToken),
  lifetime: null,
});
const signedOff = (version: number, state: 'loggedOut' | 'expired'): SharedRecord => ({
  version,
  writer: 'other-tab',
  state,
  tokens: null,
  lifetime: null,
});

/** One tab's channel: what it posts, and `deliver` for a message from another tab. */
function recordingChannel() {
  const posted: unknown[] = [];
  const listeners = new Set<(event: { data: unknown }) => void>();
  let closed = false;
  const channel: ChannelLike = {
    postMessage: (message) => posted.push(message),
    // As on an EventTarget: any type is taken, and a listener is only removed under the type it was added for.
    addEventListener: (type: string, listener) => type === 'message' && listeners.add(listener),
    removeEventListener: (type: string, listener) => type === 'message' && listeners.delete(listener),
    close: () => (closed = true),
  };
  return {
    channel,
    posted,
    listeners,
    deliver: (data: unknown) => listeners.forEach((listener) => listener({ data })),
    isClosed: () => closed,
  };
}

let tabs = 0;

function connectedTab(stored: SharedRecord, local: StandInState, { stealAfter = 1_000 } = {}) {
  const name = `connect-unit-${++tabs}`;
  const locks = memoryLocks();
  const store: SharedTokenStorage = sharedWebStorage(new MapStorage(), name);
  store.writeRecord(stored);
  const channel = recordingChannel();
  const crossTab = createCrossTab({
    options: { name, locks: locks.manager, channel: () => channel.channel, stealAfter },
    storage: store,
    refreshTimeout: 2_000,
    isTerminal: () => false,
  })!;
  crossTab.storage.load();
  const machine = standInMachine(local);
  const disconnect = crossTab.connect(machine.actor);
  return { crossTab, locks, store, channel, machine, disconnect, lockName: `tokenflight:${name}:refresh` };
}

afterEach(() => vi.useRealTimers());

describe('crossTab connect', () => {
  it('ignores messages that are not records, and records older than what it has', () => {
    const { channel, machine } = connectedTab(loggedIn(5, 'current'), { tokens: tokenSet('current') });
    for (const junk of [
      'hello',
      null,
      42,
      { version: 'six' },
      { ...loggedIn(6, 'x'), state: 'loggedIn', tokens: null },
    ])
      channel.deliver(junk);
    channel.deliver(loggedIn(4, 'older'));
    channel.deliver(signedOff(3, 'loggedOut'));
    expect(machine.sent).toEqual([]);
  });

  it('passes on a newer record with other tokens, but not one with the tokens it already has', () => {
    const { channel, machine } = connectedTab(loggedIn(5, 'current'), { tokens: tokenSet('current') });
    channel.deliver(loggedIn(6, 'current'));
    expect(machine.sent).toEqual([]);

    channel.deliver(loggedIn(7, 'newer'));
    expect(machine.sent).toEqual([
      { type: 'SYNC', state: 'loggedIn', received: { tokens: tokenSet('newer'), lifetime: null } },
    ]);
    // The same message twice (or late) changes nothing more.
    channel.deliver(loggedIn(7, 'newer'));
    expect(machine.sent).toHaveLength(1);
  });

  it('expired and logged out count as the same signed-off session: no SYNC, no publish', () => {
    // Another tab's logout reaches an expired tab: it has no tokens either, nothing to tell its machine.
    const { channel, machine } = connectedTab(signedOff(5, 'expired'), { expired: true, tokens: null });
    channel.deliver(signedOff(6, 'loggedOut'));
    expect(machine.sent).toEqual([]);

    // A logout in an expired tab: the shared record already says signed off, so it is not rewritten.
    const {
      channel: quiet,
      machine: expiredHere,
      store,
    } = connectedTab(signedOff(5, 'expired'), { expired: true, tokens: null });
    expiredHere.become({ tokens: null });
    expect(quiet.posted).toEqual([]);
    expect(store.readRecord()).toMatchObject({ version: 5, state: 'expired' });
  });

  it('a login over an existing session is published to the other tabs', () => {
    const { channel, machine, store } = connectedTab(loggedIn(5, 'first-user'), { tokens: tokenSet('first-user') });
    machine.become({ tokens: tokenSet('second-user') });
    expect(channel.posted).toEqual([
      expect.objectContaining({ version: 6, state: 'loggedIn', tokens: tokenSet('second-user') }),
    ]);
    expect(store.readRecord()).toMatchObject({ version: 6, tokens: tokenSet('second-user') });
  });

  it('after its wait ends, another tab\'s "holding" message starts no new steal timer', async () => {
    vi.useFakeTimers();
    const { crossTab, channel, locks, lockName } = connectedTab(loggedIn(5, 'current'), {
      tokens: tokenSet('current'),
    });
    const held = deferred();
    void locks.manager.request(lockName, {}, () => held.promise);
    const refreshing = crossTab.refresh({ tokens: tokenSet('current') }, new AbortController().signal, async () => ({
      tokens: tokenSet('fresh'),
      lifetime: null,
    }));
    await flush();
    held.resolve();
    await vi.advanceTimersByTimeAsync(30);
    await expect(refreshing).resolves.toMatchObject({ tokens: tokenSet('fresh') });
    expect(vi.getTimerCount()).toBe(0);

    channel.deliver(HOLDING);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('disconnecting stops listening, closes the channel and stops following the machine', () => {
    const { channel, machine, disconnect } = connectedTab(loggedIn(5, 'current'), { tokens: tokenSet('current') });
    expect(channel.listeners.size).toBe(1);
    disconnect();
    expect(channel.listeners.size).toBe(0);
    expect(channel.isClosed()).toBe(true);
    expect(machine.listeners.size).toBe(0);
  });
});
