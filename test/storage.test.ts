import { describe, expect, it, vi } from 'vitest';
import { memoryStorage, tokenSetOf, webStorage, type TokenStorage } from '../src/session/storage.js';
import {
  compareRecords,
  isSharedTokenStorage,
  parseSharedRecord,
  type SharedRecord,
} from '../src/cross-tab/sharedRecord.js';
import { sharedFormOf, sharedWebStorage } from '../src/cross-tab/sharedWebStorage.js';
import type { SharedRound } from '../src/cross-tab/sharedRound.js';
import { MapStorage } from './support/mapStorage.js';
import { refreshStub } from './support/refreshStub.js';
import { refreshingSession, startSession, tokenInput, useFakeClock, useSessions } from './support/session.js';

const tokens = { accessToken: 'a', refreshToken: 'r', expiresAt: 123, tokenType: null, scope: null };

describe('storage', () => {
  it('memoryStorage holds what it is given', () => {
    const storage = memoryStorage();
    expect(storage.load()).toBeNull();
    storage.save(tokens);
    expect(storage.load()).toEqual(tokens);
    const given = memoryStorage(tokens);
    expect(given.load()).toBe(tokens);
    given.save(null);
    expect(given.load()).toBeNull();
  });

  it('webStorage round-trips, reads corrupt entries as empty, and survives a full storage', () => {
    const backing = new MapStorage();
    const storage = webStorage(backing, 'k');
    storage.save(tokens);
    expect(backing.getItem('k')).toBe(JSON.stringify(tokens));
    expect(webStorage(() => backing, 'k').load()).toEqual(tokens);
    backing.setItem('k', '{not json');
    expect(storage.load()).toBeNull();
    backing.setItem('k', JSON.stringify({ accessToken: 7 }));
    expect(storage.load()).toBeNull();
    backing.failWrites = true;
    expect(() => storage.save(tokens)).not.toThrow();
    storage.save(null);
    expect(backing.getItem('k')).toBeNull();
  });

  it('webStorage touches nothing until used', () => {
    let looked = 0;
    webStorage(() => {
      looked++;
      return new MapStorage();
    });
    expect(looked).toBe(0);
  });
});

describe('webStorage', () => {
  it('saves under the key, loads it back and removes it on null', () => {
    const backing = new MapStorage();
    const storage = webStorage(backing);
    storage.save(tokens);
    expect(backing.getItem('tokenflight')).toBe(JSON.stringify(tokens));
    expect(storage.load()).toEqual(tokens);
    storage.save(null);
    expect(backing.getItem('tokenflight')).toBeNull();
    expect(storage.load()).toBeNull();
  });

  it('looks the storage up lazily and honours a custom key', () => {
    const backing = new MapStorage();
    const lookup = vi.fn(() => backing);
    const storage = webStorage(lookup, 'mine');
    expect(lookup).not.toHaveBeenCalled();
    storage.save(tokens);
    expect(backing.getItem('mine')).not.toBeNull();
  });

  it.each([
    ['corrupt JSON', '{'],
    ['a non-object', '5'],
    ['JSON null', 'null'],
    ['no accessToken', JSON.stringify({ refreshToken: null, expiresAt: null })],
    ['a numeric refreshToken', JSON.stringify({ accessToken: 'a', refreshToken: 1, expiresAt: null })],
    ['a missing refreshToken', JSON.stringify({ accessToken: 'a', expiresAt: null })],
    ['a string expiresAt', JSON.stringify({ accessToken: 'a', refreshToken: null, expiresAt: '5' })],
    ['a missing expiresAt', JSON.stringify({ accessToken: 'a', refreshToken: null })],
  ])('reads %s as no tokens', (_, raw) => {
    expect(webStorage(new MapStorage({ tokenflight: raw })).load()).toBeNull();
  });

  it('accepts null refresh token and expiry', () => {
    const stored = { accessToken: 'a', refreshToken: null, expiresAt: null };
    // Written before tokenType and scope existed: both load as null.
    expect(webStorage(new MapStorage({ tokenflight: JSON.stringify(stored) })).load()).toEqual({
      ...stored,
      tokenType: null,
      scope: null,
    });
  });

  it('loads nothing from a stored value that is no token set: an expiry that is no number, a record of a session that is not logged in', () => {
    const load = (value: unknown) => webStorage(new MapStorage({ tokenflight: JSON.stringify(value) })).load();
    const stored = { accessToken: 'a', refreshToken: 'r', expiresAt: 5 };
    expect(load({ ...stored, expiresAt: 'soon' })).toBeNull();
    expect(load({ version: 3, writer: 'w', state: 'loggedIn', tokens: stored })).toMatchObject(stored);
    expect(load({ version: 3, writer: 'w', state: 'loggedOut', tokens: stored })).toBeNull();
    expect(load({ version: 3, writer: 'w', state: 'expired', tokens: stored })).toBeNull();
    for (const value of [null, 'a', 42]) expect(tokenSetOf(value)).toBeNull();
  });

  it('never throws when the storage does', () => {
    const broken = webStorage(() => {
      throw new Error('SecurityError');
    });
    expect(broken.load()).toBeNull();
    expect(() => broken.save(tokens)).not.toThrow();
    expect(() => broken.save(null)).not.toThrow();
  });
});

