import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuthHttpServer, type AuthHttpServer } from '../server/createAuthHttpServer.js';

let server: AuthHttpServer;
let baseDir: string;

beforeEach(async () => {
  baseDir = await mkdtemp(join(tmpdir(), 'tokenflight-static-'));
  const staticDir = join(baseDir, 'www');
  await mkdir(staticDir);
  await writeFile(join(staticDir, 'index.html'), '<h1>hello</h1>');
  await writeFile(join(baseDir, 'private.txt'), 'outside');
  server = await createAuthHttpServer({ accessTtl: 30, staticDir });
});
afterEach(async () => {
  await server.close();
  await rm(baseDir, { recursive: true, force: true });
});

/** Raw GET: unlike fetch, node:http sends the path verbatim, dot segments included. */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    get({ host: '127.0.0.1', port: server.port, path }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => done({ status: response.statusCode ?? 0, body }));
    }).on('error', fail);
  });
}

async function call(path: string, init: RequestInit & { json?: unknown } = {}) {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set('Content-Type', 'application/json');
  const response = await fetch(server.url + path, {
    ...rest,
    headers,
    body: json === undefined ? rest.body : JSON.stringify(json),
  });
  const text = await response.text();
  const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  return { status: response.status, body, headers: response.headers };
}

const bearer = (token: unknown) => ({ Authorization: `Bearer ${String(token)}` });

async function loginBearer(username = 'ada') {
  const { status, body } = await call('/api/login', { method: 'POST', json: { username } });
  expect(status).toBe(200);
  return body as { accessToken: string; refreshToken: string; expiresIn: number };
}

