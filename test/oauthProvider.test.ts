// Behaviour of the OAuth test harness itself (test/oauth/*): a real oidc-provider
// authorization server, a jose-verifying resource server and an oauth4webapi client.
import { afterEach, describe, expect, it } from 'vitest';
import * as oauth from 'oauth4webapi';
import { randomUUID, createHash } from 'node:crypto';
import { SignJWT, decodeJwt, exportJWK, generateKeyPair } from 'jose';
import {
  API_RESOURCE,
  startAuthorizationServer,
  type AuthorizationServer,
  type AuthorizationServerOptions,
} from './oauth/authorizationServer.js';
import { discover, loginWithCodeFlow, rawRefresh, revokeToken } from './oauth/codeFlow.js';
import { startResourceServer, type ResourceServer, type ResourceServerOptions } from './oauth/resourceServer.js';

const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function authorizationServer(options?: AuthorizationServerOptions): Promise<AuthorizationServer> {
  const as = await startAuthorizationServer(options);
  closers.push(as.close);
  return as;
}

async function resourceServer(as: AuthorizationServer, dpop?: ResourceServerOptions['dpop']): Promise<ResourceServer> {
  const rs = await startResourceServer({ issuer: as, dpop });
  closers.push(rs.close);
  return rs;
}

function get(rs: ResourceServer, path: string, authorization?: string): Promise<Response> {
  return fetch(`${rs.url}${path}`, { headers: authorization ? { authorization } : {} });
}

/** A DPoP handle like the library will hold: one key pair, nonces cached per origin. */
async function dpopHandle(as: AuthorizationServer) {
  const keyPair = await oauth.generateKeyPair('ES256');
  const { client } = await discover(as);
  return oauth.DPoP(client, keyPair);
}

/** protectedResourceRequest with one retry on `use_dpop_nonce`, as RFC 9449 §9 intends. */
async function dpopGet(
  rs: ResourceServer,
  path: string,
  accessToken: string,
  dpop: oauth.DPoPHandle,
): Promise<Response> {
  const send = () =>
    oauth.protectedResourceRequest(accessToken, 'GET', new URL(`${rs.url}${path}`), undefined, undefined, {
      DPoP: dpop,
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- the test servers run on plain http://127.0.0.1
      [oauth.allowInsecureRequests]: true,
    });
  try {
    return await send();
  } catch (err) {
    if (oauth.isDPoPNonceError(err)) return send();
    throw err;
  }
}

function sleepUntilExpired(accessToken: string): Promise<void> {
  const { exp } = decodeJwt(accessToken);
  // jose refuses a token once now >= exp; wait just past it.
  const ms = (exp ?? 0) * 1000 - Date.now() + 50;
  return new Promise((resolve) => setTimeout(resolve, Math.max(ms, 0)));
}

describe('authorization code flow with PKCE', () => {
  it('yields a JWT access token for the API, a refresh token, token_type Bearer and expires_in = ttl', async () => {
    const as = await authorizationServer({ accessTokenTtl: 3 });

    const tokens = await loginWithCodeFlow(as, { login: 'bob' });

    expect(tokens.access_token.split('.')).toHaveLength(3);
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      iss: as.issuer,
      aud: API_RESOURCE,
      sub: 'bob',
      client_id: 'spa',
    });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.expires_in).toBe(3);
    expect(as.counters.codeGrants).toBe(1);
  });
});

describe('resource server (Bearer)', () => {
  it('accepts the token, then answers invalid_token once it expired', async () => {
    // Not 1 s: iat is whole seconds, so a 1 s token minted at x.999 is already expired at x+1.001.
    const as = await authorizationServer({ accessTokenTtl: 2 });
    const rs = await resourceServer(as);
    const { access_token } = await loginWithCodeFlow(as);

    const ok = await get(rs, '/api/data', `Bearer ${access_token}`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, sub: 'alice', n: 1 });

    await sleepUntilExpired(access_token);
    const expired = await get(rs, '/api/data', `Bearer ${access_token}`);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toMatch(
      /^Bearer error="invalid_token", error_description="[^"]*exp/,
    );
    expect(rs.counters).toMatchObject({ requests: 2, ok: 1, unauthorized: { invalid_token: 1 } });
  });

  it('challenges with a bare Bearer when no credentials are sent, and on /api/always-401', async () => {
    const as = await authorizationServer();
    const rs = await resourceServer(as);

    const missing = await get(rs, '/api/data');
    const always = await get(rs, '/api/always-401');

    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(always.status).toBe(401);
    expect(always.headers.get('www-authenticate')).toBe('Bearer');
    expect(rs.counters.unauthorized).toEqual({ missing: 1, always_401: 1 });
  });

  it('answers insufficient_scope on /api/scope for an authenticated caller', async () => {
    const as = await authorizationServer({ accessTokenTtl: 10 });
    const rs = await resourceServer(as);
    const { access_token } = await loginWithCodeFlow(as);

    const res = await get(rs, '/api/scope', `Bearer ${access_token}`);

    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope"/);
  });
});

