import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { challengeErrors, classifyChallenge } from '../src/session/challenges.js';
import { bearerScheme } from 'tokenflight';
import { classifyDpopChallenge } from 'tokenflight/oauth';
import { ADAPTERS, API, createClient, useApi } from './support/api.js';

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
// Bearer tokens, refusals read as the DPoP scheme reads them: a nonce request is its own rule.
const nonceAware = { scheme: { ...bearerScheme, classify: classifyDpopChallenge } };

describe.each(ADAPTERS)('the %s adapter', (adapter) => {
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
    const seen = serveGuarded([
      refused('DPoP algs="ES256", error="use_dpop_nonce", error_description="nonce required"'),
      accepted,
    ]);
    const client = createClient(adapter, session, nonceAware);
    expect(await client.request(`${API}/guarded`)).toEqual({ status: 200, body: { authorization: 'Bearer a0' } });
    expect(refreshes).toEqual([]);
    expect(seen).toEqual(['Bearer a0', 'Bearer a0']);
  });

  it('retries a nonce once only: a second use_dpop_nonce goes back to the caller', async () => {
    const { session, refreshes } = countingSession();
    const seen = serveGuarded([refused('DPoP error="use_dpop_nonce"')]);
    const client = createClient(adapter, session, nonceAware);
    expect((await client.request(`${API}/guarded`)).status).toBe(401);
    expect(refreshes).toEqual([]);
    expect(seen).toHaveLength(2);
  });

  it('after a nonce retry, still refreshes once when the token itself is refused', async () => {
    const { session, refreshes } = countingSession();
    const seen = serveGuarded([
      refused('DPoP error="use_dpop_nonce"'),
      refused('DPoP error="invalid_token"'),
      accepted,
    ]);
    const client = createClient(adapter, session, nonceAware);
    expect(await client.request(`${API}/guarded`)).toEqual({ status: 200, body: { authorization: 'Bearer a1' } });
    expect(refreshes).toEqual(['a1']);
    expect(seen).toEqual(['Bearer a0', 'Bearer a0', 'Bearer a1']);
  });

  it('by default (RFC 6750 only), hands a use_dpop_nonce 401 back untouched: a new token would not help', async () => {
    const { session, refreshes } = countingSession();
    const seen = serveGuarded([refused('DPoP error="use_dpop_nonce"'), accepted]);
    const client = createClient(adapter, session);
    expect((await client.request(`${API}/guarded`)).status).toBe(401);
    expect(refreshes).toEqual([]);
    expect(seen).toEqual(['Bearer a0']);
  });
});

// Reading the challenges themselves.
const refusal = (header: string | null) => ({
  status: 401,
  url: new URL('https://api.test/x'),
  headers: new Headers(header === null ? {} : { 'WWW-Authenticate': header }),
});
const read = (header: string | null) => challengeErrors(refusal(header));