describe('createAuthHttpServer, bearer mode', () => {
  it('listens on 127.0.0.1 and logs in with a real HS256 JWT', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const tokens = await loginBearer();
    expect(tokens.expiresIn).toBe(30);
    const [header] = tokens.accessToken.split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toMatchObject({ alg: 'HS256' });
    expect(decodeJwt(tokens.accessToken)).toMatchObject({ sub: 'ada' });
    expect((await call('/api/secret', { headers: bearer(tokens.accessToken) })).body).toMatchObject({ user: 'ada' });
  });

  it('serves public data to anyone and secret data only with a valid token', async () => {
    expect((await call('/api/public')).status).toBe(200);
    const anonymous = await call('/api/secret');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await call('/api/secret', { headers: bearer('garbage') })).status).toBe(401);
    expect((await call('/api/stats')).body).toMatchObject({ unauthorized: 2 });
  });

  it('rejects a JWT signed with another key', async () => {
    const tokens = await loginBearer();
    const [header, payload] = tokens.accessToken.split('.');
    const forged = `${header}.${payload}.${Buffer.from('x'.repeat(32)).toString('base64url')}`;
    expect((await call('/api/secret', { headers: bearer(forged) })).body).toEqual({ error: 'invalid' });
  });

  it('rotates refresh tokens and revokes the family on reuse', async () => {
    const login = await loginBearer();
    const first = await call('/api/refresh', { method: 'POST', json: { refreshToken: login.refreshToken } });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(login.refreshToken);
    const reuse = await call('/api/refresh', { method: 'POST', json: { refreshToken: login.refreshToken } });
    expect(reuse).toMatchObject({ status: 401, body: { error: 'reused' } });
    const after = await call('/api/refresh', { method: 'POST', json: { refreshToken: first.body.refreshToken } });
    expect(after).toMatchObject({ status: 401, body: { error: 'revoked' } });
    expect((await call('/api/secret', { headers: bearer(first.body.accessToken) })).status).toBe(401);
    expect((await call('/api/stats')).body).toEqual({
      refreshCalls: 3,
      refreshOk: 1,
      reuseDetected: 1,
      unauthorized: 1,
    });
  });

  it('answers heartbeat 200 while valid and 401 after /api/debug/expire', async () => {
    const { accessToken } = await loginBearer();
    expect((await call('/api/heartbeat', { headers: bearer(accessToken) })).status).toBe(200);
    expect((await call('/api/debug/expire', { method: 'POST' })).status).toBe(200);
    expect((await call('/api/heartbeat', { headers: bearer(accessToken) })).body).toEqual({ error: 'expired' });
  });

  it('revokes refresh tokens on /api/debug/revoke and forgets everything on /api/debug/reset', async () => {
    const login = await loginBearer();
    await call('/api/debug/revoke', { method: 'POST' });
    expect((await call('/api/refresh', { method: 'POST', json: { refreshToken: login.refreshToken } })).status).toBe(
      401,
    );
    expect((await call('/api/secret', { headers: bearer(login.accessToken) })).status).toBe(200);
    await call('/api/debug/reset', { method: 'POST' });
    expect((await call('/api/stats')).body).toEqual({
      refreshCalls: 0,
      refreshOk: 0,
      reuseDetected: 0,
      unauthorized: 0,
    });
    expect((await call('/api/secret', { headers: bearer(login.accessToken) })).status).toBe(401);
  });

  it('zeroes the counters on /api/debug/reset-stats and keeps every session', async () => {
    const login = await loginBearer();
    await call('/api/secret');
    const refreshed = (await call('/api/refresh', { method: 'POST', json: { refreshToken: login.refreshToken } }))
      .body as { accessToken: string };
    expect((await call('/api/stats')).body).toMatchObject({ refreshCalls: 1, unauthorized: 1 });
    await call('/api/debug/reset-stats', { method: 'POST' });
    expect((await call('/api/stats')).body).toEqual({
      refreshCalls: 0,
      refreshOk: 0,
      reuseDetected: 0,
      unauthorized: 0,
    });
    await call('/api/secret');
    expect((await call('/api/stats')).body).toMatchObject({ unauthorized: 1 });
    expect((await call('/api/secret', { headers: bearer(refreshed.accessToken) })).status).toBe(200);
  });

  it('holds one refresh for ?delay=<ms> before it answers', async () => {
    const login = await loginBearer();
    const slow = call('/api/refresh?delay=400', { method: 'POST', json: { refreshToken: login.refreshToken } });
    await new Promise((done) => setTimeout(done, 50));
    // Still waiting: the refresh has not reached the backend yet.
    expect((await call('/api/stats')).body).toMatchObject({ refreshCalls: 0 });
    expect((await slow).status).toBe(200);
    expect((await call('/api/stats')).body).toMatchObject({ refreshCalls: 1, refreshOk: 1 });
  });

  it('judges a delayed request on arrival: a stale 401 lands after the refresh', async () => {
    const login = await loginBearer();
    await call('/api/debug/expire', { method: 'POST' });
    const started = Date.now();
    const stale = call('/api/secret?delay=300', { headers: bearer(login.accessToken) });
    await new Promise((done) => setTimeout(done, 50));
    const refreshed = await call('/api/refresh', { method: 'POST', json: { refreshToken: login.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect((await stale).status).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('adds refreshLatency to every refresh', async () => {
    await server.close();
    server = await createAuthHttpServer({ refreshLatency: 200 });
    const login = await loginBearer();
    const started = Date.now();
    expect((await call('/api/refresh', { method: 'POST', json: { refreshToken: login.refreshToken } })).status).toBe(
      200,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('validates bodies and routes', async () => {
    expect((await call('/api/login', { method: 'POST', json: {} })).status).toBe(400);
    expect(
      (await call('/api/login', { method: 'POST', body: '{not json', headers: { 'Content-Type': 'application/json' } }))
        .status,
    ).toBe(400);
    expect((await call('/api/nope')).status).toBe(404);
    expect((await call('/api/refresh', { method: 'POST', json: {} })).status).toBe(401);
  });
});

describe('createAuthHttpServer, cookie mode', () => {
  async function loginCookie() {
    const response = await fetch(`${server.url}/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'ada', mode: 'cookie' }),
    });
    const body = (await response.json()) as Record<string, unknown>;
    return { body, setCookies: response.headers.getSetCookie() };
  }
  const cookieHeader = (setCookies: string[]) => setCookies.map((line) => line.split(';')[0]).join('; ');

  it('puts the JWT and refresh token into HttpOnly SameSite=Strict cookies and returns only a CSRF token', async () => {
    const { body, setCookies } = await loginCookie();
    expect(Object.keys(body).sort()).toEqual(['accessToken', 'expiresIn']);
    expect(String(body.accessToken).split('.')).toHaveLength(1);
    expect(setCookies).toHaveLength(2);
    for (const line of setCookies) expect(line).toMatch(/HttpOnly; SameSite=Strict/);
    expect(setCookies[0]).toMatch(/^tf_access=ey/);
  });

  it('requires the access cookie and the matching X-CSRF-Token header', async () => {
    const { body, setCookies } = await loginCookie();
    const cookie = cookieHeader(setCookies);
    expect((await call('/api/secret', { headers: { cookie } })).body).toEqual({ error: 'csrf' });
    expect((await call('/api/secret', { headers: { cookie, 'X-CSRF-Token': 'guess' } })).status).toBe(401);
    const ok = await call('/api/secret', { headers: { cookie, 'X-CSRF-Token': String(body.accessToken) } });
    expect(ok).toMatchObject({ status: 200, body: { user: 'ada' } });
  });

  it('refreshes from the refresh cookie, rotating the CSRF token, and clears cookies on reuse', async () => {
    const login = await loginCookie();
    const refresh = (cookie: string) => fetch(`${server.url}/api/refresh`, { method: 'POST', headers: { cookie } });
    const first = await refresh(cookieHeader(login.setCookies));
    expect(first.status).toBe(200);
    const rotated = (await first.json()) as { accessToken: string };
    expect(rotated.accessToken).not.toBe(login.body.accessToken);
    const cookie = cookieHeader(first.headers.getSetCookie());
    expect((await call('/api/secret', { headers: { cookie, 'X-CSRF-Token': rotated.accessToken } })).status).toBe(200);
    expect(
      (await call('/api/secret', { headers: { cookie, 'X-CSRF-Token': String(login.body.accessToken) } })).status,
    ).toBe(401);

    const reuse = await refresh(cookieHeader(login.setCookies));
    expect(reuse.status).toBe(401);
    expect(reuse.headers.getSetCookie().every((line) => line.includes('Max-Age=0'))).toBe(true);
    expect((await call('/api/stats')).body).toMatchObject({ reuseDetected: 1 });
  });

  it('ends the session on /api/logout', async () => {
    const { body, setCookies } = await loginCookie();
    const cookie = cookieHeader(setCookies);
    expect((await call('/api/logout', { method: 'POST', headers: { cookie } })).status).toBe(200);
    expect((await call('/api/secret', { headers: { cookie, 'X-CSRF-Token': String(body.accessToken) } })).body).toEqual(
      { error: 'revoked' },
    );
  });
});

describe('createAuthHttpServer, static files and lifecycle', () => {
  it('serves static files without leaving the directory', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(await index.text()).toBe('<h1>hello</h1>');
    expect(await rawGet('/index.html')).toEqual({ status: 200, body: '<h1>hello</h1>' });
    expect((await rawGet('/../private.txt')).status).toBe(404);
    expect((await rawGet('/%2e%2e/private.txt')).status).toBe(404);
    expect((await rawGet('/missing.js')).status).toBe(404);
  });

  it('close() frees the port even with a keep-alive connection and a pending delayed request', async () => {
    const { port } = server;
    const { accessToken } = await loginBearer();
    const pending = fetch(`${server.url}/api/secret?delay=30000`, { headers: bearer(accessToken) }).then(
      () => 'answered',
      () => 'dropped',
    );
    await new Promise((done) => setTimeout(done, 50));
    await server.close();
    expect(await pending).toBe('dropped');
    const probe = createServer();
    await new Promise<void>((done, fail) => {
      probe.once('error', fail);
      probe.listen(port, '127.0.0.1', () => done());
    });
    await new Promise<void>((done) => probe.close(() => done()));
  });
});
