// Redirect login against a real oidc-provider: the client builds and sends the authorization
// request, the provider's own login and consent pages are filled in (test/support/providerBrowser),
// and the callback is handled on a new page load (a new client and session over the same tab
// storage). The provider's counters show every code exchange it saw.
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  AuthorizationError,
  InvalidCallbackError,
  LoginStateError,
  memoryKeyStore,
  TokenEndpointError,
} from 'tokenflight/oauth';
import { API_RESOURCE, SPA_REDIRECT_URI, spaClient } from './oauth/authorizationServer.js';
import { MapStorage } from './support/mapStorage.js';
import { appTab, providerBrowser } from './support/providerBrowser.js';
import { useLoginPages } from './support/loginPages.js';

const { provider, pageLoad } = useLoginPages();

describe('loginWithRedirect and handleRedirectCallback', () => {
  it('logs in through the provider; after a reload the session and the user are still there, code and state gone from the URL', async () => {
    const as = await provider();
    const tab = appTab('http://127.0.0.1/app/orders?page=2');
    const local = new MapStorage();
    const browser = providerBrowser();

    const before = pageLoad(as, tab, local);
    await before.op.loginWithRedirect({
      appState: { returnTo: '/orders?page=2' },
      prompt: 'consent',
      resource: API_RESOURCE,
    });
    const request = tab.lastAssigned().searchParams;
    expect(
      Object.fromEntries(
        ['response_type', 'client_id', 'redirect_uri', 'code_challenge_method', 'prompt', 'resource'].map((name) => [
          name,
          request.get(name),
        ]),
      ),
    ).toEqual({
      response_type: 'code',
      client_id: 'spa',
      redirect_uri: SPA_REDIRECT_URI,
      code_challenge_method: 'S256',
      prompt: 'consent',
      resource: API_RESOURCE,
    });
    expect([request.get('state'), request.get('nonce'), request.get('code_challenge')]).not.toContain(null);

    const visit = await browser.visit(tab.lastAssigned());
    expect(visit.pages).toEqual(['login', 'consent']);
    // RFC 9207: the provider names itself in the answer, and the client checks it.
    expect(visit.landedAt.searchParams.get('iss')).toBe(as.issuer);
    tab.href = visit.landedAt.href;

    const callbackPage = pageLoad(as, tab, local);
    const result = await callbackPage.op.handleRedirectCallback(callbackPage.session);

    expect(result.appState).toEqual({ returnTo: '/orders?page=2' });
    expect(result.user).toMatchObject({ sub: 'alice', iss: as.issuer, aud: 'spa' });
    expect(callbackPage.session.status).toBe('idle');
    expect(tab.href).toBe(SPA_REDIRECT_URI);
    expect(callbackPage.op.user?.sub).toBe('alice');

    const reloaded = pageLoad(as, tab, local);
    expect(reloaded.session.status).toBe('idle');
    expect(reloaded.op.user).toMatchObject({ sub: 'alice', nonce: request.get('nonce') });
    expect(as.counters.codeGrants).toBe(1);
  });

  it('sends the extra parameters of a login as OpenID Connect names them', async () => {
    const as = await provider();
    const tab = appTab();
    const { op } = pageLoad(as, tab, new MapStorage());
    await op.loginWithRedirect({
      prompt: 'login',
      loginHint: 'alice@example.com',
      uiLocales: 'de fr',
      acrValues: 'urn:mace:incommon:iap:silver',
      resource: [API_RESOURCE, 'https://other.example/api'],
      parameters: { audience: 'orders' },
    });
    const request = tab.lastAssigned().searchParams;
    expect({
      prompt: request.get('prompt'),
      login_hint: request.get('login_hint'),
      ui_locales: request.get('ui_locales'),
      acr_values: request.get('acr_values'),
      resource: request.getAll('resource'),
      audience: request.get('audience'),
    }).toEqual({
      prompt: 'login',
      login_hint: 'alice@example.com',
      ui_locales: 'de fr',
      acr_values: 'urn:mace:incommon:iap:silver',
      resource: [API_RESOURCE, 'https://other.example/api'],
      audience: 'orders',
    });
    await expect(op.loginWithRedirect({ resource: 'not a uri' })).rejects.toThrow(
      'tokenflight/oauth: resource must be an absolute URI or a list of them, got "not a uri"',
    );
    await expect(op.loginWithRedirect({ parameters: { n: 1 } as never })).rejects.toThrow(
      'tokenflight/oauth: parameters must be an object of strings',
    );
  });

  it('refuses a reloaded callback (the same answer again) without a second code exchange', async () => {
    const as = await provider();
    const tab = appTab();
    const local = new MapStorage();
    const first = pageLoad(as, tab, local);
    await first.op.loginWithRedirect();
    const answer = (await providerBrowser().visit(tab.lastAssigned())).landedAt;
    tab.href = answer.href;
    await first.op.handleRedirectCallback(first.session);

    // The back button, or a bookmark of the callback: the same code and state on a new page load.
    tab.href = answer.href;
    const again = pageLoad(as, tab, local);
    const refusal = await again.op.handleRedirectCallback(again.session).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(LoginStateError);
    expect(refusal).toMatchObject({ name: 'LoginStateError', reason: 'unknown' });
    expect(as.counters.codeGrants).toBe(1);
    expect(as.counters.tokenErrors).toEqual([]);
    expect(tab.href).toBe(SPA_REDIRECT_URI);
  });

  it('refuses a tampered state: no code exchange, logged out', async () => {
    const as = await provider();
    const tab = appTab();
    const local = new MapStorage();
    const { op, session } = pageLoad(as, tab, local);
    await op.loginWithRedirect();
    const answer = (await providerBrowser().visit(tab.lastAssigned())).landedAt;
    answer.searchParams.set('state', 'forged-by-someone-else');
    tab.href = answer.href;

    const refusal = await op.handleRedirectCallback(session).catch((error: unknown) => error);

    expect(refusal).toMatchObject({ name: 'LoginStateError', reason: 'unknown' });
    expect([as.counters.codeGrants, as.counters.tokenErrors.length]).toEqual([0, 0]);
    expect(session.status).toBe('loggedOut');
    expect(op.user).toBeNull();
  });

  it('refuses the answer in a tab that did not start the login (its own sessionStorage)', async () => {
    const as = await provider();
    const local = new MapStorage();
    const starter = appTab();
    const { op } = pageLoad(as, starter, local);
    await op.loginWithRedirect();
    const other = appTab((await providerBrowser().visit(starter.lastAssigned())).landedAt.href);
    const elsewhere = pageLoad(as, other, local);

    const refusal = await elsewhere.op.handleRedirectCallback(elsewhere.session).catch((error: unknown) => error);

    expect(refusal).toMatchObject({ name: 'LoginStateError', reason: 'unknown' });
    expect(as.counters.codeGrants).toBe(0);
  });

  it('refuses an answer whose iss names another server (RFC 9207 mix-up): InvalidCallbackError, no exchange', async () => {
    const as = await provider();
    const tab = appTab();
    const { op, session } = pageLoad(as, tab, new MapStorage());
    await op.loginWithRedirect();
    const answer = (await providerBrowser().visit(tab.lastAssigned())).landedAt;
    answer.searchParams.set('iss', 'https://attacker.example');
    tab.href = answer.href;

    const refusal = await op.handleRedirectCallback(session).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(InvalidCallbackError);
    expect((refusal as Error).message).toMatch(/iss/);
    expect([as.counters.codeGrants, session.status]).toEqual([0, 'loggedOut']);
  });

  it('refuses an ID token whose nonce is not the one this login sent: one exchange, no login', async () => {
    const as = await provider();
    const tab = appTab();
    const local = new MapStorage();
    const { op, session } = pageLoad(as, tab, local);
    await op.loginWithRedirect();
    // The nonce this tab keeps no longer matches the request the provider answers (as for an
    // answer to another request): the ID token's nonce differs.
    const key = 'tokenflight:login:spa';
    tab.loginStorage.setItem(
      key,
      tab.loginStorage.getItem(key)!.replace(/"nonce":"[^"]+"/, '"nonce":"another-request"'),
    );
    tab.href = (await providerBrowser().visit(tab.lastAssigned())).landedAt.href;

    const refusal = await op.handleRedirectCallback(session).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(TokenEndpointError);
    expect((refusal as Error).message).toMatch(/nonce/);
    expect(as.counters.codeGrants).toBe(1);
    expect(session.status).toBe('loggedOut');
    expect(op.user).toBeNull();
    expect(local.getItem('tokenflight')).toBeNull();
  });

  it('refuses an ID token whose signature the provider did not make (checked with its JWKS)', async () => {
    const as = await provider();
    const tab = appTab();
    // A token endpoint answer with the ID token's signature replaced, as a forged one would have.
    const forging: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!(input instanceof Request ? input.url : String(input)).endsWith('/token')) return response;
      const body = (await response.json()) as { id_token: string };
      const [header, payload] = body.id_token.split('.');
      const forged = { ...body, id_token: `${header}.${payload}.${'A'.repeat(86)}` };
      return Response.json(forged, { status: response.status, headers: response.headers });
    };
    const { op, session } = pageLoad(as, tab, new MapStorage(), { fetch: forging });
    await op.loginWithRedirect();
    tab.href = (await providerBrowser().visit(tab.lastAssigned())).landedAt.href;

    const refusal = await op.handleRedirectCallback(session).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(TokenEndpointError);
    expect((refusal as Error).message).toMatch(/signature/i);
    expect(session.status).toBe('loggedOut');
    expect(op.user).toBeNull();
  });

  it('reads access_denied from the consent page as an AuthorizationError; the session stays logged out', async () => {
    const as = await provider();
    const tab = appTab();
    const { op, session } = pageLoad(as, tab, new MapStorage());
    await op.loginWithRedirect();
    const visit = await providerBrowser().visit(tab.lastAssigned(), { consent: 'abort' });
    tab.href = visit.landedAt.href;

    const refusal = await op.handleRedirectCallback(session).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(AuthorizationError);
    expect(refusal).toMatchObject({
      name: 'AuthorizationError',
      error: 'access_denied',
      errorDescription: 'End-User aborted interaction',
    });
    expect(session.status).toBe('loggedOut');
    expect(as.counters.codeGrants).toBe(0);
    expect(tab.href).toBe(SPA_REDIRECT_URI);
  });

  it('says so when the URL holds no answer at all', async () => {
    const as = await provider();
    const tab = appTab('http://127.0.0.1/cb');
    const { op, session } = pageLoad(as, tab, new MapStorage());
    expect(op.hasLoginAnswer()).toBe(false);
    await expect(op.handleRedirectCallback(session)).rejects.toMatchObject({
      name: 'LoginStateError',
      reason: 'missing',
    });
  });
});

