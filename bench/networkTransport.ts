/**
 * The real network, with the same per-origin connection limit for fetch and axios, like a
 * browser has: without it 10 000 concurrent requests would open 10 000 sockets (past the fd
 * limit, and past the listen backlog, which turns into 1 s SYN retries).
 */
import http from 'node:http';
import type { Transport } from './clients.js';

const DISPATCHER = Symbol.for('undici.globalDispatcher.1');

interface Dispatcher {
  close(): Promise<void>;
}

type DispatcherConstructor = new (options: { connections: number; keepAliveTimeout: number }) => Dispatcher;

export interface NetworkTransport extends Transport {
  close(): Promise<void>;
}

/**
 * Node 20 does not export undici's Agent, but its global dispatcher is one: build a bounded
 * Agent from that constructor and install it as the global dispatcher for the bench's lifetime.
 */
export async function createNetworkTransport(origin: string, connections: number): Promise<NetworkTransport> {
  const registry = globalThis as unknown as Record<symbol, Dispatcher | undefined>;
  await (await fetch(`${origin}/api/public`)).arrayBuffer(); // makes Node create its dispatcher
  const original = registry[DISPATCHER];
  if (!original) throw new Error('bench: no global undici dispatcher to copy');
  const Agent = original.constructor as DispatcherConstructor;
  const bounded = new Agent({ connections, keepAliveTimeout: 30_000 });
  registry[DISPATCHER] = bounded;

  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: connections, keepAliveMsecs: 30_000 });
  return {
    fetch: (input, init) => fetch(input, init),
    axios: { httpAgent },
    async close() {
      httpAgent.destroy();
      registry[DISPATCHER] = original;
      await bounded.close();
    },
  };
}
