// Discovery failures are typed: what may pass (unreachable, timed out, malformed, 5xx) is a
// DiscoveryError naming the issuer and the URL, and a refresh retries it; what never will (a
// 404, another issuer, no token endpoint) ends the session as an OAuthConfigurationError.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createAuthSession } from 'tokenflight';
import { DiscoveryError, oauth, OAuthConfigurationError } from 'tokenflight/oauth';

const ISSUER = 'https://id.example.com/';
const WELL_KNOWN = 'https://id.example.com/.well-known/openid-configuration';
const METADATA = { issuer: ISSUER, token_endpoint: 'https://id.example.com/token' };

/** An oauth() client whose requests `answer` serves; `urls` is what it asked for. */
function clientAnswering(answer: (url: string, init?: RequestInit) => Promise<Response>, timeout?: number) {
  const urls: string[] = [];
  const op = oauth({
    issuer: ISSUER,
    clientId: 'spa',
    timeout,
    fetch: async (input, init) => {
      const url = input instanceof Request ? input.url : input.toString();
      urls.push(url);
      return answer(url, init);
    },
  });
  return { op, urls };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('metadata(): discovery failures, typed', () => {
  it('an unreachable issuer is a DiscoveryError naming the issuer and the URL, not a bare "fetch failed"', async () => {
    const issuer = `http://127.0.0.1:${await closedPort()}/`;
    const op = oauth({ issuer, clientId: 'spa', allowInsecureRequests: true });
    const error = await op.metadata().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DiscoveryError);
    expect(error).toMatchObject({
      reason: 'unreachable',
      issuer,
      url: `${issuer}.well-known/openid-configuration`,
      message: `Discovery for issuer ${issuer} failed: the server could not be reached (${issuer}.well-known/openid-configuration)`,
    });
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it('a discovery that hangs ends after `timeout` as a DiscoveryError saying so', async () => {
    const { op } = clientAnswering(
      (_, init) =>
        new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason))),
      50,
    );
    await expect(op.metadata()).rejects.toMatchObject({
      name: 'DiscoveryError',
      reason: 'timeout',
      message: `Discovery for issuer ${ISSUER} failed: no answer in time (${WELL_KNOWN})`,
    });
  });

  it('an answer that is not a metadata document is malformed', async () => {
    const { op } = clientAnswering(async () => new Response('<html>portal</html>', { status: 200 }));
    await expect(op.metadata()).rejects.toMatchObject({
      name: 'DiscoveryError',
      reason: 'malformed',
      message: `Discovery for issuer ${ISSUER} failed: the answer is not a metadata document (JSON with an issuer) (${WELL_KNOWN})`,
    });
  });

  it('a 503 is a DiscoveryError with its status, and may pass', async () => {
    const { op } = clientAnswering(async () => new Response('busy', { status: 503 }));
    const error = await op.metadata().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'DiscoveryError', reason: 'status', status: 503, permanent: false });
    expect((error as Error).message).toBe(
      `Discovery for issuer ${ISSUER} failed: the server answered HTTP 503 (${WELL_KNOWN})`,
    );
  });

  it.each([
    ['a 404', async () => new Response('not found', { status: 404 }), 'the server answered HTTP 404'],
    [
      'another issuer',
      async () => Response.json({ ...METADATA, issuer: 'https://id.example.com/tenant' }),
      'the document names another issuer (check `issuer`: scheme, host, path and trailing slash)',
    ],
    ['no token endpoint', async () => Response.json({ issuer: ISSUER }), 'the document has no token_endpoint'],
  ])('%s is a misconfiguration: OAuthConfigurationError caused by the DiscoveryError', async (_, answer, what) => {
    const { op } = clientAnswering(answer);
    const error = await op.metadata().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OAuthConfigurationError);
    expect(error).toMatchObject({
      error: 'invalid_discovery',
      message: `Discovery for issuer ${ISSUER} failed: ${what} (${WELL_KNOWN})`,
    });
    expect((error as Error).cause).toBeInstanceOf(DiscoveryError);
  });
});

describe('discovery failures in a session', () => {
  const dead = { accessToken: 'a0', refreshToken: 'r0', expiresIn: 0 };

  it('a 404 at discovery ends the session as an OAuthConfigurationError, without retries', async () => {
    const { op, urls } = clientAnswering(async () => new Response('not found', { status: 404 }));
    const session = createAuthSession({ refresh: op.refresh, plugins: [op], tokens: dead, retry: { retries: 3 } });
    const expired = new Promise<unknown>((resolve) => session.on('expired', ({ error }) => resolve(error)));
    await expect(session.getToken()).rejects.toMatchObject({ name: 'SessionExpiredError' });
    await expect(expired).resolves.toBeInstanceOf(OAuthConfigurationError);
    expect(urls).toEqual([WELL_KNOWN]);
    session.stop();
  });

  it('a 503 at discovery is retried, and the refresh goes through once discovery answers', async () => {
    let calls = 0;
    const { op, urls } = clientAnswering(async (url) => {
      if (url === WELL_KNOWN) return ++calls === 1 ? new Response('busy', { status: 503 }) : Response.json(METADATA);
      return Response.json({ access_token: 'a1', token_type: 'Bearer', expires_in: 600, refresh_token: 'r1' });
    });
    const session = createAuthSession({
      refresh: op.refresh,
      plugins: [op],
      tokens: dead,
      retry: { retries: 2, minDelay: 1, maxDelay: 1 },
    });
    await expect(session.getToken()).resolves.toMatchObject({ accessToken: 'a1' });
    expect(urls).toEqual([WELL_KNOWN, WELL_KNOWN, METADATA.token_endpoint]);
    session.stop();
  });
});
