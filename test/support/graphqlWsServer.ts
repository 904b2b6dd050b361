/**
 * A GraphQL over WebSocket server (`graphql-ws/use/ws` on `ws`) on 127.0.0.1 next to the real
 * auth API. It checks the token only at connect (`connection_init`): a token the backend refuses
 * is closed with 4403 Forbidden. `Subscription.ticks` delivers what the test publishes, and
 * `dropSockets()` cuts every socket (1012, Service Restart), as a deploy or a proxy would.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { startAuthApi, type AuthApi } from './authApi.js';

const SERVICE_RESTART = 1012;

// graphql-ws loads graphql through Node (its CommonJS build); the schema must come from that same
// copy, not from the ES build vitest would hand an `import` ("from another module or realm").
const { GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString } = createRequire(import.meta.url)(
  'graphql',
) as typeof import('graphql');

export interface WsConnect {
  token: string | null;
  accepted: boolean;
}

export interface GraphqlWsServer {
  api: AuthApi;
  /** ws://127.0.0.1:<port>/graphql */
  url: string;
  /** Every connection_init judged, in order. */
  connects: WsConnect[];
  /** connection_init messages received so far (judged or not). */
  arrivals(): number;
  /** Live `ticks` subscriptions. */
  subscribers(): number;
  publish(value: number): void;
  /** Closes every socket with `code` (1012 Service Restart unless told). */
  dropSockets(code?: number): void;
  /** How connections are judged from now on. */
  mode: {
    /** The next connection_init is answered with a close 4401 (a protocol error, not a bad token). */
    close4401Next: boolean;
    /** Judged on arrival, answered after this many ms: a 4403 that lands after a refresh (stale). */
    verdictDelay: number;
    /** 4403 for every token, even a fresh one. */
    refuseAll: boolean;
    /** The next this many upgrade requests are answered 503, as a server restarting behind a proxy answers. */
    refuseUpgrades: number;
  };
  close(): Promise<void>;
}

/** An async iterator per subscriber that ends (and unregisters) when graphql-ws calls `return`. */
function createTicks() {
  const queues = new Set<{ push(value: number): void }>();
  function iterate(): AsyncIterableIterator<number> {
    const buffered: number[] = [];
    let waiting: ((result: IteratorResult<number>) => void) | null = null;
    const queue = {
      push(value: number) {
        if (waiting) waiting({ value, done: false });
        else buffered.push(value);
        waiting = null;
      },
    };
    queues.add(queue);
    return {
      next: () =>
        buffered.length > 0
          ? Promise.resolve({ value: buffered.shift()!, done: false })
          : new Promise((resolve) => (waiting = resolve)),
      return() {
        queues.delete(queue);
        waiting?.({ value: undefined, done: true });
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
  return {
    iterate,
    count: () => queues.size,
    publish: (value: number) => queues.forEach((queue) => queue.push(value)),
  };
}

export async function startGraphqlWsServer(options: Parameters<typeof startAuthApi>[0] = {}): Promise<GraphqlWsServer> {
  const api = await startAuthApi(options);
  const ticks = createTicks();
  const connects: WsConnect[] = [];
  let arrivals = 0;
  const mode = { close4401Next: false, verdictDelay: 0, refuseAll: false, refuseUpgrades: 0 };
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { hello: { type: GraphQLString, resolve: () => 'world' } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: { ticks: { type: GraphQLInt, subscribe: () => ticks.iterate(), resolve: (value: number) => value } },
    }),
  });
  const http: Server = createServer((_, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({
    server: http,
    path: '/graphql',
    verifyClient: (_info, answer) => {
      if (mode.refuseUpgrades === 0) {
        answer(true);
        return;
      }
      mode.refuseUpgrades -= 1;
      answer(false, 503, 'Service Unavailable');
    },
  });
  useServer<Record<string, unknown>, { socket: WebSocket }>(
    {
      schema,
      async onConnect(ctx) {
        arrivals += 1;
        if (mode.close4401Next) {
          mode.close4401Next = false;
          // graphql-ws then tries 4403 on the closing socket, which ws ignores.
          ctx.extra.socket.close(4401, 'Unauthorized');
          return false;
        }
        const header = ctx.connectionParams?.Authorization;
        const token = typeof header === 'string' ? (/^Bearer (.+)$/.exec(header)?.[1] ?? null) : null;
        const verdict = await api.server.backend.authorize(token);
        const accepted = verdict.ok && !mode.refuseAll;
        if (mode.verdictDelay > 0) await new Promise((resolve) => setTimeout(resolve, mode.verdictDelay));
        connects.push({ token, accepted });
        return accepted;
      },
    },
    wss,
    0,
  );
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    api,
    url: `ws://127.0.0.1:${port}/graphql`,
    connects,
    arrivals: () => arrivals,
    subscribers: ticks.count,
    publish: ticks.publish,
    dropSockets(code = SERVICE_RESTART) {
      for (const socket of wss.clients) socket.close(code, code === SERVICE_RESTART ? 'Service Restart' : 'Going Away');
    },
    mode,
    async close() {
      for (const socket of wss.clients) socket.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await new Promise((resolve) => http.close(resolve));
      await api.close();
    },
  };
}
