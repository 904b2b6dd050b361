import { receiveTokens, type ReceivedTokens, type TokenSet } from '../domain/tokens.js';
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

/** Saves every change of the session's tokens; the inspector learns new tokens first, to redact them. */
export function writeThrough(storage: TokenStorage, remember: (tokens: TokenSet) => void): (tokens: TokenSet | null) => void {
  return (tokens) => {
    if (tokens) remember(tokens);
    storage.save(tokens);
  };
}
