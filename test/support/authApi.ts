/**
 * The real auth API (`server/createAuthHttpServer.ts`) on 127.0.0.1 with helpers the stream
 * tests share: log in, refresh over HTTP (rotation: a refresh token is good once), stats, and
 * the debug switches.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAuthHttpServer, type AuthHttpServer } from '../../server/createAuthHttpServer.js';
import { RefreshRejectedError, type RefreshContext, type TokenInput } from 'tokenflight';

export interface AuthApi {
  server: AuthHttpServer;
  url: string;
  login(username?: string): Promise<TokenInput>;
  /** A session's `refresh`: POST /api/refresh; a 401 is final (RefreshRejectedError). */
  refresh(context: RefreshContext): Promise<TokenInput>;
  refreshCalls(): Promise<number>;
  debug(action: 'expire' | 'revoke' | 'reset'): Promise<void>;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export async function startAuthApi(options: { handler?: Handler; accessTtl?: number } = {}): Promise<AuthApi> {
  // Long-lived tokens: a proactive refresh in the middle of a test would blur the counts.
  const server = await createAuthHttpServer({ accessTtl: options.accessTtl ?? 3600, handler: options.handler });
  const post = (path: string, body: unknown = {}, signal?: AbortSignal) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
  return {
    server,
    url: server.url,
    async login(username = 'ada') {
      return (await (await post('/api/login', { username })).json()) as TokenInput;
    },
    async refresh({ refreshToken, signal }) {
      const response = await post('/api/refresh', { refreshToken }, signal);
      if (response.status === 401) throw new RefreshRejectedError('refresh token rejected', { status: 401 });
      if (!response.ok)
        throw Object.assign(new Error(`refresh failed with ${response.status}`), { status: response.status });
      return (await response.json()) as TokenInput;
    },
    async refreshCalls() {
      return ((await (await fetch(`${server.url}/api/stats`)).json()) as { refreshCalls: number }).refreshCalls;
    },
    async debug(action) {
      const response = await post(`/api/debug/${action}`);
      if (!response.ok) throw new Error(`debug ${action} failed: ${response.status}`);
    },
    close: () => server.close(),
  };
}
