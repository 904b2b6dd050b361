import * as oauth from 'oauth4webapi';
import { defaultKeyStore, type DPoPKeyStore } from './keyStores.js';

export interface DPoPOptions {
  /** Where the key pair lives. Default: IndexedDB in a browser, memory elsewhere. */
  keyStore?: DPoPKeyStore;
  /** The proof signing algorithm. Default ES256. */
  algorithm?: oauth.JWSAlgorithm;
}

/** The app's DPoP key and the servers' latest nonces (RFC 9449), behind one oauth4webapi handle. */
export interface DPoPState {
  /** The handle oauth4webapi signs proofs with; the same key for the code exchange, refreshes and requests. */
  handle(): Promise<oauth.DPoPHandle>;
  keyPair(): Promise<CryptoKeyPair>;
  /** Keeps the `DPoP-Nonce` of an answer from `url`'s origin for the next proof to it. */
  observe(headers: { get(name: string): string | null }, url: URL): void;
  /** Logout: forgets the key (in the store too) and every nonce; the next login gets a new key. */
  reset(): Promise<void>;
}

// Nonces of this many origins at most: the oldest is dropped first.
const MAX_ORIGINS = 100;

export function createDPoP(options: DPoPOptions, client: oauth.Client): DPoPState {
  const keyStore = options.keyStore ?? defaultKeyStore();
  const algorithm = options.algorithm ?? 'ES256';
  const nonces = new Map<string, string>();
  let handle: Promise<oauth.DPoPHandle> | undefined;
  let clearing: Promise<void> = Promise.resolve();

  const keyPair = async () => {
    // A logout's delete lands first, so a new login cannot pick up the old key.
    await clearing;
    return keyStore.getOrCreate(() => oauth.generateKeyPair(algorithm));
  };
  // Every proof the handle signs, for a token endpoint or an API, carries the nonce this map
  // holds for its origin: resource servers' nonces reach it through the scheme's `observe`.
  const withNonce: oauth.ModifyAssertionFunction = (_header, payload) => {
    const nonce = typeof payload.htu === 'string' ? nonces.get(new URL(payload.htu).origin) : undefined;
    if (nonce) payload.nonce = nonce;
  };

  return {
    handle() {
      handle ??= keyPair().then((pair) => oauth.DPoP(client, pair, { [oauth.modifyAssertion]: withNonce }));
      handle.catch(() => {
        handle = undefined;
      });
      return handle;
    },
    keyPair,
    observe(headers, url) {
      const nonce = headers.get('dpop-nonce');
      if (!nonce) return;
      nonces.delete(url.origin);
      nonces.set(url.origin, nonce);
      const oldest = nonces.keys().next();
      if (nonces.size > MAX_ORIGINS && !oldest.done) nonces.delete(oldest.value);
    },
    reset() {
      handle = undefined;
      nonces.clear();
      clearing = clearing.then(() => keyStore.clear());
      return clearing;
    },
  };
}
