import type * as o4w from 'oauth4webapi';
import { IdTokenMismatchError } from '../../domain/errors/IdTokenMismatchError.js';
import type { TokenStorage, WebTokenStorage } from '../session/storage.js';
import type { AuthSessionActor } from '../session/sessionTypes.js';

/** The ID token's claims (OpenID Connect Core §2), validated by oauth4webapi when they arrived. */
export type UserClaims = o4w.IDToken;

/** The session's user: the latest ID token and its claims. */
export interface UserRecord {
  readonly idToken: string;
  readonly claims: UserClaims;
}

/**
 * Who the session is logged in as, kept beside its tokens: in the same Web Storage area under
 * `<key>:user` when the session's storage is a `webStorage` (so it survives a reload, and with
 * `crossTab()` every tab reads the one record), else in memory. A tab re-reads it whenever its
 * session's tokens change, so a login or refresh in another tab reaches it with the tokens.
 */
export function createUserStore() {
  let area: UserArea = memoryArea();
  let actor: AuthSessionActor | undefined;
  let current: UserRecord | null = null;
  const listeners = new Set<(claims: UserClaims | null) => void>();

  function update(record: UserRecord | null): void {
    if (record?.idToken === current?.idToken) return;
    current = record;
    const claims = record?.claims ?? null;
    for (const listener of [...listeners]) listener(claims);
  }

  return {
    /** The session's storage, as the plugin's setup is told it. */
    useStorage(storage: TokenStorage | undefined): void {
      area = isWebStorage(storage) ? webArea(storage) : memoryArea();
      current = area.read();
    },
    /** Follows the session: clears the user when the tokens go, re-reads it when they change. */
    connect(sessionActor: AuthSessionActor): () => void {
      actor = sessionActor;
      let held = sessionActor.getSnapshot().context.tokens;
      // Another tab's login: its record may become visible here after its tokens did.
      const stopWatching = area.watch(() => {
        update(area.read());
      });
      const subscription = sessionActor.subscribe((snapshot) => {
        const tokens = snapshot.context.tokens;
        if (tokens === held) return;
        const loggedOut = held !== null && tokens === null;
        held = tokens;
        if (loggedOut) area.write(null);
        update(area.read());
      });
      return () => {
        subscription.unsubscribe();
        stopWatching();
        if (actor === sessionActor) actor = undefined;
      };
    },
    isConnectedTo: (sessionActor: unknown) => actor !== undefined && actor === sessionActor,
    /** The user while the session holds tokens, else null. */
    get(): UserRecord | null {
      return actor?.getSnapshot().context.tokens ? current : null;
    },
    /** A login's ID token: whoever it names becomes the session's user. */
    save(record: UserRecord | null): void {
      area.write(record);
      update(record);
    },
    /**
     * A refresh's ID token (OpenID Connect Core §12.2): the same `iss`, `sub` and `aud` as the
     * one held, else IdTokenMismatchError. Kept only after that check.
     */
    refreshed(record: UserRecord): void {
      const held = area.read();
      if (held) {
        const claim = (['iss', 'sub', 'aud'] as const).find(
          (name) => JSON.stringify(held.claims[name]) !== JSON.stringify(record.claims[name]),
        );
        if (claim) throw new IdTokenMismatchError(claim);
      }
      area.write(record);
      update(record);
    },
    subscribe(listener: (claims: UserClaims | null) => void): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;

function isWebStorage(storage: TokenStorage | undefined): storage is WebTokenStorage {
  return typeof storage === 'object' && 'area' in storage && typeof storage.area === 'function' && 'key' in storage;
}

/** Where the user record is kept. */
interface UserArea {
  read(): UserRecord | null;
  write(record: UserRecord | null): void;
  /** Calls `onChange` when another tab writes the record; returns the function that stops. */
  watch(onChange: () => void): () => void;
}

function memoryArea(): UserArea {
  let held: UserRecord | null = null;
  return {
    read: () => held,
    write: (record: UserRecord | null) => {
      held = record;
    },
    watch: () => () => undefined,
  };
}

function webArea(storage: WebTokenStorage): UserArea {
  const key = `${storage.key}:user`;
  return {
    watch(onChange) {
      // Pages have storage events; workers and server runtimes have none to watch.
      if (typeof globalThis.addEventListener !== 'function') return () => undefined;
      const onStorage = (event: Event) => {
        // A null key: the whole area was cleared.
        const changed: unknown = Reflect.get(event, 'key');
        if (changed === key || changed === null) onChange();
      };
      globalThis.addEventListener('storage', onStorage);
      return () => {
        globalThis.removeEventListener('storage', onStorage);
      };
    },
    read(): UserRecord | null {
      try {
        const parsed: unknown = JSON.parse(storage.area().getItem(key) ?? 'null');
        return isUserRecord(parsed) ? parsed : null;
      } catch {
        return null;
      }
    },
    write(record: UserRecord | null): void {
      try {
        if (record) storage.area().setItem(key, JSON.stringify(record));
        else storage.area().removeItem(key);
      } catch {
        // Full or blocked storage: this page still knows the user.
      }
    },
  };
}

/** A stored record with the claims every ID token has (OpenID Connect Core §2); anything else is no user. */
function isUserRecord(value: unknown): value is UserRecord {
  if (typeof value !== 'object' || value === null || !('idToken' in value) || !('claims' in value)) return false;
  const claims: unknown = value.claims;
  if (typeof value.idToken !== 'string' || typeof claims !== 'object' || claims === null) return false;
  const { iss, sub, aud, iat, exp }: Record<string, unknown> = { ...claims };
  const audience = typeof aud === 'string' || (Array.isArray(aud) && aud.every((entry) => typeof entry === 'string'));
  return (
    typeof iss === 'string' && typeof sub === 'string' && audience && typeof iat === 'number' && typeof exp === 'number'
  );
}
