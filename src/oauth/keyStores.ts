/**
 * Where the DPoP key pair lives. One key per app origin: a reload and every tab must sign with
 * the key the tokens are bound to. CryptoKeys are stored as they are (structured clone), so a
 * non-extractable private key stays non-extractable.
 */
export interface DPoPKeyStore {
  /** The stored key pair, or `create()`'s, stored first; concurrent callers get the same one. */
  getOrCreate(create: () => Promise<CryptoKeyPair>): Promise<CryptoKeyPair>;
  /** Forgets the key pair (logout): the next login binds its tokens to a new one. */
  clear(): Promise<void>;
}

/** A key pair kept in memory: Node, tests, or an app that accepts a new key (a new login) per reload. */
export function memoryKeyStore(): DPoPKeyStore {
  let keyPair: Promise<CryptoKeyPair> | undefined;
  return {
    getOrCreate(create) {
      keyPair ??= create().catch((error: unknown) => {
        keyPair = undefined;
        throw error;
      });
      return keyPair;
    },
    clear() {
      keyPair = undefined;
      return Promise.resolve();
    },
  };
}

const STORE = 'keys';
const KEY = 'dpop';

/** The key pair in IndexedDB (database `name`), shared by every tab of the origin and kept across reloads. */
export function indexedDbKeyStore(name = 'tokenflight-dpop'): DPoPKeyStore {
  let database: Promise<IDBDatabase> | undefined;
  const db = () => (database ??= openDatabase(name));
  return {
    async getOrCreate(create) {
      const stored = await run<CryptoKeyPair | undefined>(await db(), 'readonly', (store) => store.get(KEY));
      if (stored) return stored;
      const created = await create();
      // A readwrite transaction runs alone: when two tabs race, the second finds the first's key
      // here and drops its own, so both sign with one key.
      return run<CryptoKeyPair>(await db(), 'readwrite', (store, done) => {
        const read = store.get(KEY);
        read.onsuccess = () => {
          const existing = read.result as CryptoKeyPair | undefined;
          if (existing) {
            done(existing);
            return;
          }
          store.put(created, KEY).onsuccess = () => {
            done(created);
          };
        };
      });
    },
    async clear() {
      await run(await db(), 'readwrite', (store) => store.delete(KEY));
    },
  };
}

function openDatabase(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error(`tokenflight/oauth: IndexedDB "${name}" did not open`));
    request.onblocked = () => reject(new Error(`tokenflight/oauth: IndexedDB "${name}" is blocked by another tab`));
  });
}

/**
 * One transaction; settles when it completes (or fails), with the result of the request `body`
 * returns, or the value it passes to `done`.
 */
function run<T>(
  database: IDBDatabase,
  mode: IDBTransactionMode,
  // A body either returns its request or reports through `done` (and returns nothing).
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- see above
  body: (store: IDBObjectStore, done: (value: T) => void) => IDBRequest | void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const transaction = database.transaction(STORE, mode);
    let value: T | undefined;
    const request = body(transaction.objectStore(STORE), (result) => {
      value = result;
    });
    transaction.oncomplete = () => resolve(request ? (request.result as T) : (value as T));
    transaction.onerror = () =>
      reject(transaction.error ?? new Error('tokenflight/oauth: IndexedDB transaction failed'));
    transaction.onabort = () =>
      reject(transaction.error ?? new Error('tokenflight/oauth: IndexedDB transaction aborted'));
  });
}

/** IndexedDB when the runtime has it (browsers), else memory. */
export function defaultKeyStore(): DPoPKeyStore {
  return typeof globalThis.indexedDB === 'undefined' ? memoryKeyStore() : indexedDbKeyStore();
}
