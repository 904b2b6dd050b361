// The BFF recipe end to end: a browser (a cookie jar and a tokenflight session in cookie + CSRF
// mode) logs in through two BFF instances (test/redis/bffServer.ts) that keep its tokens in Redis,
// against oidc-provider (confidential client, rotating refresh tokens) and a resource server.
import { createClient } from 'redis';
import * as o4w from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { oauth } from 'tokenflight/oauth';
import { createRedisStore } from 'tokenflight/redis';
import { API_SCOPE, startAuthorizationServer, type AuthorizationServer } from '../oauth/authorizationServer.js';
import { walkInteractions } from '../oauth/codeFlow.js';
import { startResourceServer, type ResourceServer } from '../oauth/resourceServer.js';
import { freePort, startRedisServer, type RedisServer } from '../support/redisServer.js';
import { settings } from '../userCode/bffSettings.js';
import { createBff, newSecret } from './bffServer.js';

const closers: Array<() => unknown> = [];
let redis: RedisServer;
let as: AuthorizationServer;
let rs: ResourceServer;
let bffs: string[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  redis = await startRedisServer();
  closers.push(() => redis.close());
  const ports = [await freePort(), await freePort()];
  bffs = ports.map((port) => `http://127.0.0.1:${port}`);
  const clientSecret = newSecret();
  as = await startAuthorizationServer({
    accessTokenTtl: 2,
    clients: [
      {
        client_id: 'bff',
        client_secret: clientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: bffs.map((url) => `${url}/callback`),
      },
    ],
  });
  closers.push(() => as.close());
  rs = await startResourceServer({ issuer: as });
  closers.push(() => rs.close());
  const secret = newSecret();
  for (const [index, publicUrl] of bffs.entries()) {
    // Each instance with its own Redis connection, as separate processes would have.
    const client = createClient({ url: redis.url, disableOfflineQueue: true });
    client.on('error', () => {});
    await client.connect();
    closers.push(() => client.destroy());
    const store = createRedisStore({ client });
    closers.push(() => store.close());
    const op = oauth({
      issuer: as.issuer,
      clientId: 'bff',
      clientAuth: o4w.ClientSecretBasic(clientSecret),
      clientMetadata: { id_token_signed_response_alg: 'ES256' },
      dpop: false,
      allowInsecureRequests: true,
    });
    const server = createBff({
      store,
      op,
      publicUrl,
      apiOrigin: rs.url,
      secret,
      scope: `openid offline_access ${API_SCOPE}`,
    });
    await new Promise<void>((resolve) => server.listen(ports[index], '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(resolve)));
  }
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/** The browser's cookies (for 127.0.0.1, every port: cookies do not separate ports). */
function browser() {
  const network = globalThis.fetch; // the real one, before the page's module sees the jar as its fetch
  const cookies = new Map<string, string>();
  const fetchWithCookies: typeof fetch = async (input, init) => {
    const request = new Request(input, { ...init, redirect: 'manual' });
    // Once it is the global fetch, the BFF's own calls to the provider pass here too: they are not the browser's.
    if (!bffs.some((bff) => request.url.startsWith(`${bff}/`))) return network(input, init);
    if (cookies.size) request.headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await network(request);
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', ...value] = pair.split('=');
      if (value.join('=') === '') cookies.delete(name);
      else cookies.set(name, value.join('='));
    }
    return response;
  };
  return { fetch: fetchWithCookies, cookies };
}

describe('the BFF recipe', () => {
  it('logs in through the code flow, calls the API through either instance, refreshes once across both, logs out everywhere', async () => {
    const [first = '', second = ''] = bffs;
    const jar = browser();
    const start = await jar.fetch(`${first}/login`);
    expect(start.status).toBe(302);
    const callback = await walkInteractions(new URL(start.headers.get('location') ?? ''), 'alice', `${first}/callback`);
    const landed = await jar.fetch(callback);
    expect(landed.status).toBe(302);
    // The browser holds a session cookie, never a token.
    expect([...jar.cookies.keys()]).toEqual(['bff_session']);

    // The page's module, loaded as the browser loads it: with the browser's fetch (its cookies) and the settings.
    vi.stubGlobal('fetch', jar.fetch);
    closers.push(() => vi.unstubAllGlobals());
    Object.assign(settings, { bff: first, bffOrigins: bffs });
    const { api, session } = await import('../userCode/bffPage.js');
    closers.push(() => session.stop());
    const call = async (index: number) => {
      const response = await api(`${bffs[index % 2] ?? first}/api/data`);
      return { status: response.status, body: (await response.json()) as { sub?: string } };
    };

    const warm = await Promise.all(Array.from({ length: 10 }, (_, index) => call(index)));
    expect(warm.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(warm[0]?.body.sub).toBe('alice');
    expect(as.counters.refreshGrants).toBe(0);

    // Past the access token's 2 s: 20 calls spread over both instances refresh it once.
    await sleep(2_200);
    const later = await Promise.all(Array.from({ length: 20 }, (_, index) => call(index)));
    expect(later.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(as.counters.refreshGrants).toBe(1);
    expect(as.counters.reuseDetected).toBe(0);

    // Without the CSRF value (a cross-site form), the BFF refuses.
    expect((await jar.fetch(`${second}/api/data`)).status).toBe(403);

    const logout = await api(`${second}/logout`, { method: 'POST' });
    expect(logout.status).toBe(200);
    const csrf = session.tokens?.accessToken ?? '';
    const after = await jar.fetch(`${first}/api/data`, { headers: { 'x-csrf-token': csrf } });
    expect(after.status).toBe(401);
  });
});