describe('a session writes through to its storage', () => {
  useFakeClock();
  const session = useSessions();

  it('restores tokens from storage and writes every change back', async () => {
    const storage = memoryStorage({
      accessToken: 'stored',
      refreshToken: 'rs',
      expiresAt: Date.now() + 600_000,
      tokenType: null,
      scope: null,
    });
    const stub = refreshStub();
    const restored = session({ refresh: stub.refresh, storage });
    expect(restored.tokens?.accessToken).toBe('stored');
    const pending = restored.refresh();
    stub.last().answer.resolve({ accessToken: 'fresh', refreshToken: 'r1', expiresIn: 60 });
    await pending;
    expect(storage.load()?.accessToken).toBe('fresh');
    restored.logout();
    expect(storage.load()).toBeNull();
  });

  it('stores tokens as they change and clears them on logout', () => {
    const storage = memoryStorage();
    const { session: s } = refreshingSession({ storage });
    s.login(tokenInput());
    expect(storage.load()).toMatchObject({ accessToken: 'a1' });
    s.logout();
    expect(storage.load()).toBeNull();
  });

  it('stores each new token set once, not on every status change', async () => {
    const storage = memoryStorage();
    const save = vi.spyOn(storage, 'save');
    const user = startSession({ refresh: async () => tokenInput('a2'), storage });
    user.login(tokenInput('a1'));
    await user.refresh();
    user.logout();
    expect(save.mock.calls.map(([t]) => t?.accessToken ?? null)).toEqual(['a1', 'a2', null]);
  });

  it('saves only when the tokens change, not on heartbeats', () => {
    const storage = memoryStorage();
    const save = vi.spyOn(storage, 'save');
    const user = startSession({
      refresh: async () => tokenInput('a2'),
      storage,
      heartbeat: async () => true,
      heartbeatInterval: 10,
    });
    user.login(tokenInput('a1'));
    user.logout();
    expect(save.mock.calls.map(([t]) => t?.accessToken ?? null)).toEqual(['a1', null]);
  });
});

const loggedIn: SharedRecord = { version: 3, writer: 'tab-a', state: 'loggedIn', tokens, lifetime: 60_000 };
const loggedOut: SharedRecord = { version: 4, writer: 'tab-a', state: 'loggedOut', tokens: null, lifetime: null };
const round: SharedRound = {
  kind: 'tokenflight:round',
  base: { version: 3, writer: 'tab-a' },
  seq: 1,
  writer: 'tab-a',
  failures: 1,
  retryAt: 5_000,
  cooldownUntil: null,
  cause: { name: 'Error', message: 'down' },
};

