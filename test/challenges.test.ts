import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { classifyChallenge, parseChallenges, refusalError } from '../src/adapters/challenges.js';
import { API, createClient, useApi, type AdapterName } from './support/api.js';

// A 401 is classified by its WWW-Authenticate challenge, the same way in every adapter.
const { api, countingSession } = useApi();

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

// Reading the challenges themselves.
const refusal = (header: string | null) => ({ status: 401, url: new URL('https://api.test/x'), headers: new Headers(header === null ? {} : { 'WWW-Authenticate': header }) });
const read = (header: string) => parseChallenges(header).map((c) => ({ scheme: c.scheme, params: Object.fromEntries(c.params), token68: c.token68 }));

describe('parseChallenges (WWW-Authenticate, RFC 9110 §11.6.1)', () => {
  it('reads one challenge with auth-params, quoted or not, names lowercased', () => {
    expect(read('Bearer realm="api", Error=invalid_token, error_description="The token expired"')).toEqual([
      { scheme: 'bearer', params: { realm: 'api', error: 'invalid_token', error_description: 'The token expired' }, token68: undefined },
    ]);
  });

  it('splits several challenges in one header; commas and escapes inside quoted strings stay in the value', () => {
    expect(read('Basic realm="a, b", Bearer scope="read \\"all\\"", error="insufficient_scope", DPoP algs="ES256 PS256" ,error = "use_dpop_nonce"')).toEqual([
      { scheme: 'basic', params: { realm: 'a, b' }, token68: undefined },
      { scheme: 'bearer', params: { scope: 'read "all"', error: 'insufficient_scope' }, token68: undefined },
      { scheme: 'dpop', params: { algs: 'ES256 PS256', error: 'use_dpop_nonce' }, token68: undefined },
    ]);
  });

  it('reads token68 credentials and schemes without parameters', () => {
    expect(read('Negotiate, Basic YWxhZGRpbg==, Bearer')).toEqual([
      { scheme: 'negotiate', params: {}, token68: undefined },
      { scheme: 'basic', params: {}, token68: 'YWxhZGRpbg==' },
      { scheme: 'bearer', params: {}, token68: undefined },
    ]);
  });

  it('skips what it cannot read up to the next comma, and reads nothing from an empty or missing header', () => {
    expect(read('Bearer error="invalid_token" ;junk, "stray", DPoP error="use_dpop_nonce"')).toEqual([
      { scheme: 'bearer', params: { error: 'invalid_token' }, token68: undefined },
      { scheme: 'dpop', params: { error: 'use_dpop_nonce' }, token68: undefined },
    ]);
    expect(parseChallenges('')).toEqual([]);
    expect(parseChallenges(null)).toEqual([]);
    expect(read('Bearer error="unterminated')).toEqual([{ scheme: 'bearer', params: {}, token68: undefined }]);
  });

  it('allows any run of spaces or tabs after the scheme and around the = of its first parameter, whose token value is read whole', () => {
    expect(read('Bearer  \terror = invalid_token, realm =\t"api"')).toEqual([
      { scheme: 'bearer', params: { error: 'invalid_token', realm: 'api' }, token68: undefined },
    ]);
    expect(read('DPoP error=use_dpop_nonce')).toEqual([{ scheme: 'dpop', params: { error: 'use_dpop_nonce' }, token68: undefined }]);
  });

  it('reads a token68 that ends the header, with or without trailing spaces', () => {
    expect(read('Basic YWxhZGRpbg==')).toEqual([{ scheme: 'basic', params: {}, token68: 'YWxhZGRpbg==' }]);
    expect(read('Bearer realm="api", Negotiate a87421000492aa874209af8bc028  ')).toEqual([
      { scheme: 'bearer', params: { realm: 'api' }, token68: undefined },
      { scheme: 'negotiate', params: {}, token68: 'a87421000492aa874209af8bc028' },
    ]);
  });

  it('keeps the first parameter of a name, whatever the case of the repeat', () => {
    expect(read('Bearer error="invalid_token", ERROR="insufficient_scope"')).toEqual([
      { scheme: 'bearer', params: { error: 'invalid_token' }, token68: undefined },
    ]);
  });
});

describe('classifyChallenge (RFC 6750 §3, RFC 9449 §7.1)', () => {
  it.each([
    ['Bearer error="invalid_token"', 'refresh'],
    ['Bearer realm="api"', 'refresh'],
    [null, 'refresh'],
    ['DPoP error="use_dpop_nonce"', 'retry'],
    ['Bearer error="insufficient_scope", scope="admin"', 'pass'],
    ['Bearer error="invalid_request"', 'pass'],
    // A nonce is a DPoP matter: under Bearer it is just an error code no new token fixes.
    ['Bearer error="use_dpop_nonce"', 'pass'],
    // Where challenges disagree, a refused token wins over a refused scope.
    ['Bearer error="insufficient_scope", DPoP error="invalid_token"', 'refresh'],
    // Any other DPoP error code (a bad proof) is not fixed by sending again or by a new token.
    ['DPoP error="invalid_dpop_proof"', 'pass'],
    ['Bearer error="invalid_token", DPoP error="invalid_dpop_proof"', 'refresh'],
    // A DPoP nonce request wins over anything else, wherever it stands in the header.
    ['Bearer error="insufficient_scope", DPoP error="use_dpop_nonce"', 'retry'],
    ['Bearer error="invalid_token", DPoP error="use_dpop_nonce"', 'retry'],
    ['Bearer error="use_dpop_nonce", DPoP error="use_dpop_nonce"', 'retry'],
    // … but under Bearer it does not outrank a refused token.
    ['Bearer error="use_dpop_nonce", DPoP error="invalid_token"', 'refresh'],
  ])('%s → %s', (header, expected) => {
    expect(classifyChallenge(refusal(header))).toBe(expected);
  });

  it('refusalError is null only when no challenge names an error', () => {
    expect(refusalError(refusal('Bearer realm="api", Basic realm="x"'))).toBeNull();
    expect(refusalError(refusal('Basic realm="x", Bearer error="insufficient_scope"'))).toBe('insufficient_scope');
    // The code that decides: a DPoP nonce, then invalid_token, then the first one given.
    expect(refusalError(refusal('Bearer error="insufficient_scope", DPoP error="use_dpop_nonce"'))).toBe('use_dpop_nonce');
    expect(refusalError(refusal('Bearer error="insufficient_scope", DPoP error="invalid_token"'))).toBe('invalid_token');
    expect(refusalError(refusal('Bearer error="invalid_request", DPoP error="invalid_dpop_proof"'))).toBe('invalid_request');
  });
});
