/**
 * The page of the msw-in-the-browser test: tokenflight/testing's auth server served by msw's
 * service worker (`setupWorker`), a real session and the fetch adapter. The test drives it
 * through `window.kitPage`; every request to /api/* is answered by the worker, never the network.
 */
import { setupWorker } from 'msw/browser';
import { createAuthSession, type AuthSession } from '../../../src/index.js';
import { createAuthFetch } from '../../../src/fetch/index.js';
import {
  createAuthClient,
  createAuthFlowModel,
  createAuthServer,
  type AuthServerCounters,
} from '../../../src/testing/index.js';

const auth = createAuthServer({ origin: location.origin, accessTtl: 60 });
const worker = setupWorker(...auth.handlers);
const client = createAuthClient(auth);

// Logs in before the session exists, so a failed login leaves no session running in the page.
async function loggedInSession(): Promise<AuthSession> {
  const tokens = await client.login('ada');
  return createAuthSession({ refresh: client.refresh, tokens, retry: { retries: 1, minDelay: 10, maxDelay: 10 } });
}

/** What a burst of requests to the protected route saw, and what the server counted. */
export interface BurstResult {
  statuses: number[];
  counters: AuthServerCounters;
}

async function burst(count: number, refreshFault: 'networkError' | null): Promise<BurstResult> {
  auth.reset();
  const session = await loggedInSession();
  const authFetch = createAuthFetch(session);
  auth.expireAccessTokens();
  if (refreshFault) auth.inject('refresh', refreshFault);
  const responses = await Promise.all(Array.from({ length: count }, () => authFetch(auth.url('protected'))));
  const result = { statuses: responses.map((response) => response.status), counters: auth.counters() };
  session.stop();
  return result;
}

async function revoked(): Promise<{ errors: string[]; status: string; tokens: unknown }> {
  auth.reset();
  const session = await loggedInSession();
  const authFetch = createAuthFetch(session);
  auth.expireAccessTokens();
  auth.revokeRefreshTokens();
  const settled = await Promise.allSettled(Array.from({ length: 3 }, () => authFetch(auth.url('protected'))));
  const errors = settled.map((outcome) => {
    if (outcome.status === 'fulfilled') return `fulfilled ${outcome.value.status}`;
    return outcome.reason instanceof Error ? outcome.reason.name : String(outcome.reason);
  });
  const result = { errors, status: session.status, tokens: session.tokens };
  session.stop();
  return result;
}

/** Every transition of the flow model, walked in this page against the worker, with a check per state. */
async function flow(): Promise<{
  paths: number;
  failures: string[];
  coverage: ReturnType<ReturnType<typeof createAuthFlowModel>['coverage']>;
}> {
  auth.reset();
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new Error(what);
  };
  const model = createAuthFlowModel({
    server: auth,
    setup: () => {
      const session = createAuthSession({ refresh: client.refresh, heartbeat: client.heartbeat });
      return { session, app: null, dispose: () => session.stop() };
    },
    states: {
      loggedOut: ({ session }) => check(session.tokens === null, 'loggedOut holds tokens'),
      idle: ({ session }) => check(typeof session.tokens?.accessToken === 'string', 'idle has no access token'),
      refreshing: ({ server }) =>
        check(server.counters().refreshCalls === 0, 'refreshing: the held refresh already reached the backend'),
      expired: ({ session }) => check(session.tokens === null, 'expired holds tokens'),
    },
  });
  const paths = model.paths();
  for (const path of paths) {
    try {
      await path.run();
    } catch (error) {
      failures.push(`${path.description}: ${(error as Error).message}`);
    }
  }
  return { paths: paths.length, failures, coverage: model.coverage() };
}

const kitPage = {
  ready: worker.start({ quiet: true, onUnhandledRequest: 'error' }).then(() => true),
  burst,
  revoked,
  flow,
};

declare global {
  interface Window {
    kitPage: typeof kitPage;
  }
}
window.kitPage = kitPage;
