// docs/server.md's code, run: a server calling an API for many customers through one pool, the
// tokens in Redis, against a real OpenID Provider, a real resource server and a real redis-server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthorizationServer, type AuthorizationServer } from '../oauth/authorizationServer.js';
import { loginWithCodeFlow } from '../oauth/codeFlow.js';
import { startResourceServer, type ResourceServer } from '../oauth/resourceServer.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { settings } from '../userCode/serverSettings.js';

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
    Object.assign(settings, { redisUrl: redis.url, issuer: as.issuer, clientId: 'spa', api: rs.url, insecure: true });
    // The server's module, loaded as the server loads it: after its settings.
    const { callApi, client, connectCustomer, pool, store } = await import('../userCode/customerApi.js');
    closers.push(
      () => client.destroy(),
      () => store.close(),
      () => pool.close(),
    );

    await connectCustomer('acme', await loginWithCodeFlow(as));
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
