import { describe, expect, it } from 'vitest';
import { useCluster, within } from './cluster.js';
import type { Outcome } from './workerProtocol.js';

const start = useCluster();
const LEASE_MS = 1_500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const failures = (outcomes: Outcome[]) => outcomes.filter((outcome) => !outcome.ok);
const tokensOf = (outcomes: Outcome[]) => new Set(outcomes.map((outcome) => (outcome.ok ? outcome.token : null)));

describe('tokenflight/redis when an instance dies, pauses or Redis goes away', () => {
  it('the lock holder is SIGKILLed before it sent the refresh: another instance refreshes after the lease', async () => {
    const { as, workers, record } = await start({ processes: 3, leaseMs: LEASE_MS });
    const [holder, ...others] = workers as [(typeof workers)[0], ...typeof workers];
    holder.setMode('holdBeforeSend', 60_000);
    const holding = holder.next('refreshing');
    void holder.burst(5).catch(() => {});
    await holding;
    const waiting = Promise.all(others.map((worker) => worker.burst(10)));
    await sleep(100);
    holder.signal('SIGKILL');

    const outcomes = (await within(10_000, waiting)).flat();

    expect(failures(outcomes)).toEqual([]);
    expect(tokensOf(outcomes).size).toBe(1);
    expect(as.counters.refreshGrants).toBe(1);
    expect(as.counters.reuseDetected).toBe(0);
    // Nobody got the lock before the dead holder's lease ran out.
    expect(Math.min(...outcomes.map((outcome) => outcome.ms))).toBeGreaterThanOrEqual(LEASE_MS - 200);
    expect((await record()).state).toBe('loggedIn');
  });

  it('the holder is SIGKILLed after the provider rotated: every instance ends with the typed expiry, none hangs', async () => {
    const { as, workers, record } = await start({ processes: 3, leaseMs: LEASE_MS });
    const [holder, ...others] = workers as [(typeof workers)[0], ...typeof workers];
    holder.setMode('holdAfterAnswer', 60_000);
    const answered = holder.next('answered');
    void holder.burst(5).catch(() => {});
    await answered;
    const waiting = Promise.all(others.map((worker) => worker.burst(10)));
    holder.signal('SIGKILL');

    const outcomes = (await within(10_000, waiting)).flat();

    expect(outcomes).toHaveLength(20);
    expect(new Set(outcomes.map((outcome) => (outcome.ok ? 'ok' : outcome.error)))).toEqual(
      new Set(['SessionExpiredError']),
    );
    // The dead holder's grant, then one presentation of the rotated token: the provider revokes the grant.
    expect(as.counters.refreshGrants).toBe(1);
    expect(as.counters.reuseDetected).toBe(1);
    expect((await record()).state).toBe('expired');
  });

  // Its late answer never reaches the record: it finds its lease gone, or its compare-and-set write
  // refused (that fencing alone is pinned down in store.test.ts, without the race).
  it('a holder paused (SIGSTOP) past its lease: its late answer is not written, the record keeps the newer tokens', async () => {
    // Without rotation the second instance's refresh succeeds, so two answers race for the record.
    const { as, workers, record } = await start({ processes: 3, leaseMs: LEASE_MS, rotateRefreshTokens: false });
    const [holder, ...others] = workers as [(typeof workers)[0], ...typeof workers];
    holder.setMode('holdAfterAnswer', 500);
    const answered = holder.next('answered');
    const late = holder.burst(5);
    const { token: lateToken } = await answered;
    holder.signal('SIGSTOP');
    const outcomes = (await within(10_000, Promise.all(others.map((worker) => worker.burst(10))))).flat();
    expect(failures(outcomes)).toEqual([]);
    const [newer] = [...tokensOf(outcomes)];
    expect(tokensOf(outcomes).size).toBe(1);
    expect(newer).not.toBe(lateToken);

    holder.signal('SIGCONT');
    const lateOutcomes = await within(10_000, late);

    // The paused holder ends with the newer tokens too; its own answer never reached the record.
    expect(tokensOf(lateOutcomes)).toEqual(new Set([newer]));
    expect(await record()).toMatchObject({ state: 'loggedIn', version: 2, token: newer });
    expect(as.counters.refreshGrants).toBe(2);
  });

  it('Redis down: requests that need a refresh fail typed within a bound; after the restart the record is intact and service resumes', async () => {
    const { as, redis, workers, record, expiresAt } = await start({
      processes: 2,
      leaseMs: LEASE_MS,
      expiresIn: 6_000,
    });
    const before = await record();
    // Each instance holds the key in memory already: what fails is the refresh's lock.
    for (const worker of workers) expect(await worker.burst(1, 'session')).toMatchObject([{ ok: true }]);
    expect(as.counters.refreshGrants).toBe(0);
    await redis.stop();
    await sleep(expiresAt - Date.now() + 100);

    const outcomes = (await within(8_000, Promise.all(workers.map((worker) => worker.burst(10))))).flat();

    expect(outcomes).toHaveLength(20);
    for (const outcome of outcomes) {
      // The refresh's own error, or the cooldown it ended in, caused by it.
      expect(outcome.ok).toBe(false);
      expect(outcome.ok ? null : [outcome.error, outcome.cause]).toContain('RedisUnavailableError');
      expect(outcome.ms).toBeLessThan(5_000);
    }
    expect(as.counters.refreshGrants).toBe(0);

    // Held still while Redis comes back, so the first read shows what the append-only file kept.
    for (const worker of workers) worker.signal('SIGSTOP');
    await redis.start();
    expect(await record()).toEqual(before);
    for (const worker of workers) worker.signal('SIGCONT');
    let resumed: Outcome[] = [];
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(250)) {
      resumed = (await Promise.all(workers.map((worker) => worker.burst(10)))).flat();
      if (failures(resumed).length === 0) break;
    }
    expect(failures(resumed)).toEqual([]);
    expect(tokensOf(resumed).size).toBe(1);
    expect(as.counters.refreshGrants).toBe(1);
    expect(as.counters.reuseDetected).toBe(0);
  });
});