describe('refresh token rotation', () => {
  it('rotates once, then reuse of the old token revokes the whole grant', async () => {
    const as = await authorizationServer();
    const { refresh_token: first } = await loginWithCodeFlow(as);

    const rotated = await rawRefresh(as, first!);
    expect(rotated.ok).toBe(true);
    const second = rotated.ok ? rotated.tokens.refresh_token : undefined;
    expect(second).toEqual(expect.any(String));
    expect(second).not.toBe(first);
    expect(rotated.ok && rotated.tokens.access_token.split('.')).toHaveLength(3);

    expect(await rawRefresh(as, first!)).toMatchObject({ ok: false, status: 400, error: 'invalid_grant' });
    expect(await rawRefresh(as, second!)).toMatchObject({ ok: false, status: 400, error: 'invalid_grant' });

    expect(as.counters).toMatchObject({
      refreshGrants: 1,
      reuseDetected: 1,
      grantsRevoked: 1,
      tokenErrors: ['invalid_grant', 'invalid_grant'],
    });
  });

  it('revokeGrantOf ends the grant: its refresh token no longer works', async () => {
    const as = await authorizationServer();
    const { refresh_token } = await loginWithCodeFlow(as);

    await as.revokeGrantOf(refresh_token!);

    expect(await rawRefresh(as, refresh_token!)).toMatchObject({ ok: false, error: 'invalid_grant' });
    expect(as.counters.refreshGrants).toBe(0);
  });
});

describe('DPoP', () => {
  it('token endpoint: one use_dpop_nonce challenge, then a DPoP-bound token; a rotated nonce costs exactly one more', async () => {
    const as = await authorizationServer();
    const dpop = await dpopHandle(as);

    const tokens = await loginWithCodeFlow(as, { dpop });
    expect(as.counters.nonceChallenges).toBe(1);
    expect(tokens.token_type).toBe('DPoP');
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt: await dpop.calculateThumbprint() });

    // The handle kept the nonce: no new challenge.
    const refreshed = await rawRefresh(as, tokens.refresh_token!, { dpop });
    expect(refreshed).toMatchObject({ ok: true, tokens: { token_type: 'DPoP' } });
    expect(as.counters.nonceChallenges).toBe(1);

    as.rotateDpopNonce();
    const afterRotation = await rawRefresh(as, refreshed.ok ? refreshed.tokens.refresh_token! : '', { dpop });
    expect(afterRotation.ok).toBe(true);
    expect(as.counters.nonceChallenges).toBe(2);
    expect(as.counters.tokenErrors).toEqual(['use_dpop_nonce', 'use_dpop_nonce']);
  });

  it('the login helper also takes a bare key pair', async () => {
    const as = await authorizationServer({ dpopRequireNonce: false });

    const tokens = await loginWithCodeFlow(as, { dpopKeyPair: await oauth.generateKeyPair('ES256') });

    expect(tokens.token_type).toBe('DPoP');
    expect(as.counters.nonceChallenges).toBe(0);
  });

  it('resource server: refuses the bound token as Bearer, accepts DPoP + proof after its own nonce challenge', async () => {
    const as = await authorizationServer({ accessTokenTtl: 10 });
    const rs = await resourceServer(as, { requireNonce: true });
    const dpop = await dpopHandle(as);
    const { access_token } = await loginWithCodeFlow(as, { dpop });

    const asBearer = await get(rs, '/api/data', `Bearer ${access_token}`);
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token"/);

    const withoutProof = await get(rs, '/api/data', `DPoP ${access_token}`);
    expect(withoutProof.status).toBe(401);
    expect(withoutProof.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof"/);

    const first = await dpopGet(rs, '/api/data', access_token, dpop);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ ok: true, sub: 'alice' });
    expect(first.headers.get('dpop-nonce')).toBe(rs.currentNonce());
    expect(rs.counters.unauthorized).toEqual({ dpop_bound_as_bearer: 1, dpop_proof_invalid: 1, use_dpop_nonce: 1 });

    // Same nonce: no challenge. Rotated nonce: exactly one.
    expect((await dpopGet(rs, '/api/data', access_token, dpop)).status).toBe(200);
    expect(rs.counters.unauthorized.use_dpop_nonce).toBe(1);
    rs.rotateNonce();
    expect((await dpopGet(rs, '/api/data', access_token, dpop)).status).toBe(200);
    expect(rs.counters.unauthorized.use_dpop_nonce).toBe(2);

    expect(rs.counters.ok).toBe(3);
    expect([...rs.counters.seenJkts]).toEqual([await dpop.calculateThumbprint()]);
  });
});

