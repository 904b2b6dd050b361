/**
 * The demo server's two routes the bench needs (`GET /api/secret`, `POST /api/refresh`), on the
 * same in-memory auth backend, without sockets. For the scenarios where the network is not what
 * is measured: the long session (86 400 requests on a fake clock) and the memory scenario
 * (10 000 waiters held behind a refresh the bench releases by hand).
 */
import { AxiosError, AxiosHeaders, type AxiosAdapter, type AxiosResponse } from 'axios';
import type { AuthBackend } from '../src/testing/authBackend.js';
import type { Transport } from './clients.js';

interface Answer {
  status: number;
  body: string;
}

export interface InProcessServer extends Transport {
  /** Refreshes wait until the returned function is called; `held()` says how many wait. */
  holdRefreshes(): () => void;
  held(): number;
  /** performance.now() when the last `/api/secret` reached the server. */
  lastSecretAt(): number;
}

function bearerToken(authorization: string | null): string | null {
  return authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : null;
}

export function createInProcessServer(backend: AuthBackend): InProcessServer {
  let gate: Promise<void> | null = null;
  let waiting = 0;
  let lastSecret = 0;

  async function handle(
    method: string,
    url: string,
    authorization: string | null,
    body: string | null,
  ): Promise<Answer> {
    const { pathname } = new URL(url);
    if (method === 'POST' && pathname === '/api/refresh') {
      const parsed = JSON.parse(body ?? '{}') as { refreshToken?: unknown };
      if (gate) {
        waiting += 1;
        await gate;
        waiting -= 1;
      }
      const result = await backend.refresh(typeof parsed.refreshToken === 'string' ? parsed.refreshToken : null);
      if (!result.ok) return { status: 401, body: JSON.stringify({ error: result.reason }) };
      const { accessToken, refreshToken, expiresIn } = result.tokens;
      return { status: 200, body: JSON.stringify({ accessToken, refreshToken, expiresIn }) };
    }
    if (method === 'GET' && pathname === '/api/secret') {
      lastSecret = performance.now(); // when the request left the client, before the server's own work
      const result = await backend.authorize(bearerToken(authorization));
      return result.ok
        ? { status: 200, body: '{"secret":"the cake is a lie"}' }
        : { status: 401, body: '{"error":"unauthorized"}' };
    }
    return { status: 404, body: '{}' };
  }

  const inProcessFetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const body = request.method === 'POST' ? await request.text() : null;
    const answer = await handle(request.method, request.url, request.headers.get('authorization'), body);
    return new Response(answer.body, { status: answer.status, headers: { 'Content-Type': 'application/json' } });
  };

  const adapter: AxiosAdapter = async (config) => {
    const headers = AxiosHeaders.from(config.headers);
    const authorization = headers.get('Authorization');
    const answer = await handle(
      (config.method ?? 'get').toUpperCase(),
      new URL(config.url ?? '/', config.baseURL).href,
      typeof authorization === 'string' ? authorization : null,
      typeof config.data === 'string' ? config.data : null,
    );
    const response: AxiosResponse = {
      data: answer.body, // axios's transformResponse parses it, as for the http adapter
      status: answer.status,
      statusText: String(answer.status),
      headers: new AxiosHeaders({ 'Content-Type': 'application/json' }),
      config,
      request: {},
    };
    const valid = config.validateStatus ? config.validateStatus(answer.status) : answer.status < 300;
    if (valid) return response;
    throw new AxiosError(
      `Request failed with status code ${answer.status}`,
      AxiosError.ERR_BAD_REQUEST,
      config,
      {},
      response,
    );
  };

  return {
    fetch: inProcessFetch,
    axios: { adapter },
    holdRefreshes() {
      let release!: () => void;
      gate = new Promise<void>((resolve) => (release = resolve));
      return () => {
        gate = null;
        release();
      };
    },
    held: () => waiting,
    lastSecretAt: () => lastSecret,
  };
}
