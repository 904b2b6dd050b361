/**
 * Memory: N callers waiting for one refresh. Extra heap while they wait (after a full GC, needs
 * `--expose-gc`), the time it took to queue them, and the time from the refresh's answer until
 * the last one was released. First tokenflight's session queue itself (`getToken()` waiters),
 * then every contender with N requests held behind a refresh, on the in-process server.
 */
import { contenders, seedQuestion, type Contender, type IssuedTokens } from '../clients.js';
import type { BenchConfig } from '../config.js';
import { createInProcessServer } from '../inProcessServer.js';
import { settleWithin } from '../settle.js';
import { createAuthSession } from '../../src/session/createAuthSession.js';
import { createAuthBackend } from '../../src/testing/authBackend.js';

export interface MemoryRow {
  subject: string;
  waiters: number;
  released: number;
  /** null when the process runs without --expose-gc. */
  heapBytes: number | null;
  queueMs: number;
  releaseMs: number;
}

const ORIGIN = 'http://127.0.0.1:1'; // never dialled: the in-process server answers
const MAX_TURNS = 1_000;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function heapNow(): number | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return null;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function extraHeap(before: number | null, after: number | null): number | null {
  return before === null || after === null ? null : after - before;
}

async function sessionWaiters(count: number, deadlineMs: number): Promise<MemoryRow> {
  let answer!: (tokens: IssuedTokens) => void;
  const session = createAuthSession({
    tokens: { accessToken: 'old-access', refreshToken: 'old-refresh', expiresIn: 300 },
    maxQueue: count + 1,
    refresh: () => new Promise<IssuedTokens>((resolve) => (answer = resolve)),
  });
  const first = session.refresh();
  const before = heapNow();
  const queueStart = performance.now();
  const waits = Array.from({ length: count }, () =>
    session.getToken().then(
      () => 200,
      () => 0,
    ),
  );
  const queueMs = performance.now() - queueStart;
  const after = heapNow();
  const answeredAt = performance.now();
  answer({ accessToken: 'new-access', refreshToken: 'new-refresh', expiresIn: 300 });
  const { statuses, lastAt } = await settleWithin(waits, deadlineMs);
  await first;
  session.stop();
  return {
    subject: 'tokenflight session: getToken() waiters',
    waiters: count,
    released: statuses.filter((status) => status === 200).length,
    heapBytes: extraHeap(before, after),
    queueMs,
    releaseMs: lastAt - answeredAt,
  };
}

async function heldRequests(contender: Contender, count: number, deadlineMs: number): Promise<MemoryRow> {
  const backend = createAuthBackend({ accessTtl: 300 });
  const server = createInProcessServer(backend);
  const tokens = await backend.login('bench');
  backend.expireAccessTokens();
  const client = contender.create({ origin: ORIGIN, tokens, transport: server, maxQueue: count + 1 });
  const release = server.holdRefreshes();
  const first = client.get('/api/secret');
  for (let i = 0; i < MAX_TURNS && server.held() === 0; i++) await turn();
  if (server.held() === 0) throw new Error(`bench: ${contender.name} never started a refresh`);

  const before = heapNow();
  const queueStart = performance.now();
  const requests = Array.from({ length: count }, () => client.get('/api/secret'));
  // Requests that leave with the old token come back 401 and join the queue a few turns later.
  for (let i = 0; i < 20; i++) await turn();
  const queueMs = performance.now() - queueStart;
  const after = heapNow();

  const answeredAt = performance.now();
  release();
  const { statuses } = await settleWithin(requests, deadlineMs);
  await first;
  client.dispose();
  return {
    subject: `${contender.name}: held requests`,
    waiters: count,
    released: statuses.filter((status) => status === 200).length,
    heapBytes: extraHeap(before, after),
    queueMs,
    releaseMs: server.lastSecretAt() - answeredAt,
  };
}

export async function runMemory(config: BenchConfig): Promise<MemoryRow[]> {
  const rows = [await sessionWaiters(config.waiters, config.deadlineMs)];
  // The question's interceptor keeps no queue: every 401 is rejected at once.
  for (const contender of contenders.filter((c) => c !== seedQuestion)) {
    rows.push(await heldRequests(contender, config.waiters, config.deadlineMs));
  }
  return rows;
}
