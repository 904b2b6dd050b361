import { describe, expect, it } from 'vitest';
import { useCluster, within } from './cluster.js';

const start = useCluster();

describe('tokenflight/redis across processes', () => {
  it('4 processes × 25 concurrent requests after expiry: one refresh grant, every request gets its token', async () => {
    const { as, workers, record } = await start({ processes: 4, leaseMs: 2_000 });

    const outcomes = (await within(15_000, Promise.all(workers.map((worker) => worker.burst(25))))).flat();

    expect(outcomes).toHaveLength(100);
    expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([]);
    const tokens = new Set(outcomes.map((outcome) => (outcome.ok ? outcome.token : null)));
    expect(tokens.size).toBe(1);
    expect(as.counters.refreshGrants).toBe(1);
    expect(as.counters.reuseDetected).toBe(0);
    const stored = await record();
    expect(stored).toMatchObject({ state: 'loggedIn', version: 2 });
    expect(tokens.has(stored.token)).toBe(true);
  });
});
