import axios from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthSession } from 'tokenflight';
import { createAuthFetch } from 'tokenflight/fetch';
import { attachAuth } from 'tokenflight/axios';
import { authHooks } from 'tokenflight/ky';
import { AuthEventSource } from 'tokenflight/sse';
import { withSessionAuth } from 'tokenflight/graphql-ws';

// Every adapter checks its arguments when it is made, with `tokenflight: <option> must be …, got …`.
const sessions: { stop(): void }[] = [];
afterEach(() => sessions.splice(0).forEach((session) => session.stop()));

function session() {
  const made = createAuthSession({ refresh: async () => ({ accessToken: 'a1' }), tokens: { accessToken: 'a0' } });
  sessions.push(made);
  return made;
}

const API = 'https://api.example.com';
const SESSION = 'a session from createAuthSession()';

describe('the session argument', () => {
  it('createAuthFetch(undefined) is refused when it is called', () => {
    expect(() => createAuthFetch(undefined as never)).toThrow(
      new TypeError(
        `tokenflight: createAuthFetch's first argument (session) must be ${SESSION}; call createAuthFetch(session, options), got undefined`,
      ),
    );
  });

  it('createAuthFetch(fetch, session), arguments swapped, is refused and names the function it got', () => {
    expect(() => createAuthFetch(fetch as never, session() as never)).toThrow(
      new TypeError(
        `tokenflight: createAuthFetch's first argument (session) must be ${SESSION}; call createAuthFetch(session, options), got the function fetch`,
      ),
    );
  });

  it('attachAuth(instance, session), arguments swapped, is refused', () => {
    const instance = axios.create();
    expect(() => attachAuth(instance as never, session() as never)).toThrow(
      /^tokenflight: attachAuth's first argument \(session\) must be a session from createAuthSession\(\); call attachAuth\(session, options\), got the function wrap$/,
    );
  });

  it('attachAuth(session, {}) without an axios instance is refused', () => {
    expect(() => attachAuth(session(), {} as never)).toThrow(
      new TypeError(
        "tokenflight: attachAuth's second argument (instance) must be an axios instance (axios.create()), got an object",
      ),
    );
  });

  it('authHooks({}) is refused', () => {
    expect(() => authHooks({} as never)).toThrow(
      new TypeError(
        `tokenflight: authHooks's first argument (session) must be ${SESSION}; call authHooks(session, options), got an object`,
      ),
    );
  });

  it('new AuthEventSource(url, session) is refused', () => {
    expect(() => new AuthEventSource(`${API}/events` as never, session() as never)).toThrow(
      new TypeError(
        `tokenflight: AuthEventSource's first argument (session) must be ${SESSION}; call AuthEventSource(session, options), got "${API}/events"`,
      ),
    );
  });

  it('withSessionAuth(null, client) is refused', () => {
    expect(() => withSessionAuth(null as never, { url: 'wss://api.example.com/graphql' })).toThrow(
      new TypeError(
        `tokenflight: withSessionAuth's first argument (session) must be ${SESSION}; call withSessionAuth(session, options), got null`,
      ),
    );
  });
});

describe('adapter options', () => {
  it('options must be an object', () => {
    expect(() => createAuthFetch(session(), 'https://api.example.com' as never)).toThrow(
      new TypeError(`tokenflight: createAuthFetch's options must be an object, got "${API}"`),
    );
  });

  it('origins as a string is refused (it must be an array)', () => {
    expect(() => createAuthFetch(session(), { origins: API as never })).toThrow(
      new TypeError(`tokenflight: origins must be an array of origins, got "${API}"`),
    );
  });

  it('an origin with a path is refused: the token would go to every path of the origin', () => {
    expect(() => authHooks(session(), { origins: [`${API}/api`] })).toThrow(
      new TypeError(
        `tokenflight: origins[0] must be an origin, scheme://host[:port] with no path, query or fragment (the token goes to every path of it), got "${API}/api"`,
      ),
    );
  });

  it('fetch that is not a function is refused at creation, not at the first call', () => {
    expect(() => createAuthFetch(session(), { fetch: 'nope' as never })).toThrow(
      new TypeError('tokenflight: fetch must be a function, got "nope"'),
    );
  });

  it('shouldAuthorize that is not a function is refused', () => {
    expect(() => attachAuth(session(), axios.create(), { origins: [API], shouldAuthorize: true as never })).toThrow(
      new TypeError('tokenflight: shouldAuthorize must be a function, got true'),
    );
  });

  it('isUnauthorized that is not a function is refused', () => {
    expect(() => authHooks(session(), { isUnauthorized: 401 as never })).toThrow(
      new TypeError('tokenflight: isUnauthorized must be a function, got 401'),
    );
  });

  it('a scheme without authorize is refused', () => {
    expect(() => createAuthFetch(session(), { scheme: 'Bearer' as never })).toThrow(
      new TypeError(
        'tokenflight: scheme must be a token scheme with an authorize function (bearerScheme, headerScheme(name)), got "Bearer"',
      ),
    );
  });

  it("the SSE stream's onError that is not a function is refused", () => {
    expect(() => new AuthEventSource(session(), `${API}/events`, { origins: [API], onError: {} as never })).toThrow(
      new TypeError('tokenflight: onError must be a function, got an object'),
    );
  });

  it("graphql-ws's connectionParams that is not a function is refused, and so are origins with a path", () => {
    const client = { url: 'wss://api.example.com/graphql' };
    expect(() => withSessionAuth(session(), client, { connectionParams: { a: 1 } as never })).toThrow(
      new TypeError('tokenflight: connectionParams must be a function, got an object'),
    );
    expect(() => withSessionAuth(session(), client, { origins: ['wss://api.example.com/graphql'] })).toThrow(
      /^tokenflight: origins\[0\] must be an origin, .*got "wss:\/\/api.example.com\/graphql"$/,
    );
  });
});
