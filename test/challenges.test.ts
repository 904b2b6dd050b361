import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { API, createClient, useApi, type AdapterName } from './support/api.js';

// A 401 is classified by its WWW-Authenticate challenge, the same way in every adapter.
const { api, session: createSession } = useApi();

/** A session whose refreshes hand out a1, a2, … and are counted. */
function countingSession() {
  const refreshes: string[] = [];
  const session = createSession({
    refresh: async () => {
      refreshes.push(`a${refreshes.length + 1}`);
      return { accessToken: `a${refreshes.length}`, refreshToken: `r${refreshes.length}`, expiresIn: 3600 };
    },
  });
  return { session, refreshes };
}

/** `/guarded` answers each arrival with the next of `answers` (the last one repeats); records the Authorization it got. */
function serveGuarded(answers: Array<(authorization: string | null) => Response>) {
  const seen: Array<string | null> = [];
  api.server.use(
    http.get(`${API}/guarded`, ({ request }) => {
      const authorization = request.headers.get('authorization');
      seen.push(authorization);
      return answers[Math.min(seen.length, answers.length) - 1]!(authorization);
    }),
  );
  return seen;
}

const refused = (challenge: string) => () =>
  HttpResponse.json({ error: 'refused' }, { status: 401, headers: { 'WWW-Authenticate': challenge } });
const accepted = (authorization: string | null) => HttpResponse.json({ authorization });

describe.each<AdapterName>(['fetch', 'axios', 'ky'])('the %s adapter', (adapter) => {
  it('hands an insufficient_scope 401 back untouched, with no refresh and no replay', async () => {
    const { session, refreshes } = countingSession();
    const seen = serveGuarded([refused('Bearer realm="api", error="insufficient_scope", scope="admin"')]);
    const client = createClient(adapter, session);
    for (let i = 0; i < 3; i++) {
      expect(await client.request(`${API}/guarded`)).toEqual({ status: 401, body: { error: 'refused' } });
    }
    expect(refreshes).toEqual([]);
    expect(seen).toEqual(['Bearer a0', 'Bearer a0', 'Bearer a0']);
  });

  it('refreshes on invalid_token and replays once with the new token', async () => {
    const { session, refreshes } = countingSession();
    const seen = serveGuarded([refused('Bearer error="invalid_token", error_description="expired"'), accepted]);
    const client = createClient(adapter, session);
    expect(await client.request(`${API}/guarded`)).toEqual({ status: 200, body: { authorization: 'Bearer a1' } });
    expect(refreshes).toEqual(['a1']);
    expect(seen).toEqual(['Bearer a0', 'Bearer a1']);
  });

  it('sends a use_dpop_nonce 401 again once with the same token, without a refresh', async () => {
    const { session, refreshes } = countingSession();
    const seen = serveGuarded([refused('DPoP algs="ES256", error="use_dpop_nonce", error_description="nonce required"'), accepted]);
    const client = createClient(adapter, session);
    expect(await client.request(`${API}/guarded`)).toEqual({ status: 200, body: { authorization: 'Bearer a0' } });
    expect(refreshes).toEqual([]);
    expect(seen).toEqual(['Bearer a0', 'Bearer a0']);
  });

  it('retries a nonce once only: a second use_dpop_nonce goes back to the caller', async () => {
    const { session, refreshes } = countingSession();
    const seen = serveGuarded([refused('DPoP error="use_dpop_nonce"')]);
    const client = createClient(adapter, session);
    expect((await client.request(`${API}/guarded`)).status).toBe(401);
    expect(refreshes).toEqual([]);
    expect(seen).toHaveLength(2);
  });

  it('after a nonce retry, still refreshes once when the token itself is refused', async () => {
    const { session, refreshes } = countingSession();
    const seen = serveGuarded([refused('DPoP error="use_dpop_nonce"'), refused('DPoP error="invalid_token"'), accepted]);
    const client = createClient(adapter, session);
    expect(await client.request(`${API}/guarded`)).toEqual({ status: 200, body: { authorization: 'Bearer a1' } });
    expect(refreshes).toEqual(['a1']);
    expect(seen).toEqual(['Bearer a0', 'Bearer a0', 'Bearer a1']);
  });
});
