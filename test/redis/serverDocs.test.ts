// docs/server.md's code, run: a server calling an API for many customers through one pool, the
// tokens in Redis, against a real OpenID Provider, a real resource server and a real redis-server.
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthFetch } from 'tokenflight/fetch';
import { oauth } from 'tokenflight/oauth';
import { createRedisStore, createSessionPool } from 'tokenflight/redis';
import { startAuthorizationServer, type AuthorizationServer } from '../oauth/authorizationServer.js';
import { loginWithCodeFlow } from '../oauth/codeFlow.js';
import { startResourceServer, type ResourceServer } from '../oauth/resourceServer.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';

let redis: RedisServer;
let as: AuthorizationServer;
let rs: ResourceServer;
const closers: Array<() => unknown> = [];

beforeAll(async () => {
  redis = await startRedisServer();
  as = await startAuthorizationServer({ accessTokenTtl: 60 });
  rs = await startResourceServer({ issuer: as });
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await Promise.all([rs.close(), as.close(), redis.close()]);
});

describe('docs/server.md', () => {
  it('a pool of sessions in Redis calls the API for each customer, one refresh per customer', async () => {
    const REDIS_URL = redis.url;
    const API_ORIGIN = rs.url;
    const op = oauth({
      issuer: as.issuer,
      clientId: 'spa',
      clientMetadata: { id_token_signed_response_alg: 'ES256' },
      dpop: false,
      allowInsecureRequests: true,
    });

    // --- snippet: redis-pool ---
    const client = createClient({ url: REDIS_URL, disableOfflineQueue: true });
    client.on('error', (error: Error) => console.error('redis:', error.message));
    await client.connect();
    const store = createRedisStore({ client, lease: 5_000 });
    const pool = createSessionPool({
      store,
      session: () => ({ refresh: op.refresh, plugins: [op] }),
      maxSessions: 1_000,
      idleTimeout: 60_000,
    });

    /** Calls the customer's API with their grant: one session per customer, shared by every request and instance. */
    function callApi(customerId: string, path: string): Promise<unknown> {
      return pool.use(`customer:${customerId}`, async (session) => {
        const authFetch = createAuthFetch(session, { origins: [API_ORIGIN] });
        const response = await authFetch(`${API_ORIGIN}${path}`);
        return response.json();
      });
    }
    // --- end of snippet ---
    closers.push(
      () => client.destroy(),
      () => store.close(),
      () => pool.close(),
    );

    const raw = await loginWithCodeFlow(as);
    // --- snippet: redis-login ---
    // Where the grant starts (the OAuth callback, an admin connecting an integration):
    await pool.use('customer:acme', (session) =>
      session.login({
        accessToken: raw.access_token,
        refreshToken: raw.refresh_token ?? null,
        expiresIn: raw.expires_in,
      }),
    );
    // --- end of snippet ---

    const answers = await Promise.all(Array.from({ length: 10 }, () => callApi('acme', '/api/data')));
    expect(answers).toHaveLength(10);
    expect(answers[0]).toMatchObject({ sub: 'alice' });
    expect(as.counters.refreshGrants).toBe(0);

    // The provider revokes nothing; the access token expires and the next calls refresh once.
    await pool.use('customer:acme', (session) => {
      const tokens = session.tokens;
      if (tokens) session.login({ ...tokens, expiresAt: Date.now() - 1_000 });
    });
    await Promise.all(Array.from({ length: 10 }, () => callApi('acme', '/api/data')));
    expect(as.counters.refreshGrants).toBe(1);
    expect(as.counters.reuseDetected).toBe(0);
  });
});
