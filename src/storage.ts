import type { TokenSet } from '../domain/tokens.js';

/** Where the session keeps its tokens between page loads. Synchronous, like Web Storage. */
export interface TokenStorage {
  load(): TokenSet | null;
  save(tokens: TokenSet | null): void;
}

/** A `webStorage`: it also says where it keeps the tokens, so cross-tab can keep its shared record there. */
export interface WebTokenStorage extends TokenStorage {
  readonly key: string;
  /** The Web Storage area, looked up now. */
  area(): Storage;
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

export function isTokenSet(value: unknown): value is TokenSet {
  if (typeof value !== 'object' || value === null) return false;
  const { accessToken, refreshToken, expiresAt } = value as Record<string, unknown>;
  return (
    typeof accessToken === 'string' &&
    (refreshToken === null || typeof refreshToken === 'string') &&
    (expiresAt === null || (typeof expiresAt === 'number' && Number.isFinite(expiresAt)))
  );
}

/** The tokens in a stored value: a bare token set, or a logged-in record that cross-tab left there. */
function storedTokenSet(value: unknown): TokenSet | null {
  if (isTokenSet(value)) return value;
  const record = value as { state?: unknown; tokens?: unknown } | null;
  return record?.state === 'loggedIn' && isTokenSet(record.tokens) ? record.tokens : null;
}

/**
 * Tokens in `localStorage` or `sessionStorage` under one key, for one tab (with the cross-tab
 * plugin, the tabs share a versioned record under the same key). The storage is looked up
 * lazily, so creating it during SSR touches nothing. A corrupt entry reads as "no tokens"; a
 * full or blocked storage never breaks the session.
 */
export function webStorage(storage: Storage | (() => Storage), key = 'tokenflight'): WebTokenStorage {
  const area = () => (typeof storage === 'function' ? storage() : storage);
  return {
    key,
    area,
    load() {
      try {
        const raw = area().getItem(key);
        return raw === null ? null : storedTokenSet(JSON.parse(raw));
      } catch {
        return null;
      }
    },
    save(tokens) {
      try {
        if (tokens === null) area().removeItem(key);
        else area().setItem(key, JSON.stringify(tokens));
      } catch {
        // Quota exceeded or storage disabled: the in-memory session still works.
      }
    },
  };
}
