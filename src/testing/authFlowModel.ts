import { createMachine } from 'xstate';
import { getShortestPaths, type StatePath } from 'xstate/graph';
import type { AuthStatus } from '../../machines/authSessionTypes.js';
import type { AuthSession } from '../session/createAuthSession.js';
import { createAuthFetch } from '../fetch/createAuthFetch.js';
import { createAuthClient } from './createAuthClient.js';
import type { AuthServer, Gate } from './createAuthServer.js';
import { edgeCoveringPaths } from './edgePaths.js';

/**
 * A model of the auth flow as a user sees it, for model-based tests of an app: generated paths
 * through loggedOut / idle / refreshing / expired, whose events happen for real (a login on the
 * auth server, a protected request, an access token expiring, the refresh being answered), while
 * your assertions say what the app shows in each state.
 */

export type FlowState = AuthStatus;
export type FlowEvent =
  'LOGIN' | 'REQUEST' | 'ACCESS_TOKEN_EXPIRES' | 'REFRESH_SUCCEEDS' | 'REFRESH_REJECTED' | 'LOGOUT';

export const authFlowMachine = createMachine({
  id: 'authFlow',
  types: {} as { events: { type: FlowEvent } },
  initial: 'loggedOut',
  states: {
    loggedOut: { on: { LOGIN: 'idle' } },
    idle: { on: { REQUEST: 'idle', ACCESS_TOKEN_EXPIRES: 'refreshing', LOGOUT: 'loggedOut' } },
    refreshing: { on: { REFRESH_SUCCEEDS: 'idle', REFRESH_REJECTED: 'expired', LOGOUT: 'loggedOut' } },
    expired: { on: { LOGIN: 'idle', LOGOUT: 'loggedOut' } },
  },
});

const flowEvents: FlowEvent[] = [
  'LOGIN',
  'REQUEST',
  'ACCESS_TOKEN_EXPIRES',
  'REFRESH_SUCCEEDS',
  'REFRESH_REJECTED',
  'LOGOUT',
];

export interface FlowSetup<TApp> {
  /** A fresh session for this path, wired to the auth server (see `createAuthClient`). */
  session: AuthSession;
  /** Whatever your assertions look at: a rendered app, a store, a router… */
  app: TApp;
  /** One protected request the way your app makes it. Default: the protected route through `createAuthFetch`. */
  request?: () => Promise<unknown>;
  dispose?: () => void | Promise<void>;
}

export interface FlowContext<TApp> {
  session: AuthSession;
  app: TApp;
  server: AuthServer;
  state: FlowState;
}

export interface AuthFlowOptions<TApp> {
  server: AuthServer;
  setup: () => FlowSetup<TApp> | Promise<FlowSetup<TApp>>;
  /** Your assertions, per state: e.g. `expired: ({ app }) => expect(app.screen()).toBe('login')`. */
  states: Partial<Record<FlowState, (context: FlowContext<TApp>) => void | Promise<void>>>;
  /** How an event happens in your app when the default is not it (e.g. LOGIN clicks your login button). */
  events?: Partial<Record<'LOGIN' | 'LOGOUT', (context: FlowContext<TApp>) => void | Promise<void>>>;
  /** How long the session may take to reach the next state (ms). Default 2000. */
  timeout?: number;
  username?: string;
}

export interface AuthFlowPath {
  /** e.g. "loggedOut → LOGIN → idle → LOGOUT → loggedOut" */
  description: string;
  states: FlowState[];
  events: FlowEvent[];
  run(): Promise<void>;
}

export interface AuthFlowModel {
  /** 'transitions' (default): every transition of the flow; 'states': the shortest path to each state. */
  paths(coverage?: 'transitions' | 'states'): AuthFlowPath[];
  /** What the paths run so far have covered. */
  coverage(): { states: [covered: number, total: number]; transitions: [covered: number, total: number] };
}

type FlowPath = StatePath<ReturnType<typeof authFlowMachine.transition>, { type: FlowEvent }>;

function waitForStatus(session: AuthSession, status: FlowState, timeout: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let unsubscribe = () => {};
    const timer = setTimeout(() => {
      unsubscribe();
      reject(
        new Error(
          `tokenflight/testing: the session did not reach "${status}" within ${timeout} ms (it is "${session.status}")`,
        ),
      );
    }, timeout);
    unsubscribe = session.subscribe((snapshot) => {
      if (snapshot.status !== status) return;
      clearTimeout(timer);
      queueMicrotask(() => unsubscribe());
      resolve();
    });
  });
}

