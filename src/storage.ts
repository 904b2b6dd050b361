import type { TokenSet } from '../domain/tokens.js';
import type { SyncedState } from '../machines/authSessionTypes.js';

/** Where the session keeps its tokens between page loads. Synchronous, like Web Storage. */
export interface TokenStorage {
  load(): TokenSet | null;
  save(tokens: TokenSet | null): void;
}

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
}

/** The default: tokens live only as long as the session object. */
export function memoryStorage(initial: TokenSet | null = null): TokenStorage {
  let held = initial;
  return {
    load: () => held,
    save: (tokens) => {
      held = tokens;
    },
  };
}

const isNullableString = (value: unknown) => value === null || typeof value === 'string';

/**
 * A stored token set, or null when it is anything else. Records written before `tokenType` and
 * `scope` existed load with both null.
 */
function tokenSetOf(value: unknown): TokenSet | null {
  if (typeof value !== 'object' || value === null) return null;
  const { accessToken, refreshToken, expiresAt, tokenType = null, scope = null } = value as Record<string, unknown>;
  const valid =
    typeof accessToken === 'string' &&
    isNullableString(refreshToken) &&
    (expiresAt === null || (typeof expiresAt === 'number' && Number.isFinite(expiresAt))) &&
    isNullableString(tokenType) &&
    isNullableString(scope);
  return valid ? ({ accessToken, refreshToken, expiresAt, tokenType, scope } as TokenSet) : null;
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

/**
 * Tokens in `localStorage` or `sessionStorage` under one key: the bare token set for one tab,
 * a versioned record (`readRecord`/`writeRecord`) when tabs share it. The storage is looked up lazily, so
 * creating it during SSR touches nothing. A corrupt entry reads as "no tokens"; a full or
 * blocked storage never breaks the session.
 */
export function webStorage(storage: Storage | (() => Storage), key = 'tokenflight'): SharedTokenStorage {
  const target = () => (typeof storage === 'function' ? storage() : storage);

  function readRecord(): SharedRecord | null {
    try {
      const raw = target().getItem(key);
      if (raw === null) return null;
      const parsed: unknown = JSON.parse(raw);
      const bare = tokenSetOf(parsed);
      if (bare) return { version: 0, writer: '', state: 'loggedIn', tokens: bare, lifetime: null };
      return parseSharedRecord(parsed);
    } catch {
      return null;
    }
  }

  function writeRecord(record: SharedRecord): boolean {
    const stored = readRecord();
    if (stored && compareRecords(stored, record) >= 0) return false;
    try {
      target().setItem(key, JSON.stringify(record));
      return true;
    } catch {
      // Quota exceeded or storage disabled: the in-memory session still works.
      return false;
    }
  }

  return {
    load() {
      const record = readRecord();
      return record?.state === 'loggedIn' ? record.tokens : null;
    },
    // One tab: the bare token set, removed on logout. With crossTab the session writes records instead.
    save(tokens) {
      try {
        if (tokens === null) target().removeItem(key);
        else target().setItem(key, JSON.stringify(tokens));
      } catch {
        // Quota exceeded or storage disabled: the in-memory session still works.
      }
    },
    readRecord,
    writeRecord,
  };
}
