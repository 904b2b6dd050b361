import type { ClientOptions } from 'graphql-ws';
import type { AuthSession } from '../session/createAuthSession.js';
import { checkAdapterArguments, checkOptionsObject } from '../session/optionChecks.js';
import {
  createConnectionAuth,
  FORBIDDEN,
  isCloseEvent,
  isSocketError,
  type GraphqlWsAuthOptions,
} from './connectionAuth.js';

export type { ConnectionParams, GraphqlWsAuthOptions } from './connectionAuth.js';

/**
 * Without your `shouldRetry`: a close, as graphql-ws retries by default, and also a failed connection (the
 * socket's `error` event), which graphql-ws would give up on at once. Both within `retryAttempts`.
 */
const retryCloseOrFailedConnection = (errorOrClose: unknown) =>
  isCloseEvent(errorOrClose) || isSocketError(errorOrClose);

/** graphql-ws's default back-off: 2^retries seconds plus 0.3–3 s. */
async function defaultRetryWait(retries: number): Promise<void> {
  const ms = 2 ** retries * 1000 + Math.floor(Math.random() * 2700 + 300);
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * `createClient` options that keep a graphql-ws client authorized by the session:
 * - every (re)connect sends a fresh token in `connection_init` (`connectionParams`, merged over yours);
 * - a close with 4403 reports the token it used (`session.unauthorized`: one refresh shared with
 *   every other request, a stale token answered with the current one) and reconnects at once;
 *   a second 4403 in a row is final;
 * - 4401 (subscribe before ack) refreshes nothing: graphql-ws reports it to the sinks as is;
 * - when the session ends, the socket closes and every subscription errors with
 *   SessionExpiredError or LoggedOutError.
 * - a failed connection (the socket's `error` event: refused, reset, an upgrade answered 503, or
 *   WebKitGTK's way of reporting a close with 1012 or 1013) is retried like a close, within
 *   `retryAttempts`; graphql-ws alone would end every subscription on it.
 * Your `on`, `shouldRetry` and `retryWait` still run (your `shouldRetry` replaces the default above). `retryAttempts` must be at least 1 for a
 * 4403 to be retried (graphql-ws's default is 5).
 */
export function withSessionAuth<T extends ClientOptions>(
  session: AuthSession,
  client: T,
  options: GraphqlWsAuthOptions = {},
): T {
  checkAdapterArguments('withSessionAuth', session, options);
  checkOptionsObject("withSessionAuth's client", client);
  const auth = createConnectionAuth(session, options);
  const on = client.on ?? {};
  const shouldRetry = client.shouldRetry ?? retryCloseOrFailedConnection;
  const retryWait = client.retryWait ?? defaultRetryWait;
  const yours = client.connectionParams;
  return {
    ...client,
    async connectionParams() {
      const base = typeof yours === 'function' ? await yours() : yours;
      return { ...base, ...(await auth.params()) };
    },
    shouldRetry(errorOrClose: unknown) {
      // The session ended: retrying cannot help, the sinks get the typed error.
      if (auth.isSessionEnd(errorOrClose)) return false;
      if (isCloseEvent(errorOrClose) && errorOrClose.code === FORBIDDEN) return auth.retryForbidden();
      return shouldRetry(errorOrClose);
    },
    retryWait(retries: number) {
      return auth.awaitsRefresh() ? Promise.resolve() : retryWait(retries);
    },
    on: {
      ...on,
      opened(socket: unknown) {
        auth.opened(socket);
        on.opened?.(socket);
      },
      connected(...args: Parameters<NonNullable<typeof on.connected>>) {
        auth.connected();
        on.connected?.(...args);
      },
      closed(event: unknown) {
        auth.closed(event);
        on.closed?.(event);
      },
    },
  };
}
