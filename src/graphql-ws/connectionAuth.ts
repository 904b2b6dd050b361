import type { AuthSession } from '../session/createAuthSession.js';
import { createOriginAllowList } from '../adapter-core/origins.js';
import { isSessionEnd, watchSessionEnd } from '../adapter-core/sessionEnd.js';
import type { TokenSet } from '../../domain/tokens.js';

/** graphql-ws's close codes this module acts on. */
export const FORBIDDEN = 4403;

export type ConnectionParams = Record<string, unknown>;

export interface GraphqlWsAuthOptions {
  /** Exact origins (`https://…` or `wss://…`) whose sockets get the token. Default: the page's origin in a browser, none elsewhere. */
  origins?: readonly string[];
  /** The `connection_init` payload for a token. Default: `{ Authorization: 'Bearer <accessToken>' }`. */
  connectionParams?: (tokens: TokenSet) => ConnectionParams | Promise<ConnectionParams>;
  /**
   * For servers that check the token only at connect: when the session refreshes (ahead of
   * expiry, by its `refreshMargin`), the open socket reconnects with the new token. Default false.
   */
  reconnectBeforeExpiry?: boolean;
}

/** What graphql-ws hands its `opened` listener: the socket (browser WebSocket or `ws`). */
interface SocketLike {
  readonly url: string;
  close(code?: number, reason?: string): void;
}

const isSocket = (value: unknown): value is SocketLike =>
  typeof value === 'object' && value !== null && 'url' in value && typeof (value as SocketLike).close === 'function';

/** graphql-ws's default `shouldRetry`: any close event (not an error thrown on the way). */
export const isCloseEvent = (value: unknown): value is { code: number; reason: string } =>
  typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;

/**
 * The socket's `error` event: the connection failed (refused, reset, or an upgrade answered 503). WebKitGTK
 * reports a server's close with 1012 or 1013 this way, where Chromium and Firefox see a clean close
 * (docs/browsers.md). An Error thrown on the way (by your `connectionParams`, say) is not one.
 */
export const isSocketError = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !(value instanceof Error) && 'type' in value && value.type === 'error';

/** `wss://h` is listed as `wss://h` or as `https://h` (the API the page already calls). */
function socketOrigins(url: string): URL[] {
  const socketUrl = new URL(url);
  const httpUrl = new URL(url);
  httpUrl.protocol = socketUrl.protocol === 'wss:' ? 'https:' : 'http:';
  return [socketUrl, httpUrl];
}

/** The state one graphql-ws client needs: which token its socket used, and what to do on a close. */
export function createConnectionAuth(session: AuthSession, options: GraphqlWsAuthOptions) {
  const allowed = createOriginAllowList(options.origins);
  const toParams =
    options.connectionParams ?? ((tokens: TokenSet) => ({ Authorization: `Bearer ${tokens.accessToken}` }));
  let socket: SocketLike | null = null;
  let usedToken: string | null = null;
  let refusedToken: string | null = null;
  // A 4403 for a token handed out right after a 4403 is final, like fetch's single replay.
  let forbiddenInARow = 0;
  let stopWatching = () => {};

  /** Closing with 1000 makes graphql-ws reconnect at once while subscriptions are live. */
  const reconnect = () => socket?.close(1000, 'Normal Closure');

  function watch(current: SocketLike) {
    stopWatching();
    // When the session ends the socket closes; the reconnect asks for a token, the session
    // refuses it with the typed error, and every subscription's sink gets that error.
    const stops = [watchSessionEnd(session, reconnect)];
    if (options.reconnectBeforeExpiry) {
      stops.push(session.on('refreshed', (event) => event.tokens.accessToken !== usedToken && reconnect()));
    }
    socket = current;
    stopWatching = () => stops.forEach((stop) => stop());
  }

  return {
    async params(): Promise<ConnectionParams> {
      if (socket && !socketOrigins(socket.url).some(allowed)) {
        throw new TypeError(
          `tokenflight: ${new URL(socket.url).origin} is not an allowed origin; list it in \`origins\``,
        );
      }
      const refused = refusedToken;
      refusedToken = null;
      // A refused token goes back to the session: one refresh for everyone, or the newer token if it was stale.
      const tokens = refused ? await session.unauthorized(refused) : await session.getToken();
      usedToken = tokens.accessToken;
      return toParams(tokens);
    },
    opened(value: unknown) {
      if (isSocket(value)) watch(value);
    },
    connected() {
      forbiddenInARow = 0;
    },
    closed(event: unknown) {
      stopWatching();
      socket = null;
      // 4401 (a subscribe before the ack) is a protocol error, not a refused token: no refresh.
      if (!isCloseEvent(event) || event.code !== FORBIDDEN) return;
      forbiddenInARow += 1;
      refusedToken = usedToken;
    },
    /** Whether a 4403 is worth one more connect with a new token. */
    retryForbidden(): boolean {
      return forbiddenInARow <= 1;
    },
    /** After a 4403 the next connect waits for the refresh, not for a back-off. */
    awaitsRefresh(): boolean {
      return refusedToken !== null;
    },
    isSessionEnd,
  };
}
