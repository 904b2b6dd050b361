/** Starts `serverProcess.ts` in a child process and talks to it over its debug routes. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { IssuedTokens } from './clients.js';

export interface ServerStats {
  refreshCalls: number;
  refreshOk: number;
  reuseDetected: number;
  unauthorized: number;
}

export interface BenchServer {
  url: string;
  /** A new world: every family, token and counter is dropped, then one user logs in. */
  freshLogin(): Promise<IssuedTokens>;
  /** Every access token issued so far is expired on the server (the client does not know). */
  expireAccessTokens(): Promise<void>;
  stats(): Promise<ServerStats>;
  close(): Promise<void>;
}

const STARTUP_LIMIT_MS = 20_000;

export async function startBenchServer(refreshLatency: number): Promise<BenchServer> {
  const child: ChildProcess = fork(
    fileURLToPath(new URL('./serverProcess.ts', import.meta.url)),
    [String(refreshLatency)],
    {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench server did not start')), STARTUP_LIMIT_MS);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve((message as { url: string }).url);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench server exited with ${code}`));
    });
  });
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`bench server must listen on 127.0.0.1, got ${url}`);

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
    return (await response.json()) as T;
  }

  return {
    url,
    async freshLogin() {
      await call('POST', '/api/debug/reset');
      return call<IssuedTokens>('POST', '/api/login', { username: 'bench' });
    },
    async expireAccessTokens() {
      await call('POST', '/api/debug/expire');
    },
    stats: () => call<ServerStats>('GET', '/api/stats'),
    close() {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.send('close');
      });
    },
  };
}
