import { describe, expect, it } from 'vitest';
import { classifyChallenge, parseChallenges, refusalError } from '../../src/adapters/challenges.js';

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
  ])('%s → %s', (header, expected) => {
    expect(classifyChallenge(refusal(header))).toBe(expected);
  });

  it('refusalError is null only when no challenge names an error', () => {
    expect(refusalError(refusal('Bearer realm="api", Basic realm="x"'))).toBeNull();
    expect(refusalError(refusal('Basic realm="x", Bearer error="insufficient_scope"'))).toBe('insufficient_scope');
  });
});
