import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from '../demo/startDemo.js';
import type { AuthHttpServer } from '../server/createAuthHttpServer.js';

let server: AuthHttpServer;
beforeAll(async () => {
  server = await startDemoServer({ port: 0, accessTtl: 7 });
});
afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- beforeAll may have failed before assigning it
  await server?.close();
});

describe('startDemoServer', () => {
  it('serves the page and the bundle built from the library source', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html).toContain('<script type="module" src="/main.js">');
    const script = await fetch(`${server.url}/main.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    const code = await script.text();
    // The session machine and the fetch adapter are bundled in, not fetched from a CDN.
    expect(code).toContain('authSession');
    expect(code).toContain('tokenflightDemo');
    expect(code).not.toMatch(/https?:\/\/(cdn|unpkg|esm\.sh)/);
    expect((await fetch(`${server.url}/style.css`)).status).toBe(200);
  });

  it('passes its options to the auth API', async () => {
    const response = await fetch(`${server.url}/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'ada' }),
    });
    expect(await response.json()).toMatchObject({ expiresIn: 7 });
  });
});
