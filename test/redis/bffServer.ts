// docs/server.md's BFF recipe, whole: a backend-for-frontend on node:http. It does the code flow as
// a confidential client, keeps each browser session's tokens in Redis (the browser holds only an
// HttpOnly cookie and a CSRF value) and calls the API with tokenflight/fetch. Any number of
// instances share the sessions through Redis; test/redis/bff.test.ts runs two.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import * as o4w from 'oauth4webapi';
import { SessionExpiredError, LoggedOutError } from 'tokenflight';
import { createAuthFetch } from 'tokenflight/fetch';
import type { OAuthClient } from 'tokenflight/oauth';
import { createSessionPool, type RedisStore } from 'tokenflight/redis';

export interface BffOptions {
  store: RedisStore;
  /** `oauth({ issuer, clientId, clientAuth: ClientSecretBasic(secret) })` from tokenflight/oauth. */
  op: OAuthClient;
  /** Where the browser reaches this BFF (its callback is `${publicUrl}/callback`). */
  publicUrl: string;
  apiOrigin: string;
  /** Shared by every instance: signs the CSRF values. */
  secret: string;
  scope: string;
}

const SESSION_COOKIE = 'bff_session';
const LOGIN_COOKIE = 'bff_login';

export function createBff({ store, op, publicUrl, apiOrigin, secret, scope }: BffOptions): Server {
  const pool = createSessionPool({
    store,
    session: () => ({ refresh: op.refresh, plugins: [op] }),
  });
  const redirectUri = `${publicUrl}/callback`;
  const csrfOf = (sessionId: string) => createHmac('sha256', secret).update(sessionId).digest('base64url');

  async function login(response: ServerResponse): Promise<void> {
    const metadata = await op.metadata();
    const state = o4w.generateRandomState();
    const verifier = o4w.generateRandomCodeVerifier();
    const url = new URL(metadata.authorization_endpoint ?? '');
    url.search = new URLSearchParams({
      client_id: op.client.client_id,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope,
      state,
      code_challenge: await o4w.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();
    // The pending login lives in the browser, so the callback may reach any instance.
    setCookie(response, LOGIN_COOKIE, `${state}.${verifier}`, 600);
    redirect(response, url.href);
  }

  async function callback(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const [expectedState = '', codeVerifier = ''] = (cookieOf(request, LOGIN_COOKIE) ?? '').split('.');
    const tokens = await op.exchangeCode({
      callbackUrl: new URL(request.url ?? '/', publicUrl),
      expectedState,
      codeVerifier,
      redirectUri,
    });
    const sessionId = randomUUID();
    await pool.use(sessionId, (session) => session.login(tokens));
    setCookie(response, LOGIN_COOKIE, '', 0);
    setCookie(response, SESSION_COOKIE, sessionId, 8 * 3600);
    redirect(response, '/');
  }

  /** The browser's session: the CSRF value it sends back with every API call. */
  async function whoAmI(sessionId: string, response: ServerResponse): Promise<void> {
    const status = await pool.use(sessionId, (session) => session.status);
    if (status === 'loggedOut' || status === 'expired') {
      send(response, 401, { error: 'login_required' });
      return;
    }
    send(response, 200, { accessToken: csrfOf(sessionId) });
  }

  async function callApi(sessionId: string, path: string, response: ServerResponse): Promise<void> {
    try {
      const answer = await pool.use(sessionId, async (session) => {
        const authFetch = createAuthFetch(session, { origins: [apiOrigin] });
        const upstream = await authFetch(`${apiOrigin}${path}`);
        return { status: upstream.status, body: await upstream.text() };
      });
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    } catch (error) {
      // The grant ended (refresh refused, logged out elsewhere): the browser logs in again.
      if (error instanceof SessionExpiredError || error instanceof LoggedOutError) {
        send(response, 401, { error: 'login_required' });
        return;
      }
      throw error;
    }
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { pathname } = new URL(request.url ?? '/', publicUrl);
    if (pathname === '/login') return login(response);
    if (pathname === '/callback') return callback(request, response);
    const sessionId = cookieOf(request, SESSION_COOKIE);
    if (!sessionId) {
      send(response, 401, { error: 'login_required' });
      return;
    }
    if (pathname === '/session') return whoAmI(sessionId, response);
    // Every other route acts for the user: it needs the CSRF value a cross-site page cannot read.
    if (!sameValue(request.headers['x-csrf-token'], csrfOf(sessionId))) {
      send(response, 403, { error: 'csrf' });
      return;
    }
    if (pathname === '/logout' && request.method === 'POST') {
      await pool.use(sessionId, (session) => session.logout());
      setCookie(response, SESSION_COOKIE, '', 0);
      send(response, 200, { ok: true });
      return;
    }
    if (pathname.startsWith('/api/')) return callApi(sessionId, pathname, response);
    send(response, 404, { error: 'not_found' });
  }

  const server = createServer((request, response) => {
    route(request, response).catch(() => send(response, 500, { error: 'server_error' }));
  });
  server.on('close', () => pool.close());
  return server;
}

function sameValue(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

function cookieOf(request: IncomingMessage, name: string): string | undefined {
  for (const pair of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = pair.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function setCookie(response: ServerResponse, name: string, value: string, maxAge: number): void {
  const cookie = `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}`;
  const previous = response.getHeader('set-cookie');
  response.setHeader('set-cookie', [...(Array.isArray(previous) ? previous : []), cookie]);
}

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(302, { location }).end();
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** A random secret for the CSRF signatures, shared by the instances of one deployment. */
export const newSecret = () => randomBytes(32).toString('base64url');
