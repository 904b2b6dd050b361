import type { StringStorage } from './browser.js';

/** What a login needs again when its answer comes back, kept in the tab that started it. */
export interface PendingLogin {
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
  /** The app's own value carried through the round trip (where to return to). */
  appState: unknown;
  /** Epoch ms, so abandoned logins can be dropped. */
  startedAt: number;
}

// A login not answered within a day was abandoned (a closed tab, the user went elsewhere).
const ABANDONED_AFTER = 24 * 3600_000;

/**
 * The tab's pending logins by `state`, in one storage entry. `take` removes what it returns:
 * every answer is used once, so a reloaded or replayed callback finds nothing.
 */
export function pendingLogins(storage: () => StringStorage, key: string) {
  function read(): Record<string, PendingLogin> {
    try {
      const parsed: unknown = JSON.parse(storage().getItem(key) ?? '{}');
      const entries = typeof parsed === 'object' && parsed !== null ? Object.entries(parsed) : [];
      return Object.fromEntries(entries.filter((entry): entry is [string, PendingLogin] => isPending(entry[1])));
    } catch {
      return {};
    }
  }
  function write(logins: Record<string, PendingLogin>): void {
    if (Object.keys(logins).length === 0) storage().removeItem(key);
    else storage().setItem(key, JSON.stringify(logins));
  }
  return {
    add(state: string, login: PendingLogin): void {
      const kept = Object.entries(read()).filter(
        ([, pending]) => login.startedAt - pending.startedAt < ABANDONED_AFTER,
      );
      write({ ...Object.fromEntries(kept), [state]: login });
    },
    take(state: string): PendingLogin | null {
      const logins = read();
      const login = Object.hasOwn(logins, state) ? logins[state] : undefined;
      if (!login) return null;
      // The pending logins are a dictionary by state, stored as JSON.
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- see above
      delete logins[state];
      write(logins);
      return login;
    },
  };
}

function isPending(value: unknown): value is PendingLogin {
  if (typeof value !== 'object' || value === null) return false;
  const fields: Record<string, unknown> = { ...value };
  return (
    typeof fields.codeVerifier === 'string' &&
    typeof fields.nonce === 'string' &&
    typeof fields.redirectUri === 'string' &&
    typeof fields.startedAt === 'number'
  );
}
