import type { TokenSet } from '../../domain/tokens.js';
import type { SyncedState } from '../../machines/authSessionTypes.js';
import { tokenSetOf } from '../session/storage.js';
import { fieldsOf } from '../../domain/fields.js';

/**
 * The shared session record and the helpers every coordinator uses (cross-tab over localStorage,
 * redis over a Redis hash): one definition, so both order and parse records alike.
 */
export type SharedState = SyncedState;

/**
 * The session as its sharers (tabs, server instances) keep it. `version` grows with every write,
 * so a sharer that wakes up with an old result can tell it is old; `writer` breaks ties between
 * two tabs that wrote at once (Redis orders writes itself, so there it only names the writer).
 */
export interface SharedRecord {
  version: number;
  writer: string;
  state: SharedState;
  /** Null unless `state` is 'loggedIn': a logout leaves a tombstone, never a token. */
  tokens: TokenSet | null;
  /** How long the tokens were meant to live when they arrived (ms). */
  lifetime: number | null;
}

/** The record before anyone wrote one. */
export const LOGGED_OUT: SharedRecord = { version: 0, writer: '', state: 'loggedOut', tokens: null, lifetime: null };

const STATES: ReadonlySet<unknown> = new Set<SharedState>(['loggedIn', 'loggedOut', 'expired']);

/** A record from storage or another sharer, or null when it is anything else. */
export function parseSharedRecord(value: unknown): SharedRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const { version, writer, state, tokens, lifetime } = fieldsOf(value);
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return null;
  if (typeof writer !== 'string' || !STATES.has(state)) return null;
  if (lifetime !== null && (typeof lifetime !== 'number' || !Number.isFinite(lifetime))) return null;
  const tokenSet = tokenSetOf(tokens);
  if (state === 'loggedIn' ? tokenSet === null : tokens !== null) return null;
  return { version, writer, state: state as SharedState, tokens: tokenSet, lifetime };
}

/** Orders records: higher version first, then writer id, so every sharer picks the same winner. */
export function compareRecords(a: SharedRecord, b: SharedRecord): number {
  if (a.version !== b.version) return a.version - b.version;
  return a.writer < b.writer ? -1 : a.writer > b.writer ? 1 : 0;
}