describe('with DPoP (RFC 9449)', () => {
  it('binds the code to the key with dpop_jkt and gets DPoP-bound tokens', async () => {
    const as = await provider();
    const tab = appTab();
    const local = new MapStorage();
    const keyStore = memoryKeyStore();
    const { op } = pageLoad(as, tab, local, { dpop: { keyStore } });
    await op.loginWithRedirect();
    const { publicKey } = await keyStore.getOrCreate(() => Promise.reject(new Error('the login made no key')));
    const thumbprint = await calculateJwkThumbprint(await exportJWK(publicKey));
    expect(tab.lastAssigned().searchParams.get('dpop_jkt')).toBe(thumbprint);

    tab.href = (await providerBrowser().visit(tab.lastAssigned())).landedAt.href;
    const callbackPage = pageLoad(as, tab, local, { dpop: { keyStore } });
    await callbackPage.op.handleRedirectCallback(callbackPage.session);

    expect(callbackPage.session.tokens?.tokenType).toBe('dpop');
    expect(as.counters.codeGrants).toBe(1);
  });
});

describe('pushed authorization requests (RFC 9126)', () => {
  const parClient = spaClient([SPA_REDIRECT_URI], {
    client_id: 'spa-par',
    require_pushed_authorization_requests: true,
  });

  it('a client registered with require_pushed_authorization_requests logs in through PAR', async () => {
    const as = await provider([parClient]);
    const tab = appTab();
    const local = new MapStorage();
    const options = {
      clientId: 'spa-par',
      clientMetadata: { id_token_signed_response_alg: 'ES256', require_pushed_authorization_requests: true },
    };
    const { op } = pageLoad(as, tab, local, options);
    await op.loginWithRedirect();
    const request = tab.lastAssigned().searchParams;
    // The browser carries only the pushed request's handle.
    expect([...request.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(request.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);

    tab.href = (await providerBrowser().visit(tab.lastAssigned())).landedAt.href;
    const callbackPage = pageLoad(as, tab, local, options);
    const result = await callbackPage.op.handleRedirectCallback(callbackPage.session);

    expect(result.user?.sub).toBe('alice');
    expect(callbackPage.session.status).toBe('idle');
    expect(as.counters.codeGrants).toBe(1);
  });

  it('the same client without PAR is refused by the provider (the test above depends on it)', async () => {
    const as = await provider([parClient]);
    const tab = appTab();
    const { op, session } = pageLoad(as, tab, new MapStorage(), { clientId: 'spa-par' });
    await op.loginWithRedirect({ pushedAuthorizationRequest: false });
    const outcome = await providerBrowser()
      .visit(tab.lastAssigned())
      .then(async (visit) => {
        tab.href = visit.landedAt.href;
        return op.handleRedirectCallback(session);
      })
      .catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(AuthorizationError);
    expect(outcome).toMatchObject({
      error: 'invalid_request',
      errorDescription: 'Pushed Authorization Request must be used',
    });
    expect(as.counters.codeGrants).toBe(0);
  });
});
