import type { TokenSet } from './tokens.js';

/** Where the session keeps its tokens between page loads. Synchronous, like Web Storage. */
export interface TokenStorage {
  load(): TokenSet | null;
  save(tokens: TokenSet | null): void;
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

function isTokenSet(value: unknown): value is TokenSet {
  if (typeof value !== 'object' || value === null) return false;
  const { accessToken, refreshToken, expiresAt } = value as Record<string, unknown>;
  return (
    typeof accessToken === 'string' &&
    (refreshToken === null || typeof refreshToken === 'string') &&
    (expiresAt === null || (typeof expiresAt === 'number' && Number.isFinite(expiresAt)))
  );
}

/**
 * Tokens in `localStorage` or `sessionStorage` under one key. The storage is looked up lazily,
 * so creating it during SSR touches nothing. A corrupt entry reads as "no tokens"; a full or
 * blocked storage never breaks the session.
 */
export function webStorage(storage: Storage | (() => Storage), key = 'tokenflight'): TokenStorage {
  const target = () => (typeof storage === 'function' ? storage() : storage);
  return {
    load() {
      try {
        const raw = target().getItem(key);
        if (raw === null) return null;
        const parsed: unknown = JSON.parse(raw);
        return isTokenSet(parsed) ? parsed : null;
      } catch {
        return null;
      }
    },
    save(tokens) {
      try {
        if (tokens === null) target().removeItem(key);
        else target().setItem(key, JSON.stringify(tokens));
      } catch {
        // Quota exceeded or storage disabled: the in-memory session still works.
      }
    },
  };
}