export function createAuthFlowModel<TApp>(options: AuthFlowOptions<TApp>): AuthFlowModel {
  const { server } = options;
  const timeout = options.timeout ?? 2_000;
  const client = createAuthClient(server);
  const allStates: FlowState[] = ['loggedOut', 'idle', 'refreshing', 'expired'];
  const allTransitions = Object.entries(authFlowMachine.config.states ?? {}).flatMap(([state, node]) =>
    Object.keys(node.on ?? {}).map((event) => `${state} ${event}`),
  );
  const coveredStates = new Set<string>();
  const coveredTransitions = new Set<string>();

  async function run(path: FlowPath): Promise<void> {
    const setup = await options.setup();
    const context: FlowContext<TApp> = { session: setup.session, app: setup.app, server, state: 'loggedOut' };
    const request =
      setup.request ??
      (async () => {
        const response = await createAuthFetch(setup.session, { origins: [new URL(server.url('protected')).origin] })(
          server.url('protected'),
        );
        if (!response.ok) throw new Error(`the protected route answered ${response.status}`);
        return response;
      });
    // A request left waiting on a held refresh, and the hold itself.
    let pending: Promise<unknown> | undefined;
    let gate: Gate | undefined;

    const happen: Record<FlowEvent, () => Promise<void>> = {
      async LOGIN() {
        if (options.events?.LOGIN) return options.events.LOGIN(context);
        setup.session.login(await client.login(options.username ?? 'ada'));
      },
      async LOGOUT() {
        if (options.events?.LOGOUT) return options.events.LOGOUT(context);
        await client.logout(setup.session.tokens);
        setup.session.logout();
      },
      async REQUEST() {
        await request();
      },
      async ACCESS_TOKEN_EXPIRES() {
        gate = server.hold('refresh');
        server.expireAccessTokens();
        pending = request().then(
          () => undefined,
          (error: unknown) => error,
        );
      },
      async REFRESH_SUCCEEDS() {
        gate?.release();
        const outcome = await pending;
        // Rethrown as the request rejected with it, whatever it is.
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- see above
        if (outcome !== undefined) throw outcome;
      },
      async REFRESH_REJECTED() {
        server.revokeRefreshTokens();
        gate?.release();
        await pending;
      },
    };

    async function arrive(state: FlowState) {
      await waitForStatus(setup.session, state, timeout);
      context.state = state;
      coveredStates.add(state);
      await options.states[state]?.(context);
    }

    try {
      await arrive('loggedOut');
      for (const step of path.steps) {
        if ((step.event.type as string) === 'xstate.init') continue;
        const from = context.state;
        const to = step.state.value as FlowState;
        await happen[step.event.type]();
        await arrive(to);
        coveredTransitions.add(`${from} ${step.event.type}`);
      }
    } finally {
      gate?.release();
      setup.session.stop();
      await pending;
      await setup.dispose?.();
      server.reset();
    }
  }

  function describe(path: FlowPath): AuthFlowPath {
    const steps = path.steps.filter((step) => (step.event.type as string) !== 'xstate.init');
    const states: FlowState[] = ['loggedOut', ...steps.map((step) => step.state.value as FlowState)];
    const events = steps.map((step) => step.event.type);
    const description = states
      .map((state, index) => (index === 0 ? state : `${events[index - 1]} → ${state}`))
      .join(' → ');
    return { description, states, events, run: () => run(path) };
  }

  return {
    paths(coverage = 'transitions') {
      const traversal = {
        events: flowEvents.map((type) => ({ type })),
        filterEvents: (snapshot: { can(event: { type: FlowEvent }): boolean }, event: { type: FlowEvent }) =>
          snapshot.can(event),
        serializeState: (snapshot: { value: unknown }) => JSON.stringify(snapshot.value),
      };
      const found =
        coverage === 'states'
          ? getShortestPaths(authFlowMachine, traversal)
          : edgeCoveringPaths(authFlowMachine, traversal).paths;
      return found.map(describe);
    },
    coverage: () => ({
      states: [coveredStates.size, allStates.length],
      transitions: [allTransitions.filter((key) => coveredTransitions.has(key)).length, allTransitions.length],
    }),
  };
}
