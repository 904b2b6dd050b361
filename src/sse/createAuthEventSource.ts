import { EventSource, type FetchLike } from 'eventsource';
import type { AdapterOptions } from '../adapter-core/authGate.js';
import type { AuthSession } from '../session/createAuthSession.js';
import { checkAdapterArguments } from '../session/optionChecks.js';
import { createAuthFetch } from '../fetch/createAuthFetch.js';
import { createOriginAllowList, pageBase } from '../adapter-core/origins.js';
import { endedSessionError, isSessionEnd, watchSessionEnd, type SessionEndError } from '../adapter-core/sessionEnd.js';

export interface AuthEventSourceOptions extends AdapterOptions {
  /** The fetch the stream's requests go through. Default: the global fetch at call time. */
  fetch?: typeof globalThis.fetch;
  /** Sends cookies cross-origin, like the standard EventSource's `withCredentials`. */
  withCredentials?: boolean;
  /**
   * Called once when the session ends (SessionExpiredError, LoggedOutError): the stream is
   * closed by then and does not reconnect. A server that refuses even a fresh token is reported
   * as EventSource reports it: an `error` event with `code` 401, and the stream closed.
   */
  onError?: (error: SessionEndError) => void;
}

/** The session side of one stream: its fetch, and what happens when the session ends. */
interface StreamLink {
  fetch: FetchLike;
  /** The stream exists now (its constructor already sent the first request). */
  attach(source: EventSource): void;
  /** The stream was closed: stop watching the session. */
  detach(): void;
}

function createStreamLink(session: AuthSession, options: AuthEventSourceOptions): StreamLink {
  const { origins, maxConcurrentReplays } = options;
  // Every connect and reconnect goes through the session: the current token, one refresh shared
  // with every other request on a 401, stale 401s answered with the token that replaced it.
  const authFetch = createAuthFetch(session, { origins, maxConcurrentReplays, fetch: options.fetch });
  let source: EventSource | null = null;
  let endedWith: SessionEndError | null = null;

  function finish(stream: EventSource, error: SessionEndError) {
    stream.close();
    // Always later than `new`, so the caller holds the stream when it hears why it closed.
    queueMicrotask(() => options.onError?.(error));
  }
  function end(error: SessionEndError) {
    if (endedWith) return;
    endedWith = error;
    stopWatching();
    if (source) finish(source, error);
  }
  const stopWatching = watchSessionEnd(session, end);

  return {
    async fetch(url, init) {
      const ended = endedSessionError(session);
      if (ended) {
        end(ended);
        // The stream is closed by the time EventSource reads this, so it does not reconnect.
        throw ended;
      }
      try {
        return await authFetch(url, init);
      } catch (error) {
        if (isSessionEnd(error)) end(error);
        throw error;
      }
    },
    attach(stream) {
      source = stream;
      if (endedWith) finish(stream, endedWith);
    },
    detach: () => stopWatching(),
  };
}

/**
 * An EventSource (the `eventsource` package) that authorizes every connect and reconnect with the
 * session's current token. On a reconnect, EventSource sends `Last-Event-ID`, and a replay after
 * a refused token keeps it, so a refresh loses and repeats no event. When the session ends, the
 * stream closes and `onError` gets the typed error.
 *
 * @throws TypeError when `url` is not on an allowed origin (the stream exists to carry a token).
 */
export class AuthEventSource extends EventSource {
  readonly #link: StreamLink;

  constructor(session: AuthSession, url: string | URL, options: AuthEventSourceOptions = {}) {
    checkAdapterArguments('AuthEventSource', session, options);
    const target = new URL(url, pageBase());
    if (!createOriginAllowList(options.origins)(target)) {
      throw new TypeError(
        `tokenflight: ${target.origin} is not an allowed origin; list it in \`origins\` to stream from it`,
      );
    }
    const link = createStreamLink(session, options);
    super(target, { fetch: link.fetch, withCredentials: options.withCredentials });
    this.#link = link;
    link.attach(this);
  }

  override close(): void {
    this.#link.detach();
    super.close();
  }
}

/** `new AuthEventSource(session, url, options)`, for those who prefer a function. */
export function createAuthEventSource(
  session: AuthSession,
  url: string | URL,
  options?: AuthEventSourceOptions,
): AuthEventSource {
  return new AuthEventSource(session, url, options);
}
