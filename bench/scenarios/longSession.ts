/**
 * Long session: 24 simulated hours, 5-minute access tokens, one request a second, on a fake
 * clock against the in-process server (86 400 real round trips per contender would take minutes
 * and measure nothing more). Counts what the server saw: 401s and refresh calls.
 */
import { contenders } from '../clients.js';
import type { BenchConfig } from '../config.js';
import { installFakeClock } from '../fakeClock.js';
import { createInProcessServer } from '../inProcessServer.js';
import { createAuthBackend } from '../../src/testing/authBackend.js';

export interface LongSessionRow {
  contender: string;
  seconds: number;
  failed: number;
  unauthorized: number;
  refreshCalls: number;
  reuseDetected: number;
}

const ACCESS_TTL_S = 300;
const ORIGIN = 'http://127.0.0.1:1'; // never dialled: the in-process server answers
/** In process nothing waits on I/O, so a request still open after this many turns is stuck. */
const MAX_TURNS = 1_000;

async function settledInProcess(request: Promise<number>): Promise<number | null> {
  // A holder, not a `let`: the callback's write is invisible to the loop condition's narrowing.
  const settled: { status?: number } = {};
  void request.then((value) => {
    settled.status = value;
  });
  for (let turn = 0; turn < MAX_TURNS && settled.status === undefined; turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return settled.status ?? null;
}

export async function runLongSession(config: BenchConfig): Promise<LongSessionRow[]> {
  const rows: LongSessionRow[] = [];
  for (const contender of contenders) {
    const clock = installFakeClock(Date.UTC(2026, 0, 1));
    try {
      const backend = createAuthBackend({ accessTtl: ACCESS_TTL_S, now: clock.now });
      const server = createInProcessServer(backend);
      const tokens = await backend.login('bench');
      const client = contender.create({ origin: ORIGIN, tokens, transport: server, now: clock.now });
      let failed = 0;
      for (let second = 0; second < config.longSessionSeconds; second++) {
        await clock.advance(1_000);
        if ((await settledInProcess(client.get('/api/secret'))) !== 200) failed += 1;
      }
      client.dispose();
      const stats = backend.stats();
      rows.push({
        contender: contender.name,
        seconds: config.longSessionSeconds,
        failed,
        unauthorized: stats.unauthorized,
        refreshCalls: stats.refreshCalls,
        reuseDetected: stats.reuseDetected,
      });
    } finally {
      clock.uninstall();
    }
  }
  return rows;
}
