// DPoP (RFC 9449) through tokenflight/oauth against a real oidc-provider and a resource server
// that both demand nonces: one non-extractable key for the code exchange, every refresh and
// every request; nonces answered by a resend, never by a refresh; a reload keeps the key, a
// logout drops it; fetch, axios, ky and Angular's HttpClient all carry the op's scheme.
// First: it loads Angular's JIT compiler, which links @angular/common's classes as they load.
import { angularHttp, answerOf } from './support/angular.js';
import axios from 'axios';
import ky from 'ky';
import { describe, expect, it } from 'vitest';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, exportJWK, type JWK } from 'jose';
import { attachAuth } from 'tokenflight/axios';
import { createAuthFetch } from 'tokenflight/fetch';
import { authHooks } from 'tokenflight/ky';
import type { DPoPKeyStore } from 'tokenflight/oauth';
import type { TokenSet } from 'tokenflight';
import { logIn } from './support/oauthLogin.js';
import { pastServerExpiry, useOAuthWorlds, type World } from './support/oauthSession.js';
import { match } from './support/matchers.js';

const { start, client, sessionOf } = useOAuthWorlds();

async function thumbprintOf(keyStore: DPoPKeyStore): Promise<string> {
  const { publicKey } = await keyStore.getOrCreate(() => Promise.reject(new Error('no key stored')));
  return calculateJwkThumbprint(await exportJWK(publicKey));
}

const cnfJkt = (accessToken: string) => (decodeJwt(accessToken).cnf as { jkt: string }).jkt;
const signal = () => new AbortController().signal;

describe('DPoP-bound tokens from a real provider', () => {
  it('binds the code exchange and every refresh to one non-extractable key, answering token-endpoint nonce challenges at once', async () => {
    const { as, op, keyStore, login } = await start({ scheme: 'DPoP', accessTokenTtl: 30 });
    const jkt = await thumbprintOf(keyStore);
    as.rotateDpopNonce();

    const refreshed = await op.refresh({ refreshToken: login.refresh_token!, tokens: null, signal: signal() });

    expect([login.token_type, refreshed.token_type]).toEqual(['dpop', 'dpop']);
    expect([cnfJkt(login.access_token), cnfJkt(refreshed.access_token)]).toEqual([jkt, jkt]);
    expect((await keyStore.getOrCreate(() => Promise.reject(new Error('no key')))).privateKey.extractable).toBe(false);
    // One challenge at the code exchange (no nonce yet), one after the rotation: each answered by one resend.
    expect(as.counters.tokenErrors).toEqual(['use_dpop_nonce', 'use_dpop_nonce']);
    expect([as.counters.codeGrants, as.counters.refreshGrants, as.counters.reuseDetected]).toEqual([1, 1, 0]);
  });

  it.each(['DPoP', 'dpop', null])(
    'the scheme signs a proof with htm, htu (no query) and ath for a token of type %s',
    async (tokenType) => {
      const { op, keyStore, login, api } = await start({ scheme: 'DPoP', accessTokenTtl: 30 });
      const scheme = op.setup({
        storage: undefined,
        refreshTimeout: 10_000,
        isTerminal: () => false,
        now: Date.now,
      }).scheme!;
      const tokens: TokenSet = {
        accessToken: login.access_token,
        refreshToken: null,
        expiresAt: null,
        tokenType,
        scope: null,
      };
      const headers = new Headers();

      await scheme.authorize({ method: 'POST', url: new URL(`${api}?q=1`), headers }, tokens);
      const proof = headers.get('DPoP')!;

      expect(headers.get('Authorization')).toBe(`DPoP ${login.access_token}`);
      expect(decodeJwt(proof)).toMatchObject({ htm: 'POST', htu: api, ath: match.any(String) });
      expect(await calculateJwkThumbprint(decodeProtectedHeader(proof).jwk as JWK)).toBe(await thumbprintOf(keyStore));
    },
  );
});

