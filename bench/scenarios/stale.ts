/**
 * Stale 401: a slow request leaves with the old token, a fast one right after; the fast one's
 * 401 triggers the refresh, the slow one's 401 arrives after the refresh is done. A client that
 * remembers which token a request used retries it with the new one; the others refresh again.
 */
import { contenders, type Transport } from '../clients.js';
import type { BenchServer } from '../benchServer.js';
import type { BenchConfig } from '../config.js';
import { count, settleWithin, sleep } from '../settle.js';

export interface StaleRow {
  contender: string;
  ok: number;
  requests: number;
  refreshCalls: number;
  reuseDetected: number;
}

/** Long enough for the slow request to reach the server (and be judged) before the fast one. */
const HEAD_START_MS = 10;

export async function runStale(server: BenchServer, transport: Transport, config: BenchConfig): Promise<StaleRow[]> {
  const rows: StaleRow[] = [];
  for (const contender of contenders) {
    const tokens = await server.freshLogin();
    const client = contender.create({ origin: server.url, tokens, transport });
    await server.expireAccessTokens();
    const slow = client.get(`/api/secret?delay=${config.staleDelay}`);
    await sleep(HEAD_START_MS);
    const fast = client.get('/api/secret');
    const { statuses } = await settleWithin([slow, fast], config.deadlineMs);
    await sleep(config.quietMs);
    client.dispose();
    const stats = await server.stats();
    rows.push({
      contender: contender.name,
      ok: count(statuses, 200),
      requests: statuses.length,
      refreshCalls: stats.refreshCalls,
      reuseDetected: stats.reuseDetected,
    });
  }
  return rows;
}
