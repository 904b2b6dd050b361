/**
 * The scenarios the page's buttons run: the four cases of seed 001 and
 * "fire N requests at once". Each reports what every request got and how many
 * refreshes the server counted meanwhile.
 */
import { tagRequest, type DemoClient } from './client.js';
import type { DemoLog } from './log.js';

/** /api/stats: the demo API's counters; in OAuth mode the provider's (/api/stats?of=extension). */
export type ServerStats = Record<string, number>;

export interface Outcome {
  path: string;
  /** HTTP status, or the name of the error the request rejected with. */
  result: number | string;
  /** A refusal the scenario is about (a guest's 401), shown as expected, not as a failure. */
  expected?: boolean;
}

export interface ScenarioResult {
  title: string;
  outcomes: Outcome[];
  /** `/api/refresh` calls the server saw during the scenario. */
  refreshes: number;
  status: string;
}

export type CaseName = 'guest' | 'valid' | 'refreshable' | 'expiredForGood';

export const CASES: Record<CaseName, { title: string; explain: string; expectedFailures?: Array<number | string> }> = {
  guest: {
    title: '1 · Guest',
    explain: 'No token: public data loads, secret data answers 401, nothing refreshes.',
    expectedFailures: [401],
  },
  valid: { title: '2 · Valid token', explain: 'Logged in: every request goes through, no refresh.' },
  refreshable: {
    title: '3 · Expired, refreshable',
    explain: 'The server expires the access token: the 401s share one refresh, then each request is replayed once.',
  },
  expiredForGood: {
    title: '4 · Expired for good',
    explain: 'Access token expired and refresh token revoked: one refresh attempt fails, the session is expired.',
    expectedFailures: ['SessionExpiredError'],
  },
};

// Like the seed's SPA: the current user, a widget and a list, fired together.
const PAGE_LOAD = ['/api/secret?item=user', '/api/secret?item=widget', '/api/public?item=list'];

export async function serverStats(client: Pick<DemoClient, 'stats'>): Promise<ServerStats> {
  return (await (await fetch(client.stats.path)).json()) as ServerStats;
}

async function debug(action: 'expire' | 'revoke' | 'reset' | 'reset-stats', log: DemoLog): Promise<void> {
  log.add('note', `server: ${action}`);
  await fetch(`/api/debug/${action}`, { method: 'POST' });
}

export async function expireOnServer(log: DemoLog): Promise<void> {
  await debug('expire', log);
}
export async function revokeOnServer(log: DemoLog): Promise<void> {
  await debug('revoke', log);
}
export async function resetServer(log: DemoLog): Promise<void> {
  await debug('reset', log);
}
/** Zeroes the server's counters and keeps its sessions: a page load starts counting from 0. */
export async function resetServerStats(log: DemoLog): Promise<void> {
  await debug('reset-stats', log);
}

async function request(client: DemoClient, path: string): Promise<Outcome> {
  try {
    const response = await client.authFetch(path, tagRequest());
    await response.body?.cancel();
    return { path, result: response.status };
  } catch (error) {
    return { path, result: error instanceof Error ? error.name : String(error) };
  }
}

/** Runs `act` and counts the refreshes the server (or the provider) saw meanwhile. */
async function measured(title: string, client: DemoClient, act: () => Promise<Outcome[]>): Promise<ScenarioResult> {
  const before = await serverStats(client);
  const outcomes = await act();
  const after = await serverStats(client);
  const refreshes = (after[client.stats.refreshes] ?? 0) - (before[client.stats.refreshes] ?? 0);
  return { title, outcomes, refreshes, status: client.session.status };
}

const fireAll = (client: DemoClient, paths: string[]) => Promise.all(paths.map((path) => request(client, path)));

export async function runCase(name: CaseName, client: DemoClient, log: DemoLog): Promise<ScenarioResult> {
  log.add('note', `case ${CASES[name].title}`);
  if (name === 'guest') {
    if (client.session.status !== 'loggedOut') await client.logout();
  } else {
    // A fresh login, so each case starts from a token the server knows is valid.
    await client.login('ada');
    if (name === 'refreshable' || name === 'expiredForGood') await expireOnServer(log);
    if (name === 'expiredForGood') await revokeOnServer(log);
  }
  const result = await measured(CASES[name].title, client, () => fireAll(client, PAGE_LOAD));
  const expected = CASES[name].expectedFailures ?? [];
  return {
    ...result,
    outcomes: result.outcomes.map((outcome) => ({ ...outcome, expected: expected.includes(outcome.result) })),
  };
}

/** N requests at once with a token the server just expired: one refresh serves them all. */
export async function fireConcurrent(count: number, client: DemoClient, log: DemoLog): Promise<ScenarioResult> {
  if (client.session.status !== 'idle') await client.login('ada');
  await expireOnServer(log);
  const paths = Array.from({ length: count }, (_, index) => `/api/secret?n=${index + 1}`);
  return measured(`${count} requests at once`, client, () => fireAll(client, paths));
}

/**
 * A slow request sent with the old token gets its 401 after the refresh
 * finished: tokenflight replays it with the new token instead of refreshing again.
 */
export async function staleUnauthorized(client: DemoClient, log: DemoLog): Promise<ScenarioResult> {
  if (client.session.status !== 'idle') await client.login('ada');
  await expireOnServer(log);
  return measured('Stale 401', client, async () => {
    const slow = request(client, '/api/secret?delay=1500&item=slow');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const fast = await request(client, '/api/secret?item=fast');
    return [await slow, fast];
  });
}