describe('challengeErrors (WWW-Authenticate, RFC 9110 §11.6.1)', () => {
  it('reads the error of one challenge among its auth-params, quoted or not, names lowercased', () => {
    expect(read('Bearer realm="api", Error=invalid_token, error_description="The token expired"')).toEqual([
      ['bearer', 'invalid_token'],
    ]);
    expect(read('Bearer realm="api", error_description="expired"')).toEqual([]);
  });

  it('splits several challenges in one header; commas, escapes and error=… inside quoted strings stay in the value', () => {
    expect(
      read(
        'Basic realm="a, error=invalid_token", Bearer scope="read \\"all\\", error=x", error="insufficient_scope", DPoP algs="ES256 PS256" ,error = "use_dpop_nonce"',
      ),
    ).toEqual([
      ['bearer', 'insufficient_scope'],
      ['dpop', 'use_dpop_nonce'],
    ]);
    expect(read('Bearer error="a \\"quoted\\" \\\\ code"')).toEqual([['bearer', 'a "quoted" \\ code']]);
  });

  it('reads several headers joined with commas, as fetch joins them', () => {
    const headers = new Headers();
    headers.append('WWW-Authenticate', 'Bearer realm="api", error="insufficient_scope"');
    headers.append('WWW-Authenticate', 'DPoP algs="ES256", error="use_dpop_nonce"');
    expect(challengeErrors({ status: 401, url: new URL('https://api.test/x'), headers })).toEqual([
      ['bearer', 'insufficient_scope'],
      ['dpop', 'use_dpop_nonce'],
    ]);
  });

  it('reads token68 credentials and schemes without parameters as new challenges', () => {
    expect(read('Negotiate, Basic YWxhZGRpbg==, Bearer error=invalid_token')).toEqual([['bearer', 'invalid_token']]);
    expect(read('Bearer error=invalid_token, Negotiate, error="insufficient_scope"')).toEqual([
      ['bearer', 'invalid_token'],
      ['negotiate', 'insufficient_scope'],
    ]);
    expect(read('Basic YWxhZGRpbg==, error=invalid_request')).toEqual([['basic', 'invalid_request']]);
  });

  it('skips what it cannot read up to the next comma, and reads nothing from an empty or missing header', () => {
    expect(read('Bearer error="invalid_token" ;junk, "stray", DPoP error="use_dpop_nonce"')).toEqual([
      ['bearer', 'invalid_token'],
      ['dpop', 'use_dpop_nonce'],
    ]);
    expect(read('')).toEqual([]);
    expect(read(null)).toEqual([]);
    expect(read('Bearer error="unterminated')).toEqual([]);
    // A parameter before any scheme belongs to no challenge.
    expect(read('error="invalid_token", Bearer realm="api"')).toEqual([]);
  });

  it('allows any run of spaces or tabs after the scheme and around the = of its first parameter, whose token value is read whole', () => {
    expect(read('Bearer  \terror = invalid_token, realm =\t"api"')).toEqual([['bearer', 'invalid_token']]);
    expect(read('Bearer realm="api",\t error\t= invalid_token')).toEqual([['bearer', 'invalid_token']]);
    expect(read('DPoP error=use_dpop_nonce')).toEqual([['dpop', 'use_dpop_nonce']]);
  });

  it('reads a token68 that ends the header, with or without trailing spaces, as no error', () => {
    expect(read('Basic YWxhZGRpbg==')).toEqual([]);
    expect(read('Bearer error="invalid_token", Negotiate a87421000492aa874209af8bc028  ')).toEqual([
      ['bearer', 'invalid_token'],
    ]);
  });

  it('keeps the first error of a challenge, whatever the case of the repeat', () => {
    expect(read('Bearer error="invalid_token", ERROR="insufficient_scope"')).toEqual([['bearer', 'invalid_token']]);
    expect(read('Bearer error="insufficient_scope", error="invalid_token"')).toEqual([
      ['bearer', 'insufficient_scope'],
    ]);
  });
});

describe('classifyChallenge, the core default (RFC 6750 §3)', () => {
  it.each([
    ['Bearer error="invalid_token"', 'refresh'],
    ['Bearer realm="api"', 'refresh'],
    [null, 'refresh'],
    ['Bearer error="insufficient_scope", scope="admin"', 'pass'],
    ['Bearer error="invalid_request"', 'pass'],
    // The core knows no nonce: it is just an error code no new token fixes, under any scheme.
    ['DPoP error="use_dpop_nonce"', 'pass'],
    ['Bearer error="use_dpop_nonce"', 'pass'],
    // Where challenges disagree, a refused token wins over a refused scope.
    ['Bearer error="insufficient_scope", DPoP error="invalid_token"', 'refresh'],
    ['DPoP error="invalid_dpop_proof"', 'pass'],
    ['Bearer error="invalid_token", DPoP error="invalid_dpop_proof"', 'refresh'],
    ['Bearer error="use_dpop_nonce", DPoP error="invalid_token"', 'refresh'],
    // The first error of a challenge counts.
    ['Bearer error="insufficient_scope", error="invalid_token"', 'pass'],
  ])('%s → %s', (header, expected) => {
    expect(classifyChallenge(refusal(header))).toBe(expected);
  });
});

describe('classifyDpopChallenge, the DPoP scheme’s (RFC 9449 §7.1, §9)', () => {
  it.each([
    ['DPoP error="use_dpop_nonce"', 'retry'],
    // A DPoP nonce request wins over anything else, wherever it stands in the header.
    ['Bearer error="insufficient_scope", DPoP error="use_dpop_nonce"', 'retry'],
    ['Bearer error="invalid_token", DPoP error="use_dpop_nonce"', 'retry'],
    ['Bearer error="use_dpop_nonce", DPoP error="use_dpop_nonce"', 'retry'],
    // … but a nonce is a DPoP matter: under Bearer it does not outrank a refused token.
    ['Bearer error="use_dpop_nonce"', 'pass'],
    ['Bearer error="use_dpop_nonce", DPoP error="invalid_token"', 'refresh'],
    // Any other DPoP error code (a bad proof) is not fixed by sending again or by a new token.
    ['DPoP error="invalid_dpop_proof"', 'pass'],
    ['Bearer error="invalid_token", DPoP error="invalid_dpop_proof"', 'refresh'],
    ['Bearer realm="api"', 'refresh'],
    [null, 'refresh'],
  ])('%s → %s', (header, expected) => {
    expect(classifyDpopChallenge(refusal(header))).toBe(expected);
  });
});
