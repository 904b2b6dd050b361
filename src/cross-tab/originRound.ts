import { backoffDelay } from '../../machines/delays.js';
import { clampDelay } from '../../domain/time.js';
import type { RetrySettings } from '../session/plugin.js';
import type { SharedRecord, SharedTokenStorage } from './sharedRecord.js';
import {
  causeOf,
  compareRounds,
  cooldownErrorOf,
  isRoundOf,
  parseSharedRound,
  probeVerdictOf,
  ROUND,
  verdictOf,
  type RoundVerdict,
  type SharedRound,
} from './sharedRound.js';

/** The session's retry settings, by which the tabs run their shared round. */
export type RoundSettings = RetrySettings;

export interface OriginRoundSetup {
  store: SharedTokenStorage;
  post: (message: unknown) => void;
  writer: string;
  now: () => number;
  settings: RoundSettings;
  /** A round not written for this long past its retry time was left by tabs that are gone. */
  staleAfter: number;
}

export interface OriginRound {
  /** What the round says about an attempt to refresh `record`'s tokens now; `probe`: one attempt during the cooldown. */
  verdict(record: SharedRecord, probe?: boolean): RoundVerdict;
  /** Records a failed attempt on top of `failures` earlier ones: the next backoff, or the give-up and its cooldown. */
  fail(record: SharedRecord, failures: number, error: unknown): RoundVerdict;
  /** Starts a new round for `record` (an explicit refresh ignores the cooldown). */
  restart(record: SharedRecord): void;
  /** Takes a round another tab announced; false when the message is something else. */
  receive(data: unknown): boolean;
  /** Wakes every wait: something changed (a round, a record). */
  news(): void;
  /** Resolves at the next news or at `until`, whichever comes first; rejects when `signal` aborts. */
  waitForNews(until: number, signal: AbortSignal): Promise<void>;
}

/**
 * One refresh round per origin: every tab's attempts count in the same round, and its backoff
 * and cooldown hold every tab. The round lives in memory, in the shared storage (for tabs that
 * missed a message or open later) and on the channel (so every waiting tab hears its end at once).
 */
export function createOriginRound({ store, post, writer, now, settings, staleAfter }: OriginRoundSetup): OriginRound {
  let latest: SharedRound | null = null;
  const listeners = new Set<() => void>();

  function learn(round: SharedRound | null): void {
    if (round === null) return;
    const replaces =
      latest === null ||
      (isSameBase(round, latest) ? compareRounds(round, latest) > 0 : round.base.version >= latest.base.version);
    if (replaces) latest = round;
  }

  function current(record: SharedRecord): SharedRound | null {
    learn(store.readRound?.() ?? null);
    return latest && isRoundOf(latest, record) ? latest : null;
  }

  function write(
    record: SharedRecord,
    fields: Pick<SharedRound, 'failures' | 'retryAt' | 'cooldownUntil' | 'cause'>,
  ): SharedRound {
    const round: SharedRound = {
      kind: ROUND,
      base: { version: record.version, writer: record.writer },
      seq: (current(record)?.seq ?? 0) + 1,
      writer,
      ...fields,
    };
    latest = round;
    store.writeRound?.(round);
    post(round);
    return round;
  }

  function news(): void {
    for (const listener of [...listeners]) listener();
  }

  return {
    verdict: (record, probe) =>
      probe
        ? probeVerdictOf(current(record), now(), staleAfter, settings.retries)
        : verdictOf(current(record), now(), staleAfter),
    fail(record, failures, error) {
      const failed = failures + 1;
      const at = now();
      const cause = causeOf(error);
      if (failed > settings.retries) {
        const round = write(record, {
          failures: failed,
          retryAt: at,
          cooldownUntil: at + settings.failureCooldown,
          cause,
        });
        return { kind: 'over', error: cooldownErrorOf(round, settings.failureCooldown, error) };
      }
      const retryAt = at + backoffDelay(failed, settings.minDelay, settings.maxDelay, settings.random);
      write(record, { failures: failed, retryAt, cooldownUntil: null, cause });
      return { kind: 'wait', until: retryAt };
    },
    restart(record) {
      const round = current(record);
      if (round) write(record, { failures: 0, retryAt: 0, cooldownUntil: null, cause: round.cause });
    },
    receive(data) {
      const round = parseSharedRound(data);
      if (round === null) return false;
      learn(round);
      news();
      return true;
    },
    news,
    waitForNews(until, signal) {
      return new Promise<void>((resolve, reject) => {
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(woken);
          signal.removeEventListener('abort', aborted);
          settle();
        };
        const woken = () => finish(resolve);
        const aborted = () => finish(() => reject(signal.reason));
        const timer = setTimeout(woken, clampDelay(until - now()));
        listeners.add(woken);
        signal.addEventListener('abort', aborted, { once: true });
        if (signal.aborted) aborted();
      });
    },
  };
}

function isSameBase(a: SharedRound, b: SharedRound): boolean {
  return a.base.version === b.base.version && a.base.writer === b.base.writer;
}
