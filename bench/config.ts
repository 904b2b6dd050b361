/** The bench's sizes: the full run, and `--quick` (seconds, for the test that it runs at all). */
export interface BenchConfig {
  quick: boolean;
  burstSizes: number[];
  /** Each burst (and its floor) runs this many times, interleaved; the medians are reported. */
  burstRepeats: number;
  /** Small bursts take milliseconds, and a single slow moment skews them most: more repeats. */
  burstRepeatsUpTo100: number;
  /** The largest bursts take seconds per run on the shared machine: they run once. */
  burstRepeatsAbove1000: number;
  /** Requests per contender and per plain client in the happy path. */
  happyRequests: number;
  /** Simulated seconds of the long session (one request per second). */
  longSessionSeconds: number;
  waiters: number;
  /** Extra latency of every /api/refresh on the bench server, ms. */
  refreshLatency: number;
  /** The stale request's server-side delay, ms: it must answer after the refresh. */
  staleDelay: number;
  /** Connections per origin, the same for every client (a browser allows 6 over HTTP/1.1). */
  connections: number;
  /** A burst that has not settled by then counts its open requests as hung. */
  deadlineMs: number;
  /** Time the clients' background work gets before the server's counters are read. */
  quietMs: number;
}

export function benchConfig(quick: boolean): BenchConfig {
  return quick
    ? {
        quick,
        burstSizes: [10, 100],
        burstRepeats: 1,
        burstRepeatsUpTo100: 1,
        burstRepeatsAbove1000: 1,
        happyRequests: 50,
        longSessionSeconds: 900,
        waiters: 500,
        refreshLatency: 20,
        staleDelay: 150,
        connections: 6,
        deadlineMs: 5_000,
        quietMs: 60,
      }
    : {
        quick,
        burstSizes: [10, 100, 1_000, 10_000],
        burstRepeats: 5,
        burstRepeatsUpTo100: 15,
        burstRepeatsAbove1000: 1,
        happyRequests: 2_000,
        longSessionSeconds: 86_400,
        waiters: 10_000,
        refreshLatency: 20,
        staleDelay: 150,
        connections: 6,
        deadlineMs: 60_000,
        quietMs: 200,
      };
}
