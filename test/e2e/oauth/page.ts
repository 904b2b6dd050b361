/**
 * The page of the OAuth + DPoP browser test: tokenflight/oauth with its IndexedDB key store and
 * crossTab, logging in through the real code flow with PKCE. The test drives it through
 * `window.oauthPage`; `/config.json` says where the authorization and resource servers are.
 */
import { createAuthSession } from '../../../src/index.js';
import { crossTab } from '../../../src/cross-tab/index.js';
import { createAuthFetch } from '../../../src/fetch/index.js';
import { oauth } from '../../../src/oauth/index.js';

interface PageConfig {
  issuer: string;
  api: string;
  resource: string;
  scope: string;
}

/** What the page finds in IndexedDB where the key store keeps the DPoP key pair. */
export interface StoredKey {
  privateType: string;
  privateExtractable: boolean;
  /** How `exportKey('jwk', privateKey)` ended: a key that cannot leave WebCrypto rejects. */
  privateExport: string;
  algorithm: string;
  /** RFC 7638 thumbprint of the public key, as a resource server computes it from a proof. */
  jkt: string;
}

const config = (await (await fetch('/config.json')).json()) as PageConfig;
const redirectUri = `${location.origin}/`;
const op = oauth({
  issuer: config.issuer,
  clientId: 'spa',
  clientMetadata: { id_token_signed_response_alg: 'ES256' },
  redirectUri,
  scope: config.scope,
  // No keyStore: in a browser that is the IndexedDB one, shared by every tab of the origin.
  dpop: true,
  resource: config.resource,
  allowInsecureRequests: true,
});
// refreshMargin 0: the token is renewed when it expires, not before, so a burst meets an expired one.
const session = createAuthSession({
  refresh: op.refresh,
  plugins: [op, crossTab({ name: 'oauth-e2e' })],
  refreshMargin: 0,
});
const authFetch = createAuthFetch(session, { origins: [config.api] });

async function burst(count: number, startAt: number): Promise<number[]> {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
  const requests = Array.from({ length: count }, (_, i) => authFetch(`${config.api}/api/data?n=${i}`));
  return (await Promise.all(requests)).map((response) => response.status);
}

async function storedKey(): Promise<StoredKey> {
  const database = await request(indexedDB.open('tokenflight-dpop'));
  const pair = (await request(database.transaction('keys').objectStore('keys').get('dpop'))) as CryptoKeyPair;
  database.close();
  const privateExport = await crypto.subtle.exportKey('jwk', pair.privateKey).then(
    () => 'exported',
    (error: unknown) => (error instanceof Error ? error.name : String(error)),
  );
  const { crv, kty, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify({ crv, kty, x, y })));
  const jkt = btoa(String.fromCharCode(...new Uint8Array(digest)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
  const algorithm = pair.privateKey.algorithm as EcKeyAlgorithm;
  return {
    privateType: pair.privateKey.type,
    privateExtractable: pair.privateKey.extractable,
    privateExport,
    algorithm: `${algorithm.name} ${algorithm.namedCurve}`,
    jkt,
  };
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('the IndexedDB request failed'));
  });
}

async function start(): Promise<void> {
  if (op.hasLoginAnswer()) await op.handleRedirectCallback(session);
  document.getElementById('login')?.addEventListener('click', (event) => {
    event.preventDefault();
    void op.loginWithRedirect({ prompt: 'consent', resource: config.resource });
  });
}

declare global {
  interface Window {
    oauthPage: {
      ready: Promise<void>;
      session: typeof session;
      burst: typeof burst;
      storedKey: typeof storedKey;
    };
  }
}

window.oauthPage = { ready: start(), session, burst, storedKey };
