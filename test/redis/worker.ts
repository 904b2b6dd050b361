// One server instance for the cluster tests: a real Node process with its own node-redis client,
// a session pool over tokenflight/redis and tokenflight/oauth against the test's provider. The
// test drives it over IPC: `burst` runs concurrent requests for one key, `mode` makes the next
// refresh stop where the test wants to kill or pause this process.
import { createClient } from 'redis';
import { oauth } from '../../src/oauth/index.js';
import { createRedisStore, createSessionPool } from '../../src/redis/index.js';
import { fingerprint, type FromWorker, type Outcome, type ToWorker, type WorkerMode } from './workerProtocol.js';

const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`worker: ${name} is not set`);
  return value;
};

const send = (message: FromWorker) => process.send?.(message);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const client = createClient({ url: env('REDIS_URL'), disableOfflineQueue: true });
// node-redis reconnects by itself; without a listener an 'error' event would end the process.
client.on('error', () => {});
await client.connect();
const store = createRedisStore({
  client,
  lease: Number(env('LEASE_MS')),
  commandTimeout: 1_000,
});
const op = oauth({
  issuer: env('ISSUER'),
  clientId: 'spa',
  clientMetadata: { id_token_signed_response_alg: 'ES256' },
  dpop: false,
  allowInsecureRequests: true,
});
let mode: WorkerMode = 'normal';
let holdMs = 0;
const pool = createSessionPool({
  store,
  session: () => ({
    refresh: async (context) => {
      send({ type: 'refreshing' });
      if (mode === 'holdBeforeSend') await sleep(holdMs);
      const answer = await op.refresh(context);
      send({ type: 'answered', token: fingerprint(answer.access_token) });
      if (mode === 'holdAfterAnswer') await sleep(holdMs);
      return answer;
    },
    plugins: [op],
    retry: { retries: 1, minDelay: 100, maxDelay: 200 },
    failureCooldown: 1_000,
    refreshTimeout: 5_000,
    // Refresh when a request needs a token, not ahead of expiry.
    refreshMargin: 0,
  }),
});

/** A request for the key: one that calls an API needs its token; 'session' only opens it (status page). */
async function request(key: string, needs: 'token' | 'session'): Promise<Outcome> {
  const started = performance.now();
  try {
    const token = await pool.use(key, async (session) =>
      needs === 'token' ? (await session.getToken()).accessToken : session.status,
    );
    return { ok: true, token: fingerprint(token), ms: performance.now() - started };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.name : null;
    return {
      ok: false,
      error: error instanceof Error ? error.name : 'unknown',
      cause,
      ms: performance.now() - started,
    };
  }
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'mode') {
    mode = message.mode;
    holdMs = message.holdMs;
    return;
  }
  const key = env('SESSION_KEY');
  void Promise.all(Array.from({ length: message.count }, () => request(key, message.needs))).then((outcomes) =>
    send({ type: 'burst', id: message.id, outcomes }),
  );
});
send({ type: 'ready' });
