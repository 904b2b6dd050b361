/**
 * Only the happy-path scenario of `npm run bench`, repeated: `node --import tsx bench/hotPath.ts [rounds]`.
 * Prints each contender's median ÷ plain ratio per round, and the median over the rounds, so a
 * change on the hot path can be judged without the whole (minutes long) bench.
 */
import { startBenchServer } from './benchServer.js';
import { benchConfig } from './config.js';
import { createNetworkTransport } from './networkTransport.js';
import { runHappyPath } from './scenarios/happyPath.js';
import { median } from './settle.js';

const rounds = Number(process.argv[2] ?? 3);
const config = benchConfig(false);
const server = await startBenchServer(config.refreshLatency);
const transport = await createNetworkTransport(server.url, config.connections);
const ratios = new Map<string, number[]>();
try {
  for (let round = 0; round < rounds; round++) {
    for (const row of await runHappyPath(server, transport, config)) {
      const ratio = row.medianMs / row.baseMedianMs;
      ratios.set(row.contender, [...(ratios.get(row.contender) ?? []), ratio]);
      process.stdout.write(
        `round ${round + 1} ${row.contender}: ${ratio.toFixed(3)}× (${row.medianMs.toFixed(3)} ms vs ${row.baseMedianMs.toFixed(3)} ms)\n`,
      );
    }
  }
} finally {
  await transport.close();
  await server.close();
}
for (const [contender, values] of ratios) process.stdout.write(`median ${contender}: ${median(values).toFixed(3)}×\n`);
