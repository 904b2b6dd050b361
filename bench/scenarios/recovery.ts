/**
 * Recovery after an outage: the refresh endpoint answers 503 for `outageMs` while the app asks
 * for a token every 200 ms (default session options), on a fake clock. Measures the time from
 * the server's return to the first token handed out, and the refresh attempts the server saw
 * while it was down, against the bound the session keeps (one per `PROBE_INTERVAL` after the
 * retry budget). Shared by `npm run bench` and test/recovery.test.ts.
 */
import { createAuthSession } from '../../src/session/createAuthSession.js';
import { PROBE_INTERVAL } from '../../machines/delays.js';
import { installFakeClock } from '../fakeClock.js';

export interface OutageClock {
  now(): number;
  /** Moves time forward, firing due timers and letting their promise chains settle. */
  advance(ms: number): Promise<void>;
}

export interface RecoveryRow {
  outageMs: number;
  /** From the server's return to the first token handed out; null: none within a minute. */
  recoveryMs: number | null;
  /** Refresh attempts that reached the server while it was down. */
  attemptsDuringOutage: number;
  /** The bound: the retry budget's attempts, then one per PROBE_INTERVAL. */
  attemptBound: number;
  /** Requests refused at once (RefreshCooldownError) or by a failed attempt during the outage. */
  refused: number;
}

const REQUEST_EVERY = 200;
const LATENCY = 50;
const RETRIES = 3;

export async function measureRecovery(
  clock: OutageClock,
  outageMs: number,
  random: () => number = Math.random,
): Promise<RecoveryRow> {
  const back = clock.now() + outageMs;
  let attemptsDuringOutage = 0;
  let refused = 0;
  // Written by the getToken callbacks while the loop below runs.
  const outcome: { firstSuccess: number | null } = { firstSuccess: null };
  const session = createAuthSession({
    now: clock.now,
    random,
    retry: { retries: RETRIES },
    // Dead on arrival: the first need (and the proactive timer) refreshes at once, into the outage.
    tokens: { accessToken: 'a0', refreshToken: 'r0', expiresIn: 0 },
    async refresh() {
      const sentAt = clock.now();
      if (sentAt < back) attemptsDuringOutage += 1;
      await new Promise((resolve) => setTimeout(resolve, LATENCY));
      if (sentAt < back) throw Object.assign(new Error('Service Unavailable'), { status: 503 });
      return { accessToken: 'a1', refreshToken: 'r1', expiresIn: 3_600 };
    },
  });
  try {
    while (outcome.firstSuccess === null && clock.now() < back + 60_000) {
      session.getToken().then(
        () => (outcome.firstSuccess ??= clock.now()),
        () => (refused += 1),
      );
      await clock.advance(REQUEST_EVERY);
    }
  } finally {
    session.stop();
  }
  return {
    outageMs,
    recoveryMs: outcome.firstSuccess === null ? null : Math.max(0, outcome.firstSuccess - back),
    attemptsDuringOutage,
    attemptBound: RETRIES + 1 + Math.ceil(outageMs / PROBE_INTERVAL),
    refused,
  };
}

/** The bench's rows: a 12 s and a 60 s outage, with the session's own random jitter. */
export async function runRecovery(): Promise<RecoveryRow[]> {
  const rows: RecoveryRow[] = [];
  for (const outageMs of [12_000, 60_000]) {
    const clock = installFakeClock(Date.UTC(2026, 0, 1));
    try {
      rows.push(await measureRecovery(clock, outageMs));
    } finally {
      clock.uninstall();
    }
  }
  return rows;
}
