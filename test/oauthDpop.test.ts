// DPoP (RFC 9449) through tokenflight/oauth against a real oidc-provider that demands nonces:
// one non-extractable key for the code exchange, every refresh and every API request; nonces
// answered at once, never by a refresh; a reload keeps the key, a logout drops it.
import { afterEach, describe, expect, it } from 'vitest';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, exportJWK, type JWK } from 'jose';
import { memoryKeyStore, oauth, type DPoPKeyStore, type OAuthClient } from '../src/oauth/index.js';
import type { TokenSet } from '../src/index.js';
import { startAuthorizationServer, type AuthorizationServer } from './oauth/authorizationServer.js';
import { startResourceServer, type ResourceServer } from './oauth/resourceServer.js';
import { logIn } from './support/oauthLogin.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function servers(): Promise<{ as: AuthorizationServer; rs: ResourceServer }> {
  const as = await startAuthorizationServer({ accessTokenTtl: 30 });
  const rs = await startResourceServer({ issuer: as, dpop: { requireNonce: true } });
  closers.push(as.close, rs.close);
  return { as, rs };
}

function dpopClient(as: AuthorizationServer, keyStore: DPoPKeyStore): OAuthClient {
  return oauth({
    issuer: as.issuer,
    clientId: 'spa',
    clientMetadata: { id_token_signed_response_alg: 'ES256' },
    dpop: { keyStore },
    allowInsecureRequests: true,
  });
}

async function thumbprintOf(keyStore: DPoPKeyStore): Promise<string> {
  const { publicKey } = await keyStore.getOrCreate(() => Promise.reject(new Error('no key stored')));
  return calculateJwkThumbprint(await exportJWK(publicKey));
}

const cnfJkt = (accessToken: string) => (decodeJwt(accessToken).cnf as { jkt: string }).jkt;

/** What an adapter does with the op's scheme: authorize, send, observe, and one replay on `retry`. */
async function getData(op: OAuthClient, rs: ResourceServer, tokens: TokenSet): Promise<{ status: number; classified?: string }> {
  const scheme = op.setup({ storage: undefined, refreshTimeout: 10_000, isTerminal: () => false, now: Date.now }).scheme!;
  const url = new URL(`${rs.url}/api/data`);
  const send = async () => {
    const headers = new Headers();
    await scheme.authorize({ method: 'GET', url, headers }, tokens);
    const response = await fetch(url, { headers });
    scheme.observe!({ status: response.status, url, headers: response.headers });
    return response;
  };
  const first = await send();
  if (first.status !== 401) return { status: first.status };
  const classified = scheme.classify!({ status: 401, url, headers: first.headers });
  return classified === 'retry' ? { status: (await send()).status, classified } : { status: first.status, classified };
}

describe('DPoP-bound tokens from a real provider', () => {
  it('binds the code exchange and every refresh to one non-extractable key, answering token-endpoint nonce challenges at once', async () => {
    const { as } = await servers();
    const keyStore = memoryKeyStore();
    const op = dpopClient(as, keyStore);

    const login = await logIn(op);
    const jkt = await thumbprintOf(keyStore);
    as.rotateDpopNonce();
    const refreshed = await op.refresh({ refreshToken: login.refreshToken!, tokens: null, signal: new AbortController().signal });

    expect(login.token_type).toBe('dpop');
    expect(refreshed.token_type).toBe('dpop');
    expect([cnfJkt(login.accessToken), cnfJkt(refreshed.accessToken)]).toEqual([jkt, jkt]);
    expect((await keyStore.getOrCreate(() => Promise.reject(new Error('no key')))).privateKey.extractable).toBe(false);
    // One challenge at the code exchange (no nonce yet), one after the rotation: each answered by one resend.
    expect(as.counters.nonceChallenges).toBe(2);
    expect(as.counters.tokenErrors).toEqual(['use_dpop_nonce', 'use_dpop_nonce']);
    expect([as.counters.codeGrants, as.counters.refreshGrants, as.counters.reuseDetected]).toEqual([1, 1, 0]);
  });

  it('signs each API request with htm, htu, ath and the resource server nonce; a rotated nonce is a retry, never a refresh', async () => {
    const { as, rs } = await servers();
    const keyStore = memoryKeyStore();
    const op = dpopClient(as, keyStore);
    const login = await logIn(op);
    const tokens: TokenSet = { accessToken: login.accessToken, refreshToken: login.refreshToken ?? null, expiresAt: null, tokenType: null, scope: null };

    const headers = new Headers();
    const scheme = op.setup({ storage: undefined, refreshTimeout: 10_000, isTerminal: () => false, now: Date.now }).scheme!;
    await scheme.authorize({ method: 'post', url: new URL(`${rs.url}/api/data?q=1`), headers }, tokens);
    const proof = headers.get('DPoP')!;
    const first = await getData(op, rs, tokens);
    const steady = await getData(op, rs, tokens);
    rs.rotateNonce();
    const afterRotation = await getData(op, rs, tokens);

    expect(headers.get('Authorization')).toBe(`DPoP ${login.accessToken}`);
    expect(decodeJwt(proof)).toMatchObject({ htm: 'POST', htu: `${rs.url}/api/data`, ath: expect.any(String) });
    expect(await calculateJwkThumbprint(decodeProtectedHeader(proof).jwk as JWK)).toBe(await thumbprintOf(keyStore));
    expect([first, steady, afterRotation]).toEqual([
      { status: 200, classified: 'retry' },
      { status: 200 },
      { status: 200, classified: 'retry' },
    ]);
    expect(rs.counters.unauthorized).toEqual({ use_dpop_nonce: 2 });
    expect(as.counters.refreshGrants).toBe(0);
  });

  it('a new client over the same key store (a reload) keeps refreshing with the same key', async () => {
    const { as, rs } = await servers();
    const keyStore = memoryKeyStore();
    const login = await logIn(dpopClient(as, keyStore));

    const reloaded = dpopClient(as, keyStore);
    const refreshed = await reloaded.refresh({ refreshToken: login.refreshToken!, tokens: null, signal: new AbortController().signal });
    const tokens: TokenSet = { accessToken: refreshed.accessToken, refreshToken: refreshed.refreshToken ?? null, expiresAt: null, tokenType: null, scope: null };

    expect((await getData(reloaded, rs, tokens)).status).toBe(200);
    expect(cnfJkt(refreshed.accessToken)).toBe(cnfJkt(login.accessToken));
    expect(rs.counters.seenJkts).toEqual(new Set([await thumbprintOf(keyStore)]));
    expect(as.counters.refreshGrants).toBe(1);
  });

  it('logout forgets the key and the nonces: the next login is bound to a new key', async () => {
    const { as } = await servers();
    const keyStore = memoryKeyStore();
    const op = dpopClient(as, keyStore);
    const first = await logIn(op);

    op.setup({ storage: undefined, refreshTimeout: 10_000, isTerminal: () => false, now: Date.now }).loggedOut!({
      accessToken: first.accessToken,
      refreshToken: first.refreshToken ?? null,
      expiresAt: null,
      tokenType: null,
      scope: null,
    });
    const second = await logIn(op);

    expect(cnfJkt(second.accessToken)).not.toBe(cnfJkt(first.accessToken));
    expect(cnfJkt(second.accessToken)).toBe(await thumbprintOf(keyStore));
    // The forgotten nonce is asked for again at the next exchange.
    expect(as.counters.nonceChallenges).toBe(2);
  });
});
