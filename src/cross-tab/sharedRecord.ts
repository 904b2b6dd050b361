import type { SharedRecord } from '../coordination/sharedRecord.js';
import type { TokenStorage } from '../session/storage.js';
import type { SharedRound } from './sharedRound.js';

export {
  compareRecords,
  parseSharedRecord,
  type SharedRecord,
  type SharedState,
} from '../coordination/sharedRecord.js';

/** A storage that several tabs read and write (localStorage), with versioned records. */
export interface SharedTokenStorage extends TokenStorage {
  readRecord(): SharedRecord | null;
  /** Writes `record` unless the stored one is as new or newer; true when it wrote. */
  writeRecord(record: SharedRecord): boolean;
  /** The origin's failing refresh round, if this storage keeps one (else tabs learn it from the channel only). */
  readRound?(): SharedRound | null;
  writeRound?(round: SharedRound): void;
}

export function isSharedTokenStorage(storage: TokenStorage): storage is SharedTokenStorage {
  const candidate = storage as Partial<SharedTokenStorage>;
  return typeof candidate.readRecord === 'function' && typeof candidate.writeRecord === 'function';
}
