// tokenflight/redis in one process against a real redis-server: fencing, lock ownership,
// encryption at rest, the pool's bounds and the options' checks.
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuthSession, type AuthSession } from 'tokenflight';
import { createRedisStore, createSessionPool, type RedisStore } from 'tokenflight/redis';
import { redisCommands } from '../../src/redis/redisCommands.js';
import { deferred } from '../support/deferred.js';
import { freePort, startRedisServer, type RedisServer } from '../support/redisServer.js';

let redis: RedisServer;
const clients: Array<{ destroy(): void }> = [];
const closers: Array<() => void> = [];

beforeAll(async () => {
  redis = await startRedisServer();
});
afterEach(() => {
  for (const close of closers.splice(0).reverse()) close();
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await redis.close();
});

async function connect() {
  const client = createClient({ url: redis.url, disableOfflineQueue: true });
  client.on('error', () => {});
  await client.connect();
  clients.push(client);
  return client;
}

async function store(options: Partial<Parameters<typeof createRedisStore>[0]> = {}): Promise<RedisStore> {
  const created = createRedisStore({ client: await connect(), ...options });
  closers.push(() => created.close());
  return created;
}

let keys = 0;
const freshKey = () => `user:${++keys}`;

/** A session for `key` on `on`; `refresh` answers its refreshes. */
async function sessionOn(
  on: RedisStore,
  key: string,
  refresh: () => Promise<{ accessToken: string; refreshToken: string }>,
) {
  const shared = await on.open(key);
  const session = createAuthSession({ refresh, plugins: [shared.plugin()], refreshMargin: 0 });
  closers.push(() => {
    session.stop();
    shared.close();
  });
  return { session, shared };
}

async function logIn(on: RedisStore, key: string, accessToken: string): Promise<void> {
  const { session, shared } = await sessionOn(on, key, () => Promise.reject(new Error('no refresh here')));
  session.login({ accessToken, refreshToken: `rt-of-${accessToken}`, expiresAt: Date.now() + 60_000 });
  await shared.flush();
}

