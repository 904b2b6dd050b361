import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAuthFetch } from 'tokenflight/fetch';
import {
  createAuthSession,
  LoggedOutError,
  SessionExpiredError,
  type AuthSession,
  type SessionEndError,
} from 'tokenflight';
import { AuthEventSource } from 'tokenflight/sse';
import { listen } from './userCode/events.js';
import { startSseServer, type SseServer } from './support/sseServer.js';

let sse: SseServer;
let session: AuthSession;
const sources: AuthEventSource[] = [];

beforeEach(async () => {
  sse = await startSseServer();
  session = createAuthSession({ refresh: sse.api.refresh, tokens: await sse.api.login() });
});
afterEach(async () => {
  for (const source of sources.splice(0)) source.close();
  session.stop();
  await sse.close();
});

/** A stream that records every event's number and every error it reports. */
function open(url = sse.url) {
  const received: number[] = [];
  const ended: SessionEndError[] = [];
  const source = listen(
    session,
    url,
    (data) => received.push(Number(data)),
    (error) => ended.push(error),
  );
  sources.push(source);
  return { source, received, ended };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('AuthEventSource keeps a stream authorized', () => {
  it('opens with the session token and gets the events published while it is open', async () => {
    const { received } = open();
    await vi.waitFor(() => expect(sse.openStreams()).toBe(1));
    for (let i = 0; i < 3; i++) sse.publish();
    await vi.waitFor(() => expect(received).toEqual([1, 2, 3]));
    expect(sse.connects).toEqual([{ status: 200, lastEventId: null, token: session.tokens?.accessToken }]);
  });

  it('across three expiries: one refresh each, Last-Event-ID resumes the stream, no event lost or repeated', async () => {
    const { received, ended } = open();
    await vi.waitFor(() => expect(sse.openStreams()).toBe(1));
    for (let round = 1; round <= 3; round++) {
      for (let i = 0; i < 4; i++) sse.publish();
      await sse.expire();
      // Published while the stream is down: delivered after the reconnect, from Last-Event-ID.
      for (let i = 0; i < 2; i++) sse.publish();
      await vi.waitFor(() => expect(received).toHaveLength(round * 6));
    }
    expect(received).toEqual(range(1, 18));
    expect(await sse.api.refreshCalls()).toBe(3);
    // Each round: the reconnect with the expired token (401), then its replay with the new one.
    const reconnects = sse.connects.slice(1);
    expect(reconnects.map((connect) => [connect.status, connect.lastEventId])).toEqual([
      [401, '4'],
      [200, '4'],
      [401, '10'],
      [200, '10'],
      [401, '16'],
      [200, '16'],
    ]);
    expect(new Set(sse.connects.filter((c) => c.status === 200).map((c) => c.token)).size).toBe(4);
    expect(ended).toEqual([]);
  });

  it('a 401 at connect shares one refresh with every other request of the session', async () => {
    const authFetch = createAuthFetch(session, { origins: [sse.api.url] });
    await sse.api.debug('expire');
    const streams = [open(), open(), open()];
    const responses = await Promise.all(Array.from({ length: 10 }, () => authFetch(`${sse.api.url}/api/secret`)));
    await vi.waitFor(() => expect(sse.openStreams()).toBe(3));
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(await sse.api.refreshCalls()).toBe(1);
    sse.publish();
    await vi.waitFor(() => expect(streams.map((stream) => stream.received)).toEqual([[1], [1], [1]]));
  });

  it('a stale 401 (the token was replaced while the answer was on its way) makes no second refresh', async () => {
    const authFetch = createAuthFetch(session, { origins: [sse.api.url] });
    await sse.api.debug('expire');
    // Judged with the expired token on arrival, answered 401 after the request below refreshed.
    open(`${sse.url}?delay=300`);
    expect((await authFetch(`${sse.api.url}/api/secret`)).status).toBe(200);
    await vi.waitFor(() => expect(sse.openStreams()).toBe(1));
    expect(await sse.api.refreshCalls()).toBe(1);
    expect(sse.connects.map((connect) => connect.status)).toEqual([401, 200]);
  });
});

describe('when the session ends, the stream closes with the typed error', () => {
  it('expired: the refresh token is revoked, the reconnect cannot refresh, onError gets SessionExpiredError', async () => {
    const { source, ended } = open();
    await vi.waitFor(() => expect(sse.openStreams()).toBe(1));
    await sse.api.debug('revoke');
    await sse.expire();
    await vi.waitFor(() => expect(ended).toHaveLength(1));
    expect(ended[0]).toBeInstanceOf(SessionExpiredError);
    expect(source.readyState).toBe(AuthEventSource.CLOSED);
    expect(session.status).toBe('expired');
    const connectsAfter = sse.connects.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Closed for good: no reconnect (the server asks for one every 20 ms).
    expect(sse.connects.length).toBe(connectsAfter);
  });

  it('logout: the open stream closes at once and onError gets LoggedOutError', async () => {
    const { source, ended } = open();
    await vi.waitFor(() => expect(sse.openStreams()).toBe(1));
    session.logout();
    await vi.waitFor(() => expect(ended).toHaveLength(1));
    expect(ended[0]).toBeInstanceOf(LoggedOutError);
    expect(source.readyState).toBe(AuthEventSource.CLOSED);
    await vi.waitFor(() => expect(sse.openStreams()).toBe(0));
  });

  it('a stream opened after logout sends nothing and reports LoggedOutError', async () => {
    session.logout();
    const { source, ended } = open();
    await vi.waitFor(() => expect(ended).toHaveLength(1));
    expect(ended[0]).toBeInstanceOf(LoggedOutError);
    expect(source.readyState).toBe(AuthEventSource.CLOSED);
    expect(sse.connects).toEqual([]);
  });

  it('a stream closed by its owner is not reported when the session ends later', async () => {
    const { source, ended } = open();
    await vi.waitFor(() => expect(sse.openStreams()).toBe(1));
    source.close();
    session.logout();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ended).toEqual([]);
  });
});

describe('bad input', () => {
  it('a URL outside the allowed origins is a TypeError, and no request goes out', () => {
    expect(() => new AuthEventSource(session, 'http://127.0.0.2:1/events', { origins: [sse.api.url] })).toThrow(
      /127\.0\.0\.2:1 is not an allowed origin/,
    );
    expect(() => new AuthEventSource(session, sse.url)).toThrow(TypeError);
    expect(sse.connects).toEqual([]);
  });
});
