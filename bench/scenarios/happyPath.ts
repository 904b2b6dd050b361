/**
 * Happy path: a valid token, one request at a time. Each contender is paired with the plain
 * client of its transport, the two alternate (in random order per pair) so noise on the shared
 * machine hits both, and the ratio of the medians is the per-request overhead.
 */
import { contenders, plainFor, type Transport } from '../clients.js';
import type { BenchServer } from '../benchServer.js';
import type { BenchConfig } from '../config.js';
import { median } from '../settle.js';

export interface HappyRow {
  contender: string;
  base: string;
  medianMs: number;
  baseMedianMs: number;
}

const WARMUP = 50;

async function timed(get: () => Promise<number>): Promise<number> {
  const started = performance.now();
  const status = await get();
  const ms = performance.now() - started;
  if (status !== 200) throw new Error(`bench: happy-path request answered ${status}`);
  return ms;
}

export async function runHappyPath(
  server: BenchServer,
  transport: Transport,
  config: BenchConfig,
): Promise<HappyRow[]> {
  const rows: HappyRow[] = [];
  for (const contender of contenders) {
    const tokens = await server.freshLogin();
    const plain = plainFor[contender.kind];
    const client = contender.create({ origin: server.url, tokens, transport });
    const base = plain.create({ origin: server.url, tokens, transport });
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < WARMUP + config.happyRequests; i++) {
      const contenderFirst = Math.random() < 0.5;
      const first = await timed(() => (contenderFirst ? client : base).get('/api/secret'));
      const second = await timed(() => (contenderFirst ? base : client).get('/api/secret'));
      if (i < WARMUP) continue;
      ours.push(contenderFirst ? first : second);
      theirs.push(contenderFirst ? second : first);
    }
    client.dispose();
    base.dispose();
    rows.push({ contender: contender.name, base: plain.name, medianMs: median(ours), baseMedianMs: median(theirs) });
  }
  return rows;
}
