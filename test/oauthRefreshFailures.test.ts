// How op.refresh's failures reach the session, against a real oidc-provider: a 5xx is retried
// with the same refresh token, an unusable 200 ends the session without presenting the (maybe
// rotated) refresh token again, a refused client is an OAuthConfigurationError; `endpoints`
// works without discovery. oidc-provider cannot answer 5xx or garbage: a small proxy in the
// op's `fetch` does.
import { describe, expect, it } from 'vitest';
import { createAuthFetch } from 'tokenflight/fetch';
import { InvalidRefreshAnswerError, type AuthSession } from 'tokenflight';
import { oauth, OAuthConfigurationError, TokenEndpointError, type OAuthOptions } from 'tokenflight/oauth';
import { eventually } from './support/oauthLogin.js';
import { useOAuthWorlds } from './support/oauthSession.js';

const { start, sessionOf } = useOAuthWorlds();

/** Every request the op sends, and what a refresh_token grant presented. */
function proxy(answer: (forward: () => Promise<Response>, call: number) => Promise<Response>) {
  const seen = { urls: [] as string[], presented: [] as string[] };
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    seen.urls.push(url);
    const body = init?.body;
    const form = new URLSearchParams(typeof body === 'string' || body instanceof URLSearchParams ? body : '');
    const forward = () => globalThis.fetch(input, init);
    if (form.get('grant_type') !== 'refresh_token') return forward();
    seen.presented.push(form.get('refresh_token')!);
    return answer(forward, seen.presented.length);
  };
  return { seen, fetch };
}

/** A session whose op talks through `fetch`, starting from the world's login. */
async function sessionThrough(fetch: typeof globalThis.fetch, extra: Partial<OAuthOptions> = {}) {
  const world = await start({ scheme: 'Bearer', accessTokenTtl: 30 });
  const op = oauth({
    issuer: world.as.issuer,
    clientId: 'spa',
    clientMetadata: { id_token_signed_response_alg: 'ES256' },
    allowInsecureRequests: true,
    fetch,
    ...extra,
  } as OAuthOptions);
  world.session.stop();
  const { session, events } = sessionOf(
    op,
    world.storage,
    { retry: { retries: 2, minDelay: 10, maxDelay: 20 } },
    world.login,
  );
  return { ...world, session, events };
}

const expiredWith = (session: AuthSession) =>
  new Promise<unknown>((resolve) => session.on('expired', ({ error }) => resolve(error)));

describe('op.refresh failures in a session', () => {
  it('a 5xx at the token endpoint is transient: retried with the same refresh token, which the server then accepts', async () => {
    const { seen, fetch } = proxy(async (forward, call) => {
      if (call === 1)
        return new Response('<html>bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } });
      if (call === 2) return Response.json({ error: 'server_error' }, { status: 503 });
      return forward();
    });
    const { as, session, events, login } = await sessionThrough(fetch);

    await session.refresh();

    expect(seen.presented).toEqual(Array(3).fill(login.refresh_token));
    expect(events).toEqual(['refreshFailed', 'refreshFailed', 'refreshed']);
    expect(session.tokens!.refreshToken).not.toBe(login.refresh_token);
    expect([as.counters.refreshGrants, as.counters.reuseDetected]).toEqual([1, 0]);
  });

  it.each<[string, (body: Record<string, unknown>) => BodyInit]>([
    // JSON.stringify leaves out a field that is undefined.
    ['no access_token', (body) => JSON.stringify({ ...body, access_token: undefined })],
    ['an unknown token_type', (body) => JSON.stringify({ ...body, token_type: 'mac' })],
    ['a body that is not JSON', (body) => `tokens: ${String(body.access_token)}`],
  ])(
    'a 200 with %s ends the session at once: InvalidRefreshAnswerError, the rotated refresh token never presented again',
    async (_, rewrite) => {
      let sent: Record<string, unknown> = {};
      const { seen, fetch } = proxy(async (forward) => {
        // The server did rotate the refresh token; its answer is damaged on the way.
        sent = (await (await forward()).json()) as Record<string, unknown>;
        return new Response(rewrite(sent), { status: 200, headers: { 'content-type': 'application/json' } });
      });
      const { as, session, events } = await sessionThrough(fetch);
      const expired = expiredWith(session);

      await expect(session.refresh()).rejects.toMatchObject({ name: 'SessionExpiredError' });
      const error = await expired;

      expect(error).toBeInstanceOf(InvalidRefreshAnswerError);
      expect((error as Error).message).toMatch(/token endpoint's answer is unusable: .*\(HTTP 200\)/);
      const told = `${String(error)} ${String((error as Error).cause)} ${JSON.stringify(error)}`;
      for (const token of [sent.access_token, sent.refresh_token, sent.id_token])
        expect(told).not.toContain(String(token));
      expect(seen.presented).toHaveLength(1);
      expect(events).toEqual(['refreshFailed']);
      expect([as.counters.refreshGrants, as.counters.reuseDetected]).toEqual([1, 0]);
    },
  );

  it('a client the provider does not know: expired with an OAuthConfigurationError caused by the TokenEndpointError', async () => {
    const { seen, fetch } = proxy((forward) => forward());
    const { as, session, events } = await sessionThrough(fetch, { clientId: 'not-registered' });
    const expired = expiredWith(session);

    await expect(session.refresh()).rejects.toMatchObject({ name: 'SessionExpiredError' });
    const error = await expired;

    expect(error).toBeInstanceOf(OAuthConfigurationError);
    expect(error).toMatchObject({ error: 'invalid_client' });
    expect((error as Error).cause).toBeInstanceOf(TokenEndpointError);
    expect((error as Error).cause).toMatchObject({ error: 'invalid_client', status: 401 });
    expect(seen.presented).toHaveLength(1);
    expect(events).toEqual(['refreshFailed']);
    expect(as.counters.refreshGrants).toBe(0);
  });
});

describe('endpoints instead of discovery', () => {
  it('refreshes at the token endpoint and revokes at the revocation endpoint without a discovery request', async () => {
    const { seen, fetch } = proxy((forward) => forward());
    const world = await start({ scheme: 'Bearer', accessTokenTtl: 30 });
    const metadata = await world.op.metadata();
    const { token_endpoint, revocation_endpoint } = metadata;
    const op = oauth({
      endpoints: { token: token_endpoint!, revocation: revocation_endpoint! },
      clientId: 'spa',
      clientMetadata: { id_token_signed_response_alg: 'ES256' },
      allowInsecureRequests: true,
      fetch,
    });
    world.session.stop();
    const { session } = sessionOf(op, world.storage, {}, world.login);

    await session.refresh();
    const response = await createAuthFetch(session, { origins: [world.rs.url] })(world.api);
    session.logout();
    await eventually(() => world.as.counters.revocations === 1);

    expect(response.status).toBe(200);
    expect(seen.urls).toEqual([token_endpoint, revocation_endpoint]);
    expect(world.as.counters.refreshGrants).toBe(1);
  });
});
