import { receiveTokens, type ReceivedTokens } from '../domain/tokens.js';
import type { TokenStorage } from './storage.js';

/** What `storage` holds, validated; null when it holds nothing usable (a corrupt entry is no login). */
export function loadStored(storage: TokenStorage, now: number): ReceivedTokens | null {
  const stored = storage.load();
  if (!stored) return null;
  try {
    return receiveTokens(stored, now);
  } catch {
    return null;
  }
}