describe('parseSharedRecord (records from storage and from other tabs)', () => {
  it('loads records written before tokenType and scope existed, with both null', () => {
    const old = { ...loggedIn, tokens: { accessToken: 'a', refreshToken: 'r', expiresAt: 5 } };
    expect(parseSharedRecord(old)?.tokens).toEqual({
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: 5,
      tokenType: null,
      scope: null,
    });
    expect(parseSharedRecord({ ...loggedIn, tokens: { ...tokens, tokenType: 1 } })).toBeNull();
    expect(parseSharedRecord({ ...loggedIn, tokens: { ...tokens, scope: ['read'] } })).toBeNull();
  });

  it('accepts well-formed records, version 0 and a null refresh token or expiry included', () => {
    expect(parseSharedRecord(loggedIn)).toEqual(loggedIn);
    expect(parseSharedRecord(loggedOut)).toEqual(loggedOut);
    const first = {
      ...loggedIn,
      version: 0,
      tokens: { accessToken: 'a', refreshToken: null, expiresAt: null, tokenType: 'DPoP', scope: 'read' },
    };
    expect(parseSharedRecord(first)).toEqual(first);
    expect(parseSharedRecord({ ...loggedOut, state: 'expired' })).toEqual({ ...loggedOut, state: 'expired' });
  });

  it('returns null, never throws, for anything that is not an object', () => {
    for (const value of [null, undefined, 'record', 7]) expect(parseSharedRecord(value)).toBeNull();
  });

  it.each([
    ['a negative version', { ...loggedIn, version: -1 }],
    ['a fractional version', { ...loggedIn, version: 1.5 }],
    ['a version past the safe integers', { ...loggedIn, version: 2 ** 53 }],
    ['a version in a string', { ...loggedIn, version: '3' }],
    ['a writer that is not a string', { ...loggedIn, writer: 5 }],
    ['an unknown state', { ...loggedIn, state: 'sleeping' }],
    ['an infinite lifetime', { ...loggedIn, lifetime: Infinity }],
    ['a lifetime in a string', { ...loggedIn, lifetime: '60000' }],
    ['logged in without tokens', { ...loggedIn, tokens: null }],
    ['logged in with tokens that are not a token set', { ...loggedIn, tokens: 'a' }],
    ['logged in with a numeric access token', { ...loggedIn, tokens: { ...tokens, accessToken: 1 } }],
    ['logged in with a numeric refresh token', { ...loggedIn, tokens: { ...tokens, refreshToken: 1 } }],
    ['logged in with an infinite expiry', { ...loggedIn, tokens: { ...tokens, expiresAt: Infinity } }],
    ['logged in with an expiry in a string', { ...loggedIn, tokens: { ...tokens, expiresAt: '123' } }],
    // A logout leaves a tombstone: a record that says logged out but carries tokens is not one.
    ['logged out but carrying tokens', { ...loggedOut, tokens }],
  ])('rejects %s', (_, value) => {
    expect(parseSharedRecord(value)).toBeNull();
  });

  it('keeps only the token fields, so nothing extra another tab sent is adopted', () => {
    const parsed = parseSharedRecord({ ...loggedIn, tokens: { ...tokens, idToken: 'extra' }, extra: true });
    expect(parsed).toStrictEqual(loggedIn);
  });
});

describe('compareRecords', () => {
  it('orders by version, then by writer, and calls a record equal only to itself', () => {
    expect(compareRecords(loggedOut, loggedIn)).toBeGreaterThan(0);
    expect(compareRecords(loggedIn, loggedOut)).toBeLessThan(0);
    const fromB = { ...loggedIn, writer: 'tab-b' };
    expect(compareRecords(fromB, loggedIn)).toBe(1);
    expect(compareRecords(loggedIn, fromB)).toBe(-1);
    expect(compareRecords(loggedIn, { ...loggedIn })).toBe(0);
    // Every tab sorting the same records picks the same winner, whatever order it saw them in.
    expect([fromB, loggedIn, loggedOut].sort(compareRecords)).toEqual([loggedIn, fromB, loggedOut]);
    expect([loggedOut, loggedIn, fromB].sort(compareRecords)).toEqual([loggedIn, fromB, loggedOut]);
  });
});