describe('DPoP through a session with plugins: [op]', () => {
  it('nonces rotated at both servers during a run cost one resend each and no refresh', async () => {
    const { as, rs, session, authFetch, api, events } = await start({ scheme: 'DPoP', accessTokenTtl: 30 });
    const statuses: number[] = [];

    for (let round = 0; round < 5; round += 1) {
      as.rotateDpopNonce();
      rs.rotateNonce();
      // A refresh the test asks for stands in for an expiry: the only refreshes there should be.
      await session.refresh();
      for (let i = 0; i < 3; i += 1) statuses.push((await authFetch(api)).status);
    }

    expect(statuses).toEqual(Array(15).fill(200));
    expect(events).toEqual(Array(5).fill('refreshed'));
    expect([as.counters.refreshGrants, as.counters.reuseDetected]).toEqual([5, 0]);
    // The login's challenge, then one per rotation, each answered by one resend.
    expect(as.counters.tokenErrors).toEqual(Array(6).fill('use_dpop_nonce'));
    expect(rs.counters.unauthorized).toEqual({ use_dpop_nonce: 5 });
  });

  it('a new session over the same storage and key store (a reload) keeps refreshing with the same key', async () => {
    const { as, rs, session, storage, keyStore, login, authFetch, api } = await start({
      scheme: 'DPoP',
      accessTokenTtl: 30,
    });
    expect((await authFetch(api)).status).toBe(200);
    session.stop();

    const reloaded = sessionOf(client(as, 'DPoP', keyStore), storage).session;
    await reloaded.refresh();
    const response = await createAuthFetch(reloaded, { origins: [rs.url] })(api);

    expect(response.status).toBe(200);
    expect(cnfJkt(reloaded.tokens!.accessToken)).toBe(cnfJkt(login.access_token));
    expect(rs.counters.seenJkts).toEqual(new Set([await thumbprintOf(keyStore)]));
    expect([as.counters.refreshGrants, as.counters.reuseDetected]).toEqual([1, 0]);
  });

  it('logout forgets the key and the nonces: the next login is bound to a new key', async () => {
    const { as, rs, op, session, keyStore, login, authFetch, api } = await start({
      scheme: 'DPoP',
      accessTokenTtl: 30,
    });
    expect((await authFetch(api)).status).toBe(200);

    session.logout();
    const second = await logIn(op);
    session.login(second);

    expect((await authFetch(api)).status).toBe(200);
    expect(cnfJkt(second.access_token)).not.toBe(cnfJkt(login.access_token));
    expect(cnfJkt(second.access_token)).toBe(await thumbprintOf(keyStore));
    expect(rs.counters.seenJkts.size).toBe(2);
    // The forgotten token endpoint nonce is asked for again at the next exchange.
    expect(as.counters.tokenErrors).toEqual(['use_dpop_nonce', 'use_dpop_nonce']);
  });
});

/** A burst of 20 after the token died, through another adapter: one grant, every request answered 200. */
async function burst(world: World, get: () => Promise<number>): Promise<void> {
  expect(await get()).toBe(200);
  world.as.rotateDpopNonce();
  await pastServerExpiry();

  const statuses = await Promise.all(Array.from({ length: 20 }, get));

  expect(statuses).toEqual(Array(20).fill(200));
  expect(world.rs.counters.unauthorized).toEqual({ use_dpop_nonce: 1, invalid_token: 20 });
  expect([world.as.counters.refreshGrants, world.as.counters.reuseDetected]).toEqual([1, 0]);
}

describe('the DPoP scheme in axios, ky and Angular', () => {
  it('axios: a burst of 401s after expiry makes one grant', async () => {
    const world = await start({ scheme: 'DPoP', accessTokenTtl: 2, expiryUnknownToSession: true });
    const instance = axios.create();
    attachAuth(world.session, instance, { origins: [world.rs.url] });

    await burst(world, async () => (await instance.get(world.api)).status);
  });

  it('ky: a burst of 401s after expiry makes one grant', async () => {
    const world = await start({ scheme: 'DPoP', accessTokenTtl: 2, expiryUnknownToSession: true });
    const instance = ky.create({ retry: 0, hooks: authHooks(world.session, { origins: [world.rs.url] }) });

    await burst(world, async () => (await instance.get(world.api)).status);
  });

  it('Angular HttpClient: a burst of 401s after expiry makes one grant', async () => {
    const world = await start({ scheme: 'DPoP', accessTokenTtl: 2, expiryUnknownToSession: true });
    const { http } = angularHttp(world.session, { origins: [world.rs.url] });

    await burst(world, async () => (await answerOf(http.get(world.api, { observe: 'response' }))).status);
  });
});
