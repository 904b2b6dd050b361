/**
 * Burst: N concurrent requests whose token the server has expired. Per contender: how many
 * succeed, how many refreshes the server saw, and the time until the last request settled as a
 * ratio to the floor — what any client needs at least: one round of 401s, one refresh, one
 * round of successful requests, sent by the plain client of the same transport in the same run.
 */
import axios from 'axios';
import {
  contenders,
  plainFor,
  tokenflight,
  type Contender,
  type IssuedTokens,
  type Transport,
  type TransportKind,
} from '../clients.js';
import type { BenchServer, ServerStats } from '../benchServer.js';
import type { BenchConfig } from '../config.js';
import { count, HUNG, median, settleWithin, sleep } from '../settle.js';

export interface BurstRow {
  contender: string;
  kind: TransportKind;
  n: number;
  ok: number;
  hung: number;
  refreshCalls: number;
  reuseDetected: number;
  unauthorized: number;
  ms: number;
  floorMs: number;
}

interface Run {
  ok: number;
  hung: number;
  stats: ServerStats;
  ms: number;
}

const EXPIRY_KNOWN: Contender = { ...tokenflight, name: 'tokenflight, expiry known to the client' };

async function plainRefresh(
  kind: TransportKind,
  transport: Transport,
  origin: string,
  refreshToken: string,
): Promise<IssuedTokens> {
  if (kind === 'fetch') {
    const response = await transport.fetch(`${origin}/api/refresh`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    return (await response.json()) as IssuedTokens;
  }
  const response = await axios.post<IssuedTokens>(`${origin}/api/refresh`, { refreshToken }, transport.axios);
  return response.data;
}

async function fanOut(client: { get(path: string): Promise<number> }, n: number, deadlineMs: number) {
  const started = performance.now();
  const { statuses, lastAt } = await settleWithin(
    Array.from({ length: n }, () => client.get('/api/secret')),
    deadlineMs,
  );
  return { statuses, ms: lastAt - started };
}

async function floorRun(
  server: BenchServer,
  transport: Transport,
  kind: TransportKind,
  n: number,
  config: BenchConfig,
): Promise<number> {
  const tokens = await server.freshLogin();
  await server.expireAccessTokens();
  const plain = plainFor[kind];
  const stale = plain.create({ origin: server.url, tokens, transport });
  const started = performance.now();
  await fanOut(stale, n, config.deadlineMs);
  const fresh = await plainRefresh(kind, transport, server.url, tokens.refreshToken);
  const renewed = plain.create({ origin: server.url, tokens: fresh, transport });
  const { statuses } = await fanOut(renewed, n, config.deadlineMs);
  const ms = performance.now() - started;
  stale.dispose();
  renewed.dispose();
  if (count(statuses, 200) !== n)
    throw new Error(`bench: the ${kind} floor run failed (${count(statuses, 200)}/${n} ok)`);
  return ms;
}

async function contenderRun(
  server: BenchServer,
  transport: Transport,
  contender: Contender,
  n: number,
  config: BenchConfig,
): Promise<Run> {
  const tokens = await server.freshLogin();
  const client = contender.create({
    origin: server.url,
    tokens,
    transport,
    expiredOnClient: contender === EXPIRY_KNOWN,
    // A user who expects N concurrent requests raises the guard against runaway queues to N.
    maxQueue: Math.max(1_000, n),
  });
  await server.expireAccessTokens();
  const { statuses, ms } = await fanOut(client, n, config.deadlineMs);
  await sleep(config.quietMs); // the seed question's retries run on after the caller gave up
  client.dispose();
  return { ok: count(statuses, 200), hung: count(statuses, HUNG), stats: await server.stats(), ms };
}

export async function runBurst(
  server: BenchServer,
  transport: Transport,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<BurstRow[]> {
  const rows: BurstRow[] = [];
  const field = [contenders[0]!, EXPIRY_KNOWN, ...contenders.slice(1)];
  // One untimed round first: the first runs of each code path are JIT warm-up, not the library.
  const warmup = 100;
  for (const kind of ['fetch', 'axios'] as const) await floorRun(server, transport, kind, warmup, config);
  for (const contender of field) await contenderRun(server, transport, contender, warmup, config);

  for (const n of config.burstSizes) {
    const repeats =
      n <= 100 ? config.burstRepeatsUpTo100 : n > 1_000 ? config.burstRepeatsAbove1000 : config.burstRepeats;
    const floors: Record<TransportKind, number[]> = { fetch: [], axios: [] };
    const runs = new Map<Contender, Run[]>(field.map((contender) => [contender, []]));
    // Interleaved repeats: a slow moment on the shared machine hits every contender alike.
    for (let repeat = 0; repeat < repeats; repeat++) {
      for (const kind of ['fetch', 'axios'] as const)
        floors[kind].push(await floorRun(server, transport, kind, n, config));
      for (const contender of field)
        runs.get(contender)!.push(await contenderRun(server, transport, contender, n, config));
    }
    for (const contender of field) {
      const all = runs.get(contender)!;
      const last = all[all.length - 1]!;
      const row: BurstRow = {
        contender: contender.name,
        kind: contender.kind,
        n,
        ok: median(all.map((run) => run.ok)),
        hung: median(all.map((run) => run.hung)),
        refreshCalls: median(all.map((run) => run.stats.refreshCalls)),
        reuseDetected: median(all.map((run) => run.stats.reuseDetected)),
        unauthorized: last.stats.unauthorized,
        ms: median(all.map((run) => run.ms)),
        floorMs: median(floors[contender.kind]),
      };
      rows.push(row);
      log(
        `burst N=${n} ${row.contender}: ${row.ok}/${n} ok, ${row.refreshCalls} refresh, ${(row.ms / row.floorMs).toFixed(2)}x floor`,
      );
    }
  }
  return rows;
}
