// User code for docs/server.md, as a server would write it; test/redis/serverDocs.test.ts runs it against
// a real redis-server, oidc-provider and resource server.
// --- snippet: redis-pool ---
import { createClient } from 'redis';
import type { TokenInput } from 'tokenflight';
import { createAuthFetch } from 'tokenflight/fetch';
import { oauth } from 'tokenflight/oauth';
import { createRedisStore, createSessionPool } from 'tokenflight/redis';
import { settings } from './serverSettings.js';

export const op = oauth({
  issuer: settings.issuer,
  clientId: settings.clientId,
  // Only if your client is registered for ES256-signed ID tokens (the default is RS256).
  clientMetadata: { id_token_signed_response_alg: 'ES256' },
  allowInsecureRequests: settings.insecure, // http:// in local development only
});

export const client = createClient({ url: settings.redisUrl, disableOfflineQueue: true });
client.on('error', (error: Error) => console.error('redis:', error.message));
await client.connect();
export const store = createRedisStore({ client, lease: 5_000 });
export const pool = createSessionPool({
  store,
  session: () => ({ refresh: op.refresh, plugins: [op] }),
  maxSessions: 1_000,
  idleTimeout: 60_000,
});

/** Calls the customer's API with their grant: one session per customer, shared by every request and instance. */
export function callApi(customerId: string, path: string): Promise<unknown> {
  return pool.use(`customer:${customerId}`, async (session) => {
    const authFetch = createAuthFetch(session, { origins: [settings.api] });
    const response = await authFetch(`${settings.api}${path}`);
    return response.json();
  });
}
// --- end of snippet ---

// --- snippet: redis-login ---
/**
 * Where the grant starts (the OAuth callback, an admin connecting an integration): `answer` is the token
 * endpoint's JSON, `{ access_token, refresh_token, expires_in }`, which `login` takes as it is.
 */
export async function connectCustomer(customerId: string, answer: TokenInput): Promise<void> {
  await pool.use(`customer:${customerId}`, (session) => session.login(answer));
}
// --- end of snippet ---
