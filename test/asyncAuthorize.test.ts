import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { IncomingResponse, TokenScheme } from 'tokenflight';
import { ADAPTERS, API, createClient, useApi } from './support/api.js';

// A scheme whose authorize is async and signs the method and URL (as a DPoP proof does) works
// in every adapter, and sees every answer to the requests it authorized.
const { api, session: createSession } = useApi();

/** Stands in for a signature over method, URL and token, computed asynchronously. */
async function sign(method: string, url: URL, token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${method} ${url.href} ${token}`));
  return Buffer.from(digest).toString('base64url');
}

function signingScheme() {
  const observed: Array<{ status: number; url: string; nonce: string | null }> = [];
  const scheme: TokenScheme = {
    async authorize({ method, url, headers }, tokens) {
      headers.set('Authorization', `Bearer ${tokens.accessToken}`);
      headers.set('X-Signature', await sign(method, url, tokens.accessToken));
    },
    observe(response: IncomingResponse) {
      observed.push({ status: response.status, url: response.url.href, nonce: response.headers.get('X-Nonce') });
    },
  };
  return { scheme, observed };
}

/** `/signed` accepts only `Bearer <accepted>` with a signature over the method and URL it received. */
function serveSigned(accepted: { token: string }) {
  const arrivals: Array<{ method: string; valid: boolean }> = [];
  const handler = async ({ request }: { request: Request }) => {
    const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? '';
    const valid = request.headers.get('x-signature') === (await sign(request.method, new URL(request.url), token));
    arrivals.push({ method: request.method, valid });
    const ok = valid && token === accepted.token;
    return HttpResponse.json(ok ? { ok: true, token } : { error: 'refused' }, {
      status: ok ? 200 : 401,
      headers: { 'X-Nonce': `n${arrivals.length}` },
    });
  };
  api.server.use(http.get(`${API}/signed`, handler), http.post(`${API}/signed`, handler));
  return arrivals;
}

describe.each(ADAPTERS)('the %s adapter with an async scheme', (adapter) => {
  it('signs each request with its own method and URL', async () => {
    const session = createSession({ refresh: async () => ({ accessToken: 'unused' }) });
    const { scheme } = signingScheme();
    const arrivals = serveSigned({ token: 'a0' });
    const client = createClient(adapter, session, { scheme });
    expect(await client.request(`${API}/signed?page=1`)).toMatchObject({ status: 200, body: { token: 'a0' } });
    expect(await client.request(`${API}/signed`, { method: 'POST', body: 'x' })).toMatchObject({ status: 200 });
    expect(arrivals).toEqual([
      { method: 'GET', valid: true },
      { method: 'POST', valid: true },
    ]);
  });

  it('re-signs the replay after a refresh, and shows the scheme every answer, the replay’s too', async () => {
    let refreshes = 0;
    const session = createSession({ refresh: async () => ({ accessToken: `a${++refreshes}`, expiresIn: 3600 }) });
    const { scheme, observed } = signingScheme();
    const arrivals = serveSigned({ token: 'a1' });
    const client = createClient(adapter, session, { scheme });
    expect(await client.request(`${API}/signed`, { method: 'POST', body: 'x' })).toMatchObject({
      status: 200,
      body: { token: 'a1' },
    });
    expect(refreshes).toBe(1);
    expect(arrivals).toEqual([
      { method: 'POST', valid: true },
      { method: 'POST', valid: true },
    ]);
    expect(observed).toEqual([
      { status: 401, url: `${API}/signed`, nonce: 'n1' },
      { status: 200, url: `${API}/signed`, nonce: 'n2' },
    ]);
  });
});