describe('sharedWebStorage records', () => {
  it('is the shared form of a webStorage on the same key; a memoryStorage has none', () => {
    const backing = new MapStorage();
    const shared = sharedFormOf(webStorage(backing, 'k'))!;
    expect(shared.writeRecord(loggedIn)).toBe(true);
    expect(sharedWebStorage(backing, 'k').readRecord()).toEqual(loggedIn);
    expect(sharedFormOf(shared)).toBe(shared);
    expect(sharedFormOf(memoryStorage())).toBeUndefined();
  });

  it('leaves a record that a one-tab webStorage reads: its tokens when logged in, none after a logout', () => {
    const backing = new MapStorage();
    const shared = sharedWebStorage(backing, 'k');
    shared.writeRecord(loggedIn);
    expect(webStorage(backing, 'k').load()).toEqual(tokens);
    shared.writeRecord(loggedOut);
    expect(webStorage(backing, 'k').load()).toBeNull();
  });

  it('is a shared storage; a storage with only one of readRecord and writeRecord is not', () => {
    expect(isSharedTokenStorage(sharedWebStorage(new MapStorage()))).toBe(true);
    expect(isSharedTokenStorage(memoryStorage())).toBe(false);
    const readRecord = () => null;
    const writeRecord = () => true;
    const withOnly = (extra: object): TokenStorage => ({ ...memoryStorage(), ...extra });
    expect(isSharedTokenStorage(withOnly({ readRecord }))).toBe(false);
    expect(isSharedTokenStorage(withOnly({ writeRecord }))).toBe(false);
    expect(isSharedTokenStorage(withOnly({ readRecord, writeRecord }))).toBe(true);
  });

  it('reads a bare token set (written by save) as logged in at version 0 from no writer, so any record outranks it', () => {
    const backing = new MapStorage();
    const storage = sharedWebStorage(backing, 'k');
    expect(storage.readRecord()).toBeNull();
    storage.save(tokens);
    expect(storage.readRecord()).toEqual({ version: 0, writer: '', state: 'loggedIn', tokens, lifetime: null });
    const firstRecord: SharedRecord = { ...loggedIn, version: 0, writer: 'tab-a' };
    expect(storage.writeRecord(firstRecord)).toBe(true);
    expect(storage.readRecord()).toEqual(firstRecord);
  });

  it('reads corrupt or malformed entries as no record, and load() gives tokens only when logged in', () => {
    const backing = new MapStorage();
    const storage = sharedWebStorage(backing, 'k');
    backing.setItem('k', '{not json');
    expect(storage.readRecord()).toBeNull();
    backing.setItem('k', JSON.stringify({ ...loggedIn, version: -1 }));
    expect(storage.readRecord()).toBeNull();
    expect(storage.load()).toBeNull();
    backing.setItem('k', JSON.stringify(loggedIn));
    expect(storage.load()).toEqual(tokens);
    backing.setItem('k', JSON.stringify(loggedOut));
    expect(storage.load()).toBeNull();
  });

  it('refuses to write over the same record again, and reports a full storage as not written', () => {
    const backing = new MapStorage();
    const storage = sharedWebStorage(backing, 'k');
    expect(storage.writeRecord(loggedIn)).toBe(true);
    expect(storage.writeRecord({ ...loggedIn })).toBe(false);
    backing.failWrites = true;
    expect(storage.writeRecord(loggedOut)).toBe(false);
    expect(storage.readRecord()).toEqual(loggedIn);
  });

  it('without a key, uses the same default key as webStorage, so a one-tab session and crossTab find the same tokens', () => {
    const backing = new MapStorage();
    sharedWebStorage(backing).writeRecord(loggedIn);
    expect(JSON.parse(backing.getItem('tokenflight')!)).toEqual(loggedIn);
    expect(webStorage(backing).load()).toEqual(tokens);
  });

  it('keeps the failing round beside the record under `<key>:round`: a token write leaves it, and another tab reads it', () => {
    const backing = new MapStorage();
    const storage = sharedWebStorage(backing, 'k');
    expect(storage.readRound!()).toBeNull();
    storage.writeRound!(round);
    storage.writeRecord(loggedIn);
    expect(JSON.parse(backing.getItem('k:round')!)).toEqual(round);
    expect(sharedWebStorage(backing, 'k').readRound!()).toEqual(round);
  });

  it('reads a corrupt round entry as no round, and a full storage loses the round without throwing', () => {
    const backing = new MapStorage({ 'k:round': '{not json' });
    const storage = sharedWebStorage(backing, 'k');
    expect(storage.readRound!()).toBeNull();
    backing.failWrites = true;
    expect(() => storage.writeRound!(round)).not.toThrow();
  });

  it('only a webStorage (an area() and a key) has a shared form: a storage with just one of them has none', () => {
    const backing = new MapStorage();
    const withOnly = (extra: object): TokenStorage => ({ ...memoryStorage(), ...extra });
    expect(sharedFormOf(withOnly({ area: () => backing }))).toBeUndefined();
    expect(sharedFormOf(withOnly({ key: 'k' }))).toBeUndefined();
    expect(sharedFormOf(withOnly({ area: () => backing, key: 'k' }))).toBeDefined();
  });
});
