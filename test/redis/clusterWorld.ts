// The cluster tests' (and the cluster bench's) world: a real redis-server, a real OpenID Provider (oidc-provider) and N real
// Node processes (worker.ts), each a server instance with its own Redis connection.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { createRedisStore, createSessionPool } from '../../src/redis/index.js';
import { startAuthorizationServer, type AuthorizationServer } from '../oauth/authorizationServer.js';
import { loginWithCodeFlow } from '../oauth/codeFlow.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { fingerprint, type FromWorker, type Outcome, type ToWorker, type WorkerMode } from './workerProtocol.js';

export const SESSION_KEY = 'customer:42';

export interface Worker {
  readonly pid: number;
  /** Resolves at the next message of this type. */
  next<T extends FromWorker['type']>(type: T): Promise<Extract<FromWorker, { type: T }>>;
  setMode(mode: WorkerMode, holdMs?: number): void;
  /** `count` concurrent requests for the key (by default needing its token); resolves with each one's outcome. */
  burst(count: number, needs?: 'token' | 'session'): Promise<Outcome[]>;
  signal(signal: NodeJS.Signals): void;
}

export interface Cluster {
  redis: RedisServer;
  as: AuthorizationServer;
  workers: Worker[];
  /** When the logged-in access token expires (epoch ms). */
  expiresAt: number;
  /** The record Redis holds for the key, read as a fresh instance would. */
  record(): Promise<{ version: number; state: string; token: string | null }>;
}

export interface ClusterOptions {
  processes: number;
  leaseMs: number;
  rotateRefreshTokens?: boolean;
  /** When the logged-in access token expires, from now (ms). Default -1000: it has just expired. */
  expiresIn?: number;
}

const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));
let burstIds = 0;

function startWorker(env: Record<string, string>): Promise<{ worker: Worker; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', workerPath], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const listeners = new Set<(message: FromWorker) => void>();
  child.on('message', (message: FromWorker) => listeners.forEach((listener) => listener(message)));
  const next = <T extends FromWorker['type']>(type: T) =>
    new Promise<Extract<FromWorker, { type: T }>>((resolve, reject) => {
      const onExit = () => reject(new Error(`worker ${String(child.pid)} exited before '${type}': ${stderr}`));
      const listener = (message: FromWorker) => {
        if (message.type !== type) return;
        listeners.delete(listener);
        child.off('exit', onExit);
        resolve(message as Extract<FromWorker, { type: T }>);
      };
      listeners.add(listener);
      child.once('exit', onExit);
    });
  const worker: Worker = {
    pid: child.pid ?? 0,
    next,
    setMode: (mode, holdMs = 0) => child.send({ type: 'mode', mode, holdMs } satisfies ToWorker),
    async burst(count, needs = 'token') {
      const id = ++burstIds;
      const answer = new Promise<Outcome[]>((resolve, reject) => {
        const listener = (message: FromWorker) => {
          if (message.type === 'burst' && message.id === id) {
            listeners.delete(listener);
            resolve(message.outcomes);
          }
        };
        listeners.add(listener);
        child.once('exit', () => reject(new Error(`worker ${String(child.pid)} exited during a burst: ${stderr}`)));
      });
      child.send({ type: 'burst', id, count, needs } satisfies ToWorker);
      return answer;
    },
    signal: (signal) => child.kill(signal),
  };
  return next('ready').then(() => ({ worker, child }));
}

/**
 * Starts the world and logs the key in (by default with a token that has just expired). Pushes
 * what stops each part onto `closers`, to be called in reverse order.
 */
export async function startCluster(options: ClusterOptions, closers: Array<() => unknown>): Promise<Cluster> {
  const redis = await startRedisServer();
  closers.push(() => redis.close());
  const as = await startAuthorizationServer({ accessTokenTtl: 60, rotateRefreshTokens: options.rotateRefreshTokens });
  closers.push(() => as.close());
  const login = await loginWithCodeFlow(as);

  // The app's login: through a session of its own, as the BFF's callback would.
  const client = createClient({ url: redis.url });
  client.on('error', () => {});
  await client.connect();
  // destroy, not close: close would wait for a Redis a test may have stopped.
  closers.push(() => client.destroy());
  const store = createRedisStore({ client });
  closers.push(() => store.close());
  const seeding = createSessionPool({
    store,
    session: () => ({ refresh: () => Promise.reject(new Error('the test process does not refresh')) }),
  });
  const expiresAt = Date.now() + (options.expiresIn ?? -1_000);
  await seeding.use(SESSION_KEY, (session) =>
    session.login({
      accessToken: login.access_token,
      refreshToken: login.refresh_token ?? null,
      tokenType: login.token_type,
      expiresAt,
    }),
  );
  // At once: a session whose token has expired starts a refresh, and this one must not hold the lock.
  seeding.close();

  const env = {
    REDIS_URL: redis.url,
    ISSUER: as.issuer,
    LEASE_MS: String(options.leaseMs),
    SESSION_KEY,
  };
  const started = await Promise.all(Array.from({ length: options.processes }, () => startWorker(env)));
  closers.push(() =>
    Promise.all(
      started.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              resolve();
              return;
            }
            child.once('exit', () => resolve());
            child.kill('SIGCONT');
            child.kill('SIGKILL');
          }),
      ),
    ),
  );

  const reader = await store.open(SESSION_KEY);
  closers.push(() => reader.close());
  return {
    redis,
    as,
    workers: started.map(({ worker }) => worker),
    expiresAt,
    async record() {
      const fresh = await store.open(SESSION_KEY);
      fresh.close();
      const { version, state, tokens } = fresh.record;
      return { version, state, token: tokens ? fingerprint(tokens.accessToken) : null };
    },
  };
}