describe('tokenflight/redis records and locks', () => {
  it('fencing: a holder whose lease ran out cannot overwrite the newer record with its late answer', async () => {
    const [first, second] = [await store({ lease: 60_000 }), await store({ lease: 60_000 })];
    const key = freshKey();
    await logIn(first, key, 'at-1');
    const late = deferred<{ accessToken: string; refreshToken: string }>();
    const started = deferred();
    const a = await sessionOn(first, key, () => {
      started.resolve();
      return late.promise;
    });
    const b = await sessionOn(second, key, () => Promise.resolve({ accessToken: 'at-B', refreshToken: 'rt-B' }));

    const aRefresh = a.session.refresh();
    await started.promise;
    // A's lease runs out (as when its process stalls): the lock disappears under it.
    const client = await connect();
    expect(await client.del(`tokenflight:{${key}}:lock`)).toBe(1);
    await expect(b.session.refresh()).resolves.toMatchObject({ accessToken: 'at-B' });
    late.resolve({ accessToken: 'at-A', refreshToken: 'rt-A' });

    // A's write is refused; A takes the newer tokens instead of its own.
    await expect(aRefresh).resolves.toMatchObject({ accessToken: 'at-B' });
    const reader = await first.open(key);
    expect(reader.record).toMatchObject({ version: 2, state: 'loggedIn', tokens: { accessToken: 'at-B' } });
    reader.close();
  });

  it('a lock is released only by its owner (compare-and-delete), extended only by its owner', async () => {
    const client = await connect();
    const commands = redisCommands(client, 1_000);
    expect(await commands.acquire('lock:a', 'owner-1', 10_000)).toBe(true);
    expect(await commands.acquire('lock:a', 'owner-2', 10_000)).toBe(false);
    await commands.release('lock:a', 'owner-2');
    expect(await commands.extend('lock:a', 'owner-2', 10_000)).toBe(false);
    expect(await client.get('lock:a')).toBe('owner-1');
    expect(await commands.extend('lock:a', 'owner-1', 20_000)).toBe(true);
    expect(await client.pTTL('lock:a')).toBeGreaterThan(10_000);
    await commands.release('lock:a', 'owner-1');
    expect(await client.get('lock:a')).toBeNull();
  });

  it('another instance holding the key sees a login, a refresh and a logout at once (notices)', async () => {
    const [first, second] = [await store(), await store()];
    const key = freshKey();
    const a = await sessionOn(first, key, () => Promise.resolve({ accessToken: 'at-2', refreshToken: 'rt-2' }));
    const b = await sessionOn(second, key, () => Promise.reject(new Error('b never refreshes')));
    const seen: Array<string | null> = [];
    b.session.subscribe(({ tokens }) => seen.push(tokens?.accessToken ?? null));

    a.session.login({ accessToken: 'at-1', refreshToken: 'rt-1', expiresAt: Date.now() + 60_000 });
    await expect.poll(() => b.session.tokens?.accessToken).toBe('at-1');
    await a.session.refresh();
    await expect.poll(() => b.session.tokens?.accessToken).toBe('at-2');
    a.session.logout();
    await expect.poll(() => b.session.status).toBe('loggedOut');
    expect(seen).toEqual([null, 'at-1', 'at-2', null]);
  });

  it('encrypts records at rest with the app key: no token in Redis, unreadable with another key', async () => {
    const keyOf = () =>
      crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'AES-GCM', false, [
        'encrypt',
        'decrypt',
      ]);
    const encryptionKey = await keyOf();
    const sealed = await store({ encryptionKey });
    const key = freshKey();
    await logIn(sealed, key, 'at-secret-1');

    const raw = await (await connect()).hGetAll(`tokenflight:{${key}}:record`);
    expect(raw.v).toBe('1');
    expect(JSON.stringify(raw)).not.toContain('at-secret-1');
    expect((await (await store({ encryptionKey })).open(key)).record.tokens?.accessToken).toBe('at-secret-1');
    const other = await (await store({ encryptionKey: await keyOf() })).open(key);
    expect(other.record).toMatchObject({ version: 1, state: 'loggedOut', tokens: null });
  });

  it('a store whose Redis cannot be reached fails to open a key with RedisUnavailableError within the bound', async () => {
    const unreachable = createClient({ url: `redis://127.0.0.1:${await freePort()}`, disableOfflineQueue: true });
    unreachable.on('error', () => {});
    const cut = createRedisStore({ client: unreachable, commandTimeout: 300 });
    closers.push(() => cut.close());
    const started = Date.now();
    await expect(cut.open(freshKey())).rejects.toMatchObject({ name: 'RedisUnavailableError' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses bad options at creation', async () => {
    const client = await connect();
    expect(() => createRedisStore({ client, lease: -1 })).toThrow(
      'tokenflight: redis lease must be a number >= 10, got -1',
    );
    expect(() => createRedisStore({ client: {} as never })).toThrow(
      /tokenflight: redis client must be a node-redis client/,
    );
    const extractable = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
    expect(() => createRedisStore({ client, encryptionKey: extractable })).toThrow(
      'tokenflight: redis encryptionKey must be a non-extractable AES-GCM CryptoKey for encrypt and decrypt, got AES-GCM key (extractable: true)',
    );
    const valid = await store();
    expect(() =>
      createSessionPool({
        store: valid,
        session: () => ({ refresh: async () => ({ accessToken: 'x' }) }),
        maxSessions: 0,
      }),
    ).toThrow('tokenflight: pool maxSessions must be a number >= 1, got 0');
  });
});

describe('createSessionPool', () => {
  function pool(
    on: RedisStore,
    options: { maxSessions?: number; idleTimeout?: number; maxKeys?: number; now?: () => number } = {},
  ) {
    let created = 0;
    const sessions = createSessionPool({
      store: on,
      session: () => {
        created += 1;
        return { refresh: () => Promise.reject(new Error('no refresh here')) };
      },
      ...options,
    });
    closers.push(() => sessions.close());
    return { sessions, created: () => created };
  }

  it('shares one session between concurrent requests for a key', async () => {
    const { sessions, created } = pool(await store());
    const key = freshKey();
    const seen = await Promise.all(Array.from({ length: 20 }, () => sessions.use(key, (session) => session)));
    expect(new Set(seen).size).toBe(1);
    expect(created()).toBe(1);
  });

  it('stays within maxSessions, evicting the least recently used idle session, never one in use', async () => {
    const { sessions } = pool(await store(), { maxSessions: 3 });
    const held = deferred();
    const busyKey = freshKey();
    let busy: AuthSession | null = null;
    const inUse = sessions.use(busyKey, async (session) => {
      busy = session;
      await held.promise;
    });
    for (let i = 0; i < 10; i++) await sessions.use(freshKey(), () => undefined);
    expect(sessions.size).toBe(3);
    held.resolve();
    await inUse;
    // The busy session survived every sweep.
    expect(await sessions.use(busyKey, (session) => session)).toBe(busy);
  });

  it('forgets the least recently used keys beyond maxKeys', async () => {
    const { sessions } = pool(await store(), { maxSessions: 2, maxKeys: 5 });
    for (let i = 0; i < 12; i++) await sessions.use(freshKey(), () => undefined);
    expect(sessions.size).toBe(2);
    expect(sessions.keys).toBe(5);
  });

  it('a key whose session was stopped still follows its record: the next session starts from the newest tokens', async () => {
    const [here, there] = [await store(), await store()];
    const { sessions } = pool(here, { maxSessions: 1 });
    const key = freshKey();
    await sessions.use(key, (session) =>
      session.login({ accessToken: 'at-1', refreshToken: 'rt-1', expiresAt: Date.now() + 60_000 }),
    );
    await sessions.use(freshKey(), () => undefined);
    expect(sessions.size).toBe(1);
    const other = await sessionOn(there, key, () => Promise.resolve({ accessToken: 'at-2', refreshToken: 'rt-2' }));
    await other.session.refresh();
    await expect.poll(() => sessions.use(key, (session) => session.tokens?.accessToken)).toBe('at-2');
  });

  it('evicts sessions idle past idleTimeout at the next use, with no timer of its own', async () => {
    let clock = 1_000_000;
    const { sessions, created } = pool(await store(), { idleTimeout: 60_000, now: () => clock });
    const [a, b] = [freshKey(), freshKey()];
    const first = await sessions.use(a, (session) => session);
    await sessions.use(b, () => undefined);
    clock += 61_000;
    await sessions.use(b, () => undefined);
    expect(sessions.size).toBe(1);
    expect(first.status).toBe('loggedOut');
    expect(await sessions.use(a, (session) => session)).not.toBe(first);
    expect(created()).toBe(3);
  });
});
