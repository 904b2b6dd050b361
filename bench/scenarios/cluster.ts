/**
 * tokenflight/redis on a real redis-server: N processes × M concurrent requests for one key after
 * expiry (refresh grants at oidc-provider), the latency a warm pooled session adds to a request
 * over plain fetch on loopback, and the heap of many idle keys in one pool (after a full GC, needs
 * `--expose-gc`). Skipped, with a note, where Debian's redis-server is not installed.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'redis';
import type { BenchConfig } from '../config.js';
import { createAuthFetch } from '../../src/fetch/createAuthFetch.js';
import { createRedisStore, createSessionPool } from '../../src/redis/index.js';
import { startCluster } from '../../test/redis/clusterWorld.js';

export interface ClusterRow {
  processes: number;
  requestsPerProcess: number;
  ok: number;
  refreshGrants: number;
  reuseDetected: number;
  /** Warm requests measured, each way. */
  warmRequests: number;
  plainP50Ms: number;
  plainP99Ms: number;
  pooledP50Ms: number;
  pooledP99Ms: number;
  idleKeys: number;
  /** null without --expose-gc. */
  idleHeapBytes: number | null;
  /** Live sessions among the idle keys (0: every idle session was stopped, its key kept). */
  liveSessions: number;
  /** The pool's keys after opening `idleKeys` + 10 % keys with `maxKeys: idleKeys`. */
  keysAfterOverflow: number;
}

export type ClusterResult = { row: ClusterRow } | { skipped: string };

const REDIS_SERVER = '/usr/bin/redis-server';

function heapNow(): number | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return null;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs `work` over `items`, `concurrency` at a time. */
async function inBatches<T>(items: T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let index = 0; index < items.length; index += concurrency) {
    await Promise.all(items.slice(index, index + concurrency).map(work));
  }
}

export async function runCluster(config: BenchConfig, log: (line: string) => void): Promise<ClusterResult> {
  if (!existsSync(REDIS_SERVER)) return { skipped: `no ${REDIS_SERVER}` };
  const closers: Array<() => unknown> = [];
  try {
    const processes = config.quick ? 2 : 4;
    const requestsPerProcess = config.quick ? 10 : 50;
    log(`cluster: ${processes} processes × ${requestsPerProcess} requests…`);
    const cluster = await startCluster({ processes, leaseMs: 5_000 }, closers);
    const outcomes = (await Promise.all(cluster.workers.map((worker) => worker.burst(requestsPerProcess)))).flat();

    // The warm path: a pooled session with a valid token against a loopback API, next to plain fetch.
    log('cluster: warm latency…');
    const api = createServer((_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => api.close(resolve)));
    const origin = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    const client = createClient({ url: cluster.redis.url, disableOfflineQueue: true });
    client.on('error', () => {});
    await client.connect();
    closers.push(() => client.destroy());
    const store = createRedisStore({ client });
    closers.push(() => store.close());
    const session = () => ({
      refresh: () => Promise.reject(new Error('the bench never refreshes')),
      refreshMargin: 0,
    });
    const pool = createSessionPool({ store, session });
    closers.push(() => pool.close());
    const tokens = { accessToken: 'bench-token', refreshToken: 'bench-refresh', expiresIn: 3_600 };
    await pool.use('warm', (warm) => warm.login(tokens));
    const plain = async () =>
      (await fetch(`${origin}/data`, { headers: { authorization: 'Bearer bench-token' } })).text();
    const pooled = () =>
      pool.use('warm', async (session) =>
        (await createAuthFetch(session, { origins: [origin] })(`${origin}/data`)).text(),
      );
    const warmRequests = config.quick ? 200 : 3_000;
    const plainMs: number[] = [];
    const pooledMs: number[] = [];
    for (let index = 0; index < 200; index++) await Promise.all([plain(), pooled()]);
    for (let index = 0; index < warmRequests; index++) {
      // Interleaved, so both see the same moments of a shared machine.
      for (const [run, times] of index % 2
        ? ([
            [plain, plainMs],
            [pooled, pooledMs],
          ] as const)
        : ([
            [pooled, pooledMs],
            [plain, plainMs],
          ] as const)) {
        const started = performance.now();
        await run();
        times.push(performance.now() - started);
      }
    }

    const idleKeys = config.quick ? 1_000 : 10_000;
    log(`cluster: ${idleKeys} idle keys…`);
    const keys = Array.from({ length: idleKeys }, (_, index) => `idle:${index}`);
    // Logged in, each with its own tokens, as a server's customers are.
    const seeding = createSessionPool({ store, session, maxSessions: 1, idleTimeout: 0 });
    await inBatches(keys, 200, (key) =>
      seeding.use(key, (seeded) => seeded.login({ ...tokens, accessToken: `token-of-${key}` })),
    );
    seeding.close();
    // close() lets go of the keys a moment later: wait, or the seeding's keys count in `before`.
    await new Promise((resolve) => setImmediate(resolve));
    // Idle: every session stopped right after its use; the keys (records, kept current) stay.
    const idle = createSessionPool({ store, session, maxKeys: idleKeys, idleTimeout: 0 });
    closers.push(() => idle.close());
    const before = heapNow();
    await inBatches(keys, 200, (key) => idle.use(key, () => undefined));
    // The last batch was in use during its own sweeps: the next use stops those sessions.
    await idle.use(keys[0] ?? 'idle:0', () => undefined);
    const after = heapNow();
    const liveSessions = idle.size;
    await inBatches(
      Array.from({ length: idleKeys / 10 }, (_, index) => `overflow:${index}`),
      200,
      (key) => idle.use(key, () => undefined),
    );
    return {
      row: {
        processes,
        requestsPerProcess,
        ok: outcomes.filter((outcome) => outcome.ok).length,
        refreshGrants: cluster.as.counters.refreshGrants,
        reuseDetected: cluster.as.counters.reuseDetected,
        warmRequests,
        plainP50Ms: percentile(plainMs, 50),
        plainP99Ms: percentile(plainMs, 99),
        pooledP50Ms: percentile(pooledMs, 50),
        pooledP99Ms: percentile(pooledMs, 99),
        idleKeys,
        idleHeapBytes: before === null || after === null ? null : after - before,
        liveSessions,
        keysAfterOverflow: idle.keys,
      },
    };
  } finally {
    for (const close of closers.reverse()) await close();
  }
}