describe('resource server DPoP proof checks (hand-made proofs)', () => {
  it('accepts a correct proof once and refuses every broken one', async () => {
    const as = await authorizationServer({ accessTokenTtl: 10, dpopRequireNonce: false });
    const rs = await resourceServer(as, { requireNonce: true });
    const keys = await generateKeyPair('ES256');
    const { access_token } = await loginWithCodeFlow(as, { dpopKeyPair: keys });
    const ath = createHash('sha256').update(access_token).digest('base64url');

    async function proof(claims: Record<string, unknown> = {}, signer: CryptoKeyPair = keys, typ = 'dpop+jwt') {
      return new SignJWT({
        jti: randomUUID(),
        iat: Math.floor(Date.now() / 1000),
        htm: 'GET',
        htu: `${rs.url}/api/data`,
        ath,
        nonce: rs.currentNonce(),
        ...claims,
      })
        .setProtectedHeader({ alg: 'ES256', typ, jwk: await exportJWK(signer.publicKey) })
        .sign(signer.privateKey);
    }
    const send = (dpop: string, path = '/api/data') =>
      fetch(`${rs.url}${path}`, { headers: { authorization: `DPoP ${access_token}`, dpop } });
    const challengeOf = async (dpop: string) => (await send(dpop)).headers.get('www-authenticate') ?? '';

    const valid = await proof();
    // htu excludes the query (RFC 9449 §4.3).
    expect((await send(valid, '/api/data?page=2')).status).toBe(200);

    expect(await challengeOf(valid)).toMatch(/error="invalid_dpop_proof", error_description="[^"]*replayed/);
    expect(await challengeOf(await proof({ htu: `${rs.url}/api/other` }))).toMatch(/htu mismatch/);
    expect(await challengeOf(await proof({ htm: 'POST' }))).toMatch(/htm mismatch/);
    expect(await challengeOf(await proof({ ath: 'x'.repeat(43) }))).toMatch(/ath mismatch/);
    expect(await challengeOf(await proof({ iat: Math.floor(Date.now() / 1000) - 300 }))).toMatch(/iat is not recent/);
    expect(await challengeOf(await proof({}, await generateKeyPair('ES256')))).toMatch(
      /does not match the token cnf\.jkt/,
    );
    expect(await challengeOf(await proof({}, keys, 'JWT'))).toMatch(/invalid_dpop_proof/);
    expect(await challengeOf(await proof({ nonce: undefined }))).toMatch(/^DPoP error="use_dpop_nonce"/);

    expect(rs.counters.ok).toBe(1);
    expect(rs.counters.unauthorized).toEqual({ dpop_proof_invalid: 7, use_dpop_nonce: 1 });
    expect(rs.counters.seenJkts.size).toBe(2);
  });
});

describe('RFC 7009 revocation', () => {
  it('revoking the refresh token is counted and the token then fails with invalid_grant', async () => {
    const as = await authorizationServer();
    const { refresh_token } = await loginWithCodeFlow(as);

    await revokeToken(as, refresh_token!);

    expect(as.counters.revocations).toBe(1);
    expect(as.counters.grantsRevoked).toBe(1);
    expect(await rawRefresh(as, refresh_token!)).toMatchObject({ ok: false, error: 'invalid_grant' });
  });
});

describe('CORS for a browser page on another loopback port', () => {
  const origin = 'http://127.0.0.1:5173';

  it('the token endpoint and the resource server answer preflights for loopback origins', async () => {
    const as = await authorizationServer();
    const rs = await resourceServer(as, { requireNonce: true });
    const { metadata } = await discover(as);
    const preflight = (url: string) =>
      fetch(url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'dpop, content-type',
        },
      });

    const token = await preflight(metadata.token_endpoint!);
    const api = await preflight(`${rs.url}/api/data`);

    expect(token.status).toBe(204);
    expect(token.headers.get('access-control-allow-origin')).toBe(origin);
    expect(api.status).toBe(204);
    expect(api.headers.get('access-control-allow-origin')).toBe(origin);
    expect(api.headers.get('access-control-allow-headers')).toBe('authorization, dpop, content-type');
    expect(api.headers.get('access-control-expose-headers')).toBe('DPoP-Nonce, WWW-Authenticate');
  });

  it('a token request from a loopback origin is allowed; from another origin it is refused', async () => {
    const as = await authorizationServer();
    const { refresh_token } = await loginWithCodeFlow(as);
    const { metadata } = await discover(as);
    const refreshFrom = (from: string, token: string) =>
      fetch(metadata.token_endpoint!, {
        method: 'POST',
        headers: { origin: from, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: 'spa' }),
      });

    const refused = await refreshFrom('https://evil.example', refresh_token!);
    expect(refused.status).toBe(400);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();

    const allowed = await refreshFrom(origin, refresh_token!);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(origin);
    // A browser client must be able to read the token endpoint's nonce.
    expect(allowed.headers.get('access-control-expose-headers')).toContain('DPoP-Nonce');
  });
});
