import { describe, expect, it, vi } from 'vitest';
import { measureRecovery, type OutageClock } from '../bench/scenarios/recovery.js';
import { useFakeClock } from './support/session.js';

// Service back as soon as the server is: after the retry budget the session keeps refusing at
// once (RefreshCooldownError), but probes the server with one attempt every PROBE_INTERVAL.
useFakeClock();

const clock: OutageClock = {
  now: () => Date.now(),
  advance: async (ms) => {
    await vi.advanceTimersByTimeAsync(ms);
  },
};

describe('recovery after an outage of the refresh endpoint', () => {
  it.each([
    [12_000, 0],
    [12_000, 0.999],
    [60_000, 0.5],
    [60_000, 0.999],
  ])(
    'a %i ms outage (jitter %d): the first token within 2.5 s of the server being back, attempts bounded',
    async (outageMs, jitter) => {
      const row = await measureRecovery(clock, outageMs, () => jitter);
      expect(row.recoveryMs).not.toBeNull();
      expect(row.recoveryMs!).toBeLessThanOrEqual(2_500);
      expect(row.attemptsDuringOutage).toBeLessThanOrEqual(row.attemptBound);
      // It did probe: more attempts than the retry budget alone.
      expect(row.attemptsDuringOutage).toBeGreaterThan(4);
    },
  );
});
