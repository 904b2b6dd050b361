import type { InspectionEvent } from 'xstate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthSession } from '../../src/createAuthSession.js';
import { RefreshRejectedError } from '../../domain/errors/RefreshRejectedError.js';
import { createAuthFetch } from '../../src/fetch/createAuthFetch.js';
import { pageBase } from '../../src/origins.js';
import { redactInspectionEvent, redactTokens } from '../../src/inspect/redact.js';
import { readJwtTimes, receiveTokens } from '../../domain/tokens.js';

afterEach(() => vi.unstubAllGlobals());

describe('edges of the small helpers', () => {
  it('pageBase is undefined without a location or with a non-string href', () => {
    expect(pageBase()).toBeUndefined();
    vi.stubGlobal('location', { href: 5 });
    expect(pageBase()).toBeUndefined();
  });

  it('redaction bounds the depth of nested arrays too', () => {
    const bottom = ['plain'];
    let deep: unknown = bottom;
    for (let i = 0; i < 9; i++) deep = [deep];
    let copy = redactTokens(deep, new Set()) as unknown[];
    for (let i = 0; i < 9; i++) copy = copy[0] as unknown[];
    // What lies deeper is left out, never handed on unredacted.
    expect(copy).toBe('[too deep]');
  });

  it('an inspection event without an event gets none added', () => {
    const out = redactInspectionEvent({ type: '@xstate.actor', actorRef: {} } as unknown as InspectionEvent, new Set());
    expect('event' in out).toBe(false);
    expect('snapshot' in out).toBe(false);
  });

  it('a JWT needs exactly three parts, and a token set must be an object', () => {
    const payload = Buffer.from(JSON.stringify({ exp: 5 })).toString('base64url');
    expect(readJwtTimes(`h.${payload}.s.extra`)).toBeNull();
    expect(readJwtTimes(`h.${payload}.s`)).toEqual({ exp: 5, iat: undefined });
    expect(() => receiveTokens('token', 0)).toThrow('A token set must be an object with a string accessToken');
  });
});

describe('fetch adapter with an expired session', () => {
  it('sends the request without a token and returns the answer as is', async () => {
    const session = createAuthSession({ refresh: async () => Promise.reject(new RefreshRejectedError()) });
    session.login({ accessToken: 't1', refreshToken: 'r1', expiresIn: 600 });
    await expect(session.refresh()).rejects.toMatchObject({ name: 'SessionExpiredError' });
    const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) =>
      new Response(null, { status: new Request(input, init).headers.has('Authorization') ? 200 : 401 }));
    const response = await createAuthFetch(session, { fetch: fetch as typeof globalThis.fetch, origins: ['https://api.example.test'] })(
      'https://api.example.test/a',
    );
    expect(response.status).toBe(401);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
