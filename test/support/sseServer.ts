/**
 * A server-sent events route for the real auth API: `GET /events` wants a valid Bearer token
 * (401 otherwise, judged on arrival and answered after `?delay=` ms), starts after the
 * `Last-Event-ID` it is sent, and numbers its events 1, 2, 3… from one log, so a client that
 * reconnects with the right ID misses and repeats nothing. `expire()` expires every access
 * token and ends every open stream, as a server that checks tokens during a stream does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startAuthApi, type AuthApi } from './authApi.js';

export interface StreamConnect {
  /** 200 or 401. */
  status: number;
  lastEventId: string | null;
  token: string | null;
}

export interface SseServer {
  api: AuthApi;
  url: string;
  /** Every request to /events, in arrival order. */
  connects: StreamConnect[];
  /** Streams open now. */
  openStreams(): number;
  /** Appends event n+1 to the log and sends it to every open stream. */
  publish(): number;
  expire(): Promise<void>;
  close(): Promise<void>;
}

/** `options.handler`: routes of the test's own (a page that opens the stream), tried after /events. */
export async function startSseServer(options: Parameters<typeof startAuthApi>[0] = {}): Promise<SseServer> {
  const streams = new Set<ServerResponse>();
  const connects: StreamConnect[] = [];
  let published = 0;

  const frame = (id: number) => `id: ${id}\ndata: ${id}\n\n`;

  async function events(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
    const lastEventId = typeof req.headers['last-event-id'] === 'string' ? req.headers['last-event-id'] : null;
    const verdict = await api.server.backend.authorize(token);
    const delay = Number(url.searchParams.get('delay') ?? 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    connects.push({ status: verdict.ok ? 200 : 401, lastEventId, token });
    if (!verdict.ok) {
      res
        .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' })
        .end('{"error":"unauthorized"}');
      return;
    }
    // `retry: 20`: reconnect 20 ms after the stream ends (the default is 3 s).
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write('retry: 20\n\n');
    for (let id = Number(lastEventId ?? 0) + 1; id <= published; id++) res.write(frame(id));
    streams.add(res);
    res.once('close', () => streams.delete(res));
  }

  const api = await startAuthApi({
    ...options,
    handler(req, res) {
      if (req.url?.startsWith('/events')) return events(req, res).then(() => true);
      return options.handler?.(req, res) ?? false;
    },
  });
  return {
    api,
    url: `${api.url}/events`,
    connects,
    openStreams: () => streams.size,
    publish() {
      published += 1;
      for (const stream of streams) stream.write(frame(published));
      return published;
    },
    async expire() {
      await api.debug('expire');
      for (const stream of streams) stream.end();
      streams.clear();
    },
    close: () => api.close(),
  };
}
