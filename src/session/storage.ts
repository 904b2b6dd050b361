import { receiveTokens, type ReceivedTokens, type TokenSet } from '../../domain/tokens.js';
import { fieldsOf } from '../../domain/fields.js';

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
export function memoryStorage(held: TokenSet | null = null): TokenStorage {
  return {
    load: () => held,
    save: (tokens) => {
      held = tokens;
    },
  };
}

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

const isNullableString = (value: unknown) => value === null || typeof value === 'string';

/**
 * A stored token set, or null when it is anything else. Records written before `tokenType` and
 * `scope` existed load with both null.
 */
export function tokenSetOf(value: unknown): TokenSet | null {
  if (typeof value !== 'object' || value === null) return null;
  const { accessToken, refreshToken, expiresAt, tokenType = null, scope = null } = fieldsOf(value);
  const valid =
    typeof accessToken === 'string' &&
    isNullableString(refreshToken) &&
    (expiresAt === null || (typeof expiresAt === 'number' && Number.isFinite(expiresAt))) &&
    isNullableString(tokenType) &&
    isNullableString(scope);
  return valid ? { accessToken, refreshToken, expiresAt, tokenType, scope } : null;
}

/** The tokens in a stored value: a bare token set, or a logged-in record that cross-tab left there. */
function storedTokenSet(value: unknown): TokenSet | null {
  const record = value as { state?: unknown; tokens?: unknown } | null;
  return tokenSetOf(value) ?? (record?.state === 'loggedIn' ? tokenSetOf(record.tokens) : null);
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
