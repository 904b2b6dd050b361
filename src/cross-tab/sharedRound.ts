import { RefreshCooldownError } from '../../domain/errors/RefreshCooldownError.js';
import type { SharedRecord } from './sharedRecord.js';
import { isFiniteNumber } from '../../domain/numbers.js';
import { PROBE_INTERVAL } from '../../machines/delays.js';
import { fieldsOf } from '../../domain/fields.js';

/** Marks a round on the channel, so it is never taken for a token record. */
export const ROUND = 'tokenflight:round';

/**
 * A failing refresh round as the tabs of an origin share it: which tokens it tries to refresh
 * (`base`, the record's version and writer), how many attempts failed, when the next attempt
 * may start, and, once it gave up, until when nobody tries again. `seq` grows with every write,
 * so an old message never overwrites newer news.
 */
export interface SharedRound {
  kind: typeof ROUND;
  base: { version: number; writer: string };
  seq: number;
  writer: string;
  failures: number;
  /** Epoch ms: no attempt starts before this. */
  retryAt: number;
  /** Epoch ms: the round gave up and the origin cools down until then; null while it retries. */
  cooldownUntil: number | null;
  /** The last failure, by name and message only: an error may quote a token, these rarely do. */
  cause: { name: string; message: string };
}

/** A round from storage or another tab, or null when it is anything else. */
export function parseSharedRound(value: unknown): SharedRound | null {
  if (typeof value !== 'object' || value === null) return null;
  const { kind, base, seq, writer, failures, retryAt, cooldownUntil, cause } = fieldsOf(value);
  if (kind !== ROUND || typeof writer !== 'string' || !isFiniteNumber(seq) || !isFiniteNumber(failures)) return null;
  if (!isFiniteNumber(retryAt) || (cooldownUntil !== null && !isFiniteNumber(cooldownUntil))) return null;
  const { version, writer: baseWriter } = fieldsOf(base);
  if (!isFiniteNumber(version) || typeof baseWriter !== 'string') return null;
  const { name, message } = fieldsOf(cause);
  if (typeof name !== 'string' || typeof message !== 'string') return null;
  return {
    kind,
    base: { version, writer: baseWriter },
    seq,
    writer,
    failures,
    retryAt,
    cooldownUntil,
    cause: { name, message },
  };
}

/** True when `round` tries to refresh the tokens of `record`. */
export function isRoundOf(round: SharedRound, record: SharedRecord): boolean {
  return round.base.version === record.version && round.base.writer === record.writer;
}

/** Orders rounds of the same tokens: later writes first, then the writer id, so every tab agrees. */
export function compareRounds(a: SharedRound, b: SharedRound): number {
  if (a.seq !== b.seq) return a.seq - b.seq;
  return a.writer < b.writer ? -1 : a.writer > b.writer ? 1 : 0;
}

/** What a tab under the lock does about the origin's round. */
export type RoundVerdict =
  | { kind: 'attempt'; failures: number }
  | { kind: 'wait'; until: number }
  | { kind: 'over'; error: RefreshCooldownError };

/**
 * The round's word on the next attempt at `now`: give up with the same error the round gave up
 * with, wait for its backoff, or attempt (counting the failures so far). A round nobody has
 * written for `staleAfter` past its retry time belonged to tabs that are gone: it is ignored.
 */
export function verdictOf(round: SharedRound | null, now: number, staleAfter: number): RoundVerdict {
  if (round === null) return { kind: 'attempt', failures: 0 };
  if (round.cooldownUntil !== null) {
    return now < round.cooldownUntil
      ? { kind: 'over', error: cooldownErrorOf(round, round.cooldownUntil - now) }
      : { kind: 'attempt', failures: 0 };
  }
  if (now < round.retryAt) return { kind: 'wait', until: round.retryAt };
  return now > round.retryAt + staleAfter
    ? { kind: 'attempt', failures: 0 }
    : { kind: 'attempt', failures: round.failures };
}

/**
 * The round's word on a probe at `now` (one attempt by a tab still cooling down, see
 * `PROBE_INTERVAL`): over while any tab of the origin attempted within the interval, else one
 * attempt whose failure gives up again. A round still retrying decides as for any attempt.
 */
export function probeVerdictOf(
  round: SharedRound | null,
  now: number,
  staleAfter: number,
  retries: number,
): RoundVerdict {
  if (round === null || round.cooldownUntil === null) return verdictOf(round, now, staleAfter);
  // A round that gave up was written at its last attempt's end: retryAt.
  if (now < round.retryAt + PROBE_INTERVAL)
    return { kind: 'over', error: cooldownErrorOf(round, round.cooldownUntil - now) };
  return { kind: 'attempt', failures: retries };
}

/** The error a round that gave up ends with in every tab: a RefreshCooldownError whose cause has the last failure's name. */
export function cooldownErrorOf(round: SharedRound, cooldown: number, cause?: unknown): RefreshCooldownError {
  const remote = Object.assign(new Error(round.cause.message), { name: round.cause.name });
  return new RefreshCooldownError(Math.max(0, Math.round(cooldown)), { cause: cause ?? remote });
}

/** The name and message of a failure, for the round record. */
export function causeOf(error: unknown): SharedRound['cause'] {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}
