import { tokenSetOf, webStorage, type TokenStorage, type WebTokenStorage } from '../session/storage.js';
import {
  compareRecords,
  isSharedTokenStorage,
  parseSharedRecord,
  type SharedRecord,
  type SharedTokenStorage,
} from './sharedRecord.js';
import { parseSharedRound, type SharedRound } from './sharedRound.js';

/**
 * `webStorage` with versioned records (`readRecord`/`writeRecord`) for tabs that share it. A bare
 * token set (what one tab's `webStorage` saves) reads as a record at version 0, so any record
 * written by a tab outranks it.
 */
export function sharedWebStorage(storage: Storage | (() => Storage), key = 'tokenflight'): SharedTokenStorage {
  const plain = webStorage(storage, key);

  function readRecord(): SharedRecord | null {
    try {
      const raw = plain.area().getItem(key);
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
      plain.area().setItem(key, JSON.stringify(record));
      return true;
    } catch {
      // Quota exceeded or storage disabled: the in-memory session still works.
      return false;
    }
  }

  // The failing round sits beside the record, so a token write never has to rewrite it.
  const roundKey = `${key}:round`;
  function readRound(): SharedRound | null {
    try {
      const raw = plain.area().getItem(roundKey);
      return raw === null ? null : parseSharedRound(JSON.parse(raw));
    } catch {
      return null;
    }
  }
  function writeRound(round: SharedRound): void {
    try {
      plain.area().setItem(roundKey, JSON.stringify(round));
    } catch {
      // Full or blocked: the channel still carries the round to the tabs that are open.
    }
  }

  return {
    readRound,
    writeRound,
    load() {
      const record = readRecord();
      return record?.state === 'loggedIn' ? record.tokens : null;
    },
    save(tokens) {
      plain.save(tokens);
    },
    readRecord,
    writeRecord,
  };
}

function isWebTokenStorage(storage: TokenStorage): storage is WebTokenStorage {
  const candidate = storage as Partial<WebTokenStorage>;
  return typeof candidate.area === 'function' && typeof candidate.key === 'string';
}

/** The shared form of the session's `storage` option: as given, or records in the same web storage; undefined when it cannot be shared. */
export function sharedFormOf(storage: TokenStorage): SharedTokenStorage | undefined {
  if (isSharedTokenStorage(storage)) return storage;
  return isWebTokenStorage(storage) ? sharedWebStorage(() => storage.area(), storage.key) : undefined;
}
