import type { TokenSet } from '../../domain/tokens.js';
import type { SyncedState } from '../../machines/authSessionTypes.js';
import { tokenSetOf, type TokenStorage } from '../session/storage.js';
import type { SharedRound } from './sharedRound.js';

export type SharedState = SyncedState;

/**
 * The session as tabs share it. `version` grows with every write, so a tab that wakes up with
 * an old result can tell it is old; `writer` breaks ties between two tabs that wrote at once.
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

/** A storage that several tabs read and write (localStorage), with versioned records. */
export interface SharedTokenStorage extends TokenStorage {
  readRecord(): SharedRecord | null;
  /** Writes `record` unless the stored one is as new or newer; true when it wrote. */
  writeRecord(record: SharedRecord): boolean;
  /** The origin's failing refresh round, if this storage keeps one (else tabs learn it from the channel only). */
  readRound?(): SharedRound | null;
  writeRound?(round: SharedRound): void;
}

const STATES: ReadonlySet<unknown> = new Set<SharedState>(['loggedIn', 'loggedOut', 'expired']);

/** A record from storage or another tab, or null when it is anything else. */
export function parseSharedRecord(value: unknown): SharedRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const { version, writer, state, tokens, lifetime } = value as Record<string, unknown>;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return null;
  if (typeof writer !== 'string' || !STATES.has(state)) return null;
  if (lifetime !== null && (typeof lifetime !== 'number' || !Number.isFinite(lifetime))) return null;
  const tokenSet = tokenSetOf(tokens);
  if (state === 'loggedIn' ? tokenSet === null : tokens !== null) return null;
  return { version, writer, state: state as SharedState, tokens: tokenSet, lifetime };
}

/** Orders records: higher version first, then writer id, so every tab picks the same winner. */
export function compareRecords(a: SharedRecord, b: SharedRecord): number {
  if (a.version !== b.version) return a.version - b.version;
  return a.writer < b.writer ? -1 : a.writer > b.writer ? 1 : 0;
}

export function isSharedTokenStorage(storage: TokenStorage): storage is SharedTokenStorage {
  const candidate = storage as Partial<SharedTokenStorage>;
  return typeof candidate.readRecord === 'function' && typeof candidate.writeRecord === 'function';
}
